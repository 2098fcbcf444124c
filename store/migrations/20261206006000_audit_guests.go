package migrations

// Guests in the audit log: a guest who acts (deletes their own message) is
// kept as actor_guest_id, never as the user with the same number; a sanction
// or purge of a guest names its target "guest", not "user". Sanctions written
// before are mended from their subject ("g:<id>"); an older purge of a guest
// cannot be told from one of a user and stays as it was.
func m20261206006000() change {
	return change{
		name:    "20261206006000",
		comment: "audit entries tell guests from users",
		up: `
ALTER TABLE audit_entries ADD COLUMN actor_guest_id BIGINT
--split
UPDATE audit_entries SET target_type = 'guest'
WHERE target_type = 'user' AND ("after" LIKE '%"subject":"g:%' OR "before" LIKE '%"subject":"g:%')
`,
		down: `
UPDATE audit_entries SET target_type = 'user' WHERE target_type = 'guest'
--split
ALTER TABLE audit_entries DROP COLUMN actor_guest_id
`,
	}
}
