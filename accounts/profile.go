package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"backchannel/model"
	"backchannel/store"
)

// Limits of handles and bios.
const (
	MinHandleLen = 3
	MaxHandleLen = 30
	MaxBioLen    = 160
)

// reservedHandles would pass for a page of the site or for staff.
func reservedHandles() []string {
	return []string{"admin", "administrator", "mod", "moderator", "moderators", "staff", "host", "api",
		"inbox", "settings", "account", "accounts", "search", "signup", "login", "logout", "setup",
		"static", "anonymous", "system", "root", "support", "help", "me", "new", "people", "user",
		"users", "everyone", "nobody", "requests", "blocks", "followers", "following", "channels",
		"transcripts", "backchannel"}
}

// handleRule is the one sentence that says what a handle may be.
const handleRule = "Use 3–30 characters: lowercase letters a–z, digits 0–9 and _, with at least one letter."

// NormalizeHandle is the form in which handles are stored and compared:
// trimmed, without a leading "@", lowercase.
func NormalizeHandle(s string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@"))
}

// ValidateHandle checks a normalised handle; errors name the field "handle"
// and the rule broken.
func ValidateHandle(h string) error {
	if h == "" {
		return model.Invalid("handle", "Choose a handle. "+handleRule)
	}
	if n := utf8.RuneCountInString(h); n < MinHandleLen || n > MaxHandleLen {
		return model.Invalid("handle", fmt.Sprintf("A handle has %d to %d characters; %q has %d.", MinHandleLen, MaxHandleLen, h, n))
	}
	letter := false
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z':
			letter = true
		case r >= '0' && r <= '9', r == '_':
		default:
			return model.Invalid("handle", fmt.Sprintf("A handle cannot contain %q. %s", r, handleRule))
		}
	}
	if !letter {
		return model.Invalid("handle", "A handle needs at least one letter a–z.")
	}
	if slices.Contains(reservedHandles(), h) {
		return model.Invalid("handle", fmt.Sprintf("The handle %q is reserved. Choose another.", h))
	}
	return nil
}

// ValidateBio tidies a bio (one paragraph of plain text) and checks its
// length.
func ValidateBio(s string) (string, error) {
	s = model.CleanLine(s)
	if n := utf8.RuneCountInString(s); n > MaxBioLen {
		return "", model.Invalid("bio", fmt.Sprintf("A bio can be at most %d characters; this one has %d.", MaxBioLen, n))
	}
	return s, nil
}

// ValidateDMPolicy checks a "who can message me" choice.
func ValidateDMPolicy(p model.DMPolicy) error {
	switch p {
	case model.DMPolicyEveryone, model.DMPolicyFollowing, model.DMPolicyNobody:
		return nil
	}
	return model.Invalid("dm_policy", `Choose who can message you: "everyone", "following" or "nobody".`)
}

// HandleFromName turns a display name into a handle candidate ("Ada
// Lovelace" → "ada_lovelace"): accents dropped, other characters made "_".
// It returns "" when nothing valid comes of it.
func HandleFromName(name string) string {
	var b strings.Builder
	under := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		default:
			under = true
		}
	}
	h := b.String()
	if len(h) > MaxHandleLen-4 { // room for a number that makes it unique
		h = strings.TrimRight(h[:MaxHandleLen-4], "_")
	}
	if ValidateHandle(h) != nil {
		return ""
	}
	return h
}

// freeHandle returns base, or base with the smallest number from 2 that no
// account holds; "" when base is "" or no number up to 9999 is free.
func (s *Service) freeHandle(ctx context.Context, base string) (string, error) {
	if base == "" {
		return "", nil
	}
	taken, err := store.HandlesLike(ctx, s.db, base)
	if err != nil {
		return "", err
	}
	if !slices.Contains(taken, base) {
		return base, nil
	}
	for i := 2; i < 10000; i++ {
		if h := base + strconv.Itoa(i); !slices.Contains(taken, h) {
			return h, nil
		}
	}
	return "", nil
}

// SuggestHandle is a free handle made from a display name ("" when none
// comes of it): what the sign-up form proposes, and what an account created
// without a handle gets.
func (s *Service) SuggestHandle(ctx context.Context, name string) (string, error) {
	return s.freeHandle(ctx, HandleFromName(name))
}

// errHandleTaken is the field error of a handle another account holds.
func errHandleTaken(h string) error {
	return model.Invalid("handle", fmt.Sprintf("The handle %q is taken. Choose another.", h))
}

// ProfileInput is a change to one's own profile; nil fields stay as they are.
type ProfileInput struct {
	Handle   *string
	Bio      *string
	DMPolicy *model.DMPolicy
}

// UpdateProfile changes a person's own handle, bio or direct-message policy,
// checked as at sign-up, and audits it. Nothing changes when any field is
// refused.
func (s *Service) UpdateProfile(ctx context.Context, userID int64, in ProfileInput) (*model.User, error) {
	u, err := store.UserByID(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	p := store.Profile{Handle: u.Handle, Bio: u.Bio, DMPolicy: u.DMPolicy}
	if in.Handle != nil {
		p.Handle = NormalizeHandle(*in.Handle)
		if p.Handle != u.Handle {
			if err := ValidateHandle(p.Handle); err != nil {
				return nil, err
			}
		}
	}
	if in.Bio != nil {
		if p.Bio, err = ValidateBio(*in.Bio); err != nil {
			return nil, err
		}
	}
	if in.DMPolicy != nil {
		if err := ValidateDMPolicy(*in.DMPolicy); err != nil {
			return nil, err
		}
		p.DMPolicy = *in.DMPolicy
	}
	before := store.Profile{Handle: u.Handle, Bio: u.Bio, DMPolicy: u.DMPolicy}
	if p == before {
		return u, nil
	}
	if err := store.SetProfile(ctx, s.db, userID, p); err != nil {
		if errors.Is(err, model.ErrHandleTaken) {
			return nil, errHandleTaken(p.Handle)
		}
		return nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: userID, Action: "user.profile", TargetType: "user", TargetID: userID,
		Before: store.JSON(map[string]any{"handle": before.Handle, "bio": before.Bio, "dm_policy": before.DMPolicy}),
		After:  store.JSON(map[string]any{"handle": p.Handle, "bio": p.Bio, "dm_policy": p.DMPolicy})})
	u.Handle, u.Bio, u.DMPolicy = p.Handle, p.Bio, p.DMPolicy
	return u, nil
}
