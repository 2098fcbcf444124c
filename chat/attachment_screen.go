package chat

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/wordfilter"
)

// AttachmentsOff reports whether the compose box of ch hides its file
// control for v: the host turned attachments off for participants.
func AttachmentsOff(ch *model.Channel, v Viewer) bool {
	return ch.AttachmentsMode == model.AttachmentsStaff && !v.Staff && !v.Host
}

// checkAttachmentsMode refuses files where the channel's setting turns them
// off for v.
func checkAttachmentsMode(ch *model.Channel, v Viewer, ids []int64) error {
	if len(ids) > 0 && AttachmentsOff(ch, v) {
		return model.Refuse(model.ErrForbidden, "attachments_off",
			`The host turned attachments off for participants in this channel (setting "Attachments: staff only"). Post without the files.`)
	}
	return nil
}

// nameVerdict is the filters' verdict on the names of a post's files.
type nameVerdict struct {
	wordfilter.Verdict
	// masked are the names the filters starred out, by attachment id.
	masked map[int64]string
}

// screenNames runs each file name of a post through the channel's stored
// filter rules (the built-in checks on caps, repeats, mentions and links
// are for bodies, not names): the strongest verdict of them all.
func (s *Service) screenNames(ctx context.Context, ch *model.Channel, v Viewer, ids []int64) (nameVerdict, error) {
	out := nameVerdict{masked: map[int64]string{}}
	if s.filter == nil || v.Staff || v.Host || len(ids) == 0 {
		return out, nil
	}
	rulesOnly := *ch
	rulesOnly.FilterCaps, rulesOnly.FilterRepeats, rulesOnly.FilterMentions, rulesOnly.FilterLinks = false, false, false, false
	rulesOnly.AllowedDomains = ""
	for _, id := range ids {
		a, err := store.Attachment(ctx, s.db, id)
		if err != nil {
			return out, err
		}
		vd, err := s.filter.Check(ctx, &rulesOnly, a.Name, nil)
		if err != nil {
			return out, err
		}
		if vd.Masked != "" && vd.Masked != a.Name {
			out.masked[id] = vd.Masked
		}
		out.Action = max(out.Action, vd.Action)
		out.Rules = append(out.Rules, vd.Rules...)
		for _, r := range vd.Reasons {
			out.Reasons = append(out.Reasons, fmt.Sprintf("file name %q: %s", a.Name, r))
		}
	}
	return out, nil
}

// withNames is the verdict on a post's body and its file names together:
// the strongest action wins, and the rules and reasons of both count.
func withNames(body wordfilter.Verdict, names nameVerdict) wordfilter.Verdict {
	if names.Action == wordfilter.Allow && len(names.Rules) == 0 {
		return body
	}
	out := body
	out.Action = max(body.Action, names.Action)
	out.Rules = append(slices.Clone(body.Rules), names.Rules...)
	out.Reasons = append(slices.Clone(body.Reasons), names.Reasons...)
	return out
}

// blockedNameMessage tells a poster a file name refused their message.
func blockedNameMessage(guideline string) string {
	if guideline == "" {
		return "Your message was not posted: a file name goes against this channel's guidelines. Rename the file and attach it again."
	}
	return "Your message was not posted: a file name goes against guideline " + guideline + " of this channel. Rename the file and attach it again."
}

// holdForReview holds a participant's message with files where the channel
// reviews attachments.
func holdForReview(ch *model.Channel, v Viewer, m *model.Message, ids []int64) {
	if len(ids) == 0 || ch.AttachmentsMode != model.AttachmentsReview || v.Staff || v.Host {
		return
	}
	if m.State == model.StateVisible || m.State == model.StateShadow {
		m.State = model.StateHeld
	}
	if m.State != model.StateHeld {
		return
	}
	if m.ModReason != "" {
		m.ModReason += "; "
	}
	m.ModReason += model.ReviewReason
}

// maskNames stores the starred-out display names of a post's files, in the
// post's transaction.
func maskNames(ctx context.Context, tx bun.IDB, p *pendingPost) error {
	for id, name := range p.maskedNames {
		if err := store.RenameAttachment(ctx, tx, id, name); err != nil {
			return err
		}
	}
	return nil
}
