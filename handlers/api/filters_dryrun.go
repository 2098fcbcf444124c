package api

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/filters"
	"backchannel/handlers/web"
	"backchannel/model"
)

// apiDryRunMatch is one match in a dry run's answer.
type apiDryRunMatch struct {
	RuleID  int64  `json:"rule_id"`
	Pattern string `json:"pattern"`
	Kind    string `json:"kind"`
	Action  string `json:"action"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Text    string `json:"text"`
}

// FilterDryRun is the dry run as JSON: {"rules_csv"? or "rule"?, "scope"?,
// "sessions"?}; scope is "site" (the default), "channel:<id>" or a slug.
func (h *API) FilterDryRun(c *fiber.Ctx) error {
	var body struct {
		RulesCSV string `json:"rules_csv"`
		Scope    string `json:"scope"`
		Sessions int    `json:"sessions"`
		Rule     *struct {
			Pattern   string   `json:"pattern"`
			Kind      string   `json:"kind"`
			Action    string   `json:"action"`
			Allow     []string `json:"allow"`
			Guideline string   `json:"guideline"`
		} `json:"rule"` // one rule as the create endpoint takes it, tried without adding it
	}
	if err := web.DecodeJSON(c, &body, true); err != nil {
		return err
	}
	scope := strings.TrimSpace(body.Scope)
	switch {
	case scope == "" || scope == filters.Site:
		scope = filters.Site
	case strings.HasPrefix(scope, "channel:"):
		id, err := strconv.ParseInt(strings.TrimPrefix(scope, "channel:"), 10, 64)
		if err != nil {
			return model.Invalid("scope", "A scope is site, channel:<id> or a channel's slug.")
		}
		if _, err := h.Chat.ChannelByID(c.UserContext(), id); err != nil {
			return err
		}
	default:
		ch, err := h.Chat.Channel(c.UserContext(), scope)
		if err != nil {
			return err
		}
		scope = filters.ChannelScope(ch.ID)
	}
	if body.Sessions < 0 {
		return model.Invalid("sessions", "Sessions is a positive number.")
	}
	in := filters.DryRunInput{Scope: scope, CSV: []byte(body.RulesCSV), Sessions: body.Sessions}
	if r := body.Rule; r != nil {
		if body.RulesCSV != "" {
			return model.Invalid("rule", "Send either rule or rules_csv, not both.")
		}
		in.Rules = []filters.Input{{Pattern: r.Pattern, Kind: r.Kind, Action: r.Action, Allow: r.Allow, Guideline: r.Guideline}}
	}
	res, err := h.Filters.DryRun(c.UserContext(), in)
	if err != nil {
		return err
	}
	type hit struct {
		MessageID int64            `json:"message_id"`
		Channel   string           `json:"channel"`
		SessionID *int64           `json:"session_id"`
		State     string           `json:"state"`
		Body      string           `json:"body"`
		Action    string           `json:"action"`
		Matches   []apiDryRunMatch `json:"matches"`
	}
	type count struct {
		RuleID  int64  `json:"rule_id"`
		Pattern string `json:"pattern"`
		Kind    string `json:"kind"`
		Action  string `json:"action"`
		Caught  int    `json:"caught"`
	}
	hits := make([]hit, 0, len(res.Hits))
	for _, x := range res.Hits {
		hh := hit{MessageID: x.Message.ID, Channel: x.Channel, SessionID: x.Message.SessionID, State: string(x.Message.State),
			Body: x.Message.Body, Action: x.Action, Matches: []apiDryRunMatch{}}
		for _, m := range x.Matches {
			hh.Matches = append(hh.Matches, apiDryRunMatch{RuleID: m.RuleID, Pattern: m.Pattern, Kind: m.Kind.String(),
				Action: m.Action.String(), Start: m.Start, End: m.End, Text: m.Text})
		}
		hits = append(hits, hh)
	}
	counts := make([]count, 0, len(res.Rules))
	for _, r := range res.Rules {
		counts = append(counts, count{RuleID: r.ID, Pattern: r.Pattern, Kind: r.Kind, Action: r.Action, Caught: r.Caught})
	}
	return c.JSON(fiber.Map{"scope": res.Scope, "sessions": res.Sessions, "checked": res.Checked, "caught": hits, "rules": counts})
}
