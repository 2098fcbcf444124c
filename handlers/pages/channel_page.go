package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// ChannelPage shows the live channel, or the join page to people who have not
// joined it yet.
func (h *Pages) ChannelPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	ch, v := cc.Channel, cc.Viewer
	ok, err := h.Chat.CanView(ctx, ch, v)
	if err != nil {
		return err
	}
	if !ok {
		st, err := h.Chat.Standing(ctx, ch, v)
		if err != nil {
			return err
		}
		if st.Ban != nil {
			d := views.Banned{Title: ch.Title, Sanction: *sanctionView(st.Ban)}
			return web.Render(c, fiber.StatusForbidden, views.BannedView(h.Page(c, ch.Title, "/channels"), d))
		}
		return h.renderJoin(c, fiber.StatusOK, web.FormOf(c, "name", "code"))
	}
	if v.Actor.GuestID != 0 {
		// Guests who joined before files were served to them get the
		// files' cookie too.
		h.SetGuestCookies(c, ch, c.Cookies(web.GuestCookie(ch.ID)))
	}
	sort := "newest"
	if c.Query("sort") == "top" {
		sort = "top"
	}
	var feed *chat.Feed
	if before := c.QueryInt("before"); before > 0 && sort == "newest" {
		// Without JavaScript, "load earlier" is a link to this page.
		feed, err = h.Chat.Earlier(ctx, ch, v, int64(before))
	} else {
		feed, err = h.Chat.Feed(ctx, ch, v, sort)
	}
	if err != nil {
		return err
	}
	head, err := h.channelHead(ctx, ch, v)
	if err != nil {
		return err
	}
	g, accepted, err := h.Chat.Guideline(ctx, ch, v)
	if err != nil {
		return err
	}
	form, err := h.composeFor(ctx, ch, v)
	if err != nil {
		return err
	}
	change, err := h.Chat.GuidelineChangeFor(ctx, ch, v)
	if err != nil {
		return err
	}
	d := views.ChannelPage{Head: head, Sort: sort, LastSeq: feed.LastSeq, Earlier: feed.Earlier, Oldest: feed.Oldest, Compose: form,
		GuidelineChange: guidelineChangeView(change),
		CanPost:         v.Poster, Locked: ch.PostingMode == model.PostingLocked && !v.Staff && !v.Host,
		NeedsGuidelines: v.Poster && !accepted, Guideline: guidelineView(g),
		ViewerName: v.Actor.Name, IsGuest: v.Actor.GuestID != 0}
	warnings, err := h.Moderation.Warnings(ctx, ch, v)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		msg := "A moderator warned you"
		if w.Guideline != "" {
			msg += " (guideline " + w.Guideline + ")"
		}
		if w.Reason != "" {
			msg += ": " + w.Reason
		}
		d.Warnings = append(d.Warnings, msg+".")
	}
	for _, it := range feed.Items {
		d.Messages = append(d.Messages, messageView(ch.Slug, v, it))
	}
	pinnedFirst(d.Messages)
	return web.Render(c, fiber.StatusOK, views.ChannelPageView(h.Page(c, ch.Title, "/channels"), d))
}

func (h *Pages) renderJoin(c *fiber.Ctx, status int, f views.Form) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	ch, v := cc.Channel, web.ViewerOf(c)
	d := views.JoinPage{Slug: ch.Slug, Title: ch.Title, Description: ch.Description, SignedIn: v.User != nil,
		NeedsCode: ch.Visibility == model.VisibilityJoinCode, GuestsAllowed: ch.AllowGuests,
		MembersOnly: ch.Visibility == model.VisibilityMembers, Form: f}
	return web.Render(c, status, views.JoinView(h.Page(c, "Join "+ch.Title, "/channels"), d))
}

// ChannelJoin joins the channel: a signed-in user becomes a member (with the
// join code where needed); a visitor joins as a guest with a display name.
func (h *Pages) ChannelJoin(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	f := web.FormOf(c, "name", "code")
	if web.ViewerOf(c).User != nil {
		err = h.Chat.Join(ctx, cc.Channel, cc.Viewer, f.Value("code"), c.IP())
	} else {
		var token string
		var g *model.Guest
		token, g, err = h.Chat.JoinAsGuest(ctx, cc.Channel, f.Value("name"), f.Value("code"), c.IP())
		if err == nil {
			h.SetGuestCookies(c, cc.Channel, token)
			h.Flash(c, "success", "Welcome, "+g.DisplayName+".")
		}
	}
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderJoin(c, status, f)
	}
	return web.SeeOther(c, "/c/"+cc.Channel.Slug)
}

// ChannelEarlier is the page of threads before ?before= (a seq), for the
// channel page's "load earlier": the threads, and the control that loads
// the page before them when there is one.
func (h *Pages) ChannelEarlier(c *fiber.Ctx) error {
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	feed, err := h.Chat.Earlier(c.UserContext(), cc.Channel, cc.Viewer, int64(c.QueryInt("before")))
	if err != nil {
		return err
	}
	ms := make([]views.Message, 0, len(feed.Items))
	for _, it := range feed.Items {
		ms = append(ms, messageView(cc.Channel.Slug, cc.Viewer, it))
	}
	return web.Render(c, fiber.StatusOK, views.EarlierThreads(cc.Channel.Slug, feed.Earlier, feed.Oldest, ms))
}
