// Package accounts holds the use cases of people and their sign-ins: first-run
// setup, sign-up (open, invite-only or closed), sign-in with rate limits,
// server-side sessions, personal access tokens, passwords, site-wide roles and
// disabling accounts. Every change that matters is written to the audit log.
package accounts

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// Roles is what accounts needs of the policy engine.
type Roles interface {
	Grant(ctx context.Context, userID int64, role model.Role, domain string) error
	Revoke(ctx context.Context, userID int64, role model.Role, domain string) error
	Roles(ctx context.Context, userID int64) ([]policies.Grant, error)
	Holders(ctx context.Context, role model.Role, domain string) ([]int64, error)
	RevokeAll(ctx context.Context, userID int64) error
}

// Options tune sessions and sign-in limits.
type Options struct {
	SessionIdle time.Duration // a session ends after this long unused
	SessionMax  time.Duration // and this long after it began, however used
	// Sign-in limits: failures within LoginWindow before further tries are
	// refused, per account and per client address.
	LoginWindow     time.Duration
	MaxFailsAccount int // failures from browsers the account never signed in from
	MaxFailsIP      int // failures from one address, whatever the account
	MaxFailsDevice  int // failures from one trusted browser before it is trusted no more
	// LoginDelay is the first wait after a failed try of an account from one
	// address (or one trusted browser); it doubles with each further
	// failure, up to LoginWindow.
	LoginDelay time.Duration
	DeviceTTL  time.Duration // a trusted browser unused this long is forgotten
	ResetTTL   time.Duration // an admin's password reset link lasts this long
	// Now is the clock (time.Now when nil); CheckPassword verifies a
	// password against its hash (the package's CheckPassword when nil).
	Now           func() time.Time
	CheckPassword func(hash, password string) (bool, error)
}

// DefaultOptions are the limits used when a field of Options is zero.
func DefaultOptions() Options {
	return Options{SessionIdle: 7 * 24 * time.Hour, SessionMax: 30 * 24 * time.Hour,
		LoginWindow: 15 * time.Minute, MaxFailsAccount: 5, MaxFailsIP: 30, MaxFailsDevice: 5,
		LoginDelay: time.Second, DeviceTTL: 180 * 24 * time.Hour, ResetTTL: 24 * time.Hour}
}

// Service carries out account use cases.
type Service struct {
	db    *bun.DB
	roles Roles
	opts  Options
	log   *slog.Logger
	now   func() time.Time
}

// New returns a Service. Zero fields of opts take DefaultOptions' values.
func New(db *bun.DB, roles Roles, opts Options, log *slog.Logger) *Service {
	d := DefaultOptions()
	opts.SessionIdle = cmp.Or(opts.SessionIdle, d.SessionIdle)
	opts.SessionMax = cmp.Or(opts.SessionMax, d.SessionMax)
	opts.LoginWindow = cmp.Or(opts.LoginWindow, d.LoginWindow)
	opts.MaxFailsAccount = cmp.Or(opts.MaxFailsAccount, d.MaxFailsAccount)
	opts.MaxFailsIP = cmp.Or(opts.MaxFailsIP, d.MaxFailsIP)
	opts.MaxFailsDevice = cmp.Or(opts.MaxFailsDevice, d.MaxFailsDevice)
	opts.LoginDelay = cmp.Or(opts.LoginDelay, d.LoginDelay)
	opts.DeviceTTL = cmp.Or(opts.DeviceTTL, d.DeviceTTL)
	opts.ResetTTL = cmp.Or(opts.ResetTTL, d.ResetTTL)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CheckPassword == nil {
		opts.CheckPassword = CheckPassword
	}
	return &Service{db: db, roles: roles, opts: opts, log: log, now: opts.Now}
}

// Setting keys.
const (
	settingSignupMode = "signup_mode"
	settingSetupToken = "setup_token"
)

// Limits on what people type.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
	MaxNameLen     = 64
	MaxEmailLen    = 254
)

// Input is what a person gives to create an account.
type Input struct {
	Email       string
	DisplayName string
	Password    string
	// Handle is the one chosen (/u/{handle}); "" takes a free one made from
	// the display name, or "user<id>".
	Handle string
}

// Validate checks and tidies the input; errors name the field at fault.
func (in *Input) Validate() error {
	in.Email = store.NormalizeEmail(in.Email)
	in.DisplayName = model.CleanLine(in.DisplayName)
	if err := ValidateEmail(in.Email); err != nil {
		return err
	}
	if in.DisplayName == "" {
		in.DisplayName = strings.SplitN(in.Email, "@", 2)[0]
	}
	if utf8.RuneCountInString(in.DisplayName) > MaxNameLen {
		return model.Invalid("display_name", fmt.Sprintf("Your name can be at most %d characters.", MaxNameLen))
	}
	if strings.ContainsAny(in.DisplayName, "<>") {
		return model.Invalid("display_name", "Your name cannot contain < or >.")
	}
	if in.Handle = NormalizeHandle(in.Handle); in.Handle != "" {
		if err := ValidateHandle(in.Handle); err != nil {
			return err
		}
	}
	return ValidatePassword(in.Password)
}

// ValidateEmail checks that s is one plain email address.
func ValidateEmail(s string) error {
	if s == "" {
		return model.Invalid("email", "Enter your email address.")
	}
	if len(s) > MaxEmailLen {
		return model.Invalid("email", "That email address is too long.")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return model.Invalid("email", "Enter an email address like name@example.org.")
	}
	return nil
}

// ValidatePassword checks a new password's length.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return model.Invalid("password", fmt.Sprintf("Use at least %d characters for your password.", MinPasswordLen))
	}
	if len(pw) > MaxPasswordLen {
		return model.Invalid("password", fmt.Sprintf("Use at most %d characters for your password.", MaxPasswordLen))
	}
	return nil
}

// create inserts a user with a hashed password and grants role site-wide
// (participant always, and role when it is another). It does not audit.
func (s *Service) create(ctx context.Context, in Input, role model.Role) (*model.User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, model.Invalid("role", fmt.Sprintf("Unknown role %q.", role))
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	handle, chosen := in.Handle, in.Handle != ""
	if !chosen {
		if handle, err = s.SuggestHandle(ctx, in.DisplayName); err != nil {
			return nil, err
		}
	}
	u := &model.User{Email: in.Email, DisplayName: in.DisplayName, PasswordHash: hash, Handle: handle}
	err = store.CreateUser(ctx, s.db, u)
	if errors.Is(err, model.ErrHandleTaken) && !chosen {
		// Taken since it was suggested: "user<id>" instead.
		u = &model.User{Email: in.Email, DisplayName: in.DisplayName, PasswordHash: hash}
		err = store.CreateUser(ctx, s.db, u)
	}
	if err != nil {
		if errors.Is(err, model.ErrHandleTaken) {
			return nil, errHandleTaken(handle)
		}
		if errors.Is(err, model.ErrConflict) {
			return nil, &model.FieldError{Field: "email", Message: "An account with this email already exists."}
		}
		return nil, err
	}
	// Roles live in the policy tables, written by the Authorizer on its own
	// connection; so they are granted after the user row is committed.
	if err := s.roles.Grant(ctx, u.ID, model.RoleParticipant, model.SiteWide); err != nil {
		return nil, fmt.Errorf("accounts: grant participant: %w", err)
	}
	if role != model.RoleParticipant {
		if err := s.roles.Grant(ctx, u.ID, role, model.SiteWide); err != nil {
			return nil, fmt.Errorf("accounts: grant %s: %w", role, err)
		}
	}
	return u, nil
}

// CreateUser creates an account directly (administrators, the command line).
// actorID 0 means the command line.
func (s *Service) CreateUser(ctx context.Context, actorID int64, in Input, role model.Role) (*model.User, error) {
	u, err := s.create(ctx, in, role)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "user.create", TargetType: "user", TargetID: u.ID, After: store.JSON(map[string]any{"email": u.Email, "role": role})})
	return u, nil
}

// audit writes an audit entry and logs (but does not return) a failure: the
// action it records has already happened.
func (s *Service) audit(ctx context.Context, r store.AuditRecord) {
	if _, err := store.Audit(ctx, s.db, r); err != nil {
		s.log.ErrorContext(ctx, "accounts: audit", "action", r.Action, "err", err)
	}
}

// User loads one user.
func (s *Service) User(ctx context.Context, id int64) (*model.User, error) {
	return store.UserByID(ctx, s.db, id)
}

// SiteRoles returns the roles a user holds site-wide, strongest first.
func (s *Service) SiteRoles(ctx context.Context, userID int64) ([]model.Role, error) {
	gs, err := s.roles.Roles(ctx, userID)
	if err != nil {
		return nil, err
	}
	held := map[model.Role]bool{}
	for _, g := range gs {
		if g.Domain == model.SiteWide {
			held[g.Role] = true
		}
	}
	var out []model.Role
	for _, r := range model.Roles() {
		if held[r] {
			out = append(out, r)
		}
	}
	return out, nil
}

// TopSiteRole is the strongest role a user holds site-wide ("" when none).
func (s *Service) TopSiteRole(ctx context.Context, userID int64) (model.Role, error) {
	rs, err := s.SiteRoles(ctx, userID)
	if err != nil || len(rs) == 0 {
		return "", err
	}
	return rs[0], nil
}

// Moderates reports whether a user holds the moderator or admin role
// anywhere (site-wide or in some channel): the navigation offers the triage
// wall to them.
func (s *Service) Moderates(ctx context.Context, userID int64) (bool, error) {
	gs, err := s.roles.Roles(ctx, userID)
	if err != nil {
		return false, err
	}
	for _, g := range gs {
		if g.Role == model.RoleModerator || g.Role == model.RoleAdmin {
			return true, nil
		}
	}
	return false, nil
}
