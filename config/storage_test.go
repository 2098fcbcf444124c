package config

import (
	"strings"
	"testing"
)

func TestParseStorageURL(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"", "database"} {
		if s, err := ParseStorageURL(raw); err != nil || s.Kind != "database" {
			t.Errorf("ParseStorageURL(%q) = %+v, %v", raw, s, err)
		}
	}
	s, err := ParseStorageURL("s3://AK:SK@127.0.0.1:9000/files?secure=false&region=eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	want := Storage{Kind: "s3", Endpoint: "127.0.0.1:9000", Bucket: "files", AccessKey: "AK", SecretKey: "SK", Region: "eu-west-1"}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
	for raw, msg := range map[string]string{
		"ftp://x/y":                   "use database or s3://",
		"s3://AK:SK@host:9000":        "name one bucket",
		"s3://host:9000/b":            "access key",
		"s3://AK:SK@host/b?secure=no": "secure must be",
		"s3://AK:secret@/b":           "names no host",
	} {
		_, err := ParseStorageURL(raw)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseStorageURL(%q) = %v, want %q", raw, err, msg)
		}
		if err != nil && strings.Contains(err.Error(), "secret") && strings.Contains(raw, "secret") {
			t.Errorf("error shows the secret: %v", err)
		}
	}
}
