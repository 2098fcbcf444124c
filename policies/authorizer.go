// Package policies decides who may do what: Casbin RBAC with domains, its
// policy kept in the database (table casbin_rules) through a small bun
// adapter.
//
// Subjects are "user:<id>", roles "role:<name>" (model.Role), domains a
// channel slug or "*" (model.SiteWide). A role granted site-wide holds in
// every channel; a role granted in a channel holds only there. Roles inherit
// (admin ⊇ moderator ⊇ participant, admin ⊇ host ⊇ participant) and each
// Permission ("obj:act") is granted to roles in default_policy.csv, either in
// any domain where the role is held or only where it is held site-wide (see
// model.conf). Everything not granted is denied; Public is always allowed and
// a visitor who is not signed in (user id 0) holds nothing else. Every
// signed-in user is expected to hold participant site-wide (granted when the
// account is made).
//
// New seeds default_policy.csv when the database has no policy line yet; that
// is idempotent (rows are unique, inserts skip existing ones), so instances
// may start together.
//
// Several instances share one database. Every change through an Authorizer
// (Grant, Revoke, RevokeAll) writes the rule and, in the same transaction,
// stores a new random value in the setting "policy_version", then reloads the
// policy. Can, Explain, Roles and Holders compare the stored version with the
// one they loaded at most once every 500 ms (RefreshInterval) and reload the
// whole policy when it differs; so a change made by another instance takes
// effect here within about half a second. Rules written to the table by other
// means take effect only once the version changes.
package policies

import (
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	casbinmodel "github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/util"
	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

//go:embed model.conf
var modelConf string

//go:embed default_policy.csv
var defaultPolicy string

// VersionSetting is the settings key whose value changes with every policy
// change.
const VersionSetting = "policy_version"

// RefreshInterval is how often, at most, an Authorizer asks the database
// whether the policy changed.
const RefreshInterval = 500 * time.Millisecond

const (
	userPrefix = "user:"
	rolePrefix = "role:"
)

// Grant is one role held by a user, site-wide ("*") or in one channel.
type Grant struct {
	Role   model.Role
	Domain string
}

// Authorizer answers permission questions and changes role grants. It is
// safe for concurrent use.
type Authorizer struct {
	db  *bun.DB
	log *slog.Logger

	poll     store.VersionPoll // the stored version, asked every RefreshInterval
	reloadMu sync.Mutex        // one reload at a time

	mu      sync.RWMutex // guards enf and version
	enf     *casbin.Enforcer
	version string
}

// New builds an Authorizer over db, seeding the default policy when the
// database holds no policy line yet, and loads the policy.
// opts change how often it asks whether the policy changed (RefreshInterval)
// and its clock.
func New(ctx context.Context, db *bun.DB, log *slog.Logger, opts ...store.PollOption) (*Authorizer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Authorizer{db: db, log: log}
	a.poll.Interval = RefreshInterval
	for _, o := range opts {
		o(&a.poll)
	}
	if err := a.seed(ctx); err != nil {
		return nil, err
	}
	if err := a.reload(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// seed stores every line of default_policy.csv that is not stored yet, so a
// new release's default rules reach existing databases. Lines are unique and
// inserts skip existing ones, so instances may start together.
func (a *Authorizer) seed(ctx context.Context) error {
	rules, err := parsePolicy(defaultPolicy)
	if err != nil {
		return err
	}
	var added int64
	err = a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		n, err := insertRules(ctx, tx, rules)
		if err != nil {
			return fmt.Errorf("policies: seed: %w", err)
		}
		added = n
		if n == 0 {
			return nil
		}
		return a.bump(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("policies: seed default policy: %w", err)
	}
	if added > 0 {
		a.log.InfoContext(ctx, "policies: stored default policy lines", "rules", added)
	}
	return nil
}

// parsePolicy reads a policy CSV ("ptype, v0, v1, ...", # comments).
func parsePolicy(text string) ([]*casbinRule, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1
	var rules []*casbinRule
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rules, nil
		}
		if err != nil {
			return nil, fmt.Errorf("policies: default policy: %w", err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) < 2 || rec[0] == "" {
			return nil, fmt.Errorf("policies: default policy: bad line %q", strings.Join(rec, ", "))
		}
		rule, err := newRule(rec[0], rec[1:])
		if err != nil {
			return nil, err
		}
		rules = append(rules, rule)
	}
}

// bump stores a new policy version.
func (a *Authorizer) bump(ctx context.Context, db bun.IDB) error {
	if err := store.BumpVersion(ctx, db, VersionSetting, a.poll.Time()); err != nil {
		return fmt.Errorf("policies: %w", err)
	}
	return nil
}

// newEnforcer builds a Casbin enforcer holding the policy stored in db.
func newEnforcer(ctx context.Context, db bun.IDB) (*casbin.Enforcer, error) {
	m, err := casbinmodel.NewModelFromString(modelConf)
	if err != nil {
		return nil, fmt.Errorf("policies: model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, NewAdapter(ctx, db))
	if err != nil {
		return nil, fmt.Errorf("policies: load policy: %w", err)
	}
	// The enforcer is never changed after this (changes go to the database,
	// then a new enforcer is built), so it needs no adapter.
	e.SetAdapter(nil)
	e.EnableAutoSave(false)
	// A grouping line with domain "*" holds in every domain.
	if !e.AddNamedDomainMatchingFunc("g", "KeyMatch", util.KeyMatch) {
		return nil, errors.New("policies: model has no role definition g")
	}
	if err := e.BuildRoleLinks(); err != nil {
		return nil, fmt.Errorf("policies: build role links: %w", err)
	}
	return e, nil
}

// reload loads the stored version and policy and makes them current.
func (a *Authorizer) reload(ctx context.Context) error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	loadedAt := a.poll.Time()
	// Version first: a change committed after this read makes the next check
	// reload again, never miss it.
	v, err := store.Setting(ctx, a.db, VersionSetting, "")
	if err != nil {
		return fmt.Errorf("policies: reload: %w", err)
	}
	e, err := newEnforcer(ctx, a.db)
	if err != nil {
		return err
	}
	a.mu.Lock()
	old := a.version
	a.enf, a.version = e, v
	a.mu.Unlock()
	a.poll.Loaded(loadedAt)
	if old != "" {
		a.log.DebugContext(ctx, "policies: policy reloaded", "version", v, "previous", old)
	}
	return nil
}

// refresh reloads the policy when the stored version changed, asking the
// database at most once per interval.
func (a *Authorizer) refresh(ctx context.Context) error {
	a.mu.RLock()
	current := a.version
	a.mu.RUnlock()
	changed, err := a.poll.Changed(ctx, a.db, VersionSetting, current)
	if err != nil || !changed {
		return err
	}
	return a.reload(ctx)
}

// enforcer returns the current enforcer, refreshed if due.
func (a *Authorizer) enforcer(ctx context.Context) (*casbin.Enforcer, error) {
	if err := a.refresh(ctx); err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.enf, nil
}

// Can reports whether user userID may do p in domain (a channel slug, or ""
// or "*" for site-wide). User 0 (not signed in) may do only Public.
func (a *Authorizer) Can(ctx context.Context, userID int64, domain string, p Permission) (bool, error) {
	ok, _, err := a.Explain(ctx, userID, domain, p)
	return ok, err
}

// GuestRole is the subject of people who joined a channel with a display name
// only, without an account.
const GuestRole = "role:guest"

// CanGuest reports whether a guest may do p in a channel.
func (a *Authorizer) CanGuest(ctx context.Context, domain string, p Permission) (bool, error) {
	if !p.Valid() {
		return false, fmt.Errorf("policies: permission %q: %w", p, model.ErrInvalid)
	}
	if p == Public {
		return true, nil
	}
	domain, err := checkDomain(domain)
	if err != nil {
		return false, err
	}
	enf, err := a.enforcer(ctx)
	if err != nil {
		return false, err
	}
	obj, act := p.split()
	ok, err := enf.Enforce(GuestRole, domain, obj, act)
	if err != nil {
		return false, fmt.Errorf("policies: enforce: %w", err)
	}
	return ok, nil
}

// Explain is Can that also returns the policy line that allowed it
// (sub, dom, obj, act); the line is nil when nothing allowed it, or for Public.
func (a *Authorizer) Explain(ctx context.Context, userID int64, domain string, p Permission) (bool, []string, error) {
	if !p.Valid() {
		return false, nil, fmt.Errorf("policies: permission %q: %w", p, model.ErrInvalid)
	}
	if p == Public {
		return true, nil, nil
	}
	domain, err := checkDomain(domain)
	if err != nil {
		return false, nil, err
	}
	if userID <= 0 {
		return false, nil, nil
	}
	e, err := a.enforcer(ctx)
	if err != nil {
		return false, nil, err
	}
	obj, act := p.split()
	ok, rule, err := e.EnforceEx(subject(userID), domain, obj, act)
	if err != nil {
		return false, nil, fmt.Errorf("policies: enforce %s in %s: %w", p, domain, err)
	}
	if !ok {
		return false, nil, nil
	}
	return true, rule, nil
}

// Grant gives user userID role in domain ("" or "*": site-wide). Granting a
// role already held is not an error.
func (a *Authorizer) Grant(ctx context.Context, userID int64, role model.Role, domain string) error {
	rule, err := grantRule(userID, role, domain)
	if err != nil {
		return fmt.Errorf("policies: grant: %w", err)
	}
	return a.change(ctx, "grant", func(ad *Adapter) error { return ad.AddPolicy("g", "g", rule) })
}

// Revoke takes role in domain from user userID. Revoking a role not held is
// not an error; a role also held site-wide still holds in the channel.
func (a *Authorizer) Revoke(ctx context.Context, userID int64, role model.Role, domain string) error {
	rule, err := grantRule(userID, role, domain)
	if err != nil {
		return fmt.Errorf("policies: revoke: %w", err)
	}
	return a.change(ctx, "revoke", func(ad *Adapter) error { return ad.RemovePolicy("g", "g", rule) })
}

// RevokeAll takes every role, in every domain, from user userID.
func (a *Authorizer) RevokeAll(ctx context.Context, userID int64) error {
	if userID <= 0 {
		return fmt.Errorf("policies: revoke all: user id %d: %w", userID, model.ErrInvalid)
	}
	return a.change(ctx, "revoke all", func(ad *Adapter) error {
		return ad.RemoveFilteredPolicy("g", "g", 0, subject(userID))
	})
}

// change runs write and stores a new policy version in one transaction, then
// reloads the policy.
func (a *Authorizer) change(ctx context.Context, what string, write func(*Adapter) error) error {
	err := a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := write(NewAdapter(ctx, tx)); err != nil {
			return err
		}
		return a.bump(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("policies: %s: %w", what, err)
	}
	return a.reload(ctx)
}

// Roles returns the roles granted to user userID directly (not inherited),
// sorted by domain ("*" first), then role.
func (a *Authorizer) Roles(ctx context.Context, userID int64) ([]Grant, error) {
	if userID <= 0 {
		return nil, nil
	}
	e, err := a.enforcer(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := e.GetFilteredGroupingPolicy(0, subject(userID))
	if err != nil {
		return nil, fmt.Errorf("policies: roles of user %d: %w", userID, err)
	}
	grants := make([]Grant, 0, len(rules))
	for _, r := range rules {
		if len(r) < 3 {
			continue
		}
		role, ok := roleOf(r[1])
		if !ok {
			continue
		}
		grants = append(grants, Grant{Role: role, Domain: r[2]})
	}
	sort.Slice(grants, func(i, j int) bool {
		if grants[i].Domain != grants[j].Domain {
			return grants[i].Domain < grants[j].Domain
		}
		return grants[i].Role < grants[j].Role
	})
	return grants, nil
}

// Holders returns the ids of the users granted role directly in exactly
// domain ("" or "*": site-wide), ascending.
func (a *Authorizer) Holders(ctx context.Context, role model.Role, domain string) ([]int64, error) {
	if !role.Valid() {
		return nil, fmt.Errorf("policies: holders: role %q: %w", role, model.ErrInvalid)
	}
	domain, err := checkDomain(domain)
	if err != nil {
		return nil, err
	}
	e, err := a.enforcer(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := e.GetFilteredGroupingPolicy(1, rolePrefix+string(role), domain)
	if err != nil {
		return nil, fmt.Errorf("policies: holders of %s: %w", role, err)
	}
	ids := make([]int64, 0, len(rules))
	for _, r := range rules {
		s, ok := strings.CutPrefix(r[0], userPrefix)
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

func subject(userID int64) string { return userPrefix + strconv.FormatInt(userID, 10) }

func roleOf(s string) (model.Role, bool) {
	name, ok := strings.CutPrefix(s, rolePrefix)
	r := model.Role(name)
	return r, ok && r.Valid()
}

// grantRule returns the grouping rule that grants role in domain to userID.
func grantRule(userID int64, role model.Role, domain string) ([]string, error) {
	if userID <= 0 {
		return nil, fmt.Errorf("user id %d: %w", userID, model.ErrInvalid)
	}
	if !role.Valid() {
		return nil, fmt.Errorf("role %q: %w", role, model.ErrInvalid)
	}
	domain, err := checkDomain(domain)
	if err != nil {
		return nil, err
	}
	return []string{subject(userID), rolePrefix + string(role), domain}, nil
}

// checkDomain returns domain with "" made "*", or ErrInvalid for a domain
// that could act as a pattern or is not a plain name.
func checkDomain(domain string) (string, error) {
	if domain == "" || domain == model.SiteWide {
		return model.SiteWide, nil
	}
	if len(domain) > 200 || strings.ContainsAny(domain, "*(), \t\r\n") {
		return "", fmt.Errorf("policies: domain %q: %w", domain, model.ErrInvalid)
	}
	return domain, nil
}
