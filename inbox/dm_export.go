package inbox

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"backchannel/export"
	"backchannel/model"
	"backchannel/store"
)

// Export is conversation id as userID sees it, for a Markdown or JSON
// download: the messages after what they deleted for themselves, system
// lines included, deleted messages as tombstones (their text and files
// never leave), edits marked, reactions tallied and files listed. model.ErrNotFound unless userID is a
// current member (a non-member cannot tell it exists).
func (s *Service) Export(ctx context.Context, userID, id int64) (*export.Conversation, error) {
	m, err := store.ConversationMember(ctx, s.db, id, userID)
	if err != nil {
		return nil, err
	}
	if m.LeftAt != nil {
		return nil, fmt.Errorf("inbox: export: left: %w", model.ErrNotFound)
	}
	c, err := store.ConversationByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	rows, err := store.DMExportMessages(ctx, s.db, id, m.ClearedThrough)
	if err != nil {
		return nil, err
	}
	members, err := store.DMMemberNames(ctx, s.db, []int64{id})
	if err != nil {
		return nil, err
	}
	out := &export.Conversation{ID: c.ID, Kind: string(c.Kind), Title: c.Title, ExportedAt: s.now().UTC(),
		Members: []export.Person{}, Messages: make([]export.DM, 0, len(rows))}
	var others []string
	for _, p := range members {
		out.Members = append(out.Members, export.Person{Name: p.DisplayName, Handle: p.Handle})
		if p.UserID == userID {
			out.ExportedBy = export.Person{Name: p.DisplayName, Handle: p.Handle}
		} else {
			others = append(others, p.DisplayName)
		}
	}
	if out.Title == "" {
		out.Title = "Conversation with " + strings.Join(others, ", ")
		if len(others) == 0 {
			out.Title = "Conversation"
		}
	}
	ids := make([]int64, 0, len(rows))
	at := make(map[int64]int, len(rows))
	for _, r := range rows {
		d := export.DM{ID: r.ID, Kind: string(r.Kind), Body: r.Body, CreatedAt: r.CreatedAt.UTC(),
			Edited: r.EditedAt != nil, Reactions: []export.Tally{}}
		if r.ReplyToID != nil {
			d.ReplyToID = *r.ReplyToID
		}
		if r.EditedAt != nil {
			t := r.EditedAt.UTC()
			d.EditedAt = &t
		}
		if r.Kind != model.DMSystem && r.AuthorID != nil {
			d.Author = &export.Person{Name: r.Author, Handle: r.Handle}
		}
		if r.DeletedAt != nil {
			d.Deleted, d.Body, d.Edited, d.EditedAt = true, export.DeletedBody, false, nil
		} else {
			ids = append(ids, r.ID)
		}
		at[r.ID] = len(out.Messages)
		out.Messages = append(out.Messages, d)
	}
	rs, err := store.DMReactions(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	files, err := store.DMMessageAttachments(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	for id, list := range files {
		d := &out.Messages[at[id]]
		for _, a := range list {
			d.Attachments = append(d.Attachments, export.File{Name: a.Name, Type: a.MediaType, Size: a.Size, URL: a.Path()})
		}
	}
	for _, r := range rs {
		d := &out.Messages[at[r.MessageID]]
		i := slices.IndexFunc(d.Reactions, func(t export.Tally) bool { return t.Emoji == r.Emoji })
		if i < 0 {
			d.Reactions = append(d.Reactions, export.Tally{Emoji: r.Emoji})
			i = len(d.Reactions) - 1
		}
		d.Reactions[i].Count++
	}
	// Most people first; ties keep the order the emoji were first used.
	for i := range out.Messages {
		slices.SortStableFunc(out.Messages[i].Reactions, func(a, b export.Tally) int { return b.Count - a.Count })
	}
	return out, nil
}
