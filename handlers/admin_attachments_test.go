package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/attachments"
	"backchannel/model"
	"backchannel/testenv"
)

// The admin's attachments page shows the site's rules, refuses bad values
// beside their field changing nothing, saves, audits once per change, and
// the new limits apply to the next upload (named in its refusal).
func TestAdminAttachmentsPage(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		b := s.browser(t)
		b.signIn("admin@example.org")
		r := b.get("/admin/attachments")
		if r.Status != http.StatusOK || r.Doc.Find(`input[name="types"][value="pdf"][checked]`).Length() != 1 ||
			r.Doc.Find(`input[name="image_max_mb"][value="10"]`).Length() != 1 || r.Doc.Find(`label[for="f-file_max_mb"]`).Length() != 1 {
			t.Fatalf("page: %d", r.Status)
		}
		form := url.Values{"types": {"png", "jpeg", "txt"}, "image_max_mb": {"0"}, "file_max_mb": {"5"}, "daily_count": {"20"}, "daily_mb": {"50"}}
		if r = b.post("/admin/attachments", form); r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#e-image_max_mb").Text() == "" {
			t.Fatalf("image size 0: %d", r.Status)
		}
		form.Set("image_max_mb", "2")
		form.Set("daily_mb", "lots")
		if r = b.post("/admin/attachments", form); r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#e-daily_mb").Text() == "" {
			t.Fatalf("not a number: %d", r.Status)
		}
		if p, _ := attachments.LoadPolicy(context.Background(), s.DB); p.ImageMaxBytes != 10<<20 || len(p.Types) != len(attachments.Types()) {
			t.Fatalf("a refused form changed the policy: %+v", p)
		}
		form.Set("daily_mb", "50")
		if r = b.post("/admin/attachments", form); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %q", r.Status, r.Doc.Find(".field-error, [role=alert]").Text())
		}
		r = b.get("/admin/attachments")
		if r.Doc.Find(`input[name="types"][value="pdf"][checked]`).Length() != 0 || r.Doc.Find(`input[name="types"][value="txt"][checked]`).Length() != 1 ||
			r.Doc.Find(`input[name="image_max_mb"][value="2"]`).Length() != 1 {
			t.Error("saved values not shown")
		}
		if r = b.post("/admin/attachments", form); r.Status != http.StatusSeeOther { // unchanged: no second audit row
			t.Fatalf("save again: %d", r.Status)
		}
		if n := len(dmAudits(t, s, "settings.attachments")); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		var e apiErr
		pat.upload("notes.pdf", []byte("%PDF-1.4\n1 0 obj\n")).want(http.StatusUnsupportedMediaType).into(&e)
		if !strings.Contains(e.Error.Message, "allowed are images (PNG, JPEG) up to 2 MB; files (TXT) up to 5 MB") {
			t.Errorf("refusal %q does not name what is now allowed", e.Error.Message)
		}
		pat.upload("big.png", testPNG(t, 1200, 1200)).want(http.StatusCreated)
	})
}

// An admin unticks a type in the browser and saves: the page says so and
// shows the saved choice.
func TestBrowserAdminAttachments(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	s.createUser(t, "admin@example.org", model.RoleAdmin)
	tab := testenv.BrowserContext(t, root)
	testenv.Do(t, tab,
		chromedp.Navigate(s.URL+"/login?next=/admin/attachments"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), "admin@example.org"),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, tab, "/admin/attachments")
	testenv.Do(t, tab,
		chromedp.WaitVisible(chromedp.ID("f-file_max_mb")),
		chromedp.Click(chromedp.CSS(`input[name="types"][value="pptx"]`)),
		chromedp.SetValue(chromedp.ID("f-file_max_mb"), "20"),
		chromedp.Click(buttonXPath("main", "Save")),
	)
	testenv.WaitUntil(t, tab, "the saved page", `document.querySelector('#flash').textContent.includes('saved') && document.querySelector('#f-file_max_mb').value === '20' && !document.querySelector('input[name="types"][value="pptx"]').checked`)
	if p, err := attachments.LoadPolicy(context.Background(), s.DB); err != nil || p.FileMaxBytes != 20<<20 || slices.Contains(p.Types, "pptx") {
		t.Fatalf("saved policy %+v (%v)", p, err)
	}
	testenv.NoJSErrors(t, tab)
	testenv.Laptop(t, tab)
	testenv.Screenshot(t, tab, screenshotDir+"admin-attachments.png")
}
