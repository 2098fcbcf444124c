package attachments

import (
	"context"
	"fmt"
	"io"

	"backchannel/model"
	"backchannel/store"
)

// Visibility decides whether a person may see an attached attachment: a
// signed-in one, or a guest without an account by the guest secret the
// request holds for a channel (tokenFor; "" when none).
type Visibility interface {
	CanSee(ctx context.Context, viewer *model.User, a *model.Attachment) (bool, error)
	CanGuestSee(ctx context.Context, tokenFor func(channelID int64) string, a *model.Attachment) (bool, error)
}

// ChannelMessages answers for channel messages (chat.Service does): for a
// signed-in person, and for a guest by the guest secret the request holds
// for the message's channel.
type ChannelMessages interface {
	CanSeeMessage(ctx context.Context, viewer *model.User, messageID int64) (bool, error)
	CanGuestSeeMessage(ctx context.Context, tokenFor func(channelID int64) string, messageID int64) (bool, error)
}

// MessageVisibility is the Visibility of attachments of channel messages
// (by the channel's rules) and of direct messages (their conversation's
// members, after what each cleared).
type MessageVisibility struct {
	Channels ChannelMessages
	Service  *Service
}

// CanSee implements Visibility.
func (v MessageVisibility) CanSee(ctx context.Context, viewer *model.User, a *model.Attachment) (bool, error) {
	switch {
	case viewer == nil:
		return false, nil
	case a.MessageID != nil:
		return v.Channels.CanSeeMessage(ctx, viewer, *a.MessageID)
	case a.DMMessageID != nil:
		return store.DMMessageVisibleTo(ctx, v.Service.DB, *a.DMMessageID, viewer.ID)
	}
	return false, nil
}

// CanGuestSee implements Visibility: guests see files of channel messages
// only (direct messages need an account).
func (v MessageVisibility) CanGuestSee(ctx context.Context, tokenFor func(channelID int64) string, a *model.Attachment) (bool, error) {
	if a.MessageID == nil {
		return false, nil
	}
	return v.Channels.CanGuestSeeMessage(ctx, tokenFor, *a.MessageID)
}

// Get returns attachment id if viewer may see it: its uploader while it is
// unattached, and once attached whoever may see its message. Everyone else,
// and everyone once it is removed, gets model.ErrNotFound.
func (s *Service) Get(ctx context.Context, viewer *model.User, id int64) (*model.Attachment, error) {
	notFound := fmt.Errorf("attachments: %d: %w", id, model.ErrNotFound)
	if viewer == nil {
		return nil, notFound
	}
	a, err := store.Attachment(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if a.RemovedAt != nil {
		return nil, notFound
	}
	if !a.Attached() {
		if a.UploaderID == nil || *a.UploaderID != viewer.ID {
			return nil, notFound
		}
		return a, nil
	}
	if s.Visibility == nil {
		return nil, notFound
	}
	ok, err := s.Visibility.CanSee(ctx, viewer, a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound
	}
	return a, nil
}

// GetForGuest returns attachment id if a guest without an account may see
// it: only files of channel messages, by the channel's rules, and only in
// the channel whose guest secret tokenFor gives. Everyone else gets
// model.ErrNotFound.
func (s *Service) GetForGuest(ctx context.Context, tokenFor func(channelID int64) string, id int64) (*model.Attachment, error) {
	notFound := fmt.Errorf("attachments: %d: %w", id, model.ErrNotFound)
	a, err := store.Attachment(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if a.RemovedAt != nil || s.Visibility == nil {
		return nil, notFound
	}
	seen, err := s.Visibility.CanGuestSee(ctx, tokenFor, a)
	if err != nil {
		return nil, err
	}
	if !seen {
		return nil, notFound
	}
	return a, nil
}

// Open returns the bytes of a variant (Original or Thumb) of a, which the
// caller got from Get.
func (s *Service) Open(ctx context.Context, a *model.Attachment, variant string) (io.ReadCloser, error) {
	if variant == Thumb && a.Kind != model.AttachmentImage {
		return nil, fmt.Errorf("attachments: %d has no thumbnail: %w", a.ID, model.ErrNotFound)
	}
	return s.Storage.Open(ctx, a.ObjectKey(variant))
}

// Delete removes viewer's own upload while it is not attached: its bytes
// go, its row stays marked removed (it still counts to the day's quota).
func (s *Service) Delete(ctx context.Context, viewer *model.User, id int64) error {
	a, err := s.Get(ctx, viewer, id)
	if err != nil {
		return err
	}
	if a.Attached() || a.UploaderID == nil || *a.UploaderID != viewer.ID {
		return model.Refuse(model.ErrConflict, "attached", "This file is attached to a message: delete the message, or ask a moderator to remove the file.")
	}
	if err := store.RemoveAttachment(ctx, s.DB, a.ID, viewer.ID); err != nil {
		return err
	}
	s.DeleteBytes(ctx, a)
	return nil
}

// OfMessages returns the unremoved attachments of channel messages the
// caller may already show, by message id.
func (s *Service) OfMessages(ctx context.Context, messageIDs []int64) (map[int64][]model.Attachment, error) {
	return store.MessageAttachments(ctx, s.DB, messageIDs)
}
