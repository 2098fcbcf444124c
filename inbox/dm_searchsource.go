package inbox

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
)

// IndexSource is the database side of the direct-message search index: the
// event log as an ordered outbox and the documents of direct messages.
func (s *Service) IndexSource() search.DMSource { return NewIndexSource(s.db) }

// NewIndexSource is the direct-message index source over db.
func NewIndexSource(db *bun.DB) search.DMSource { return dmIndexSource{db} }

type dmIndexSource struct{ db *bun.DB }

// dmIndexerLease is the lease the direct-message indexers and a rebuild
// share (apart from the channel index's).
const dmIndexerLease = "search-dm-indexer"

func dmChanges(rows []store.DMIndexEvent) []search.DMChange {
	out := make([]search.DMChange, len(rows))
	for i, r := range rows {
		out[i] = search.DMChange{EventID: r.ID}
		switch r.Kind {
		case model.DMEventMessage, model.DMEventEdit, model.DMEventDelete:
			if r.MessageID != nil {
				out[i].MessageID = *r.MessageID
			}
		}
	}
	return out
}

func (x dmIndexSource) ChangesAfter(ctx context.Context, after int64, limit int) ([]search.DMChange, error) {
	rows, err := store.DMIndexEventsAfter(ctx, x.db, after, limit)
	return dmChanges(rows), err
}

func (x dmIndexSource) Changes(ctx context.Context, ids []int64) ([]search.DMChange, error) {
	rows, err := store.DMIndexEventsByID(ctx, x.db, ids)
	return dmChanges(rows), err
}

func dmDoc(r store.DMIndexRow, files []model.Attachment) search.DMDoc {
	d := search.DMDoc{ID: r.ID, ConversationID: r.ConversationID, AuthorID: r.AuthorID, Author: r.Author,
		Body: r.Body, CreatedAt: r.CreatedAt.UnixMilli(), Files: make([]string, 0, len(files))}
	for _, a := range files {
		d.Files = append(d.Files, a.Name)
		d.HasFile = true
		d.HasImage = d.HasImage || a.Kind == model.AttachmentImage
	}
	return d
}

// dmDocs are the documents of rows, with their files (not removed) read
// in one query.
func (x dmIndexSource) dmDocs(ctx context.Context, rows []store.DMIndexRow) ([]search.DMDoc, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	files, err := store.DMMessageAttachments(ctx, x.db, ids)
	if err != nil {
		return nil, err
	}
	docs := make([]search.DMDoc, len(rows))
	for i, r := range rows {
		docs[i] = dmDoc(r, files[r.ID])
	}
	return docs, nil
}

func (x dmIndexSource) Docs(ctx context.Context, ids []int64) (map[int64]search.DMDoc, error) {
	rows, err := store.DMIndexRows(ctx, x.db, ids)
	if err != nil {
		return nil, err
	}
	docs, err := x.dmDocs(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]search.DMDoc, len(docs))
	for _, d := range docs {
		out[d.ID] = d
	}
	return out, nil
}

func (x dmIndexSource) DocsAfter(ctx context.Context, after int64, limit int) ([]search.DMDoc, int64, error) {
	rows, err := store.DMIndexRowsAfter(ctx, x.db, after, limit)
	if err != nil || len(rows) == 0 {
		return nil, 0, err
	}
	docs, err := x.dmDocs(ctx, rows)
	if err != nil {
		return nil, 0, err
	}
	return docs, rows[len(rows)-1].ID, nil
}

func (x dmIndexSource) Cursor(ctx context.Context) (int64, error) {
	return store.DMSearchCursor(ctx, x.db)
}

func (x dmIndexSource) SetCursor(ctx context.Context, id int64) error {
	return store.SetDMSearchCursor(ctx, x.db, id)
}

func (x dmIndexSource) LastEventID(ctx context.Context) (int64, error) {
	return store.LastDMEventID(ctx, x.db)
}

func (x dmIndexSource) Count(ctx context.Context) (int, error) {
	return store.CountDMIndexable(ctx, x.db)
}

func (x dmIndexSource) TakeLease(ctx context.Context, holder string, ttl time.Duration) (bool, error) {
	return store.TakeLease(ctx, x.db, dmIndexerLease, holder, ttl)
}

func (x dmIndexSource) SeizeLease(ctx context.Context, holder string, ttl time.Duration) (bool, error) {
	return store.SeizeLease(ctx, x.db, dmIndexerLease, holder, ttl)
}

func (x dmIndexSource) ReleaseLease(ctx context.Context, holder string) error {
	return store.ReleaseLease(ctx, x.db, dmIndexerLease, holder)
}
