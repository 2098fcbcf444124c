package api

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
)

// Healthz answers while the process is up.
func (h *API) Healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// Readyz answers 200 when the database is reachable with every migration
// applied and the search engine answers; 503 otherwise. It is public, so
// it says only "ok" or "unavailable" per part (database, migrations,
// search): what failed and why (addresses, driver errors) goes to the log.
func (h *API) Readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
	defer cancel()
	ready := true
	checks := fiber.Map{}
	check := func(part string, err error) {
		if err != nil {
			ready = false
			h.Log.WarnContext(ctx, "not ready", "part", part, "err", err)
			checks[part] = fiber.Map{"status": "unavailable"}
			return
		}
		checks[part] = fiber.Map{"status": "ok"}
	}
	err := h.Migrations.Ping(ctx)
	check("database", err)
	if err == nil {
		n, err := h.Migrations.Pending(ctx)
		if err == nil && n > 0 {
			err = fmt.Errorf("%d migrations pending: run backchannel migrate up", n)
		}
		check("migrations", err)
	} else {
		checks["migrations"] = fiber.Map{"status": "unavailable"}
	}
	check("search", h.Search.Ping(ctx))
	status, word := fiber.StatusOK, "ready"
	if !ready {
		status, word = fiber.StatusServiceUnavailable, "not ready"
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(web.UnavailableRetryAfter))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(fiber.Map{"status": word, "checks": checks})
}
