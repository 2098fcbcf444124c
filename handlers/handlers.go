// Package handlers is Backchannel's HTTP layer (fiber): the middleware and
// the one route table that names the permission of every route (routes.go,
// grouped by resource, deny by default). The handlers themselves are thin
// (parse → call a use case → render) and live in sub-packages: pages (HTML
// and htmx), api (JSON under /api/v1), and web (what both share of a
// request, including the one error handler).
package handlers

import (
	"backchannel/handlers/web"
	"cmp"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// Deps is everything the HTTP layer needs, built by package app.
type Deps = web.Deps

// server is the fiber app's own part: middleware and the route table.
type server struct{ *web.Base }

// New builds the fiber app with every route of the route table.
func New(d Deps) *fiber.App {
	h := &server{Base: web.New(d)}
	cfg := fiber.Config{
		AppName:               "backchannel",
		ErrorHandler:          h.ErrorHandler,
		BodyLimit:             d.BodyLimit,
		ReadTimeout:           cmp.Or(d.ReadTimeout, web.DefaultReadTimeout),
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		// The read buffer is the budget for a request's line and headers
		// (cookies included); a larger head is answered 431. With
		// ReduceMemoryUsage a connection holds it only while it reads a
		// request: idle keep-alive connections and event streams (which
		// take their connection over, web.ServeStream) hold none.
		ReadBufferSize:    8 * 1024,
		ReduceMemoryUsage: true,
		// Bodies are handed over as streams and multipart bodies are not
		// parsed ahead: an upload is read piece by piece by its handler;
		// bodyLimit reads every other route's body, within its limit.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
	}
	if d.TrustProxy {
		cfg.ProxyHeader = fiber.HeaderXForwardedFor
	}
	if d.BodyLimit > 0 {
		cfg.BodyLimit = readBound(d.BodyLimit) // bodyLimit below answers over d.BodyLimit
	}
	app := fiber.New(cfg)
	// Event streams take their connection over and close it themselves
	// (web.ServeStream), so that fasthttp's request context is not held
	// for as long as a stream is open.
	app.Server().KeepHijackedConns = true
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: h.logPanic}))
	app.Use(requestid.New())
	app.Use(h.logRequests)
	limit := d.BodyLimit
	if limit <= 0 {
		limit = fiber.DefaultBodyLimit
	}
	app.Use(bodyLimit(limit, streamedBodies())) // always: streamed bodies have no other bound
	app.Use(compress.New(compress.Config{Level: compress.LevelDefault, Next: isStream}))
	app.Use(securityHeaders)
	app.Use(h.Identify)
	app.Use(h.CSRF)
	for _, r := range h.routes() {
		app.Add(r.Method, r.Path, h.guard(r))
	}
	return app
}

func (h *server) logPanic(c *fiber.Ctx, e any) {
	h.Log.Error("panic", "path", c.Path(), "panic", e)
}

// logRequests writes one structured log line per request.
func (h *server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		// The error handler has not run yet; it will set the status.
		status = web.StatusOf(err)
	}
	lvl := slog.LevelInfo
	if status >= 500 {
		lvl = slog.LevelError
	}
	h.Log.Log(c.UserContext(), lvl, "request",
		"method", c.Method(), "path", c.Path(), "status", status,
		"duration_ms", float64(time.Since(start).Microseconds())/1000,
		"ip", c.IP(), "request_id", c.GetRespHeader(fiber.HeaderXRequestID))
	return err
}

// securityHeaders sets the headers every response carries.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	return c.Next()
}

// isStream tells middleware to leave event streams alone: compression would
// buffer them.
func isStream(c *fiber.Ctx) bool { return strings.HasSuffix(c.Path(), "/events") }
