package live_test

import (
	"testing"

	"backchannel/live"
)

// A person's stream over their cap ends their oldest (no longer counted, its
// later release changes nothing for the person); an address's stream over
// its cap is refused; a released stream frees its place (once, however often
// the release is called).
func TestStreamCounter(t *testing.T) {
	c := live.NewStreamCounter(live.StreamLimits{PerPerson: 2, PerAddress: 4})
	ended := map[string]int{}
	end := func(name string) func() { return func() { ended[name]++ } }
	r1, ok := c.Open("u1", "10.0.0.1", end("first"))
	r2, ok2 := c.Open("u1", "10.0.0.1", end("second"))
	if !ok || !ok2 {
		t.Fatal("streams under the caps refused")
	}
	r3, ok := c.Open("u1", "10.0.0.2", end("third"))
	if !ok {
		t.Fatal("a person's third stream refused, want their oldest ended")
	}
	if ended["first"] != 1 || ended["second"] != 0 || ended["third"] != 0 {
		t.Fatalf("ended %v, want only the first stream", ended)
	}
	if p, _ := c.Count("u1", ""); p != 2 {
		t.Fatalf("person counted %d streams, want 2", p)
	}
	r1() // the ended stream's connection closes
	r1()
	if p, a := c.Count("u1", "10.0.0.1"); p != 2 || a != 1 {
		t.Fatalf("after the ended stream's release: person %d, address %d; want 2 and 1", p, a)
	}
	r2()
	if p, _ := c.Count("u1", ""); p != 1 {
		t.Fatalf("after a release: person %d, want 1", p)
	}
	if _, ok := c.Open("u1", "10.0.0.1", end("fourth")); !ok || ended["third"] != 0 {
		t.Fatalf("a released place is not free (ok %v, ended %v)", ok, ended)
	}
	r3()
	for i := range 3 {
		if _, ok := c.Open("", "10.0.0.9", end("anon")); !ok {
			t.Fatalf("address stream %d refused under the cap", i+1)
		}
	}
	if _, ok := c.Open("u2", "10.0.0.9", end("u2")); !ok {
		t.Fatal("the address's fourth stream refused")
	}
	if _, ok := c.Open("u2", "10.0.0.9", end("u2 again")); ok {
		t.Fatal("an address's fifth stream admitted")
	}
	if p, _ := c.Count("u2", ""); p != 1 {
		t.Fatalf("a refused stream was counted for its person: %d", p)
	}
	if c.AddressKey("127.0.0.1") != "" || c.AddressKey("::1") != "" || c.AddressKey("10.0.0.1") != "10.0.0.1" {
		t.Error("loopback addresses are capped by default, or others are not")
	}
	for range 5 {
		if _, ok := c.Open("", "", end("uncapped")); !ok {
			t.Fatal("an uncapped address was refused")
		}
	}
	if k := live.NewStreamCounter(live.StreamLimits{CountLoopback: true}).AddressKey("127.0.0.1"); k != "127.0.0.1" {
		t.Errorf("CountLoopback: key %q", k)
	}
}
