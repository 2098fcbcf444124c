package migrations

func m20261206020000() change {
	return change{
		name:    "20261206020000",
		comment: "direct messages: handles and bios, follows, blocks, conversations, members, messages, reactions, the per-person event log",
		up: `
ALTER TABLE users ADD COLUMN handle TEXT NOT NULL DEFAULT ''
--split
UPDATE users SET handle = 'user' || id
--split
CREATE UNIQUE INDEX users_handle_key ON users (handle) WHERE handle <> ''
--split
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT ''
--split
ALTER TABLE users ADD COLUMN dm_policy TEXT NOT NULL DEFAULT 'everyone'
--split
CREATE TABLE follows (
	follower_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	followee_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at {{TS}} NOT NULL,
	PRIMARY KEY (follower_id, followee_id)
)
--split
CREATE INDEX follows_followee_idx ON follows (followee_id, follower_id)
--split
CREATE TABLE blocks (
	blocker_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	blocked_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at {{TS}} NOT NULL,
	PRIMARY KEY (blocker_id, blocked_id)
)
--split
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id, blocker_id)
--split
CREATE TABLE conversations (
	id {{ID}},
	kind TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	pair_key TEXT,
	created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	admin_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
	about_channel_id BIGINT REFERENCES channels (id) ON DELETE SET NULL,
	last_message_id BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	last_activity_at {{TS}} NOT NULL
)
--split
CREATE UNIQUE INDEX conversations_pair_key ON conversations (pair_key) WHERE pair_key IS NOT NULL
--split
CREATE TABLE conversation_members (
	conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	folder TEXT NOT NULL DEFAULT 'inbox',
	joined_at {{TS}} NOT NULL,
	left_at {{TS}},
	cleared_through BIGINT NOT NULL DEFAULT 0,
	hidden {{BOOL}} NOT NULL DEFAULT FALSE,
	last_read_id BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (conversation_id, user_id)
)
--split
CREATE INDEX conversation_members_user_idx ON conversation_members (user_id, conversation_id)
--split
CREATE TABLE dm_messages (
	id {{ID}},
	conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
	kind TEXT NOT NULL,
	body TEXT NOT NULL,
	reply_to_id BIGINT REFERENCES dm_messages (id) ON DELETE SET NULL,
	flagged_rules TEXT NOT NULL DEFAULT '',
	created_at {{TS}} NOT NULL,
	edited_at {{TS}},
	deleted_at {{TS}}
)
--split
CREATE INDEX dm_messages_conversation_idx ON dm_messages (conversation_id, id)
--split
CREATE INDEX dm_messages_author_idx ON dm_messages (author_id, created_at)
--split
CREATE TABLE dm_reactions (
	message_id BIGINT NOT NULL REFERENCES dm_messages (id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	emoji TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	PRIMARY KEY (message_id, user_id, emoji)
)
--split
CREATE TABLE dm_events (
	id {{ID}},
	conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	message_id BIGINT,
	actor_id BIGINT,
	created_at {{TS}} NOT NULL
)
--split
CREATE INDEX dm_events_conversation_idx ON dm_events (conversation_id, id)
--split
CREATE TABLE dm_event_recipients (
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	event_id BIGINT NOT NULL REFERENCES dm_events (id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, event_id)
)
--split
CREATE INDEX dm_event_recipients_event_idx ON dm_event_recipients (event_id)
`,
		down: `
DROP TABLE dm_event_recipients
--split
DROP TABLE dm_events
--split
DROP TABLE dm_reactions
--split
DROP TABLE dm_messages
--split
DROP TABLE conversation_members
--split
DROP TABLE conversations
--split
DROP TABLE blocks
--split
DROP TABLE follows
--split
DROP INDEX users_handle_key
--split
ALTER TABLE users DROP COLUMN dm_policy
--split
ALTER TABLE users DROP COLUMN bio
--split
ALTER TABLE users DROP COLUMN handle
`,
	}
}
