package live

import (
	"net"
	"sync"
	"time"
)

// StreamLimits caps the event streams open at once on one instance, so that
// one person or one address cannot hold an unbounded number of connections,
// goroutines and socket buffers. A person's stream over their cap ends their
// oldest one: it is almost always a page they have left, whose connection
// the server has not yet found closed (that takes a failed write, up to a
// heartbeat away), and every page of the site opens a stream or two. A
// stream over the address cap is refused (429 with Retry-After).
type StreamLimits struct {
	// PerPerson is the most streams one account (or one channel guest)
	// holds open: a person with a few tabs and an app; a new one beyond it
	// ends their oldest. Default 16.
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
	person map[string][]*counted // a person's streams, oldest first
	addr   map[string]int
}

// counted is one open stream of a person.
type counted struct {
	end  func() // ends the stream (its release still follows)
	gone bool   // no longer counted: released, or ended to make room
}

// NewStreamCounter returns a counter enforcing l (zero fields: defaults).
func NewStreamCounter(l StreamLimits) *StreamCounter {
	return &StreamCounter{l: l.withDefaults(), person: map[string][]*counted{}, addr: map[string]int{}}
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
// address not capped); end must end that stream. It returns the function
// that counts it closed (call it when the stream ends; later calls do
// nothing). At the person's cap their oldest stream is ended and no longer
// counted, to make room. ok is false, and nothing is counted, when the
// address's cap is reached.
func (c *StreamCounter) Open(person, addr string, end func()) (release func(), ok bool) {
	c.mu.Lock()
	if addr != "" && c.addr[addr] >= c.l.PerAddress {
		c.mu.Unlock()
		return nil, false
	}
	var evicted []*counted
	me := &counted{end: end}
	if person != "" {
		open := c.person[person]
		for len(open) >= c.l.PerPerson {
			open[0].gone = true
			evicted = append(evicted, open[0])
			open = open[1:]
		}
		c.person[person] = append(open, me)
	}
	if addr != "" {
		c.addr[addr]++
	}
	c.mu.Unlock()
	for _, e := range evicted {
		e.end()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if addr != "" {
				dec(c.addr, addr)
			}
			if person != "" && !me.gone {
				me.gone = true
				c.forget(person, me)
			}
		})
	}, true
}

// forget removes one of person's streams; c.mu is held.
func (c *StreamCounter) forget(person string, me *counted) {
	open := c.person[person]
	for i, o := range open {
		if o == me {
			open = append(open[:i:i], open[i+1:]...)
			break
		}
	}
	if len(open) == 0 {
		delete(c.person, person)
		return
	}
	c.person[person] = open
}

// Count returns the number of streams counted for person and for addr.
func (c *StreamCounter) Count(person, addr string) (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.person[person]), c.addr[addr]
}

func dec(m map[string]int, k string) {
	if m[k] <= 1 {
		delete(m, k)
		return
	}
	m[k]--
}
