package pages

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/views"
)

// dmMatches is how many people a search lists.
const dmMatches = 10

// InboxNewForm is /inbox/new: ?to= names people already picked (a
// profile's Message button sends ?to={handle}), ?q= searches for more.
func (h *Pages) InboxNewForm(c *fiber.Ctx) error {
	ctx, me := c.UserContext(), web.ViewerOf(c).User.ID
	d := views.NewDMPage{Query: strings.TrimSpace(c.Query("q"))}
	var err error
	if d.To, err = h.dmPeople(ctx, me, multi(c.Context().QueryArgs().PeekMulti("to"))); err != nil {
		d.Form = views.Form{Errors: map[string]string{"to": publicText(err)}}
	}
	if d.Query != "" {
		d.Searched = true
		if d.Matches, err = h.dmFind(ctx, me, d.Query); err != nil {
			return err
		}
	}
	return web.Render(c, fiber.StatusOK, views.NewDMView(h.Page(c, "New message", "/inbox"), d))
}

// InboxNewSubmit starts the conversation (a 1:1, or a group with a title
// or more than one other person) with its first message, and opens it. A
// refusal comes back in the form with everything typed kept.
func (h *Pages) InboxNewSubmit(c *fiber.Ctx) error {
	ctx, me := c.UserContext(), web.ViewerOf(c).User.ID
	handles := multi(c.Request().PostArgs().PeekMulti("to"))
	handles = append(handles, strings.FieldsFunc(c.FormValue("more"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })...)
	title, body := strings.TrimSpace(c.FormValue("title")), c.FormValue("body")
	files, err := web.FormAttachmentIDs(c)
	in := inbox.StartInput{Handles: handles, Title: title, Body: body, Group: len(handles) > 1 || title != "", Attachments: files}
	switch {
	case err != nil: // shown in the form below
	case len(handles) == 0:
		err = model.Invalid("to", "Pick at least one person to write to.")
	case strings.TrimSpace(body) == "" && len(files) == 0:
		err = model.Invalid("body", "Write the first message.")
	}
	var cv *inbox.ConversationView
	if err == nil {
		cv, _, err = h.Inbox.Start(ctx, me, in)
	}
	if err == nil {
		return web.SeeOther(c, "/inbox/"+strconv.FormatInt(cv.Conversation.ID, 10))
	}
	status := web.StatusOf(err)
	if status >= 500 || status == fiber.StatusUnauthorized {
		return err
	}
	web.SetRetryAfter(c, err)
	field := "to"
	var fe *model.FieldError
	if errors.As(err, &fe) && (fe.Field == "body" || fe.Field == "title" || fe.Field == "attachments") {
		field = fe.Field
	}
	d := views.NewDMPage{Form: views.Form{
		Values: map[string]string{"title": title, "body": body, "more": c.FormValue("more")},
		Errors: map[string]string{field: publicText(err)},
	}}
	d.To, _ = h.dmPeople(ctx, me, multi(c.Request().PostArgs().PeekMulti("to")))
	return web.Render(c, status, views.NewDMView(h.Page(c, "New message", "/inbox"), d))
}

// dmPeople resolves handles to people (each once).
func (h *Pages) dmPeople(ctx context.Context, me int64, handles []string) ([]views.DMPerson, error) {
	var out []views.DMPerson
	seen := map[int64]bool{}
	for _, hd := range handles {
		p, err := h.Inbox.Person(ctx, me, hd)
		if err != nil {
			return out, err
		}
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, views.DMPerson{ID: p.ID, Name: p.DisplayName, Handle: p.Handle})
		}
	}
	return out, nil
}

// dmFind searches people by name or handle.
func (h *Pages) dmFind(ctx context.Context, me int64, q string) ([]views.DMPerson, error) {
	ps, err := h.Inbox.FindPeople(ctx, me, q, dmMatches)
	if err != nil {
		return nil, err
	}
	out := make([]views.DMPerson, 0, len(ps))
	for _, p := range ps {
		if p.ID != me {
			out = append(out, views.DMPerson{ID: p.ID, Name: p.DisplayName, Handle: p.Handle})
		}
	}
	return out, nil
}

// multi turns repeated form or query values into strings, leaving out
// empty ones.
func multi(vs [][]byte) []string {
	var out []string
	for _, v := range vs {
		if s := strings.TrimSpace(string(v)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// publicText is what a person is told of err.
func publicText(err error) string {
	_, msg := web.PublicMessage(err, web.StatusOf(err))
	return msg
}
