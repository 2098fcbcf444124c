package pages

import (
	"context"
	"slices"
	"strings"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// messageView turns a chat item into the view model of a message.
func messageView(slug string, v chat.Viewer, it chat.Item) views.Message {
	m := it.Message
	vm := views.Message{ID: m.ID, Slug: slug, Seq: m.Seq, Question: m.Kind == model.KindQuestion,
		Author: it.Author, Anonymous: m.Anonymous, Mine: it.Mine, State: string(m.State),
		Deleted: m.State == model.StateDeleted, CreatedAt: m.CreatedAt, Edited: m.EditedAt != nil,
		VoteCount: m.VoteCount, Voted: it.Voted, ReplyCount: m.ReplyCount, CanEdit: it.CanEdit,
		CanDelete: it.CanDelete, CanAct: v.Poster && !v.Actor.IsZero(), AuthorRole: string(m.AuthorRole)}
	if !m.Anonymous {
		vm.AuthorHandle = m.AuthorHandle
	}
	if m.ParentID != nil {
		vm.ParentID = *m.ParentID
	}
	vm.Staff, vm.Pinned, vm.Highlighted, vm.Answered = v.Staff, m.Pinned, m.Highlighted, m.Answered
	if v.Staff {
		vm.Flagged = m.Flagged
	} else if m.State == model.StateShadow {
		vm.State = string(model.StateVisible) // a shadow-muted author must not learn it
	}
	if vm.State != string(model.StateVisible) {
		vm.CanAct = false // no reactions or replies until others can see it
	}
	vm.CanReport = vm.CanAct && !it.Mine && !v.Staff
	if m.Body != "" {
		vm.Body = web.Segments(m.Body, m.Links)
		vm.RawBody = m.Body
	}
	counts := map[string]views.Reaction{}
	for _, r := range it.Reactions {
		counts[r.Emoji] = views.Reaction{Emoji: r.Emoji, Count: r.Count, Mine: r.Mine}
	}
	for _, e := range model.Reactions() {
		r, ok := counts[e]
		if !ok {
			r = views.Reaction{Emoji: e}
		}
		vm.Reactions = append(vm.Reactions, r)
	}
	vm.Attachments = web.AttachmentViews(it.Attachments)
	for _, r := range it.Replies {
		vm.Replies = append(vm.Replies, messageView(slug, v, r))
	}
	return vm
}

// pinnedFirst puts pinned threads first and highlighted ones next, keeping
// the order otherwise (static/js/feed.js keeps the same order live).
func pinnedFirst(ms []views.Message) {
	rank := func(m views.Message) int {
		switch {
		case m.Pinned:
			return 2
		case m.Highlighted:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(ms, func(a, b views.Message) int { return rank(b) - rank(a) })
}

// channelHead is the title bar of ch as v sees it.
func (h *Pages) channelHead(ctx context.Context, ch *model.Channel, v chat.Viewer) (views.ChannelHead, error) {
	live, err := h.Chat.LiveSession(ctx, ch)
	if err != nil {
		return views.ChannelHead{}, err
	}
	hd := views.ChannelHead{Slug: ch.Slug, Title: ch.Title, Description: ch.Description, Live: live != nil,
		PostingMode: string(ch.PostingMode), SlowMode: ch.SlowModeSeconds, IsHost: v.Host}
	if live != nil {
		hd.SessionTitle = live.Title
	}
	if v.Host || v.Staff {
		hd.JoinCode = ch.JoinCode
	}
	return hd, nil
}

// compose is an empty compose form for ch.
func compose(ch *model.Channel) views.Compose {
	return views.Compose{Slug: ch.Slug, Kind: string(model.KindComment), QuestionsOnly: ch.PostingMode == model.PostingQuestions,
		AllowAnon: ch.AllowAnonymous, MaxLength: ch.MaxLength, SlowMode: ch.SlowModeSeconds}
}

// guidelineView splits a guideline's text into its numbered rules.
func guidelineView(g *model.Guideline) views.Guideline {
	out := views.Guideline{ID: g.ID, Title: g.Title, HTML: web.RenderGuideline(g.Body)}
	for _, line := range strings.Split(g.Body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if i := strings.Index(line, ". "); i > 0 && i < 4 {
			line = line[i+2:]
		}
		out.Rules = append(out.Rules, line)
	}
	return out
}
