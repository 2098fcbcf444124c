package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"backchannel/wordfilter"
)

// filterCmd runs the filter engine without a database:
//
//	backchannel filter check --rules FILE [flags] < messages.txt
//
// reads messages one per line on stdin and prints one JSON verdict per line.
func filterCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return usageErr(errors.New("filter: say check"))
	}
	fs := flag.NewFlagSet("filter check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rulesPath := fs.String("rules", "", "rules CSV with a header: pattern,kind,action[,allow,guideline,scope,enabled]")
	wordsPath := fs.String("words", "", "a plain word list, one word or phrase per line")
	wordAction := fs.String("action", "block", "action for the --words list: block, hold, mask or flag")
	scope := fs.String("scope", "", `channel rules to apply besides the site rules: "channel:<id>"`)
	caps := fs.Bool("caps", false, "flag caps-lock shouting")
	maxMentions := fs.Int("max-mentions", 0, "flag messages with more @mentions than this (0: off)")
	maxLinks := fs.Int("max-links", 0, "flag messages with more links than this (0: off)")
	repeats := fs.Int("repeats", 0, "flag a line equal to one of the previous N lines (0: off)")
	domains := fs.String("allowed-domains", "", "comma-separated domains links may point to (empty: any)")
	offList := fs.String("off-list-action", "hold", "action for links to other domains")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: backchannel filter check --rules FILE [flags] < messages")
		fmt.Fprintln(stderr, "Reads one message per line on stdin, prints one JSON verdict per line.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageErr(err)
	}
	if fs.NArg() > 0 {
		return usageErr(fmt.Errorf("filter check: unexpected argument %q", fs.Arg(0)))
	}
	if *rulesPath == "" && *wordsPath == "" {
		return usageErr(errors.New("filter check: --rules FILE (or --words FILE) is required"))
	}
	var rules []wordfilter.Rule
	if *rulesPath != "" {
		rs, err := readRules(*rulesPath, wordfilter.ParseCSV)
		if err != nil {
			return usageErr(err)
		}
		rules = append(rules, rs...)
	}
	if *wordsPath != "" {
		a, err := wordfilter.ParseAction(*wordAction)
		if err != nil || a == wordfilter.Allow {
			return usageErr(fmt.Errorf("filter check: --action %q: want block, hold, mask or flag", *wordAction))
		}
		rs, err := readRules(*wordsPath, func(r io.Reader) ([]wordfilter.Rule, error) { return wordfilter.ParseWordList(r, a) })
		if err != nil {
			return usageErr(err)
		}
		for i := range rs {
			rs[i].ID = int64(len(rules) + i + 1)
		}
		rules = append(rules, rs...)
	}
	m, err := wordfilter.Compile(rules)
	if err != nil {
		return usageErr(fmt.Errorf("filter check: %w", err))
	}
	s := wordfilter.Settings{
		Scope:    *scope,
		Caps:     wordfilter.Caps{Enabled: *caps},
		Mentions: wordfilter.Flood{Enabled: *maxMentions > 0, Max: *maxMentions},
		Links:    wordfilter.Flood{Enabled: *maxLinks > 0, Max: *maxLinks},
		Repeats:  wordfilter.Repeats{Enabled: *repeats > 0, Last: *repeats},
	}
	for _, d := range strings.Split(*domains, ",") {
		if d = strings.TrimSpace(d); d != "" {
			s.AllowedDomains = append(s.AllowedDomains, d)
		}
	}
	if s.OffListAction, err = wordfilter.ParseAction(*offList); err != nil {
		return usageErr(fmt.Errorf("filter check: --off-list-action: %w", err))
	}
	return filterLines(ctx, m, s, *repeats, stdin, stdout)
}

// readRules opens path and parses it; errors name the file (and the
// parser's line).
func readRules(path string, parse func(io.Reader) ([]wordfilter.Rule, error)) ([]wordfilter.Rule, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("filter check: %w", err)
	}
	defer f.Close()
	rules, err := parse(f)
	if err != nil {
		return nil, fmt.Errorf("filter check: %s: %w", path, err)
	}
	return rules, nil
}

// verdictLine is one line of output.
type verdictLine struct {
	Action wordfilter.Action `json:"action"`
	Rules  []ruleMatch       `json:"rules"`
	Masked string            `json:"masked"`
}

type ruleMatch struct {
	Pattern string            `json:"pattern"`
	Kind    wordfilter.Kind   `json:"kind"`
	Action  wordfilter.Action `json:"action"`
	Match   string            `json:"match"`
}

// filterLines checks each line of in and writes its verdict to out.
func filterLines(ctx context.Context, m *wordfilter.Matcher, s wordfilter.Settings, repeats int, in io.Reader, out io.Writer) error {
	if in == nil {
		return nil
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var recent []string // newest first
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimSuffix(sc.Text(), "\r")
		v := m.Check(line, s, recent)
		vl := verdictLine{Action: v.Action, Rules: []ruleMatch{}, Masked: v.Masked}
		for _, r := range v.Rules {
			vl.Rules = append(vl.Rules, ruleMatch{Pattern: r.Pattern, Kind: r.Kind, Action: r.Action, Match: r.Text})
		}
		if err := enc.Encode(vl); err != nil {
			return fmt.Errorf("filter check: %w", err)
		}
		if repeats > 0 {
			recent = append([]string{line}, recent...)
			recent = recent[:min(len(recent), repeats)]
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("filter check: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("filter check: read stdin: %w", err)
	}
	return nil
}
