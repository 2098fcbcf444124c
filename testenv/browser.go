package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser test limits.
const (
	// BrowserTimeout bounds the whole browser of one test: every tab and
	// browser context that Browser, BrowserContext and NewTab return ends
	// when it runs out.
	BrowserTimeout = 60 * time.Second
	// WaitTimeout bounds one WaitUntil.
	WaitTimeout = 15 * time.Second

	// Laptop viewport (the window size the browser starts with).
	LaptopWidth, LaptopHeight = 1280, 900
	// Phone viewport (CSS pixels; screenshots are taken at PhoneScale).
	PhoneWidth, PhoneHeight = 390, 844
	PhoneScale              = 2
)

// Browser starts a headless Chromium for the test and returns the context of
// its first tab. Run chromedp actions with it (or with Do, Eval, WaitUntil).
// Chromium is found with Chromium(t): a missing browser skips the test
// locally and fails it under CI=true. Everything is shut down when the test
// ends, and the browser lives at most BrowserTimeout.
//
// Console messages and uncaught exceptions of the tab go to t.Log; JSErrors
// and NoJSErrors read the errors among them.
func Browser(t testing.TB) context.Context {
	t.Helper()
	execPath := Chromium(t)
	// A fresh profile. We remove it ourselves once Chromium has exited
	// (helpers can still write for a moment), before t.TempDir's own
	// cleanup, which runs later.
	profile := filepath.Join(t.TempDir(), "chromium-profile")

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,PasswordLeakDetection,AutofillServerCommunication"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(LaptopWidth, LaptopHeight),
	)

	base, cancelBase := context.WithTimeout(context.Background(), BrowserTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
		cancelBase()
		if err := removeAllRetry(profile); err != nil {
			t.Logf("testenv: remove browser profile: %v", err)
		}
	})
	// Start the browser and its first tab now, so that later contexts are
	// tabs of this browser and not browsers of their own.
	if err := chromedp.Do(ctx, laptop()); err != nil {
		t.Fatalf("testenv: start Chromium (%s): %v", execPath, err)
	}
	return watch(t, context.WithValue(ctx, tabsKey{}, &tabs{}), "tab 0")
}

// BrowserContext returns a tab in a new, separate browser context of the
// browser of parent (which must come from Browser): like an incognito
// window, it shares no cookies or storage with any other context, so two
// people can be signed in at the same time. It closes when the test ends.
func BrowserContext(t testing.TB, parent context.Context) context.Context {
	t.Helper()
	return newTab(t, parent, "context", chromedp.WithNewBrowserContext())
}

// NewTab returns another tab in the same browser context as parent: it
// shares parent's cookies (the same person in two tabs).
func NewTab(t testing.TB, parent context.Context) context.Context {
	t.Helper()
	return newTab(t, parent, "tab")
}

// tabs numbers the tabs of one browser, for the log.
type tabs struct{ n atomic.Int32 }

type tabsKey struct{}

func newTab(t testing.TB, parent context.Context, kind string, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	counter, _ := parent.Value(tabsKey{}).(*tabs)
	if c := chromedp.FromContext(parent); c == nil || c.Browser == nil || counter == nil {
		t.Fatalf("testenv: a new %s needs the context of a started browser (from testenv.Browser)", kind)
	}
	ctx, cancel := chromedp.NewContext(parent, opts...)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, laptop()); err != nil {
		t.Fatalf("testenv: open a new %s: %v", kind, err)
	}
	return watch(t, ctx, fmt.Sprintf("%s %d", kind, counter.n.Add(1)))
}

// console records what one tab wrote to its console.
type console struct {
	mu     sync.Mutex
	errors []string
	synced string // the last sync marker seen
}

type consoleKey struct{}

// syncPrefix marks the console.debug calls NoJSErrors uses to know that every
// earlier message has been read.
const syncPrefix = "testenv:sync:"

// watch forwards the console of the tab of ctx to t.Log and records its
// errors; it stops when the test ends.
func watch(t testing.TB, ctx context.Context, name string) context.Context {
	t.Helper()
	rec := &console{}
	ctx, stop := context.WithCancel(ctx)
	// Console subscribes when it returns, so nothing from here on is lost.
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleDebug {
				if strings.HasPrefix(m.Text, syncPrefix) {
					rec.mu.Lock()
					rec.synced = m.Text
					rec.mu.Unlock()
				}
				continue
			}
			line := fmt.Sprintf("%s: %s", m.Type, m.Text)
			if m.Source != "" {
				line = m.Source + " " + line
			}
			if m.URL != "" {
				line += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				rec.mu.Lock()
				rec.errors = append(rec.errors, line)
				rec.mu.Unlock()
			}
			t.Logf("browser %s: %s", name, line)
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			failureShot(t, ctx, name)
		}
		stop()
		<-done
	})
	return context.WithValue(ctx, consoleKey{}, rec)
}

// failureShot logs where a tab was when the test failed and saves what it
// showed to the temporary directory, for debugging.
func failureShot(t testing.TB, ctx context.Context, name string) {
	if ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("browser %s was at %s", name, loc)
		return
	}
	path := filepath.Join(os.TempDir(), Slug(t.Name()+" "+name)+"-failure.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("browser %s was at %s", name, loc)
		return
	}
	t.Logf("browser %s was at %s; screenshot: %s", name, loc, path)
}

// JSErrors returns the uncaught exceptions and console errors (including the
// browser's own, such as failed loads and CSP violations) that the tab of ctx
// has reported so far. It first makes sure every message the page has written
// until now has been read.
func JSErrors(ctx context.Context) []string {
	rec, _ := ctx.Value(consoleKey{}).(*console)
	if rec == nil {
		return nil
	}
	// The console keeps its order: once our marker has arrived, so has
	// everything before it.
	marker := syncPrefix + RandomHex(6)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void]("console.debug("+strconv.Quote(marker)+")")); err == nil {
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			rec.mu.Lock()
			seen := rec.synced == marker
			rec.mu.Unlock()
			if seen {
				break
			}
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.errors...)
}

// NoJSErrors fails the test when the tab of ctx has reported any JavaScript
// exception or console error.
func NoJSErrors(t testing.TB, ctx context.Context) {
	t.Helper()
	if errs := JSErrors(ctx); len(errs) > 0 {
		t.Errorf("the browser reported %d error(s):\n\t%s", len(errs), strings.Join(errs, "\n\t"))
	}
}

// Do runs chromedp actions in the tab of ctx and fails the test on an error.
func Do(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// Eval evaluates a JavaScript expression in the page of ctx and returns its
// value decoded into T; it fails the test on an error.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("browser: evaluate %s: %v", expr, err)
	}
	return v
}

// WaitUntil waits until the JavaScript expression expr is truthy in the page
// of ctx, for at most WaitTimeout. Unlike chromedp.Poll it survives
// navigations (a form post and its redirect), so it can follow a click that
// loads a new page. what names the condition in the failure message.
func WaitUntil(t testing.TB, ctx context.Context, what, expr string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, WaitTimeout)
	defer cancel()
	var lastErr error
	for {
		ok, err := chromedp.Run(wctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-wctx.Done():
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			if lastErr != nil && !errors.Is(lastErr, context.DeadlineExceeded) {
				t.Fatalf("browser: waited %s for %s at %s (last error: %v)", WaitTimeout, what, loc, lastErr)
			}
			t.Fatalf("browser: waited %s for %s at %s", WaitTimeout, what, loc)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// WaitPath waits until the page of ctx is at path (location.pathname) and has
// finished loading.
func WaitPath(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	WaitUntil(t, ctx, "the page "+path,
		fmt.Sprintf("location.pathname === %q && document.readyState === 'complete'", path))
}

// Phone makes the tab of ctx a phone: a 390×844 viewport with mobile and
// touch emulation, drawn at device scale 2. Navigate (or reload) afterwards.
func Phone(t testing.TB, ctx context.Context) {
	t.Helper()
	Do(t, ctx, chromedp.EmulateViewport(PhoneWidth, PhoneHeight,
		chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(PhoneScale)))
}

// Laptop gives the tab of ctx the 1280×900 desktop viewport every tab starts
// with (the window is that size too, but headless Chromium keeps part of it
// for window decorations the page never sees).
func Laptop(t testing.TB, ctx context.Context) {
	t.Helper()
	Do(t, ctx, laptop())
}

func laptop() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(LaptopWidth, LaptopHeight, chromedp.EmulateLandscape)
}

// Screenshot saves a full-page PNG of the tab of ctx to path, creating its
// directory.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browser: screenshot %s: %v", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("browser: screenshot %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browser: screenshot %s: %v", path, err)
	}
}

// removeAllRetry removes dir, retrying for a moment while a browser helper
// process still writes to it.
func removeAllRetry(dir string) error {
	var err error
	for range 20 {
		if err = os.RemoveAll(dir); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}
