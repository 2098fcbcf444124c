package migrations

// The built-in message index on SQLite keeps each document's channel as a
// word of its own column, so that a search of one channel (or a few) asks
// FTS5 for the matches in those channels alone instead of every match in
// the site, and gets prefix indexes of two and three letters, so that the
// start of a word being typed reads one list instead of merging the lists
// of every word it starts. The table is refilled from itself in the
// migration: the index stays whole, nothing is queued again. PostgreSQL's
// index is unchanged.
func m20261206070000() change {
	return change{
		name:    "20261206070000",
		comment: "search: the channel as a column of the SQLite FTS5 index, and prefix indexes of 2 and 3 letters",
		up: `
-- only:sqlite
CREATE VIRTUAL TABLE search_fts_next USING fts5 (text, stems, channel, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')
--split
-- only:sqlite
INSERT INTO search_fts_next (rowid, text, stems, channel)
SELECT f.rowid, f.text, f.stems, d.channel_id FROM search_fts f JOIN search_docs d ON d.id = f.rowid
--split
-- only:sqlite
DROP TABLE search_fts
--split
-- only:sqlite
ALTER TABLE search_fts_next RENAME TO search_fts
`,
		down: `
-- only:sqlite
CREATE VIRTUAL TABLE search_fts_prev USING fts5 (text, stems, tokenize = 'unicode61 remove_diacritics 2')
--split
-- only:sqlite
INSERT INTO search_fts_prev (rowid, text, stems) SELECT rowid, text, stems FROM search_fts
--split
-- only:sqlite
DROP TABLE search_fts
--split
-- only:sqlite
ALTER TABLE search_fts_prev RENAME TO search_fts
`,
	}
}
