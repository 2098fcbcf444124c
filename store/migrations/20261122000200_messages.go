package migrations

func m20261122000200() change {
	return change{
		name:    "20261122000200",
		comment: "channel settings, guests, messages, reactions, votes, channel events, guidelines",
		up: `
ALTER TABLE channels ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
--split
ALTER TABLE channels ADD COLUMN join_code TEXT NOT NULL DEFAULT ''
--split
ALTER TABLE channels ADD COLUMN posting_mode TEXT NOT NULL DEFAULT 'open'
--split
ALTER TABLE channels ADD COLUMN allow_anonymous {{BOOL}} NOT NULL DEFAULT FALSE
--split
ALTER TABLE channels ADD COLUMN allow_guests {{BOOL}} NOT NULL DEFAULT TRUE
--split
ALTER TABLE channels ADD COLUMN slow_mode_seconds INTEGER NOT NULL DEFAULT 0
--split
ALTER TABLE channels ADD COLUMN max_length INTEGER NOT NULL DEFAULT 500
--split
ALTER TABLE channels ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0
--split
CREATE TABLE guests (
	id {{ID}},
	channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	display_name TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	created_at {{TS}} NOT NULL
)
--split
CREATE UNIQUE INDEX guests_token_channel_key ON guests (token_hash, channel_id)
--split
CREATE TABLE messages (
	id {{ID}},
	channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	session_id BIGINT REFERENCES channel_sessions (id) ON DELETE SET NULL,
	seq BIGINT NOT NULL,
	parent_id BIGINT REFERENCES messages (id) ON DELETE CASCADE,
	author_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
	author_guest_id BIGINT REFERENCES guests (id) ON DELETE SET NULL,
	author_name TEXT NOT NULL,
	kind TEXT NOT NULL,
	body TEXT NOT NULL,
	anonymous {{BOOL}} NOT NULL DEFAULT FALSE,
	state TEXT NOT NULL DEFAULT 'visible',
	vote_count INTEGER NOT NULL DEFAULT 0,
	reply_count INTEGER NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	edited_at {{TS}},
	deleted_at {{TS}}
)
--split
CREATE UNIQUE INDEX messages_channel_seq_key ON messages (channel_id, seq)
--split
CREATE INDEX messages_parent_idx ON messages (parent_id)
--split
CREATE INDEX messages_author_user_idx ON messages (author_user_id, channel_id, created_at)
--split
CREATE INDEX messages_author_guest_idx ON messages (author_guest_id, created_at)
--split
CREATE INDEX messages_session_idx ON messages (session_id)
--split
CREATE TABLE reactions (
	message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	actor TEXT NOT NULL,
	emoji TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	PRIMARY KEY (message_id, actor, emoji)
)
--split
CREATE TABLE votes (
	message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	actor TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	PRIMARY KEY (message_id, actor)
)
--split
CREATE TABLE channel_events (
	channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	seq BIGINT NOT NULL,
	kind TEXT NOT NULL,
	message_id BIGINT REFERENCES messages (id) ON DELETE SET NULL,
	created_at {{TS}} NOT NULL,
	PRIMARY KEY (channel_id, seq)
)
--split
CREATE TABLE guidelines (
	id {{ID}},
	scope TEXT NOT NULL,
	version INTEGER NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at {{TS}} NOT NULL
)
--split
CREATE UNIQUE INDEX guidelines_scope_version_key ON guidelines (scope, version)
--split
CREATE TABLE guideline_acceptances (
	channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	actor TEXT NOT NULL,
	guideline_id BIGINT NOT NULL REFERENCES guidelines (id) ON DELETE CASCADE,
	accepted_at {{TS}} NOT NULL,
	PRIMARY KEY (channel_id, actor, guideline_id)
)
`,
		down: `
DROP TABLE guideline_acceptances
--split
DROP TABLE guidelines
--split
DROP TABLE channel_events
--split
DROP TABLE votes
--split
DROP TABLE reactions
--split
DROP TABLE messages
--split
DROP TABLE guests
--split
ALTER TABLE channels DROP COLUMN last_seq
--split
ALTER TABLE channels DROP COLUMN max_length
--split
ALTER TABLE channels DROP COLUMN slow_mode_seconds
--split
ALTER TABLE channels DROP COLUMN allow_guests
--split
ALTER TABLE channels DROP COLUMN allow_anonymous
--split
ALTER TABLE channels DROP COLUMN posting_mode
--split
ALTER TABLE channels DROP COLUMN join_code
--split
ALTER TABLE channels DROP COLUMN visibility
`,
	}
}
