// Package attachments holds the use cases of files and images shared in
// messages: upload (type sniffed from the content, size counted while
// streaming, images re-encoded with a thumbnail), who may fetch them, and
// where their bytes live (a Storage: the database by default, or an
// S3-compatible object store).
package attachments

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Storage keeps the bytes of stored objects by key.
type Storage interface {
	// Put stores everything r yields under key, reading it piece by piece,
	// and returns how many bytes it stored.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns a reader of key's bytes; model.ErrNotFound when absent.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes key; deleting an absent key is no error.
	Delete(ctx context.Context, key string) error
}

// ChunkSize is how many bytes one database row of a stored object holds.
const ChunkSize = 256 << 10

// DBStorage keeps objects in the database, ChunkSize bytes a row, so neither
// writing nor reading one holds it whole in memory.
type DBStorage struct{ DB bun.IDB }

// Put implements Storage.
func (s DBStorage) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	buf := make([]byte, ChunkSize)
	var total int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if perr := store.PutChunk(ctx, s.DB, key, seq, buf[:n]); perr != nil {
				_ = store.DeleteChunks(context.WithoutCancel(ctx), s.DB, key)
				return total, fmt.Errorf("attachments: %w", perr)
			}
			total += int64(n)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return total, nil
		}
		if err != nil {
			_ = store.DeleteChunks(context.WithoutCancel(ctx), s.DB, key)
			return total, err
		}
	}
}

// Open implements Storage. The reader fetches one row at a time.
func (s DBStorage) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	first, err := store.Chunk(ctx, s.DB, key, 0)
	if err != nil {
		return nil, fmt.Errorf("attachments: open %s: %w", key, err)
	}
	return &chunkReader{ctx: ctx, db: s.DB, key: key, cur: first}, nil
}

// Delete implements Storage.
func (s DBStorage) Delete(ctx context.Context, key string) error {
	return store.DeleteChunks(ctx, s.DB, key)
}

type chunkReader struct {
	ctx  context.Context
	db   bun.IDB
	key  string
	seq  int
	cur  []byte
	done bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.done {
			return 0, io.EOF
		}
		r.seq++
		next, err := store.Chunk(r.ctx, r.db, r.key, r.seq)
		if errors.Is(err, model.ErrNotFound) {
			r.done = true
			return 0, io.EOF
		}
		if err != nil {
			return 0, err
		}
		r.cur = next
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func (r *chunkReader) Close() error { r.cur, r.done = nil, true; return nil }
