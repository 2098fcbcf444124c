package api

import (
	"time"

	"backchannel/chat"
	"backchannel/model"
)

// The JSON shapes of the API. They are built here from the domain types so
// that what a client sees is decided in one place (no author ids for
// participants, the join code only for hosts and staff).

// apiChannel is a channel as the API shows it.
type apiChannel struct {
	ID              int64             `json:"id"`
	Slug            string            `json:"slug"`
	Title           string            `json:"title"`
	Description     string            `json:"description"`
	Visibility      model.Visibility  `json:"visibility"`
	JoinCode        string            `json:"join_code,omitempty"` // hosts and staff only
	PostingMode     model.PostingMode `json:"posting_mode"`
	AllowAnonymous  bool              `json:"allow_anonymous"`
	AllowGuests     bool              `json:"allow_guests"`
	SlowModeSeconds int               `json:"slow_mode_seconds"`
	MaxLength       int               `json:"max_length"`
	LastSeq         int64             `json:"last_seq"`
	Live            bool              `json:"live"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
	// AttachmentsMode is who may attach files here: allowed, staff, review.
	AttachmentsMode model.AttachmentsMode `json:"attachments_mode"`
}

// apiChannelDetail is one channel with its live session (null when none).
type apiChannelDetail struct {
	apiChannel
	Session *apiSession `json:"session"`
}

func toAPIChannel(ch *model.Channel, live, showCode bool) apiChannel {
	out := apiChannel{ID: ch.ID, Slug: ch.Slug, Title: ch.Title, Description: ch.Description,
		Visibility: ch.Visibility, PostingMode: ch.PostingMode, AllowAnonymous: ch.AllowAnonymous,
		AllowGuests: ch.AllowGuests, SlowModeSeconds: ch.SlowModeSeconds, MaxLength: ch.MaxLength,
		LastSeq: ch.LastSeq, Live: live, CreatedAt: ch.CreatedAt, UpdatedAt: ch.UpdatedAt}
	out.AttachmentsMode = ch.AttachmentsMode.OrAllowed()
	if showCode {
		out.JoinCode = ch.JoinCode
	}
	return out
}

func toAPIChannelDetail(ch *model.Channel, sess *model.ChannelSession, showCode bool) apiChannelDetail {
	d := apiChannelDetail{apiChannel: toAPIChannel(ch, sess != nil && sess.EndedAt == nil, showCode)}
	if sess != nil {
		s := toAPISession(sess)
		d.Session = &s
	}
	return d
}

// apiSession is one class meeting or talk of a channel.
type apiSession struct {
	ID        int64      `json:"id"`
	Title     string     `json:"title"`
	Live      bool       `json:"live"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at"`
}

func toAPISession(s *model.ChannelSession) apiSession {
	return apiSession{ID: s.ID, Title: s.Title, Live: s.EndedAt == nil, StartedAt: s.StartedAt, EndedAt: s.EndedAt}
}

// apiReaction is the count of one emoji on a message.
type apiReaction struct {
	Emoji string `json:"emoji"`
	Count int    `json:"count"`
	Mine  bool   `json:"mine"`
}

// apiMessage is a message as one viewer sees it.
type apiMessage struct {
	ID        int64              `json:"id"`
	Seq       int64              `json:"seq"`
	Channel   string             `json:"channel"`
	SessionID *int64             `json:"session_id"`
	ParentID  *int64             `json:"parent_id"`
	Kind      model.MessageKind  `json:"kind"`
	Body      string             `json:"body"`
	Author    string             `json:"author"` // "Anonymous" for peers of an anonymous post
	Anonymous bool               `json:"anonymous"`
	State     model.MessageState `json:"state"`
	VoteCount int                `json:"vote_count"`
	// ReplyCount counts the replies of a top-level message.
	ReplyCount int           `json:"reply_count"`
	Reactions  []apiReaction `json:"reactions"`
	Voted      bool          `json:"voted"`
	CreatedAt  time.Time     `json:"created_at"`
	EditedAt   *time.Time    `json:"edited_at"`
	DeletedAt  *time.Time    `json:"deleted_at"`
	Mine       bool          `json:"mine"`
	CanEdit    bool          `json:"can_edit"`
	CanDelete  bool          `json:"can_delete"`
	// Who wrote it, for staff only (moderation tools need to tell people
	// apart); never sent to participants.
	AuthorUserID  *int64 `json:"author_user_id,omitempty"`
	AuthorGuestID *int64 `json:"author_guest_id,omitempty"`
	// AuthorRole is the author's staff role in the channel when they
	// posted: "admin", "moderator", "host", or "" (participants, guests,
	// and anonymous posts as other participants see them).
	AuthorRole model.Role `json:"author_role"`
	// Attachments are the message's files (not for a deleted message but
	// to staff).
	Attachments []apiUpload `json:"attachments,omitempty"`
}

func toAPIMessage(it *chat.Item, slug string, staff bool) apiMessage {
	m := &it.Message
	out := apiMessage{ID: m.ID, Seq: m.Seq, Channel: slug, SessionID: m.SessionID, ParentID: m.ParentID,
		Kind: m.Kind, Body: m.Body, Author: it.Author, Anonymous: m.Anonymous, State: m.State,
		VoteCount: m.VoteCount, ReplyCount: m.ReplyCount, Reactions: make([]apiReaction, 0, len(it.Reactions)),
		Voted: it.Voted, CreatedAt: m.CreatedAt, EditedAt: m.EditedAt, DeletedAt: m.DeletedAt,
		Mine: it.Mine, CanEdit: it.CanEdit, CanDelete: it.CanDelete, AuthorRole: m.AuthorRole}
	for _, r := range it.Reactions {
		out.Reactions = append(out.Reactions, apiReaction{Emoji: r.Emoji, Count: r.Count, Mine: r.Mine})
	}
	for i := range it.Attachments {
		out.Attachments = append(out.Attachments, toAPIUpload(&it.Attachments[i]))
	}
	if staff {
		out.AuthorUserID, out.AuthorGuestID = m.AuthorUserID, m.AuthorGuestID
	}
	return out
}

// apiEvent is the data of one event of the API's SSE stream.
type apiEvent struct {
	Type    model.EventKind `json:"type"`
	Seq     int64           `json:"seq"`
	Message *apiMessage     `json:"message,omitempty"`
}
