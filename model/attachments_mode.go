package model

// AttachmentsMode says who may attach files to a channel's messages.
type AttachmentsMode string

// Attachments modes of a channel.
const (
	AttachmentsAllowed AttachmentsMode = "allowed" // everyone who may post
	AttachmentsStaff   AttachmentsMode = "staff"   // staff and hosts only: off for participants
	AttachmentsReview  AttachmentsMode = "review"  // a participant's message with files is held for review
)

// Valid reports whether m is known.
func (m AttachmentsMode) Valid() bool {
	return m == AttachmentsAllowed || m == AttachmentsStaff || m == AttachmentsReview
}

// OrAllowed is m, or AttachmentsAllowed when m is unset.
func (m AttachmentsMode) OrAllowed() AttachmentsMode {
	if m == "" {
		return AttachmentsAllowed
	}
	return m
}

// ReviewReason is the reason the wall shows for a message held because the
// channel reviews attachments.
const ReviewReason = "has attachments; the host reviews files"
