package views

import "strconv"

func channelURL(slug, rest string) string { return "/c/" + slug + rest }

func messageID(id int64) string { return "m-" + strconv.FormatInt(id, 10) }

func messageURL(m Message, rest string) string {
	return "/c/" + m.Slug + "/messages/" + strconv.FormatInt(m.ID, 10) + rest
}

func composeID(c Compose) string {
	if c.ParentID != 0 {
		return "reply-" + strconv.FormatInt(c.ParentID, 10)
	}
	return "compose-body"
}

func composeTestID(c Compose) string {
	if c.ParentID != 0 {
		return "reply-form"
	}
	return "compose"
}

func composeRows(c Compose) string {
	if c.ParentID != 0 {
		return "2"
	}
	return "3"
}

func composePlaceholder(c Compose) string {
	switch {
	case c.ParentID != 0:
		return "Write a reply"
	case c.QuestionsOnly:
		return "Ask the speaker a question"
	}
	return "Share a comment or ask a question"
}

func voteLabel(m Message) string { return "▲ " + strconv.Itoa(m.VoteCount) }

func reactionLabel(r Reaction) string {
	if r.Count == 0 {
		return r.Emoji
	}
	return r.Emoji + " " + strconv.Itoa(r.Count)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func feedLabel(sort string) string {
	if sort == "top" {
		return "Messages, top questions first"
	}
	return "Messages, newest first"
}
