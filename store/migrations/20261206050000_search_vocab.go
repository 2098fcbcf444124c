package migrations

func m20261206050000() change {
	return change{
		name:    "20261206050000",
		comment: "search: the built-in SQLite index's vocabulary (fts5vocab over search_fts), read to correct typed words that match nothing",
		up: `
-- only:sqlite
CREATE VIRTUAL TABLE search_vocab USING fts5vocab (search_fts, 'row')
`,
		down: `
-- only:sqlite
DROP TABLE search_vocab
`,
	}
}
