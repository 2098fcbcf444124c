package live

import (
	"net"
	"sync"
	"time"
)

// StreamLimits caps the event streams open at once on one instance. A
// stream over a cap is refused (429 with Retry-After), so that one person
// or one address cannot hold an unbounded number of connections, goroutines
// and socket buffers.
type StreamLimits struct {
	// PerPerson is the most streams one account (or one channel guest)
	// holds open: a person with a few tabs and an app. Default 16.
	PerPerson int
	// PerAddress is the most streams from one client address: high
	// enough for a classroom behind one NAT. Default 256.
	PerAddress int
	// CountLoopback applies PerAddress to loopback addresses too. By
	// default they are not capped: they are a reverse proxy on the same
	// host when BACKCHANNEL_TRUST_PROXY is off (its whole audience would
	// share one cap), or the load tool; PerPerson still holds for them.
	CountLoopback bool
}

// Default stream caps (see StreamLimits).
const (
	DefaultStreamsPerPerson  = 16
	DefaultStreamsPerAddress = 256
	// StreamRetryAfter is what a refused stream is told to wait.
	StreamRetryAfter = 10 * time.Second
)

// withDefaults fills zero fields.
func (l StreamLimits) withDefaults() StreamLimits {
	if l.PerPerson <= 0 {
		l.PerPerson = DefaultStreamsPerPerson
	}
	if l.PerAddress <= 0 {
		l.PerAddress = DefaultStreamsPerAddress
	}
	return l
}

// StreamCounter counts the open streams per person and per address. Safe
// for concurrent use; make one per server.
type StreamCounter struct {
	l StreamLimits

	mu     sync.Mutex
	person map[string]int
	addr   map[string]int
}

// NewStreamCounter returns a counter enforcing l (zero fields: defaults).
func NewStreamCounter(l StreamLimits) *StreamCounter {
	return &StreamCounter{l: l.withDefaults(), person: map[string]int{}, addr: map[string]int{}}
}

// AddressKey is the key addr is counted under: "" (not capped) for a
// loopback address unless the limits count them.
func (c *StreamCounter) AddressKey(addr string) string {
	if ip := net.ParseIP(addr); ip != nil && ip.IsLoopback() && !c.l.CountLoopback {
		return ""
	}
	return addr
}

// Open counts a stream of person ("" for nobody known) from addr ("": an
// address not capped), and
// returns the function that counts it closed (call it once, when the stream
// ends). ok is false, and nothing is counted, when either cap is reached;
// byPerson tells which.
func (c *StreamCounter) Open(person, addr string) (release func(), ok, byPerson bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if person != "" && c.person[person] >= c.l.PerPerson {
		return nil, false, true
	}
	if addr != "" && c.addr[addr] >= c.l.PerAddress {
		return nil, false, false
	}
	if person != "" {
		c.person[person]++
	}
	if addr != "" {
		c.addr[addr]++
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if addr != "" {
				dec(c.addr, addr)
			}
			if person != "" {
				dec(c.person, person)
			}
		})
	}, true, false
}

// Count returns the number of streams counted for person and for addr.
func (c *StreamCounter) Count(person, addr string) (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.person[person], c.addr[addr]
}

func dec(m map[string]int, k string) {
	if m[k] <= 1 {
		delete(m, k)
		return
	}
	m[k]--
}
