package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
	"backchannel/store"
	"backchannel/views"
)

// StatusOf maps an error to its HTTP status.
func StatusOf(err error) int {
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		return fe.Code
	case errors.Is(err, model.ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, model.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, model.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, model.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, model.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, model.ErrRateLimited):
		return http.StatusTooManyRequests
	case errors.Is(err, model.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, model.ErrUnsupportedMedia):
		return http.StatusUnsupportedMediaType
	case store.Unavailable(err): // the database or the search index is down
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorCode is the machine-readable code of the JSON error body.
func errorCode(status int) string {
	switch status {
	case 400:
		return "bad_request"
	case 401:
		return "unauthorized"
	case 403:
		return "forbidden"
	case 404:
		return "not_found"
	case 405:
		return "method_not_allowed"
	case 409:
		return "conflict"
	case 413:
		return "payload_too_large"
	case 422:
		return "invalid"
	case 429:
		return "rate_limited"
	case 503:
		return "unavailable"
	}
	if status >= 500 {
		return "internal"
	}
	return strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
}

// PublicMessage is what a person is told about err: its own words for the
// errors made for people, a fixed sentence per status otherwise (internal
// details stay in the log).
func PublicMessage(err error, status int) (heading, message string) {
	var fieldErr *model.FieldError
	var rl *model.RateLimitError
	var prob *model.Problem
	var ce csrfError
	switch {
	case errors.As(err, &fieldErr):
		return "That did not work", fieldErr.Message
	case errors.As(err, &rl):
		return "Slow down", rl.Message
	case errors.As(err, &prob) && prob.Message != "":
		heading, _ = statusMessage(status)
		return heading, prob.Message
	case errors.As(err, &ce):
		return "Please try again", ce.Error()
	}
	return statusMessage(status)
}

// statusMessage is the fixed heading and sentence of a status.
func statusMessage(status int) (heading, message string) {
	switch status {
	case 400:
		return "Bad request", "The request could not be understood."
	case 401:
		return "Sign in required", "Please sign in to continue."
	case 403:
		return "Not allowed", "You do not have permission to do that."
	case 404:
		return "Not found", "There is nothing at this address."
	case 405:
		return "Not allowed", "This address does not accept that kind of request."
	case 409:
		return "Conflict", "That clashes with something that already exists."
	case 413:
		return "Too large", "What you sent is larger than this server accepts."
	case 422:
		return "That did not work", "Some of what you entered is not valid."
	case 429:
		return "Slow down", "Too many requests. Please wait a moment and try again."
	case 503:
		return "Temporarily unavailable", "The server cannot reach its database or search index right now. Please try again in a few seconds."
	}
	return "Something went wrong", "The server hit an unexpected problem. It has been logged; please try again."
}

// ErrorHandler is the one place errors become responses: JSON under /api/,
// an HTMX fragment for htmx requests, a full page otherwise.
func (h *Base) ErrorHandler(c *fiber.Ctx, err error) error {
	status := StatusOf(err)
	if status >= 500 {
		h.Log.ErrorContext(c.UserContext(), "request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	SetRetryAfter(c, err)
	heading, message := PublicMessage(err, status)
	if isAPI(c) {
		return c.Status(status).JSON(fiber.Map{"error": ErrorJSON(err)})
	}
	if status == http.StatusUnauthorized && c.Method() == fiber.MethodGet && !IsHTMX(c) {
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), http.StatusSeeOther)
	}
	e := views.ErrorPage{Status: status, Heading: heading, Message: message}
	if status == http.StatusUnauthorized {
		e.SignIn = signInAgain(c)
		if IsHTMX(c) {
			return Render(c, status, views.SignedOut(e))
		}
	}
	if IsHTMX(c) {
		return Render(c, status, views.ErrorFragment(e))
	}
	return Render(c, status, views.ErrorFullPage(h.Page(c, heading, ""), e))
}

// ErrorJSON is the "error" object of a JSON answer about err: its code (the
// refusal's own or one per status), the message a person is told and, for
// a bad field, its name.
func ErrorJSON(err error) fiber.Map {
	status := StatusOf(err)
	_, message := PublicMessage(err, status)
	code := errorCode(status)
	var prob *model.Problem
	if errors.As(err, &prob) && prob.Code != "" {
		code = prob.Code
	}
	body := fiber.Map{"code": code, "message": message}
	var fieldErr *model.FieldError
	if errors.As(err, &fieldErr) && fieldErr.Field != "" {
		body["field"] = fieldErr.Field
	}
	return body
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

func IsHTMX(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// UnavailableRetryAfter is the Retry-After (seconds) of a 503: an outage of
// the database or the search index.
const UnavailableRetryAfter = 5

// SetRetryAfter tells the client when to try again after a rate limit or
// during an outage.
func SetRetryAfter(c *fiber.Ctx, err error) {
	var rl *model.RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(rl.RetryAfter))
	}
	if StatusOf(err) == http.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(UnavailableRetryAfter))
	}
}

// signInAgain is the sign-in link for a request whose sign-in ended: back
// to the page it came from (htmx names it; a plain form, its Referer) when
// that page is on this site.
func signInAgain(c *fiber.Ctx) string {
	from := c.Get("HX-Current-URL")
	if from == "" {
		from = c.Get(fiber.HeaderReferer)
	}
	next := "/channels"
	if u, err := url.Parse(from); err == nil && u.Path != "" && (u.Host == "" || u.Host == c.Hostname()) {
		next = SafeNext(u.RequestURI())
	}
	return "/login?next=" + url.QueryEscape(next)
}
