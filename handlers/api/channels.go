package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/policies"
)

// channelBody is the JSON of POST and PATCH /api/v1/channels: every field
// optional (absent or null: unchanged, or the default when creating).
type channelBody struct {
	Slug            *string            `json:"slug"`
	Title           *string            `json:"title"`
	Description     *string            `json:"description"`
	Visibility      *model.Visibility  `json:"visibility"`
	JoinCode        *string            `json:"join_code"`
	PostingMode     *model.PostingMode `json:"posting_mode"`
	AllowAnonymous  *bool              `json:"allow_anonymous"`
	AllowGuests     *bool              `json:"allow_guests"`
	SlowModeSeconds *int               `json:"slow_mode_seconds"`
	MaxLength       *int               `json:"max_length"`
	PremodMode      *model.PremodMode  `json:"premod_mode"`
	FilterCaps      *bool              `json:"filter_caps"`
	FilterRepeats   *bool              `json:"filter_repeats"`
	FilterMentions  *bool              `json:"filter_mentions"`
	FilterLinks     *bool              `json:"filter_links"`
	AllowedDomains  *string            `json:"allowed_domains"`
	// AttachmentsMode is "allowed", "staff" or "review".
	AttachmentsMode *model.AttachmentsMode `json:"attachments_mode"`
}

func (b channelBody) input() chat.ChannelInput {
	return chat.ChannelInput{Slug: b.Slug, Title: b.Title, Description: b.Description, Visibility: b.Visibility,
		JoinCode: b.JoinCode, PostingMode: b.PostingMode, AllowAnonymous: b.AllowAnonymous, AllowGuests: b.AllowGuests,
		SlowModeSeconds: b.SlowModeSeconds, MaxLength: b.MaxLength, PremodMode: b.PremodMode, FilterCaps: b.FilterCaps,
		FilterRepeats: b.FilterRepeats, FilterMentions: b.FilterMentions, FilterLinks: b.FilterLinks, AllowedDomains: b.AllowedDomains,
		AttachmentsMode: b.AttachmentsMode}
}

// Channels lists the channels the token's user can see, with whether a
// session is live in each.
func (h *API) Channels(c *fiber.Ctx) error {
	ctx := c.UserContext()
	userID := web.ViewerOf(c).User.ID
	cs, err := h.Chat.Channels(ctx, userID)
	if err != nil {
		return err
	}
	out := make([]apiChannel, 0, len(cs))
	for i := range cs {
		ch := &cs[i].Channel
		showCode, err := h.seesJoinCode(c, userID, ch.Slug)
		if err != nil {
			return err
		}
		out = append(out, toAPIChannel(ch, cs[i].Live, showCode))
	}
	return c.JSON(fiber.Map{"channels": out})
}

// seesJoinCode reports whether the user hosts or moderates the channel.
func (h *API) seesJoinCode(c *fiber.Ctx, userID int64, slug string) (bool, error) {
	for _, p := range []policies.Permission{policies.ChannelManage, policies.MessageModerate} {
		if ok, err := h.Authz.Can(c.UserContext(), userID, slug, p); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// ChannelCreate creates a channel; its creator becomes its host.
func (h *API) ChannelCreate(c *fiber.Ctx) error {
	var body channelBody
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	ch, err := h.Chat.CreateChannel(c.UserContext(), web.ViewerOf(c).User.ID, body.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIChannelDetail(ch, nil, true))
}

// Channel returns a channel the user may view, with its live session.
func (h *API) Channel(c *fiber.Ctx) error {
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	sess, err := h.Chat.LiveSession(c.UserContext(), cc.Channel)
	if err != nil {
		return err
	}
	return c.JSON(toAPIChannelDetail(cc.Channel, sess, cc.Viewer.Host || cc.Viewer.Staff))
}

// ChannelUpdate changes any subset of a channel's settings; the slug
// cannot change.
func (h *API) ChannelUpdate(c *fiber.Ctx) error {
	var body channelBody
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	ctx := c.UserContext()
	ch, err := h.Chat.UpdateChannel(ctx, web.ViewerOf(c).User.ID, c.Params("slug"), body.input())
	if err != nil {
		return err
	}
	sess, err := h.Chat.LiveSession(ctx, ch)
	if err != nil {
		return err
	}
	return c.JSON(toAPIChannelDetail(ch, sess, true))
}

// ChannelJoin makes the user a member, with the join code where the
// channel asks for one.
func (h *API) ChannelJoin(c *fiber.Ctx) error {
	var body struct {
		Code string `json:"code"`
	}
	if err := web.DecodeJSON(c, &body, true); err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	if err := h.Chat.Join(c.UserContext(), cc.Channel, cc.Viewer, body.Code, c.IP()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// Guidelines returns the guideline in force in the channel and whether
// the user accepted it.
func (h *API) Guidelines(c *fiber.Ctx) error {
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	g, accepted, err := h.Chat.Guideline(c.UserContext(), cc.Channel, cc.Viewer)
	if err != nil {
		return err
	}
	out := fiber.Map{
		"guideline": fiber.Map{"id": g.ID, "version": g.Version, "title": g.Title, "body": g.Body},
		"accepted":  accepted,
	}
	change, err := h.Chat.GuidelineChangeFor(c.UserContext(), cc.Channel, cc.Viewer)
	if err != nil {
		return err
	}
	if change != nil {
		// Accepted an earlier version: what changed since.
		out["changes"] = fiber.Map{"accepted_id": change.Accepted.ID, "accepted_version": change.Accepted.Version, "diff": change.Diff}
	}
	return c.JSON(out)
}

// GuidelinesAccept records that the user accepted the guideline (the
// version they were shown, when guideline_id is given).
func (h *API) GuidelinesAccept(c *fiber.Ctx) error {
	var body struct {
		GuidelineID int64 `json:"guideline_id"`
	}
	if err := web.DecodeJSON(c, &body, true); err != nil {
		return err
	}
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	if err := h.Chat.AcceptGuideline(c.UserContext(), cc.Channel, cc.Viewer, body.GuidelineID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// SessionStart starts a session (ending a live one).
func (h *API) SessionStart(c *fiber.Ctx) error {
	var body struct {
		Title string `json:"title"`
	}
	if err := web.DecodeJSON(c, &body, true); err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	sess, err := h.Chat.StartSession(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, body.Title)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPISession(sess))
}

// SessionEnd ends the live session.
func (h *API) SessionEnd(c *fiber.Ctx) error {
	if err := web.DecodeJSON(c, &struct{}{}, true); err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	sess, err := h.Chat.EndSession(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel)
	if err != nil {
		return err
	}
	return c.JSON(toAPISession(sess))
}
