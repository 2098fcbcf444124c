package wordfilter

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// pseudoWords returns n distinct deterministic pseudo-words of 4 to 10
// letters, built from English-like syllables.
func pseudoWords(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	onsets := []string{"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
		"br", "cr", "dr", "fl", "gr", "kl", "pr", "sh", "st", "th", "tr", "zw"}
	vowels := []string{"a", "e", "i", "o", "u", "ai", "ea", "oo", "ou", "y"}
	codas := []string{"", "", "", "n", "r", "s", "t", "k", "m", "x", "nd", "rk", "sk"}
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		var b strings.Builder
		for syl := 2 + rng.IntN(2); syl > 0; syl-- {
			b.WriteString(onsets[rng.IntN(len(onsets))])
			b.WriteString(vowels[rng.IntN(len(vowels))])
			b.WriteString(codas[rng.IntN(len(codas))])
		}
		w := b.String()
		if len(w) < 4 || len(w) > 10 || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

func wordRules(words []string, a Action) []Rule {
	rules := make([]Rule, len(words))
	for i, w := range words {
		rules[i] = Rule{ID: int64(i + 1), Scope: ScopeSite, Pattern: w, Kind: KindWord, Action: a, Enabled: true}
	}
	return rules
}

// benchMessage is about 500 bytes of chat with two rule words in it.
func benchMessage(words []string) string {
	msg := "Thanks for the talk! I have a question about the second part: when you said the " +
		"cache is rebuilt every night, does that include the search index too? We tried something " +
		"similar last year at our company and ran into trouble with " + words[17] + " during the " +
		"migration, which took almost 3 hours. Also, could you share the slides afterwards? " +
		"@maria mentioned they would be on the website, but I couldn't find them. The part about " +
		"retries was really useful, especially the " + words[4242] + " example with exponential backoff."
	return msg
}

// BenchmarkCheck10kWords filters a 500-byte message against 10,000 word
// rules on one goroutine, normalisation included, and reports the median
// and 99th percentile of the per-call times.
func BenchmarkCheck10kWords(b *testing.B) {
	words := pseudoWords(10000, 1)
	m, err := Compile(wordRules(words, Block))
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		msg  string
	}{
		{"plain", benchMessage(words)},
		{"evasive", evasive(benchMessage(words))},
		{"clean", strings.Repeat("the quick brown fox jumps over the lazy dog. ", 12)[:500]},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if v := m.Check(tc.msg, Settings{}, nil); tc.name != "clean" && v.Action != Block {
				b.Fatalf("%s: want block, got %+v", tc.name, v)
			}
			b.SetBytes(int64(len(tc.msg)))
			times := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				m.Check(tc.msg, Settings{}, nil)
				times = append(times, time.Since(t0))
			}
			b.StopTimer()
			reportPercentiles(b, times)
		})
	}
}

// evasive rewrites a message the way people dodge filters: leetspeak in
// every fifth word, a zero-width space in every seventh, Cyrillic look-alikes.
func evasive(msg string) string {
	ws := strings.Fields(msg)
	for i, w := range ws {
		switch {
		case i%5 == 0:
			w = strings.NewReplacer("e", "3", "a", "4", "o", "0", "s", "$").Replace(w)
		case i%7 == 0 && len(w) > 2:
			w = w[:1] + "\u200b" + w[1:]
		case i%11 == 0:
			w = strings.NewReplacer("a", "а", "o", "о", "e", "е").Replace(w)
		}
		ws[i] = w
	}
	return strings.Join(ws, " ")
}

func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	pct := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(p*float64(len(times))))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// BenchmarkCompile10kWords compiles 10,000 word rules.
func BenchmarkCompile10kWords(b *testing.B) {
	rules := wordRules(pseudoWords(10000, 1), Block)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Compile(rules); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckMixed adds wildcards, regexes, domain rules and every
// built-in to the 10,000 words, with a message that carries two links.
func BenchmarkCheckMixed(b *testing.B) {
	words := pseudoWords(10000, 1)
	rules := wordRules(words, Block)
	for i, p := range []string{"spam*", "*coin", "fr?e"} {
		rules = append(rules, Rule{ID: int64(20000 + i), Pattern: p, Kind: KindWildcard, Action: Hold, Enabled: true})
	}
	for i, p := range []string{`\bbuy\s+now\b`, `\d{3}-\d{4}`} {
		rules = append(rules, Rule{ID: int64(21000 + i), Pattern: p, Kind: KindRegex, Action: Flag, Enabled: true})
	}
	for i, p := range []string{"evil.example", "spam.test"} {
		rules = append(rules, Rule{ID: int64(22000 + i), Pattern: p, Kind: KindDomain, Action: Block, Enabled: true})
	}
	m, err := Compile(rules)
	if err != nil {
		b.Fatal(err)
	}
	s := Settings{Caps: Caps{Enabled: true}, Mentions: Flood{Enabled: true}, Links: Flood{Enabled: true},
		Repeats: Repeats{Enabled: true}, AllowedDomains: []string{"example.org"}}
	recent := []string{"hello everyone", "is the recording online?", "thanks!"}
	msg := benchMessage(words)[:400] + " see https://docs.example.org/guide and www.other.net/page for details."
	b.Run(fmt.Sprintf("%dB", len(msg)), func(b *testing.B) {
		times := make([]time.Duration, 0, b.N)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			m.Check(msg, s, recent)
			times = append(times, time.Since(t0))
		}
		reportPercentiles(b, times)
	})
}
