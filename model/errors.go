// Package model holds Backchannel's plain domain types and the sentinel errors
// every layer shares. It imports only the standard library.
package model

import "errors"

// Sentinel errors. Wrap them with %w; the HTTP layer maps them to status codes
// in one place.
var (
	ErrNotFound     = errors.New("not found")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("sign-in required")
	ErrInvalid      = errors.New("invalid input")
	ErrConflict     = errors.New("conflict")
	ErrRateLimited  = errors.New("too many attempts")
)

// FieldError is an ErrInvalid that names the form field at fault, so a page
// can show the message next to it.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Invalid returns a *FieldError for field with message.
func Invalid(field, message string) error { return &FieldError{Field: field, Message: message} }

// RateLimitError is an ErrRateLimited that says how long to wait.
type RateLimitError struct {
	Message    string
	RetryAfter int // seconds
}

func (e *RateLimitError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// Problem is a refusal meant for people: a message to show, a code for the
// API, and the sentinel (ErrForbidden, ErrConflict, …) that sets the status.
type Problem struct {
	Code    string
	Message string
	Kind    error
}

func (p *Problem) Error() string { return p.Message }

// Unwrap returns the sentinel.
func (p *Problem) Unwrap() error { return p.Kind }

// Refuse returns a *Problem.
func Refuse(kind error, code, message string) error {
	return &Problem{Code: code, Message: message, Kind: kind}
}
