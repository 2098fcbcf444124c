package moderation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// Reports of direct messages. No moderator reads private conversations: a
// member reports a message (or the whole conversation) and the report keeps
// a snapshot of what the reporter saw — the reported message and the
// model.DMReportContext before it, never anything before the reporter's
// cleared_through. Site-wide moderators see that excerpt and nothing else of
// the conversation; each time one opens it an audit entry says who, which
// report and when.

// DMReportsPerHour is how many direct-message reports a person may send in
// an hour.
const DMReportsPerHour = 10

// DMReportInput is what a member reports.
type DMReportInput struct {
	MessageID *int64 // nil: the whole conversation
	Reason    string
	Guideline string // a rule id of the site's guidelines, such as G1 (optional)
}

// DMReportPreview is exactly what a report would share with the moderators.
type DMReportPreview struct {
	ConversationID int64
	MessageID      *int64
	Lines          []model.DMExcerptLine
	People         []int64          // the people reported
	Names          map[int64]string // display names of People
	Rules          []chat.Rule      // the site's guidelines, to cite one
}

// PreviewDMReport shows userID what reporting conversation convID (or its
// message messageID) would share. Non-members get model.ErrNotFound.
func (s *Service) PreviewDMReport(ctx context.Context, userID, convID int64, messageID *int64) (*DMReportPreview, error) {
	return s.dmExcerpt(ctx, s.db, userID, convID, messageID)
}

func (s *Service) dmExcerpt(ctx context.Context, db bun.IDB, userID, convID int64, messageID *int64) (*DMReportPreview, error) {
	if userID == 0 {
		return nil, model.ErrUnauthorized
	}
	mem, err := store.ReporterMembership(ctx, db, convID, userID)
	if err != nil {
		return nil, err
	}
	p := &DMReportPreview{ConversationID: convID, MessageID: messageID}
	var through int64
	if messageID != nil {
		m, err := store.ReportMessage(ctx, db, *messageID)
		if err != nil || m.ConversationID != convID || m.ID <= mem.ClearedThrough ||
			(mem.LeftAt != nil && m.CreatedAt.After(*mem.LeftAt)) {
			return nil, model.ErrNotFound
		}
		switch {
		case m.Kind != model.DMText:
			return nil, model.Invalid("message_id", "Only people's messages can be reported, not notices of the conversation.")
		case m.AuthorID != nil && *m.AuthorID == userID:
			return nil, model.Invalid("message_id", "You cannot report your own message.")
		case m.DeletedAt != nil:
			return nil, model.Refuse(model.ErrConflict, "message_deleted", "This message was deleted, so there is nothing to report. You can report the conversation instead.")
		}
		through = m.ID
		if m.AuthorID != nil {
			p.People = []int64{*m.AuthorID}
		}
	}
	ms, err := store.ReportWindow(ctx, db, convID, mem.ClearedThrough, through, mem.LeftAt, model.DMReportContext+1)
	if err != nil {
		return nil, err
	}
	if messageID == nil {
		for _, m := range ms {
			if m.Kind == model.DMText && m.AuthorID != nil && *m.AuthorID != userID && !slices.Contains(p.People, *m.AuthorID) {
				p.People = append(p.People, *m.AuthorID)
			}
		}
		if len(p.People) == 0 {
			ids, err := store.ReportCurrentMembers(ctx, db, convID)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				if id != userID {
					p.People = append(p.People, id)
				}
			}
		}
	}
	ids := slices.Clone(p.People)
	for _, m := range ms {
		if m.AuthorID != nil {
			ids = append(ids, *m.AuthorID)
		}
	}
	names, err := store.ReportNames(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	p.Names = map[int64]string{}
	for _, id := range p.People {
		p.Names[id] = nameOr(names, id)
	}
	for _, m := range ms {
		l := model.DMExcerptLine{MessageID: m.ID, AuthorID: m.AuthorID, Kind: m.Kind, Body: m.Body, CreatedAt: m.CreatedAt,
			Edited: m.EditedAt != nil, Deleted: m.DeletedAt != nil, Reported: messageID != nil && m.ID == *messageID}
		if m.AuthorID != nil {
			l.Author = nameOr(names, *m.AuthorID)
		}
		if l.Deleted {
			l.Body = ""
		}
		p.Lines = append(p.Lines, l)
	}
	if p.Rules, err = s.SiteRules(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

func nameOr(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n
	}
	return "a former member"
}

// SiteRules are the rules of the site's guidelines.
func (s *Service) SiteRules(ctx context.Context) ([]chat.Rule, error) {
	g, err := store.LatestGuideline(ctx, s.db, "site")
	if errors.Is(err, model.ErrNotFound) {
		g, err = chat.DefaultGuideline(), nil
	}
	if err != nil {
		return nil, err
	}
	return chat.ParseRules(g.Body), nil
}

// ReportDM sends userID's report of conversation convID (or one of its
// messages) with the excerpt PreviewDMReport shows, taken again in the same
// transaction.
func (s *Service) ReportDM(ctx context.Context, userID, convID int64, in DMReportInput) (*model.DMReport, error) {
	in.Reason, in.Guideline = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Guideline)
	if len([]rune(in.Reason)) > 500 {
		return nil, model.Invalid("reason", "Keep the reason to 500 characters.")
	}
	p, err := s.dmExcerpt(ctx, s.db, userID, convID, in.MessageID)
	if err != nil {
		return nil, err
	}
	if in.Guideline != "" && !slices.ContainsFunc(p.Rules, func(r chat.Rule) bool { return r.ID == in.Guideline }) {
		return nil, model.Invalid("guideline", "Choose one of the site's guidelines, or none.")
	}
	if in.Reason == "" && in.Guideline == "" {
		return nil, model.Invalid("reason", "Say briefly what is wrong, or choose the guideline it breaks.")
	}
	recent, err := store.ListDMReports(ctx, s.db, store.DMReportFilter{Reporter: userID, Since: s.now().Add(-time.Hour), Limit: DMReportsPerHour + 1})
	if err != nil {
		return nil, err
	}
	if len(recent) >= DMReportsPerHour {
		return nil, &model.RateLimitError{Message: fmt.Sprintf("You can send %d reports an hour. Please try again later.", DMReportsPerHour), RetryAfter: 3600}
	}
	var r *model.DMReport
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		same, err := store.ListDMReports(ctx, tx, store.DMReportFilter{Open: true, Reporter: userID, ConversationID: convID, MessageID: in.MessageID, Limit: 1})
		if err != nil {
			return err
		}
		if len(same) > 0 {
			return model.Refuse(model.ErrConflict, "already_reported", "You reported this already. The moderators will look at it.")
		}
		p, err := s.dmExcerpt(ctx, tx, userID, convID, in.MessageID)
		if err != nil {
			return err
		}
		r = &model.DMReport{ConversationID: convID, MessageID: in.MessageID, ReporterID: userID, Reason: in.Reason,
			Guideline: in.Guideline, Excerpt: store.JSON(p.Lines)}
		if p.Lines == nil {
			r.Excerpt = "[]"
		}
		return store.CreateDMReport(ctx, tx, r, p.People)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DMReportView is a report as site moderators see it: the excerpt and who
// is who, nothing else of the conversation.
type DMReportView struct {
	Report model.DMReport
	Lines  []model.DMExcerptLine
	People []int64
	// Names are the display names of the reporter, the people reported and
	// whoever resolved the report.
	Names map[int64]string
}

// Name is the display name of user id.
func (v *DMReportView) Name(id int64) string { return nameOr(v.Names, id) }

// IsSiteModerator reports whether userID moderates site-wide (the role
// held site-wide, not in a channel).
func (s *Service) IsSiteModerator(ctx context.Context, userID int64) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	return s.authz.Can(ctx, userID, model.SiteWide, policies.UserSanction)
}

func (s *Service) siteModerator(ctx context.Context, userID int64) error {
	ok, err := s.IsSiteModerator(ctx, userID)
	if err != nil {
		return err
	}
	if !ok {
		return model.Refuse(model.ErrForbidden, "not_site_moderator", "Only site-wide moderators see reports of direct messages.")
	}
	return nil
}

// DMReports lists reports for site moderator modID without their excerpts
// (opening one is OpenDMReport, which is audited): the open ones, or those
// about person about (0: anyone), oldest first.
func (s *Service) DMReports(ctx context.Context, modID int64, open bool, about int64) ([]DMReportView, error) {
	if err := s.siteModerator(ctx, modID); err != nil {
		return nil, err
	}
	rs, err := store.ListDMReports(ctx, s.db, store.DMReportFilter{Open: open, About: about, Limit: 200})
	if err != nil {
		return nil, err
	}
	return s.dmReportViews(ctx, rs, false)
}

func (s *Service) dmReportViews(ctx context.Context, rs []model.DMReport, excerpt bool) ([]DMReportView, error) {
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	people, err := store.DMReportPeople(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	var users []int64
	for _, r := range rs {
		users = append(users, r.ReporterID)
		users = append(users, people[r.ID]...)
		if r.ResolvedBy != nil {
			users = append(users, *r.ResolvedBy)
		}
	}
	names, err := store.ReportNames(ctx, s.db, users)
	if err != nil {
		return nil, err
	}
	out := make([]DMReportView, 0, len(rs))
	for _, r := range rs {
		v := DMReportView{Report: r, People: people[r.ID], Names: names}
		if excerpt {
			var err error
			if v.Lines, err = r.Lines(); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// OpenDMReport shows site moderator modID report id with its excerpt, and
// writes the audit entry "dm_report.view" (who, which report, when).
func (s *Service) OpenDMReport(ctx context.Context, modID, id int64) (*DMReportView, error) {
	if err := s.siteModerator(ctx, modID); err != nil {
		return nil, err
	}
	r, err := store.DMReportByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.dmReportViews(ctx, []model.DMReport{*r}, true)
	if err != nil {
		return nil, err
	}
	if _, err := store.Audit(ctx, s.db, store.AuditRecord{ActorID: modID, Action: "dm_report.view", TargetType: "dm_report", TargetID: id}); err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// DismissDMReport closes report id without acting on anyone, with the
// moderator's reason (required); audited as "dm_report.dismiss", undoable.
func (s *Service) DismissDMReport(ctx context.Context, modID, id int64, in ModInput) (*Done, error) {
	if err := s.siteModerator(ctx, modID); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if in.Reason == "" {
		return nil, model.Invalid("reason", "Say why nothing needs doing, such as \"breaks no rule\".")
	}
	if _, err := store.DMReportByID(ctx, s.db, id); err != nil {
		return nil, err
	}
	var auditID int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.ResolveDMReport(ctx, tx, id, modID, in.Reason); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return model.Refuse(model.ErrConflict, "report_resolved", "This report was dealt with already.")
			}
			return err
		}
		var err error
		auditID, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: modID, Action: "dm_report.dismiss", TargetType: "dm_report",
			TargetID: id, Before: dmActionBefore{Report: id}, After: "dismissed", Reason: in.Reason, Guideline: in.Guideline})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Done{AuditID: auditID}, nil
}

// dmActionBefore is the before of a direct-message moderation entry: the
// report it resolved (0: none), which undo opens again.
type dmActionBefore struct {
	Report int64 `json:"report,omitempty"`
}
