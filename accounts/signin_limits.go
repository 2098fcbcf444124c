package accounts

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Attempt is one sign-in try: what was typed, the client's address and the
// device cookie its browser holds ("" when none).
type Attempt struct {
	Email, Password, IP, Device string
}

// SignInResult is a successful sign-in. Device is a new device cookie to set
// ("" when the browser's own cookie stays good).
type SignInResult struct {
	User   *model.User
	Device string
}

// Authenticate checks an email and password from a client at ip, with the
// limits of SignIn for a browser that holds no device cookie.
func (s *Service) Authenticate(ctx context.Context, email, password, ip string) (*model.User, error) {
	r, err := s.signIn(ctx, Attempt{Email: email, Password: password, IP: ip}, false)
	if err != nil {
		return nil, err
	}
	return r.User, nil
}

// SignIn checks an attempt against the sign-in limits and then its password,
// and remembers the browser as a trusted device of the account when it is
// right. The limits, after OWASP's advice against lockout as a weapon:
//
//   - a browser that signed in to the account before (its device cookie) is
//     trusted: it is slowed by its own failures alone, and after
//     MaxFailsDevice of them it is trusted no more;
//   - every other client meets the account's limit (MaxFailsAccount failures
//     of untrusted clients within LoginWindow), the address's limit
//     (MaxFailsIP failures within LoginWindow, not reset by a success), and a
//     delay per account and address that doubles from LoginDelay with each
//     failure after the first since their last success.
//
// The limits are checked and the attempt counted (as failed until its
// password proves right) in one locked step, so parallel tries cannot slip
// past them; the password is verified afterwards, outside the lock.
func (s *Service) SignIn(ctx context.Context, a Attempt) (*SignInResult, error) {
	return s.signIn(ctx, a, true)
}

func (s *Service) signIn(ctx context.Context, a Attempt, remember bool) (*SignInResult, error) {
	email := store.NormalizeEmail(a.Email)
	if email == "" || a.Password == "" {
		return nil, model.Invalid("email", "Enter your email and password.")
	}
	u, err := store.UserByEmail(ctx, s.db, email)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	at := s.now().UTC()
	var dev *model.SignInDevice
	if u != nil && a.Device != "" {
		d, err := store.SignInDeviceByHash(ctx, s.db, u.ID, HashToken(a.Device))
		switch {
		case err == nil && at.Sub(d.LastUsedAt) < s.opts.DeviceTTL:
			dev = d
		case err != nil && !isNotFound(err):
			return nil, err
		}
	}
	la := &model.LoginAttempt{Email: email, IP: a.IP, CreatedAt: at}
	err = store.LockLogins(ctx, s.db, []string{"email:" + email, "ip:" + a.IP}, func(ctx context.Context, tx bun.Tx) error {
		if err := s.gate(ctx, tx, la, &dev); err != nil {
			return err
		}
		return store.AddLoginAttempt(ctx, tx, la)
	})
	if err != nil {
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := s.opts.CheckPassword(hash, a.Password)
	if err != nil {
		return nil, err
	}
	if !ok || u == nil {
		return nil, errBadCredentials()
	}
	if err := store.MarkLoginSucceeded(ctx, s.db, la.ID); err != nil {
		return nil, err
	}
	if u.Disabled() {
		return nil, fmt.Errorf("accounts: sign in: %w", &model.FieldError{Field: "email",
			Message: "This account is disabled. Ask an admin to enable it."})
	}
	r := &SignInResult{User: u}
	switch {
	case !remember:
	case dev != nil:
		if err := store.TouchSignInDevice(ctx, s.db, dev.ID, at); err != nil {
			return nil, err
		}
	default:
		r.Device = NewToken("", 16)
		d := &model.SignInDevice{UserID: u.ID, TokenHash: HashToken(r.Device), CreatedAt: at, LastUsedAt: at}
		if err := store.CreateSignInDevice(ctx, s.db, d); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// gate refuses an attempt that a limit stops, and otherwise fills in the
// trusted device it counts against (nil when the device lost its trust).
// It runs under the sign-in lock of the attempt's account and address.
func (s *Service) gate(ctx context.Context, tx bun.IDB, la *model.LoginAttempt, dev **model.SignInDevice) error {
	at, window := la.CreatedAt, s.opts.LoginWindow
	recent, err := store.RecentLogins(ctx, tx, la.Email, la.IP, at.Add(-window))
	if err != nil {
		return err
	}
	// failures picks the failed attempts that match, oldest first.
	failures := func(match func(a *model.LoginAttempt) bool) []time.Time {
		var ts []time.Time
		for i := range recent {
			if a := &recent[i]; !a.Succeeded && match(a) {
				ts = append(ts, a.CreatedAt)
			}
		}
		return ts
	}
	if d := *dev; d != nil {
		fails := failures(func(a *model.LoginAttempt) bool {
			return a.DeviceID != nil && *a.DeviceID == d.ID && a.CreatedAt.After(d.LastUsedAt)
		})
		if len(fails) < s.opts.MaxFailsDevice {
			la.DeviceID = &d.ID
			return s.delay(fails, at)
		}
		*dev = nil
	}
	fails := failures(func(a *model.LoginAttempt) bool { return a.IP == la.IP })
	if n := len(fails); n >= s.opts.MaxFailsIP {
		return refusal("Too many failed sign-in attempts from your network.", fails[n-s.opts.MaxFailsIP].Add(window), at)
	}
	fails = failures(func(a *model.LoginAttempt) bool { return a.Email == la.Email && a.DeviceID == nil })
	if n := len(fails); n >= s.opts.MaxFailsAccount {
		return refusal("Too many failed sign-in attempts for this account from browsers it has not signed in from. "+
			"A browser you have signed in with before can still sign in.", fails[n-s.opts.MaxFailsAccount].Add(window), at)
	}
	// The delay of this account and address counts their failures since
	// their last success.
	pair := func(a *model.LoginAttempt) bool { return a.Email == la.Email && a.IP == la.IP && a.DeviceID == nil }
	var lastOK time.Time
	for i := range recent {
		if a := &recent[i]; a.Succeeded && pair(a) {
			lastOK = a.CreatedAt
		}
	}
	return s.delay(failures(func(a *model.LoginAttempt) bool { return pair(a) && a.CreatedAt.After(lastOK) }), at)
}

// delay refuses a try that comes before the wait its failures call for: a
// first failure (a typo) costs nothing; LoginDelay after the second,
// doubling with each further one, at most LoginWindow.
func (s *Service) delay(fails []time.Time, at time.Time) error {
	n := len(fails)
	if n < 2 {
		return nil
	}
	wait := s.opts.LoginWindow
	if n <= 30 {
		wait = min(s.opts.LoginDelay<<(n-2), wait)
	}
	if until := fails[n-1].Add(wait); at.Before(until) {
		return refusal("Too many failed sign-in attempts in a row.", until, at)
	}
	return nil
}

// refusal is a RateLimitError that names the wait until until.
func refusal(msg string, until, at time.Time) error {
	wait := until.Sub(at)
	secs := int(math.Max(1, math.Ceil(wait.Seconds())))
	n, unit := secs, "second"
	if secs > 90 {
		n, unit = int(math.Ceil(wait.Minutes())), "minute"
	}
	if n != 1 {
		unit += "s"
	}
	return &model.RateLimitError{Message: fmt.Sprintf("%s Try again in %d %s.", msg, n, unit), RetryAfter: secs}
}
