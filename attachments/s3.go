package attachments

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"backchannel/config"
	"backchannel/model"
)

// S3Storage keeps objects in a bucket of an S3-compatible object store.
type S3Storage struct {
	client *minio.Client
	bucket string
}

// s3PartSize is the part of a multipart upload minio-go holds in memory per
// Put while the total length is unknown.
const s3PartSize = 5 << 20

// NewS3Storage connects to the store described by s (config.ParseStorageURL).
func NewS3Storage(s config.Storage) (*S3Storage, error) {
	c, err := minio.New(s.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure: s.Secure,
		Region: s.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("attachments: s3 %s: %w", s.Endpoint, err)
	}
	return &S3Storage{client: c, bucket: s.Bucket}, nil
}

// Put implements Storage; the length is unknown, so minio-go uploads in
// parts of s3PartSize.
func (s *S3Storage) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	info, err := s.client.PutObject(ctx, s.bucket, key, r, -1, minio.PutObjectOptions{
		PartSize: s3PartSize, ContentType: "application/octet-stream",
		// UNSIGNED-PAYLOAD rather than aws-chunked signing, which not
		// every S3-compatible server decodes; parts carry checksums.
		DisableContentSha256: true,
	})
	if err != nil {
		return 0, fmt.Errorf("attachments: s3 put %s: %w", key, err)
	}
	return info.Size, nil
}

// Open implements Storage.
func (s *S3Storage) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("attachments: s3 open %s: %w", key, err)
	}
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close()
		var er minio.ErrorResponse
		if errors.As(err, &er) && er.Code == "NoSuchKey" {
			return nil, fmt.Errorf("attachments: s3 open %s: %w", key, model.ErrNotFound)
		}
		return nil, fmt.Errorf("attachments: s3 open %s: %w", key, err)
	}
	return obj, nil
}

// Delete implements Storage.
func (s *S3Storage) Delete(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("attachments: s3 delete %s: %w", key, err)
	}
	return nil
}
