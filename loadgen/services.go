package loadgen

import (
	"log/slog"

	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/search"
)

// Services are the parts of a running Backchannel the load tools drive:
// bench lag and the demo audience go through the same use cases as the
// server (chat.Post, chat.Vote, …), so they load what real traffic loads.
type Services struct {
	DB       bun.IDB
	Accounts *accounts.Service
	Chat     *chat.Service
	Index    search.Source // what the search indexer reads (bench lag)
	Log      *slog.Logger
}
