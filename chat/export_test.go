package chat

import "time"

// SetClock replaces the Service's clock (slow mode, rate limit, edit window)
// for tests in package chat_test.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// HumanDuration is humanDuration for tests in package chat_test.
var HumanDuration = humanDuration
