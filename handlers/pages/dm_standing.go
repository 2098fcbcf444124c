package pages

import (
	"context"

	"backchannel/views"
)

// DMStanding is what userID is told on their inbox about site moderators'
// warnings and a suspension of their direct messages
// (views.DMStandingNotice renders it).
func (h *Pages) DMStanding(ctx context.Context, userID int64) (views.DMWarningsNotice, error) {
	st, err := h.Moderation.DMStandingOf(ctx, userID)
	if err != nil {
		return views.DMWarningsNotice{}, err
	}
	d := views.DMWarningsNotice{Suspended: st.Suspended != nil}
	if st.Suspended != nil {
		d.SuspendedUntil = st.Suspended.ExpiresAt
	}
	for _, w := range st.Warnings {
		d.Warnings = append(d.Warnings, views.DMWarningLine{Reason: w.Reason, Guideline: w.Guideline, CreatedAt: w.CreatedAt})
	}
	return d, nil
}
