package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

var settingsFields = []string{"title", "description", "visibility", "join_code", "posting_mode",
	"slow_mode_seconds", "max_length", "allow_anonymous", "allow_guests", "premod_mode", "filter_caps",
	"filter_repeats", "filter_mentions", "filter_links", "allowed_domains", "attachments_mode"} //nolint:gochecknoglobals // read-only list

// ChannelSettings shows the host's settings form.
func (h *Pages) ChannelSettings(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	f := settingsForm(cc.Channel)
	return h.renderSettings(c, fiber.StatusOK, cc, f, web.FormOf(c, "email"))
}

func (h *Pages) renderSettings(c *fiber.Ctx, status int, cc *web.ChannelCtx, f, mf views.Form) error {
	ctx := c.UserContext()
	head, err := h.channelHead(ctx, cc.Channel, cc.Viewer)
	if err != nil {
		return err
	}
	ms, err := h.Chat.Members(ctx, cc.Channel)
	if err != nil {
		return err
	}
	d := views.ChannelSettings{Head: head, Form: f, MemberForm: mf}
	for _, m := range ms {
		d.Members = append(d.Members, views.Member{ID: m.UserID, Name: m.DisplayName, Email: m.Email})
	}
	return web.Render(c, status, views.ChannelSettingsView(h.Page(c, "Settings · "+cc.Channel.Title, "/channels"), d))
}

// ChannelSettingsSave stores the settings form.
func (h *Pages) ChannelSettingsSave(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	f := web.FormOf(c, settingsFields...)
	in, err := settingsInput(f)
	if err == nil {
		_, err = h.Chat.UpdateChannel(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel.Slug, in)
	}
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderSettings(c, status, cc, f, web.FormOf(c, "email"))
	}
	h.Flash(c, "success", "Settings saved.")
	return web.SeeOther(c, "/c/"+cc.Channel.Slug)
}

// settingsInput reads the settings form (checkboxes absent mean off).
func settingsInput(f views.Form) (chat.ChannelInput, error) {
	title, desc, code := f.Value("title"), f.Value("description"), f.Value("join_code")
	vis, mode := model.Visibility(f.Value("visibility")), model.PostingMode(f.Value("posting_mode"))
	anon, guests := f.Value("allow_anonymous") != "", f.Value("allow_guests") != ""
	premod := model.PremodMode(f.Value("premod_mode"))
	caps, repeats := f.Value("filter_caps") != "", f.Value("filter_repeats") != ""
	mentions, links, domains := f.Value("filter_mentions") != "", f.Value("filter_links") != "", f.Value("allowed_domains")
	in := chat.ChannelInput{Title: &title, Description: &desc, JoinCode: &code, Visibility: &vis,
		PostingMode: &mode, AllowAnonymous: &anon, AllowGuests: &guests, PremodMode: &premod, FilterCaps: &caps,
		FilterRepeats: &repeats, FilterMentions: &mentions, FilterLinks: &links, AllowedDomains: &domains}
	if premod == "" { // a form from before pre-moderation existed
		in.PremodMode = nil
	}
	if att := model.AttachmentsMode(f.Value("attachments_mode")); att != "" {
		in.AttachmentsMode = &att
	}
	slow, err := strconv.Atoi(strings.TrimSpace(f.Value("slow_mode_seconds")))
	if err != nil {
		return in, model.Invalid("slow_mode_seconds", "Slow mode is a whole number of seconds (0 for off).")
	}
	maxLen, err := strconv.Atoi(strings.TrimSpace(f.Value("max_length")))
	if err != nil {
		return in, model.Invalid("max_length", "The longest message is a whole number of characters.")
	}
	in.SlowModeSeconds, in.MaxLength = &slow, &maxLen
	return in, nil
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return ""
}
