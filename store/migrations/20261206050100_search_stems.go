package migrations

// The built-in message index holds each message's words twice: folded (for
// prefixes) and stemmed in the site's language (for word forms), see
// search.SQL. SQLite's FTS5 table gets a stems column; PostgreSQL's tsv keeps
// its type and gets the words with weight A and the stems with weight B when
// written. Every message is queued for re-indexing so that the index is
// refilled in the new shape (`backchannel reindex` does the same at once).
func m20261206050100() change {
	return change{
		name:    "20261206050100",
		comment: "search: stems beside the folded words in the built-in message index; every message queued for re-indexing",
		up: `
-- only:sqlite
DROP TABLE search_fts
--split
-- only:sqlite
CREATE VIRTUAL TABLE search_fts USING fts5 (text, stems, tokenize = 'unicode61 remove_diacritics 2')
--split
INSERT INTO search_outbox (message_id, created_at) SELECT id, CURRENT_TIMESTAMP FROM messages
`,
		down: `
-- only:sqlite
DROP TABLE search_fts
--split
-- only:sqlite
CREATE VIRTUAL TABLE search_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2')
--split
INSERT INTO search_outbox (message_id, created_at) SELECT id, CURRENT_TIMESTAMP FROM messages
`,
	}
}
