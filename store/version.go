package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// BumpVersion stores a new, unique value in the version setting key, so that
// every instance that compiled data from the old value knows to reload.
func BumpVersion(ctx context.Context, db bun.IDB, key string, t time.Time) error {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	v := strconv.FormatInt(t.UnixNano(), 36) + "-" + hex.EncodeToString(b)
	if err := SetSetting(ctx, db, key, v); err != nil {
		return fmt.Errorf("store: bump %s: %w", key, err)
	}
	return nil
}

// VersionPoll limits how often an instance asks the database whether a
// version setting changed: at most once per Interval, by one goroutine at a
// time. The zero value asks every time, by the real clock.
type VersionPoll struct {
	Interval time.Duration    // how often at most to ask
	Now      func() time.Time // the clock; nil: time.Now

	checked atomic.Int64 // UnixNano of the last check; 0: check now
}

// PollOption configures a VersionPoll (the filters and the policy engine
// take them).
type PollOption func(*VersionPoll)

// PollEvery makes the poll ask at most once per d.
func PollEvery(d time.Duration) PollOption { return func(p *VersionPoll) { p.Interval = d } }

// PollClock makes the poll read the time from now (for tests).
func PollClock(now func() time.Time) PollOption { return func(p *VersionPoll) { p.Now = now } }

// Time is the poll's clock.
func (p *VersionPoll) Time() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

// Changed asks, when it is due, whether the version stored under key is no
// longer current. A failed ask is asked again next time.
func (p *VersionPoll) Changed(ctx context.Context, db bun.IDB, key, current string) (bool, error) {
	stamp, due := p.Due(p.Time(), p.Interval)
	if !due {
		return false, nil
	}
	v, err := Setting(ctx, db, key, "")
	if err != nil {
		p.Retry(stamp)
		return false, fmt.Errorf("store: check %s: %w", key, err)
	}
	return v != current, nil
}

// Due reports whether it is time to ask, and if so claims the ask; the
// returned stamp goes to Retry when the ask fails.
func (p *VersionPoll) Due(now time.Time, interval time.Duration) (int64, bool) {
	stamp := now.UnixNano()
	last := p.checked.Load()
	if last != 0 && stamp-last < int64(interval) {
		return 0, false
	}
	if !p.checked.CompareAndSwap(last, stamp) {
		return 0, false // another goroutine is asking
	}
	return stamp, true
}

// Retry makes the next Due ask again after a failed ask.
func (p *VersionPoll) Retry(stamp int64) { p.checked.CompareAndSwap(stamp, 0) }

// Loaded records that the data was (re)loaded at t.
func (p *VersionPoll) Loaded(t time.Time) { p.checked.Store(t.UnixNano()) }

// AskNow makes the next Due ask at once.
func (p *VersionPoll) AskNow() { p.checked.Store(0) }
