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
// version setting changed: at most once per interval, by one goroutine at a
// time. The zero value asks at once.
type VersionPoll struct {
	checked atomic.Int64 // UnixNano of the last check; 0: check now
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
