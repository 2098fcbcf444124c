package chat_test

import (
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// TestJoinCodeGuessingLimit: after JoinFailsPerPerson wrong codes within
// JoinWindow the person is refused (the right code too) until the oldest
// wrong one is a window old; the clock is the test's.
func TestJoinCodeGuessingLimit(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		coded := e.Channel(host, "coded", chat.ChannelInput{Visibility: ptr(model.VisibilityJoinCode), JoinCode: ptr("RIGHT234")})
		start := time.Now().UTC().Truncate(time.Second)
		e.Clock.Set(start)
		v := e.Viewer(coded, alice)
		for i := 0; i < chat.JoinFailsPerPerson; i++ {
			var fe *model.FieldError
			if err := e.Chat.Join(e.Ctx, coded, v, "WRONG234", "10.0.0.1"); !errors.As(err, &fe) || fe.Field != "code" {
				t.Fatalf("wrong code %d: %v, want a code error", i+1, err)
			}
		}
		var rl *model.RateLimitError
		if err := e.Chat.Join(e.Ctx, coded, v, "RIGHT234", "10.0.0.2"); !errors.As(err, &rl) || rl.RetryAfter != int(chat.JoinWindow.Seconds()) {
			t.Fatalf("after %d wrong codes: %v, want rate limited for the window", chat.JoinFailsPerPerson, err)
		}
		e.Clock.Set(start.Add(chat.JoinWindow - time.Second))
		if err := e.Chat.Join(e.Ctx, coded, v, "RIGHT234", "10.0.0.2"); !errors.As(err, &rl) {
			t.Fatalf("a second before the window ends: %v, want still limited", err)
		}
		e.Clock.Set(start.Add(chat.JoinWindow + time.Second))
		if err := e.Chat.Join(e.Ctx, coded, v, "RIGHT234", "10.0.0.2"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}
