package model

import "time"

// Channel is the text channel beside one class, talk or room.
type Channel struct {
	ID          int64     `bun:"id,pk,autoincrement" json:"id"`
	Slug        string    `bun:"slug,notnull" json:"slug"`
	Title       string    `bun:"title,notnull" json:"title"`
	Description string    `bun:"description,notnull" json:"description"`
	CreatedBy   *int64    `bun:"created_by" json:"created_by,omitempty"`
	CreatedAt   time.Time `bun:"created_at,notnull" json:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at,notnull" json:"updated_at"`
}

// ChannelSession is one class meeting or talk within a channel.
type ChannelSession struct {
	ID        int64      `bun:"id,pk,autoincrement" json:"id"`
	ChannelID int64      `bun:"channel_id,notnull" json:"channel_id"`
	Title     string     `bun:"title,notnull" json:"title"`
	StartedBy *int64     `bun:"started_by" json:"started_by,omitempty"`
	StartedAt time.Time  `bun:"started_at,notnull" json:"started_at"`
	EndedAt   *time.Time `bun:"ended_at" json:"ended_at,omitempty"`
}

// Membership says a person belongs to a channel.
type Membership struct {
	ChannelID int64     `bun:"channel_id,pk" json:"channel_id"`
	UserID    int64     `bun:"user_id,pk" json:"user_id"`
	JoinedAt  time.Time `bun:"joined_at,notnull" json:"joined_at"`
}

// AuditEntry records one action: who did what to what, before and after.
type AuditEntry struct {
	ID         int64     `bun:"id,pk,autoincrement" json:"id"`
	CreatedAt  time.Time `bun:"created_at,notnull" json:"created_at"`
	ActorID    *int64    `bun:"actor_id" json:"actor_id,omitempty"`
	Action     string    `bun:"action,notnull" json:"action"`
	TargetType string    `bun:"target_type,notnull" json:"target_type"`
	TargetID   string    `bun:"target_id,notnull" json:"target_id"`
	ChannelID  *int64    `bun:"channel_id" json:"channel_id,omitempty"`
	Before     string    `bun:"before,notnull" json:"before,omitempty"`
	After      string    `bun:"after,notnull" json:"after,omitempty"`
	Reason     string    `bun:"reason,notnull" json:"reason,omitempty"`
	IP         string    `bun:"ip,notnull" json:"ip,omitempty"`
}
