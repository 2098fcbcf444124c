package api

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
	"backchannel/model"
)

// InboxEvents streams the signed-in person's direct-message events as
// Server-Sent Events: every conversation they are in (new message, edit,
// delete, reaction, read marker, members, folder). Each event's id is its
// id in the log and its data one JSON object (inboxEvent). Reconnect with
// Last-Event-ID (or ?since=) to get exactly what was missed; without
// either the stream starts now.
func (h *API) InboxEvents(c *fiber.Ctx) error {
	after, ok, err := h.InboxSince(c)
	if err != nil {
		return err
	}
	if !ok {
		return web.BadRequest("Last-Event-ID and ?since= are a non-negative event id.")
	}
	return h.InboxStream(c, after, h.encodeInboxEvent)
}

// inboxEvent is one event of the inbox stream as JSON: the same bytes for
// every recipient (what differs per viewer — which messages are their own,
// whether they have read — they work out from the ids).
type inboxEvent struct {
	Type           model.DMEventKind `json:"type"`
	ID             int64             `json:"id"`
	ConversationID int64             `json:"conversation_id"`
	ActorID        *int64            `json:"actor_id,omitempty"`
	At             time.Time         `json:"at"`
	Conversation   *inboxEventConv   `json:"conversation,omitempty"`
	Message        *inboxEventMsg    `json:"message,omitempty"`
	// ReadThrough is the actor's new read marker (read events).
	ReadThrough *int64 `json:"read_through,omitempty"`
	// Members are the conversation's current members (members events).
	Members []inboxEventMember `json:"members,omitempty"`
}

type inboxEventConv struct {
	ID      int64                  `json:"id"`
	Kind    model.ConversationKind `json:"kind"`
	Title   string                 `json:"title"`
	AdminID *int64                 `json:"admin_id,omitempty"`
}

type inboxEventMsg struct {
	ID           int64                 `json:"id"`
	AuthorID     *int64                `json:"author_id,omitempty"`
	AuthorName   string                `json:"author_name,omitempty"`
	AuthorHandle string                `json:"author_handle,omitempty"`
	Kind         model.DMKind          `json:"kind"`
	Body         string                `json:"body"`
	ReplyTo      *inboxEventReply      `json:"reply_to,omitempty"`
	CreatedAt    time.Time             `json:"created_at"`
	EditedAt     *time.Time            `json:"edited_at,omitempty"`
	Deleted      bool                  `json:"deleted"`
	Reactions    []inbox.ReactionTally `json:"reactions"`
	Attachments  []apiUpload           `json:"attachments"`
}

type inboxEventReply struct {
	ID         int64  `json:"id"`
	AuthorName string `json:"author_name,omitempty"`
	Body       string `json:"body"`
	Deleted    bool   `json:"deleted"`
}

type inboxEventMember struct {
	UserID     int64  `json:"user_id"`
	Name       string `json:"name"`
	Handle     string `json:"handle"`
	LastReadID int64  `json:"last_read_id"`
}

// encodeInboxEvent is the JSON frame of e, encoded once for every stream.
func (h *API) encodeInboxEvent(ctx context.Context, e *inbox.FeedEntry, _ int64) (web.Frame, error) {
	return h.InboxFrame(ctx, e, "json", func(context.Context) ([]byte, error) {
		return json.Marshal(inboxEventOf(e))
	})
}

func inboxEventOf(e *inbox.FeedEntry) inboxEvent {
	ev := inboxEvent{Type: e.Event.Kind, ID: e.Event.ID, ConversationID: e.Event.ConversationID,
		ActorID: e.Event.ActorID, At: e.Event.CreatedAt}
	if c := e.Conversation; c != nil {
		ev.Conversation = &inboxEventConv{ID: c.ID, Kind: c.Kind, Title: c.Title, AdminID: c.AdminID}
	}
	switch e.Event.Kind {
	case model.DMEventRead:
		ev.ReadThrough = e.Event.MessageID
	case model.DMEventMembers:
		for _, m := range e.Members {
			if m.LeftAt == nil {
				ev.Members = append(ev.Members, inboxEventMember{UserID: m.UserID, Name: m.Name, Handle: m.Handle, LastReadID: m.LastReadID})
			}
		}
	}
	if m := e.Message; m != nil {
		msg := &inboxEventMsg{ID: m.ID, AuthorID: m.AuthorID, Kind: m.Kind, Body: m.Body, CreatedAt: m.CreatedAt,
			EditedAt: m.EditedAt, Deleted: m.DeletedAt != nil, Reactions: e.Reactions, Attachments: toAPIUploads(e.Attachments)}
		if msg.Deleted {
			msg.Body = ""
		}
		if msg.Reactions == nil {
			msg.Reactions = []inbox.ReactionTally{}
		}
		if e.Author != nil {
			msg.AuthorName, msg.AuthorHandle = e.Author.DisplayName, e.Author.Handle
		}
		if q := e.ReplyTo; q != nil {
			r := &inboxEventReply{ID: q.ID, Body: q.Body, Deleted: q.DeletedAt != nil}
			if r.Deleted {
				r.Body = ""
			}
			if e.ReplyBy != nil {
				r.AuthorName = e.ReplyBy.DisplayName
			}
			msg.ReplyTo = r
		}
		ev.Message = msg
	}
	return ev
}
