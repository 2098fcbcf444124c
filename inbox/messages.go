package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backchannel/attachments"
	"backchannel/model"
	"backchannel/store"
	"backchannel/wordfilter"
)

// MaxMessageLength is the longest a direct message may be, in characters.
const MaxMessageLength = 4000

// PostInput is a new message in a conversation.
type PostInput struct {
	Body      string
	ReplyToID int64 // quote this message of the same conversation (0: none)
	// Attachments are ids of the sender's own unattached uploads (at most
	// attachments.MaxPerMessage), linked in the send's transaction; with
	// them the text may be empty.
	Attachments []int64
}

// screened is a message's text after the site's filters.
type screened struct {
	body    string
	flagged string           // rule ids of flag verdicts, comma-separated
	names   map[int64]string // files whose names the filters masked: the masked name
}

// screen checks a message's text and runs the site's word filters: block
// and hold refuse it (no moderator reads private conversations, so nothing
// is held), mask masks, flag lets it through with the rules recorded.
func (s *Service) screen(ctx context.Context, body string) (*screened, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" {
		return nil, model.Invalid("body", "Write something first.")
	}
	if n := utf8.RuneCountInString(body); n > MaxMessageLength {
		return nil, model.Invalid("body", fmt.Sprintf("Messages are at most %d characters; this one has %d.", MaxMessageLength, n))
	}
	if !utf8.ValidString(body) || strings.ContainsRune(body, 0) {
		return nil, model.Invalid("body", "The message holds characters that cannot be shown.")
	}
	out := &screened{body: body}
	if s.filter == nil {
		return out, nil
	}
	// The site's rules only: no channel's scope applies here.
	v, err := s.filter.Check(ctx, &model.Channel{}, body, nil)
	if err != nil {
		return nil, err
	}
	switch v.Action {
	case wordfilter.Block, wordfilter.Hold:
		return nil, model.Refuse(model.ErrInvalid, "blocked_by_filter", blockedMessage(v.Guideline()))
	case wordfilter.Flag:
		ids := make([]string, 0, len(v.RuleIDs()))
		for _, id := range v.RuleIDs() {
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		out.flagged = strings.Join(ids, ",")
	}
	if v.Masked != "" && v.Masked != body {
		out.body = v.Masked
	}
	return out, nil
}

// screenWithFiles screens a message's text and checks its files
// (attachments.CheckOwn): a message with files may have no text. Each
// file's name goes through the site's filters as the text does: block and
// hold refuse, flag adds its rules, mask masks the name (renamed when the
// files are linked, linkFiles).
func (s *Service) screenWithFiles(ctx context.Context, userID int64, body string, files []int64) (*screened, error) {
	if err := attachments.CheckOwn(ctx, s.db, userID, files); err != nil {
		return nil, err
	}
	out := &screened{}
	if len(files) == 0 || strings.TrimSpace(body) != "" {
		var err error
		if out, err = s.screen(ctx, body); err != nil {
			return nil, err
		}
	}
	if s.filter == nil {
		return out, nil
	}
	flagged := strings.Split(out.flagged, ",")
	for _, id := range files {
		a, err := store.Attachment(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		v, err := s.filter.Check(ctx, &model.Channel{}, a.Name, nil)
		if err != nil {
			return nil, err
		}
		switch v.Action {
		case wordfilter.Block, wordfilter.Hold:
			return nil, model.Refuse(model.ErrInvalid, "blocked_by_filter",
				strings.Replace(blockedMessage(v.Guideline()), "it goes against", "the name of "+a.Name+" goes against", 1))
		case wordfilter.Flag:
			for _, r := range v.RuleIDs() {
				flagged = append(flagged, strconv.FormatInt(r, 10))
			}
		}
		if v.Masked != "" && v.Masked != a.Name {
			if out.names == nil {
				out.names = map[int64]string{}
			}
			out.names[id] = v.Masked
		}
	}
	out.flagged = strings.Trim(strings.Join(flagged, ","), ",")
	return out, nil
}

// linkFiles attaches a sent message's files in its transaction, with the
// names the filters masked.
func linkFiles(ctx context.Context, tx bun.IDB, userID, messageID int64, files []int64, text *screened) error {
	if err := attachments.LinkError(store.AttachToDMMessage(ctx, tx, userID, messageID, files)); err != nil {
		return err
	}
	if text == nil {
		return nil
	}
	for id, name := range text.names {
		if err := store.RenameAttachment(ctx, tx, id, name); err != nil {
			return err
		}
	}
	return nil
}

// blockedMessage is the channels' refusal of a blocked message, citing the
// guideline and never the rule.
func blockedMessage(guideline string) string {
	if guideline == "" {
		return "Your message was not posted: it goes against this site's guidelines."
	}
	return "Your message was not posted: it goes against guideline " + guideline + " of this site."
}

// insert writes a person's message into c: the conversation comes back
// into the lists of members who deleted it for themselves, and a request
// the author answers becomes theirs (moves to their inbox).
func (s *Service) insert(ctx context.Context, tx bun.IDB, c *model.Conversation, authorID int64, text *screened, replyTo *int64) (*model.DirectMessage, error) {
	m := &model.DirectMessage{ConversationID: c.ID, AuthorID: &authorID, Kind: model.DMText, Body: text.body,
		ReplyToID: replyTo, FlaggedRules: text.flagged, CreatedAt: s.now().UTC()}
	if err := store.InsertDM(ctx, tx, m); err != nil {
		return nil, err
	}
	c.LastMessageID, c.LastActivityAt = m.ID, m.CreatedAt
	if err := store.UnhideConversation(ctx, tx, c.ID); err != nil {
		return nil, err
	}
	me, err := store.ConversationMember(ctx, tx, c.ID, authorID)
	if err != nil {
		return nil, err
	}
	me.Folder, me.LastReadID = model.FolderInbox, m.ID
	if err := store.UpdateConversationMember(ctx, tx, me, "folder", "last_read_id"); err != nil {
		return nil, err
	}
	return m, nil
}

// system writes a system line (membership, title, admin) into c.
func (s *Service) system(ctx context.Context, tx bun.IDB, c *model.Conversation, actor int64, line string) (*model.DirectMessage, error) {
	m := &model.DirectMessage{ConversationID: c.ID, AuthorID: &actor, Kind: model.DMSystem, Body: line,
		CreatedAt: s.now().UTC()}
	if err := store.InsertDM(ctx, tx, m); err != nil {
		return nil, err
	}
	c.LastMessageID, c.LastActivityAt = m.ID, m.CreatedAt
	return m, nil
}

// Post sends a message to a conversation the viewer is in.
func (s *Service) Post(ctx context.Context, userID, conversationID int64, in PostInput) (*MessageView, error) {
	a, c, me, err := s.open(ctx, userID, conversationID)
	if err != nil {
		return nil, err
	}
	if err := s.mayWrite(ctx, s.db, a); err != nil {
		return nil, err
	}
	if err := s.mayPostIn(ctx, c, userID); err != nil {
		return nil, err
	}
	text, err := s.screenWithFiles(ctx, userID, in.Body, in.Attachments)
	if err != nil {
		return nil, err
	}
	var replyTo *int64
	if in.ReplyToID != 0 {
		r, err := store.DMByID(ctx, s.db, in.ReplyToID)
		if err != nil || r.ConversationID != c.ID || r.ID <= me.ClearedThrough || r.Kind != model.DMText {
			return nil, model.Invalid("reply_to", "The message you reply to is not in this conversation.")
		}
		replyTo = &r.ID
	}
	if err := s.paceMessages(ctx, s.db, userID); err != nil {
		return nil, err
	}
	var id int64
	if _, err := s.change(ctx, func(tx bun.Tx) (*model.DMEvent, audience, error) {
		c, _, err := member(ctx, tx, conversationID, userID) // still a member, inside the transaction
		if err != nil {
			return nil, audience{}, err
		}
		m, err := s.insert(ctx, tx, c, userID, text, replyTo)
		if err != nil {
			return nil, audience{}, err
		}
		if err := linkFiles(ctx, tx, userID, m.ID, in.Attachments, text); err != nil {
			return nil, audience{}, err
		}
		id = m.ID
		return event(c.ID, model.DMEventMessage, &m.ID, userID), audience{}, nil
	}); err != nil {
		return nil, err
	}
	return s.Message(ctx, userID, conversationID, id)
}

// mayPostIn refuses a message in a 1:1 whose two people have blocked one
// another (either way). Groups go on: their members are warned instead.
func (s *Service) mayPostIn(ctx context.Context, c *model.Conversation, userID int64) error {
	if c.Kind != model.ConversationDirect {
		return nil
	}
	ms, err := store.ConversationMembers(ctx, s.db, c.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.UserID == userID {
			continue
		}
		blocked, err := store.BlockedEitherWay(ctx, s.db, userID, m.UserID)
		if err != nil {
			return err
		}
		if blocked {
			return model.Refuse(model.ErrForbidden, "blocked", "You can't message this person.")
		}
	}
	return nil
}

// ownMessage loads a message of the viewer's in a conversation they are in.
func ownMessage(ctx context.Context, db bun.IDB, userID, conversationID, messageID int64) (*model.Conversation, *model.DirectMessage, error) {
	c, me, err := member(ctx, db, conversationID, userID)
	if err != nil {
		return nil, nil, err
	}
	m, err := visibleMessage(ctx, db, me, messageID)
	if err != nil {
		return nil, nil, err
	}
	if m.Kind != model.DMText || m.AuthorID == nil || *m.AuthorID != userID {
		return nil, nil, model.Refuse(model.ErrForbidden, "not_yours", "You can change only your own messages.")
	}
	if m.DeletedAt != nil {
		return nil, nil, model.Refuse(model.ErrConflict, "deleted", "This message was deleted.")
	}
	return c, m, nil
}

// visibleMessage loads a message the member can see (in the conversation,
// after what they cleared); model.ErrNotFound otherwise.
func visibleMessage(ctx context.Context, db bun.IDB, me *model.ConversationMember, messageID int64) (*model.DirectMessage, error) {
	m, err := store.DMByID(ctx, db, messageID)
	if err != nil {
		return nil, err
	}
	if m.ConversationID != me.ConversationID || m.ID <= me.ClearedThrough {
		return nil, fmt.Errorf("inbox: message: %w", model.ErrNotFound)
	}
	return m, nil
}

// Edit changes the text of the viewer's own message, within
// model.DMEditWindow of posting; the filters run again and it is marked
// edited.
func (s *Service) Edit(ctx context.Context, userID, conversationID, messageID int64, body string) (*MessageView, error) {
	a, err := s.enter(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	if _, _, err := ownMessage(ctx, s.db, userID, conversationID, messageID); err != nil {
		return nil, err
	}
	if err := s.mayWrite(ctx, s.db, a); err != nil {
		return nil, err
	}
	text, err := s.screen(ctx, body)
	if err != nil {
		return nil, err
	}
	if _, err := s.change(ctx, func(tx bun.Tx) (*model.DMEvent, audience, error) {
		_, m, err := ownMessage(ctx, tx, userID, conversationID, messageID)
		if err != nil {
			return nil, audience{}, err
		}
		now := s.now().UTC()
		if now.Sub(m.CreatedAt) > model.DMEditWindow {
			return nil, audience{}, model.Refuse(model.ErrForbidden, "edit_window_over",
				fmt.Sprintf("Messages can be edited for %d minutes after they are sent.", int(model.DMEditWindow.Minutes())))
		}
		m.Body, m.FlaggedRules, m.EditedAt = text.body, text.flagged, &now
		if err := store.UpdateDM(ctx, tx, m, "body", "flagged_rules", "edited_at"); err != nil {
			return nil, audience{}, err
		}
		return event(conversationID, model.DMEventEdit, &m.ID, userID), audience{}, nil
	}); err != nil {
		return nil, err
	}
	return s.Message(ctx, userID, conversationID, messageID)
}

// Delete deletes the viewer's own message for everyone: a tombstone stays
// (body emptied, reactions gone).
func (s *Service) Delete(ctx context.Context, userID, conversationID, messageID int64) error {
	if _, err := s.enter(ctx, s.db, userID); err != nil {
		return err
	}
	_, err := s.change(ctx, func(tx bun.Tx) (*model.DMEvent, audience, error) {
		_, m, err := ownMessage(ctx, tx, userID, conversationID, messageID)
		if err != nil {
			return nil, audience{}, err
		}
		now := s.now().UTC()
		m.Body, m.FlaggedRules, m.DeletedAt = "", "", &now
		if err := store.UpdateDM(ctx, tx, m, "body", "flagged_rules", "deleted_at"); err != nil {
			return nil, audience{}, err
		}
		if err := store.DeleteDMReactions(ctx, tx, m.ID); err != nil {
			return nil, audience{}, err
		}
		return event(conversationID, model.DMEventDelete, &m.ID, userID), audience{}, nil
	})
	return err
}

// React puts the viewer's emoji (from the channels' palette) on a message
// (on) or takes it off; asking for what is already so changes nothing and
// writes no event.
//
// Adding one is writing: refused as sending is (a direct-message suspension,
// a site-wide mute or ban, a site that keeps direct messages to staff);
// taking one's own off stays allowed.
func (s *Service) React(ctx context.Context, userID, conversationID, messageID int64, emoji string, on bool) error {
	a, err := s.enter(ctx, s.db, userID)
	if err != nil {
		return err
	}
	if on {
		if err := s.mayWrite(ctx, s.db, a); err != nil {
			return err
		}
	}
	if !slices.Contains(model.Reactions(), emoji) {
		return model.Invalid("emoji", "Pick a reaction from the palette: "+strings.Join(model.Reactions(), " "))
	}
	return s.memberChange(ctx, userID, conversationID, func(tx bun.Tx, _ *model.Conversation, me *model.ConversationMember) (*model.DMEvent, audience, error) {
		m, err := visibleMessage(ctx, tx, me, messageID)
		if err != nil {
			return nil, audience{}, err
		}
		if m.Kind != model.DMText || m.DeletedAt != nil {
			return nil, audience{}, model.Refuse(model.ErrConflict, "cannot_react", "This message takes no reactions.")
		}
		changed, err := store.SetDMReaction(ctx, tx, &model.DMReaction{MessageID: m.ID, UserID: userID, Emoji: emoji,
			CreatedAt: s.now().UTC()}, on)
		if err != nil || !changed {
			return nil, audience{}, err
		}
		return event(conversationID, model.DMEventReaction, &m.ID, userID), audience{}, nil
	})
}

// MarkRead moves the viewer's read marker forward to messageID (never
// back); the other members see it as "seen".
func (s *Service) MarkRead(ctx context.Context, userID, conversationID, messageID int64) error {
	return s.memberChange(ctx, userID, conversationID, func(tx bun.Tx, c *model.Conversation, me *model.ConversationMember) (*model.DMEvent, audience, error) {
		if messageID <= 0 || messageID > c.LastMessageID {
			return nil, audience{}, model.Invalid("message_id", "Name a message of this conversation.")
		}
		if _, err := visibleMessage(ctx, tx, me, messageID); err != nil && !errors.Is(err, model.ErrNotFound) {
			return nil, audience{}, err
		} else if err != nil {
			return nil, audience{}, model.Invalid("message_id", "Name a message of this conversation.")
		}
		if messageID <= me.LastReadID {
			return nil, audience{}, nil
		}
		me.LastReadID = messageID
		if err := store.UpdateConversationMember(ctx, tx, me, "last_read_id"); err != nil {
			return nil, audience{}, err
		}
		return event(conversationID, model.DMEventRead, &messageID, userID), audience{}, nil
	})
}

// PageInput asks for a page of messages: after an id (older first), before
// an id, or the newest; Limit 1–200 (0: 50).
type PageInput struct {
	Before, After int64
	Limit         int
}

// Messages is a page of a conversation's messages as the viewer sees them
// (only those after what they cleared, or since they joined), oldest first.
func (s *Service) Messages(ctx context.Context, userID, conversationID int64, in PageInput) (*MessagePage, error) {
	_, _, me, err := s.open(ctx, userID, conversationID)
	if err != nil {
		return nil, err
	}
	if in.Before > 0 && in.After > 0 {
		return nil, model.Invalid("before", "Give after or before, not both.")
	}
	limit := in.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	ms, err := store.DMPage(ctx, s.db, conversationID, me.ClearedThrough, in.Before, in.After, limit+1)
	if err != nil {
		return nil, err
	}
	page := &MessagePage{HasMore: len(ms) > limit}
	if page.HasMore {
		if in.After > 0 {
			ms = ms[:limit]
		} else {
			ms = ms[1:]
		}
	}
	if page.Messages, err = s.messageViews(ctx, s.db, me, ms); err != nil {
		return nil, err
	}
	return page, nil
}

// Message is one message as the viewer sees it.
func (s *Service) Message(ctx context.Context, userID, conversationID, messageID int64) (*MessageView, error) {
	_, _, me, err := s.open(ctx, userID, conversationID)
	if err != nil {
		return nil, err
	}
	m, err := visibleMessage(ctx, s.db, me, messageID)
	if err != nil {
		return nil, err
	}
	vs, err := s.messageViews(ctx, s.db, me, []model.DirectMessage{*m})
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// messageViews builds what me sees of messages: authors, quotes, reaction
// tallies and files (one statement each, however many messages).
func (s *Service) messageViews(ctx context.Context, db bun.IDB, me *model.ConversationMember, ms []model.DirectMessage) ([]MessageView, error) {
	ids := make([]int64, len(ms))
	var quoteIDs, people []int64
	for i, m := range ms {
		ids[i] = m.ID
		if m.AuthorID != nil {
			people = append(people, *m.AuthorID)
		}
		if m.ReplyToID != nil {
			quoteIDs = append(quoteIDs, *m.ReplyToID)
		}
	}
	quotes, err := store.DMsByIDs(ctx, db, quoteIDs)
	if err != nil {
		return nil, err
	}
	for _, q := range quotes {
		if q.AuthorID != nil {
			people = append(people, *q.AuthorID)
		}
	}
	users, err := store.UsersByIDs(ctx, db, people)
	if err != nil {
		return nil, err
	}
	rs, err := store.DMReactions(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	files, err := store.DMMessageAttachments(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	tally := map[int64][]Reaction{}
	for _, r := range rs {
		list := tally[r.MessageID]
		i := slices.IndexFunc(list, func(x Reaction) bool { return x.Emoji == r.Emoji })
		if i < 0 {
			list, i = append(list, Reaction{Emoji: r.Emoji}), len(list)
		}
		list[i].Count++
		list[i].Mine = list[i].Mine || r.UserID == me.UserID
		tally[r.MessageID] = list
	}
	palette := model.Reactions()
	person := func(id *int64) *Person {
		if id == nil {
			return nil
		}
		p := personOf(users[*id], *id)
		return &p
	}
	now := s.now()
	out := make([]MessageView, len(ms))
	for i, m := range ms {
		v := MessageView{DirectMessage: m, Author: person(m.AuthorID), Reactions: tally[m.ID],
			Pending: me.Folder == model.FolderRequests}
		if m.DeletedAt == nil {
			v.Attachments = files[m.ID]
		}
		slices.SortFunc(v.Reactions, func(a, b Reaction) int {
			return slices.Index(palette, a.Emoji) - slices.Index(palette, b.Emoji)
		})
		if v.Reactions == nil {
			v.Reactions = []Reaction{}
		}
		v.Mine = m.Kind == model.DMText && m.AuthorID != nil && *m.AuthorID == me.UserID
		v.Editable = v.Mine && m.DeletedAt == nil && now.Sub(m.CreatedAt) <= model.DMEditWindow
		if m.ReplyToID != nil {
			q := &Quote{ID: *m.ReplyToID}
			if qm, ok := quotes[*m.ReplyToID]; !ok || qm.ID <= me.ClearedThrough {
				q.Hidden = true
			} else {
				q.Author, q.Deleted = person(qm.AuthorID), qm.DeletedAt != nil
				if !q.Deleted {
					q.Excerpt = excerpt(qm.Body, excerptLen)
				}
			}
			v.ReplyTo = q
		}
		out[i] = v
	}
	return out, nil
}
