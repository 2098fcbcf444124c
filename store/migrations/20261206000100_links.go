package migrations

func m20261206000100() change {
	return change{
		name:    "20261206000100",
		comment: "the places of a message's links, found once when it is written",
		up: `
ALTER TABLE messages ADD COLUMN links TEXT
`,
		down: `
ALTER TABLE messages DROP COLUMN links
`,
	}
}
