package migrations

func m20261206014000() change {
	return change{
		name:    "20261206014000",
		comment: "whether a message was ever shown to everyone: only those leave a tombstone for participants when deleted",
		up: `
ALTER TABLE messages ADD COLUMN published {{BOOL}} NOT NULL DEFAULT FALSE
--split
UPDATE messages SET published = TRUE WHERE state IN ('visible', 'hidden')
`,
		down: `
ALTER TABLE messages DROP COLUMN published
`,
	}
}
