package transcripts

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"backchannel/model"
	"backchannel/store"
)

// Analytics are the participation figures of one session, for its staff.
type Analytics struct {
	Session *model.ChannelSession
	From    time.Time // the session's window: start
	To      time.Time // end, or now while it is live

	// Messages counts every message posted in the session, whatever
	// moderation did to it later; Questions the top-level questions among
	// them and Answered those marked answered.
	Messages  int
	Questions int
	Answered  int
	Replies   int
	// Posters are the distinct people who posted. Participants are the
	// distinct people who did anything we record in the channel during
	// the session: posted, reacted, voted or accepted the guidelines
	// (nobody is counted for only reading).
	Posters      int
	Participants int
	// Files counts the files shared in the session's messages (images
	// included; removed ones too, as Messages counts every message), and
	// Images the images among them.
	Files  int
	Images int

	// Buckets are the messages over time: BucketSize apart from the start
	// of the window (truncated to BucketSize), empty ones included.
	BucketSize time.Duration
	Buckets    []Bucket

	TopQuestions  []QuestionStat         // by votes, at most 5, visible questions only
	Tags          []TagCount             // most used first
	ActionsByRule []store.GuidelineCount // moderation actions citing a rule id, most first
	Actions       int                    // moderation actions (audit entries) in the window
}

// Bucket is how many messages were posted in [Start, Start+size).
type Bucket struct {
	Start time.Time
	Count int
}

// QuestionStat is a question with its votes.
type QuestionStat struct {
	ID       int64
	Author   string // "Anonymous" for anonymous questions
	Body     string
	Votes    int
	Answered bool
}

// TagCount is how many messages of the session carry a tag.
type TagCount struct {
	Name   string
	Colour string
	Count  int
}

// BucketSizeFor is the width of the bars of a session lasting d: a minute
// up to an hour, five minutes up to six hours, a quarter of an hour beyond.
func BucketSizeFor(d time.Duration) time.Duration {
	switch {
	case d <= time.Hour:
		return time.Minute
	case d <= 6*time.Hour:
		return 5 * time.Minute
	}
	return 15 * time.Minute
}

// Analytics works out the figures of a session of ch.
func (s *Service) Analytics(ctx context.Context, ch *model.Channel, sessionID int64) (*Analytics, error) {
	sess, err := s.Session(ctx, ch, sessionID)
	if err != nil {
		return nil, err
	}
	ms, err := store.SessionMessages(ctx, s.db, ch.ID, sess.ID)
	if err != nil {
		return nil, err
	}
	from, to := s.window(sess)
	a := &Analytics{Session: sess, From: from, To: to}
	for _, m := range ms {
		if t := m.CreatedAt.UTC(); t.After(a.To) {
			a.To = t // posted in the instant the session ended
		}
	}
	people := map[string]bool{}
	posters := map[string]bool{}
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.ID)
		a.Messages++
		key := m.AuthorKey()
		posters[key], people[key] = true, true
		if m.ParentID != nil {
			a.Replies++
			continue
		}
		if m.Kind == model.KindQuestion {
			a.Questions++
			if m.Answered {
				a.Answered++
			}
			if m.State == model.StateVisible {
				q := QuestionStat{ID: m.ID, Author: m.AuthorName, Body: m.Body, Votes: m.VoteCount, Answered: m.Answered}
				if m.Anonymous {
					q.Author = "Anonymous"
				}
				if m.BodyRemovedAt != nil {
					q.Body = ""
				}
				a.TopQuestions = append(a.TopQuestions, q)
			}
		}
	}
	sort.SliceStable(a.TopQuestions, func(i, j int) bool { return a.TopQuestions[i].Votes > a.TopQuestions[j].Votes })
	if len(a.TopQuestions) > 5 {
		a.TopQuestions = a.TopQuestions[:5]
	}
	a.Posters = len(posters)
	active, err := store.ActiveActors(ctx, s.db, ch.ID, a.From, a.To)
	if err != nil {
		return nil, err
	}
	for _, k := range active {
		people[k] = true
	}
	a.Participants = len(people)

	a.BucketSize = BucketSizeFor(a.To.Sub(a.From))
	start := a.From.Truncate(a.BucketSize)
	n := int(a.To.Sub(start)/a.BucketSize) + 1
	a.Buckets = make([]Bucket, n)
	for i := range a.Buckets {
		a.Buckets[i].Start = start.Add(time.Duration(i) * a.BucketSize)
	}
	for _, m := range ms {
		i := int(m.CreatedAt.UTC().Sub(start) / a.BucketSize)
		if i >= 0 && i < n {
			a.Buckets[i].Count++
		}
	}

	tags, err := store.TagsOf(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	byName := map[string]*TagCount{}
	for _, ts := range tags {
		for _, t := range ts {
			tc := byName[t.Name]
			if tc == nil {
				tc = &TagCount{Name: t.Name, Colour: t.Colour}
				byName[t.Name] = tc
			}
			tc.Count++
		}
	}
	for _, tc := range byName {
		a.Tags = append(a.Tags, *tc)
	}
	sort.Slice(a.Tags, func(i, j int) bool {
		if a.Tags[i].Count != a.Tags[j].Count {
			return a.Tags[i].Count > a.Tags[j].Count
		}
		return a.Tags[i].Name < a.Tags[j].Name
	})

	shared, err := store.SessionSharedFiles(ctx, s.db, ch.ID, sess.ID)
	if err != nil {
		return nil, err
	}
	a.Files, a.Images = shared.Files, shared.Images

	if a.ActionsByRule, err = store.GuidelineActionCountsBetween(ctx, s.db, ch.ID, a.From, a.To); err != nil {
		return nil, err
	}
	es, err := store.AuditBetween(ctx, s.db, ch.ID, a.From, a.To)
	if err != nil {
		return nil, err
	}
	authors := make(map[string]int64, len(ms))
	for _, m := range ms {
		if m.AuthorUserID != nil {
			authors[strconv.FormatInt(m.ID, 10)] = *m.AuthorUserID
		}
	}
	for _, e := range es {
		if isModeration(e, authors) {
			a.Actions++
		}
	}
	return a, nil
}

// isModeration reports whether an audit entry is a moderation action that
// stands: a moderator's action on a message or a person, or a filter's on a
// message. Housekeeping, authors deleting their own messages, undone actions
// and the undos do not count. authors maps message ids to their authors.
func isModeration(e model.AuditEntry, authors map[string]int64) bool {
	if e.UndoneAt != nil || strings.HasSuffix(e.Action, ".undo") {
		return false
	}
	if act, ok := strings.CutPrefix(e.Action, "message."); ok {
		switch model.ModAction(act) {
		case model.ActApprove, model.ActDeny, model.ActHide, model.ActUnhide:
			return true
		case model.ActDelete:
			author, ok := authors[e.TargetID]
			return !ok || e.ActorID == nil || *e.ActorID != author
		}
		return false
	}
	if kind, ok := strings.CutPrefix(e.Action, "user."); ok {
		switch model.SanctionKind(kind) {
		case model.SanctionWarn, model.SanctionMute, model.SanctionBan, model.SanctionShadowMute:
			return true
		}
		return false
	}
	return e.Action == "sanction.revoke" || strings.HasPrefix(e.Action, "filter.")
}
