package transcripts_test

import (
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/testenv"
	"backchannel/transcripts"
)

func TestAnalytics(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		cs := newClassSession(e)
		// What is not moderation: an action taken back within the undo
		// window (and its undo), an author deleting their own message.
		mod := e.Viewer(cs.ch, e.User("Max", model.RoleModerator))
		done, err := e.Moderation.Moderate(e.Ctx, cs.ch, mod, cs.ids["c1"], model.ActHide, moderation.ModInput{Guideline: "G3"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Moderation.Undo(e.Ctx, cs.ch, mod, done.AuditID); err != nil {
			t.Fatal(err)
		}
		gus := e.Ready(cs.ch, e.User("Gus", model.RoleParticipant))
		own := e.Post(cs.ch, gus, chat.PostInput{Body: "typo, posting again"})
		if _, err := e.Chat.Delete(e.Ctx, cs.ch, gus, own.ID); err != nil {
			t.Fatal(err)
		}
		a, err := e.Transcripts.Analytics(e.Ctx, cs.ch, cs.sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Alice, Bob, Carol, Dan, Eve and Gus posted; Frank only accepted
		// the guidelines; the host and the moderators did neither.
		counts := []struct {
			name      string
			got, want int
		}{
			{"messages", a.Messages, len(cs.everyone) + 1},
			{"replies", a.Replies, 2},
			{"questions", a.Questions, 2},
			{"answered", a.Answered, 1},
			{"posters", a.Posters, 6},
			{"participants", a.Participants, 7},
			// hide, delete, deny, shadow-mute (answering, pinning, tagging
			// and settings are not moderation).
			{"actions", a.Actions, 4},
		}
		for _, c := range counts {
			if c.got != c.want {
				t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
			}
		}
		if len(a.TopQuestions) != 2 || a.TopQuestions[0].ID != cs.ids["q1"] || a.TopQuestions[0].Votes != 2 ||
			!a.TopQuestions[0].Answered || a.TopQuestions[1].Author != "Anonymous" || a.TopQuestions[1].Votes != 1 {
			t.Errorf("top questions = %+v", a.TopQuestions)
		}
		if len(a.Tags) != 2 || a.Tags[0].Name != "exam" || a.Tags[0].Count != 2 || a.Tags[1].Name != "slides" || a.Tags[1].Count != 1 {
			t.Errorf("tags = %+v", a.Tags)
		}
		rules := map[string]int{}
		for _, r := range a.ActionsByRule {
			rules[r.Guideline] = r.Count
		}
		if len(rules) != 2 || rules["G1"] != 2 || rules["G2"] != 2 {
			t.Errorf("actions by rule = %+v", a.ActionsByRule)
		}
		if a.BucketSize != time.Minute {
			t.Errorf("bucket size = %v", a.BucketSize)
		}
		sum := 0
		for _, b := range a.Buckets {
			sum += b.Count
		}
		if sum != a.Messages || len(a.Buckets) == 0 || !a.Buckets[0].Start.Equal(a.From.Truncate(time.Minute)) {
			t.Errorf("buckets = %+v (sum %d)", a.Buckets, sum)
		}
	})
}

func TestBucketSizeFor(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want time.Duration
	}{
		{0, time.Minute},
		{50 * time.Minute, time.Minute},
		{time.Hour, time.Minute},
		{61 * time.Minute, 5 * time.Minute},
		{6 * time.Hour, 5 * time.Minute},
		{8 * time.Hour, 15 * time.Minute},
	}
	for _, tt := range tests {
		if got := transcripts.BucketSizeFor(tt.d); got != tt.want {
			t.Errorf("BucketSizeFor(%v) = %v, want %v", tt.d, got, tt.want)
		}
	}
}
