package pages

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/transcripts"
	"backchannel/views"
)

// TranscriptAnalytics shows the class analytics of a session (staff only:
// the route needs transcript:staff in the channel).
func (h *Pages) TranscriptAnalytics(c *fiber.Ctx) error {
	ch, a, err := h.AnalyticsOf(c)
	if err != nil {
		return err
	}
	s := a.Session
	d := views.AnalyticsPage{Slug: ch.Slug, Channel: ch.Title,
		Session:  views.SessionRow{ID: s.ID, Title: s.Title, Start: s.StartedAt, End: s.EndedAt, Messages: a.Messages},
		Messages: a.Messages, Replies: a.Replies, Questions: a.Questions, Answered: a.Answered, Posters: a.Posters,
		Participants: a.Participants, Actions: a.Actions, Files: a.Files, Images: a.Images, Chart: analyticsChart(a)}
	for _, q := range a.TopQuestions {
		d.TopQuestions = append(d.TopQuestions, views.AnalyticsQuestion{ID: q.ID, Author: q.Author, Body: orRemoved(q.Body),
			Votes: q.Votes, Answered: q.Answered, Link: "/transcripts/" + ch.Slug + "/" + strconv.FormatInt(s.ID, 10) + "#m-" + strconv.FormatInt(q.ID, 10)})
	}
	for _, t := range a.Tags {
		d.Tags = append(d.Tags, views.AnalyticsCount{Label: t.Name, Class: tagClass(t.Colour), Count: t.Count})
	}
	for _, r := range a.ActionsByRule {
		d.ActionsByRule = append(d.ActionsByRule, views.AnalyticsCount{Label: r.Guideline, Count: r.Count})
	}
	return web.Render(c, fiber.StatusOK, views.AnalyticsPageView(h.Page(c, "Analytics · "+s.Title, "/transcripts"), d))
}

func orRemoved(body string) string {
	if body == "" {
		return "(removed by retention)"
	}
	return body
}

// analyticsChart is the messages-over-time chart with its text summary.
func analyticsChart(a *transcripts.Analytics) views.Chart {
	c := views.Chart{Title: "Messages over time", Unit: "message", Units: "messages", Size: a.BucketSize}
	busiest := -1
	for i, b := range a.Buckets {
		c.Bars = append(c.Bars, views.ChartBar{Start: b.Start, Count: b.Count})
		if b.Count > 0 && (busiest < 0 || b.Count > a.Buckets[busiest].Count) {
			busiest = i
		}
	}
	width := fmt.Sprintf("%d-minute", int(a.BucketSize.Minutes()))
	c.Summary = fmt.Sprintf("%s from %s to %s UTC, in %s bars.", plural(a.Messages, "message", "messages"),
		a.From.UTC().Format("15:04"), a.To.UTC().Format("15:04"), width)
	if busiest >= 0 {
		b := a.Buckets[busiest]
		c.Summary += fmt.Sprintf(" Busiest: %s UTC with %s.", b.Start.UTC().Format("15:04"), plural(b.Count, "message", "messages"))
	}
	return c
}
