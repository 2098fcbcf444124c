package migrations

func m20261206003000() change {
	return change{
		name:    "20261206003000",
		comment: "the staff role (admin, moderator, host) a message's author held in its channel when posting, for the badge beside their name",
		up: `
ALTER TABLE messages ADD COLUMN author_role TEXT NOT NULL DEFAULT ''
`,
		down: `
ALTER TABLE messages DROP COLUMN author_role
`,
	}
}
