package model

import (
	"encoding/json"
	"fmt"
	"time"
)

// DMReport is a member's report of a direct message or a whole conversation
// to the site's moderators. Excerpt is a snapshot taken when the report was
// sent (what the reporter saw), so later edits and deletions do not change
// what moderators read; it is the only part of the conversation they see.
type DMReport struct {
	ID             int64      `bun:"id,pk,autoincrement" json:"id"`
	ConversationID int64      `bun:"conversation_id,notnull" json:"conversation_id"`
	MessageID      *int64     `bun:"message_id" json:"message_id,omitempty"` // nil: the whole conversation
	ReporterID     int64      `bun:"reporter_id,notnull" json:"reporter_id"`
	Reason         string     `bun:"reason,notnull" json:"reason"`
	Guideline      string     `bun:"guideline,notnull" json:"guideline,omitempty"`
	Excerpt        string     `bun:"excerpt,notnull" json:"-"` // JSON: []DMExcerptLine
	CreatedAt      time.Time  `bun:"created_at,notnull" json:"created_at"`
	ResolvedAt     *time.Time `bun:"resolved_at" json:"resolved_at,omitempty"`
	ResolvedBy     *int64     `bun:"resolved_by" json:"resolved_by,omitempty"`
	// Resolution says why moderators closed the report: what they did
	// ("warn", "dm_suspend", "ban") or, when dismissed, their reason.
	Resolution string `bun:"resolution,notnull" json:"resolution,omitempty"`
}

// DMReportPerson names one person a DM report is about (dm_report_people).
type DMReportPerson struct {
	ReportID int64 `bun:"report_id,pk"`
	UserID   int64 `bun:"user_id,pk"`
}

// DMExcerptLine is one message of a DM report's excerpt, as the reporter
// saw it when reporting.
type DMExcerptLine struct {
	MessageID int64     `json:"message_id"`
	AuthorID  *int64    `json:"author_id,omitempty"`
	Author    string    `json:"author"`
	Kind      DMKind    `json:"kind"`
	Body      string    `json:"body"` // empty for a deleted message
	CreatedAt time.Time `json:"created_at"`
	Edited    bool      `json:"edited"`
	Deleted   bool      `json:"deleted"`
	Reported  bool      `json:"reported"` // the message reported (every line of a conversation report is false)
}

// DMReportContext is how many messages before the reported one a report's
// excerpt carries; a conversation report carries the last DMReportContext+1.
const DMReportContext = 5

// Lines decodes the report's excerpt.
func (r *DMReport) Lines() ([]DMExcerptLine, error) {
	var ls []DMExcerptLine
	if err := json.Unmarshal([]byte(r.Excerpt), &ls); err != nil {
		return nil, fmt.Errorf("model: dm report %d excerpt: %w", r.ID, err)
	}
	return ls, nil
}
