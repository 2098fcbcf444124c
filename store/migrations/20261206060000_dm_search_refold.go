package migrations

// The direct-message index was written with the older folding (ß, æ, œ, ø,
// ł, đ, þ and ı kept as they are), so "strasse" did not find a message
// holding "Straße" until `backchannel reindex`. The index follows the
// direct-message event log (dm_events) from a cursor, the setting
// search.dm_cursor, instead of an outbox table: moving the cursor back to
// the start queues every direct message again, and the indexer writes each
// one in the current shape (upserts of the message as it is now: nothing is
// lost meanwhile, the old documents are only found by the old folding until
// then). Every message has its creation event in the log (events go only
// with their conversation, and its messages with it). No table changes
// shape, so down does the same.
func m20261206060000() change {
	const requeue = `
UPDATE settings SET value = '0' WHERE key = 'search.dm_cursor'
`
	return change{
		name:    "20261206060000",
		comment: "search: every direct message queued for re-indexing with the current folding (ß/ss, æ/ae, œ/oe, …)",
		up:      requeue,
		down:    requeue,
	}
}
