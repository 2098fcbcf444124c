package retention_test

import (
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/store"
	"backchannel/testenv"
)

func TestDMRetention(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		alice, bob := e.User("Alice", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		c := testenv.DMConversationOf(t, db, alice, bob)
		now := time.Now()
		old := testenv.DMPostAt(t, db, c, bob, "old and rude", now.Add(-40*24*time.Hour))
		edge := testenv.DMPostAt(t, db, c, alice, "29 days old", now.Add(-29*24*time.Hour))
		fresh := testenv.DMPostAt(t, db, c, alice, "new", now)
		testenv.DMReactAs(t, db, old, alice, "👍")
		testenv.DMReactAs(t, db, fresh, bob, "👍")
		r, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &old.ID, Reason: "rude"})
		if err != nil {
			t.Fatal(err)
		}
		// Kept while the setting is 0 (the default).
		if n, err := e.Retention.RunDMs(e.Ctx, now); err != nil || n != 0 {
			t.Fatalf("run with no period: %d, %v", n, err)
		}
		days := 30
		if _, err := e.Moderation.SaveDMSettings(e.Ctx, alice.ID, moderation.DMSettingsIn{RetentionDays: &days}); err != nil {
			t.Fatal(err)
		}
		run, err := e.Retention.RunOnce(e.Ctx)
		if err != nil || run.DMs != 1 {
			t.Fatalf("run: %+v, %v", run, err)
		}
		if _, err := store.ReportMessage(e.Ctx, db, old.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("old message kept: %v", err)
		}
		for _, m := range []*model.DirectMessage{edge, fresh} {
			if _, err := store.ReportMessage(e.Ctx, db, m.ID); err != nil {
				t.Errorf("message %q removed: %v", m.Body, err)
			}
		}
		var reactions []model.DMReaction
		if err := db.NewSelect().Model(&reactions).Scan(e.Ctx); err != nil || len(reactions) != 1 || reactions[0].MessageID != fresh.ID {
			t.Errorf("reactions left %+v, %v", reactions, err)
		}
		es := e.Audits(store.AuditFilter{Action: "retention.dm_remove"})
		if len(es) != 1 || es[0].ActorID != nil {
			t.Errorf("audit %+v", es)
		}
		// The report keeps its snapshot.
		mod := e.User("Mona", model.RoleModerator)
		v, err := e.Moderation.OpenDMReport(e.Ctx, mod.ID, r.ID)
		if err != nil || len(v.Lines) != 1 || v.Lines[0].Body != "old and rude" {
			t.Fatalf("report after retention %+v, %v", v, err)
		}
		// A second run removes nothing more.
		if n, err := e.Retention.RunDMs(e.Ctx, now); err != nil || n != 0 {
			t.Errorf("second run: %d, %v", n, err)
		}
	})
}
