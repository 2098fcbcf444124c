package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

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
}

func toAPIMessage(it *chat.Item, slug string, staff bool) apiMessage {
	m := &it.Message
	out := apiMessage{ID: m.ID, Seq: m.Seq, Channel: slug, SessionID: m.SessionID, ParentID: m.ParentID,
		Kind: m.Kind, Body: m.Body, Author: it.Author, Anonymous: m.Anonymous, State: m.State,
		VoteCount: m.VoteCount, ReplyCount: m.ReplyCount, Reactions: make([]apiReaction, 0, len(it.Reactions)),
		Voted: it.Voted, CreatedAt: m.CreatedAt, EditedAt: m.EditedAt, DeletedAt: m.DeletedAt,
		Mine: it.Mine, CanEdit: it.CanEdit, CanDelete: it.CanDelete}
	for _, r := range it.Reactions {
		out.Reactions = append(out.Reactions, apiReaction{Emoji: r.Emoji, Count: r.Count, Mine: r.Mine})
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

// badRequest is a 400 with a message for the client's developer.
func badRequest(message string) error {
	return model.Refuse(fiber.ErrBadRequest, "bad_request", message)
}

// decodeJSON reads the request body into dst strictly: one JSON object, no
// unknown fields, nothing after it. The Content-Type is not checked (curl's
// -d sends a form type), only the body. An empty body decodes as {} when
// optional is true.
func decodeJSON(c *fiber.Ctx, dst any, optional bool) error {
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		if optional {
			return nil
		}
		return badRequest("The request needs a JSON body.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badRequest(jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("The body must hold one JSON object and nothing after it.")
	}
	return nil
}

// jsonProblem explains a decoding error in words.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("The body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		got := "a " + typ.Value
		if n, ok := strings.CutPrefix(typ.Value, "number "); ok {
			got = n // "number 1.5" for a whole number, or one too large
		}
		return fmt.Sprintf("Field %q must be a %s, not %s.", typ.Field, jsonType(typ.Type.Kind().String()), got)
	case errors.As(err, &typ):
		return fmt.Sprintf("The body must be a JSON object, not a %s.", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "The body is not valid JSON (it ends too early)."
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Sprintf("Unknown field %s.", field)
	}
	return "The body is not valid JSON."
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "whole number"
	case strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "bool":
		return "boolean (true or false)"
	case kind == "slice":
		return "list"
	case kind == "struct", kind == "map":
		return "object"
	}
	return kind
}
