package transcripts

import (
	"context"
	"time"

	"backchannel/model"
	"backchannel/search"
	"backchannel/store"

	"github.com/uptrace/bun"
)

// IndexSource is the database side of the search index: the outbox and the
// documents built from messages.
func (s *Service) IndexSource() search.Source { return NewIndexSource(s.db) }

// NewIndexSource is the index source over db, for the indexer and rebuilds.
func NewIndexSource(db *bun.DB) search.Source { return indexSource{db} }

type indexSource struct{ db *bun.DB }

func (x indexSource) Pending(ctx context.Context, limit int) ([]search.Pending, error) {
	es, err := store.OutboxBatch(ctx, x.db, limit)
	if err != nil {
		return nil, err
	}
	out := make([]search.Pending, len(es))
	for i, e := range es {
		out[i] = search.Pending{ID: e.ID, MessageID: e.MessageID}
	}
	return out, nil
}

func (x indexSource) Docs(ctx context.Context, ids []int64) (map[int64]search.Doc, error) {
	rows, err := store.IndexRows(ctx, x.db, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]search.Doc, len(rows))
	for _, r := range rows {
		if d, ok := docOf(r); ok {
			out[d.ID] = d
		}
	}
	return out, nil
}

func (x indexSource) Done(ctx context.Context, ids []int64) error {
	return store.OutboxDone(ctx, x.db, ids)
}

func (x indexSource) DocsAfter(ctx context.Context, after int64, limit int) ([]search.Doc, int64, error) {
	rows, err := store.IndexRowsAfter(ctx, x.db, after, limit)
	if err != nil || len(rows) == 0 {
		return nil, 0, err
	}
	docs := make([]search.Doc, 0, len(rows))
	for _, r := range rows {
		if d, ok := docOf(r); ok {
			docs = append(docs, d)
		}
	}
	return docs, rows[len(rows)-1].ID, nil
}

func (x indexSource) Count(ctx context.Context) (int, error) { return store.CountMessages(ctx, x.db) }

// indexerLease is the lease the indexers and a rebuild share.
const indexerLease = "search-indexer"

func (x indexSource) TakeLease(ctx context.Context, holder string, ttl time.Duration) (bool, error) {
	return store.TakeLease(ctx, x.db, indexerLease, holder, ttl)
}

func (x indexSource) SeizeLease(ctx context.Context, holder string, ttl time.Duration) (bool, error) {
	return store.SeizeLease(ctx, x.db, indexerLease, holder, ttl)
}

func (x indexSource) ReleaseLease(ctx context.Context, holder string) error {
	return store.ReleaseLease(ctx, x.db, indexerLease, holder)
}

// docOf is a message's search document; a message whose body retention
// removed has none.
func docOf(r store.IndexRow) (search.Doc, bool) {
	m := r.Message
	if m.BodyRemovedAt != nil {
		return search.Doc{}, false
	}
	author := m.AuthorName
	if m.Anonymous {
		author = "Anonymous"
	}
	d := search.Doc{
		ID: m.ID, ChannelID: m.ChannelID, Channel: r.ChannelSlug, ThreadID: m.ID,
		AuthorKey: m.AuthorKey(), Author: author, AuthorFilter: search.FoldName(author),
		Kind: string(m.Kind), State: string(m.State), Answered: m.Answered,
		Tags: r.Tags, Body: m.Body, CreatedAt: m.CreatedAt.UnixMilli(), Votes: m.VoteCount,
	}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	d.Files = make([]string, 0, len(r.Attachments))
	for _, a := range r.Attachments {
		d.Files = append(d.Files, a.Name)
		d.HasFile = true
		d.HasImage = d.HasImage || a.Kind == model.AttachmentImage
	}
	if m.SessionID != nil {
		d.SessionID = *m.SessionID
	}
	if m.ParentID != nil {
		d.ThreadID = *m.ParentID
	}
	return d, true
}
