package migrations

func m20261206040300() change {
	return change{
		name:    "20261206040300",
		comment: "search: attachment names and has_file/has_image in the built-in index, messages with files queued for re-indexing; attachments: when retention removed them and when their bytes were deleted",
		up: `
ALTER TABLE search_docs ADD COLUMN files TEXT NOT NULL DEFAULT '[]'
--split
ALTER TABLE search_docs ADD COLUMN has_file {{BOOL}} NOT NULL DEFAULT FALSE
--split
ALTER TABLE search_docs ADD COLUMN has_image {{BOOL}} NOT NULL DEFAULT FALSE
--split
CREATE INDEX search_docs_has_file_idx ON search_docs (channel_id, created_at) WHERE has_file
--split
INSERT INTO search_outbox (message_id, created_at)
SELECT DISTINCT message_id, CURRENT_TIMESTAMP FROM attachments WHERE message_id IS NOT NULL
--split
ALTER TABLE attachments ADD COLUMN retention_removed_at {{TS}}
--split
ALTER TABLE attachments ADD COLUMN purged_at {{TS}}
--split
CREATE INDEX attachments_purge_idx ON attachments (id) WHERE retention_removed_at IS NOT NULL AND purged_at IS NULL
--split
UPDATE attachments SET retention_removed_at = CURRENT_TIMESTAMP, removed_at = COALESCE(removed_at, CURRENT_TIMESTAMP)
WHERE message_id IN (SELECT id FROM messages WHERE body_removed_at IS NOT NULL)
`,
		down: `
DROP INDEX attachments_purge_idx
--split
ALTER TABLE attachments DROP COLUMN purged_at
--split
ALTER TABLE attachments DROP COLUMN retention_removed_at
--split
DROP INDEX search_docs_has_file_idx
--split
ALTER TABLE search_docs DROP COLUMN has_image
--split
ALTER TABLE search_docs DROP COLUMN has_file
--split
ALTER TABLE search_docs DROP COLUMN files
`,
	}
}
