package chat

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/richtext"
	"backchannel/store"
)

// PostInput is a new message.
type PostInput struct {
	Body      string
	Kind      model.MessageKind // comment or question; empty: comment
	ParentID  int64             // reply to this message (0: a new thread)
	Anonymous bool              // hide the author's name from other participants
	// Attachments are ids of the poster's own unattached uploads, linked
	// to the message in the post's transaction (at most MaxAttachments).
	Attachments []int64
}

// Post stores a message after every check: who may post, locked channel,
// guidelines accepted, length, kind, anonymity, slow mode and rate limit.
// Nothing is stored when a check fails.
func (s *Service) Post(ctx context.Context, ch *model.Channel, v Viewer, in PostInput) (*model.Message, error) {
	if v.Actor.IsZero() {
		return nil, model.ErrUnauthorized
	}
	if !v.Poster {
		return nil, model.Refuse(model.ErrForbidden, "cannot_post", "You cannot post in this channel.")
	}
	if ch.PostingMode == model.PostingLocked && !v.Staff && !v.Host {
		return nil, model.Refuse(model.ErrForbidden, "channel_locked", "This channel is read-only right now.")
	}
	if ok, err := s.CanView(ctx, ch, v); err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return nil, model.Refuse(model.ErrForbidden, "not_a_member", "Join this channel before posting.")
	}
	standing, err := s.sanctions(ctx, ch, v)
	if err != nil {
		return nil, err
	}
	if standing.muted != "" {
		return nil, model.Refuse(model.ErrForbidden, "muted", standing.muted)
	}
	g, accepted, err := s.Guideline(ctx, ch, v)
	if err != nil {
		return nil, err
	}
	if !accepted {
		return nil, model.Refuse(model.ErrForbidden, "guidelines_not_accepted",
			fmt.Sprintf("Please read and accept the %s before posting.", strings.ToLower(g.Title)))
	}
	body := strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	// Files may go without words; anything else needs some.
	if body != "" || len(in.Attachments) == 0 {
		if err := checkBody(body, ch.MaxLength); err != nil {
			return nil, err
		}
	}
	if in.Kind == "" {
		in.Kind = model.KindComment
	}
	if !in.Kind.Valid() {
		return nil, model.Invalid("kind", "A message is a comment or a question.")
	}
	var parent *model.Message
	if in.ParentID != 0 {
		parent, err = store.MessageByID(ctx, s.db, in.ParentID)
		if err != nil || parent.ChannelID != ch.ID || !visibleTo(parent, v) {
			return nil, model.Invalid("parent_id", "The message you reply to does not exist here.")
		}
		if parent.ParentID != nil { // one level of threads: reply in the same thread
			parent, err = store.MessageByID(ctx, s.db, *parent.ParentID)
			if err != nil {
				return nil, err
			}
		}
		if !visibleTo(parent, v) || parent.State == model.StateDeleted {
			return nil, model.Invalid("parent_id", "The conversation you reply to was removed.")
		}
		in.Kind = model.KindComment
	} else if ch.PostingMode == model.PostingQuestions && in.Kind != model.KindQuestion && !v.Staff && !v.Host {
		return nil, model.Invalid("kind", "This channel takes questions only.")
	}
	if in.Anonymous && !ch.AllowAnonymous {
		return nil, model.Invalid("anonymous", "This channel does not allow anonymous posts.")
	}
	m := &model.Message{ChannelID: ch.ID, Kind: in.Kind, Body: body, Anonymous: in.Anonymous,
		AuthorName: v.Actor.Name, AuthorHandle: v.Actor.Handle, State: model.StateVisible}
	if err := checkAttachmentsMode(ch, v, in.Attachments); err != nil {
		return nil, err
	}
	if err := s.checkAttachments(ctx, v, in.Attachments); err != nil {
		return nil, err
	}
	names, err := s.screenNames(ctx, ch, v, in.Attachments)
	if err != nil {
		return nil, err
	}
	verdict, err := s.screen(ctx, ch, v, m, standing, names)
	if err != nil {
		return nil, err
	}
	holdForReview(ch, v, m, in.Attachments)
	m.Links = links(m.Body) // after screening, which may mask words
	if m.AuthorRole, err = s.staffRole(ctx, v); err != nil {
		return nil, err
	}
	if v.Actor.UserID != 0 {
		m.AuthorUserID = &v.Actor.UserID
	} else {
		m.AuthorGuestID = &v.Actor.GuestID
	}
	if parent != nil {
		m.ParentID = &parent.ID
	}
	if err := s.commitPost(ctx, &pendingPost{ch: ch, v: v, m: m, verdict: verdict, attachments: in.Attachments,
		maskedNames: names.masked}); err != nil {
		return nil, err
	}
	return m, nil
}

// links finds a body's links once, when it is written, for every later
// rendering.
func links(body string) *string {
	s := richtext.Encode(richtext.Find(body))
	return &s
}

func checkBody(body string, max int) error {
	if body == "" {
		return model.Invalid("body", "Write something first.")
	}
	if n := utf8.RuneCountInString(body); n > max {
		return model.Invalid("body", fmt.Sprintf("Messages here are at most %d characters; this one has %d.", max, n))
	}
	if !utf8.ValidString(body) || strings.ContainsRune(body, 0) {
		return model.Invalid("body", "The message holds characters that cannot be shown.")
	}
	return nil
}

// pace applies the channel's slow mode and the per-person rate limit to a
// post at now, given the times of the poster's recent posts, newest first.
func (s *Service) pace(ch *model.Channel, recent []time.Time, now time.Time) error {
	slow := time.Duration(ch.SlowModeSeconds) * time.Second
	if slow > 0 && len(recent) > 0 {
		if wait := recent[0].Add(slow).Sub(now); wait > 0 {
			secs := int(math.Ceil(wait.Seconds()))
			return &model.RateLimitError{RetryAfter: secs,
				Message: fmt.Sprintf("Slow mode is on: you can post again in %d s.", secs)}
		}
	}
	var inWindow []time.Time
	for _, t := range recent {
		if t.After(now.Add(-s.opts.RateWindow)) {
			inWindow = append(inWindow, t)
		}
	}
	if len(inWindow) >= s.opts.RateCount {
		oldest := inWindow[s.opts.RateCount-1]
		secs := int(math.Ceil(oldest.Add(s.opts.RateWindow).Sub(now).Seconds()))
		if secs < 1 {
			secs = 1
		}
		return &model.RateLimitError{RetryAfter: secs,
			Message: fmt.Sprintf("You are posting very fast. You can post again in %d s.", secs)}
	}
	return nil
}

// touch records that a message changed (new reply, reaction, vote, edit) so
// streams re-render it.
func (s *Service) touch(ctx context.Context, channelID, messageID int64) {
	seq, err := store.AddEvent(ctx, s.db, channelID, model.EventMessageUpdated, &messageID)
	if err != nil {
		s.log.ErrorContext(ctx, "chat: record update event", "message", messageID, "err", err)
		return
	}
	s.Publish(ctx, channelID, seq)
}

// visibleTo reports whether v may see m at all.
func visibleTo(m *model.Message, v Viewer) bool {
	if m.State == model.StateVisible || v.Staff {
		return true
	}
	return m.State != model.StateDeleted && m.AuthoredBy(v.Actor)
}

// staffRole is the staff role v holds in the channel, for the badge beside
// their name: admin (site-wide), moderator or host; "" for everyone else.
func (s *Service) staffRole(ctx context.Context, v Viewer) (model.Role, error) {
	switch {
	case v.Actor.UserID == 0:
		return "", nil
	case v.Staff:
		admin, err := s.authz.Can(ctx, v.Actor.UserID, model.SiteWide, policies.AdminView)
		if err != nil || !admin {
			return model.RoleModerator, err
		}
		return model.RoleAdmin, nil
	case v.Host:
		return model.RoleHost, nil
	}
	return "", nil
}
