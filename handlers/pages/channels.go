package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/views"
)

// Channels lists the channels the person can see, with live badges, and the
// form to create one for hosts and admins.
func (h *Pages) Channels(c *fiber.Ctx) error {
	return h.renderChannels(c, fiber.StatusOK, web.FormOf(c, "title", "slug", "description"))
}

func (h *Pages) renderChannels(c *fiber.Ctx, status int, f views.Form) error {
	ctx := c.UserContext()
	uid := web.ViewerOf(c).User.ID
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
	return web.Render(c, status, views.ChannelsPage(h.Page(c, "Channels", "/channels"), out, canCreate, f))
}

// ChannelCreate creates a channel; its creator becomes its host.
func (h *Pages) ChannelCreate(c *fiber.Ctx) error {
	f := web.FormOf(c, "title", "slug", "description")
	title, slug, desc := f.Value("title"), f.Value("slug"), f.Value("description")
	ch, err := h.Chat.CreateChannel(c.UserContext(), web.ViewerOf(c).User.ID, chat.ChannelInput{Title: &title, Slug: &slug, Description: &desc})
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderChannels(c, status, f)
	}
	h.Flash(c, "success", "Channel created. Start a session when your class or talk begins.")
	return web.SeeOther(c, "/c/"+ch.Slug)
}
