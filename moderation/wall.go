package moderation

import (
	"context"
	"errors"
	"time"

	"backchannel/chat"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// ModChannels lists the channels userID moderates (Casbin domain = channel).
func (s *Service) ModChannels(ctx context.Context, userID int64) ([]chat.ChannelSummary, error) {
	return s.chat.ChannelsWhere(ctx, func(c *model.Channel) (bool, error) {
		return s.authz.Can(ctx, userID, c.Slug, policies.MessageModerate)
	})
}

// Queue is what waits for moderators in a channel.
type Queue struct {
	Held     []chat.Item    // held for review, oldest first
	Flagged  []chat.Item    // visible but flagged by a filter, oldest first
	Reports  []ReportedItem // open reports, oldest first
	Incoming []chat.Item    // the newest messages of every state, oldest first
}

// ReportedItem is a reported message with its open reports.
type ReportedItem struct {
	Item    chat.Item
	Reports []model.Report
}

// Queue reads ch's moderation queue for staff viewer v.
func (s *Service) Queue(ctx context.Context, ch *model.Channel, v Viewer, incoming int) (*Queue, error) {
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	q := &Queue{}
	held, err := store.ListMessages(ctx, s.db, store.MessageFilter{ChannelID: ch.ID, States: []model.MessageState{model.StateHeld}, Limit: 500})
	if err != nil {
		return nil, err
	}
	if q.Held, err = s.chat.Items(ctx, v, held); err != nil {
		return nil, err
	}
	recent, err := store.ListMessages(ctx, s.db, store.MessageFilter{ChannelID: ch.ID, Limit: incoming, Newest: true})
	if err != nil {
		return nil, err
	}
	if q.Incoming, err = s.chat.Items(ctx, v, recent); err != nil {
		return nil, err
	}
	for _, it := range q.Incoming {
		if it.Message.Flagged && it.Message.State == model.StateVisible {
			q.Flagged = append(q.Flagged, it)
		}
	}
	rs, err := store.OpenReports(ctx, s.db, []int64{ch.ID})
	if err != nil {
		return nil, err
	}
	byMsg := map[int64][]model.Report{}
	var ids []int64
	for _, r := range rs {
		if _, ok := byMsg[r.MessageID]; !ok {
			ids = append(ids, r.MessageID)
		}
		byMsg[r.MessageID] = append(byMsg[r.MessageID], r)
	}
	ms, err := store.MessagesByID(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	items, err := s.chat.Items(ctx, v, ms)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		q.Reports = append(q.Reports, ReportedItem{Item: it, Reports: byMsg[it.Message.ID]})
	}
	return q, nil
}

// Person is what staff see when they open someone's card.
type Person struct {
	Subject   string // actor key
	Name      string
	Email     string // for accounts
	Messages  []model.Message
	Sanctions []model.Sanction
	Notes     []model.ModNote
	Active    []model.Sanction // in force in the channel
	// NoteAuthors names the staff who wrote the notes, by user id.
	NoteAuthors map[int64]string
}

// NoteAuthor is the name of the staff member who wrote n ("a former
// moderator" when the account is gone).
func (p *Person) NoteAuthor(n *model.ModNote) string {
	if n.CreatedBy != nil {
		if name, ok := p.NoteAuthors[*n.CreatedBy]; ok {
			return name
		}
	}
	return "a former moderator"
}

// PersonCard reads a person's recent messages across channels, past
// sanctions and the notes staff keep about them.
func (s *Service) PersonCard(ctx context.Context, ch *model.Channel, v Viewer, subject string) (*Person, error) {
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	a, err := parseSubject(subject)
	if err != nil {
		return nil, err
	}
	p := &Person{Subject: subject}
	if a.UserID != 0 {
		u, err := store.UserByID(ctx, s.db, a.UserID)
		if err != nil {
			return nil, err
		}
		p.Name, p.Email = u.DisplayName, u.Email
	} else {
		g, err := store.GuestByID(ctx, s.db, a.GuestID)
		if err != nil {
			return nil, err
		}
		p.Name = g.DisplayName + " (guest)"
	}
	if p.Messages, err = store.MessagesBy(ctx, s.db, a, 20); err != nil {
		return nil, err
	}
	if p.Sanctions, err = store.SanctionsOf(ctx, s.db, subject, 50); err != nil {
		return nil, err
	}
	if p.Notes, err = store.NotesOf(ctx, s.db, subject); err != nil {
		return nil, err
	}
	p.NoteAuthors = map[int64]string{}
	for _, n := range p.Notes {
		if n.CreatedBy == nil {
			continue
		}
		if _, ok := p.NoteAuthors[*n.CreatedBy]; ok {
			continue
		}
		u, err := store.UserByID(ctx, s.db, *n.CreatedBy)
		if errors.Is(err, model.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		p.NoteAuthors[u.ID] = u.DisplayName
	}
	if p.Active, err = store.ActiveSanctions(ctx, s.db, subject, ch.ID, s.now()); err != nil {
		return nil, err
	}
	return p, nil
}

// StaffChat lists the newest messages of ch's staff side chat.
func (s *Service) StaffChat(ctx context.Context, ch *model.Channel, v Viewer, limit int) ([]model.StaffMessage, error) {
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	return store.StaffMessages(ctx, s.db, ch.ID, limit)
}

// Warnings returns the warnings moderators gave v in ch within the last day,
// newest first, so the channel page can show them to the person.
func (s *Service) Warnings(ctx context.Context, ch *model.Channel, v Viewer) ([]model.Sanction, error) {
	if v.Actor.IsZero() {
		return nil, nil
	}
	ss, err := store.SanctionsOf(ctx, s.db, v.Actor.Key(), 20)
	if err != nil {
		return nil, err
	}
	var out []model.Sanction
	for _, sn := range ss {
		if sn.Kind == model.SanctionWarn && sn.RevokedAt == nil && (sn.ChannelID == nil || *sn.ChannelID == ch.ID) &&
			s.now().Sub(sn.CreatedAt) < 24*time.Hour {
			out = append(out, sn)
		}
	}
	return out, nil
}

// Original reads a message of ch with the text its author wrote before a
// filter masked words in it (Message.Original; nil when nothing was
// masked), for staff only.
func (s *Service) Original(ctx context.Context, ch *model.Channel, v Viewer, id int64) (*model.Message, error) {
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	m, err := store.MessageByID(ctx, s.db, id)
	if err != nil || m.ChannelID != ch.ID {
		return nil, model.ErrNotFound
	}
	return m, nil
}
