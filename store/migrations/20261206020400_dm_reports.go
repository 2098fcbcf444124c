package migrations

// Reports of direct messages to the site's moderators: the reporter, the
// people reported, the reason and a snapshot of the excerpt as the reporter
// saw it.
func m20261206020400() change {
	return change{
		name:    "20261206020400",
		comment: "dm_reports: reports of direct messages with their excerpt snapshot, and the people they are about",
		up: `
CREATE TABLE dm_reports (
	id {{ID}},
	conversation_id BIGINT NOT NULL,
	message_id BIGINT,
	reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	reason TEXT NOT NULL,
	guideline TEXT NOT NULL DEFAULT '',
	excerpt TEXT NOT NULL,
	created_at {{TS}} NOT NULL,
	resolved_at {{TS}},
	resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	resolution TEXT NOT NULL DEFAULT ''
)
--split
CREATE INDEX dm_reports_open_idx ON dm_reports (resolved_at, id)
--split
CREATE INDEX dm_reports_reporter_idx ON dm_reports (reporter_id, created_at)
--split
CREATE TABLE dm_report_people (
	report_id BIGINT NOT NULL REFERENCES dm_reports (id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (report_id, user_id)
)
--split
CREATE INDEX dm_report_people_user_idx ON dm_report_people (user_id, report_id)
`,
		down: `
DROP TABLE dm_report_people
--split
DROP TABLE dm_reports
`,
	}
}
