package chat

import (
	"context"
	"errors"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"backchannel/model"
	"backchannel/store"
)

// DiffLine is one line of the difference between two guideline versions.
type DiffLine struct {
	Op   string `json:"op"` // "+" added, "-" removed, " " unchanged
	Text string `json:"text"`
}

// GuidelineChange is a new guideline a viewer must accept again: the
// version in force, the one they accepted last, and what changed between.
type GuidelineChange struct {
	Current  *model.Guideline
	Accepted *model.Guideline
	Diff     []DiffLine
}

// GuidelineChangeFor returns what changed in the guideline of ch since v
// last accepted one there, when v must accept it again; nil when v accepted
// the version in force (or one that still holds) or never accepted any
// (they read the whole text before their first post).
func (s *Service) GuidelineChangeFor(ctx context.Context, ch *model.Channel, v Viewer) (*GuidelineChange, error) {
	if v.Actor.IsZero() || !v.Poster {
		return nil, nil
	}
	g, accepted, err := s.Guideline(ctx, ch, v)
	if err != nil || accepted {
		return nil, err
	}
	old, err := store.LastAcceptedGuideline(ctx, s.db, ch.ID, v.Actor.Key())
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &GuidelineChange{Current: g, Accepted: old, Diff: DiffGuidelines(old.Body, g.Body)}, nil
}

// DiffGuidelines is the line-by-line difference from one guideline body to
// another (blank lines left out).
func DiffGuidelines(from, to string) []DiffLine {
	a, b := guidelineLines(from), guidelineLines(to)
	var out []DiffLine
	for _, op := range difflib.NewMatcher(a, b).GetOpCodes() {
		if op.Tag == 'e' {
			for _, l := range a[op.I1:op.I2] {
				out = append(out, DiffLine{Op: " ", Text: l})
			}
			continue
		}
		for _, l := range a[op.I1:op.I2] {
			out = append(out, DiffLine{Op: "-", Text: l})
		}
		for _, l := range b[op.J1:op.J2] {
			out = append(out, DiffLine{Op: "+", Text: l})
		}
	}
	return out
}

func guidelineLines(body string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// GuidelineHolders counts the people a material change of the site's
// guideline (ch nil) or of ch's own would ask to accept again.
func (s *Service) GuidelineHolders(ctx context.Context, ch *model.Channel) (int, error) {
	if ch == nil {
		return store.GuidelineHolders(ctx, s.db, store.SiteScope, 0)
	}
	g, err := store.CurrentGuideline(ctx, s.db, ch.ID)
	if err != nil {
		return 0, err
	}
	return store.GuidelineHolders(ctx, s.db, g.Scope, ch.ID)
}

// announceGuideline tells the open pages of every channel the new version
// applies to (one channel, or all for the site's) that it changed.
func (s *Service) announceGuideline(ctx context.Context, channelID *int64) {
	ids := []int64{}
	if channelID != nil {
		ids = append(ids, *channelID)
	} else {
		cs, err := store.ListChannels(ctx, s.db)
		if err != nil {
			s.log.ErrorContext(ctx, "chat: announce guideline", "err", err)
			return
		}
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
	}
	for _, id := range ids {
		seq, err := store.AddEvent(ctx, s.db, id, model.EventGuidelinesChanged, nil)
		if err != nil {
			s.log.ErrorContext(ctx, "chat: announce guideline", "channel", id, "err", err)
			continue
		}
		s.Publish(ctx, id, seq)
	}
}
