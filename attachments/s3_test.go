package attachments_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"backchannel/attachments"
	"backchannel/config"
)

// The Storage contract on an S3-compatible server: gofakes3 (from the Go
// module proxy; no MinIO binary can be installed here) serves the S3 HTTP
// API in process, and minio-go talks to it over HTTP as to any S3 store.
func TestStorageContractS3(t *testing.T) {
	t.Parallel()
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
	storageContract(t, st)
}
