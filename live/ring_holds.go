package live

// Holds reports whether the ring's copy of a channel covers what comes
// after seq after: it has been started and after is not older than its
// oldest entry. A stream asking for older entries is better served by a
// read of its own (the inbox streams read one person's events from the
// database rather than the whole log); After still answers either way.
func (r *Ring[T]) Holds(channelID, after int64) bool {
	r.mu.Lock()
	c := r.chans[channelID]
	r.mu.Unlock()
	if c == nil {
		return false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.init && after >= c.base
}
