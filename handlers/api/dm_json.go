package api

import (
	"time"

	"backchannel/inbox"
	"backchannel/model"
)

// The JSON shapes of direct messages, built from the inbox views.

// apiConversation is a conversation as one of its members sees it.
type apiConversation struct {
	ID             int64                  `json:"id"`
	Kind           model.ConversationKind `json:"kind"`
	Title          string                 `json:"title"` // its name, or the other members' names
	Name           string                 `json:"name"`  // the group's own name ("" when none)
	Folder         model.Folder           `json:"folder"`
	AdminID        *int64                 `json:"admin_id"`
	AboutChannelID *int64                 `json:"about_channel_id,omitempty"`
	Members        []inbox.Member         `json:"members"`
	BlockedMembers []int64                `json:"blocked_members"` // members you have blocked
	LastMessageID  int64                  `json:"last_message_id"`
	LastReadID     int64                  `json:"last_read_id"`
	CreatedAt      time.Time              `json:"created_at"`
	LastActivityAt time.Time              `json:"last_activity_at"`
}

func toAPIConversation(v *inbox.ConversationView) apiConversation {
	c := v.Conversation
	return apiConversation{ID: c.ID, Kind: c.Kind, Title: v.Title(), Name: c.Title, Folder: v.Me.Folder,
		AdminID: c.AdminID, AboutChannelID: c.AboutChannelID, Members: v.Members, BlockedMembers: v.BlockedMembers,
		LastMessageID: c.LastMessageID, LastReadID: v.Me.LastReadID, CreatedAt: c.CreatedAt, LastActivityAt: c.LastActivityAt}
}

// apiConversationSummary is a line of a conversation list.
type apiConversationSummary struct {
	ID             int64                  `json:"id"`
	Kind           model.ConversationKind `json:"kind"`
	Title          string                 `json:"title"`
	Folder         model.Folder           `json:"folder"`
	Members        []inbox.Person         `json:"members"`
	Unread         int                    `json:"unread"`
	LastMessage    *apiDM                 `json:"last_message"`
	LastActivityAt time.Time              `json:"last_activity_at"`
}

func toAPISummaries(ss []inbox.Summary) []apiConversationSummary {
	out := make([]apiConversationSummary, len(ss))
	for i, s := range ss {
		out[i] = apiConversationSummary{ID: s.Conversation.ID, Kind: s.Conversation.Kind, Title: s.Title,
			Folder: s.Folder, Members: s.Members, Unread: s.Unread, LastActivityAt: s.Conversation.LastActivityAt}
		if s.Last != nil {
			m := toAPIDM(s.Last)
			out[i].LastMessage = &m
		}
	}
	return out
}

// apiDM is a direct message as one member sees it.
type apiDM struct {
	ID             int64            `json:"id"`
	ConversationID int64            `json:"conversation_id"`
	Kind           model.DMKind     `json:"kind"`
	Author         *inbox.Person    `json:"author"`
	Body           string           `json:"body"`
	ReplyTo        *inbox.Quote     `json:"reply_to"`
	Reactions      []inbox.Reaction `json:"reactions"`
	Mine           bool             `json:"mine"`
	Editable       bool             `json:"editable"`
	Deleted        bool             `json:"deleted"`
	CreatedAt      time.Time        `json:"created_at"`
	EditedAt       *time.Time       `json:"edited_at"`
	// Attachments are the message's files, in the uploads' shape (none
	// once it is deleted).
	Attachments []apiUpload `json:"attachments"`
}

func toAPIDM(m *inbox.MessageView) apiDM {
	rs := m.Reactions
	if rs == nil {
		rs = []inbox.Reaction{}
	}
	return apiDM{ID: m.ID, ConversationID: m.ConversationID, Kind: m.Kind, Author: m.Author, Body: m.Body,
		ReplyTo: m.ReplyTo, Reactions: rs, Mine: m.Mine, Editable: m.Editable, Deleted: m.DeletedAt != nil,
		CreatedAt: m.CreatedAt, EditedAt: m.EditedAt, Attachments: toAPIUploads(m.Attachments)}
}

// toAPIUploads lists files in the uploads' shape ([] when none).
func toAPIUploads(list []model.Attachment) []apiUpload {
	out := make([]apiUpload, len(list))
	for i := range list {
		out[i] = toAPIUpload(&list[i])
	}
	return out
}
