package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// UploadOptions say how UploadBench loads a running server's uploads.
type UploadOptions struct {
	URL         string // the server, e.g. http://127.0.0.1:8080
	Kind        string // UploadJPEG or UploadPDF
	SizeMB      int    // the file's size, about (JPEG) or exactly (PDF)
	Uploads     int    // uploads in all
	Concurrency int    // uploads in flight at once
	ServerPID   int    // when not 0, the server's CPU time and peak memory are reported
}

// The files bench upload sends.
const (
	UploadJPEG = "jpeg" // a photo-like JPEG: decoded, re-encoded and thumbnailed by the server
	UploadPDF  = "pdf"  // a PDF: sniffed and stored as it streams
)

// UploadBench uploads o.Uploads files through POST /api/v1/uploads of a
// running server, o.Concurrency at once, each from an account of its own
// (so the daily quotas do not refuse the run; the accounts are made through
// the same database the server uses and reused), each sent with its
// Content-Length as a browser sends a form's file. It reports the time from the request's start to the server's
// answer (the upload, sniffing, re-encoding and thumbnail, and storing),
// the throughput, and the server's CPU and the peak of its resident memory.
func UploadBench(ctx context.Context, s Services, o UploadOptions, stdout io.Writer) error {
	body, name, err := uploadFile(o.Kind, o.SizeMB)
	if err != nil {
		return err
	}
	form, err := newMultipart(name, body)
	if err != nil {
		return err
	}
	tokens, err := benchTokens(ctx, s, "bench-upload", "Uploader", o.Uploads)
	if err != nil {
		return err
	}
	if err := awaitAccount(ctx, o.URL, tokens[len(tokens)-1]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d uploads of a %.1f MB %s, %d at once…\n", o.Uploads, float64(len(body))/1e6, o.Kind, o.Concurrency)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Concurrency, DisableCompression: true}}
	var (
		mu     sync.Mutex
		times  []time.Duration
		errs   atomic.Int64
		first  atomic.Pointer[string]
		next   atomic.Int64
		peak   atomic.Int64
		wg     sync.WaitGroup
		sample = make(chan struct{})
	)
	go func() { // the server's resident memory, sampled every 50 ms
		for {
			if rss, err := procRSS(o.ServerPID); err == nil && rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-sample:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	cpu0, _ := procCPU(o.ServerPID)
	start := time.Now()
	for range o.Concurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= o.Uploads || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				if err := uploadOnce(ctx, client, o.URL, tokens[i], form); err != nil {
					msg := err.Error()
					first.CompareAndSwap(nil, &msg)
					errs.Add(1)
					continue
				}
				d := time.Since(t0)
				mu.Lock()
				times = append(times, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(sample)
	cpu1, _ := procCPU(o.ServerPID)
	done := int64(len(times))
	fmt.Fprintf(stdout, "uploaded      %d of %d in %.1f s: %.1f MB/s (%d errors)\n", done, o.Uploads,
		elapsed.Seconds(), float64(done)*float64(len(body))/1e6/elapsed.Seconds(), errs.Load())
	if e := first.Load(); e != nil {
		fmt.Fprintf(stdout, "first error   %s\n", *e)
	}
	fmt.Fprintf(stdout, "per upload    %s\n", latencies(times))
	if o.ServerPID != 0 {
		fmt.Fprintf(stdout, "server        %.0f%% of one core; peak %d MiB resident\n",
			100*(cpu1-cpu0).Seconds()/elapsed.Seconds(), peak.Load()>>20)
	}
	return nil
}

// uploadOnce sends one multipart upload as a browser sends a form's file
// (with its Content-Length), read from the shared body, and checks the
// server's answer.
func uploadOnce(ctx context.Context, client *http.Client, base, token string, form multipartBody) error {
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/uploads", bytes.NewReader(form.data))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", form.contentType)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(answer)))
	}
	return nil
}

// multipartBody is a whole multipart/form-data body with one file field.
type multipartBody struct {
	data        []byte
	contentType string
}

func newMultipart(name string, file []byte) (multipartBody, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	part, err := mw.CreateFormFile("file", name)
	if err == nil {
		_, err = part.Write(file)
	}
	if err == nil {
		err = mw.Close()
	}
	return multipartBody{data: b.Bytes(), contentType: mw.FormDataContentType()}, err
}

// uploadFile makes the file bench upload sends: a noisy JPEG (noise
// compresses badly, so the pixels are about sizeMB/1.2 megapixels at
// quality 95) or a PDF of exactly sizeMB.
func uploadFile(kind string, sizeMB int) ([]byte, string, error) {
	switch kind {
	case UploadPDF:
		b := bytes.Repeat([]byte("0123456789abcdef"), sizeMB<<20/16)
		copy(b, "%PDF-1.4\n")
		return b, "bench.pdf", nil
	case UploadJPEG:
		// About 1.2 bytes a pixel at quality 95 on noise; 4:3.
		px := float64(sizeMB) * 1e6 / 1.2
		w := int(math.Sqrt(px * 4 / 3))
		h := w * 3 / 4
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		r := rand.New(rand.NewPCG(1, 2))
		for i := range img.Pix {
			img.Pix[i] = byte(r.Uint32())
		}
		img.Set(0, 0, color.White)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "bench.jpg", nil
	}
	return nil, "", fmt.Errorf("bench upload: unknown kind %q", kind)
}

// awaitAccount waits until the server knows the newest account's role (it
// reloads roles from the database at most once an interval).
func awaitAccount(ctx context.Context, base, token string) error {
	for range 100 {
		req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/me", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("bench upload: the server: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("bench upload: the server does not take the bench accounts")
}
