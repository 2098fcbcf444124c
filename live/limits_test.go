package live_test

import (
	"testing"

	"backchannel/live"
)

// The counter refuses a person's or an address's stream over its cap, says
// which, and a released stream frees its place (once, however often the
// release is called).
func TestStreamCounter(t *testing.T) {
	c := live.NewStreamCounter(live.StreamLimits{PerPerson: 2, PerAddress: 3})
	r1, ok, _ := c.Open("u1", "10.0.0.1")
	_, ok2, _ := c.Open("u1", "10.0.0.1")
	if !ok || !ok2 {
		t.Fatal("streams under the caps refused")
	}
	if _, ok, byPerson := c.Open("u1", "10.0.0.2"); ok || !byPerson {
		t.Fatalf("a person's third stream: ok %v, by person %v", ok, byPerson)
	}
	if _, ok, _ := c.Open("u2", "10.0.0.1"); !ok {
		t.Fatal("another person's stream refused")
	}
	if _, ok, byPerson := c.Open("", "10.0.0.1"); ok || byPerson {
		t.Fatalf("an address's fourth stream: ok %v, by person %v", ok, byPerson)
	}
	r1()
	r1()
	if p, a := c.Count("u1", "10.0.0.1"); p != 1 || a != 2 {
		t.Fatalf("after one release: person %d, address %d; want 1 and 2", p, a)
	}
	if _, ok, _ := c.Open("u1", "10.0.0.1"); !ok {
		t.Fatal("a released place is not free")
	}
	if c.AddressKey("127.0.0.1") != "" || c.AddressKey("::1") != "" || c.AddressKey("10.0.0.1") != "10.0.0.1" {
		t.Error("loopback addresses are capped by default, or others are not")
	}
	for range 5 {
		if _, ok, _ := c.Open("", ""); !ok {
			t.Fatal("an uncapped address was refused")
		}
	}
	if k := live.NewStreamCounter(live.StreamLimits{CountLoopback: true}).AddressKey("127.0.0.1"); k != "127.0.0.1" {
		t.Errorf("CountLoopback: key %q", k)
	}
}
