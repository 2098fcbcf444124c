package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/model"
)

// The audit log tells a guest from the user with the same number, names
// people by name (never by email) and shows only the fields an action
// changed: the admin page and the API.
func TestAuditGuestsNamesAndChanges(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		slow := 0
		s.newChannel(t, "talk", chat.ChannelInput{SlowModeSeconds: &slow})
		admin := s.apiUser(t, "admin@example.org", model.RoleAdmin)
		mia := s.createUser(t, "mia@example.org", model.RoleParticipant)

		// Guests join until one has mia's number.
		var guest *browser
		var gid int64
		for i := 0; i < 20 && gid != mia.ID; i++ {
			guest = s.browser(t)
			guest.get("/c/talk")
			if r := guest.post("/c/talk/join", url.Values{"name": {"Sam " + strconv.Itoa(i)}}); r.Status != http.StatusSeeOther {
				t.Fatalf("guest join = %d", r.Status)
			}
			var g model.Guest
			if err := s.DB.NewSelect().Model(&g).Order("id DESC").Limit(1).Scan(ctx); err != nil {
				t.Fatal(err)
			}
			gid = g.ID
		}
		if gid != mia.ID {
			t.Fatalf("no guest numbered %d (last %d)", mia.ID, gid)
		}
		var gname string
		if err := s.DB.NewSelect().Model((*model.Guest)(nil)).Column("display_name").Where("id = ?", gid).Scan(ctx, &gname); err != nil {
			t.Fatal(err)
		}
		gref, uref := "guest:"+itoa(gid), "user:"+itoa(mia.ID)

		// The guest posts and deletes their message; both people are warned.
		guest.accept("talk")
		if r := guest.postMessage("talk", url.Values{"body": {"oops"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("guest post = %d", r.Status)
		}
		id := strings.TrimPrefix(guest.get("/c/talk").Doc.Find("[data-testid=message]").First().AttrOr("id", ""), "m-")
		if r := guest.post("/c/talk/messages/"+id+"/delete", nil); r.Status >= 400 {
			t.Fatalf("guest delete = %d", r.Status)
		}
		for _, subj := range []string{"g:" + itoa(gid), "u:" + itoa(mia.ID)} {
			admin.do("POST", "/api/v1/channels/talk/sanctions", map[string]any{"subject": subj, "kind": "warn", "reason": "off topic", "guideline": "G2"}).
				want(http.StatusCreated)
		}
		ten := 10
		if _, err := s.Chat.UpdateChannel(ctx, admin.user.ID, "talk", chat.ChannelInput{SlowModeSeconds: &ten}); err != nil {
			t.Fatal(err)
		}

		// The page.
		b := s.browser(t)
		b.signIn("admin@example.org")
		r := b.get("/admin/audit?channel=talk")
		if r.Status != http.StatusOK {
			t.Fatalf("audit = %d", r.Status)
		}
		rows := r.Doc.Find("[data-testid=audit-row]")
		row := func(action, targetRef string) *goquery.Selection {
			return rows.FilterFunction(func(_ int, s *goquery.Selection) bool {
				a, _ := s.Attr("data-action")
				ref, _ := s.Find("[data-testid=audit-target]").Attr("data-ref")
				return a == action && (targetRef == "" || ref == targetRef)
			})
		}
		gw, uw := row("user.warn", gref), row("user.warn", uref)
		if gw.Length() != 1 || uw.Length() != 1 {
			t.Fatalf("warn rows: guest %d, user %d", gw.Length(), uw.Length())
		}
		if got := gw.Find("[data-testid=audit-target] .audit-name").Text(); got != gname {
			t.Errorf("the guest's warning names %q, want %q", got, gname)
		}
		if got := uw.Find("[data-testid=audit-target] .audit-name").Text(); got != "mia" {
			t.Errorf("mia's warning names %q", got)
		}
		del := row("message.delete", "")
		if ref, _ := del.Find("[data-testid=audit-actor]").Attr("data-ref"); ref != gref || !strings.Contains(del.Find("[data-testid=audit-actor]").Text(), gname) {
			t.Errorf("the guest's delete is by %q %q", ref, del.Find("[data-testid=audit-actor]").Text())
		}
		if ref, _ := uw.Find("[data-testid=audit-actor]").Attr("data-ref"); ref != "user:"+itoa(admin.user.ID) || uw.Find("[data-testid=audit-actor] .audit-name").Text() != "admin" {
			t.Errorf("the warning's actor = %q %q", ref, uw.Find("[data-testid=audit-actor]").Text())
		}
		if txt := r.Doc.Find("[data-testid=audit-table]").Text(); strings.Contains(txt, "@example.org") {
			t.Errorf("the audit table shows emails")
		}
		up := row("channel.update", "")
		var fields []string
		up.Find("[data-testid=audit-changes] .audit-change").Each(func(_ int, c *goquery.Selection) { fields = append(fields, c.AttrOr("data-field", "")) })
		if !strings.Contains(strings.Join(fields, ","), "slow_mode_seconds") || strings.Contains(strings.Join(fields, ","), "title") {
			t.Errorf("channel.update shows fields %v", fields)
		}
		c := up.Find(`.audit-change[data-field=slow_mode_seconds]`)
		if c.Find(".audit-before").Text() != "0" || c.Find(".audit-after").Text() != "10" {
			t.Errorf("slow mode change = %q", c.Text())
		}
		if r := b.get("/admin/audit?actor=" + gref); r.Doc.Find("[data-testid=audit-row]").Length() != 1 {
			t.Errorf("filter by the guest = %d rows", r.Doc.Find("[data-testid=audit-row]").Length())
		}

		// The API.
		var out struct {
			Entries []struct {
				ActorID    *int64 `json:"actor_id"`
				Actor      string `json:"actor"`
				ActorRef   string `json:"actor_ref"`
				Action     string `json:"action"`
				TargetType string `json:"target_type"`
				TargetID   string `json:"target_id"`
				TargetName string `json:"target_name"`
				Changes    []struct {
					Field, Before, After string
				} `json:"changes"`
			} `json:"entries"`
		}
		admin.do("GET", "/api/v1/audit?channel=talk", nil).want(http.StatusOK).into(&out)
		seen := map[string]bool{}
		for _, e := range out.Entries {
			switch {
			case e.Action == "user.warn" && e.TargetType == "guest":
				seen["guest warn"] = e.TargetID == itoa(gid) && e.TargetName == gname
			case e.Action == "user.warn" && e.TargetType == "user":
				seen["user warn"] = e.TargetID == itoa(mia.ID) && e.TargetName == "mia" && e.Actor == "admin"
			case e.Action == "message.delete":
				seen["delete"] = e.ActorID == nil && e.ActorRef == gref && e.Actor == gname
			case e.Action == "channel.update":
				ok := len(e.Changes) > 0
				for _, c := range e.Changes {
					ok = ok && c.Field != "title"
					if c.Field == "slow_mode_seconds" {
						seen["slow"] = c.Before == "0" && c.After == "10"
					}
				}
				seen["changed only"] = ok
			}
		}
		for _, k := range []string{"guest warn", "user warn", "delete", "slow", "changed only"} {
			if !seen[k] {
				t.Errorf("API: %s wrong: %+v", k, out.Entries)
			}
		}
		admin.do("GET", "/api/v1/audit?actor="+gref, nil).want(http.StatusOK).into(&out)
		if len(out.Entries) != 1 || out.Entries[0].Action != "message.delete" {
			t.Errorf("API filter by the guest = %+v", out.Entries)
		}
	})
}
