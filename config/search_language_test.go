package config_test

import (
	"strings"
	"testing"

	"backchannel/config"
)

func TestSearchLanguage(t *testing.T) {
	load := func(v string) (config.Config, error) {
		c, err := config.Load(func(name string) string {
			if name == "BACKCHANNEL_SEARCH_LANGUAGE" {
				return v
			}
			return ""
		})
		if err != nil {
			return c, err
		}
		return c, c.Validate()
	}
	for in, want := range map[string]string{"": "english", "German": "german", " french ": "french", "spanish": "spanish"} {
		c, err := load(in)
		if err != nil || c.SearchLanguage != want {
			t.Errorf("%q: language %q, %v; want %q", in, c.SearchLanguage, err, want)
		}
	}
	_, err := load("klingon")
	var ce *config.Error
	if err == nil || !strings.Contains(err.Error(), "BACKCHANNEL_SEARCH_LANGUAGE") ||
		!strings.Contains(err.Error(), `"klingon" is not a supported language`) || !strings.Contains(err.Error(), "german") {
		t.Errorf("klingon: %v (%T %v)", err, err, ce)
	}
}
