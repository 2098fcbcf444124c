package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/filters"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/testenv"
	"backchannel/testenv/xss"
	"backchannel/transcripts"
)

// xssHook runs in every document of a tab before any page script. It
// defines the trap the payloads call, and records it in sessionStorage (so
// a call survives a navigation) together with every Content-Security-Policy
// violation: a payload that reached the page as markup but was stopped by
// the policy is a failure of the escaping all the same.
const xssHook = `(() => {
	const note = (what) => {
		const hits = JSON.parse(sessionStorage.getItem('xss-hits') || '[]');
		hits.push(what + ' on ' + location.pathname + location.search);
		sessionStorage.setItem('xss-hits', JSON.stringify(hits));
	};
	window.` + xss.Trap + ` = (n) => note('payload ' + n + ' ran');
	document.addEventListener('securitypolicyviolation', (e) =>
		note('CSP ' + e.effectiveDirective + ' blocked ' + (e.sample || e.blockedURI)), true);
})()`

// xssScanJS lists what in the current DOM could run a payload: an element
// or attribute that only markup could have made (scripts, event handlers,
// hx-on, srcdoc, style) carrying the trap's name, or a link or source with a
// code-running scheme. Text that merely shows a payload is fine.
const xssScanJS = `(() => {
	const bad = [];
	const scheme = /^\s*(javascript|vbscript|data):/i;
	for (const el of document.querySelectorAll('*')) {
		const tag = el.tagName.toLowerCase();
		if ((tag === 'script' || tag === 'style') && el.textContent.includes('` + xss.Trap + `')) bad.push('<' + tag + '> ' + el.textContent.slice(0, 60));
		if (['iframe', 'object', 'embed', 'base', 'math'].includes(tag)) bad.push('<' + tag + '>');
		for (const a of el.attributes) {
			const k = a.name.toLowerCase();
			if ((k.startsWith('on') || k.startsWith('hx-on') || k === 'srcdoc' || k === 'style' || k === 'formaction') && a.value.includes('` + xss.Trap + `')) bad.push(tag + ' ' + k + '=' + a.value.slice(0, 60));
			if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'hx-get', 'hx-post'].includes(k) && scheme.test(a.value)) bad.push(tag + ' ' + k + '=' + a.value.slice(0, 60));
		}
	}
	return bad;
})()`

// xssTab opens a tab (a new browser context when fresh, so a second person
// can sign in) with the hook installed.
func xssTab(t *testing.T, parent context.Context, fresh bool) context.Context {
	t.Helper()
	var tab context.Context
	if fresh {
		tab = testenv.BrowserContext(t, parent)
	} else {
		tab = testenv.NewTab(t, parent)
	}
	if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: xssHook}); err != nil {
		t.Fatal(err)
	}
	return tab
}

// xssCheck fails the test when a payload ran, the policy blocked one, or
// the DOM of the tab holds one as live markup; where names the page.
func xssCheck(t *testing.T, tab context.Context, where string) {
	t.Helper()
	if hits := testenv.Eval[[]string](t, tab, `JSON.parse(sessionStorage.getItem('xss-hits') || '[]')`); len(hits) > 0 {
		t.Errorf("%s: %s", where, strings.Join(hits, "; "))
		testenv.Do(t, tab, chromedp.Evaluate[chromedp.Void](`sessionStorage.removeItem('xss-hits')`))
	}
	if bad := testenv.Eval[[]string](t, tab, xssScanJS); len(bad) > 0 {
		t.Errorf("%s: payload markup in the DOM: %s", where, strings.Join(bad, "; "))
	}
}

// xssVisit loads path in tab, waits until it has loaded and shows want
// (text, or a form field's value, that proves the user-controlled data is
// on it), and checks it.
func xssVisit(t *testing.T, tab context.Context, base, path, want string) {
	t.Helper()
	testenv.Do(t, tab, chromedp.Navigate(base+path))
	testenv.WaitUntil(t, tab, path+" loaded with "+want, fmt.Sprintf(
		`document.readyState === 'complete' && (document.body.innerText.includes(%[1]s) ||
			[...document.querySelectorAll('input, textarea')].some(el => el.value.includes(%[1]s)))`, strconv.Quote(want)))
	xssCheck(t, tab, path)
}

// TestBrowserXSSCorpus writes the payload corpus into every field a person
// controls (names of users and guests, channel title and description,
// session title, message bodies with links, replies, edits, report reasons,
// moderation reasons, notes, tags, staff chat, guideline text, filter
// patterns, search queries) and loads every page that shows them, in
// Chromium with a trap installed before any page script: the test fails if
// a payload runs, if the Content-Security-Policy had to stop one, or if one
// sits in the DOM as markup, including fragments that arrive live over the
// channel's and the wall's streams.
func TestBrowserXSSCorpus(t *testing.T) {
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	short := xss.ShortPayloads
	all := xss.Payloads
	user := func(email, name string, role model.Role) *model.User {
		u, err := s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: email, DisplayName: name, Password: "correct horse battery"}, role)
		if err != nil {
			t.Fatalf("user %q: %v", name, err)
		}
		return u
	}
	names := xss.NamePayloads
	admin := user("ada@example.org", names[0], model.RoleAdmin)
	host := user("hal@example.org", names[1], model.RoleHost)
	mod := user("mo@example.org", names[2], model.RoleModerator)

	if _, err := s.Chat.SaveSiteGuideline(ctx, admin.ID, chat.GuidelineInput{Title: short[3],
		Body: "G1. Be kind " + all[0] + "\n\n" + strings.Join(all, "\n\n")}); err != nil {
		t.Fatal(err)
	}
	slug, title, desc, yes := "xss", short[4], "", true
	for _, p := range all { // as many as the description's 1000 characters take
		if len(desc)+len(p) < 1000 {
			desc += p + " "
		}
	}
	ch, err := s.Chat.CreateChannel(ctx, host.ID, chat.ChannelInput{Slug: &slug, Title: &title, Description: &desc, AllowGuests: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Chat.SaveChannelGuideline(ctx, host.ID, ch, chat.GuidelineInput{Title: short[5], Body: "G2. " + all[6] + "\n\n" + all[14]}); err != nil {
		t.Fatal(err)
	}
	sess, err := s.Chat.StartSession(ctx, host.ID, ch, short[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Filters.Create(ctx, admin.ID, filters.ChannelScope(ch.ID), filters.Input{Pattern: "img src onerror", Kind: "phrase", Action: "flag", Guideline: "G2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Filters.Create(ctx, admin.ID, "site", filters.Input{Pattern: short[1], Kind: "phrase", Action: "flag", Allow: []string{short[0]}}); err != nil {
		t.Fatal(err)
	}

	accept := func(v chat.Viewer) chat.Viewer {
		g, _, err := s.Chat.Guideline(ctx, ch, v)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, v, g.ID); err != nil {
			t.Fatal(err)
		}
		return v
	}
	viewerOf := func(u *model.User) chat.Viewer {
		v, err := s.Chat.ViewerFor(ctx, ch, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	modV := accept(viewerOf(mod))
	_, guest, err := s.Chat.JoinAsGuest(ctx, ch, names[3], "", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	guestV, err := s.Chat.ViewerFor(ctx, ch, nil, guest)
	if err != nil {
		t.Fatal(err)
	}
	accept(guestV)
	// Four posts a person keeps under the rate limit.
	var people []chat.Viewer
	post := func(i int, in chat.PostInput) *model.Message {
		for len(people) <= i/4 {
			n := len(people)
			people = append(people, accept(viewerOf(user(fmt.Sprintf("p%d@example.org", n), names[n%len(names)], model.RoleParticipant))))
		}
		m, err := s.Chat.Post(ctx, ch, people[i/4], in)
		if err != nil {
			t.Fatalf("post %q: %v", in.Body, err)
		}
		return m
	}
	var ids []int64
	for i, p := range all {
		kind := model.MessageKind("")
		if i%3 == 0 {
			kind = "question"
		}
		ids = append(ids, post(i, chat.PostInput{Body: p + " see https://example.org/a?b=<c>", Kind: kind}).ID)
	}
	if _, err := s.Chat.Post(ctx, ch, guestV, chat.PostInput{Body: all[1]}); err != nil {
		t.Fatal(err)
	}
	reply := post(len(all), chat.PostInput{Body: all[2], ParentID: ids[0]})
	if _, err := s.Chat.Edit(ctx, ch, people[len(all)/4], reply.ID, all[7]+" (edited)"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.Report(ctx, ch, guestV, ids[3], all[4]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.Report(ctx, ch, people[0], ids[8], all[9]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.AddNote(ctx, modV, people[0].Actor.Key(), all[10]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.AddNote(ctx, modV, guestV.Actor.Key(), all[11]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.StaffPost(ctx, ch, modV, all[12]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.Moderate(ctx, ch, modV, ids[5], model.ActHide, moderation.ModInput{Reason: all[13], Guideline: "G2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.Sanction(ctx, ch, modV, moderation.SanctionInput{Subject: people[1].Actor.Key(), Kind: model.SanctionMute,
		Duration: moderation.Mute1h, ModInput: moderation.ModInput{Reason: all[15]}}); err != nil {
		t.Fatal(err)
	}
	// Tags are letters, digits, - and _: markup is refused, not stored.
	for i, tag := range append([]string{"follow-up"}, short...) {
		_, err := s.Transcripts.Tag(ctx, host.ID, ch, transcripts.TagInput{MessageIDs: []int64{ids[i]}, Tag: tag})
		if (err == nil) != (i == 0) {
			t.Errorf("tag %q: %v", tag, err)
		}
	}

	// The browser starts once the data is there (its life is bounded).
	root := testenv.Browser(t)
	// The admin's tab, where the hook is in place before the first page.
	tab := xssTab(t, root, true)
	if err := signInBrowser(tab, s.URL, admin.Email); err != nil {
		t.Fatal(err)
	}
	xssCheck(t, tab, "/channels")
	sessPath := fmt.Sprintf("/transcripts/%s/%d", slug, sess.ID)
	for _, p := range []struct{ path, want string }{
		{"/channels", short[4]},
		{"/c/" + slug, "xss(30)"},
		{"/c/" + slug + "/present", "xss("},
		{"/c/" + slug + "/settings", "xss(6)"},
		{"/c/" + slug + "/guidelines/edit", "xss("},
		{"/c/" + slug + "/sessions/rename", "xss("},
		{"/mod", "xss(12)"},
		{"/mod/c/" + slug + "/people/" + people[0].Actor.Key(), "xss(11)"},
		{"/mod/c/" + slug + "/people/" + guestV.Actor.Key(), "xss(12)"},
		{"/search?q=" + url.QueryEscape("xss"), "xss(2)"},
		{"/search?q=" + url.QueryEscape(all[1]+" from:\""+names[0]+"\" tag:"+short[1]), "xss(2)"},
		{"/transcripts", short[4]},
		{"/transcripts/" + slug, "xss("},
		{sessPath, "xss(30)"},
		{sessPath + "/analytics", "xss("},
		{"/admin", "Admin"},
		{"/admin/users", "xss(31)"},
		{fmt.Sprintf("/admin/users/%d", people[0].Actor.UserID), "xss(31)"},
		{"/admin/roles", "xss("},
		{"/admin/guidelines", "xss(30)"},
		{"/admin/filters", "xss(4)"},
		{"/admin/audit", "xss("},
		{"/account", "xss("},
	} {
		xssVisit(t, tab, s.URL, p.path, p.want)
	}

	// A participant who has not accepted yet sees the guidelines with the
	// payloads, then the feed.
	reader := user("rita@example.org", "rita", model.RoleParticipant)
	rtab := xssTab(t, root, true)
	if err := signInBrowser(rtab, s.URL, reader.Email); err != nil {
		t.Fatal(err)
	}
	xssVisit(t, rtab, s.URL, "/c/"+slug, "xss(")
	testenv.Do(t, rtab, chromedp.Click(`[data-testid=guidelines] button[type=submit], [data-testid=guidelines] button`))
	testenv.WaitUntil(t, rtab, "the feed after accepting", `document.readyState === 'complete' &&
		!document.querySelector('[data-testid=guidelines]') && !!document.getElementById('compose-body')`)
	xssCheck(t, rtab, "/c/"+slug+" after accepting")

	// Live: the channel page, the wall and the presenter view are open while
	// new payloads arrive over their streams.
	liveTabs := map[string]context.Context{"/c/" + slug: rtab}
	for _, path := range []string{"/mod", "/c/" + slug + "/present"} {
		lt := xssTab(t, tab, false)
		xssVisit(t, lt, s.URL, path, "xss(")
		liveTabs[path] = lt
	}
	testenv.WaitUntil(t, liveTabs["/mod"], "the wall's stream", `!!document.querySelector('#wall-live')?._htmx?.sse`)
	marker := "live-marker-"
	for i, p := range all {
		body := fmt.Sprintf("%s %s%d https://example.org/?q=%s", p, marker, i, url.QueryEscape(p))
		in := chat.PostInput{Body: body}
		if i%4 == 1 {
			in.ParentID = ids[0]
		}
		if i%2 == 0 {
			in.Kind = "question"
		}
		post(len(all)+1+i, in)
	}
	last := fmt.Sprintf("%s%d", marker, len(all)-1)
	for path, lt := range liveTabs {
		if path == "/c/"+slug+"/present" {
			continue // the presenter view shows questions only as they are picked
		}
		testenv.WaitUntil(t, lt, "the last live payload on "+path, fmt.Sprintf(`document.body.innerText.includes(%q)`, last))
		xssCheck(t, lt, path+" (live)")
	}
	// A live edit and a live hide with a payload reason.
	if _, err := s.Chat.Edit(ctx, ch, people[0], ids[1], all[8]+" live-edited"); err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, rtab, "the live edit", `document.body.innerText.includes('live-edited')`)
	for path, lt := range liveTabs {
		xssCheck(t, lt, path+" (after the live edit)")
	}

	// Exports are downloads in text formats, never pages a browser renders.
	b := s.browser(t)
	b.signIn(admin.Email)
	for _, path := range []string{sessPath + "/export/md", sessPath + "/export/csv", sessPath + "/export/json",
		"/search/export/csv?q=xss", "/search/export/json?q=xss", "/search/export/md?q=xss", "/admin/audit.csv", "/admin/filters/export"} {
		r := b.get(path)
		if r.Status != http.StatusOK {
			t.Errorf("%s: status %d", path, r.Status)
			continue
		}
		ct := r.Header.Get("Content-Type")
		if strings.Contains(ct, "html") || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: Content-Type %q, nosniff %q, Content-Disposition %q: a browser could render it", path, ct,
				r.Header.Get("X-Content-Type-Options"), r.Header.Get("Content-Disposition"))
		}
	}
	for _, lt := range []context.Context{tab, rtab} {
		testenv.NoJSErrors(t, lt)
	}
}

// TestBrowserXSSHookSees checks the corpus test's harness: a payload that
// runs reaches the trap, one stopped by a Content-Security-Policy is
// recorded, and payload markup in the DOM is found, so a clean corpus run
// means something.
func TestBrowserXSSHookSees(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/csp" {
			w.Header().Set("Content-Security-Policy", "script-src 'self'")
		}
		fmt.Fprint(w, `<!DOCTYPE html><title>x</title><p>shown `+xss.Payloads[1]+`</p>`)
	}))
	t.Cleanup(ts.Close)
	tab := xssTab(t, testenv.Browser(t), true)
	for path, want := range map[string]string{"/ran": "payload 2 ran", "/csp": "CSP script-src"} {
		testenv.Do(t, tab, chromedp.Navigate(ts.URL+path))
		testenv.WaitUntil(t, tab, want, fmt.Sprintf(`(sessionStorage.getItem('xss-hits') || '').includes(%q)`, want))
		if bad := testenv.Eval[[]string](t, tab, xssScanJS); len(bad) != 1 || !strings.Contains(bad[0], "onerror") {
			t.Errorf("%s: the DOM scan found %q, want the img's onerror", path, bad)
		}
		testenv.Do(t, tab, chromedp.Evaluate[chromedp.Void](`sessionStorage.removeItem('xss-hits')`))
	}
}
