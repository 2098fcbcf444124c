package app

import (
	"github.com/uptrace/bun"

	"backchannel/search"
)

// dmSearch is the direct-message index: the one asked for, else the one
// beside the channel engine (Meilisearch: an index of its own on the same
// server), else the built-in engine's tables in db.
func dmSearch(db *bun.DB, channels search.Engine, asked search.DMEngine) search.DMEngine {
	if asked != nil {
		return asked
	}
	if p, ok := channels.(search.DMProvider); ok {
		return p.DMs()
	}
	return search.NewSQLDM(db)
}
