package retention

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Retention removes the bodies of messages older than a number of days: the
// site's, or a channel's own. The row stays (id, channel, author, times,
// state, counts) as the record that the message existed; the body goes from
// the message, the search index and the audit log.

// Retention limits and timing.
const (
	// MaxRetentionDays is the longest retention that can be set (100 years).
	MaxRetentionDays = 36500
	// DefaultInterval is how often Run removes bodies.
	DefaultInterval = time.Hour
	// StartDelay is how long after start Run first runs.
	StartDelay = 30 * time.Second
	// retentionBatch is how many messages one transaction changes, so a
	// first run over a big database holds no long write lock.
	retentionBatch = 500
	// retentionSamples is how many messages a preview shows per channel.
	retentionSamples = 3
	// retentionExcerpt is how many characters of a sample a preview shows.
	retentionExcerpt = 80
)

// Policy is the site-wide retention and every channel's override.
type Policy struct {
	SiteDays int // 0: keep forever
	Channels []ChannelRetention
}

// ChannelRetention is one channel's retention override.
type ChannelRetention struct {
	ID    int64
	Slug  string
	Title string
	Days  *int // nil follows the site, 0 keeps forever, N days
}

// Effective is the number of days that apply to the channel (0: forever).
func (c ChannelRetention) Effective(siteDays int) int {
	if c.Days != nil {
		return *c.Days
	}
	return siteDays
}

// Input is a change of retention. Channels not listed keep their
// override.
type Input struct {
	SiteDays *int // nil: unchanged
	Channels []ChannelDays
}

// ChannelDays sets a channel's override: Days nil follows the site.
type ChannelDays struct {
	Slug string
	Days *int
}

// ChannelField is the field name of a channel's days in validation errors
// ("channel:<slug>"); the site's is "site_days".
func ChannelField(slug string) string { return "channel:" + slug }

// Policy returns the retention now in force.
func (s *Service) Policy(ctx context.Context) (*Policy, error) {
	return s.retention(ctx, s.db)
}

func (s *Service) retention(ctx context.Context, db bun.IDB) (*Policy, error) {
	p := &Policy{}
	v, err := store.Setting(ctx, db, store.RetentionKey, "0")
	if err != nil {
		return nil, err
	}
	if p.SiteDays, err = strconv.Atoi(strings.TrimSpace(v)); err != nil || p.SiteDays < 0 || p.SiteDays > MaxRetentionDays {
		// Keeping is the safe reading of a setting nobody could have saved.
		s.log.WarnContext(ctx, "chat: retention setting is not a number of days; keeping bodies", "value", v)
		p.SiteDays = 0
	}
	chans, err := store.ListChannels(ctx, db)
	if err != nil {
		return nil, err
	}
	for _, ch := range chans {
		p.Channels = append(p.Channels, ChannelRetention{ID: ch.ID, Slug: ch.Slug, Title: ch.Title, Days: ch.RetentionDays})
	}
	return p, nil
}

// with returns the policy changed by in, or a *model.FieldError naming
// "site_days" or ChannelField(slug).
func (p *Policy) with(in Input) (*Policy, error) {
	out := &Policy{SiteDays: p.SiteDays, Channels: append([]ChannelRetention(nil), p.Channels...)}
	if in.SiteDays != nil {
		if err := checkRetentionDays("site_days", *in.SiteDays); err != nil {
			return nil, err
		}
		out.SiteDays = *in.SiteDays
	}
	index := make(map[string]int, len(out.Channels))
	for i, c := range out.Channels {
		index[c.Slug] = i
	}
	seen := map[string]bool{}
	for _, c := range in.Channels {
		slug := strings.TrimSpace(c.Slug)
		i, ok := index[slug]
		if !ok {
			return nil, model.Invalid(ChannelField(slug), fmt.Sprintf("There is no channel %q.", slug))
		}
		if seen[slug] {
			return nil, model.Invalid(ChannelField(slug), fmt.Sprintf("The channel %q is listed twice.", slug))
		}
		seen[slug] = true
		if c.Days != nil {
			if err := checkRetentionDays(ChannelField(slug), *c.Days); err != nil {
				return nil, err
			}
			d := *c.Days
			out.Channels[i].Days = &d
		} else {
			out.Channels[i].Days = nil
		}
	}
	return out, nil
}

func checkRetentionDays(field string, d int) error {
	if d < 0 || d > MaxRetentionDays {
		return model.Invalid(field, fmt.Sprintf("Enter a whole number of days from 0 (keep forever) to %d.", MaxRetentionDays))
	}
	return nil
}

// retentionAudit is what the audit log keeps of a retention change.
type retentionAudit struct {
	SiteDays int             `json:"site_days"`
	Channels map[string]*int `json:"channels,omitempty"` // slug → override; only those that changed
}

// Save stores a retention change made by actorID and audits it as
// "retention.update". Invalid input changes nothing.
func (s *Service) Save(ctx context.Context, actorID int64, in Input) (*Policy, error) {
	var next *Policy
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cur, err := s.retention(ctx, tx)
		if err != nil {
			return err
		}
		if next, err = cur.with(in); err != nil {
			return err
		}
		before := retentionAudit{SiteDays: cur.SiteDays, Channels: map[string]*int{}}
		after := retentionAudit{SiteDays: next.SiteDays, Channels: map[string]*int{}}
		changed := cur.SiteDays != next.SiteDays
		if changed {
			if err := store.SetSetting(ctx, tx, store.RetentionKey, strconv.Itoa(next.SiteDays)); err != nil {
				return err
			}
		}
		for i, c := range next.Channels {
			old := cur.Channels[i].Days
			if sameDays(old, c.Days) {
				continue
			}
			changed = true
			before.Channels[c.Slug], after.Channels[c.Slug] = old, c.Days
			if err := store.SetChannelRetention(ctx, tx, c.ID, c.Days); err != nil {
				return err
			}
		}
		if !changed {
			return nil
		}
		_, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: actorID, Action: "retention.update",
			TargetType: "settings", TargetID: store.RetentionKey, Before: before, After: after})
		return err
	})
	if err != nil {
		return nil, err
	}
	return next, nil
}

func sameDays(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Preview is what a retention policy would remove now.
type Preview struct {
	SiteDays int
	At       time.Time // the moment the cut-offs are counted from
	Channels []ChannelPreview
	Total    int // messages whose bodies would be removed
	Files    int // their files, removed with them
}

// ChannelPreview is what a policy would remove from one channel.
type ChannelPreview struct {
	ChannelRetention
	Days    int        // in force for the channel (0: kept forever)
	Cutoff  *time.Time // bodies of messages created before it go; nil when kept
	Count   int
	Files   int // files of those messages, removed with their bodies
	Oldest  *time.Time
	Newest  *time.Time
	Samples []Sample
}

// Sample is one message a policy would empty.
type Sample struct {
	ID        int64
	CreatedAt time.Time
	Author    string
	Excerpt   string // the first characters of the body
}

// Preview counts, per channel, the messages whose bodies the
// current policy changed by in would remove now (and their files), with the oldest and newest
// date and a few samples. Nothing is changed.
func (s *Service) Preview(ctx context.Context, in Input) (*Preview, error) {
	cur, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	p, err := cur.with(in)
	if err != nil {
		return nil, err
	}
	t := s.now().UTC()
	out := &Preview{SiteDays: p.SiteDays, At: t}
	for _, c := range p.Channels {
		cp := ChannelPreview{ChannelRetention: c, Days: c.Effective(p.SiteDays)}
		if cp.Days > 0 {
			cut := retentionCutoff(t, cp.Days)
			cp.Cutoff = &cut
			if cp.Count, cp.Oldest, cp.Newest, err = store.RetentionStats(ctx, s.db, c.ID, cut); err != nil {
				return nil, err
			}
			if cp.Count > 0 {
				if cp.Files, err = store.RetentionFileCount(ctx, s.db, c.ID, cut); err != nil {
					return nil, err
				}
				ms, err := store.RetentionSamples(ctx, s.db, c.ID, cut, retentionSamples)
				if err != nil {
					return nil, err
				}
				for _, m := range ms {
					author := m.AuthorName
					if m.Anonymous {
						author = "Anonymous"
					}
					cp.Samples = append(cp.Samples, Sample{ID: m.ID, CreatedAt: m.CreatedAt, Author: author,
						Excerpt: retentionExcerptOf(m.Body)})
				}
			}
		}
		out.Total += cp.Count
		out.Files += cp.Files
		out.Channels = append(out.Channels, cp)
	}
	return out, nil
}

// retentionCutoff is the creation time before which bodies go.
func retentionCutoff(t time.Time, days int) time.Time {
	return t.Add(-time.Duration(days) * 24 * time.Hour)
}

// retentionExcerptOf is the first characters of body on one line.
func retentionExcerptOf(body string) string {
	s := strings.Join(strings.Fields(body), " ")
	if r := []rune(s); len(r) > retentionExcerpt {
		return strings.TrimSpace(string(r[:retentionExcerpt])) + "…"
	}
	return s
}
