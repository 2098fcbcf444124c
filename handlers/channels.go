package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
	"backchannel/views"
)

// channels lists the channels.
func (h *Handlers) channels(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cs, err := store.ListChannels(ctx, h.DB)
	if err != nil {
		return err
	}
	out := make([]views.Channel, 0, len(cs))
	for _, ch := range cs {
		out = append(out, views.Channel{Slug: ch.Slug, Title: ch.Title, Description: ch.Description})
	}
	canCreate, err := h.Authz.Can(ctx, viewerOf(c).User.ID, model.SiteWide, policies.ChannelCreate)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ChannelsPage(h.page(c, "Channels", "/channels"), out, canCreate))
}
