package attachments_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/uptrace/bun"

	"backchannel/attachments"
	"backchannel/config"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// fakeS3 is an S3-compatible server in process (gofakes3) with a bucket,
// and a Storage over it.
func fakeS3(t *testing.T) attachments.Storage {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	c, err := minio.New(host, &minio.Options{Creds: credentials.NewStaticV4("AK", "SK", "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(context.Background(), "files", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.ParseStorageURL("s3://AK:SK@" + host + "/files?secure=false")
	if err != nil {
		t.Fatal(err)
	}
	st, err := attachments.NewS3Storage(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestPurgeRetained: the bytes of files retention removed leave the
// storage — database chunks or an S3 bucket — both the original and the
// thumbnail; other files keep theirs.
func TestPurgeRetained(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		for name, st := range map[string]attachments.Storage{"database": nil, "s3": fakeS3(t)} {
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				s := attachments.New(db, st, nil)
				ada := newUser(t, db, "ada-"+name)
				gone, err := s.Upload(ctx, ada, "board.png", bytes.NewReader(pngFile(t, 40, 30)))
				if err != nil {
					t.Fatal(err)
				}
				kept, err := s.Upload(ctx, ada, "kept.png", bytes.NewReader(pngFile(t, 40, 30)))
				if err != nil {
					t.Fatal(err)
				}
				now := time.Now().UTC()
				if _, err := db.NewUpdate().Table("attachments").Set("retention_removed_at = ?", now).Set("removed_at = ?", now).
					Where("id = ?", gone.ID).Exec(ctx); err != nil {
					t.Fatal(err)
				}
				if n, err := s.PurgeRetained(ctx); err != nil || n != 1 {
					t.Fatalf("purged %d, %v", n, err)
				}
				for _, v := range []string{attachments.Original, attachments.Thumb} {
					if _, err := s.Storage.Open(ctx, gone.ObjectKey(v)); !errors.Is(err, model.ErrNotFound) {
						t.Errorf("%s of the removed file: %v", v, err)
					}
					if len(readBack(t, s, kept, v)) == 0 {
						t.Errorf("%s of the kept file is empty", v)
					}
				}
				if left, err := store.RetainedAttachments(ctx, db, 10); err != nil || len(left) != 0 {
					t.Errorf("still to purge: %v, %v", left, err)
				}
				if n, err := s.PurgeRetained(ctx); err != nil || n != 0 {
					t.Errorf("second purge %d, %v", n, err)
				}
			})
		}
	})
}
