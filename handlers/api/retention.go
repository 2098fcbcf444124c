package api

import (
	"backchannel/handlers/web"
	"backchannel/retention"
	"time"

	"github.com/gofiber/fiber/v2"
)

// RetentionPolicy is the retention policy as the API shows and takes it.
type RetentionPolicy struct {
	SiteDays int                   `json:"site_days"`
	Channels []apiChannelRetention `json:"channels"`
}

// apiChannelRetention is a channel's override: null follows the site, 0
// keeps bodies forever.
type apiChannelRetention struct {
	Slug string `json:"slug"`
	Days *int   `json:"days"`
}

// apiRetentionInput is the body of PUT and of the preview: site_days
// absent or null leaves the site's days; channels not listed keep their
// override.
type apiRetentionInput struct {
	SiteDays *int                  `json:"site_days"`
	Channels []apiChannelRetention `json:"channels"`
}

func (in apiRetentionInput) toChat() retention.Input {
	out := retention.Input{SiteDays: in.SiteDays}
	for _, c := range in.Channels {
		out.Channels = append(out.Channels, retention.ChannelDays{Slug: c.Slug, Days: c.Days})
	}
	return out
}

func toAPIRetention(p *retention.Policy) RetentionPolicy {
	out := RetentionPolicy{SiteDays: p.SiteDays, Channels: make([]apiChannelRetention, 0, len(p.Channels))}
	for _, c := range p.Channels {
		out.Channels = append(out.Channels, apiChannelRetention{Slug: c.Slug, Days: c.Days})
	}
	return out
}

// RetentionPolicy answers GET /api/v1/retention.
func (h *API) RetentionPolicy(c *fiber.Ctx) error {
	p, err := h.Retention.Policy(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(toAPIRetention(p))
}

// RetentionSave answers PUT /api/v1/retention with the policy now in
// force; invalid input changes nothing (422 naming the field).
func (h *API) RetentionSave(c *fiber.Ctx) error {
	var in apiRetentionInput
	if err := web.DecodeJSON(c, &in, false); err != nil {
		return err
	}
	p, err := h.Retention.Save(c.UserContext(), web.ViewerOf(c).User.ID, in.toChat())
	if err != nil {
		return err
	}
	return c.JSON(toAPIRetention(p))
}

// apiRetentionSample is a message whose body would go.
type apiRetentionSample struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Author    string    `json:"author"`
	Excerpt   string    `json:"excerpt"`
}

// apiRetentionPreviewChannel is what a change would remove from a channel.
type apiRetentionPreviewChannel struct {
	Slug        string               `json:"slug"`
	Title       string               `json:"title"`
	Days        int                  `json:"days"` // in force; 0 keeps forever
	FollowsSite bool                 `json:"follows_site"`
	Cutoff      *time.Time           `json:"cutoff"`
	Count       int                  `json:"count"`
	Files       int                  `json:"files"` // files of those messages, removed with them
	Oldest      *time.Time           `json:"oldest"`
	Newest      *time.Time           `json:"newest"`
	Samples     []apiRetentionSample `json:"samples"`
}

// RetentionPreview answers POST /api/v1/retention/preview: what the
// policy changed by the body would remove now. Nothing is changed.
func (h *API) RetentionPreview(c *fiber.Ctx) error {
	var in apiRetentionInput
	if err := web.DecodeJSON(c, &in, true); err != nil {
		return err
	}
	p, err := h.Retention.Preview(c.UserContext(), in.toChat())
	if err != nil {
		return err
	}
	chans := make([]apiRetentionPreviewChannel, 0, len(p.Channels))
	for _, ch := range p.Channels {
		out := apiRetentionPreviewChannel{Slug: ch.Slug, Title: ch.Title, Days: ch.Days, FollowsSite: ch.ChannelRetention.Days == nil,
			Cutoff: ch.Cutoff, Count: ch.Count, Files: ch.Files, Oldest: ch.Oldest, Newest: ch.Newest, Samples: make([]apiRetentionSample, 0, len(ch.Samples))}
		for _, s := range ch.Samples {
			out.Samples = append(out.Samples, apiRetentionSample{ID: s.ID, CreatedAt: s.CreatedAt, Author: s.Author, Excerpt: s.Excerpt})
		}
		chans = append(chans, out)
	}
	return c.JSON(fiber.Map{"site_days": p.SiteDays, "at": p.At, "total": p.Total, "files": p.Files, "channels": chans})
}
