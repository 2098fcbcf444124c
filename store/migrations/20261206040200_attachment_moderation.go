package migrations

func m20261206040200() change {
	return change{
		name:    "20261206040200",
		comment: "attachment moderation: a channel's attachments mode, a moderator's wall blur setting, a report's attachment",
		up: `
ALTER TABLE channels ADD COLUMN attachments_mode TEXT NOT NULL DEFAULT 'allowed'
--split
CREATE TABLE moderator_settings (
	user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	wall_blur {{BOOL}} NOT NULL DEFAULT TRUE,
	updated_at {{TS}} NOT NULL
)
--split
ALTER TABLE reports ADD COLUMN attachment_id BIGINT REFERENCES attachments (id) ON DELETE SET NULL
`,
		down: `
ALTER TABLE reports DROP COLUMN attachment_id
--split
DROP TABLE moderator_settings
--split
ALTER TABLE channels DROP COLUMN attachments_mode
`,
	}
}
