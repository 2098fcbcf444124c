package attachments_test

import (
	"testing"
)

// The Storage contract on an S3-compatible server: gofakes3 (from the Go
// module proxy; no MinIO binary can be installed here) serves the S3 HTTP
// API in process, and minio-go talks to it over HTTP as to any S3 store
// (fakeS3).
func TestStorageContractS3(t *testing.T) {
	t.Parallel()
	storageContract(t, fakeS3(t))
}
