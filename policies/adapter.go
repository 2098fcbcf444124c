package policies

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	casbinmodel "github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"
)

// ruleFields is the number of value columns of casbin_rules (v0..v5).
const ruleFields = 6

// insertBatch is how many rules one INSERT writes.
const insertBatch = 500

// casbinRule is one row of casbin_rules.
type casbinRule struct {
	bun.BaseModel `bun:"table:casbin_rules"`

	ID    int64  `bun:"id,pk,autoincrement"`
	Ptype string `bun:"ptype,notnull"`
	V0    string `bun:"v0,notnull"`
	V1    string `bun:"v1,notnull"`
	V2    string `bun:"v2,notnull"`
	V3    string `bun:"v3,notnull"`
	V4    string `bun:"v4,notnull"`
	V5    string `bun:"v5,notnull"`
}

func newRule(ptype string, values []string) (*casbinRule, error) {
	if len(values) > ruleFields {
		return nil, fmt.Errorf("policies: adapter: rule %s %v has more than %d fields", ptype, values, ruleFields)
	}
	var v [ruleFields]string
	copy(v[:], values)
	return &casbinRule{Ptype: ptype, V0: v[0], V1: v[1], V2: v[2], V3: v[3], V4: v[4], V5: v[5]}, nil
}

func (r *casbinRule) values() []string {
	return []string{r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
}

// Adapter stores Casbin rules in the casbin_rules table through bun, on
// SQLite or PostgreSQL. It implements persist.Adapter and persist.BatchAdapter.
//
// Casbin's adapter interface takes no context, so an Adapter runs every query
// with the context it was made with; make one per operation (it is a small
// value) when the context matters.
type Adapter struct {
	ctx context.Context
	db  bun.IDB
}

// NewAdapter returns an Adapter over db (a *bun.DB or a bun.Tx) that runs its
// queries with ctx.
func NewAdapter(ctx context.Context, db bun.IDB) *Adapter {
	return &Adapter{ctx: ctx, db: db}
}

// LoadPolicy loads every rule into m, in insertion order. A row whose ptype m
// does not define is an error: a policy that cannot be read is not enforced.
func (a *Adapter) LoadPolicy(m casbinmodel.Model) error {
	var rows []casbinRule
	if err := a.db.NewSelect().Model(&rows).Order("id").Scan(a.ctx); err != nil {
		return fmt.Errorf("policies: adapter: load: %w", err)
	}
	for i := range rows {
		r := &rows[i]
		if r.Ptype == "" {
			return fmt.Errorf("policies: adapter: load: rule %d has no ptype", r.ID)
		}
		ast, ok := m[r.Ptype[:1]][r.Ptype]
		if !ok {
			return fmt.Errorf("policies: adapter: load: rule %d: ptype %q is not in the model", r.ID, r.Ptype)
		}
		vals := r.values()
		n := len(ast.Tokens)
		if n > len(vals) {
			n = len(vals)
		}
		for i := n; i < len(vals); i++ {
			if vals[i] != "" { // extra values (e.g. conditional role parameters) are kept
				n = i + 1
			}
		}
		line := append([]string{r.Ptype}, vals[:n]...)
		if err := persist.LoadPolicyArray(line, m); err != nil {
			return fmt.Errorf("policies: adapter: load rule %d: %w", r.ID, err)
		}
	}
	return nil
}

// SavePolicy replaces every stored rule by the rules of m, in one transaction.
func (a *Adapter) SavePolicy(m casbinmodel.Model) error {
	var rules []*casbinRule
	for _, sec := range []string{"p", "g"} {
		ptypes := make([]string, 0, len(m[sec]))
		for ptype := range m[sec] {
			ptypes = append(ptypes, ptype)
		}
		sort.Strings(ptypes)
		for _, ptype := range ptypes {
			for _, rule := range m[sec][ptype].Policy {
				r, err := newRule(ptype, rule)
				if err != nil {
					return err
				}
				rules = append(rules, r)
			}
		}
	}
	err := a.db.RunInTx(a.ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*casbinRule)(nil)).Where("1 = 1").Exec(ctx); err != nil {
			return err
		}
		_, err := insertRules(ctx, tx, rules)
		return err
	})
	if err != nil {
		return fmt.Errorf("policies: adapter: save: %w", err)
	}
	return nil
}

// AddPolicy stores one rule; a rule already stored is not an error.
func (a *Adapter) AddPolicy(_ string, ptype string, rule []string) error {
	return a.AddPolicies("", ptype, [][]string{rule})
}

// AddPolicies stores rules; rules already stored are skipped.
func (a *Adapter) AddPolicies(_ string, ptype string, rules [][]string) error {
	rows := make([]*casbinRule, 0, len(rules))
	for _, rule := range rules {
		r, err := newRule(ptype, rule)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	if _, err := insertRules(a.ctx, a.db, rows); err != nil {
		return fmt.Errorf("policies: adapter: add: %w", err)
	}
	return nil
}

// insertRules inserts rows in batches, skipping rows already stored, and
// returns how many were inserted.
func insertRules(ctx context.Context, db bun.IDB, rows []*casbinRule) (int64, error) {
	var total int64
	for start := 0; start < len(rows); start += insertBatch {
		batch := rows[start:min(start+insertBatch, len(rows))]
		res, err := db.NewInsert().Model(&batch).
			ExcludeColumn("id").
			On("CONFLICT DO NOTHING").
			Returning("NULL").
			Exec(ctx)
		if err != nil {
			return total, err
		}
		total += rowsAffected(res)
	}
	return total, nil
}

func rowsAffected(res sql.Result) int64 {
	n, err := res.RowsAffected()
	if err != nil {
		return 0
	}
	return n
}

// RemovePolicy removes one rule; removing a rule not stored is not an error.
func (a *Adapter) RemovePolicy(_ string, ptype string, rule []string) error {
	return a.RemovePolicies("", ptype, [][]string{rule})
}

// RemovePolicies removes rules, in one transaction.
func (a *Adapter) RemovePolicies(_ string, ptype string, rules [][]string) error {
	err := a.db.RunInTx(a.ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, rule := range rules {
			r, err := newRule(ptype, rule)
			if err != nil {
				return err
			}
			q := tx.NewDelete().Model((*casbinRule)(nil)).Where("ptype = ?", ptype)
			for i, v := range r.values() {
				q = q.Where("? = ?", bun.Ident(fmt.Sprintf("v%d", i)), v)
			}
			if _, err := q.Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("policies: adapter: remove: %w", err)
	}
	return nil
}

// RemoveFilteredPolicy removes the rules of ptype whose fields from
// fieldIndex on equal fieldValues; an empty value matches anything.
func (a *Adapter) RemoveFilteredPolicy(_ string, ptype string, fieldIndex int, fieldValues ...string) error {
	if fieldIndex < 0 || fieldIndex+len(fieldValues) > ruleFields {
		return fmt.Errorf("policies: adapter: remove filtered: fields %d..%d out of range", fieldIndex, fieldIndex+len(fieldValues)-1)
	}
	q := a.db.NewDelete().Model((*casbinRule)(nil)).Where("ptype = ?", ptype)
	for i, v := range fieldValues {
		if v != "" {
			q = q.Where("? = ?", bun.Ident(fmt.Sprintf("v%d", fieldIndex+i)), v)
		}
	}
	if _, err := q.Exec(a.ctx); err != nil {
		return fmt.Errorf("policies: adapter: remove filtered: %w", err)
	}
	return nil
}

// countRules returns how many rules of ptype are stored.
func (a *Adapter) countRules(ptype string) (int, error) {
	n, err := a.db.NewSelect().Model((*casbinRule)(nil)).Where("ptype = ?", ptype).Count(a.ctx)
	if err != nil {
		return 0, fmt.Errorf("policies: adapter: count: %w", err)
	}
	return n, nil
}
