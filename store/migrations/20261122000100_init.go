package migrations

func m20261122000100() change {
	return change{
		name:    "20261122000100",
		comment: "accounts, sign-in sessions, channels, class sessions, memberships, audit log, policies",
		up: `
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at {{TS}} NOT NULL
)
--split
CREATE TABLE users (
	id {{ID}},
	email TEXT NOT NULL,
	display_name TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	must_reset_password {{BOOL}} NOT NULL DEFAULT FALSE,
	disabled_at {{TS}},
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
)
--split
CREATE UNIQUE INDEX users_email_key ON users (email)
--split
-- Sign-in sessions of accounts (model.SignIn), not class sessions: those
-- are channel_sessions.
CREATE TABLE sessions (
	id {{ID}},
	token_hash TEXT NOT NULL,
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at {{TS}} NOT NULL,
	last_seen_at {{TS}} NOT NULL,
	expires_at {{TS}} NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
)
--split
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash)
--split
CREATE INDEX sessions_user_id_idx ON sessions (user_id)
--split
CREATE TABLE api_tokens (
	id {{ID}},
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	last_used_at {{TS}},
	revoked_at {{TS}}
)
--split
CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash)
--split
CREATE TABLE login_attempts (
	id {{ID}},
	email TEXT NOT NULL,
	ip TEXT NOT NULL,
	succeeded {{BOOL}} NOT NULL,
	created_at {{TS}} NOT NULL
)
--split
CREATE INDEX login_attempts_email_idx ON login_attempts (email, created_at)
--split
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, created_at)
--split
CREATE TABLE invitations (
	id {{ID}},
	token_hash TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	created_by BIGINT NOT NULL REFERENCES users (id),
	created_at {{TS}} NOT NULL,
	expires_at {{TS}} NOT NULL,
	used_at {{TS}},
	used_by BIGINT REFERENCES users (id)
)
--split
CREATE UNIQUE INDEX invitations_token_hash_key ON invitations (token_hash)
--split
CREATE TABLE channels (
	id {{ID}},
	slug TEXT NOT NULL,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
)
--split
CREATE UNIQUE INDEX channels_slug_key ON channels (slug)
--split
-- Class sessions (model.ChannelSession): one class meeting or talk in a
-- channel; not sign-in sessions (table sessions).
CREATE TABLE channel_sessions (
	id {{ID}},
	channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	title TEXT NOT NULL DEFAULT '',
	started_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	started_at {{TS}} NOT NULL,
	ended_at {{TS}}
)
--split
CREATE INDEX channel_sessions_channel_idx ON channel_sessions (channel_id, started_at)
--split
CREATE TABLE memberships (
	channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	joined_at {{TS}} NOT NULL,
	PRIMARY KEY (channel_id, user_id)
)
--split
CREATE TABLE audit_entries (
	id {{ID}},
	created_at {{TS}} NOT NULL,
	actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
	action TEXT NOT NULL,
	target_type TEXT NOT NULL,
	target_id TEXT NOT NULL,
	channel_id BIGINT REFERENCES channels (id) ON DELETE SET NULL,
	before TEXT NOT NULL DEFAULT '',
	after TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT ''
)
--split
CREATE INDEX audit_entries_created_idx ON audit_entries (created_at)
--split
CREATE TABLE casbin_rules (
	id {{ID}},
	ptype TEXT NOT NULL,
	v0 TEXT NOT NULL DEFAULT '',
	v1 TEXT NOT NULL DEFAULT '',
	v2 TEXT NOT NULL DEFAULT '',
	v3 TEXT NOT NULL DEFAULT '',
	v4 TEXT NOT NULL DEFAULT '',
	v5 TEXT NOT NULL DEFAULT ''
)
--split
CREATE UNIQUE INDEX casbin_rules_key ON casbin_rules (ptype, v0, v1, v2, v3, v4, v5)
`,
		down: `
DROP TABLE casbin_rules
--split
DROP TABLE audit_entries
--split
DROP TABLE memberships
--split
DROP TABLE channel_sessions
--split
DROP TABLE channels
--split
DROP TABLE invitations
--split
DROP TABLE login_attempts
--split
DROP TABLE api_tokens
--split
DROP TABLE sessions
--split
DROP TABLE users
--split
DROP TABLE settings
`,
	}
}
