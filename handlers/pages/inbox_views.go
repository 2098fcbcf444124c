package pages

import (
	"slices"
	"strconv"
	"strings"

	"backchannel/handlers/web"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/views"
)

// The direct messages' view models, built from what the inbox's reader and
// use cases return.

func dmIDString(id int64) string { return strconv.FormatInt(id, 10) }

// dmExcerptLen is how much of a message the inbox list shows.
const dmExcerptLen = 120

// dmExcerpt is a message shortened for the inbox list ("" for a deleted
// one); a message of files alone names them.
func dmExcerpt(m *model.DirectMessage, files ...model.Attachment) string {
	if m == nil {
		return ""
	}
	if m.DeletedAt != nil {
		return "Message deleted"
	}
	body := strings.Join(strings.Fields(m.Body), " ")
	if body == "" && len(files) > 0 {
		names := make([]string, len(files))
		for i := range files {
			names[i] = files[i].Name
		}
		body = "📎 " + strings.Join(names, ", ")
	}
	if r := []rune(body); len(r) > dmExcerptLen {
		return string(r[:dmExcerptLen-1]) + "…"
	}
	return body
}

// dmReactions are the reaction chips of a message: every emoji of the
// channel set, with who put each there.
func dmReactions(tallies []inbox.ReactionTally) []views.DMReaction {
	set := model.Reactions()
	out := make([]views.DMReaction, len(set))
	for i, emoji := range set {
		out[i] = views.DMReaction{Emoji: emoji}
		j := slices.IndexFunc(tallies, func(t inbox.ReactionTally) bool { return t.Emoji == emoji })
		if j < 0 {
			continue
		}
		ids := make([]string, len(tallies[j].Users))
		for k, u := range tallies[j].Users {
			ids[k] = dmIDString(u)
		}
		out[i].Count, out[i].Users = len(ids), strings.Join(ids, " ")
	}
	return out
}

// dmMessage is the viewer-neutral view of a message.
func dmMessage(m *model.DirectMessage, author *model.User, quote *model.DirectMessage, quoteBy *model.User, tallies []inbox.ReactionTally) views.DMMessage {
	vm := views.DMMessage{ID: m.ID, ConversationID: m.ConversationID, System: m.Kind == model.DMSystem,
		Deleted: m.DeletedAt != nil, Edited: m.EditedAt != nil, At: m.CreatedAt, Reactions: dmReactions(tallies)}
	if m.AuthorID != nil {
		vm.AuthorID = *m.AuthorID
	}
	if author != nil {
		vm.Author, vm.AuthorHandle = author.DisplayName, author.Handle
	} else if !vm.System {
		vm.Author = "Deleted account"
	}
	if !vm.Deleted {
		vm.Body = web.Segments(m.Body, nil)
	}
	if quote != nil {
		q := &views.DMQuote{ID: quote.ID, Deleted: quote.DeletedAt != nil, Excerpt: dmExcerpt(quote)}
		if quoteBy != nil {
			q.Author = quoteBy.DisplayName
		}
		vm.ReplyTo = q
	}
	return vm
}

// dmMessageFromFeed is the view of an event's message for an audience:
// request is those who have the conversation in their Requests, who see
// its images as files until they accept.
func dmMessageFromFeed(e *inbox.FeedEntry, request bool) views.DMMessage {
	vm := dmMessage(e.Message, e.Author, e.ReplyTo, e.ReplyBy, e.Reactions)
	vm.Attachments = dmAttachments(e.Attachments, request)
	return vm
}

// dmAttachments are a message's files as pages show them; in a request not
// accepted yet (pending), images are file cards: no thumbnail is loaded.
func dmAttachments(list []model.Attachment, pending bool) []views.Attachment {
	out := web.AttachmentViews(list)
	if pending {
		for i := range out {
			out[i].Image, out[i].ThumbURL = false, ""
		}
	}
	return out
}

// dmConversationFromFeed is the head of an event's conversation: its
// current members.
func dmConversationFromFeed(e *inbox.FeedEntry) views.DMConversation {
	head := views.DMConversation{ID: e.Event.ConversationID}
	if c := e.Conversation; c != nil {
		head.Group, head.Title = c.Kind == model.ConversationGroup, c.Title
		if c.AdminID != nil {
			head.AdminID = *c.AdminID
		}
	}
	for _, m := range e.Members {
		if m.LeftAt != nil {
			continue
		}
		head.Members = append(head.Members, views.DMMember{
			DMPerson:   views.DMPerson{ID: m.UserID, Name: m.Name, Handle: m.Handle},
			Admin:      m.UserID == head.AdminID,
			LastReadID: m.LastReadID,
		})
	}
	return head
}
