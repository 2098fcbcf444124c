package migrations

// The built-in engine's index of direct messages: kept apart from the
// channel messages' search_docs, so that no channel search, staff search or
// transcript can ever read a private message.
func m20261206020500() change {
	return change{
		name:    "20261206020500",
		comment: "search index of direct messages (apart from the channel index)",
		up: `
CREATE TABLE dm_search_docs (
	id BIGINT PRIMARY KEY,
	conversation_id BIGINT NOT NULL,
	author_id BIGINT NOT NULL,
	author TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL
)
--split
CREATE INDEX dm_search_docs_conversation_idx ON dm_search_docs (conversation_id, id)
--split
-- only:sqlite
CREATE VIRTUAL TABLE dm_search_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2')
--split
-- only:pg
ALTER TABLE dm_search_docs ADD COLUMN tsv tsvector
--split
-- only:pg
CREATE INDEX dm_search_docs_tsv_idx ON dm_search_docs USING GIN (tsv)
`,
		down: `
-- only:sqlite
DROP TABLE dm_search_fts
--split
DROP TABLE dm_search_docs
`,
	}
}
