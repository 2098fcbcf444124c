// Package loadgen makes and plays Backchannel traffic for benchmarks and
// demos; the backchannel command's bench and demo subcommands parse their
// flags and call it.
//
//   - New plans realistic traffic: course channels with weekly sessions of
//     one to two hours spread over past weeks, participants whose activity
//     follows a Zipf-like curve, and messages that mix comments, questions
//     and replies in the words of the course and of everyday chat. Planning
//     is pure: the same Config gives the same traffic, message for message.
//   - Seed writes a plan to the database with the bulk writes of package
//     store (bench seed).
//   - SearchBench times searches against a search engine (bench search);
//     LagBench posts through chat at a steady rate and times until each
//     message is searchable (bench lag).
//   - Demo runs a simulated audience in a demo channel beside the server
//     (demo): it posts, replies, reacts and upvotes through the chat use
//     cases, as people would.
//
// loadgen holds no SQL: it goes through store, chat and accounts.
package loadgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"backchannel/model"
)

// Config says how much traffic to make.
type Config struct {
	Seed     uint64
	Messages int // messages in all
	Channels int
	// Users is the number of participants; 0 picks one from Messages
	// (one per 400 messages, at least 60, at most 20,000).
	Users int
	// End bounds the traffic: every session ends before it.
	End time.Time
}

// Channel is a course channel.
type Channel struct {
	Slug, Title, Description string
	// Host is the index in Plan.Users of the person who runs the course.
	Host int
	// Roster holds the indices in Plan.Users of its participants, the most
	// active first.
	Roster []int
}

// User is a participant (or a host).
type User struct {
	Email, Name string
}

// Session is one class meeting of a channel.
type Session struct {
	Channel    int // index in Plan.Channels
	Title      string
	Start, End time.Time
	// First is the stream index of its first message; it holds Messages
	// messages, with stream indices First … First+Messages-1.
	First, Messages int
}

// Message is one generated message. The embedded model.Message has the
// content (kind, body, state, votes, replies, answered, anonymous, author
// name, time); ids are left for the caller, who maps the indices below.
type Message struct {
	model.Message
	Index   int   // position in the stream, from 0
	Channel int   // index in Plan.Channels
	Session int   // index in Plan.Sessions
	Author  int   // index in Plan.Users
	Parent  int   // stream index of the message replied to; -1 for none
	Voters  []int // indices in Plan.Users of who upvoted (len = VoteCount)
	Tags    []string
}

// Plan is the shape of the traffic: who, where and when. Sessions are in
// order of start time and stream indices follow that order.
type Plan struct {
	Config   Config
	Channels []Channel
	Users    []User
	Sessions []Session
}

// New plans the traffic of cfg.
func New(cfg Config) (*Plan, error) {
	switch {
	case cfg.Messages < 0:
		return nil, fmt.Errorf("loadgen: messages must not be negative (got %d)", cfg.Messages)
	case cfg.Channels < 1:
		return nil, fmt.Errorf("loadgen: at least one channel is needed (got %d)", cfg.Channels)
	case cfg.Users < 0:
		return nil, fmt.Errorf("loadgen: users must not be negative (got %d)", cfg.Users)
	case cfg.End.IsZero():
		return nil, fmt.Errorf("loadgen: End is not set")
	}
	if cfg.Users == 0 {
		cfg.Users = min(max(cfg.Messages/400, 60), 20000)
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x6c6f616467656e))
	p := &Plan{Config: cfg}
	p.users(r)
	p.channels(r)
	p.sessions(r)
	return p, nil
}

func (p *Plan) users(r *rand.Rand) {
	firsts, lasts := firstNames(), lastNames()
	n := p.Config.Users + p.Config.Channels // participants, then one host per channel
	p.Users = make([]User, n)
	for i := range p.Users {
		name := firsts[r.IntN(len(firsts))] + " " + lasts[r.IntN(len(lasts))]
		if i >= p.Config.Users {
			name = "Prof. " + lasts[r.IntN(len(lasts))]
		}
		p.Users[i] = User{Email: fmt.Sprintf("bench-%d-%d@example.org", p.Config.Seed, i), Name: name}
	}
}

func (p *Plan) channels(r *rand.Rand) {
	subs := subjects()
	p.Channels = make([]Channel, p.Config.Channels)
	for i := range p.Channels {
		s := subs[i%len(subs)]
		level := (i/len(subs)+1)*100 + 1
		c := Channel{
			Slug:        fmt.Sprintf("%s-%d", s.prefix, level),
			Title:       fmt.Sprintf("%s %d", s.title, level),
			Description: fmt.Sprintf("Backchannel of %s %d (generated for benchmarks).", s.title, level),
			Host:        p.Config.Users + i,
		}
		size := min(30+r.IntN(121), p.Config.Users)
		c.Roster = r.Perm(p.Config.Users)[:size]
		p.Channels[i] = c
	}
}

// split divides total into len(weights) whole parts proportional to the
// weights (largest remainder), summing to total exactly.
func split(total int, weights []float64) []int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, len(weights))
	left := total
	for i, w := range weights {
		x := float64(total) * w / sum
		out[i] = int(x)
		left -= out[i]
		rems[i] = rem{i, x - float64(out[i])}
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.f > b.f:
			return -1
		case a.f < b.f:
			return 1
		}
		return 0
	})
	for k := 0; k < left; k++ {
		out[rems[k%len(rems)].i]++
	}
	return out
}

// perSession is about how many messages a busy class meeting gets.
const perSession = 700

func (p *Plan) sessions(r *rand.Rand) {
	cw := make([]float64, len(p.Channels))
	for i := range cw {
		cw[i] = 1 / math.Pow(float64(i+1), 0.6) // a few big courses, many small ones
	}
	perChannel := split(p.Config.Messages, cw)
	counts := make([]int, len(p.Channels))
	most := 1
	for i, n := range perChannel {
		counts[i] = max(1, (n+perSession-1)/perSession)
		most = max(most, counts[i])
	}
	weeks := (most + 1) / 2 // two meetings a week
	base := p.Config.End.UTC().Truncate(24*time.Hour).AddDate(0, 0, -7*weeks-1)
	for c := range p.Channels {
		sw := make([]float64, counts[c])
		for i := range sw {
			sw[i] = 0.5 + r.Float64()
		}
		sizes := split(perChannel[c], sw)
		days := [2]int{r.IntN(3), 2 + r.IntN(3)} // e.g. Monday and Thursday
		hour := 8 + r.IntN(10)
		w0 := weeks - (counts[c]+1)/2 // the newest meetings are the last weeks'
		for k, n := range sizes {
			start := base.AddDate(0, 0, 7*(w0+k/2)+days[k%2]).Add(time.Duration(hour)*time.Hour +
				time.Duration(r.IntN(4))*15*time.Minute)
			end := start.Add(time.Duration(60+r.IntN(61)) * time.Minute)
			title := fmt.Sprintf("Lecture %d", k+1)
			p.Sessions = append(p.Sessions, Session{Channel: c, Title: title, Start: start, End: end, Messages: n})
		}
	}
	slices.SortStableFunc(p.Sessions, func(a, b Session) int { return a.Start.Compare(b.Start) })
	first := 0
	for i := range p.Sessions {
		p.Sessions[i].First = first
		first += p.Sessions[i].Messages
	}
}

// Shares of the traffic.
const (
	replyShare     = 0.30  // of messages, when a recent top-level message exists
	questionShare  = 0.25  // of top-level messages
	answeredShare  = 0.40  // of questions
	heldShare      = 0.015 // waiting for a moderator
	hiddenShare    = 0.01  // hidden by a moderator
	anonymousShare = 0.03
	taggedShare    = 0.02
	hostShare      = 0.05 // of messages, by the channel's host
	linkShare      = 0.02
)

// SessionMessages makes the messages of session i, in time order. Each
// session has its own random source, so sessions can be made in any order
// (or in parallel) and still come out the same.
func (p *Plan) SessionMessages(i int) []Message {
	s := p.Sessions[i]
	ch := p.Channels[s.Channel]
	r := rand.New(rand.NewPCG(p.Config.Seed^0x9e3779b97f4a7c15, uint64(i)))
	topic, _ := Vocabulary(ch.Slug)
	g := newWriter(r, topic)
	authors := rand.NewZipf(r, 1.2, 2, uint64(len(ch.Roster)-1))

	times := make([]time.Time, s.Messages)
	span := s.End.Sub(s.Start)
	for k := range times {
		times[k] = s.Start.Add(time.Duration(r.Float64() * float64(span))).Truncate(time.Millisecond)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })

	out := make([]Message, s.Messages)
	var recent []int // positions in out of recent top-level messages
	for k := range out {
		m := &out[k]
		m.Index, m.Channel, m.Session, m.Parent = s.First+k, s.Channel, i, -1
		m.Author = ch.Roster[authors.Uint64()]
		if r.Float64() < hostShare {
			m.Author = ch.Host
		}
		m.AuthorName = p.Users[m.Author].Name
		m.CreatedAt = times[k]
		m.State = model.StateVisible
		m.Kind = model.KindComment
		if len(recent) > 0 && r.Float64() < replyShare {
			// Mostly the newest threads; now and then an older one.
			j := len(recent) - 1 - min(int(r.ExpFloat64()*2), len(recent)-1)
			parent := &out[recent[j]]
			m.Parent = parent.Index
			parent.ReplyCount++
			m.Body = g.reply()
		} else {
			if r.Float64() < questionShare {
				m.Kind = model.KindQuestion
				m.Body = g.question()
			} else {
				m.Body = g.comment()
			}
			recent = append(recent, k)
			if len(recent) > 15 {
				recent = recent[1:]
			}
		}
		if r.Float64() < linkShare {
			prefix, _, _ := strings.Cut(ch.Slug, "-")
			m.Body += fmt.Sprintf(" https://example.edu/%s/notes/%d", prefix, 1+r.IntN(40))
		}
		if m.Kind == model.KindQuestion {
			m.Voters = p.voters(r, ch, m.Author)
			m.VoteCount = len(m.Voters)
			m.Answered = r.Float64() < answeredShare+min(float64(m.VoteCount)/40, 0.4)
		}
		switch x := r.Float64(); {
		case x < heldShare:
			m.State = model.StateHeld
		case x < heldShare+hiddenShare:
			m.State = model.StateHidden
		}
		m.Anonymous = m.Author != ch.Host && r.Float64() < anonymousShare
		if r.Float64() < taggedShare {
			tags := Tags()
			m.Tags = []string{tags[r.IntN(len(tags))]}
		}
	}
	return out
}

// voters picks who upvoted a question: most get none or a few, popular
// ones dozens.
func (p *Plan) voters(r *rand.Rand, ch Channel, author int) []int {
	n := int(math.Exp(r.ExpFloat64()*1.1)) - 1
	n = min(n, 40, len(ch.Roster)-1)
	if n <= 0 {
		return nil
	}
	out := make([]int, 0, n)
	for _, k := range r.Perm(len(ch.Roster)) {
		if u := ch.Roster[k]; u != author {
			out = append(out, u)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// writer makes message bodies from a course's words and chat words.
type writer struct {
	r              *rand.Rand
	topic, common  []string
	topicZ, commZ  *rand.Zipf
	qOpen, rOpen   []string
	topicShare     float64
	lengthMu, lenS float64
}

func newWriter(r *rand.Rand, topic []string) *writer {
	common := commonWords()
	return &writer{r: r, topic: topic, common: common,
		topicZ: rand.NewZipf(r, 1.1, 2, uint64(len(topic)-1)),
		commZ:  rand.NewZipf(r, 1.05, 3, uint64(len(common)-1)),
		qOpen:  questionOpeners(), rOpen: replyOpeners(),
		topicShare: 0.3, lengthMu: math.Log(12), lenS: 0.6}
}

// length is a message's word count: log-normal around 12, 5 to 60.
func (w *writer) length() int {
	n := int(math.Round(math.Exp(w.lengthMu + w.lenS*w.r.NormFloat64())))
	return min(max(n, 5), 60)
}

func (w *writer) words(b *strings.Builder, n int) {
	for range n {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if w.r.Float64() < w.topicShare {
			b.WriteString(w.topic[w.topicZ.Uint64()])
		} else {
			b.WriteString(w.common[w.commZ.Uint64()])
		}
	}
}

func (w *writer) sentence(opener string, end byte) string {
	var b strings.Builder
	b.WriteString(opener)
	n := w.length() - len(strings.Fields(opener))
	w.words(&b, max(n, 1))
	b.WriteByte(end)
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

func (w *writer) comment() string { return w.sentence("", '.') }

func (w *writer) question() string {
	return w.sentence(w.qOpen[w.r.IntN(len(w.qOpen))], '?')
}

func (w *writer) reply() string {
	return w.sentence(w.rOpen[w.r.IntN(len(w.rOpen))], '.')
}

// QueryText returns a two-word query in the words of the channel slug that
// its messages are likely to match: two different topic words, the most used
// ones most often.
func QueryText(r *rand.Rand, slug string) string {
	topic, ok := Vocabulary(slug)
	if !ok {
		topic = commonWords()
	}
	z := rand.NewZipf(r, 1.1, 2, uint64(min(len(topic), 15)-1))
	a := topic[z.Uint64()]
	b := a
	for b == a {
		b = topic[z.Uint64()]
	}
	return a + " " + b
}
