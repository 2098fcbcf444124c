package main

import (
	"context"
	"strings"
	"testing"

	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
)

// reindex rebuilds the direct-message index too, after the channel index,
// and leaves its cursor at the event log's end.
func TestReindexDirectMessages(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			ctx := context.Background()
			env := baseEnv(t, d.URL)
			db := testenv.Open(t, d.URL)
			var ids []int64
			for _, name := range []string{"ada", "bob"} {
				u := &model.User{Email: name + "@example.org", DisplayName: name, PasswordHash: "h"}
				if err := store.CreateUser(ctx, db, u); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, u.ID)
			}
			c := testenv.DMConversation(t, db, "", ids...)
			m := testenv.DMPost(t, db, c, ids[0], "reindexed persimmon")
			gone := testenv.DMPost(t, db, c, ids[1], "deleted persimmon")
			testenv.DMDelete(t, db, gone)

			r := mustRun(t, env, "reindex")
			if !strings.Contains(r.stdout, "index of direct messages") || !strings.Contains(r.stdout, "Indexed 1 messages") {
				t.Errorf("reindex output:\n%s", r.stdout)
			}
			res, err := search.NewSQLDM(db).Search(ctx, search.DMQuery{Text: "persimmon", Scopes: []search.DMScope{{ConversationID: c}}})
			if err != nil || res.Total != 1 || res.Hits[0].ID != m {
				t.Errorf("after reindex: %v %+v", err, res)
			}
			last, _ := store.LastDMEventID(ctx, db)
			if cur, _ := store.DMSearchCursor(ctx, db); cur != last {
				t.Errorf("cursor %d, want %d", cur, last)
			}
		})
	}
}
