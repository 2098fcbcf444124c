package attachments

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// FileType is one kind of file that may be uploaded, as sniffed from its
// content.
type FileType struct {
	Name      string // short name used in settings: "png", "pdf", …
	MediaType string
	Image     bool
	Ext       string // the extension given to a re-encoded image's name
}

// Types lists every type an admin may allow. SVG, HTML and anything else
// are never uploadable.
func Types() []FileType {
	return []FileType{
		{"png", "image/png", true, ".png"},
		{"jpeg", "image/jpeg", true, ".jpg"},
		{"gif", "image/gif", true, ".gif"},
		{"webp", "image/webp", true, ".png"},
		{"pdf", "application/pdf", false, ""},
		{"txt", "text/plain", false, ""},
		{"csv", "text/csv", false, ""},
		{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false, ""},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false, ""},
		{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", false, ""},
		{"odt", "application/vnd.oasis.opendocument.text", false, ""},
		{"ods", "application/vnd.oasis.opendocument.spreadsheet", false, ""},
		{"odp", "application/vnd.oasis.opendocument.presentation", false, ""},
	}
}

// Policy is the site's rules for uploads (setting SettingKey, JSON).
type Policy struct {
	Types         []string `json:"types"`           // allowed Types by name
	ImageMaxBytes int64    `json:"image_max_bytes"` // largest image upload
	FileMaxBytes  int64    `json:"file_max_bytes"`  // largest other upload
	DailyCount    int      `json:"daily_count"`     // uploads a person may start per 24 h
	DailyBytes    int64    `json:"daily_bytes"`     // bytes a person may store per 24 h
}

// SettingKey is the site setting holding the Policy.
const SettingKey = "attachments.policy"

// Hard ceilings an admin cannot raise a Policy past.
const (
	MaxImageBytes = 50 << 20
	MaxFileBytes  = 100 << 20
)

// DefaultPolicy allows every type: images up to 10 MB, other files up to
// 25 MB, 50 uploads and 200 MB a person a day.
func DefaultPolicy() Policy {
	p := Policy{ImageMaxBytes: 10 << 20, FileMaxBytes: 25 << 20, DailyCount: 50, DailyBytes: 200 << 20}
	for _, t := range Types() {
		p.Types = append(p.Types, t.Name)
	}
	return p
}

// Validate checks p, naming the field at fault.
func (p Policy) Validate() error {
	for _, n := range p.Types {
		if !slices.ContainsFunc(Types(), func(t FileType) bool { return t.Name == n }) {
			return model.Invalid("types", fmt.Sprintf("unknown type %q: choose from %s", n, allNames()))
		}
	}
	switch {
	case p.ImageMaxBytes < 1 || p.ImageMaxBytes > MaxImageBytes:
		return model.Invalid("image_max_bytes", fmt.Sprintf("image_max_bytes must be between 1 and %d", MaxImageBytes))
	case p.FileMaxBytes < 1 || p.FileMaxBytes > MaxFileBytes:
		return model.Invalid("file_max_bytes", fmt.Sprintf("file_max_bytes must be between 1 and %d", MaxFileBytes))
	case p.DailyCount < 0:
		return model.Invalid("daily_count", "daily_count must be 0 (no uploads) or more")
	case p.DailyBytes < 0:
		return model.Invalid("daily_bytes", "daily_bytes must be 0 (no uploads) or more")
	}
	return nil
}

// MaxBytes is the largest upload p allows of any type.
func (p Policy) MaxBytes() int64 { return max(p.ImageMaxBytes, p.FileMaxBytes) }

// allowed returns the allowed type a sniffed media type is, if any.
func (p Policy) allowed(sniffed interface{ Is(string) bool }) (FileType, bool) {
	for _, t := range Types() {
		if slices.Contains(p.Types, t.Name) && sniffed.Is(t.MediaType) {
			return t, true
		}
	}
	return FileType{}, false
}

// describe names the allowed types and limits for a refusal.
func (p Policy) describe() string {
	var img, files []string
	for _, t := range Types() {
		if slices.Contains(p.Types, t.Name) {
			if t.Image {
				img = append(img, strings.ToUpper(t.Name))
			} else {
				files = append(files, strings.ToUpper(t.Name))
			}
		}
	}
	var parts []string
	if len(img) > 0 {
		parts = append(parts, fmt.Sprintf("images (%s) up to %s", strings.Join(img, ", "), HumanBytes(p.ImageMaxBytes)))
	}
	if len(files) > 0 {
		parts = append(parts, fmt.Sprintf("files (%s) up to %s", strings.Join(files, ", "), HumanBytes(p.FileMaxBytes)))
	}
	if len(parts) == 0 {
		return "no uploads are allowed on this site"
	}
	return "allowed are " + strings.Join(parts, "; ")
}

func allNames() string {
	var n []string
	for _, t := range Types() {
		n = append(n, t.Name)
	}
	return strings.Join(n, ", ")
}

// HumanBytes writes n as "10 MB" (MiB, binary) or "512 KB" or "12 bytes".
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// LoadPolicy reads the site's Policy, DefaultPolicy when never set.
func LoadPolicy(ctx context.Context, db bun.IDB) (Policy, error) {
	raw, err := store.Setting(ctx, db, SettingKey, "")
	if err != nil || raw == "" {
		return DefaultPolicy(), err
	}
	p := DefaultPolicy()
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return DefaultPolicy(), fmt.Errorf("attachments: stored policy: %w", err)
	}
	return p, nil
}

// SavePolicy validates and stores the site's Policy.
func SavePolicy(ctx context.Context, db bun.IDB, p Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	return store.SetSetting(ctx, db, SettingKey, string(raw))
}

// SetPolicy validates p and makes it the site's Policy for admin actorID,
// audited as "settings.attachments" with the policy before and after. An
// unchanged save writes nothing.
func (s *Service) SetPolicy(ctx context.Context, actorID int64, p Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var types []string // in the order of Types, once each
	for _, t := range Types() {
		if slices.Contains(p.Types, t.Name) {
			types = append(types, t.Name)
		}
	}
	p.Types = types
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		before, err := LoadPolicy(ctx, tx)
		if err != nil {
			return err
		}
		if slices.Equal(before.Types, p.Types) && before.ImageMaxBytes == p.ImageMaxBytes && before.FileMaxBytes == p.FileMaxBytes &&
			before.DailyCount == p.DailyCount && before.DailyBytes == p.DailyBytes {
			return nil
		}
		if err := SavePolicy(ctx, tx, p); err != nil {
			return err
		}
		_, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: actorID, Action: "settings.attachments",
			TargetType: "settings", TargetID: "attachments", Before: before, After: p})
		return err
	})
}
