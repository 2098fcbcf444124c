package chat_test

import (
	"reflect"
	"testing"

	"backchannel/chat"
)

func TestDiffGuidelines(t *testing.T) {
	for _, c := range []struct {
		name, from, to string
		want           []chat.DiffLine
	}{
		{"same", "G1. Be kind.", "G1. Be kind.", []chat.DiffLine{{Op: " ", Text: "G1. Be kind."}}},
		{"reworded and added", "G1. Be kind.\n\nG2. No spam.", "G1. Be kind.\nG2. No spam or ads.\nG3. Stay on topic.", []chat.DiffLine{
			{Op: " ", Text: "G1. Be kind."}, {Op: "-", Text: "G2. No spam."},
			{Op: "+", Text: "G2. No spam or ads."}, {Op: "+", Text: "G3. Stay on topic."}}},
		{"removed, CRLF and spaces ignored", "G1. Be kind.\r\nG2. No spam.  \r\n", "G2. No spam.", []chat.DiffLine{
			{Op: "-", Text: "G1. Be kind."}, {Op: " ", Text: "G2. No spam."}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := chat.DiffGuidelines(c.from, c.to); !reflect.DeepEqual(got, c.want) {
				t.Errorf("DiffGuidelines = %+v, want %+v", got, c.want)
			}
		})
	}
}
