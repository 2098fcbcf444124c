package attachments_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rwcarlsen/goexif/exif"
	"github.com/uptrace/bun"

	"backchannel/attachments"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func newUser(t *testing.T, db bun.IDB, name string) int64 {
	t.Helper()
	u := &model.User{Email: name + "@example.org", DisplayName: name, PasswordHash: "h"}
	if err := store.CreateUser(context.Background(), db, u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func readBack(t *testing.T, s *attachments.Service, a *model.Attachment, variant string) []byte {
	t.Helper()
	rc, err := s.Storage.Open(context.Background(), a.ObjectKey(variant))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStorageContractDatabase(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		storageContract(t, attachments.DBStorage{DB: db})
	})
}

// storageContract is what every Storage must do.
func storageContract(t *testing.T, st attachments.Storage) {
	ctx := context.Background()
	data := make([]byte, 2*attachments.ChunkSize+123)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for name, body := range map[string][]byte{"big": data, "exact": data[:attachments.ChunkSize], "tiny": []byte("x")} {
		n, err := st.Put(ctx, "t/"+name, bytes.NewReader(body))
		if err != nil || n != int64(len(body)) {
			t.Fatalf("Put %s = %d, %v", name, n, err)
		}
		rc, err := st.Open(ctx, "t/"+name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("read back %s: %d bytes, %v", name, len(got), err)
		}
	}
	if err := st.Delete(ctx, "t/big"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Open(ctx, "t/big"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Open of a deleted object = %v, want ErrNotFound", err)
	}
	if err := st.Delete(ctx, "t/never"); err != nil {
		t.Errorf("Delete of an absent object = %v", err)
	}
	// A failing reader stores nothing.
	if _, err := st.Put(ctx, "t/broken", io.MultiReader(bytes.NewReader(data), errReader{})); err == nil {
		t.Error("Put from a failing reader succeeded")
	}
	if _, err := st.Open(ctx, "t/broken"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a failed Put left an object: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection lost") }

func TestUploadSniffsTheContent(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		s := attachments.New(db, nil, nil)
		ada := newUser(t, db, "ada")

		a, err := s.Upload(ctx, ada, "report.pdf", bytes.NewReader(pngFile(t, 4, 3)))
		if err != nil {
			t.Fatal(err)
		}
		if a.MediaType != "image/png" || a.Kind != model.AttachmentImage || a.Name != "report.png" || a.Width != 4 || a.Height != 3 {
			t.Errorf("a PNG named .pdf = %+v", a)
		}
		got, err := store.Attachment(ctx, db, a.ID)
		if err != nil || got.SHA256 != a.SHA256 || got.Size != a.Size || got.Size == 0 {
			t.Errorf("stored = %+v, %v", got, err)
		}
		if _, _, err := image.Decode(bytes.NewReader(readBack(t, s, a, attachments.Thumb))); err != nil {
			t.Errorf("thumbnail: %v", err)
		}

		for name, body := range map[string]string{
			"page.png":  "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
			"logo.png":  `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`,
			"tool.pdf":  "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00",
			"notes.txt": "PK\x03\x04 not really a zip",
		} {
			_, err := s.Upload(ctx, ada, name, strings.NewReader(body))
			var p *model.Problem
			if !errors.Is(err, model.ErrUnsupportedMedia) || !errors.As(err, &p) || !strings.Contains(p.Message, "PNG, JPEG, GIF, WEBP") || !strings.Contains(p.Message, "PDF") {
				t.Errorf("upload of %s = %v, want refusal naming what is allowed", name, err)
			}
		}

		for name, tc := range map[string]struct {
			body []byte
			typ  string
			kind model.AttachmentKind
		}{
			"slides.bin": {[]byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), "application/pdf", model.AttachmentFile},
			"notes":      {[]byte("Plain notes from today's class.\nSecond line.\n"), "text/plain", model.AttachmentFile},
			"data.txt":   {[]byte("name,score\nada,3\nbob,4\ncyd,5\n"), "text/csv", model.AttachmentFile},
			"essay.zip":  {docxFile(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", model.AttachmentFile},
			"anim.gif":   {gifFile(t), "image/gif", model.AttachmentImage},
		} {
			a, err := s.Upload(ctx, ada, name, bytes.NewReader(tc.body))
			if err != nil {
				t.Errorf("upload %s: %v", name, err)
				continue
			}
			if a.MediaType != tc.typ || a.Kind != tc.kind {
				t.Errorf("%s: type %s kind %s, want %s %s", name, a.MediaType, a.Kind, tc.typ, tc.kind)
			}
			if tc.kind == model.AttachmentFile && !bytes.Equal(readBack(t, s, a, attachments.Original), tc.body) {
				t.Errorf("%s: stored bytes differ", name)
			}
		}
	})
}

func TestUploadSizeLimits(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		s := attachments.New(db, nil, nil)
		ada := newUser(t, db, "ada")

		// An image is refused once it passes 10 MB, while streaming: the
		// reader never ends.
		src := &endless{head: pngFile(t, 2, 2)}
		_, err := s.Upload(ctx, ada, "huge.png", src)
		var p *model.Problem
		if !errors.Is(err, model.ErrTooLarge) || !errors.As(err, &p) || !strings.Contains(p.Message, "10 MB") {
			t.Fatalf("endless image = %v, want 413 naming 10 MB", err)
		}
		if src.read > 10<<20+64<<10 {
			t.Errorf("read %d bytes of an endless upload", src.read)
		}
		// Exactly 10 MB + 1 is refused too.
		img := append(pngFile(t, 2, 2), make([]byte, 10<<20)...)
		img = img[:10<<20+1]
		if _, err := s.Upload(ctx, ada, "big.png", bytes.NewReader(img)); !errors.Is(err, model.ErrTooLarge) {
			t.Errorf("10 MB + 1 image = %v", err)
		}

		pol := attachments.DefaultPolicy()
		pol.FileMaxBytes = 1 << 20
		if err := attachments.SavePolicy(ctx, db, pol); err != nil {
			t.Fatal(err)
		}
		txt := &endless{head: []byte("hello\n"), fill: 'a'}
		if _, err := s.Upload(ctx, ada, "long.txt", txt); !errors.Is(err, model.ErrTooLarge) || !strings.Contains(err.Error(), "1 MB") {
			t.Errorf("endless text = %v, want 413 naming 1 MB", err)
		}
		tot, err := store.UploadTotalsSince(ctx, db, ada, s.Now().Add(-24*time.Hour))
		if err != nil || tot.Count != 0 {
			t.Errorf("refused uploads left %+v, %v", tot, err)
		}
		if _, err := s.Storage.Open(ctx, model.AttachmentObjectKey(1, attachments.Original)); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("refused upload left its bytes: %v", err)
		}
		ok := bytes.Repeat([]byte("a"), 1<<20)
		if _, err := s.Upload(ctx, ada, "ok.txt", bytes.NewReader(ok)); err != nil {
			t.Errorf("exactly 1 MB = %v", err)
		}
	})
}

func TestUploadStripsExifAndAppliesOrientation(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		s := attachments.New(db, nil, nil)
		ada := newUser(t, db, "ada")
		// A 40×20 photo taken with the camera turned: orientation 6 (rotate 90° clockwise to view).
		in := withExif(jpegFile(t, 40, 20), 6)
		x, err := exif.Decode(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("the test's EXIF does not parse: %v", err)
		}
		if _, err := x.Get(exif.GPSLatitudeRef); err != nil {
			t.Fatalf("the test's EXIF has no GPS: %v", err)
		}
		a, err := s.Upload(ctx, ada, "photo.jpeg", bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if a.Width != 20 || a.Height != 40 || a.MediaType != "image/jpeg" {
			t.Errorf("stored %d×%d %s, want 20×40 image/jpeg", a.Width, a.Height, a.MediaType)
		}
		out := readBack(t, s, a, attachments.Original)
		if _, err := exif.Decode(bytes.NewReader(out)); err == nil {
			t.Error("the stored original still has EXIF")
		}
		if bytes.Contains(out, []byte("Exif\x00\x00")) {
			t.Error("the stored original holds an Exif segment")
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 40 {
			t.Fatalf("stored image is %v", b)
		}
		// Rotated 90° clockwise: the white left half is now on top.
		top, _, _, _ := img.At(10, 5).RGBA()
		bottom, _, _, _ := img.At(10, 35).RGBA()
		if top < 0xc000 || bottom > 0x4000 {
			t.Errorf("not rotated: top %x bottom %x", top, bottom)
		}
	})
}

func TestUploadRefusesDecompressionBombs(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		s := attachments.New(db, nil, nil)
		ada := newUser(t, db, "ada")
		for _, wh := range [][2]uint32{{50000, 50000}, {10001, 1}, {8000, 6000}} {
			_, err := s.Upload(ctx, ada, "bomb.png", bytes.NewReader(bombPNG(t, wh[0], wh[1])))
			if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "pixels") {
				t.Errorf("%d×%d = %v, want refusal", wh[0], wh[1], err)
			}
		}
		tot, _ := store.UploadTotalsSince(ctx, db, ada, s.Now().Add(-24*time.Hour))
		if tot.Count != 0 {
			t.Errorf("refused bombs left %d rows", tot.Count)
		}
	})
}

func TestUploadQuotas(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		s := attachments.New(db, nil, nil)
		ada, bob := newUser(t, db, "ada"), newUser(t, db, "bob")
		pol := attachments.DefaultPolicy()
		pol.DailyCount, pol.DailyBytes = 2, 1000
		if err := attachments.SavePolicy(ctx, db, pol); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if _, err := s.Upload(ctx, ada, "a.txt", strings.NewReader("some notes")); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.Upload(ctx, ada, "a.txt", strings.NewReader("some notes"))
		var rl *model.RateLimitError
		if !errors.As(err, &rl) || !strings.Contains(rl.Message, "2 files") {
			t.Errorf("third upload = %v, want the daily count refusal", err)
		}
		// Bytes: bob's 1,001-byte file passes today's 1,000 bytes.
		if _, err := s.Upload(ctx, bob, "b.txt", strings.NewReader(strings.Repeat("b", 1001))); !errors.Is(err, model.ErrRateLimited) {
			t.Errorf("upload past the byte quota = %v", err)
		}
		if _, err := s.Upload(ctx, bob, "b.txt", strings.NewReader(strings.Repeat("b", 900))); err != nil {
			t.Errorf("upload within quota = %v", err)
		}
		// A day later ada may upload again.
		s.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
		if _, err := s.Upload(ctx, ada, "a.txt", strings.NewReader("some notes")); err != nil {
			t.Errorf("next day = %v", err)
		}
	})
}

func TestPolicyValidate(t *testing.T) {
	t.Parallel()
	for _, bad := range []attachments.Policy{
		{Types: []string{"svg"}, ImageMaxBytes: 1, FileMaxBytes: 1},
		{Types: []string{"png"}, ImageMaxBytes: 0, FileMaxBytes: 1},
		{Types: []string{"png"}, ImageMaxBytes: 1, FileMaxBytes: attachments.MaxFileBytes + 1},
		{Types: []string{"png"}, ImageMaxBytes: 1, FileMaxBytes: 1, DailyCount: -1},
	} {
		if err := bad.Validate(); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if err := attachments.DefaultPolicy().Validate(); err != nil {
		t.Error(err)
	}
}
