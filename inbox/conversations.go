package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// MaxTitleLength is the longest a group's title may be, in characters.
const MaxTitleLength = 100

// StartInput starts a conversation: with one other person it is their 1:1
// (reused when the pair has one), with more — or Group, or a Title — a
// group whose admin is the starter.
type StartInput struct {
	Handles      []string // the others, by handle ("@" optional)
	UserIDs      []int64  // or by account id (both may be given)
	Title        string   // a group's title (optional)
	Group        bool     // a group even with one other person
	Body         string   // the first message (optional)
	Attachments  []int64  // the first message's files (see PostInput.Attachments)
	AboutChannel string   // a channel's slug: its staff writing about it reach its members' inboxes
}

// Start starts a conversation (or reopens the pair's 1:1) and posts the
// first message when Body is given. It returns the conversation as the
// starter sees it and the message (nil without Body).
func (s *Service) Start(ctx context.Context, userID int64, in StartInput) (*ConversationView, *MessageView, error) {
	a, err := s.enter(ctx, s.db, userID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.mayWrite(ctx, s.db, a); err != nil {
		return nil, nil, err
	}
	others, err := s.people(ctx, userID, in)
	if err != nil {
		return nil, nil, err
	}
	title := strings.TrimSpace(in.Title)
	if utf8.RuneCountInString(title) > MaxTitleLength {
		return nil, nil, model.Invalid("title", fmt.Sprintf("A title is at most %d characters.", MaxTitleLength))
	}
	group := in.Group || title != "" || len(others) > 1
	if group {
		if len(others)+1 > model.MaxGroupMembers {
			return nil, nil, errGroupFull
		}
		if err := s.mayStartGroup(ctx, a); err != nil {
			return nil, nil, err
		}
	}
	var about *model.Channel
	if in.AboutChannel != "" {
		if about, err = store.ChannelBySlug(ctx, s.db, in.AboutChannel); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return nil, nil, model.Invalid("about_channel", "That channel does not exist.")
			}
			return nil, nil, err
		}
	}
	var text *screened
	if in.Body != "" || len(in.Attachments) > 0 {
		if text, err = s.screenWithFiles(ctx, userID, in.Body, in.Attachments); err != nil {
			return nil, nil, err
		}
	}
	var c *model.Conversation
	if !group {
		if c, err = s.pair(ctx, userID, others[0].ID); err != nil {
			return nil, nil, err
		}
	}
	folders := make([]model.Folder, len(others))
	if c != nil {
		// The pair's 1:1 goes on: where it sits for the other was decided
		// when it started.
		if err := s.mayPostIn(ctx, c, userID); err != nil {
			return nil, nil, err
		}
	} else {
		for i := range others {
			if folders[i], err = s.route(ctx, s.db, a.user, &others[i], about); err != nil {
				return nil, nil, err
			}
		}
		if err := s.paceConversations(ctx, s.db, userID); err != nil {
			return nil, nil, err
		}
	}
	if text != nil {
		if err := s.paceMessages(ctx, s.db, userID); err != nil {
			return nil, nil, err
		}
	}
	var msgID int64
	_, err = s.change(ctx, func(tx bun.Tx) (*model.DMEvent, audience, error) {
		reused := c != nil
		if !reused {
			if c, err = s.create(ctx, tx, a.user, others, folders, title, group, about); err != nil {
				return nil, audience{}, err
			}
		} else if err := reopen(ctx, tx, c.ID, userID); err != nil {
			return nil, audience{}, err
		}
		switch {
		case text == nil && reused: // back in the starter's list: nobody else is told
			return event(c.ID, model.DMEventFolder, nil, userID), justMe(userID), nil
		case text == nil:
			return event(c.ID, model.DMEventMembers, nil, userID), audience{}, nil
		}
		m, err := s.insert(ctx, tx, c, userID, text, nil)
		if err != nil {
			return nil, audience{}, err
		}
		if err := linkFiles(ctx, tx, userID, m.ID, in.Attachments, text); err != nil {
			return nil, audience{}, err
		}
		msgID = m.ID
		return event(c.ID, model.DMEventMessage, &m.ID, userID), audience{}, nil
	})
	if err != nil {
		if errors.Is(err, model.ErrConflict) && !group { // the pair started it at the same moment
			return s.Start(ctx, userID, in)
		}
		return nil, nil, err
	}
	v, err := s.Conversation(ctx, userID, c.ID)
	if err != nil {
		return nil, nil, err
	}
	if msgID == 0 {
		return v, nil, nil
	}
	mv, err := s.Message(ctx, userID, c.ID, msgID)
	if err != nil {
		return nil, nil, err
	}
	return v, mv, nil
}

var errGroupFull = model.Refuse(model.ErrInvalid, "group_full",
	fmt.Sprintf("A group holds at most %d people", model.MaxGroupMembers))

// mayStartGroup applies the site's setting of who may start groups.
func (s *Service) mayStartGroup(ctx context.Context, a *access) error {
	who, err := store.Setting(ctx, s.db, model.SettingDMGroups, "everyone")
	if err != nil || who != "staff" {
		return err
	}
	staff, err := s.isStaff(ctx, a.user.ID)
	if err != nil {
		return err
	}
	if !staff {
		return model.Refuse(model.ErrForbidden, "groups_staff_only", "Only staff can start group conversations on this site")
	}
	return nil
}

// people resolves the others of a new conversation: known accounts, each
// once, not the starter.
func (s *Service) people(ctx context.Context, userID int64, in StartInput) ([]model.User, error) {
	var handles []string
	for _, h := range in.Handles {
		h = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
		if h != "" {
			handles = append(handles, h)
		}
	}
	if len(handles)+len(in.UserIDs) > 4*model.MaxGroupMembers {
		return nil, errGroupFull
	}
	byHandle, err := store.UsersByHandles(ctx, s.db, handles)
	if err != nil {
		return nil, err
	}
	found := map[string]model.User{}
	for _, u := range byHandle {
		found[u.Handle] = u
	}
	byID, err := store.UsersByIDs(ctx, s.db, in.UserIDs)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{userID: true}
	var out []model.User
	add := func(u model.User) {
		if !seen[u.ID] && !u.Disabled() {
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	for _, h := range handles {
		u, ok := found[h]
		if !ok {
			return nil, model.Invalid("members", fmt.Sprintf("No one has the handle @%s.", h))
		}
		add(u)
	}
	for _, id := range in.UserIDs {
		u, ok := byID[id]
		if !ok {
			return nil, model.Invalid("members", "One of the people you named has no account here.")
		}
		add(u)
	}
	if len(out) == 0 {
		return nil, model.Invalid("members", "Name at least one other person to message.")
	}
	return out, nil
}

// pair finds the pair's 1:1; nil when the pair has none.
func (s *Service) pair(ctx context.Context, userID, other int64) (*model.Conversation, error) {
	c, err := store.ConversationByPair(ctx, s.db, pairKey(userID, other))
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// reopen brings the pair's 1:1 back into the starter's inbox: starting it
// again is also answering it when it sat in their Requests.
func reopen(ctx context.Context, db bun.IDB, conversationID, userID int64) error {
	me, err := store.ConversationMember(ctx, db, conversationID, userID)
	if err != nil || !me.Hidden && me.Folder == model.FolderInbox {
		return err
	}
	me.Hidden, me.Folder = false, model.FolderInbox
	return store.UpdateConversationMember(ctx, db, me, "hidden", "folder")
}

// create writes a new conversation with its members.
func (s *Service) create(ctx context.Context, tx bun.IDB, by *model.User, others []model.User, folders []model.Folder,
	title string, group bool, about *model.Channel) (*model.Conversation, error) {
	now := s.now().UTC()
	c := &model.Conversation{Kind: model.ConversationDirect, Title: title, CreatedBy: &by.ID,
		CreatedAt: now, LastActivityAt: now}
	if group {
		c.Kind, c.AdminID = model.ConversationGroup, &by.ID
	} else {
		key := pairKey(by.ID, others[0].ID)
		c.PairKey = &key
	}
	if about != nil {
		c.AboutChannelID = &about.ID
	}
	if err := store.CreateConversation(ctx, tx, c); err != nil {
		return nil, err
	}
	if err := store.JoinConversation(ctx, tx, &model.ConversationMember{ConversationID: c.ID, UserID: by.ID,
		Folder: model.FolderInbox, JoinedAt: now}); err != nil {
		return nil, err
	}
	for i, u := range others {
		if err := store.JoinConversation(ctx, tx, &model.ConversationMember{ConversationID: c.ID, UserID: u.ID,
			Folder: folders[i], JoinedAt: now}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Conversation is one conversation as its member sees it; model.ErrNotFound
// for everyone else.
func (s *Service) Conversation(ctx context.Context, userID, conversationID int64) (*ConversationView, error) {
	_, c, me, err := s.open(ctx, userID, conversationID)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, s.db, c, me)
}

// view builds the conversation view of me.
func (s *Service) view(ctx context.Context, db bun.IDB, c *model.Conversation, me *model.ConversationMember) (*ConversationView, error) {
	ms, err := store.ConversationMembers(ctx, db, c.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	people, err := store.UsersByIDs(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	v := &ConversationView{Conversation: *c, Me: *me, Members: make([]Member, 0, len(ms))}
	for _, m := range ms {
		v.Members = append(v.Members, Member{Person: personOf(people[m.UserID], m.UserID),
			Admin: c.AdminID != nil && *c.AdminID == m.UserID, JoinedAt: m.JoinedAt, LastReadID: m.LastReadID})
	}
	if v.BlockedMembers, err = store.BlockedBy(ctx, db, me.UserID, ids); err != nil {
		return nil, err
	}
	if v.BlockedMembers == nil {
		v.BlockedMembers = []int64{}
	}
	return v, nil
}

// personOf is u as conversations show them (a deleted account by its id).
func personOf(u model.User, id int64) Person {
	if u.ID == 0 {
		return Person{ID: id, DisplayName: "Deleted account"}
	}
	return PersonOf(&u)
}

// maxListed is the most conversations a list shows.
const maxListed = 200

// Conversations lists the viewer's conversations in a folder (inbox or
// requests), newest activity first, with unread counts.
func (s *Service) Conversations(ctx context.Context, userID int64, folder model.Folder) ([]Summary, error) {
	if _, err := s.enter(ctx, s.db, userID); err != nil {
		return nil, err
	}
	if folder != model.FolderInbox && folder != model.FolderRequests {
		return nil, model.Invalid("folder", "A folder is inbox or requests.")
	}
	rows, err := store.MemberRows(ctx, s.db, userID, folder, maxListed)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ConversationID
	}
	convs, err := store.ConversationsByIDs(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	members, err := store.MembersOf(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	unread, err := store.UnreadCounts(ctx, s.db, userID, folder)
	if err != nil {
		return nil, err
	}
	var personIDs, lastIDs []int64
	for _, ms := range members {
		for _, m := range ms {
			personIDs = append(personIDs, m.UserID)
		}
	}
	for _, r := range rows {
		if c := convs[r.ConversationID]; c.LastMessageID > r.ClearedThrough {
			lastIDs = append(lastIDs, c.LastMessageID)
		}
	}
	people, err := store.UsersByIDs(ctx, s.db, personIDs)
	if err != nil {
		return nil, err
	}
	lasts, err := store.DMsByIDs(ctx, s.db, lastIDs)
	if err != nil {
		return nil, err
	}
	lastFiles, err := store.DMMessageAttachments(ctx, s.db, lastIDs)
	if err != nil {
		return nil, err
	}
	hide, err := s.blockedSenders(ctx, userID, folder, convs)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(rows))
	for _, r := range rows {
		c := convs[r.ConversationID]
		if c.CreatedBy != nil && hide[*c.CreatedBy] {
			continue
		}
		sm := Summary{Conversation: c, Folder: r.Folder, Unread: unread[c.ID]}
		var ms []Member
		for _, m := range members[c.ID] {
			p := personOf(people[m.UserID], m.UserID)
			sm.Members = append(sm.Members, p)
			ms = append(ms, Member{Person: p})
		}
		sm.Title = titleOf(c, ms, userID)
		if last, ok := lasts[c.LastMessageID]; ok {
			mv := MessageView{DirectMessage: last, Mine: last.AuthorID != nil && *last.AuthorID == userID,
				Pending: r.Folder == model.FolderRequests}
			if last.DeletedAt == nil {
				mv.Attachments = lastFiles[last.ID]
			}
			if last.AuthorID != nil {
				p := personOf(people[*last.AuthorID], *last.AuthorID)
				mv.Author = &p
			}
			sm.Last = &mv
		}
		out = append(out, sm)
	}
	return out, nil
}

// blockedSenders is, for the Requests folder, the people who started one of
// the requests and whom the viewer has blocked since: their requests are
// not listed.
func (s *Service) blockedSenders(ctx context.Context, userID int64, folder model.Folder, convs map[int64]model.Conversation) (map[int64]bool, error) {
	hide := map[int64]bool{}
	if folder != model.FolderRequests {
		return hide, nil
	}
	var senders []int64
	for _, c := range convs {
		if c.CreatedBy != nil {
			senders = append(senders, *c.CreatedBy)
		}
	}
	blocked, err := store.BlockedBy(ctx, s.db, userID, senders)
	for _, id := range blocked {
		hide[id] = true
	}
	return hide, err
}

// UnreadTotal is the header's badge: unread messages in the viewer's inbox
// (requests never count). Guests and a site without direct messages have
// none.
func (s *Service) UnreadTotal(ctx context.Context, userID int64) (int, error) {
	if _, err := s.enter(ctx, s.db, userID); err != nil {
		if errors.Is(err, model.ErrForbidden) {
			return 0, nil
		}
		return 0, err
	}
	unread, err := store.UnreadCounts(ctx, s.db, userID, model.FolderInbox)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range unread {
		n += u
	}
	return n, nil
}

// DeleteForMe deletes a conversation from the viewer's own view: it leaves
// their list and its history so far is gone for them; the others keep
// theirs. A later message brings it back with only the new history.
func (s *Service) DeleteForMe(ctx context.Context, userID, conversationID int64) error {
	return s.memberChange(ctx, userID, conversationID, func(tx bun.Tx, c *model.Conversation, me *model.ConversationMember) (*model.DMEvent, audience, error) {
		if err := clearFor(ctx, tx, c, me); err != nil {
			return nil, audience{}, err
		}
		return event(c.ID, model.DMEventFolder, nil, userID), justMe(userID), nil
	})
}
