package policies_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	casbinmodel "github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/testenv"
)

const testModel = `
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, dom, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act
`

// storedRules returns every stored rule as "ptype, v0, ..." lines without
// trailing empty fields, sorted.
func storedRules(t *testing.T, db bun.IDB) []string {
	t.Helper()
	m, err := casbinmodel.NewModelFromString(testModel)
	if err != nil {
		t.Fatal(err)
	}
	if err := policies.NewAdapter(context.Background(), db).LoadPolicy(m); err != nil {
		t.Fatalf("LoadPolicy: %v", err)
	}
	var lines []string
	for _, sec := range []string{"p", "g"} {
		rules, err := m.GetPolicy(sec, sec)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules {
			lines = append(lines, sec+", "+joinRule(r))
		}
	}
	slices.Sort(lines)
	return lines
}

func joinRule(r []string) string {
	s := ""
	for i, v := range r {
		if i > 0 {
			s += ", "
		}
		s += v
	}
	return s
}

func countRows(t *testing.T, db bun.IDB, ptype string) int {
	t.Helper()
	q := db.NewSelect().Table("casbin_rules")
	if ptype != "" {
		q = q.Where("ptype = ?", ptype)
	}
	n, err := q.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAdapter(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		var ad persist.BatchAdapter = policies.NewAdapter(ctx, db)

		steps := []struct {
			name string
			do   func() error
			want []string
		}{
			{"add", func() error { return ad.AddPolicy("p", "p", []string{"alice", "d1", "data", "read"}) },
				[]string{"p, alice, d1, data, read"}},
			{"add existing is no error", func() error { return ad.AddPolicy("p", "p", []string{"alice", "d1", "data", "read"}) },
				[]string{"p, alice, d1, data, read"}},
			{"add many, some existing", func() error {
				return ad.AddPolicies("g", "g", [][]string{
					{"u1", "r1", "d1"}, {"u1", "r2", "d1"}, {"u1", "r1", "d2"}, {"u2", "r1", "d1"}, {"u1", "r1", "d1"},
				})
			}, []string{"g, u1, r1, d1", "g, u1, r1, d2", "g, u1, r2, d1", "g, u2, r1, d1", "p, alice, d1, data, read"}},
			{"remove", func() error { return ad.RemovePolicy("g", "g", []string{"u1", "r2", "d1"}) },
				[]string{"g, u1, r1, d1", "g, u1, r1, d2", "g, u2, r1, d1", "p, alice, d1, data, read"}},
			{"remove missing is no error", func() error { return ad.RemovePolicy("g", "g", []string{"u9", "r9", "d9"}) },
				[]string{"g, u1, r1, d1", "g, u1, r1, d2", "g, u2, r1, d1", "p, alice, d1, data, read"}},
			{"remove filtered, one field", func() error { return ad.RemoveFilteredPolicy("g", "g", 0, "u1") },
				[]string{"g, u2, r1, d1", "p, alice, d1, data, read"}},
			{"add more", func() error {
				return ad.AddPolicies("g", "g", [][]string{{"u3", "r1", "d1"}, {"u3", "r2", "d1"}, {"u3", "r1", "d2"}})
			}, []string{"g, u2, r1, d1", "g, u3, r1, d1", "g, u3, r1, d2", "g, u3, r2, d1", "p, alice, d1, data, read"}},
			{"remove filtered, empty matches any", func() error { return ad.RemoveFilteredPolicy("g", "g", 1, "r1", "d1") },
				[]string{"g, u3, r1, d2", "g, u3, r2, d1", "p, alice, d1, data, read"}},
			{"remove filtered, skipping a field", func() error { return ad.RemoveFilteredPolicy("g", "g", 0, "u3", "", "d2") },
				[]string{"g, u3, r2, d1", "p, alice, d1, data, read"}},
			{"remove filtered, other ptype untouched", func() error { return ad.RemoveFilteredPolicy("p", "p", 1, "d2") },
				[]string{"g, u3, r2, d1", "p, alice, d1, data, read"}},
			{"remove many", func() error {
				return ad.RemovePolicies("g", "g", [][]string{{"u3", "r2", "d1"}, {"u9", "r9", "d9"}})
			}, []string{"p, alice, d1, data, read"}},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got := storedRules(t, db); !slices.Equal(got, s.want) {
				t.Fatalf("%s: stored %q, want %q", s.name, got, s.want)
			}
		}
		if err := ad.RemoveFilteredPolicy("g", "g", 5, "a", "b"); err == nil {
			t.Errorf("RemoveFilteredPolicy past v5: no error")
		}
		if err := ad.AddPolicy("p", "p", []string{"1", "2", "3", "4", "5", "6", "7"}); err == nil {
			t.Errorf("AddPolicy with 7 fields: no error")
		}
	})
}

func TestAdapterSavePolicy(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ad := policies.NewAdapter(ctx, db)
		if err := ad.AddPolicies("p", "p", [][]string{{"old", "d", "o", "a"}, {"alice", "d1", "data", "read"}}); err != nil {
			t.Fatal(err)
		}
		m, err := casbinmodel.NewModelFromString(testModel)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range [][]string{{"p", "alice", "d1", "data", "read"}, {"p", "bob", "d2", "data", "write"}, {"g", "carol", "alice", "d1"}} {
			if err := persist.LoadPolicyArray(r, m); err != nil {
				t.Fatal(err)
			}
		}
		if err := ad.SavePolicy(m); err != nil {
			t.Fatalf("SavePolicy: %v", err)
		}
		want := []string{"g, carol, alice, d1", "p, alice, d1, data, read", "p, bob, d2, data, write"}
		if got := storedRules(t, db); !slices.Equal(got, want) {
			t.Fatalf("after SavePolicy: %q, want %q", got, want)
		}

		// A failing save changes nothing: a rule too long for the table.
		if err := persist.LoadPolicyArray([]string{"p", "x", "d", "o", "a"}, m); err != nil {
			t.Fatal(err)
		}
		m["p"]["p"].Policy = append(m["p"]["p"].Policy, []string{"1", "2", "3", "4", "5", "6", "7"})
		if err := ad.SavePolicy(m); err == nil {
			t.Fatalf("SavePolicy with a 7-field rule: no error")
		}
		if got := storedRules(t, db); !slices.Equal(got, want) {
			t.Fatalf("after failed SavePolicy: %q, want %q", got, want)
		}
	})
}

func TestAdapterLoadUnknownPtype(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		if err := policies.NewAdapter(ctx, db).AddPolicy("g", "g2", []string{"a", "b"}); err != nil {
			t.Fatal(err)
		}
		m, err := casbinmodel.NewModelFromString(testModel)
		if err != nil {
			t.Fatal(err)
		}
		if err := policies.NewAdapter(ctx, db).LoadPolicy(m); err == nil {
			t.Errorf("LoadPolicy with a g2 row and no g2 in the model: no error")
		}
	})
}

func TestSeedIdempotent(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		// Two instances starting at once, then a third later.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = policies.New(ctx, db, nil)
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("New: %v", err)
			}
		}
		p, g := countRows(t, db, "p"), countRows(t, db, "g")
		if p != 24 || g != 4 {
			t.Fatalf("after seeding: %d p and %d g rules, want 24 and 4", p, g)
		}
		before := storedRules(t, db)
		a := newAuthorizer(t, db)
		if got := storedRules(t, db); !slices.Equal(got, before) {
			t.Fatalf("New again changed the rules:\n%q\nwant\n%q", got, before)
		}

		// A default line missing from the database is stored again at the
		// next start (a new release's defaults reach existing databases).
		if err := policies.NewAdapter(ctx, db).RemovePolicy("p", "p", []string{"role:participant", "*", "message", "post"}); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, "p"); n != 23 {
			t.Fatalf("after removing a p rule: %d p rules, want 23", n)
		}
		newAuthorizer(t, db)
		if n := countRows(t, db, "p"); n != 24 {
			t.Errorf("New after removing a p rule: %d p rules, want 24", n)
		}
		if err := a.Grant(ctx, 1, model.RoleParticipant, "*"); err != nil {
			t.Fatal(err)
		}
		if ok, err := a.Can(ctx, 1, "*", policies.MessagePost); err != nil || !ok {
			t.Errorf("Can(MessagePost) after its rule was restored = %v, %v; want true", ok, err)
		}
	})
}
