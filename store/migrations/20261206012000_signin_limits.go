package migrations

// Sign-in limits without lockout, and forced password resets that force:
// a sign-in attempt names the trusted device (device cookie) it came from,
// if any, so that failures of unknown clients can be counted apart from the
// owner's own browsers; devices are remembered per account after a
// successful sign-in; an admin's reset hands out a one-time link.
func m20261206012000() change {
	return change{
		name:    "20261206012000",
		comment: "device cookies for sign-in limits; one-time password reset links",
		up: `
ALTER TABLE login_attempts ADD COLUMN device_id BIGINT
--split
CREATE INDEX login_attempts_device_idx ON login_attempts (device_id, created_at)
--split
CREATE TABLE sign_in_devices (
	id {{ID}},
	user_id BIGINT NOT NULL REFERENCES users (id),
	token_hash TEXT NOT NULL UNIQUE,
	created_at {{TS}} NOT NULL,
	last_used_at {{TS}} NOT NULL
)
--split
CREATE INDEX sign_in_devices_user_idx ON sign_in_devices (user_id)
--split
CREATE TABLE password_resets (
	id {{ID}},
	user_id BIGINT NOT NULL REFERENCES users (id),
	token_hash TEXT NOT NULL UNIQUE,
	created_by BIGINT NOT NULL,
	created_at {{TS}} NOT NULL,
	expires_at {{TS}} NOT NULL,
	used_at {{TS}}
)
--split
CREATE INDEX password_resets_user_idx ON password_resets (user_id)
`,
		down: `
DROP TABLE password_resets
--split
DROP TABLE sign_in_devices
--split
DROP INDEX login_attempts_device_idx
--split
ALTER TABLE login_attempts DROP COLUMN device_id
`,
	}
}
