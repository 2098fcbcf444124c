package model

import "time"

// JoinFailure is one wrong join code, kept for a while to limit guessing:
// Subject is who tried ("user:<id>") or from where ("ip:<address>").
type JoinFailure struct {
	ID        int64     `bun:"id,pk,autoincrement"`
	Subject   string    `bun:"subject,notnull"`
	ChannelID int64     `bun:"channel_id,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}
