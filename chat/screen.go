package chat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Filter checks a message against the filter rules in force in a channel.
type Filter interface {
	Check(ctx context.Context, ch *model.Channel, body string, recent []string) (Verdict, error)
}

// Verdict is what the filters decided about a message.
type Verdict struct {
	Action    string   // allow, block, hold, mask or flag
	RuleIDs   []int64  // the rules that matched
	Masked    string   // the body with masked words replaced (action mask)
	Reasons   []string // for people: what matched
	Guideline string   // the guideline the strongest rule enforces
}

// SetFilter sets the filters posts go through (none: every post is allowed).
func (s *Service) SetFilter(f Filter) { s.filter = f }

// standingOf is what moderators have decided about a person in a channel.
type standingOf struct {
	banned   bool
	muted    string // why they cannot post now ("" when they can)
	shadowed bool
}

// standing reads the sanctions in force on v in ch. Staff and hosts have none.
func (s *Service) standing(ctx context.Context, ch *model.Channel, v Viewer) (standingOf, error) {
	var st standingOf
	if v.Staff || v.Host || v.Actor.IsZero() {
		return st, nil
	}
	ss, err := store.ActiveSanctions(ctx, s.db, v.Actor.Key(), ch.ID, s.now())
	if err != nil {
		return st, err
	}
	for _, sn := range ss {
		switch sn.Kind {
		case model.SanctionBan:
			st.banned = true
		case model.SanctionShadowMute:
			st.shadowed = true
		case model.SanctionMute:
			switch {
			case sn.ExpiresAt != nil:
				st.muted = fmt.Sprintf("A moderator muted you until %s UTC.", sn.ExpiresAt.UTC().Format("15:04"))
			default:
				st.muted = "A moderator muted you for the rest of this session."
			}
			if sn.Reason != "" {
				st.muted += " Reason: " + sn.Reason
			}
		}
	}
	return st, nil
}

// screen applies pre-moderation, shadow-mutes and the filters to a new
// message: it may change its state, body and flags, or refuse it.
func (s *Service) screen(ctx context.Context, ch *model.Channel, v Viewer, m *model.Message, st standingOf) (Verdict, error) {
	verdict := Verdict{Action: "allow"}
	if v.Staff || v.Host {
		return verdict, nil
	}
	if s.filter != nil {
		var recent []string
		if ch.FilterRepeats {
			ms, err := store.MessagesBy(ctx, s.db, v.Actor, 5)
			if err != nil {
				return verdict, err
			}
			for _, r := range ms {
				if r.ChannelID == ch.ID {
					recent = append(recent, r.Body)
				}
			}
		}
		var err error
		if verdict, err = s.filter.Check(ctx, ch, m.Body, recent); err != nil {
			return verdict, err
		}
	}
	switch verdict.Action {
	case "block":
		s.auditFilter(ctx, ch, v, nil, verdict, m.Body)
		msg := "Your message was not posted: it goes against this channel's guidelines."
		if len(verdict.Reasons) > 0 {
			msg = "Your message was not posted: " + verdict.Reasons[0] + "."
		}
		return verdict, model.Refuse(model.ErrInvalid, "blocked_by_filter", msg)
	case "hold":
		m.State = model.StateHeld
		m.ModReason = strings.Join(verdict.Reasons, "; ")
	case "mask":
	case "flag":
		m.Flagged = true
		m.ModReason = strings.Join(verdict.Reasons, "; ")
	}
	if verdict.Masked != "" && verdict.Action != "block" {
		// Masked words stay masked even when another rule holds the message,
		// so approving it never publishes them.
		m.Body = verdict.Masked
	}
	if len(verdict.RuleIDs) > 0 {
		ids := make([]string, 0, len(verdict.RuleIDs))
		for _, id := range verdict.RuleIDs {
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		m.RuleIDs = strings.Join(ids, ",")
	}
	if m.State == model.StateVisible {
		switch ch.PremodMode {
		case model.PremodAll:
			m.State, m.ModReason = model.StateHeld, "pre-moderation: every message is reviewed"
		case model.PremodFirst:
			n, err := store.CountApproved(ctx, s.db, ch.ID, v.Actor)
			if err != nil {
				return verdict, err
			}
			if n == 0 {
				m.State, m.ModReason = model.StateHeld, "pre-moderation: first message in this channel"
			}
		}
	}
	if st.shadowed && (m.State == model.StateVisible) {
		m.State = model.StateShadow
	}
	return verdict, nil
}

// auditVerdict records an automatic filter action on a stored message.
func (s *Service) auditVerdict(ctx context.Context, tx bun.IDB, ch *model.Channel, m *model.Message, v Verdict) error {
	if v.Action == "allow" || v.Action == "" {
		return nil
	}
	_, err := s.auditTx(ctx, tx, 0, "filter."+v.Action, "message", m.ID, &ch.ID, nil,
		map[string]any{"rules": v.RuleIDs, "reasons": v.Reasons, "state": m.State}, ModInput{Guideline: v.Guideline})
	return err
}

// auditFilter records a blocked message (which is not stored).
func (s *Service) auditFilter(ctx context.Context, ch *model.Channel, v Viewer, m *model.Message, verdict Verdict, body string) {
	_, err := s.auditTx(ctx, s.db, 0, "filter."+verdict.Action, "actor", 0, &ch.ID, nil,
		map[string]any{"actor": v.Actor.Key(), "rules": verdict.RuleIDs, "reasons": verdict.Reasons, "body": body},
		ModInput{Guideline: verdict.Guideline})
	if err != nil {
		s.log.ErrorContext(ctx, "chat: audit filter", "err", err)
	}
	_ = m
}
