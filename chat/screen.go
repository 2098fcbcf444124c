package chat

import (
	"context"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/wordfilter"
)

// Filter checks a message against the filter rules in force in a channel.
type Filter interface {
	Check(ctx context.Context, ch *model.Channel, body string, recent []string) (wordfilter.Verdict, error)
}

// screen applies pre-moderation, shadow-mutes and the filters to a new
// message: it may change its state, body and flags, or refuse it.
func (s *Service) screen(ctx context.Context, ch *model.Channel, v Viewer, m *model.Message, st sanctionsOf, names nameVerdict) (wordfilter.Verdict, error) {
	var verdict wordfilter.Verdict
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
	bodyAction := verdict.Action
	verdict = withNames(verdict, names)
	reasons := verdict.ReasonsStrongestFirst()
	switch verdict.Action {
	case wordfilter.Block:
		s.auditBlocked(ctx, ch, v, verdict, m.Body)
		if bodyAction < wordfilter.Block {
			return verdict, model.Refuse(model.ErrInvalid, "blocked_by_filter", blockedNameMessage(verdict.Guideline()))
		}
		return verdict, model.Refuse(model.ErrInvalid, "blocked_by_filter", blockedMessage(verdict.Guideline()))
	case wordfilter.Hold:
		m.State = model.StateHeld
		m.ModReason = strings.Join(reasons, "; ")
	case wordfilter.Flag:
		m.Flagged = true
		m.ModReason = strings.Join(reasons, "; ")
	}
	if verdict.Masked != "" && verdict.Masked != m.Body {
		// Masked words stay masked even when another rule holds the message,
		// so approving it never publishes them. Staff may read the text as
		// written.
		original := m.Body
		m.Body, m.Original = verdict.Masked, &original
	}
	if ruleIDs := verdict.RuleIDs(); len(ruleIDs) > 0 {
		ids := make([]string, 0, len(ruleIDs))
		for _, id := range ruleIDs {
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
func (s *Service) auditVerdict(ctx context.Context, tx bun.IDB, ch *model.Channel, m *model.Message, v wordfilter.Verdict) error {
	if v.Action == wordfilter.Allow {
		return nil
	}
	_, err := store.Audit(ctx, tx, store.AuditRecord{Action: "filter." + v.Action.String(), TargetType: "message",
		TargetID: m.ID, ChannelID: ch.ID, Guideline: v.Guideline(),
		After: map[string]any{"rules": v.RuleIDs(), "reasons": v.ReasonsStrongestFirst(), "state": m.State}})
	return err
}

// auditBlocked records a blocked message (which is not stored).
func (s *Service) auditBlocked(ctx context.Context, ch *model.Channel, v Viewer, verdict wordfilter.Verdict, body string) {
	s.audit(ctx, store.AuditRecord{Action: "filter." + verdict.Action.String(), TargetType: "actor", TargetID: 0,
		ChannelID: ch.ID, Guideline: verdict.Guideline(),
		After: map[string]any{"actor": v.Actor.Key(), "rules": verdict.RuleIDs(), "reasons": verdict.ReasonsStrongestFirst(), "body": body}})
}

// blockedMessage tells a poster their message was blocked, citing the
// guideline the deciding rule names. Which rule matched is for moderators
// only: telling the poster would show them how to get around it.
func blockedMessage(guideline string) string {
	if guideline == "" {
		return "Your message was not posted: it goes against this channel's guidelines."
	}
	return "Your message was not posted: it goes against guideline " + guideline + " of this channel."
}
