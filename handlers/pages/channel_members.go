package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// settingsForm is the settings form filled from the channel.
func settingsForm(ch *model.Channel) views.Form {
	return views.Form{Errors: map[string]string{}, Values: map[string]string{
		"title": ch.Title, "description": ch.Description, "visibility": string(ch.Visibility),
		"join_code": ch.JoinCode, "posting_mode": string(ch.PostingMode),
		"slow_mode_seconds": strconv.Itoa(ch.SlowModeSeconds), "max_length": strconv.Itoa(ch.MaxLength),
		"allow_anonymous": boolField(ch.AllowAnonymous), "allow_guests": boolField(ch.AllowGuests),
		"premod_mode": string(ch.PremodMode), "filter_caps": boolField(ch.FilterCaps), "filter_repeats": boolField(ch.FilterRepeats),
		"filter_mentions": boolField(ch.FilterMentions), "filter_links": boolField(ch.FilterLinks),
		"allowed_domains":  strings.ReplaceAll(ch.AllowedDomains, ",", ", "),
		"attachments_mode": string(ch.AttachmentsMode.OrAllowed())}}
}

// MemberAdd adds an account to the channel's members.
func (h *Pages) MemberAdd(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	mf := web.FormOf(c, "email")
	u, err := h.Chat.AddMember(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, mf.Value("email"))
	if err != nil {
		status, err := web.FormError(&mf, err)
		if err != nil {
			return err
		}
		return h.renderSettings(c, status, cc, settingsForm(cc.Channel), mf)
	}
	h.Flash(c, "success", u.DisplayName+" is now a member.")
	return web.SeeOther(c, "/c/"+cc.Channel.Slug+"/settings")
}

// MemberRemove removes a member.
func (h *Pages) MemberRemove(c *fiber.Ctx) error {
	cc, err := h.RemoveMember(c)
	if err != nil {
		return err
	}
	h.Flash(c, "success", "Member removed.")
	return web.SeeOther(c, "/c/"+cc.Channel.Slug+"/settings")
}
