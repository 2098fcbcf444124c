package migrations

func m20261206004000() change {
	return change{
		name:    "20261206004000",
		comment: "why moderators resolved a report; the text of a masked message as written, for staff",
		up: `
ALTER TABLE reports ADD COLUMN resolution TEXT NOT NULL DEFAULT ''
--split
ALTER TABLE messages ADD COLUMN original TEXT
`,
		down: `
ALTER TABLE messages DROP COLUMN original
--split
ALTER TABLE reports DROP COLUMN resolution
`,
	}
}
