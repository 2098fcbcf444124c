package moderation

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestEngineSwapUnderLoad checks messages on several goroutines while the
// rules are swapped: every verdict comes from one whole rule set (the
// generation's word and its marker rule match together, or neither), and
// the race detector sees no data race.
func TestEngineSwapUnderLoad(t *testing.T) {
	gen := func(n int) []Rule {
		return []Rule{
			{ID: int64(n*10 + 1), Scope: ScopeSite, Pattern: fmt.Sprintf("word%c", 'a'+n%26), Kind: KindWord, Action: Block, Enabled: true},
			{ID: int64(n*10 + 2), Scope: ScopeSite, Pattern: "marker", Kind: KindWord, Action: Flag, Enabled: true},
			{ID: int64(n*10 + 3), Scope: ScopeSite, Pattern: "x*y", Kind: KindWildcard, Action: Flag, Enabled: true},
		}
	}
	e, err := NewEngine(gen(0))
	if err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var checks atomic.Int64
	errs := make(chan error, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				m := e.Matcher()
				text := fmt.Sprintf("marker word%c xzzy", 'a'+i%26)
				v := m.Check(text, Settings{Caps: Caps{Enabled: true}}, nil)
				checks.Add(1)
				// The marker rule of the loaded generation must match; the
				// word matches only when the generation is the word's.
				ids := ruleIDs(v)
				if len(ids) < 2 {
					errs <- fmt.Errorf("Check(%q) = %v", text, ids)
					return
				}
				gen := ids[0] / 10
				for _, id := range ids {
					if id/10 != gen {
						errs <- fmt.Errorf("Check(%q) mixed rule sets: %v", text, ids)
						return
					}
				}
			}
		}()
	}
	for n := 1; n < 200; n++ {
		if err := e.Swap(gen(n)); err != nil {
			t.Fatal(err)
		}
	}
	// A bad rule set does not replace the one in use.
	before := e.Matcher()
	if err := e.Swap([]Rule{{ID: 1, Pattern: "(", Kind: KindRegex, Action: Block, Enabled: true}}); err == nil {
		t.Error("Swap with a bad regex: no error")
	}
	if e.Matcher() != before {
		t.Error("a failed Swap replaced the matcher")
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if checks.Load() == 0 {
		t.Error("no checks ran")
	}
}
