package attachments_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"backchannel/attachments"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// noisyJPEG is a JPEG of about the given size (noise compresses badly).
func noisyJPEG(b *testing.B, w, h int) []byte {
	b.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	for y := 0; y < h; y++ {
		img.Set(0, y, color.White)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkUploadJPEG: upload, re-encode and thumbnail of a ~10 MB JPEG,
// into the SQLite database.
func BenchmarkUploadJPEG(b *testing.B) {
	db := testenv.Open(b, testenv.Databases(b)[0].URL)
	s := attachments.New(db, nil, nil)
	pol := attachments.DefaultPolicy()
	pol.DailyCount, pol.DailyBytes = 1_000_000, 1<<40
	pol.ImageMaxBytes = 12 << 20
	if err := attachments.SavePolicy(context.Background(), db, pol); err != nil {
		b.Fatal(err)
	}
	u := &model.User{Email: "b@example.org", DisplayName: "b", PasswordHash: "h"}
	if err := store.CreateUser(context.Background(), db, u); err != nil {
		b.Fatal(err)
	}
	data := noisyJPEG(b, 3000, 2200)
	b.Logf("JPEG of %d bytes", len(data))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Upload(context.Background(), u.ID, "photo.jpg", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// pdfStream yields a PDF header and then n bytes in small pieces, as a
// network upload would.
type pdfStream struct{ left int }

func (p *pdfStream) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := min(len(b), p.left, 32<<10)
	copy(b, "%PDF-1.4\n")
	p.left -= n
	return n, nil
}

// BenchmarkConcurrentLargeUploads: 20 uploads of 25 MB at once; reports the
// peak heap seen while they run.
func BenchmarkConcurrentLargeUploads(b *testing.B) {
	db := testenv.Open(b, testenv.Databases(b)[0].URL)
	s := attachments.New(db, nil, nil)
	pol := attachments.DefaultPolicy()
	pol.DailyCount, pol.DailyBytes = 1_000_000, 1<<40
	if err := attachments.SavePolicy(context.Background(), db, pol); err != nil {
		b.Fatal(err)
	}
	var peak atomic.Uint64
	for b.Loop() {
		runtime.GC()
		done := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
				}
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}()
		var wg sync.WaitGroup
		for i := range 20 {
			u := &model.User{Email: fmt.Sprintf("u%d-%d@example.org", i, rand.Int()), DisplayName: "u", PasswordHash: "h"}
			if err := store.CreateUser(context.Background(), db, u); err != nil {
				b.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Upload(context.Background(), u.ID, "big.pdf", &pdfStream{left: 25 << 20}); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		close(done)
	}
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}
