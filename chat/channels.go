package chat

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// slugPattern: lower-case letters, digits and single dashes, 2 to 64 long.
var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){1,63}$`) //nolint:gochecknoglobals // compiled once, never written

// domainPattern is a host name such as example.org.
var domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`) //nolint:gochecknoglobals // compiled once, never written

// ChannelInput is what a host gives to create or change a channel. Nil
// fields are left as they are (or at their default when creating).
type ChannelInput struct {
	Slug            *string
	Title           *string
	Description     *string
	Visibility      *model.Visibility
	JoinCode        *string
	PostingMode     *model.PostingMode
	AllowAnonymous  *bool
	AllowGuests     *bool
	SlowModeSeconds *int
	MaxLength       *int
	PremodMode      *model.PremodMode
	FilterCaps      *bool
	FilterRepeats   *bool
	FilterMentions  *bool
	FilterLinks     *bool
	AllowedDomains  *string // comma- or space-separated; empty: links to any domain
	AttachmentsMode *model.AttachmentsMode
}

// DefaultSettings are a new channel's settings.
func DefaultSettings() model.ChannelSettings {
	return model.ChannelSettings{Visibility: model.VisibilityPublic, PostingMode: model.PostingOpen,
		AllowAnonymous: true, AllowGuests: true, MaxLength: model.DefaultMaxLength, PremodMode: model.PremodOff,
		FilterRepeats: true, FilterMentions: true, FilterLinks: true, AttachmentsMode: model.AttachmentsAllowed}
}

// apply copies the set fields of in onto c and checks the result.
func (in ChannelInput) apply(c *model.Channel) error {
	if in.Slug != nil {
		c.Slug = strings.ToLower(strings.TrimSpace(*in.Slug))
	}
	if in.Title != nil {
		c.Title = model.CleanLine(*in.Title)
	}
	if in.Description != nil {
		c.Description = strings.TrimSpace(model.StripBidi(*in.Description))
	}
	if in.Visibility != nil {
		c.Visibility = *in.Visibility
	}
	if in.JoinCode != nil {
		code := strings.TrimSpace(*in.JoinCode)
		if code != c.JoinCode && code != "" && utf8.RuneCountInString(code) < MinJoinCode {
			return model.Invalid("join_code", fmt.Sprintf("A join code has at least %d characters, so it cannot be guessed. Leave it empty to get one made for you.", MinJoinCode))
		}
		c.JoinCode = code
	}
	if in.PostingMode != nil {
		c.PostingMode = *in.PostingMode
	}
	if in.AllowAnonymous != nil {
		c.AllowAnonymous = *in.AllowAnonymous
	}
	if in.AllowGuests != nil {
		c.AllowGuests = *in.AllowGuests
	}
	if in.SlowModeSeconds != nil {
		c.SlowModeSeconds = *in.SlowModeSeconds
	}
	if in.MaxLength != nil {
		c.MaxLength = *in.MaxLength
	}
	if in.PremodMode != nil {
		c.PremodMode = *in.PremodMode
	}
	if in.AttachmentsMode != nil {
		c.AttachmentsMode = *in.AttachmentsMode
	}
	for _, f := range []struct {
		in  *bool
		out *bool
	}{{in.FilterCaps, &c.FilterCaps}, {in.FilterRepeats, &c.FilterRepeats}, {in.FilterMentions, &c.FilterMentions}, {in.FilterLinks, &c.FilterLinks}} {
		if f.in != nil {
			*f.out = *f.in
		}
	}
	if in.AllowedDomains != nil {
		ds := strings.FieldsFunc(strings.ToLower(*in.AllowedDomains), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
		for _, d := range ds {
			if !domainPattern.MatchString(d) {
				return model.Invalid("allowed_domains", fmt.Sprintf("%q is not a domain such as example.org.", d))
			}
		}
		c.AllowedDomains = strings.Join(ds, ",")
	}
	switch {
	case !slugPattern.MatchString(c.Slug):
		return model.Invalid("slug", "Use 2 to 64 lower-case letters, digits and single dashes for the address, e.g. physics-101.")
	case c.Title == "":
		return model.Invalid("title", "Give the channel a title.")
	case utf8.RuneCountInString(c.Title) > 120:
		return model.Invalid("title", "Keep the title to 120 characters.")
	case utf8.RuneCountInString(c.Description) > 1000:
		return model.Invalid("description", "Keep the description to 1000 characters.")
	case !c.Visibility.Valid():
		return model.Invalid("visibility", "Visibility is public, members or join-code.")
	case !c.PremodMode.Valid():
		return model.Invalid("premod_mode", "Pre-moderation is off, first or all.")
	case !c.AttachmentsMode.OrAllowed().Valid():
		return model.Invalid("attachments_mode", "Attachments are allowed, staff (off for participants) or review (held for review).")
	case !c.PostingMode.Valid():
		return model.Invalid("posting_mode", "Posting mode is open, questions or locked.")
	case c.SlowModeSeconds < 0 || c.SlowModeSeconds > model.MaxSlowMode:
		return model.Invalid("slow_mode_seconds", fmt.Sprintf("Slow mode is 0 (off) to %d seconds.", model.MaxSlowMode))
	case c.MaxLength < 1 || c.MaxLength > model.MaxMaxLength:
		return model.Invalid("max_length", fmt.Sprintf("The longest message allowed is 1 to %d characters.", model.MaxMaxLength))
	case utf8.RuneCountInString(c.JoinCode) > 64 || strings.ContainsAny(c.JoinCode, " \t\r\n"):
		return model.Invalid("join_code", "A join code is up to 64 characters without spaces.")
	}
	if c.Visibility == model.VisibilityJoinCode && c.JoinCode == "" {
		c.JoinCode = newJoinCode()
	}
	return nil
}

// newJoinCode makes a code that is easy to read aloud in class: MinJoinCode
// letters and digits without look-alikes (no I, O, 0 or 1): 32 symbols, 40
// bits, and each byte maps to one symbol without bias (256 = 8 × 32).
func newJoinCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, MinJoinCode)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// CreateChannel creates a channel; its creator becomes its host.
func (s *Service) CreateChannel(ctx context.Context, actorID int64, in ChannelInput) (*model.Channel, error) {
	c := &model.Channel{ChannelSettings: DefaultSettings(), CreatedBy: &actorID}
	if err := in.apply(c); err != nil {
		return nil, err
	}
	if err := store.CreateChannel(ctx, s.db, c); err != nil {
		if errors.Is(err, model.ErrConflict) {
			return nil, &model.FieldError{Field: "slug", Message: fmt.Sprintf("The address %q is taken. Choose another.", c.Slug)}
		}
		return nil, err
	}
	if err := s.authz.Grant(ctx, actorID, model.RoleHost, c.Slug); err != nil {
		return nil, fmt.Errorf("chat: make creator host: %w", err)
	}
	if err := store.AddMember(ctx, s.db, c.ID, actorID); err != nil {
		return nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "channel.create", TargetType: "channel", TargetID: c.ID, ChannelID: c.ID, After: store.JSON(c)})
	return c, nil
}

// UpdateChannel changes a channel's title, description or settings; the slug
// stays (links and policies name it).
func (s *Service) UpdateChannel(ctx context.Context, actorID int64, slug string, in ChannelInput) (*model.Channel, error) {
	c, err := store.ChannelBySlug(ctx, s.db, slug)
	if err != nil {
		return nil, err
	}
	before := store.JSON(c)
	if in.Slug != nil && *in.Slug != c.Slug {
		return nil, model.Invalid("slug", "A channel's address cannot change.")
	}
	if err := in.apply(c); err != nil {
		return nil, err
	}
	var seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.UpdateChannel(ctx, tx, c); err != nil {
			return err
		}
		seq, err = store.AddEvent(ctx, tx, c.ID, model.EventChannelUpdated, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Publish(ctx, c.ID, seq)
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "channel.update", TargetType: "channel", TargetID: c.ID, ChannelID: c.ID, Before: before, After: store.JSON(c)})
	return store.ChannelByID(ctx, s.db, c.ID)
}

// Channel loads a channel by slug.
func (s *Service) Channel(ctx context.Context, slug string) (*model.Channel, error) {
	return store.ChannelBySlug(ctx, s.db, slug)
}

// ChannelByID loads a channel by id.
func (s *Service) ChannelByID(ctx context.Context, id int64) (*model.Channel, error) {
	return store.ChannelByID(ctx, s.db, id)
}

// AllChannels lists every channel by title, for admins.
func (s *Service) AllChannels(ctx context.Context) ([]model.Channel, error) {
	return store.ListChannels(ctx, s.db)
}

// ChannelSummary is a channel in a list, with whether a session is live.
type ChannelSummary struct {
	model.Channel
	Live bool `json:"live"`
}

// Channels lists the channels a user can see (all of them for staff of the
// site; public ones and those they belong to otherwise).
func (s *Service) Channels(ctx context.Context, userID int64) ([]ChannelSummary, error) {
	return s.ChannelsWhere(ctx, func(c *model.Channel) (bool, error) { return s.listable(ctx, c, userID) })
}

// ChannelsWhere lists the channels keep lets through, by title, with
// whether a session is live in each.
func (s *Service) ChannelsWhere(ctx context.Context, keep func(*model.Channel) (bool, error)) ([]ChannelSummary, error) {
	cs, err := store.ListChannels(ctx, s.db)
	if err != nil {
		return nil, err
	}
	live, err := store.LiveChannelIDs(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := make([]ChannelSummary, 0, len(cs))
	for _, c := range cs {
		ok, err := keep(&c)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ChannelSummary{Channel: c, Live: live[c.ID]})
		}
	}
	return out, nil
}

func (s *Service) listable(ctx context.Context, c *model.Channel, userID int64) (bool, error) {
	if c.Visibility == model.VisibilityPublic {
		return true, nil
	}
	if ok, err := s.authz.Can(ctx, userID, c.Slug, policies.ChannelManage); err != nil || ok {
		return ok, err
	}
	if ok, err := s.authz.Can(ctx, userID, c.Slug, policies.MessageModerate); err != nil || ok {
		return ok, err
	}
	return store.IsMember(ctx, s.db, c.ID, userID)
}

// CanView reports whether v may read ch (and so open its stream). A person
// banned from the channel (or site-wide) may not.
func (s *Service) CanView(ctx context.Context, ch *model.Channel, v Viewer) (bool, error) {
	if !v.Staff && !v.Host && !v.Actor.IsZero() {
		st, err := s.sanctions(ctx, ch, v)
		if err != nil || st.banned {
			return false, err
		}
	}
	switch {
	case v.Staff || v.Host:
		return true, nil
	case v.Actor.GuestID != 0:
		// Guests cannot join a members-only channel, nor stay in one that
		// was made members-only after they joined.
		return ch.AllowGuests && ch.Visibility != model.VisibilityMembers, nil
	case v.Actor.UserID == 0:
		return false, nil
	case ch.Visibility == model.VisibilityPublic:
		return true, nil
	}
	return s.member(ctx, ch, v)
}

// member reports whether v's account is a member of ch (once per viewer).
func (s *Service) member(ctx context.Context, ch *model.Channel, v Viewer) (bool, error) {
	if v.known != nil && v.known.member != nil {
		return *v.known.member, nil
	}
	ok, err := store.IsMember(ctx, s.db, ch.ID, v.Actor.UserID)
	if err != nil {
		return false, err
	}
	if v.known != nil {
		v.known.member = &ok
	}
	return ok, nil
}

// Join makes a signed-in user (at address ip) a member of ch, checking the join code where
// the channel asks for one. Members-only channels cannot be joined this way.
func (s *Service) Join(ctx context.Context, ch *model.Channel, v Viewer, code, ip string) error {
	if v.Actor.UserID == 0 {
		return model.ErrUnauthorized
	}
	if !v.Staff && !v.Host {
		switch ch.Visibility {
		case model.VisibilityMembers:
			return model.Refuse(model.ErrForbidden, "members_only", "This channel is for its members only. Ask a host to add you.")
		case model.VisibilityJoinCode:
			if err := s.checkJoinCode(ctx, ch, code, ip, "user:"+strconv.FormatInt(v.Actor.UserID, 10)); err != nil {
				return err
			}
		}
	}
	if err := store.AddMember(ctx, s.db, ch.ID, v.Actor.UserID); err != nil {
		return err
	}
	if v.known != nil {
		yes := true
		v.known.member = &yes
	}
	return nil
}

// JoinAsGuest lets someone without an account into ch under a display name
// and returns the secret for their cookie.
func (s *Service) JoinAsGuest(ctx context.Context, ch *model.Channel, name, code, ip string) (string, *model.Guest, error) {
	if !ch.AllowGuests || ch.Visibility == model.VisibilityMembers {
		return "", nil, model.Refuse(model.ErrForbidden, "guests_not_allowed", "This channel does not take guests. Sign in to join.")
	}
	if ch.Visibility == model.VisibilityJoinCode {
		if err := s.checkJoinCode(ctx, ch, code, ip); err != nil {
			return "", nil, err
		}
	}
	name = model.CleanLine(name)
	switch {
	case name == "":
		return "", nil, model.Invalid("name", "Enter the name others will see.")
	case utf8.RuneCountInString(name) > 40:
		return "", nil, model.Invalid("name", "Keep your name to 40 characters.")
	case strings.ContainsAny(name, "<>"):
		return "", nil, model.Invalid("name", "Your name cannot contain < or >.")
	}
	// Not a reserved name, nor the name of the site's or this channel's staff.
	staff, err := accounts.StaffNames(ctx, s.db, s.authz, model.SiteWide, ch.Slug)
	if err != nil {
		return "", nil, err
	}
	if err := accounts.CheckName("name", name, staff); err != nil {
		return "", nil, err
	}
	token := newSecret()
	g := &model.Guest{ChannelID: ch.ID, DisplayName: name, TokenHash: hashSecret(token)}
	if err := store.CreateGuest(ctx, s.db, g); err != nil {
		return "", nil, err
	}
	return token, g, nil
}

// GuestByToken finds the guest of ch holding token.
func (s *Service) GuestByToken(ctx context.Context, ch *model.Channel, token string) (*model.Guest, error) {
	if token == "" {
		return nil, model.ErrNotFound
	}
	return store.GuestByToken(ctx, s.db, hashSecret(token), ch.ID)
}

func sameCode(a, b string) bool {
	return b != "" && strings.EqualFold(strings.TrimSpace(a), b)
}
