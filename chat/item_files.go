package chat

import "backchannel/model"

// filesOf is what v is shown of m's files (its unremoved attachments, read
// in batch with store.MessageAttachments): none once retention removed its
// body, and for everyone but staff none once it is deleted, as its text.
func filesOf(m *model.Message, v Viewer, files []model.Attachment) []model.Attachment {
	if m.BodyRemovedAt != nil || (m.State == model.StateDeleted && !v.Staff) {
		return nil
	}
	return files
}
