package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"backchannel/model"
	"backchannel/testenv"
)

// A bulk action on the wall answers with every row it touched, their files
// on them, reading the files once for the whole batch (it read them twice
// per row), across channels too. The indexer is off: it reads files of its
// own.
func TestModBulkReadsFilesOnce(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			bulkReadsFilesOnce(t, newServer(t, d.URL, func(o *serverOptions) { o.noIndexer = true }))
		})
	}
}

func bulkReadsFilesOnce(t *testing.T, s *testServer) {
	{
		r := newAttachRig(t, s)
		r.host.createChannel(map[string]any{"slug": "beta", "title": "Beta"})
		r.ada.accept("beta")
		for _, slug := range []string{"alpha", "beta"} {
			r.host.do("PATCH", chanPath(slug), map[string]any{"attachments_mode": "review"}).want(http.StatusOK)
		}
		var ids []string
		for i, slug := range []string{"alpha", "alpha", "beta"} {
			name := "file" + strconv.Itoa(i) + ".txt"
			up := uploadID(t, r.ada, name, []byte("notes "+name+"\n"))
			id := r.ada.post(slug, map[string]any{"body": "see " + name, "attachments": []int64{up}}).ID
			if r.message(t, id).State != model.StateHeld {
				t.Fatalf("message %d not held", id)
			}
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		// The first is approved already: the bulk deny refuses it, with its
		// reason on its row.
		r.mod.do("POST", chanPath("alpha", "/messages/"+ids[0]+"/moderate"), map[string]any{"action": "approve"}).want(http.StatusOK)
		mb := s.browser(t)
		mb.signIn("mod@example.org")
		mb.get("/mod")
		log := &queryLog{}
		s.DB.AddQueryHook(log)
		var res *response
		stmts := log.during(func() {
			res = mb.post("/mod/messages/bulk", url.Values{"id": ids, "action": {"deny"}}, "HX-Request", "true")
		})
		if res.Status != http.StatusOK {
			t.Fatalf("bulk deny = %d %s", res.Status, res.Body)
		}
		refused := res.Doc.Find("hx-partial[hx-target='#wh-" + ids[0] + "']")
		if !strings.Contains(refused.Find("[role=alert]").Text(), "Only held messages can be denied") {
			t.Errorf("the refused row = %q", refused.Text())
		}
		for _, id := range ids[1:] {
			if res.Doc.Find("hx-partial[hx-target='#wh-"+id+"'] li.is-resolved").Length() != 1 {
				t.Errorf("row %s does not come back resolved", id)
			}
		}
		if n := count(stmts, "attachments"); n != 1 {
			t.Errorf("the bulk action read files %d times, want once:\n%s", n, strings.Join(stmts, "\n"))
		}
	}
}
