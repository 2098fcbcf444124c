package pages

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

const guidelineHistory = 50

var guidelineFields = []string{"title", "body", "material"} //nolint:gochecknoglobals // read-only list

// AdminGuidelines shows the site guideline editor, its history and the
// moderator actions counted per rule.
func (h *Pages) AdminGuidelines(c *fiber.Ctx) error {
	f := web.FormOf(c, guidelineFields...)
	g, err := h.Chat.SiteGuideline(c.UserContext())
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	if g != nil {
		f.Values["title"], f.Values["body"] = g.Title, g.Body
	}
	return h.renderAdminGuidelines(c, fiber.StatusOK, f, "")
}

func (h *Pages) renderAdminGuidelines(c *fiber.Ctx, status int, f views.Form, preview string) error {
	ctx := c.UserContext()
	d := views.GuidelinesEdit{Heading: "Site guidelines", Action: "/admin/guidelines", Syntax: chat.RuleSyntax, Preview: preview}
	vs, err := h.Chat.GuidelineVersions(ctx, nil, guidelineHistory)
	if err != nil {
		return err
	}
	fillVersions(&d, vs)
	if d.Holders, err = h.Chat.GuidelineHolders(ctx, nil); err != nil {
		return err
	}
	counts, err := h.Chat.GuidelineActionCounts(ctx, nil)
	if err != nil {
		return err
	}
	texts := map[string]string{}
	if len(vs) > 0 {
		for _, r := range chat.ParseRules(vs[0].Body) {
			texts[r.ID] = r.Text
		}
	}
	for _, n := range counts {
		d.Counts = append(d.Counts, views.RuleCount{ID: n.Guideline, Text: texts[n.Guideline], Count: n.Count})
	}
	return web.Render(c, status, views.AdminGuidelinesPage(h.Page(c, "Guidelines", "/admin/users"), d, f))
}

// fillVersions puts the history and the newest version on the editor.
func fillVersions(d *views.GuidelinesEdit, vs []model.Guideline) {
	for i := range vs {
		d.Versions = append(d.Versions, web.GuidelineVersion(&vs[i]))
	}
	if len(vs) > 0 && vs[0].Body != "" {
		cur := d.Versions[0]
		d.Current = &cur
	}
}

// guidelineInput reads the editor form.
func guidelineInput(f views.Form) chat.GuidelineInput {
	return chat.GuidelineInput{Title: f.Value("title"), Body: f.Value("body"), Material: f.Value("material") == "1"}
}

// AdminGuidelinesSave previews the form or stores it as a new version.
func (h *Pages) AdminGuidelinesSave(c *fiber.Ctx) error {
	f := web.FormOf(c, guidelineFields...)
	if c.FormValue("intent") == "preview" {
		return h.renderAdminGuidelines(c, fiber.StatusOK, f, web.RenderGuideline(f.Value("body")))
	}
	g, err := h.Chat.SaveSiteGuideline(c.UserContext(), web.ViewerOf(c).User.ID, guidelineInput(f))
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderAdminGuidelines(c, status, f, "")
	}
	h.Flash(c, "success", "Guidelines saved as version "+strconv.Itoa(g.Version)+".")
	return web.SeeOther(c, "/admin/guidelines")
}
