package model

import (
	"errors"
	"strconv"
	"time"
)

// AttachmentKind says how an attachment is shown: an image (re-encoded, with
// a thumbnail, shown inline) or a file (downloaded).
type AttachmentKind string

// The kinds of attachment.
const (
	AttachmentImage AttachmentKind = "image"
	AttachmentFile  AttachmentKind = "file"
)

// Attachment is an uploaded file or image. While only uploaded it belongs to
// its uploader; once attached, MessageID (a channel message) or DMMessageID
// (a direct message) says whose visibility rules apply.
type Attachment struct {
	ID          int64          `bun:"id,pk,autoincrement"`
	UploaderID  *int64         `bun:"uploader_id"`
	Name        string         `bun:"name,notnull"`
	MediaType   string         `bun:"media_type,notnull"`
	Kind        AttachmentKind `bun:"kind,notnull"`
	Size        int64          `bun:"size,notnull"`
	SHA256      string         `bun:"sha256,notnull"`
	Width       int            `bun:"width,notnull"`
	Height      int            `bun:"height,notnull"`
	ThumbSize   int64          `bun:"thumb_size,notnull"`
	MessageID   *int64         `bun:"message_id"`
	DMMessageID *int64         `bun:"dm_message_id"`
	CreatedAt   time.Time      `bun:"created_at,notnull"`
	RemovedAt   *time.Time     `bun:"removed_at"`
	RemovedBy   *int64         `bun:"removed_by"`
}

// Attached reports whether the attachment belongs to a message yet.
func (a *Attachment) Attached() bool { return a.MessageID != nil || a.DMMessageID != nil }

// ObjectKey names one stored variant ("original" or "thumb") of an
// attachment in a Storage.
func (a *Attachment) ObjectKey(variant string) string { return AttachmentObjectKey(a.ID, variant) }

// AttachmentObjectKey is ObjectKey for an id.
func AttachmentObjectKey(id int64, variant string) string {
	return "att/" + strconv.FormatInt(id, 10) + "/" + variant
}

// Sentinels of uploads, mapped to 413 and 415.
var (
	ErrTooLarge         = errors.New("too large")
	ErrUnsupportedMedia = errors.New("unsupported media type")
)
