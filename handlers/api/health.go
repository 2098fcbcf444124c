package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Healthz answers while the process is up.
func (h *API) Healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// Readyz answers 200 when the database is reachable with every migration
// applied and the search engine answers; 503 with the failing part otherwise.
func (h *API) Readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
	defer cancel()
	ready := true
	checks := fiber.Map{}
	if err := h.Migrations.Ping(ctx); err != nil {
		ready = false
		checks["database"] = fiber.Map{"status": "down", "error": err.Error()}
	} else {
		checks["database"] = fiber.Map{"status": "ok", "dialect": h.Migrations.Dialect()}
		if n, err := h.Migrations.Pending(ctx); err != nil || n > 0 {
			ready = false
			msg := "migrations pending: run backchannel migrate up"
			if err != nil {
				msg = err.Error()
			}
			checks["migrations"] = fiber.Map{"status": "pending", "pending": n, "error": msg}
		} else {
			checks["migrations"] = fiber.Map{"status": "ok"}
		}
	}
	if err := h.Search.Ping(ctx); err != nil {
		ready = false
		checks["search"] = fiber.Map{"status": "down", "engine": h.Search.Name(), "error": err.Error()}
	} else {
		checks["search"] = fiber.Map{"status": "ok", "engine": h.Search.Name()}
	}
	status, word := fiber.StatusOK, "ready"
	if !ready {
		status, word = fiber.StatusServiceUnavailable, "not ready"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(fiber.Map{"status": word, "checks": checks})
}
