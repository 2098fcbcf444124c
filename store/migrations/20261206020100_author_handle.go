package migrations

func m20261206020100() change {
	return change{
		name:    "20261206020100",
		comment: "the handle of a message's account author, for the link from their name to their profile (kept current when the handle changes)",
		up: `
ALTER TABLE messages ADD COLUMN author_handle TEXT NOT NULL DEFAULT ''
--split
UPDATE messages SET author_handle = COALESCE((SELECT users.handle FROM users WHERE users.id = messages.author_user_id), '') WHERE author_user_id IS NOT NULL
`,
		down: `
ALTER TABLE messages DROP COLUMN author_handle
`,
	}
}
