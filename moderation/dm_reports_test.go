package moderation_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/store"
	"backchannel/testenv"
)

// bodies lists the bodies of an excerpt, and which line is the reported one.
func bodies(ls []model.DMExcerptLine) ([]string, int64) {
	var out []string
	var reported int64
	for _, l := range ls {
		out = append(out, l.Body)
		if l.Reported {
			reported = l.MessageID
		}
	}
	return out, reported
}

func wantBodies(t *testing.T, ls []model.DMExcerptLine, want []string, reported int64) {
	t.Helper()
	got, r := bodies(ls)
	if len(got) != len(want) || r != reported {
		t.Fatalf("excerpt %q (reported %d), want %q (reported %d)", got, r, want, reported)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("excerpt %q, want %q", got, want)
		}
	}
}

func TestDMReportExcerpt(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		alice, bob, carol, dave := e.User("Alice", model.RoleParticipant), e.User("Bob", model.RoleParticipant),
			e.User("Carol", model.RoleParticipant), e.User("Dave", model.RoleParticipant)
		c := testenv.DMConversationOf(t, db, alice, bob, carol)
		other := testenv.DMConversationOf(t, db, bob, dave)
		var ms []*model.DirectMessage
		for i, body := range []string{"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"} {
			ms = append(ms, testenv.DMPostAt(t, db, c, []*model.User{bob, carol, alice}[i%3], body, time.Time{}))
		}
		elsewhere := testenv.DMPostAt(t, db, other, dave, "not yours", time.Time{})
		m8 := ms[7] // by carol
		// The reported message and the five before it.
		p, err := e.Moderation.PreviewDMReport(e.Ctx, alice.ID, c.ID, &m8.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantBodies(t, p.Lines, []string{"m3", "m4", "m5", "m6", "m7", "m8"}, m8.ID)
		if len(p.People) != 1 || p.People[0] != carol.ID || p.Names[carol.ID] != "Carol" || p.Lines[5].Author != "Carol" {
			t.Errorf("people %v %v, lines %+v", p.People, p.Names, p.Lines[5])
		}
		// Never anything before the reporter's cleared_through.
		testenv.DMClearThrough(t, db, c, alice, ms[4].ID)
		p, err = e.Moderation.PreviewDMReport(e.Ctx, alice.ID, c.ID, &m8.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantBodies(t, p.Lines, []string{"m6", "m7", "m8"}, m8.ID)
		if _, err := e.Moderation.PreviewDMReport(e.Ctx, alice.ID, c.ID, &ms[3].ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("a cleared message: %v, want not found", err)
		}
		// Non-members, and messages of another conversation, are not found.
		for _, tc := range []struct {
			who  *model.User
			conv int64
			msg  *int64
		}{{dave, c.ID, &m8.ID}, {dave, c.ID, nil}, {alice, c.ID, &elsewhere.ID}, {alice, other.ID, nil}, {alice, 999999, nil}} {
			if _, err := e.Moderation.PreviewDMReport(e.Ctx, tc.who.ID, tc.conv, tc.msg); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("preview %+v: %v, want not found", tc, err)
			}
			if _, err := e.Moderation.ReportDM(e.Ctx, tc.who.ID, tc.conv, moderation.DMReportInput{MessageID: tc.msg, Reason: "spam"}); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("report %+v: %v, want not found", tc, err)
			}
		}
		// Bad input is refused and stores nothing.
		wantField(t, func() error {
			_, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &ms[8].ID, Reason: "mine"})
			return err
		}(), "message_id")
		wantField(t, func() error {
			_, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &m8.ID, Reason: " "})
			return err
		}(), "reason")
		wantField(t, func() error {
			_, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &m8.ID, Guideline: "Z9"})
			return err
		}(), "guideline")
		if rs, _ := store.ListDMReports(e.Ctx, db, store.DMReportFilter{}); len(rs) != 0 {
			t.Fatalf("refused reports stored: %+v", rs)
		}
		r, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &m8.ID, Reason: "insults", Guideline: "G1"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &m8.ID, Reason: "again"})
		wantProblem(t, err, "already_reported", model.ErrConflict)
		// The snapshot stays as reported when the author edits or deletes.
		now := time.Now()
		m8.Body, m8.EditedAt = "something nicer", &now
		testenv.DMUpdate(t, db, m8)
		ms[6].DeletedAt = &now
		testenv.DMUpdate(t, db, ms[6])
		mod := e.User("Mona", model.RoleModerator)
		v, err := e.Moderation.OpenDMReport(e.Ctx, mod.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantBodies(t, v.Lines, []string{"m6", "m7", "m8"}, m8.ID)
		if v.Report.Reason != "insults" || v.Report.Guideline != "G1" || v.Name(v.Report.ReporterID) != "Alice" || len(v.People) != 1 || v.People[0] != carol.ID {
			t.Errorf("report %+v people %v", v.Report, v.People)
		}
		// A deleted message cannot be reported; the whole conversation can:
		// its last six messages as the reporter sees them, about the others
		// who wrote in them.
		_, err = e.Moderation.ReportDM(e.Ctx, carol.ID, c.ID, moderation.DMReportInput{MessageID: &ms[6].ID, Reason: "x"})
		wantProblem(t, err, "message_deleted", model.ErrConflict)
		whole, err := e.Moderation.ReportDM(e.Ctx, bob.ID, c.ID, moderation.DMReportInput{Reason: "they gang up on me"})
		if err != nil {
			t.Fatal(err)
		}
		v, err = e.Moderation.OpenDMReport(e.Ctx, mod.ID, whole.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantBodies(t, v.Lines, []string{"m4", "m5", "m6", "", "something nicer", "m9"}, 0)
		if !v.Lines[3].Deleted || !v.Lines[4].Edited || len(v.People) != 2 || v.People[0] != alice.ID || v.People[1] != carol.ID {
			t.Errorf("conversation report: lines %+v people %v", v.Lines, v.People)
		}
	})
}

func TestDMReportsSeenBySiteModeratorsOnly(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		alice, bob := e.User("Alice", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		mod, admin := e.User("Mona", model.RoleModerator), e.User("Ada", model.RoleAdmin)
		chanMod := e.User("Cam", model.RoleParticipant)
		ch := e.Channel(host, "physics", chat.ChannelInput{})
		if err := e.Authz.Grant(e.Ctx, chanMod.ID, model.RoleModerator, ch.Slug); err != nil {
			t.Fatal(err)
		}
		c := testenv.DMConversationOf(t, db, alice, bob)
		m := testenv.DMPostAt(t, db, c, bob, "rude words", time.Time{})
		r, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &m.ID, Reason: "rude"})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []*model.User{chanMod, host, alice, bob} {
			if _, err := e.Moderation.DMReports(e.Ctx, u.ID, true, 0); !errors.Is(err, model.ErrForbidden) {
				t.Errorf("%s lists DM reports: %v", u.DisplayName, err)
			}
			if _, err := e.Moderation.OpenDMReport(e.Ctx, u.ID, r.ID); !errors.Is(err, model.ErrForbidden) {
				t.Errorf("%s opens a DM report: %v", u.DisplayName, err)
			}
		}
		if es := e.Audits(store.AuditFilter{Action: "dm_report.view"}); len(es) != 0 {
			t.Fatalf("refused views audited: %+v", es)
		}
		for _, u := range []*model.User{mod, admin} {
			list, err := e.Moderation.DMReports(e.Ctx, u.ID, true, 0)
			if err != nil || len(list) != 1 || list[0].Report.ID != r.ID || list[0].Lines != nil {
				t.Fatalf("%s lists %+v, %v (one report, no excerpt)", u.DisplayName, list, err)
			}
			if about, err := e.Moderation.DMReports(e.Ctx, u.ID, false, bob.ID); err != nil || len(about) != 1 {
				t.Errorf("reports about Bob: %+v, %v", about, err)
			}
			if about, err := e.Moderation.DMReports(e.Ctx, u.ID, false, alice.ID); err != nil || len(about) != 0 {
				t.Errorf("reports about Alice: %+v, %v", about, err)
			}
		}
		// Listing writes nothing; every opening writes one entry.
		if es := e.Audits(store.AuditFilter{Action: "dm_report.view"}); len(es) != 0 {
			t.Fatalf("listing audited: %+v", es)
		}
		for i, u := range []*model.User{mod, mod, admin} {
			if _, err := e.Moderation.OpenDMReport(e.Ctx, u.ID, r.ID); err != nil {
				t.Fatal(err)
			}
			es := e.Audits(store.AuditFilter{Action: "dm_report.view"})
			if len(es) != i+1 || *es[0].ActorID != u.ID || es[0].TargetType != "dm_report" || es[0].TargetID != itoa(r.ID) || es[0].ChannelID != nil {
				t.Fatalf("after view %d: %+v", i+1, es)
			}
		}
		if _, err := e.Moderation.OpenDMReport(e.Ctx, mod.ID, r.ID+100); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("an unknown report: %v", err)
		}
	})
}

func TestDMSanctionsAuditedAndUndone(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		alice, bob := e.User("Alice", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		mod, other := e.User("Mona", model.RoleModerator), e.User("Otto", model.RoleModerator)
		c := testenv.DMConversationOf(t, db, alice, bob)
		m := testenv.DMPostAt(t, db, c, bob, "rude words", time.Time{})
		report := func() *model.DMReport {
			t.Helper()
			if rs, _ := store.ListDMReports(e.Ctx, db, store.DMReportFilter{Open: true}); len(rs) > 0 {
				return &rs[0]
			}
			r, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &m.ID, Reason: "rude"})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		open := func() int {
			rs, err := store.ListDMReports(e.Ctx, db, store.DMReportFilter{Open: true})
			if err != nil {
				t.Fatal(err)
			}
			return len(rs)
		}
		for _, tc := range []struct {
			kind     model.SanctionKind
			duration moderation.DMSuspendPreset
			expires  time.Duration
		}{{model.SanctionWarn, "", 0}, {model.SanctionDMSuspend, moderation.Suspend24h, 24 * time.Hour}, {model.SanctionBan, "", 0}} {
			r := report()
			e.Clock.Set(time.Time{})
			d, err := e.Moderation.DMSanction(e.Ctx, mod.ID, moderation.DMSanctionInput{UserID: bob.ID, Kind: tc.kind, Duration: tc.duration,
				ReportID: r.ID, ModInput: moderation.ModInput{Reason: "insults", Guideline: "G1"}})
			if err != nil {
				t.Fatalf("%s: %v", tc.kind, err)
			}
			sn := d.Sanction
			if sn.ChannelID != nil || sn.Subject != key(bob) || sn.Kind != tc.kind || (tc.expires == 0) != (sn.ExpiresAt == nil) ||
				(sn.ExpiresAt != nil && sn.ExpiresAt.Sub(sn.CreatedAt).Round(time.Minute) != tc.expires) {
				t.Errorf("%s: sanction %+v", tc.kind, sn)
			}
			a := e.auditEntry(d.AuditID)
			if a.Action != "user."+string(tc.kind) || *a.ActorID != mod.ID || a.TargetType != "user" || a.TargetID != itoa(bob.ID) ||
				a.ChannelID != nil || a.Reason != "insults" || a.Guideline != "G1" {
				t.Errorf("%s: audit %+v", tc.kind, a)
			}
			if got, _ := store.DMReportByID(e.Ctx, db, r.ID); got.ResolvedAt == nil || got.Resolution != string(tc.kind) || *got.ResolvedBy != mod.ID {
				t.Errorf("%s: report %+v", tc.kind, got)
			}
			// Another moderator cannot undo it; its author can, within the window.
			if err := e.Moderation.UndoDM(e.Ctx, other.ID, d.AuditID); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("%s: undone by another: %v", tc.kind, err)
			}
			if err := e.Moderation.UndoDM(e.Ctx, mod.ID, d.AuditID); err != nil {
				t.Fatalf("%s: undo: %v", tc.kind, err)
			}
			if got, _ := store.SanctionByID(e.Ctx, db, sn.ID); got.RevokedAt == nil {
				t.Errorf("%s: not lifted by undo", tc.kind)
			}
			if open() != 1 {
				t.Errorf("%s: report not open again after undo", tc.kind)
			}
			if es := e.Audits(store.AuditFilter{Action: "user." + string(tc.kind) + ".undo"}); len(es) != 1 || *es[0].ActorID != mod.ID {
				t.Errorf("%s: undo audit %+v", tc.kind, es)
			}
			err = e.Moderation.UndoDM(e.Ctx, mod.ID, d.AuditID)
			wantProblem(t, err, "already_undone", model.ErrConflict)
		}
		// After the window: undo is refused, lifting works (audited).
		d, err := e.Moderation.DMSanction(e.Ctx, mod.ID, moderation.DMSanctionInput{UserID: bob.ID, Kind: model.SanctionDMSuspend, Duration: moderation.Suspend7d})
		if err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(d.Sanction.CreatedAt.Add(moderation.UndoWindow + time.Second))
		wantProblem(t, e.Moderation.UndoDM(e.Ctx, mod.ID, d.AuditID), "undo_expired", model.ErrConflict)
		st, err := e.Moderation.DMStandingOf(e.Ctx, bob.ID)
		if err != nil || st.Suspended == nil || st.Suspended.ID != d.Sanction.ID {
			t.Fatalf("standing %+v, %v", st, err)
		}
		lifted, err := e.Moderation.LiftSiteSanction(e.Ctx, mod.ID, d.Sanction.ID, moderation.ModInput{Reason: "apologised"})
		if err != nil || lifted.Sanction.RevokedAt == nil {
			t.Fatalf("lift: %+v, %v", lifted, err)
		}
		if a := e.auditEntry(lifted.AuditID); a.Action != "sanction.revoke" || a.TargetID != itoa(bob.ID) || a.Reason != "apologised" {
			t.Errorf("lift audit %+v", a)
		}
		if st, _ := e.Moderation.DMStandingOf(e.Ctx, bob.ID); st.Suspended != nil {
			t.Errorf("still suspended: %+v", st.Suspended)
		}
		// Bad input and people who may not act.
		for _, in := range []moderation.DMSanctionInput{
			{UserID: bob.ID, Kind: model.SanctionDMSuspend, Duration: "2y"},
			{UserID: bob.ID, Kind: model.SanctionShadowMute},
			{UserID: 999999, Kind: model.SanctionWarn},
			{UserID: mod.ID, Kind: model.SanctionWarn},
		} {
			if _, err := e.Moderation.DMSanction(e.Ctx, mod.ID, in); !errors.Is(err, model.ErrInvalid) {
				t.Errorf("%+v: %v, want invalid", in, err)
			}
		}
		_, err = e.Moderation.DMSanction(e.Ctx, mod.ID, moderation.DMSanctionInput{UserID: other.ID, Kind: model.SanctionDMSuspend, Duration: moderation.Suspend1h})
		wantProblem(t, err, "subject_is_staff", model.ErrConflict)
		if _, err := e.Moderation.DMSanction(e.Ctx, alice.ID, moderation.DMSanctionInput{UserID: bob.ID, Kind: model.SanctionWarn}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("a participant sanctions: %v", err)
		}
		// Dismissing needs a reason, is audited and undone.
		r := report()
		_, err = e.Moderation.DismissDMReport(e.Ctx, mod.ID, r.ID, moderation.ModInput{})
		wantField(t, err, "reason")
		e.Clock.Set(time.Time{})
		dd, err := e.Moderation.DismissDMReport(e.Ctx, mod.ID, r.ID, moderation.ModInput{Reason: "banter between friends"})
		if err != nil || open() != 0 {
			t.Fatalf("dismiss: %v, open %d", err, open())
		}
		if a := e.auditEntry(dd.AuditID); a.Action != "dm_report.dismiss" || a.TargetID != itoa(r.ID) || a.Reason != "banter between friends" {
			t.Errorf("dismiss audit %+v", a)
		}
		_, err = e.Moderation.DismissDMReport(e.Ctx, mod.ID, r.ID, moderation.ModInput{Reason: "again"})
		wantProblem(t, err, "report_resolved", model.ErrConflict)
		if err := e.Moderation.UndoDM(e.Ctx, mod.ID, dd.AuditID); err != nil || open() != 1 {
			t.Fatalf("undo dismiss: %v, open %d", err, open())
		}
		// A warning is what the person sees.
		if _, err := e.Moderation.DMSanction(e.Ctx, mod.ID, moderation.DMSanctionInput{UserID: bob.ID, Kind: model.SanctionWarn, ModInput: moderation.ModInput{Reason: "mind your words"}}); err != nil {
			t.Fatal(err)
		}
		if st, _ := e.Moderation.DMStandingOf(e.Ctx, bob.ID); len(st.Warnings) != 1 || st.Warnings[0].Reason != "mind your words" {
			t.Errorf("warnings %+v", st.Warnings)
		}
	})
}

func TestDMSettings(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		admin := e.User("Ada", model.RoleAdmin)
		d, err := e.Moderation.DMSettingsOf(e.Ctx)
		if err != nil || *d != (moderation.DMSettings{Mode: "on", Groups: "everyone"}) {
			t.Fatalf("defaults %+v, %v", d, err)
		}
		str := func(s string) *string { return &s }
		num := func(n int) *int { return &n }
		for _, tc := range []struct {
			in    moderation.DMSettingsIn
			field string
		}{
			{moderation.DMSettingsIn{Mode: str("sometimes")}, "mode"},
			{moderation.DMSettingsIn{Groups: str("admins")}, "groups"},
			{moderation.DMSettingsIn{RequestMinDays: num(-1)}, "request_min_days"},
			{moderation.DMSettingsIn{RequestMinDays: num(366)}, "request_min_days"},
			{moderation.DMSettingsIn{RetentionDays: num(3651)}, "retention_days"},
			{moderation.DMSettingsIn{RetentionDays: num(-5)}, "retention_days"},
		} {
			_, err := e.Moderation.SaveDMSettings(e.Ctx, admin.ID, tc.in)
			wantField(t, err, tc.field)
		}
		if es := e.Audits(store.AuditFilter{Action: "settings.dm"}); len(es) != 0 {
			t.Fatalf("refused changes audited: %+v", es)
		}
		got, err := e.Moderation.SaveDMSettings(e.Ctx, admin.ID, moderation.DMSettingsIn{Mode: str("staff"), Groups: str("staff"), RequestMinDays: num(365), RetentionDays: num(30)})
		want := moderation.DMSettings{Mode: "staff", Groups: "staff", RequestMinDays: 365, RetentionDays: 30}
		if err != nil || *got != want {
			t.Fatalf("saved %+v, %v", got, err)
		}
		if d, _ := e.Moderation.DMSettingsOf(e.Ctx); *d != want {
			t.Errorf("read back %+v", d)
		}
		if v, _ := store.Setting(e.Ctx, db, model.SettingDMRetentionDays, ""); v != "30" {
			t.Errorf("stored retention %q", v)
		}
		es := e.Audits(store.AuditFilter{Action: "settings.dm"})
		if len(es) != 1 || *es[0].ActorID != admin.ID || es[0].Before == "" || es[0].After == "" {
			t.Fatalf("audit %+v", es)
		}
		// Saving the same again writes nothing.
		if _, err := e.Moderation.SaveDMSettings(e.Ctx, admin.ID, moderation.DMSettingsIn{Mode: str("staff")}); err != nil {
			t.Fatal(err)
		}
		if es := e.Audits(store.AuditFilter{Action: "settings.dm"}); len(es) != 1 {
			t.Errorf("unchanged save audited: %d entries", len(es))
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// What the actions do: a suspended (or banned) person cannot send direct
// messages until the action is undone or lifted; the settings' "off"
// stops everyone.
func TestDMSanctionsStopSending(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		alice, bob := e.User("Alice", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		mod, admin := e.User("Mona", model.RoleModerator), e.User("Ada", model.RoleAdmin)
		c := testenv.DMConversationOf(t, db, alice, bob)
		send := func(body string) error {
			_, err := e.Inbox.Post(e.Ctx, bob.ID, c.ID, inbox.PostInput{Body: body})
			return err
		}
		if err := send("hello"); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(time.Time{})
		d, err := e.Moderation.DMSanction(e.Ctx, mod.ID, moderation.DMSanctionInput{UserID: bob.ID, Kind: model.SanctionDMSuspend, Duration: moderation.Suspend24h})
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, send("still here"), "dm_suspended", model.ErrForbidden)
		if err := e.Moderation.UndoDM(e.Ctx, mod.ID, d.AuditID); err != nil {
			t.Fatal(err)
		}
		if err := send("back again"); err != nil {
			t.Fatalf("after undo: %v", err)
		}
		d, err = e.Moderation.DMSanction(e.Ctx, mod.ID, moderation.DMSanctionInput{UserID: bob.ID, Kind: model.SanctionBan})
		if err != nil {
			t.Fatal(err)
		}
		wantProblem(t, send("banned"), "dm_suspended", model.ErrForbidden)
		if _, err := e.Moderation.LiftSiteSanction(e.Ctx, mod.ID, d.Sanction.ID, moderation.ModInput{}); err != nil {
			t.Fatal(err)
		}
		if err := send("lifted"); err != nil {
			t.Fatalf("after lifting: %v", err)
		}
		// A warning stops nothing.
		if _, err := e.Moderation.DMSanction(e.Ctx, mod.ID, moderation.DMSanctionInput{UserID: bob.ID, Kind: model.SanctionWarn}); err != nil {
			t.Fatal(err)
		}
		if err := send("warned"); err != nil {
			t.Fatalf("after a warning: %v", err)
		}
		off := model.DMModeOff
		if _, err := e.Moderation.SaveDMSettings(e.Ctx, admin.ID, moderation.DMSettingsIn{Mode: &off}); err != nil {
			t.Fatal(err)
		}
		if err := send("off"); err == nil {
			t.Error("sent with direct messages off")
		}
	})
}

// A person may send DMReportsPerHour reports an hour; the next is 429 and
// stores nothing, and an hour later they may report again.
func TestDMReportRateLimit(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		alice, bob := e.User("Alice", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		c := testenv.DMConversationOf(t, db, alice, bob)
		var ms []*model.DirectMessage
		for i := range moderation.DMReportsPerHour + 1 {
			ms = append(ms, testenv.DMPostAt(t, db, c, bob, "spam "+strconv.Itoa(i), time.Time{}))
		}
		for _, m := range ms[:moderation.DMReportsPerHour] {
			if _, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &m.ID, Reason: "spam"}); err != nil {
				t.Fatal(err)
			}
		}
		last := ms[moderation.DMReportsPerHour]
		_, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &last.ID, Reason: "spam"})
		if !errors.Is(err, model.ErrRateLimited) {
			t.Fatalf("report %d: %v, want rate limited", moderation.DMReportsPerHour+1, err)
		}
		if rs, _ := store.ListDMReports(e.Ctx, db, store.DMReportFilter{}); len(rs) != moderation.DMReportsPerHour {
			t.Fatalf("%d reports stored", len(rs))
		}
		e.Clock.Set(time.Now().Add(time.Hour + time.Minute))
		if _, err := e.Moderation.ReportDM(e.Ctx, alice.ID, c.ID, moderation.DMReportInput{MessageID: &last.ID, Reason: "spam"}); err != nil {
			t.Fatalf("an hour later: %v", err)
		}
	})
}
