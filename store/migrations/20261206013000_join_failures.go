package migrations

// Wrong join codes, per person and per address, so that guessing a
// channel's code is rate-limited across every instance.
func m20261206013000() change {
	return change{
		name:    "20261206013000",
		comment: "join_failures: wrong join codes for rate limiting",
		up: `
CREATE TABLE join_failures (
	id {{ID}},
	subject TEXT NOT NULL,
	channel_id BIGINT NOT NULL,
	created_at {{TS}} NOT NULL
)
--split
CREATE INDEX join_failures_subject_idx ON join_failures (subject, created_at)
`,
		down: `
DROP TABLE join_failures
`,
	}
}
