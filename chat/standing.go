package chat

import (
	"context"
	"math"
	"time"

	"backchannel/model"
	"backchannel/store"
)

// Standing is where a viewer stands in a channel before they type: banned,
// muted (until when, and why), or waiting for slow mode.
type Standing struct {
	Ban      *model.Sanction // the ban in force (nil: none)
	Mute     *model.Sanction // the mute in force (nil: none); ExpiresAt nil: until the session ends
	SlowWait int             // seconds before slow mode lets them post again
}

// Standing works out v's standing in ch. Staff and hosts have none to tell.
func (s *Service) Standing(ctx context.Context, ch *model.Channel, v Viewer) (Standing, error) {
	var out Standing
	if v.Actor.IsZero() || v.Staff || v.Host {
		return out, nil
	}
	st, err := s.sanctions(ctx, ch, v)
	if err != nil {
		return out, err
	}
	out.Ban, out.Mute = st.ban, st.mute
	if ch.SlowModeSeconds <= 0 || out.Ban != nil || out.Mute != nil {
		return out, nil
	}
	slow := time.Duration(ch.SlowModeSeconds) * time.Second
	now := s.now().UTC()
	recent, err := store.RecentPostsBy(ctx, s.db, ch.ID, []model.Actor{v.Actor}, now.Add(-slow))
	if err != nil {
		return out, err
	}
	if ts := recent[v.Actor.Key()]; len(ts) > 0 {
		if wait := ts[0].Add(slow).Sub(now); wait > 0 {
			out.SlowWait = int(math.Ceil(wait.Seconds()))
		}
	}
	return out, nil
}
