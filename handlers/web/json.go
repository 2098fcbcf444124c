package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
)

// BadRequest is a 400 with a message for the client's developer.
func BadRequest(message string) error {
	return model.Refuse(fiber.ErrBadRequest, "bad_request", message)
}

// DecodeJSON reads the request body into dst strictly: one JSON object, no
// unknown fields, nothing after it. The Content-Type is not checked (curl's
// -d sends a form type), only the body. An empty body decodes as {} when
// optional is true.
func DecodeJSON(c *fiber.Ctx, dst any, optional bool) error {
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		if optional {
			return nil
		}
		return BadRequest("The request needs a JSON body.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return BadRequest(jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return BadRequest("The body must hold one JSON object and nothing after it.")
	}
	return nil
}

// jsonProblem explains a decoding error in words.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("The body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		got := "a " + typ.Value
		if n, ok := strings.CutPrefix(typ.Value, "number "); ok {
			got = n // "number 1.5" for a whole number, or one too large
		}
		return fmt.Sprintf("Field %q must be a %s, not %s.", typ.Field, jsonType(typ.Type.Kind().String()), got)
	case errors.As(err, &typ):
		return fmt.Sprintf("The body must be a JSON object, not a %s.", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "The body is not valid JSON (it ends too early)."
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Sprintf("Unknown field %s.", field)
	}
	return "The body is not valid JSON."
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "whole number"
	case strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "bool":
		return "boolean (true or false)"
	case kind == "slice":
		return "list"
	case kind == "struct", kind == "map":
		return "object"
	}
	return kind
}
