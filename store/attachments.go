package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// attachmentRow maps model.Attachment onto the attachments table.
type attachmentRow struct {
	bun.BaseModel `bun:"table:attachments"`
	model.Attachment
}

// chunkRow is one piece of a stored object's bytes.
type chunkRow struct {
	bun.BaseModel `bun:"table:attachment_chunks"`
	ObjectKey     string `bun:"object_key,pk"`
	Seq           int    `bun:"seq,pk"`
	Data          []byte `bun:"data,notnull"`
}

// CreateAttachment inserts an attachment's row (its bytes are stored apart)
// and sets its ID and CreatedAt.
func CreateAttachment(ctx context.Context, db bun.IDB, a *model.Attachment) error {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now()
	}
	row := &attachmentRow{Attachment: *a}
	if _, err := db.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create attachment: %w", err)
	}
	a.ID = row.ID
	return nil
}

// CompleteAttachment records what an upload turned out to be once its bytes
// are stored: its media type, kind, size, digest, dimensions and name.
func CompleteAttachment(ctx context.Context, db bun.IDB, a *model.Attachment) error {
	row := &attachmentRow{Attachment: *a}
	if _, err := db.NewUpdate().Model(row).
		Column("name", "media_type", "kind", "size", "sha256", "width", "height", "thumb_size").
		WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("store: complete attachment %d: %w", a.ID, err)
	}
	return nil
}

// Attachment returns a complete attachment by id, removed or not;
// model.ErrNotFound when there is none (or its upload never finished).
func Attachment(ctx context.Context, db bun.IDB, id int64) (*model.Attachment, error) {
	var row attachmentRow
	err := db.NewSelect().Model(&row).Where("id = ?", id).Where("sha256 <> ''").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: attachment %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: attachment %d: %w", id, err)
	}
	return &row.Attachment, nil
}

// DeleteAttachment removes an attachment's row.
func DeleteAttachment(ctx context.Context, db bun.IDB, id int64) error {
	if _, err := db.NewDelete().Model((*attachmentRow)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete attachment %d: %w", id, err)
	}
	return nil
}

// UploadTotals is how many uploads a person started since a time, and their
// bytes.
type UploadTotals struct {
	Count int   `bun:"n"`
	Bytes int64 `bun:"bytes"`
}

// UploadTotalsSince counts the uploads of uploaderID since since, removed and
// deleted ones included while their rows exist.
func UploadTotalsSince(ctx context.Context, db bun.IDB, uploaderID int64, since time.Time) (UploadTotals, error) {
	var t UploadTotals
	err := db.NewSelect().Model((*attachmentRow)(nil)).
		ColumnExpr("COUNT(*) AS n").ColumnExpr("COALESCE(SUM(size + thumb_size), 0) AS bytes").
		Where("uploader_id = ?", uploaderID).Where("created_at >= ?", since).
		Scan(ctx, &t)
	if err != nil {
		return t, fmt.Errorf("store: upload totals of %d: %w", uploaderID, err)
	}
	return t, nil
}

// AttachToMessage links unattached, unremoved uploads of uploaderID to a
// channel message. It returns model.ErrNotFound when one of ids is not such
// an upload; call it in the message's transaction and roll back then (the
// others may have been linked).
func AttachToMessage(ctx context.Context, db bun.IDB, uploaderID, messageID int64, ids []int64) error {
	return attachTo(ctx, db, "message_id", uploaderID, messageID, ids)
}

// AttachToDMMessage links unattached, unremoved uploads of uploaderID to a
// direct message, as AttachToMessage does to a channel message.
func AttachToDMMessage(ctx context.Context, db bun.IDB, uploaderID, dmMessageID int64, ids []int64) error {
	return attachTo(ctx, db, "dm_message_id", uploaderID, dmMessageID, ids)
}

// attachTo sets column (message_id or dm_message_id) of ids to messageID.
func attachTo(ctx context.Context, db bun.IDB, column string, uploaderID, messageID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	res, err := db.NewUpdate().Model((*attachmentRow)(nil)).Set("? = ?", bun.Ident(column), messageID).
		Where("id IN (?)", bun.In(ids)).Where("uploader_id = ?", uploaderID).
		Where("message_id IS NULL").Where("dm_message_id IS NULL").Where("removed_at IS NULL").
		Where("sha256 <> ''").Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: attach to %s %d: %w", column, messageID, err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(ids)) {
		return fmt.Errorf("store: attach to %s %d: %w", column, messageID, model.ErrNotFound)
	}
	return nil
}

// MessageAttachments returns the unremoved attachments of channel messages,
// by message id, oldest first.
func MessageAttachments(ctx context.Context, db bun.IDB, messageIDs []int64) (map[int64][]model.Attachment, error) {
	return attachmentsBy(ctx, db, "message_id", messageIDs, false, func(a *model.Attachment) *int64 { return a.MessageID })
}

// AttachmentsOfMessages returns every attachment of channel messages,
// removed ones included, by message id, oldest first: what the audit rows of
// a deleted or purged message name, and whose bytes a purge removes.
func AttachmentsOfMessages(ctx context.Context, db bun.IDB, messageIDs []int64) (map[int64][]model.Attachment, error) {
	return attachmentsBy(ctx, db, "message_id", messageIDs, true, func(a *model.Attachment) *int64 { return a.MessageID })
}

// DMMessageAttachments returns the unremoved attachments of direct
// messages, by message id, oldest first: one statement however many.
func DMMessageAttachments(ctx context.Context, db bun.IDB, dmMessageIDs []int64) (map[int64][]model.Attachment, error) {
	return attachmentsBy(ctx, db, "dm_message_id", dmMessageIDs, false, func(a *model.Attachment) *int64 { return a.DMMessageID })
}

// attachmentsBy reads the attachments whose column is one of ids, the
// removed ones too when withRemoved.
func attachmentsBy(ctx context.Context, db bun.IDB, column string, ids []int64, withRemoved bool, key func(*model.Attachment) *int64) (map[int64][]model.Attachment, error) {
	out := map[int64][]model.Attachment{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []attachmentRow
	q := db.NewSelect().Model(&rows).Where("? IN (?)", bun.Ident(column), bun.In(ids))
	if !withRemoved {
		q = q.Where("removed_at IS NULL")
	}
	if err := q.Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: attachments by %s: %w", column, err)
	}
	for i := range rows {
		k := *key(&rows[i].Attachment)
		out[k] = append(out[k], rows[i].Attachment)
	}
	return out, nil
}

// PutChunk stores one piece of an object's bytes.
func PutChunk(ctx context.Context, db bun.IDB, key string, seq int, data []byte) error {
	if _, err := db.NewInsert().Model(&chunkRow{ObjectKey: key, Seq: seq, Data: data}).Exec(ctx); err != nil {
		return fmt.Errorf("store: put chunk %s/%d: %w", key, seq, err)
	}
	return nil
}

// Chunk returns one piece of an object's bytes; model.ErrNotFound past its end.
func Chunk(ctx context.Context, db bun.IDB, key string, seq int) ([]byte, error) {
	var row chunkRow
	err := db.NewSelect().Model(&row).Where("object_key = ?", key).Where("seq = ?", seq).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: chunk %s/%d: %w", key, seq, model.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: chunk %s/%d: %w", key, seq, err)
	}
	return row.Data, nil
}

// DeleteChunks removes every piece of an object.
func DeleteChunks(ctx context.Context, db bun.IDB, key string) error {
	if _, err := db.NewDelete().Model((*chunkRow)(nil)).Where("object_key = ?", key).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete object %s: %w", key, err)
	}
	return nil
}

// DMMessageVisibleTo reports whether userID may see the direct message id:
// a member of its conversation, the message sent after what they cleared
// and before they left, and not deleted.
func DMMessageVisibleTo(ctx context.Context, db bun.IDB, id, userID int64) (bool, error) {
	n, err := db.NewSelect().TableExpr("dm_messages AS m").
		Join("JOIN conversation_members AS cm ON cm.conversation_id = m.conversation_id").
		Where("m.id = ?", id).Where("cm.user_id = ?", userID).
		Where("m.id > cm.cleared_through").Where("m.deleted_at IS NULL").
		Where("(cm.left_at IS NULL OR m.created_at <= cm.left_at)").
		Count(ctx)
	if err != nil {
		return false, fmt.Errorf("store: dm message %d visible to %d: %w", id, userID, err)
	}
	return n > 0, nil
}

// RemoveAttachment marks an attachment removed by byUserID (its row stays,
// for the audit trail and the day's quota).
func RemoveAttachment(ctx context.Context, db bun.IDB, id, byUserID int64) error {
	if _, err := db.NewUpdate().Model((*attachmentRow)(nil)).Set("removed_at = ?", now()).Set("removed_by = ?", byUserID).
		Where("id = ?", id).Where("removed_at IS NULL").Exec(ctx); err != nil {
		return fmt.Errorf("store: remove attachment %d: %w", id, err)
	}
	// Its message's search document loses the file's name.
	return EnqueueAttachmentIndex(ctx, db, id)
}
