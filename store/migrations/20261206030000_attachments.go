package migrations

func m20261206030000() change {
	return change{
		name:    "20261206030000",
		comment: "attachments: uploaded files and images, their bytes in chunks per variant",
		up: `
CREATE TABLE attachments (
	id {{ID}},
	uploader_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
	name TEXT NOT NULL,
	media_type TEXT NOT NULL,
	kind TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	width INTEGER NOT NULL DEFAULT 0,
	height INTEGER NOT NULL DEFAULT 0,
	thumb_size BIGINT NOT NULL DEFAULT 0,
	message_id BIGINT REFERENCES messages (id) ON DELETE SET NULL,
	dm_message_id BIGINT REFERENCES dm_messages (id) ON DELETE SET NULL,
	created_at {{TS}} NOT NULL,
	removed_at {{TS}},
	removed_by BIGINT REFERENCES users (id) ON DELETE SET NULL
)
--split
CREATE INDEX attachments_uploader_idx ON attachments (uploader_id, created_at)
--split
CREATE INDEX attachments_message_idx ON attachments (message_id) WHERE message_id IS NOT NULL
--split
CREATE INDEX attachments_dm_message_idx ON attachments (dm_message_id) WHERE dm_message_id IS NOT NULL
--split
-- only:sqlite
CREATE TABLE attachment_chunks (
	object_key TEXT NOT NULL,
	seq INTEGER NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (object_key, seq)
)
--split
-- only:pg
CREATE TABLE attachment_chunks (
	object_key TEXT NOT NULL,
	seq INTEGER NOT NULL,
	data BYTEA NOT NULL,
	PRIMARY KEY (object_key, seq)
)
`,
		down: `
DROP TABLE attachment_chunks
--split
DROP TABLE attachments
`,
	}
}
