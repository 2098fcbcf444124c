package moderation

import (
	"context"
	"errors"
	"slices"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// FileBytes removes the stored bytes of attachments (attachments.Service
// does).
type FileBytes interface {
	DeleteBytes(ctx context.Context, a *model.Attachment)
}

// UseFiles sets where RemoveAttachment deletes a file's bytes.
func (s *Service) UseFiles(f FileBytes) { s.files = f }

// AuditFile is how audit rows name a file: removed alone, or carried by a
// deleted or purged message.
type AuditFile struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Size      int64  `json:"size"`
	MessageID int64  `json:"message_id"`
}

func auditFiles(as []model.Attachment) []AuditFile {
	out := make([]AuditFile, 0, len(as))
	for _, a := range as {
		f := AuditFile{ID: a.ID, Name: a.Name, Type: a.MediaType, Size: a.Size}
		if a.MessageID != nil {
			f.MessageID = *a.MessageID
		}
		out = append(out, f)
	}
	return out
}

// RemoveAttachment removes one file of a message of ch and keeps the text:
// the file is marked removed (no one may fetch it after), its bytes are
// deleted, the audit names it, and the message's streams re-render it. It
// cannot be undone: the bytes are gone.
func (s *Service) RemoveAttachment(ctx context.Context, ch *model.Channel, v Viewer, id int64, in ModInput) (*Done, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	a, err := store.Attachment(ctx, s.db, id)
	if err != nil || a.MessageID == nil || a.RemovedAt != nil {
		return nil, model.ErrNotFound
	}
	m, err := store.MessageByID(ctx, s.db, *a.MessageID)
	if err != nil || m.ChannelID != ch.ID {
		return nil, model.ErrNotFound
	}
	var auditID, seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.RemoveAttachment(ctx, tx, a.ID, v.Actor.UserID); err != nil {
			return err
		}
		var err error
		if seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID); err != nil {
			return err
		}
		auditID, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: v.Actor.UserID, Action: "attachment.remove",
			TargetType: "attachment", TargetID: a.ID, ChannelID: ch.ID, Before: auditFiles([]model.Attachment{*a})[0],
			Reason: in.Reason, Guideline: in.Guideline})
		return err
	})
	if err != nil {
		return nil, err
	}
	s.deleteBytes(ctx, []model.Attachment{*a})
	s.publish(ctx, ch.ID, seq)
	return &Done{AuditID: auditID, Message: m}, nil
}

// filesOf names the files of messages for their audit rows (nil when none).
func filesOf(ctx context.Context, db bun.IDB, ids ...int64) ([]AuditFile, error) {
	as, err := store.AttachmentsOfMessages(ctx, db, ids)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	var out []AuditFile
	for _, id := range ids {
		out = append(out, auditFiles(as[id])...)
	}
	return out, nil
}

// deletedWithFiles is the audit's after-state of a deleted message that
// carried files.
type deletedWithFiles struct {
	msgSnapshot
	Files []AuditFile `json:"files"`
}

// actionAfter is the audit's after-state of act on m: its snapshot, and for
// a delete the files it carried.
func actionAfter(ctx context.Context, db bun.IDB, m *model.Message, act model.ModAction) (any, error) {
	if act != model.ActDelete {
		return snapshotOf(m), nil
	}
	files, err := filesOf(ctx, db, m.ID)
	if err != nil || files == nil {
		return snapshotOf(m), err
	}
	return deletedWithFiles{msgSnapshot: snapshotOf(m), Files: files}, nil
}

// purgeFiles removes the files of the messages a purge hid (their bytes
// go after commit: deleteBytes) and is the audit's after-state: how many
// messages it hid, and the files they carried when there were any. An undo
// of the purge brings the messages back, not their files.
func purgeFiles(ctx context.Context, db bun.IDB, hidden map[int64]model.MessageState, by int64, removed *[]model.Attachment) (any, error) {
	ids := make([]int64, 0, len(hidden))
	for id := range hidden {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	as, err := store.AttachmentsOfMessages(ctx, db, ids)
	if err != nil || len(as) == 0 {
		return len(hidden), err
	}
	var files []AuditFile
	for _, id := range ids {
		for _, a := range as[id] {
			if a.RemovedAt != nil {
				continue
			}
			if err := store.RemoveAttachment(ctx, db, a.ID, by); err != nil {
				return nil, err
			}
			*removed = append(*removed, a)
			files = append(files, auditFiles([]model.Attachment{a})...)
		}
	}
	if len(files) == 0 {
		return len(hidden), nil
	}
	return map[string]any{"messages": len(hidden), "files": files}, nil
}

// deleteBytes deletes the stored bytes of removed files.
func (s *Service) deleteBytes(ctx context.Context, as []model.Attachment) {
	if s.files == nil {
		return
	}
	for i := range as {
		s.files.DeleteBytes(ctx, &as[i])
	}
}

// WallBlur reports whether userID's wall blurs images until clicked (on
// unless they turned it off).
func (s *Service) WallBlur(ctx context.Context, userID int64) (bool, error) {
	return store.WallBlur(ctx, s.db, userID)
}

// SetWallBlur stores whether userID's wall blurs images.
func (s *Service) SetWallBlur(ctx context.Context, userID int64, blur bool) error {
	return store.SetWallBlur(ctx, s.db, userID, blur)
}

// FilesOf returns the files not removed of channel messages, by message id
// (one query), for the wall's cards.
func (s *Service) FilesOf(ctx context.Context, messageIDs []int64) (map[int64][]model.Attachment, error) {
	return store.MessageAttachments(ctx, s.db, messageIDs)
}

// reportedFile checks that attachmentID (0: none) is a file of message
// messageID, not removed.
func (s *Service) reportedFile(ctx context.Context, messageID, attachmentID int64) (*int64, error) {
	if attachmentID == 0 {
		return nil, nil
	}
	a, err := store.Attachment(ctx, s.db, attachmentID)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	if err != nil || a.MessageID == nil || *a.MessageID != messageID || a.RemovedAt != nil {
		return nil, model.Invalid("attachment_id", "That file is not one of this message's files.")
	}
	return &a.ID, nil
}
