package attachments

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Variants of a stored attachment.
const (
	Original = "original"
	Thumb    = "thumb"
)

// sniffBytes is how much of the start of an upload decides its type.
const sniffBytes = 3072

// Service runs uploads and serves attachments.
type Service struct {
	DB      bun.IDB
	Storage Storage
	Log     *slog.Logger
	Now     func() time.Time
	// Visibility decides who sees attached attachments (nil: only their
	// uploader, before attaching, sees any).
	Visibility Visibility
	// images bounds how many images are decoded at once: a decoded image
	// of MaxPixels takes 4 bytes a pixel.
	images chan struct{}
}

// New returns a Service storing bytes in storage (DBStorage{db} when nil).
func New(db bun.IDB, storage Storage, log *slog.Logger) *Service {
	if storage == nil {
		storage = DBStorage{DB: db}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{DB: db, Storage: storage, Log: log, Now: time.Now, images: make(chan struct{}, 2)}
}

// Upload stores the file r yields for uploaderID. Its type is sniffed from
// its first bytes (name and client headers are ignored); its size is counted
// while it streams, and an upload past its type's limit is refused as soon
// as it passes it. Images are re-encoded with a thumbnail.
func (s *Service) Upload(ctx context.Context, uploaderID int64, name string, r io.Reader) (*model.Attachment, error) {
	pol, err := LoadPolicy(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	day, err := store.UploadTotalsSince(ctx, s.DB, uploaderID, s.Now().Add(-24*time.Hour))
	if err != nil {
		return nil, err
	}
	if day.Count >= pol.DailyCount || day.Bytes >= pol.DailyBytes {
		return nil, quotaError(pol)
	}
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("attachments: read upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return nil, model.Invalid("file", "the file is empty")
	}
	sniffed := mimetype.Detect(head)
	ft, ok := pol.allowed(sniffed)
	if !ok {
		return nil, model.Refuse(model.ErrUnsupportedMedia, "unsupported_type",
			fmt.Sprintf("%s files cannot be shared here: %s.", describeSniffed(sniffed), pol.describe()))
	}
	limit := pol.FileMaxBytes
	if ft.Image {
		limit = pol.ImageMaxBytes
	}
	body := &capped{r: io.MultiReader(bytes.NewReader(head), r), left: limit, limit: limit}

	a := &model.Attachment{UploaderID: &uploaderID, Name: cleanName(name, ft), MediaType: ft.MediaType,
		Kind: model.AttachmentFile, CreatedAt: s.Now().UTC().Truncate(time.Microsecond)}
	if ft.Image {
		a.Kind = model.AttachmentImage
	}
	if err := store.CreateAttachment(ctx, s.DB, a); err != nil {
		return nil, err
	}
	if err := s.storeBytes(ctx, a, ft, body); err != nil {
		s.discard(ctx, a.ID)
		return nil, err
	}
	if day.Bytes+a.Size+a.ThumbSize > pol.DailyBytes {
		s.discard(ctx, a.ID)
		return nil, quotaError(pol)
	}
	if err := store.CompleteAttachment(ctx, s.DB, a); err != nil {
		s.discard(ctx, a.ID)
		return nil, err
	}
	return a, nil
}

// storeBytes writes the variants of a and fills in its size, digest and
// (for images) dimensions.
func (s *Service) storeBytes(ctx context.Context, a *model.Attachment, ft FileType, body *capped) error {
	if !ft.Image {
		h := sha256.New()
		n, err := s.Storage.Put(ctx, a.ObjectKey(Original), io.TeeReader(body, h))
		if err != nil {
			return err
		}
		a.Size, a.SHA256 = n, hex.EncodeToString(h.Sum(nil))
		return nil
	}
	select {
	case s.images <- struct{}{}:
		defer func() { <-s.images }()
	case <-ctx.Done():
		return ctx.Err()
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	img, err := processImage(data, ft)
	data = nil //nolint:ineffassign // let the upload's bytes go before storing
	if err != nil {
		return err
	}
	a.MediaType, a.Width, a.Height = img.mediaType, img.width, img.height
	a.Size, a.SHA256 = int64(len(img.original)), digest(sha256.New(), img.original)
	if _, err := s.Storage.Put(ctx, a.ObjectKey(Original), bytes.NewReader(img.original)); err != nil {
		return err
	}
	if _, err := s.Storage.Put(ctx, a.ObjectKey(Thumb), bytes.NewReader(img.thumb)); err != nil {
		return err
	}
	a.ThumbSize = int64(len(img.thumb))
	return nil
}

func digest(h hash.Hash, b []byte) string { h.Write(b); return hex.EncodeToString(h.Sum(nil)) }

// discard removes a failed upload's bytes and row.
func (s *Service) discard(ctx context.Context, id int64) {
	ctx = context.WithoutCancel(ctx)
	for _, v := range []string{Original, Thumb} {
		if err := s.Storage.Delete(ctx, model.AttachmentObjectKey(id, v)); err != nil {
			s.Log.Warn("attachments: discard upload", "id", id, "err", err)
		}
	}
	if err := store.DeleteAttachment(ctx, s.DB, id); err != nil {
		s.Log.Warn("attachments: discard upload", "id", id, "err", err)
	}
}

func quotaError(p Policy) error {
	return &model.RateLimitError{RetryAfter: 3600, Message: fmt.Sprintf(
		"You have reached today's upload limit (%d files or %s in 24 hours). Try again later.",
		p.DailyCount, HumanBytes(p.DailyBytes))}
}

// capped reads r and fails with a 413 error once more than limit bytes came.
type capped struct {
	r           io.Reader
	left, limit int64
}

func (c *capped) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, TooLarge(c.limit)
	}
	return n, err
}

// TooLarge is the refusal of an upload larger than limit bytes.
func TooLarge(limit int64) error {
	return model.Refuse(model.ErrTooLarge, "too_large", fmt.Sprintf("The file is too large: the limit is %s.", HumanBytes(limit)))
}

// describeSniffed names a refused type for people.
func describeSniffed(m *mimetype.MIME) string {
	t := m.String()
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	if m.Extension() != "" {
		return strings.ToUpper(strings.TrimPrefix(m.Extension(), ".")) + " (" + t + ")"
	}
	return t
}

// cleanName keeps the last element of a client's file name, without control
// characters or path separators, at most 200 characters; a re-encoded image
// gets its new extension.
func cleanName(name string, ft FileType) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == "" {
		name = "file"
	}
	if ft.Image {
		ext := path.Ext(name)
		if !strings.EqualFold(ext, ft.Ext) && !(ft.Ext == ".jpg" && strings.EqualFold(ext, ".jpeg")) {
			name = strings.TrimSuffix(name, ext) + ft.Ext
		}
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	return name
}
