package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/views"
)

// DMReportForm shows a member what reporting a conversation (or, with
// ?message=<id>, one of its messages) would share, with the form to send
// it. Non-members get 404.
func (h *Pages) DMReportForm(c *fiber.Ctx) error {
	convID, mid, err := dmReportParams(c)
	if err != nil {
		return err
	}
	p, err := h.Moderation.PreviewDMReport(c.UserContext(), web.ViewerOf(c).User.ID, convID, mid)
	if err != nil {
		return err
	}
	d := dmReportForm(convID, mid, p, web.FormOf(c, "reason", "guideline"))
	return web.Render(c, fiber.StatusOK, views.DMReportPage(h.Page(c, "Report", "/inbox"), d))
}

// DMReportSubmit sends the report; the answer shows what was shared, or
// the form again with what went wrong.
func (h *Pages) DMReportSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	convID, mid, err := dmReportParams(c)
	if err != nil {
		return err
	}
	userID := web.ViewerOf(c).User.ID
	f := web.FormOf(c, "reason", "guideline")
	r, rerr := h.Moderation.ReportDM(ctx, userID, convID, moderation.DMReportInput{MessageID: mid, Reason: f.Value("reason"), Guideline: f.Value("guideline")})
	if rerr != nil {
		p, err := h.Moderation.PreviewDMReport(ctx, userID, convID, mid)
		if err != nil {
			return err
		}
		status, err := web.FormError(&f, rerr)
		if err != nil {
			return err
		}
		web.SetRetryAfter(c, rerr)
		return web.Render(c, status, views.DMReportPage(h.Page(c, "Report", "/inbox"), dmReportForm(convID, mid, p, f)))
	}
	p, err := h.Moderation.PreviewDMReport(ctx, userID, convID, mid)
	if err != nil {
		return err
	}
	d := dmReportForm(convID, mid, p, f)
	lines, err := r.Lines()
	if err != nil {
		return err
	}
	d.Lines, d.Sent = excerptLines(lines), true
	return web.Render(c, fiber.StatusCreated, views.DMReportPage(h.Page(c, "Report sent", "/inbox"), d))
}

// dmReportParams reads the conversation id and the optional ?message=<id>.
func dmReportParams(c *fiber.Ctx) (int64, *int64, error) {
	convID, err := web.IDParam(c, "id")
	if err != nil {
		return 0, nil, err
	}
	q := c.Query("message")
	if q == "" {
		return convID, nil, nil
	}
	mid, err := strconv.ParseInt(q, 10, 64)
	if err != nil || mid <= 0 {
		return 0, nil, model.ErrNotFound
	}
	return convID, &mid, nil
}

func dmReportForm(convID int64, mid *int64, p *moderation.DMReportPreview, f views.Form) views.DMReportForm {
	d := views.DMReportForm{ConversationID: convID, Lines: excerptLines(p.Lines), Form: f, Rules: ruleOptions(p),
		Back: "/inbox/" + strconv.FormatInt(convID, 10)}
	if mid != nil {
		d.MessageID = *mid
		d.Back += "#dm-" + strconv.FormatInt(*mid, 10)
	}
	for _, id := range p.People {
		d.People = append(d.People, p.Names[id])
	}
	return d
}

func ruleOptions(p *moderation.DMReportPreview) []views.GuidelineOption {
	out := make([]views.GuidelineOption, 0, len(p.Rules))
	for _, r := range p.Rules {
		out = append(out, views.GuidelineOption{ID: r.ID, Text: r.Text})
	}
	return out
}

func excerptLines(ls []model.DMExcerptLine) []views.DMExcerptLine {
	out := make([]views.DMExcerptLine, 0, len(ls))
	for _, l := range ls {
		author := l.Author
		if l.Kind == model.DMSystem {
			author = "Conversation notice"
		}
		out = append(out, views.DMExcerptLine{ID: l.MessageID, Author: author, System: l.Kind == model.DMSystem, Body: l.Body,
			CreatedAt: l.CreatedAt, Edited: l.Edited, Deleted: l.Deleted, Reported: l.Reported})
	}
	return out
}
