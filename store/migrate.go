package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"backchannel/store/migrations"
)

// migrationLockKey is the PostgreSQL advisory lock that keeps two instances
// starting at once from migrating together.
const migrationLockKey = 0x6263_6d69 // "bcmi"

// Migrator runs Backchannel's embedded migrations on db.
type Migrator struct {
	db *bun.DB
	m  *migrate.Migrator
}

// NewMigrator returns a Migrator for db.
func NewMigrator(db *bun.DB) *Migrator {
	return &Migrator{db: db, m: migrate.NewMigrator(db, migrations.New(), migrate.WithMarkAppliedOnSuccess(true))}
}

// locked runs fn while holding the cross-instance migration lock.
func (m *Migrator) locked(ctx context.Context, fn func() error) error {
	if err := m.m.Init(ctx); err != nil {
		return fmt.Errorf("store: init migrations: %w", err)
	}
	if !IsPostgres(m.db) {
		return fn()
	}
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLockKey); err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLockKey) //nolint:errcheck // the lock also ends with the connection
	return fn()
}

// Up applies every migration not yet applied and returns their names.
func (m *Migrator) Up(ctx context.Context) ([]string, error) {
	var names []string
	err := m.locked(ctx, func() error {
		g, err := m.m.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("store: migrate up: %w", err)
		}
		for _, x := range g.Migrations {
			names = append(names, x.Name)
		}
		return nil
	})
	return names, err
}

// Down rolls back the last group of migrations applied together.
func (m *Migrator) Down(ctx context.Context) ([]string, error) {
	var names []string
	err := m.locked(ctx, func() error {
		g, err := m.m.Rollback(ctx)
		if err != nil {
			return fmt.Errorf("store: migrate down: %w", err)
		}
		for _, x := range g.Migrations {
			names = append(names, x.Name)
		}
		return nil
	})
	return names, err
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Name    string
	Comment string
	Applied bool
}

// Status lists every migration with whether it is applied.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	if err := m.m.Init(ctx); err != nil {
		return nil, fmt.Errorf("store: init migrations: %w", err)
	}
	ms, err := m.m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(ms))
	for _, x := range ms {
		out = append(out, MigrationStatus{Name: x.Name, Comment: x.Comment, Applied: x.IsApplied()})
	}
	return out, nil
}

// Pending reports how many migrations are not applied yet.
func (m *Migrator) Pending(ctx context.Context) (int, error) {
	st, err := m.Status(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range st {
		if !s.Applied {
			n++
		}
	}
	return n, nil
}

// Ping checks that the database answers.
func (m *Migrator) Ping(ctx context.Context) error { return Ping(ctx, m.db) }

// Dialect names the database: "sqlite" or "pg".
func (m *Migrator) Dialect() string { return m.db.Dialect().Name().String() }
