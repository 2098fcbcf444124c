package moderation

import (
	"testing"
	"time"
)

func TestDbgBuild(t *testing.T) {
	words := pseudoWords(10000, 1)
	msg := benchMessage(words)
	var sc scratch
	sc.base = sc.norm.appendText(nil, msg)
	_, _, joined := joinRuns(sc.base, nil, nil)
	t.Log("joined", joined, len(sc.base))
	st := time.Now()
	for i := 0; i < 10000; i++ {
		sc.p.build(sc.base, nil, nil, false)
	}
	t.Log("build R", time.Since(st)/10000)
	st = time.Now()
	for i := 0; i < 10000; i++ {
		sc.base = sc.norm.appendText(sc.base[:0], msg)
	}
	t.Log("norm", time.Since(st)/10000)
	m, _ := Compile(wordRules(words, Block))
	st = time.Now()
	for i := 0; i < 10000; i++ {
		sc.found = sc.found[:0]
		m.scan(&sc, &sc.p, "")
	}
	t.Log("scan", time.Since(st)/10000, len(sc.p.skel))
}

func BenchmarkDbgBuild(b *testing.B) {
	words := pseudoWords(10000, 1)
	msg := benchMessage(words)
	var sc scratch
	sc.base = sc.norm.appendText(nil, msg)
	for i := 0; i < b.N; i++ {
		sc.p.build(sc.base, nil, nil, false)
	}
}

func TestDbgPlainSame(t *testing.T) {
	words := pseudoWords(10000, 1)
	for _, msg := range []string{benchMessage(words), evasive(benchMessage(words)), "h3ll0 w0rld 1488 a1b2 ﬁ 哈哈哈 ab日本語cd x²", "l1l gg6 9 6g"} {
		var a, b pass
		base := (&normalizer{}).appendText(nil, msg)
		a.build(base, nil, nil, false)
		b.buildPlain(base)
		if string(a.skel) != string(b.skel) || len(a.ents) != len(b.ents) || a.ascii != b.ascii {
			t.Fatalf("%q:\n%q\n%q", msg, a.skel, b.skel)
		}
		for i := range a.ents {
			if a.ents[i] != b.ents[i] {
				t.Fatalf("%q: entry %d: %v %v", msg, i, a.ents[i], b.ents[i])
			}
		}
		for i := range a.skel {
			if a.entryAt(i) != b.entryAt(i) {
				t.Fatalf("entryAt %d", i)
			}
		}
	}
}

