package transcripts

import (
	"backchannel/policies"
	"context"
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
)

// tagName is what a tag may be called once normalised.
var tagName = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_-]*$`)

// tagPalette gives a new tag without a chosen colour one that reads well as
// a chip background with dark text.
func tagPalette(name string) string {
	palette := model.TagColours()
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	return palette[h.Sum32()%uint32(len(palette))]
}

// TagInput says which messages get (or lose) which tag.
type TagInput struct {
	MessageIDs []int64
	Tag        string
	Colour     string // one of model.TagColours; empty: the tag's own or one from the palette
	// Thread applies the tag to each message's whole thread: the first
	// message and every reply.
	Thread bool
}

// TagResult says what changed.
type TagResult struct {
	Tag     *model.Tag
	Changed []int64 // messages that gained (or lost) the tag
}

// Tag puts a tag on messages of ch. Staff only (the route checks the
// permission in ch); every message must belong to ch.
func (s *Service) Tag(ctx context.Context, actorID int64, ch *model.Channel, in TagInput) (*TagResult, error) {
	return s.tag(ctx, actorID, ch, in, true)
}

// Untag takes a tag off messages of ch.
func (s *Service) Untag(ctx context.Context, actorID int64, ch *model.Channel, in TagInput) (*TagResult, error) {
	return s.tag(ctx, actorID, ch, in, false)
}

func (s *Service) tag(ctx context.Context, actorID int64, ch *model.Channel, in TagInput, on bool) (*TagResult, error) {
	name := search.NormalTag(in.Tag)
	switch {
	case name == "":
		return nil, model.Invalid("tag", "Name the tag.")
	case utf8.RuneCountInString(name) > 40:
		return nil, model.Invalid("tag", "A tag has at most 40 characters.")
	case !tagName.MatchString(name):
		return nil, model.Invalid("tag", "A tag is letters, digits, - and _ (spaces become -).")
	case in.Colour != "" && !slices.Contains(model.TagColours(), strings.ToLower(in.Colour)):
		return nil, model.Invalid("colour", "Pick one of the tag colours: "+strings.Join(model.TagColours(), ", ")+".")
	case len(in.MessageIDs) == 0:
		return nil, model.Invalid("messages", "Choose at least one message.")
	case len(in.MessageIDs) > 500:
		return nil, model.Invalid("messages", "Tag at most 500 messages at once.")
	}
	ms, err := store.MessagesByID(ctx, s.db, in.MessageIDs)
	if err != nil {
		return nil, err
	}
	if len(ms) != len(uniq(in.MessageIDs)) {
		return nil, fmt.Errorf("chat: tag: %w", model.ErrNotFound)
	}
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		if m.ChannelID != ch.ID {
			return nil, fmt.Errorf("chat: tag: message %d is not in %s: %w", m.ID, ch.Slug, model.ErrNotFound)
		}
		if in.Thread && m.ParentID != nil {
			ids = append(ids, *m.ParentID)
		} else {
			ids = append(ids, m.ID)
		}
	}
	res := &TagResult{}
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if in.Thread {
			if ids, err = store.ThreadIDs(ctx, tx, uniq(ids)); err != nil {
				return err
			}
		}
		colour := in.Colour
		if colour == "" {
			colour = tagPalette(name)
		}
		if on {
			if res.Tag, err = store.EnsureTag(ctx, tx, name, colour, actorID); err != nil {
				return err
			}
			if in.Colour != "" && res.Tag.Colour != in.Colour {
				if err := store.SetTagColour(ctx, tx, res.Tag, in.Colour); err != nil {
					return err
				}
			}
			res.Changed, err = store.TagMessages(ctx, tx, res.Tag.ID, uniq(ids), actorID)
		} else {
			if res.Tag, err = store.TagByName(ctx, tx, name); err != nil {
				return err
			}
			res.Changed, err = store.UntagMessages(ctx, tx, res.Tag.ID, uniq(ids))
		}
		if err != nil || len(res.Changed) == 0 {
			return err
		}
		action := "message.tag"
		if !on {
			action = "message.untag"
		}
		_, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: actorID, Action: action, TargetType: "tag", TargetID: res.Tag.ID, ChannelID: ch.ID, After: map[string]any{"tag": name, "messages": res.Changed}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Tags lists every tag.
func (s *Service) Tags(ctx context.Context) ([]model.Tag, error) { return store.Tags(ctx, s.db) }

func uniq(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// TagAcross tags messages that may sit in several channels (bulk tagging
// from search results): the actor must hold message:tag in every one of
// them, or nothing is tagged.
func (s *Service) TagAcross(ctx context.Context, actorID int64, ids []int64, in TagInput) (*TagResult, error) {
	ms, err := store.MessagesByID(ctx, s.db, uniq(ids))
	if err != nil {
		return nil, err
	}
	if len(ms) != len(uniq(ids)) {
		return nil, fmt.Errorf("chat: tag: %w", model.ErrNotFound)
	}
	byChannel := map[int64][]int64{}
	byID := map[int64]*model.Message{}
	var order []int64
	for i, m := range ms {
		byID[m.ID] = &ms[i]
		if _, ok := byChannel[m.ChannelID]; !ok {
			order = append(order, m.ChannelID)
		}
		byChannel[m.ChannelID] = append(byChannel[m.ChannelID], m.ID)
	}
	chans := make([]*model.Channel, 0, len(order))
	for _, id := range order {
		ch, err := store.ChannelByID(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		ok, err := s.authz.Can(ctx, actorID, ch.Slug, policies.MessageTag)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, s.refuseTag(ctx, actorID, ch, byID, byChannel[ch.ID])
		}
		chans = append(chans, ch)
	}
	out := &TagResult{}
	for _, ch := range chans {
		one := in
		one.MessageIDs = byChannel[ch.ID]
		r, err := s.Tag(ctx, actorID, ch, one)
		if err != nil {
			return nil, err
		}
		out.Tag = r.Tag
		out.Changed = append(out.Changed, r.Changed...)
	}
	return out, nil
}

// WaitIndexed waits (at most max) until the search index has caught up with
// the given messages, so that a page shown next reflects the change, and
// reports whether it has.
func (s *Service) WaitIndexed(ctx context.Context, ids []int64, max time.Duration) bool {
	if len(ids) == 0 {
		return true
	}
	deadline := time.Now().Add(max)
	for {
		pending, err := store.OutboxHas(ctx, s.db, ids)
		if err != nil {
			return false
		}
		if !pending {
			return true
		}
		if !time.Now().Before(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// refuseTag is TagAcross's answer to someone who may not tag in ch: a
// forbidden tag only where they can see the channel and every chosen message
// in it; otherwise not found, exactly as for an id that names no message, so
// that ids and slugs of channels they cannot read are not revealed.
func (s *Service) refuseTag(ctx context.Context, actorID int64, ch *model.Channel, byID map[int64]*model.Message, ids []int64) error {
	notFound := fmt.Errorf("chat: tag: %w", model.ErrNotFound)
	user, err := store.UserByID(ctx, s.db, actorID)
	if err != nil {
		return notFound
	}
	v, err := s.chat.ViewerFor(ctx, ch, user, nil)
	if err != nil {
		return err
	}
	ok, err := s.chat.CanView(ctx, ch, v)
	if err != nil {
		return err
	}
	if !ok {
		return notFound
	}
	for _, id := range ids {
		if byID[id].State != model.StateVisible {
			return notFound
		}
	}
	return model.Refuse(model.ErrForbidden, "not_staff", "You may not tag messages in #"+ch.Slug+".")
}
