package pages

import (
	"context"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// wallMedia loads the files of every card on the wall in one query, and
// the moderator's own blur setting.
func (h *Pages) wallMedia(ctx context.Context, userID int64, d *views.ModWall) error {
	blur, err := h.Moderation.WallBlur(ctx, userID)
	if err != nil {
		return err
	}
	d.Blur = blur
	var ids []int64
	lists := func(wc *views.WallChannel) [][]views.WallItem {
		return [][]views.WallItem{wc.Held, wc.Reports, wc.Flagged, wc.Incoming}
	}
	for i := range d.Channels {
		for _, l := range lists(&d.Channels[i]) {
			for _, it := range l {
				ids = append(ids, it.ID)
			}
		}
	}
	files, err := h.Moderation.FilesOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range d.Channels {
		for _, l := range lists(&d.Channels[i]) {
			for j := range l {
				l[j] = withFiles(l[j], files[l[j].ID])
			}
		}
	}
	return nil
}

// withFiles is a wall card with its message's files, and the file its
// reports point at (when it is still there).
func withFiles(it views.WallItem, files []model.Attachment) views.WallItem {
	if len(files) == 0 {
		return it
	}
	it.Attachments = web.AttachmentViews(files)
	for _, r := range it.Reports {
		for _, a := range it.Attachments {
			if r.FileID != 0 && a.ID == r.FileID {
				a := a
				it.ReportedFile = &a
				return it
			}
		}
	}
	return it
}

// reportedFileID is the file a report points at; 0 for the message.
func reportedFileID(r model.Report) int64 {
	if r.AttachmentID == nil {
		return 0
	}
	return *r.AttachmentID
}

// changedMessages are the ids of the messages a stream batch carries.
func changedMessages(changes []chat.Change) []int64 {
	var ids []int64
	for _, c := range changes {
		if c.Item != nil {
			ids = append(ids, c.Item.Message.ID)
		}
	}
	return ids
}
