// Package static holds the stylesheet, scripts and images, embedded into the
// binary. static/vendor is filled from npm by the Makefile (make vendor).
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

//go:embed css js img all:vendor
var files embed.FS

// FS returns the embedded static files.
func FS() fs.FS { return files }

// Version is a short hash of every static file, added to asset URLs so that
// they can be cached for a year and still change with each release.
func Version() string {
	h := sha256.New()
	_ = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}
