package migrations

func m20261122000500() change {
	return change{
		name:    "20261122000500",
		comment: "search outbox and built-in index, tags, retention, leases",
		up: `
CREATE TABLE search_outbox (
	id {{ID}},
	message_id BIGINT NOT NULL,
	created_at {{TS}} NOT NULL
)
--split
CREATE TABLE leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	expires_at {{TS}} NOT NULL
)
--split
CREATE TABLE tags (
	id {{ID}},
	name TEXT NOT NULL,
	colour TEXT NOT NULL,
	created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	created_at {{TS}} NOT NULL
)
--split
CREATE UNIQUE INDEX tags_name_key ON tags (name)
--split
CREATE TABLE message_tags (
	message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	tagged_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	created_at {{TS}} NOT NULL,
	PRIMARY KEY (message_id, tag_id)
)
--split
CREATE INDEX message_tags_tag_idx ON message_tags (tag_id)
--split
ALTER TABLE messages ADD COLUMN body_removed_at {{TS}}
--split
CREATE INDEX messages_created_idx ON messages (created_at)
--split
ALTER TABLE channels ADD COLUMN retention_days INTEGER
--split
CREATE TABLE search_docs (
	id BIGINT PRIMARY KEY,
	channel_id BIGINT NOT NULL,
	channel TEXT NOT NULL,
	session_id BIGINT NOT NULL,
	thread_id BIGINT NOT NULL,
	author_key TEXT NOT NULL,
	author TEXT NOT NULL,
	author_filter TEXT NOT NULL,
	kind TEXT NOT NULL,
	state TEXT NOT NULL,
	answered {{BOOL}} NOT NULL,
	tags TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	votes INTEGER NOT NULL
)
--split
CREATE INDEX search_docs_channel_idx ON search_docs (channel_id, created_at)
--split
CREATE TABLE search_doc_tags (
	doc_id BIGINT NOT NULL REFERENCES search_docs (id) ON DELETE CASCADE,
	tag TEXT NOT NULL,
	PRIMARY KEY (doc_id, tag)
)
--split
CREATE INDEX search_doc_tags_tag_idx ON search_doc_tags (tag)
--split
-- only:sqlite
CREATE VIRTUAL TABLE search_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2')
--split
-- only:pg
ALTER TABLE search_docs ADD COLUMN tsv tsvector
--split
-- only:pg
CREATE INDEX search_docs_tsv_idx ON search_docs USING GIN (tsv)
`,
		down: `
-- only:sqlite
DROP TABLE search_fts
--split
DROP TABLE search_doc_tags
--split
DROP TABLE search_docs
--split
ALTER TABLE channels DROP COLUMN retention_days
--split
DROP INDEX messages_created_idx
--split
ALTER TABLE messages DROP COLUMN body_removed_at
--split
DROP TABLE message_tags
--split
DROP TABLE tags
--split
DROP TABLE leases
--split
DROP TABLE search_outbox
`,
	}
}
