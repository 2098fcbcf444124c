package moderation

import (
	"fmt"
	"slices"

	"backchannel/model"
)

// allActions is every action in the wall's order.
var allActions = [...]model.ModAction{model.ActApprove, model.ActDeny, model.ActHide, model.ActUnhide, model.ActDelete,
	model.ActPin, model.ActUnpin, model.ActAnswer, model.ActUnanswer, model.ActHighlight, model.ActUnhighlight}

// HostAction reports whether hosts (not only moderators) may take act:
// arranging the room, not judging what people say.
func HostAction(act model.ModAction) bool {
	switch act {
	case model.ActPin, model.ActUnpin, model.ActHighlight, model.ActUnhighlight, model.ActAnswer, model.ActUnanswer:
		return true
	}
	return false
}

// Allows is the one rule for which actions a message's state allows; the
// wall's buttons and keys (WallActions), the HTML actions and the API all
// go through it. It does not say who may act (see HostAction) and allows
// repeating an action (hiding a hidden message changes nothing and is
// not an error).
func Allows(m *model.Message, act model.ModAction) bool {
	shown := m.State == model.StateVisible || m.State == model.StateShadow || m.State == model.StateHidden
	switch act {
	case model.ActApprove:
		return m.State == model.StateHeld || m.State == model.StateDenied || m.State == model.StateHidden
	case model.ActDeny:
		return m.State == model.StateHeld
	case model.ActHide:
		return m.State != model.StateDeleted
	case model.ActUnhide:
		return m.State == model.StateHidden
	case model.ActDelete:
		return m.State != model.StateDeleted
	case model.ActPin, model.ActUnpin, model.ActHighlight, model.ActUnhighlight:
		// Held and denied messages were never published: there is nothing
		// to arrange yet.
		return shown
	case model.ActAnswer, model.ActUnanswer:
		return shown && m.Kind == model.KindQuestion
	}
	return false
}

// Allowed lists the actions m's state allows, in the wall's order.
func Allowed(m *model.Message) []model.ModAction {
	var out []model.ModAction
	for _, a := range allActions {
		if Allows(m, a) {
			out = append(out, a)
		}
	}
	return out
}

// WallActions are the buttons (and keys) the triage wall offers for m: the
// allowed actions that change something, without the ones the wall leaves
// to the API (deleting; approving a hidden message, which unhide does) and
// without answering replies.
func WallActions(m *model.Message) []model.ModAction {
	var out []model.ModAction
	for _, a := range Allowed(m) {
		switch {
		case a == model.ActDelete,
			a == model.ActApprove && m.State == model.StateHidden,
			a == model.ActHide && (m.State == model.StateHidden || m.State == model.StateDenied),
			(a == model.ActAnswer || a == model.ActUnanswer) && m.ParentID != nil,
			a == model.ActPin && m.Pinned, a == model.ActUnpin && !m.Pinned,
			a == model.ActAnswer && m.Answered, a == model.ActUnanswer && !m.Answered,
			a == model.ActHighlight && m.Highlighted, a == model.ActUnhighlight && !m.Highlighted:
			continue
		}
		out = append(out, a)
	}
	return out
}

// refusal says why m's state does not allow act.
func refusal(m *model.Message, act model.ModAction) error {
	switch {
	case !validAction(act):
		return model.Invalid("action", fmt.Sprintf("Unknown action %q.", act))
	case act == model.ActApprove:
		return model.Refuse(model.ErrConflict, "not_held", "Only held, denied or hidden messages can be approved.")
	case act == model.ActDeny:
		return model.Refuse(model.ErrConflict, "not_held", "Only held messages can be denied.")
	case act == model.ActUnhide:
		return model.Refuse(model.ErrConflict, "not_hidden", "This message is not hidden.")
	case m.State == model.StateDeleted:
		return model.Refuse(model.ErrConflict, "message_removed", "This message was removed.")
	case (act == model.ActAnswer || act == model.ActUnanswer) && m.Kind != model.KindQuestion:
		return model.Refuse(model.ErrConflict, "not_a_question", "Only questions can be marked answered.")
	default:
		return model.Refuse(model.ErrConflict, "not_published", "Approve this message before you pin, highlight or answer it.")
	}
}

// validAction reports whether act names an action at all.
func validAction(act model.ModAction) bool { return slices.Contains(allActions[:], act) }
