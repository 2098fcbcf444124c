package views

// messageFileRemoveURL is the wall's remove-a-file route for one file of m,
// marked as sent from the channel page (its answer is then the message).
func messageFileRemoveURL(m Message, a Attachment) string {
	return "/mod/c/" + m.Slug + "/attachments/" + i64(a.ID) + "/remove?from=channel"
}
