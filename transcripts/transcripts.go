package transcripts

import (
	"context"
	"fmt"
	"time"

	"backchannel/model"
	"backchannel/store"
)

// TranscriptView says which version of a transcript to read.
type TranscriptView string

// Transcript versions.
const (
	// ViewParticipant is what participants saw: visible messages only
	// (nothing held, denied, shadowed, hidden or deleted), replies only
	// under a visible message, anonymous authors as "Anonymous".
	ViewParticipant TranscriptView = "participant"
	// ViewStaff is everything, each message with its moderation state and
	// the moderation actions taken on it. Staff only (transcript:staff).
	ViewStaff TranscriptView = "staff"
)

// ParseTranscriptView reads a view name; "" is def.
func ParseTranscriptView(s string, def TranscriptView) (TranscriptView, error) {
	switch TranscriptView(s) {
	case "":
		return def, nil
	case ViewParticipant, ViewStaff:
		return TranscriptView(s), nil
	}
	return "", model.Invalid("view", "The view is participant or staff.")
}

// SessionSummary is a session in a channel's list of transcripts.
type SessionSummary = store.SessionSummary

// Sessions lists ch's sessions, newest first, with their message counts.
func (s *Service) Sessions(ctx context.Context, ch *model.Channel) ([]SessionSummary, error) {
	return store.ChannelSessions(ctx, s.db, ch.ID)
}

// Session loads one session of ch; a session of another channel is
// model.ErrNotFound.
func (s *Service) Session(ctx context.Context, ch *model.Channel, id int64) (*model.ChannelSession, error) {
	sess, err := store.ChannelSessionByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if sess.ChannelID != ch.ID {
		return nil, fmt.Errorf("chat: session %d is not in %s: %w", id, ch.Slug, model.ErrNotFound)
	}
	return sess, nil
}

// TranscriptEntry is one message of a transcript with its replies.
type TranscriptEntry struct {
	Message   model.Message
	Author    string // "Anonymous" for an anonymous post in the participant view
	Removed   bool   // retention removed the body (Message.Body is empty)
	Tags      []model.Tag
	Reactions []store.ReactionSummary
	Actions   []model.AuditEntry // staff view: moderation of this message, oldest first
	// Attachments are its files, oldest first: none once removed, nor once
	// retention removed the body.
	Attachments []model.Attachment
	Replies     []TranscriptEntry
}

// Transcript is one session of a channel, chronological, threaded.
type Transcript struct {
	Channel  *model.Channel
	Session  *model.ChannelSession
	View     TranscriptView
	Entries  []TranscriptEntry // threads in the order they started
	Count    int               // messages in Entries, replies included
	Activity []model.AuditEntry
	// Activity (staff view) is the channel's other audit entries of the
	// session's time window: sanctions, blocked posts, session start and
	// end — whatever is not about one message of the transcript.
}

// Transcript reads a session of ch as view shows it. The caller checks that
// the reader may have that view (transcript:staff for ViewStaff).
func (s *Service) Transcript(ctx context.Context, ch *model.Channel, sessionID int64, view TranscriptView) (*Transcript, error) {
	if view != ViewParticipant && view != ViewStaff {
		return nil, model.Invalid("view", "The view is participant or staff.")
	}
	sess, err := s.Session(ctx, ch, sessionID)
	if err != nil {
		return nil, err
	}
	all, err := store.SessionMessages(ctx, s.db, ch.ID, sess.ID)
	if err != nil {
		return nil, err
	}
	staff := view == ViewStaff
	var ms []model.Message
	for _, m := range all {
		if staff || m.State == model.StateVisible {
			ms = append(ms, m)
		}
	}
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	reactions, err := store.Reactions(ctx, s.db, ids, "")
	if err != nil {
		return nil, err
	}
	tags, err := store.TagsOf(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	files, err := store.MessageAttachments(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	var actions map[int64][]model.AuditEntry
	if staff {
		if actions, err = store.MessageAudit(ctx, s.db, ch.ID, ids); err != nil {
			return nil, err
		}
	}
	tr := &Transcript{Channel: ch, Session: sess, View: view}
	present := map[int64]bool{}
	for _, m := range ms {
		present[m.ID] = true
	}
	all2 := map[int64]bool{} // every message of the session, any state
	for _, m := range all {
		all2[m.ID] = true
	}
	byParent := map[int64][]TranscriptEntry{}
	var top []TranscriptEntry
	for _, m := range ms {
		e := TranscriptEntry{Message: m, Author: m.AuthorName, Tags: tags[m.ID], Reactions: reactions[m.ID], Actions: actions[m.ID],
			Attachments: files[m.ID]}
		if m.BodyRemovedAt != nil {
			e.Removed, e.Message.Body, e.Attachments = true, "", nil
		}
		if m.Anonymous && !staff {
			e.Author = "Anonymous"
			e.Message.AuthorName, e.Message.AuthorUserID, e.Message.AuthorGuestID = "", nil, nil
		}
		switch {
		case m.ParentID == nil:
			top = append(top, e)
		case present[*m.ParentID]:
			byParent[*m.ParentID] = append(byParent[*m.ParentID], e)
		case all2[*m.ParentID]:
			// The question or comment it answers was not shown to
			// participants, so neither was the reply.
			continue
		default:
			// A reply to a thread of an earlier session: it starts a
			// thread of its own here.
			top = append(top, e)
		}
		tr.Count++
	}
	for i := range top {
		top[i].Replies = byParent[top[i].Message.ID]
	}
	tr.Entries = top
	if staff {
		from, to := s.window(sess)
		es, err := store.AuditBetween(ctx, s.db, ch.ID, from, to)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if e.TargetType == "message" {
				continue // listed under its message (or about a message of another session)
			}
			tr.Activity = append(tr.Activity, e)
		}
	}
	return tr, nil
}

// window is a session's time span: its start to its end (now while live).
func (s *Service) window(sess *model.ChannelSession) (time.Time, time.Time) {
	to := s.now().UTC()
	if sess.EndedAt != nil {
		to = sess.EndedAt.UTC()
	}
	return sess.StartedAt.UTC(), to
}

// MessageAttachments returns the unremoved files of messages, by message id
// (in one query, for exports of search results). The caller has checked that
// the reader may see the messages; those whose body retention removed have
// none.
func (s *Service) MessageAttachments(ctx context.Context, messageIDs []int64) (map[int64][]model.Attachment, error) {
	ms, err := store.MessagesByID(ctx, s.db, messageIDs)
	if err != nil {
		return nil, err
	}
	keep := make([]int64, 0, len(ms))
	for _, m := range ms {
		if m.BodyRemovedAt == nil {
			keep = append(keep, m.ID)
		}
	}
	return store.MessageAttachments(ctx, s.db, keep)
}
