package pages

import (
	"context"
	"errors"
	"strings"
	"time"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// sanctionView is a ban or mute as the person it applies to sees it.
func sanctionView(sn *model.Sanction) *views.Sanction {
	if sn == nil {
		return nil
	}
	out := &views.Sanction{Reason: sn.Reason, Guideline: sn.Guideline}
	if sn.ExpiresAt != nil {
		// Shown, and timed by the page, to the second: rounded up, so the
		// box never opens before the server takes posts again.
		out.Until = sn.ExpiresAt.Add(time.Second - time.Nanosecond).Truncate(time.Second)
	}
	return out
}

// composeFor is the compose box of ch as v stands there now: muted, or
// waiting for slow mode.
func (h *Pages) composeFor(ctx context.Context, ch *model.Channel, v chat.Viewer) (views.Compose, error) {
	form := compose(ch)
	st, err := h.Chat.Standing(ctx, ch, v)
	if err != nil {
		return form, err
	}
	form.Muted, form.Wait = sanctionView(st.Mute), st.SlowWait
	form.CanAttach = v.Actor.UserID != 0 && h.Attachments != nil
	form.AttachmentsOff = chat.AttachmentsOff(ch, v)
	return form, nil
}

// guidelineChangeView is what changed in the guidelines since the viewer
// accepted them (nil: nothing they must accept again).
func guidelineChangeView(c *chat.GuidelineChange) *views.GuidelineChange {
	if c == nil {
		return nil
	}
	out := &views.GuidelineChange{ID: c.Current.ID, Title: strings.ToLower(c.Current.Title), Version: c.Current.Version,
		AcceptedVersion: c.Accepted.Version, HTML: web.RenderGuideline(c.Current.Body)}
	if c.Current.Scope != c.Accepted.Scope {
		// Another scope's numbering (the channel took its own guidelines,
		// or went back to the site's): no version to compare by number.
		out.AcceptedVersion = 0
	}
	for _, l := range c.Diff {
		out.Diff = append(out.Diff, views.DiffLine{Op: l.Op, Text: l.Text})
	}
	return out
}

// refusedFor reports whether err is a refusal with the given code.
func refusedFor(err error, code string) bool {
	var p *model.Problem
	return errors.As(err, &p) && p.Code == code
}
