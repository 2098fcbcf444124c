package chat

import (
	"context"
	"fmt"
	"math"
	"time"

	"backchannel/model"
	"backchannel/store"
)

// Join codes and how often a wrong one may be tried.
const (
	// MinJoinCode is the shortest join code a channel may be given (codes
	// made by the server have exactly this many characters). Channels with
	// a shorter code from before keep it until it is changed.
	MinJoinCode = 8
	// JoinFailsPerPerson is how many wrong codes one account may try within
	// JoinWindow, across all channels; JoinFailsPerIP the same per address
	// (guests, who have no account, are counted by address alone).
	JoinFailsPerPerson = 10
	JoinFailsPerIP     = 30
	JoinWindow         = 15 * time.Minute
)

// checkJoinCode checks code against ch's join code for whoever tries it
// from ip (person is "user:<id>", or empty for a guest). Too many wrong
// codes lately, from the person or the address, is a rate-limit error
// before the code is even compared; a wrong code is recorded for both.
func (s *Service) checkJoinCode(ctx context.Context, ch *model.Channel, code, ip string, person ...string) error {
	subjects := append(append([]string{}, person...), "ip:"+ip)
	now := s.now()
	for i, subject := range subjects {
		limit, msg := JoinFailsPerIP, "Too many wrong join codes from your network."
		if i < len(person) {
			limit, msg = JoinFailsPerPerson, "Too many wrong join codes."
		}
		n, oldest, err := store.JoinFailures(ctx, s.db, subject, now.Add(-JoinWindow))
		if err != nil {
			return err
		}
		if n >= limit {
			wait := oldest.Add(JoinWindow).Sub(now)
			mins := max(1, int(math.Ceil(wait.Minutes())))
			return &model.RateLimitError{Message: fmt.Sprintf("%s Try again in %d minute%s, or ask the host for the code.", msg, mins, pluralS(mins)),
				RetryAfter: max(1, int(math.Ceil(wait.Seconds())))}
		}
	}
	if sameCode(code, ch.JoinCode) {
		return nil
	}
	if err := store.RecordJoinFailures(ctx, s.db, ch.ID, now, subjects...); err != nil {
		return err
	}
	return model.Invalid("code", "That join code is not right.")
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// CleanupJoinFailures forgets wrong join codes older than JoinWindow.
func (s *Service) CleanupJoinFailures(ctx context.Context) error {
	return store.DeleteJoinFailuresBefore(ctx, s.db, s.now().Add(-JoinWindow))
}
