package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Storage is a parsed BACKCHANNEL_STORAGE_URL: where attachments' bytes live.
type Storage struct {
	Kind      string // "database" (the default) or "s3"
	Endpoint  string // host:port of the S3-compatible server
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	Secure    bool // https to the endpoint (default true; ?secure=false for http)
}

// ParseStorageURL understands "" or "database" (files in the database) and
// s3://ACCESS_KEY:SECRET_KEY@host:port/bucket?secure=false&region=us-east-1.
func ParseStorageURL(raw string) (Storage, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "database" || raw == "db" {
		return Storage{Kind: "database"}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" {
		return Storage{}, fmt.Errorf("%q: use database or s3://ACCESS_KEY:SECRET_KEY@host:port/bucket?secure=false", redact(raw))
	}
	s := Storage{Kind: "s3", Endpoint: u.Host, Bucket: strings.Trim(u.Path, "/"), Secure: true, Region: u.Query().Get("region")}
	if s.Endpoint == "" {
		return Storage{}, fmt.Errorf("%q names no host", redact(raw))
	}
	if s.Bucket == "" || strings.Contains(s.Bucket, "/") {
		return Storage{}, fmt.Errorf("%q: name one bucket as the path, e.g. s3://key:secret@host:9000/backchannel", redact(raw))
	}
	if u.User != nil {
		s.AccessKey = u.User.Username()
		s.SecretKey, _ = u.User.Password()
	}
	if s.AccessKey == "" || s.SecretKey == "" {
		return Storage{}, fmt.Errorf("%q: give the access key and secret key as s3://ACCESS_KEY:SECRET_KEY@host/bucket", redact(raw))
	}
	if v := u.Query().Get("secure"); v != "" {
		if s.Secure, err = strconv.ParseBool(v); err != nil {
			return Storage{}, fmt.Errorf("%q: secure must be true or false", redact(raw))
		}
	}
	return s, nil
}
