package pages

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/views"
)

// dmPageSize is how many messages a conversation page shows at once.
const dmPageSize = 50

// InboxConversation is /inbox/{id}: the conversation, oldest to newest with
// the newest at the bottom (?before= pages back), marked read up to its
// newest message. ?reply= and ?edit= name a message to answer or change
// (the page's script does the same without a reload). Someone who is not a
// member gets 404, as for a conversation that does not exist.
func (h *Pages) InboxConversation(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx, me := c.UserContext(), web.ViewerOf(c).User.ID
	cv, err := h.Inbox.Conversation(ctx, me, id)
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	page, err := h.Inbox.Messages(ctx, me, id, inbox.PageInput{Before: max(before, 0), Limit: dmPageSize})
	if err != nil {
		return err
	}
	blocked, err := h.Inbox.BlockedIDs(ctx, me)
	if err != nil {
		return err
	}
	d := views.ConversationPage{ViewerID: me, Conv: dmHead(cv), Name: cv.Title(), Earlier: page.HasMore,
		Request: cv.Me.Folder == model.FolderRequests, Blocked: blocked}
	for _, m := range page.Messages {
		d.Messages = append(d.Messages, dmMessageFor(m, me))
	}
	if n := len(page.Messages); n > 0 && before == 0 && !d.Request {
		// Viewing is reading (a request is read once accepted: its sender is
		// not told it was seen).
		if last := page.Messages[n-1].ID; last > cv.Me.LastReadID {
			if err := h.Inbox.MarkRead(ctx, me, id, last); err != nil && web.StatusOf(err) >= 500 {
				return err
			}
		}
	}
	if mid, _ := strconv.ParseInt(c.Query("reply"), 10, 64); mid > 0 {
		d.Reply = findDM(d.Messages, mid)
	}
	if mid, _ := strconv.ParseInt(c.Query("edit"), 10, 64); mid > 0 {
		if m := findDM(d.Messages, mid); m != nil && m.AuthorID == me && !m.Deleted {
			d.Edit = m
		}
	}
	return web.Render(c, fiber.StatusOK, views.ConversationView(h.Page(c, cv.Title(), "/inbox"), d))
}

func findDM(ms []views.DMMessage, id int64) *views.DMMessage {
	for i := range ms {
		if ms[i].ID == id {
			return &ms[i]
		}
	}
	return nil
}

// dmHead is the head of a conversation as its members panel shows it.
func dmHead(cv *inbox.ConversationView) views.DMConversation {
	head := views.DMConversation{ID: cv.Conversation.ID, Group: cv.Conversation.Kind == model.ConversationGroup,
		Title: cv.Conversation.Title}
	if cv.Conversation.AdminID != nil {
		head.AdminID = *cv.Conversation.AdminID
	}
	for _, m := range cv.Members {
		head.Members = append(head.Members, views.DMMember{
			DMPerson: views.DMPerson{ID: m.ID, Name: m.DisplayName, Handle: m.Handle}, Admin: m.Admin, LastReadID: m.LastReadID})
	}
	return head
}

// dmMessageFor is a message as the page first shows it to its viewer: the
// viewer-neutral view, with the viewer's own reactions pressed (the live
// fragments list everyone's, and the page's script presses the viewer's).
func dmMessageFor(m inbox.MessageView, viewer int64) views.DMMessage {
	var author *model.User
	if m.Author != nil {
		author = &model.User{ID: m.Author.ID, DisplayName: m.Author.DisplayName, Handle: m.Author.Handle}
	}
	var tallies []inbox.ReactionTally
	vm := dmMessage(&m.DirectMessage, author, nil, nil, tallies)
	vm.Attachments = dmAttachments(m.Attachments, m.Pending)
	for i := range vm.Reactions {
		for _, r := range m.Reactions {
			if r.Emoji == vm.Reactions[i].Emoji {
				vm.Reactions[i].Count, vm.Reactions[i].Mine = r.Count, r.Mine
				if r.Mine {
					vm.Reactions[i].Users = dmIDString(viewer)
				}
			}
		}
	}
	if q := m.ReplyTo; q != nil {
		vm.ReplyTo = &views.DMQuote{ID: q.ID, Excerpt: q.Excerpt, Deleted: q.Deleted || q.Hidden}
		if q.Author != nil {
			vm.ReplyTo.Author = q.Author.DisplayName
		}
	}
	return vm
}

// dmDone answers a direct-message action that worked: nothing for the
// page's script (the change comes on the stream), a redirect to to
// otherwise, with an optional flash.
func (h *Pages) dmDone(c *fiber.Ctx, to, flash string) error {
	if web.IsHTMX(c) {
		return c.SendStatus(fiber.StatusNoContent)
	}
	if flash != "" {
		h.Flash(c, "success", flash)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// dmRefused answers a direct-message action that was refused: for the
// page's script, the error fragment; without JavaScript, a refusal the
// person can act on (a bad field, a rate limit, a conflict) comes back as
// a flash on the page they were on, and the rest as the error page.
func (h *Pages) dmRefused(c *fiber.Ctx, back string, err error) error {
	status := web.StatusOf(err)
	var rl *model.RateLimitError
	if web.IsHTMX(c) || status >= 500 || status == fiber.StatusNotFound || status == fiber.StatusUnauthorized ||
		status == fiber.StatusForbidden && !errors.As(err, &rl) {
		return err
	}
	web.SetRetryAfter(c, err)
	_, msg := web.PublicMessage(err, status)
	h.Flash(c, "error", msg)
	return c.Redirect(back, fiber.StatusSeeOther)
}
