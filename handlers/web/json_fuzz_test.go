package web

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"backchannel/model"
	"backchannel/testenv/xss"
)

// fuzzInput has a field of every type the API's request bodies use.
type fuzzInput struct {
	Body      string            `json:"body"`
	ParentID  *int64            `json:"parent_id"`
	Anonymous bool              `json:"anonymous"`
	Minutes   int               `json:"minutes"`
	Until     *time.Time        `json:"until"`
	IDs       []int64           `json:"ids"`
	Tags      []string          `json:"tags"`
	Score     float64           `json:"score"`
	Labels    map[string]string `json:"labels"`
	Rule      *struct {
		Pattern string `json:"pattern"`
		Enabled *bool  `json:"enabled"`
	} `json:"rule"`
}

// FuzzDecodeJSON checks DecodeJSON on any body: it never panics; a refusal
// is a 400 problem with a message in words (not Go's own "json:" text); an
// accepted body is one valid JSON value.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{"", "{}", " {} ", "null", "[]", `"x"`, "1", `{"body":"hi"}`, `{"body":1}`,
		`{"parent_id":"1"}`, `{"minutes":1.5}`, `{"minutes":1e400}`, `{"ids":[1,"2"]}`, `{"nope":1}`,
		`{"body":"a"}{"body":"b"}`, `{"body":"a"} x`, `{"body":"\ud800"}`, `{"until":"yesterday"}`,
		`{"rule":{"enabled":"yes"}}`, `{"labels":{"a":1}}`, `{`, "\xff", `{"body":"a","body":"b"}`} {
		f.Add([]byte(s), false)
	}
	for _, p := range xss.Payloads {
		b, _ := json.Marshal(map[string]string{"body": p})
		f.Add(b, true)
		f.Add([]byte(`{"`+p+`":1}`), false)
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, body []byte, optional bool) {
		fc := &fasthttp.RequestCtx{}
		fc.Request.SetBody(body)
		c := app.AcquireCtx(fc)
		defer app.ReleaseCtx(c)
		var dst fuzzInput
		err := DecodeJSON(c, &dst, optional)
		if err == nil {
			if trimmed := strings.TrimSpace(string(body)); trimmed != "" && !json.Valid([]byte(trimmed)) {
				t.Fatalf("DecodeJSON accepted %q, which is not one JSON value", body)
			}
			return
		}
		var p *model.Problem
		if !errors.As(err, &p) || !errors.Is(err, fiber.ErrBadRequest) {
			t.Fatalf("DecodeJSON(%q) = %v, want a 400 problem", body, err)
		}
		if p.Message == "" || strings.Contains(p.Message, "json:") {
			t.Fatalf("DecodeJSON(%q): message %q is not in words", body, p.Message)
		}
	})
}
