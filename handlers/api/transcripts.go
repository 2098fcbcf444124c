package api

import (
	"backchannel/handlers/web"
	"time"

	"github.com/gofiber/fiber/v2"
)

// apiSessionSummary is a session in GET /api/v1/channels/:slug/sessions.
type apiSessionSummary struct {
	apiSession
	// Messages counts what the caller's version of the transcript holds:
	// every message for staff, the visible ones for everyone else.
	Messages int `json:"messages"`
}

// Sessions lists a channel's sessions, newest first.
func (h *API) Sessions(c *fiber.Ctx) error {
	ch, staff, ss, err := h.SessionsOf(c)
	if err != nil {
		return err
	}
	out := make([]apiSessionSummary, 0, len(ss))
	for i := range ss {
		out = append(out, apiSessionSummary{apiSession: toAPISession(&ss[i].ChannelSession), Messages: web.SessionRow(ss[i], staff).Messages})
	}
	return c.JSON(fiber.Map{"channel": ch.Slug, "sessions": out})
}

// Transcript returns a session's transcript: ?view=participant|staff,
// ?format=json (default), md or csv. JSON is the same document as the
// JSON export.
func (h *API) Transcript(c *fiber.Ctx) error {
	ch, staff, err := h.TranscriptChannel(c)
	if err != nil {
		return err
	}
	format := c.Query("format", "json")
	if format == "" {
		format = "json"
	}
	if !web.ValidExport(format) {
		return web.BadRequest("format is json, md or csv.")
	}
	return h.SendTranscript(c, ch, staff, format)
}

// apiAnalyticsBody is the JSON of GET …/sessions/:session/analytics.
type apiAnalyticsBody struct {
	Session       apiSession       `json:"session"`
	From          time.Time        `json:"from"`
	To            time.Time        `json:"to"`
	Messages      int              `json:"messages"`
	Replies       int              `json:"replies"`
	Questions     int              `json:"questions"`
	Answered      int              `json:"answered"`
	Posters       int              `json:"posters"`
	Participants  int              `json:"participants"`
	Actions       int              `json:"moderation_actions"`
	Files         int              `json:"files_shared"`  // images included
	Images        int              `json:"images_shared"` // the images among them
	BucketSeconds int              `json:"bucket_seconds"`
	Buckets       []apiBucket      `json:"messages_over_time"`
	TopQuestions  []apiTopQuestion `json:"top_questions"`
	Tags          []apiCount       `json:"tags"`
	ActionsByRule []apiCount       `json:"actions_by_rule"`
	Note          string           `json:"participants_note"`
}

type apiBucket struct {
	Start time.Time `json:"start"`
	Count int       `json:"count"`
}

type apiTopQuestion struct {
	ID       int64  `json:"id"`
	Author   string `json:"author"`
	Body     string `json:"body"`
	Votes    int    `json:"votes"`
	Answered bool   `json:"answered"`
}

type apiCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Analytics returns a session's class analytics (transcript:staff).
func (h *API) Analytics(c *fiber.Ctx) error {
	_, a, err := h.AnalyticsOf(c)
	if err != nil {
		return err
	}
	out := apiAnalyticsBody{Session: toAPISession(a.Session), From: a.From, To: a.To, Messages: a.Messages, Replies: a.Replies,
		Questions: a.Questions, Answered: a.Answered, Posters: a.Posters, Participants: a.Participants, Actions: a.Actions,
		Files: a.Files, Images: a.Images, BucketSeconds: int(a.BucketSize.Seconds()), Buckets: []apiBucket{}, TopQuestions: []apiTopQuestion{},
		Tags: []apiCount{}, ActionsByRule: []apiCount{},
		Note: "participants are the distinct people who posted, reacted, voted or accepted the guidelines in the channel during the session"}
	for _, b := range a.Buckets {
		out.Buckets = append(out.Buckets, apiBucket{Start: b.Start, Count: b.Count})
	}
	for _, q := range a.TopQuestions {
		out.TopQuestions = append(out.TopQuestions, apiTopQuestion{ID: q.ID, Author: q.Author, Body: q.Body, Votes: q.Votes, Answered: q.Answered})
	}
	for _, t := range a.Tags {
		out.Tags = append(out.Tags, apiCount{Name: t.Name, Count: t.Count})
	}
	for _, r := range a.ActionsByRule {
		out.ActionsByRule = append(out.ActionsByRule, apiCount{Name: r.Guideline, Count: r.Count})
	}
	return c.JSON(out)
}
