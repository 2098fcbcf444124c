package migrations

func m20261122000400() change {
	return change{
		name:    "20261122000400",
		comment: "guidelines: material flag on each version",
		up: `
ALTER TABLE guidelines ADD COLUMN material {{BOOL}} NOT NULL DEFAULT TRUE
`,
		down: `
ALTER TABLE guidelines DROP COLUMN material
`,
	}
}
