package store

import (
	"context"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// RenameChannelSession sets the title of session id of channelID; a session
// of another channel is model.ErrNotFound.
func RenameChannelSession(ctx context.Context, db bun.IDB, channelID, id int64, title string) error {
	res, err := db.NewUpdate().Model((*model.ChannelSession)(nil)).Set("title = ?", title).
		Where("id = ?", id).Where("channel_id = ?", channelID).Exec(ctx)
	return affected("rename session", res, err)
}
