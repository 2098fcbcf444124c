package web

import (
	"reflect"
	"testing"

	"backchannel/views"
)

func TestAuditChanges(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, after string
		want          []views.AuditChange
	}{
		{"plain text", "visible", "deleted", []views.AuditChange{{Before: "visible", After: "deleted"}}},
		{"nothing", "", "", nil},
		{"changed fields only", `{"title":"A","slow":0,"updated_at":"t1","tags":["x"]}`, `{"title":"A","slow":10,"updated_at":"t2","tags":["x"]}`,
			[]views.AuditChange{{Field: "slow", Before: "0", After: "10"}}},
		{"only bookkeeping", `{"id":1,"updated_at":"t1"}`, `{"id":1,"updated_at":"t2"}`,
			[]views.AuditChange{{Field: "updated_at", Before: "t1", After: "t2"}}},
		{"made", "", `{"id":4,"kind":"warn","reason":"","rules":[1,2],"site":null}`,
			[]views.AuditChange{{Field: "kind", After: "warn"}, {Field: "rules", After: "[1,2]"}}},
		{"removed field", `{"role":"host","domain":"*"}`, `{"role":"host"}`, []views.AuditChange{{Field: "domain", Before: "*"}}},
		{"not an object", `[1,2]`, `3`, []views.AuditChange{{Before: "[1,2]", After: "3"}}},
	} {
		if got := AuditChanges(tc.before, tc.after); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
