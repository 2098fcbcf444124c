package migrations

// Direct-message search finds messages by their files' names and takes
// has:file / has:image: the built-in index keeps the names and two flags.
// Where direct messages already carry files, the index's cursor goes back
// to the start so that the indexer writes every document again (upserts:
// nothing is lost meanwhile, the old documents only lack their files).
func m20261206050200() change {
	return change{
		name:    "20261206050200",
		comment: "search: file names and has_file/has_image in the built-in direct-message index, re-indexed where direct messages have files",
		up: `
ALTER TABLE dm_search_docs ADD COLUMN files TEXT NOT NULL DEFAULT '[]'
--split
ALTER TABLE dm_search_docs ADD COLUMN has_file {{BOOL}} NOT NULL DEFAULT FALSE
--split
ALTER TABLE dm_search_docs ADD COLUMN has_image {{BOOL}} NOT NULL DEFAULT FALSE
--split
UPDATE settings SET value = '0'
WHERE key = 'search.dm_cursor' AND EXISTS (SELECT 1 FROM attachments WHERE dm_message_id IS NOT NULL)
`,
		down: `
ALTER TABLE dm_search_docs DROP COLUMN has_image
--split
ALTER TABLE dm_search_docs DROP COLUMN has_file
--split
ALTER TABLE dm_search_docs DROP COLUMN files
`,
	}
}
