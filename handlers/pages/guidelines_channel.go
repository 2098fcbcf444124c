package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/views"
)

// ChannelGuidelines shows the host's editor of the channel's own guideline.
func (h *Pages) ChannelGuidelines(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	f := web.FormOf(c, guidelineFields...)
	g, err := h.Chat.ChannelGuideline(c.UserContext(), cc.Channel)
	if err != nil {
		return err
	}
	if g != nil {
		f.Values["title"], f.Values["body"] = g.Title, g.Body
	}
	return h.renderChannelGuidelines(c, fiber.StatusOK, cc, f, "")
}

func (h *Pages) renderChannelGuidelines(c *fiber.Ctx, status int, cc *web.ChannelCtx, f views.Form, preview string) error {
	ctx := c.UserContext()
	ch := cc.Channel
	d := views.GuidelinesEdit{Heading: "Guidelines of " + ch.Title, Action: "/c/" + ch.Slug + "/guidelines",
		BackURL: "/c/" + ch.Slug, BackLabel: ch.Title, Syntax: chat.RuleSyntax, Channel: true, Preview: preview}
	vs, err := h.Chat.GuidelineVersions(ctx, ch, guidelineHistory)
	if err != nil {
		return err
	}
	fillVersions(&d, vs)
	if d.Holders, err = h.Chat.GuidelineHolders(ctx, ch); err != nil {
		return err
	}
	d.UsesSite = d.Current == nil
	return web.Render(c, status, views.ChannelGuidelinesPage(h.Page(c, "Guidelines · "+ch.Title, "/channels"), d, f))
}

// ChannelGuidelinesSave previews the form or stores it as a new version of
// the channel's own guideline (empty: back to the site's).
func (h *Pages) ChannelGuidelinesSave(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	f := web.FormOf(c, guidelineFields...)
	if c.FormValue("intent") == "preview" {
		return h.renderChannelGuidelines(c, fiber.StatusOK, cc, f, web.RenderGuideline(f.Value("body")))
	}
	g, err := h.Chat.SaveChannelGuideline(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, guidelineInput(f))
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderChannelGuidelines(c, status, cc, f, "")
	}
	msg := "Guidelines saved as version " + strconv.Itoa(g.Version) + "."
	if g.Body == "" {
		msg = "This channel now uses the site's guidelines."
	}
	h.Flash(c, "success", msg)
	return web.SeeOther(c, "/c/"+cc.Channel.Slug+"/guidelines/edit")
}
