package config_test

import (
	"os"
	"strings"
	"testing"

	"backchannel/config"
)

// The README's configuration table names every variable the server reads.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Vars() {
		if !strings.Contains(string(b), "| `"+v.Name+"` |") {
			t.Errorf("README.md has no configuration row for %s", v.Name)
		}
	}
}

// Every BACKCHANNEL_ variable named in config.go is listed by Vars.
func TestVarsListsEveryVariableRead(t *testing.T) {
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, v := range config.Vars() {
		listed[v.Name] = true
	}
	for _, w := range strings.FieldsFunc(string(src), func(r rune) bool {
		return !(r == '_' || r >= 'A' && r <= 'Z')
	}) {
		if strings.HasPrefix(w, "BACKCHANNEL_") && w != "BACKCHANNEL_" && !listed[w] {
			t.Errorf("%s is read but not listed in Vars (and so not documented)", w)
		}
	}
}
