package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/views"
)

// channels lists the channels the person can see, with live badges, and the
// form to create one for hosts and admins.
func (h *Handlers) channels(c *fiber.Ctx) error {
	return h.renderChannels(c, fiber.StatusOK, formOf(c, "title", "slug", "description"))
}

func (h *Handlers) renderChannels(c *fiber.Ctx, status int, f views.Form) error {
	ctx := c.UserContext()
	uid := viewerOf(c).User.ID
	cs, err := h.Chat.Channels(ctx, uid)
	if err != nil {
		return err
	}
	out := make([]views.Channel, 0, len(cs))
	for _, ch := range cs {
		out = append(out, views.Channel{Slug: ch.Slug, Title: ch.Title, Description: ch.Description, Live: ch.Live})
	}
	canCreate, err := h.Authz.Can(ctx, uid, model.SiteWide, policies.ChannelCreate)
	if err != nil {
		return err
	}
	return render(c, status, views.ChannelsPage(h.page(c, "Channels", "/channels"), out, canCreate, f))
}

// channelCreate creates a channel; its creator becomes its host.
func (h *Handlers) channelCreate(c *fiber.Ctx) error {
	f := formOf(c, "title", "slug", "description")
	title, slug, desc := f.Value("title"), f.Value("slug"), f.Value("description")
	ch, err := h.Chat.CreateChannel(c.UserContext(), viewerOf(c).User.ID, chat.ChannelInput{Title: &title, Slug: &slug, Description: &desc})
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return h.renderChannels(c, status, f)
	}
	h.flash(c, "success", "Channel created. Start a session when your class or talk begins.")
	return seeOther(c, "/c/"+ch.Slug)
}
