package migrations

func m20261122000300() change {
	return change{
		name:    "20261122000300",
		comment: "moderation: filter rules, pre-moderation, message flags, sanctions, reports, notes, staff chat",
		up: `
ALTER TABLE audit_entries ADD COLUMN guideline TEXT NOT NULL DEFAULT ''
--split
ALTER TABLE audit_entries ADD COLUMN undone_at {{TS}}
--split
CREATE INDEX audit_entries_channel_idx ON audit_entries (channel_id, created_at)
--split
CREATE TABLE filter_rules (
	id {{ID}},
	scope TEXT NOT NULL,
	pattern TEXT NOT NULL,
	kind TEXT NOT NULL,
	action TEXT NOT NULL,
	allow TEXT NOT NULL DEFAULT '',
	enabled {{BOOL}} NOT NULL DEFAULT TRUE,
	guideline TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
)
--split
CREATE INDEX filter_rules_scope_idx ON filter_rules (scope)
--split
ALTER TABLE channels ADD COLUMN premod_mode TEXT NOT NULL DEFAULT 'off'
--split
ALTER TABLE channels ADD COLUMN filter_caps {{BOOL}} NOT NULL DEFAULT FALSE
--split
ALTER TABLE channels ADD COLUMN filter_repeats {{BOOL}} NOT NULL DEFAULT TRUE
--split
ALTER TABLE channels ADD COLUMN filter_mentions {{BOOL}} NOT NULL DEFAULT TRUE
--split
ALTER TABLE channels ADD COLUMN filter_links {{BOOL}} NOT NULL DEFAULT TRUE
--split
ALTER TABLE channels ADD COLUMN allowed_domains TEXT NOT NULL DEFAULT ''
--split
ALTER TABLE messages ADD COLUMN pinned {{BOOL}} NOT NULL DEFAULT FALSE
--split
ALTER TABLE messages ADD COLUMN highlighted {{BOOL}} NOT NULL DEFAULT FALSE
--split
ALTER TABLE messages ADD COLUMN answered {{BOOL}} NOT NULL DEFAULT FALSE
--split
ALTER TABLE messages ADD COLUMN flagged {{BOOL}} NOT NULL DEFAULT FALSE
--split
ALTER TABLE messages ADD COLUMN mod_reason TEXT NOT NULL DEFAULT ''
--split
ALTER TABLE messages ADD COLUMN rule_ids TEXT NOT NULL DEFAULT ''
--split
CREATE INDEX messages_channel_state_idx ON messages (channel_id, state)
--split
CREATE TABLE sanctions (
	id {{ID}},
	channel_id BIGINT REFERENCES channels (id) ON DELETE CASCADE,
	subject TEXT NOT NULL,
	kind TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	guideline TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	created_at {{TS}} NOT NULL,
	expires_at {{TS}},
	session_id BIGINT REFERENCES channel_sessions (id) ON DELETE SET NULL,
	revoked_at {{TS}},
	revoked_by BIGINT REFERENCES users (id) ON DELETE SET NULL
)
--split
CREATE INDEX sanctions_subject_idx ON sanctions (subject, kind)
--split
CREATE TABLE reports (
	id {{ID}},
	channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	reporter TEXT NOT NULL,
	reason TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	resolved_at {{TS}},
	resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL
)
--split
CREATE UNIQUE INDEX reports_message_reporter_key ON reports (message_id, reporter)
--split
CREATE INDEX reports_channel_open_idx ON reports (channel_id, resolved_at)
--split
CREATE TABLE mod_notes (
	id {{ID}},
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	created_at {{TS}} NOT NULL
)
--split
CREATE INDEX mod_notes_subject_idx ON mod_notes (subject)
--split
CREATE TABLE staff_messages (
	id {{ID}},
	channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
	author_name TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at {{TS}} NOT NULL
)
--split
CREATE INDEX staff_messages_channel_idx ON staff_messages (channel_id, id)
`,
		down: `
DROP TABLE staff_messages
--split
DROP TABLE mod_notes
--split
DROP TABLE reports
--split
DROP TABLE sanctions
--split
DROP INDEX messages_channel_state_idx
--split
ALTER TABLE messages DROP COLUMN rule_ids
--split
ALTER TABLE messages DROP COLUMN mod_reason
--split
ALTER TABLE messages DROP COLUMN flagged
--split
ALTER TABLE messages DROP COLUMN answered
--split
ALTER TABLE messages DROP COLUMN highlighted
--split
ALTER TABLE messages DROP COLUMN pinned
--split
ALTER TABLE channels DROP COLUMN allowed_domains
--split
ALTER TABLE channels DROP COLUMN filter_links
--split
ALTER TABLE channels DROP COLUMN filter_mentions
--split
ALTER TABLE channels DROP COLUMN filter_repeats
--split
ALTER TABLE channels DROP COLUMN filter_caps
--split
ALTER TABLE channels DROP COLUMN premod_mode
--split
DROP TABLE filter_rules
--split
DROP INDEX audit_entries_channel_idx
--split
ALTER TABLE audit_entries DROP COLUMN undone_at
--split
ALTER TABLE audit_entries DROP COLUMN guideline
`,
	}
}
