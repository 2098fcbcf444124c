package chat

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"backchannel/model"
	"backchannel/store"
)

// DefaultGuideline is the site's guideline until an admin writes one.
func DefaultGuideline() *model.Guideline {
	return &model.Guideline{Scope: "site", Title: "Community guidelines", Body: `G1. Be kind. Criticise ideas, not people: no personal attacks, harassment or hate.
G2. Stay on topic. Questions and comments are about this class or talk.
G3. Keep it clean. No spam, advertising, or sexual or violent content.
G4. Protect privacy. Do not share anyone's personal information.
G5. Moderators may hold, hide or remove messages and mute people who break these rules.`}
}

// EnsureDefaults stores the default guideline when none exists.
func (s *Service) EnsureDefaults(ctx context.Context) error {
	return store.EnsureGuideline(ctx, s.db, DefaultGuideline())
}

// Guideline returns the guideline in force in ch and whether v accepted it.
// Both are read once per viewer.
func (s *Service) Guideline(ctx context.Context, ch *model.Channel, v Viewer) (*model.Guideline, bool, error) {
	if v.known != nil && v.known.guideline != nil {
		return v.known.guideline, v.known.accepted, nil
	}
	g, err := store.CurrentGuideline(ctx, s.db, ch.ID)
	if err != nil {
		return nil, false, err
	}
	ok := false
	if !v.Actor.IsZero() {
		if ok, err = store.HasAcceptedGuideline(ctx, s.db, ch.ID, v.Actor.Key(), g); err != nil {
			return nil, false, err
		}
	}
	if v.known != nil {
		v.known.guideline, v.known.accepted = g, ok
	}
	return g, ok, nil
}

// AcceptGuideline records that v accepted the guideline version id (the one
// they were shown); accepting an outdated version is refused.
func (s *Service) AcceptGuideline(ctx context.Context, ch *model.Channel, v Viewer, id int64) error {
	if v.Actor.IsZero() {
		return model.ErrUnauthorized
	}
	g, err := store.CurrentGuideline(ctx, s.db, ch.ID)
	if err != nil {
		return err
	}
	if id != 0 && id != g.ID {
		return model.Refuse(model.ErrConflict, "guidelines_changed", "The guidelines changed while you were reading. Please read the new version.")
	}
	if err := store.AcceptGuideline(ctx, s.db, ch.ID, v.Actor.Key(), g.ID); err != nil {
		return err
	}
	if v.known != nil {
		v.known.guideline, v.known.accepted = g, true
	}
	return nil
}

// Rule is one numbered rule of a guideline, with its stable id ("G3").
type Rule struct {
	ID   string
	Text string
}

// RuleSyntax describes how a rule line is written, for the edit pages.
const RuleSyntax = "One rule per line: its id (a capital letter and a number), a full stop, a space, then the rule — for example \"G3. No personal attacks\". Keep an id when you reword its rule; other lines are ordinary Markdown."

// ruleLine matches a rule line: "G3. No personal attacks" (optionally as a
// list item, "- G3. …").
var ruleLine = regexp.MustCompile(`^(?:[-*+]\s+)?([A-Z]\d{1,4})\.\s+(\S.*)$`) //nolint:gochecknoglobals // compiled once, read-only

// ParseRule reports the id and text of a rule line.
func ParseRule(line string) (Rule, bool) {
	m := ruleLine.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return Rule{}, false
	}
	return Rule{ID: m[1], Text: strings.TrimSpace(m[2])}, true
}

// ParseRules returns the rules of a guideline body, in order.
func ParseRules(body string) []Rule {
	var out []Rule
	for _, line := range strings.Split(body, "\n") {
		if r, ok := ParseRule(line); ok {
			out = append(out, r)
		}
	}
	return out
}

// GuidelineInput is a new version of a guideline.
type GuidelineInput struct {
	Title    string `json:"title"`
	Body     string `json:"body"`
	Material bool   `json:"material"`
}

const maxGuidelineBody = 20000

// validate checks a new version; an empty body is allowed only when
// emptyOK (a channel going back to the site's guideline).
func (in *GuidelineInput) validate(emptyOK bool) error {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if in.Body == "" {
		if emptyOK {
			return nil
		}
		return model.Invalid("body", "Write the guidelines.")
	}
	if in.Title == "" {
		return model.Invalid("title", "Give the guidelines a title.")
	}
	if len(in.Title) > 200 {
		return model.Invalid("title", "The title is too long (200 characters at most).")
	}
	if len(in.Body) > maxGuidelineBody {
		return model.Invalid("body", fmt.Sprintf("The guidelines are too long (%d characters at most).", maxGuidelineBody))
	}
	rules := ParseRules(in.Body)
	if len(rules) == 0 {
		return model.Invalid("body", "Write at least one rule, as a line like \"G1. Be kind\".")
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.ID] {
			return model.Invalid("body", "Rule id "+r.ID+" is used twice.")
		}
		seen[r.ID] = true
	}
	return nil
}

// SiteGuideline returns the current site-wide guideline.
func (s *Service) SiteGuideline(ctx context.Context) (*model.Guideline, error) {
	return store.LatestGuideline(ctx, s.db, store.SiteScope)
}

// ChannelGuideline returns the channel's own current guideline (nil when it
// uses the site's).
func (s *Service) ChannelGuideline(ctx context.Context, ch *model.Channel) (*model.Guideline, error) {
	g, err := store.LatestGuideline(ctx, s.db, store.ChannelScope(ch.ID))
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	if g.Body == "" {
		return nil, nil
	}
	return g, nil
}

// SaveSiteGuideline stores a new version of the site-wide guideline.
func (s *Service) SaveSiteGuideline(ctx context.Context, actorID int64, in GuidelineInput) (*model.Guideline, error) {
	if err := in.validate(false); err != nil {
		return nil, err
	}
	return s.saveGuideline(ctx, actorID, store.SiteScope, nil, in)
}

// SaveChannelGuideline stores a new version of a channel's own guideline; an
// empty body goes back to the site's.
func (s *Service) SaveChannelGuideline(ctx context.Context, actorID int64, ch *model.Channel, in GuidelineInput) (*model.Guideline, error) {
	if err := in.validate(true); err != nil {
		return nil, err
	}
	if in.Body == "" {
		in.Title = ""
	}
	return s.saveGuideline(ctx, actorID, store.ChannelScope(ch.ID), &ch.ID, in)
}

func (s *Service) saveGuideline(ctx context.Context, actorID int64, scope string, channelID *int64, in GuidelineInput) (*model.Guideline, error) {
	g := &model.Guideline{Scope: scope, Title: in.Title, Body: in.Body, Material: in.Material}
	if err := store.AddGuidelineVersion(ctx, s.db, g); err != nil {
		if isConflict(err) {
			return nil, model.Refuse(model.ErrConflict, "guidelines_changed", "Someone else saved the guidelines at the same time. Reload and try again.")
		}
		return nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "guideline.update", TargetType: "guideline", TargetID: g.ID, ChannelID: deref(channelID), After: fmt.Sprintf("%s v%d material=%t", scope, g.Version, g.Material)})
	s.announceGuideline(ctx, channelID)
	return g, nil
}

// GuidelineVersions lists the versions of the site's (ch nil) or a
// channel's own guideline, newest first.
func (s *Service) GuidelineVersions(ctx context.Context, ch *model.Channel, limit int) ([]model.Guideline, error) {
	scope := store.SiteScope
	if ch != nil {
		scope = store.ChannelScope(ch.ID)
	}
	return store.GuidelineVersions(ctx, s.db, scope, limit)
}

// GuidelineActionCounts counts moderator actions by the rule id they cite,
// in one channel (ch non-nil) or everywhere.
func (s *Service) GuidelineActionCounts(ctx context.Context, ch *model.Channel) ([]store.GuidelineCount, error) {
	var id int64
	if ch != nil {
		id = ch.ID
	}
	return store.GuidelineActionCounts(ctx, s.db, id)
}
