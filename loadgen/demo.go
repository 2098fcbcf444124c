package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
)

// The demo's accounts and channel.
const (
	DemoAdminEmail = "demo-admin@example.org"
	demoAdminName  = "Demo Admin"
	demoHostEmail  = "demo-host@example.org"
	demoHostName   = "Dr. Elena Vasquez"
	DemoSlug       = "demo"
	demoTitle      = "Demo: Intro to Astronomy"
	demoSession    = "Lecture 1: From the Solar System to the Big Bang"
)

// DemoOptions say how the demo audience behaves.
type DemoOptions struct {
	Rate          float64       // messages per minute, more than 0
	Duration      time.Duration // 0: until the context ends
	Seed          uint64        // seed of the audience's random choices
	Audience      int           // simulated participants, 1 to DemoAudienceMax()
	AdminPassword string        // "": a random one
	BaseURL       string        // where the server answers, for the links printed
}

// DemoAudienceMax is the largest audience the demo simulates.
func DemoAudienceMax() int { return len(demoNames()) }

// Demo makes the demo's accounts (an admin, signed in with
// o.AdminPassword, and the lecturer), its channel with a live session and
// the audience's guests, and returns what runs beside the server: the
// audience posting, replying, reacting and upvoting through the chat use
// cases, until ctx ends or o.Duration is over. That function first prints the
// links and the admin's credentials to stdout. Run again on the same data,
// Demo reuses the accounts, channel and live session.
func Demo(ctx context.Context, s Services, o DemoOptions, stdout io.Writer) (func(context.Context) error, error) {
	if o.Rate <= 0 || o.Audience < 1 || o.Audience > DemoAudienceMax() {
		return nil, fmt.Errorf("demo: a rate above 0 and an audience of 1 to %d are needed (got %g, %d)", DemoAudienceMax(), o.Rate, o.Audience)
	}
	password := o.AdminPassword
	if password == "" {
		password = accounts.NewToken("", 12)
	}
	if _, err := ensureDemoUser(ctx, s, DemoAdminEmail, demoAdminName, password, model.RoleAdmin, true); err != nil {
		return nil, fmt.Errorf("demo: admin account: %w", err)
	}
	host, err := ensureDemoUser(ctx, s, demoHostEmail, demoHostName, accounts.NewToken("", 16), model.RoleParticipant, false)
	if err != nil {
		return nil, fmt.Errorf("demo: host account: %w", err)
	}
	ch, err := ensureDemoChannel(ctx, s.Chat, host.ID)
	if err != nil {
		return nil, fmt.Errorf("demo: channel: %w", err)
	}
	fresh, err := ensureLiveSession(ctx, s.Chat, host.ID, ch)
	if err != nil {
		return nil, fmt.Errorf("demo: session: %w", err)
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	a, err := newAudience(ctx, s.Chat, ch, rng, o.Audience, s.Log)
	if err != nil {
		return nil, fmt.Errorf("demo: audience: %w", err)
	}
	if fresh {
		a.welcome(ctx, host)
	}
	return func(ctx context.Context) error {
		fmt.Fprintf(stdout, "\nDemo channel:  %s/c/%s\n", o.BaseURL, DemoSlug)
		fmt.Fprintf(stdout, "Admin sign-in: %s/login\n", o.BaseURL)
		fmt.Fprintf(stdout, "    email:     %s\n", DemoAdminEmail)
		fmt.Fprintf(stdout, "    password:  %s\n", password)
		fmt.Fprintf(stdout, "Simulated audience: %d guests, about %g messages a minute (--seed %d)", len(a.members), o.Rate, o.Seed)
		if o.Duration > 0 {
			fmt.Fprintf(stdout, ", for %s", o.Duration)
		}
		fmt.Fprintf(stdout, ".\n\n")
		return a.run(ctx, o.Rate, o.Duration)
	}, nil
}

// ensureDemoUser creates the account email, or finds it; it makes sure the
// account is enabled and holds role site-wide. With setPassword an existing
// account's password becomes password (so the printed one works).
func ensureDemoUser(ctx context.Context, s Services, email, name, password string, role model.Role, setPassword bool) (*model.User, error) {
	u, err := s.Accounts.UserByEmail(ctx, email)
	if errors.Is(err, model.ErrNotFound) {
		return s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: email, DisplayName: name, Password: password}, role)
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled() {
		if err := s.Accounts.SetDisabled(ctx, 0, u.ID, false); err != nil {
			return nil, err
		}
	}
	if role != model.RoleParticipant {
		if top, err := s.Accounts.TopSiteRole(ctx, u.ID); err != nil {
			return nil, err
		} else if top != role {
			if err := s.Accounts.SetSiteRole(ctx, 0, u.ID, role); err != nil {
				return nil, err
			}
		}
	}
	if setPassword {
		hash, err := accounts.HashPassword(password)
		if err != nil {
			return nil, err
		}
		if err := store.SetPassword(ctx, s.DB, u.ID, hash); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// ensureDemoChannel creates the demo channel (hosted by hostID), or makes
// sure an existing one takes guests and anonymous posts.
func ensureDemoChannel(ctx context.Context, cs *chat.Service, hostID int64) (*model.Channel, error) {
	yes := true
	ch, err := cs.Channel(ctx, DemoSlug)
	if errors.Is(err, model.ErrNotFound) {
		slug, title := DemoSlug, demoTitle
		desc := "A live demo of Backchannel: a simulated audience comments, asks and upvotes questions " +
			"during an introductory astronomy lecture. Join as a guest and join in."
		public := model.VisibilityPublic
		return cs.CreateChannel(ctx, hostID, chat.ChannelInput{Slug: &slug, Title: &title, Description: &desc,
			Visibility: &public, AllowAnonymous: &yes, AllowGuests: &yes})
	}
	if err != nil {
		return nil, err
	}
	if ch.AllowGuests && ch.AllowAnonymous && ch.Visibility != model.VisibilityMembers {
		return ch, nil
	}
	in := chat.ChannelInput{AllowAnonymous: &yes, AllowGuests: &yes}
	if ch.Visibility == model.VisibilityMembers {
		public := model.VisibilityPublic
		in.Visibility = &public
	}
	return cs.UpdateChannel(ctx, hostID, DemoSlug, in)
}

// ensureLiveSession starts a session in ch unless one is live, and reports
// whether it started one.
func ensureLiveSession(ctx context.Context, cs *chat.Service, hostID int64, ch *model.Channel) (bool, error) {
	live, err := cs.LiveSession(ctx, ch)
	if err != nil || live != nil {
		return false, err
	}
	_, err = cs.StartSession(ctx, hostID, ch, demoSession)
	return err == nil, err
}

// member is one simulated participant.
type member struct {
	v     chat.Viewer
	until time.Time // rate limited until then
}

// pendingReply is a reply someone will post to an earlier question.
type pendingReply struct {
	parent int64
	author int // index of the question's author, who does not answer themselves
	body   string
	after  int // post once this many messages have been posted in all
}

// audience posts, replies, reacts and upvotes in a channel on behalf of its
// members, one action at a time.
type audience struct {
	chat    *chat.Service
	slug    string
	rng     *rand.Rand
	log     *slog.Logger
	members []*member
	script  []demoLine
	next    int     // next line of script
	posted  int     // messages posted
	recent  []int64 // the newest messages posted, to react to
	// questions posted (top-level), to upvote
	questions []int64
	pending   []pendingReply
	reacted   map[string]bool // member/message/emoji already on
	voted     map[string]bool // member/message
	now       func() time.Time
}

// newAudience joins n guests to ch and has each accept the guidelines.
func newAudience(ctx context.Context, cs *chat.Service, ch *model.Channel, rng *rand.Rand, n int, log *slog.Logger) (*audience, error) {
	a := &audience{chat: cs, slug: ch.Slug, rng: rng, log: log, script: demoScript(),
		reacted: map[string]bool{}, voted: map[string]bool{}, now: time.Now}
	names := demoNames()
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for _, name := range names[:n] {
		_, g, err := cs.JoinAsGuest(ctx, ch, name, ch.JoinCode, "demo")
		if err != nil {
			return nil, fmt.Errorf("join %s: %w", name, err)
		}
		v, err := cs.ViewerFor(ctx, ch, nil, g)
		if err != nil {
			return nil, err
		}
		if err := cs.AcceptGuideline(ctx, ch, v, 0); err != nil {
			return nil, fmt.Errorf("%s accepts the guidelines: %w", name, err)
		}
		a.members = append(a.members, &member{v: v})
	}
	return a, nil
}

// welcome has the host open the session.
func (a *audience) welcome(ctx context.Context, host *model.User) {
	ch, err := a.chat.Channel(ctx, a.slug)
	if err != nil {
		return
	}
	v, err := a.chat.ViewerFor(ctx, ch, host, nil)
	if err == nil {
		err = a.chat.AcceptGuideline(ctx, ch, v, 0)
	}
	if err == nil {
		_, err = a.chat.Post(ctx, ch, v, chat.PostInput{Body: "Welcome to Intro to Astronomy! 🔭 Post your comments and " +
			"questions here while I talk, and upvote the questions you want answered: I will take the top ones at the end."})
	}
	if err != nil {
		a.log.Warn("demo: host welcome", "err", err)
	}
}

// run acts about rate times a minute (each wait jittered between 0.4 and 1.6
// times the mean) until ctx ends or duration (when positive) has passed.
func (a *audience) run(ctx context.Context, rate float64, duration time.Duration) error {
	if duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, duration)
		defer cancel()
	}
	mean := float64(time.Minute) / rate
	t := time.NewTimer(time.Duration(mean * (0.4 + 1.2*a.rng.Float64())))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := a.step(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("demo: audience", "err", err)
		}
		t.Reset(time.Duration(mean * (0.4 + 1.2*a.rng.Float64())))
	}
}

// step posts one message (a line of the talk or a reply to a question) as a
// member who may post now, and now and then has others react and upvote.
func (a *audience) step(ctx context.Context) error {
	ch, err := a.chat.Channel(ctx, a.slug) // settings may change while the demo runs
	if err != nil {
		return err
	}
	if ch.PostingMode != model.PostingLocked {
		if err := a.post(ctx, ch); err != nil {
			return err
		}
	}
	if len(a.recent) > 0 && a.rng.Float64() < 0.55 {
		a.react(ctx, ch)
	}
	if len(a.questions) > 0 && a.rng.Float64() < 0.45 {
		a.upvote(ctx, ch)
	}
	return nil
}

// post picks what to say and who says it; a member who is rate limited
// rests, and another one tries.
func (a *audience) post(ctx context.Context, ch *model.Channel) error {
	next, ok := a.nextMessage(ch)
	if !ok {
		return nil
	}
	in, reply := next.in, next.reply
	for range 3 {
		who := a.pick(next.author)
		if who < 0 {
			break // everyone is resting: try again on the next tick
		}
		m, err := a.chat.Post(ctx, ch, a.members[who].v, in)
		var rl *model.RateLimitError
		switch {
		case errors.As(err, &rl):
			a.members[who].until = a.now().Add(time.Duration(max(rl.RetryAfter, 1)) * time.Second)
			continue
		case err != nil:
			a.consume(reply) // refused (e.g. questions only, a removed parent): say something else next time
			var p *model.Problem
			var fe *model.FieldError
			if errors.As(err, &p) || errors.As(err, &fe) {
				a.log.Debug("demo: post refused", "member", a.members[who].v.Actor.Name, "err", err)
				return nil
			}
			return err
		}
		a.consume(reply)
		a.posted++
		a.recent = append(a.recent, m.ID)
		if len(a.recent) > 40 {
			a.recent = a.recent[1:]
		}
		if m.Kind == model.KindQuestion && m.ParentID == nil {
			a.questions = append(a.questions, m.ID)
			a.plan(m.ID, who, next.replies)
		}
		return nil
	}
	a.unconsume(reply)
	return nil
}

// nextPost is what to post next.
type nextPost struct {
	in      chat.PostInput
	reply   int      // index in pending of the reply; -1 for a line of the talk
	author  int      // the member who must not post it (the question's author); -1 for anyone
	replies []string // answers others may give to the question
}

// nextMessage returns the next message to post: a due reply or the next line
// of the talk. ok is false when nothing fits the channel now.
func (a *audience) nextMessage(ch *model.Channel) (nextPost, bool) {
	for i, p := range a.pending {
		if p.after <= a.posted && a.rng.Float64() < 0.7 {
			anon := ch.AllowAnonymous && a.rng.Float64() < 0.05
			return nextPost{in: chat.PostInput{Body: p.body, ParentID: p.parent, Anonymous: anon}, reply: i, author: p.author}, true
		}
	}
	// The talk goes roughly in order: take one of the next three lines.
	for range len(a.script) {
		if a.next >= len(a.script) {
			a.next = 0 // the lecture starts over
		}
		if j := a.next + a.rng.IntN(min(3, len(a.script)-a.next)); j != a.next {
			a.script[a.next], a.script[j] = a.script[j], a.script[a.next]
		}
		l := a.script[a.next]
		a.next++
		if ch.PostingMode == model.PostingQuestions && l.kind != model.KindQuestion {
			continue
		}
		anon := ch.AllowAnonymous && (l.anonymous || a.rng.Float64() < 0.04)
		return nextPost{in: chat.PostInput{Body: l.body, Kind: l.kind, Anonymous: anon}, reply: -1, author: -1, replies: l.replies}, true
	}
	return nextPost{}, false
}

// consume removes a posted (or refused) reply from pending.
func (a *audience) consume(reply int) {
	if reply >= 0 {
		a.pending = append(a.pending[:reply], a.pending[reply+1:]...)
	}
}

// unconsume puts back a line of the talk nobody could post yet.
func (a *audience) unconsume(reply int) {
	if reply < 0 && a.next > 0 {
		a.next--
	}
}

// plan schedules the answers others give to a question: its own replies,
// each likely, or now and then a generic one.
func (a *audience) plan(parent int64, author int, replies []string) {
	if len(replies) == 0 && a.rng.Float64() < 0.3 {
		g := demoGenericReplies()
		replies = []string{g[a.rng.IntN(len(g))]}
	}
	after := a.posted
	for _, r := range replies {
		if a.rng.Float64() < 0.8 {
			after += 1 + a.rng.IntN(5)
			a.pending = append(a.pending, pendingReply{parent: parent, author: author, body: r, after: after})
		}
	}
}

// pick returns a random member other than not who may post now, or -1.
func (a *audience) pick(not int) int {
	now := a.now()
	var ok []int
	for i, m := range a.members {
		if i != not && !now.Before(m.until) {
			ok = append(ok, i)
		}
	}
	if len(ok) == 0 {
		return -1
	}
	return ok[a.rng.IntN(len(ok))]
}

// react has a random member put a reaction (thumbs up most often) on one of
// the recent messages; refusals (e.g. a message removed by a moderator) are
// skipped.
func (a *audience) react(ctx context.Context, ch *model.Channel) {
	palette := model.Reactions()
	emoji := palette[0]
	if a.rng.Float64() < 0.5 {
		emoji = palette[a.rng.IntN(len(palette))]
	}
	// Newer messages draw more reactions.
	i := len(a.recent) - 1 - min(a.rng.IntN(len(a.recent)), a.rng.IntN(len(a.recent)))
	id := a.recent[i]
	who := a.rng.IntN(len(a.members))
	key := fmt.Sprintf("%d/%d/%s", who, id, emoji)
	if a.reacted[key] {
		return // React toggles: do not take it back
	}
	if _, err := a.chat.React(ctx, ch, a.members[who].v, id, emoji); err != nil {
		a.log.Debug("demo: react", "err", err)
		return
	}
	a.reacted[key] = true
}

// upvote has a random member upvote a question; earlier questions have had
// more time, so they tend to gather more votes.
func (a *audience) upvote(ctx context.Context, ch *model.Channel) {
	id := a.questions[min(a.rng.IntN(len(a.questions)), a.rng.IntN(len(a.questions)))]
	who := a.rng.IntN(len(a.members))
	key := fmt.Sprintf("%d/%d", who, id)
	if a.voted[key] {
		return
	}
	if _, err := a.chat.Vote(ctx, ch, a.members[who].v, id, true); err != nil {
		a.log.Debug("demo: vote", "err", err)
		return
	}
	a.voted[key] = true
}

// demoNames are the simulated audience.
func demoNames() []string {
	return []string{"Maya Chen", "Jonas Weber", "Aisha Bello", "Lucas Oliveira", "Priya Raman", "Tomás García",
		"Hannah Kowalski", "Kenji Watanabe", "Fatima Zahra", "Liam O'Connor", "Sofia Rossi", "Noah Fischer",
		"Amara Okafor", "Erik Lindqvist", "Chloé Martin", "Diego Herrera"}
}

// demoLine is one thing the audience says during the talk, with the answers
// others may reply to it with (questions only).
type demoLine struct {
	kind      model.MessageKind
	body      string
	anonymous bool
	replies   []string
}

func demoQ(body string, replies ...string) demoLine {
	return demoLine{kind: model.KindQuestion, body: body, replies: replies}
}

func demoComment(body string) demoLine { return demoLine{kind: model.KindComment, body: body} }

func demoAnonQ(body string, replies ...string) demoLine {
	l := demoQ(body, replies...)
	l.anonymous = true
	return l
}

// demoScript is the audience's side of the lecture, roughly in the order of
// the talk: the sky, the Solar System, stars, galaxies, exoplanets, cosmology.
func demoScript() []demoLine {
	return []demoLine{
		demoComment("Hi everyone! Excited for this one 🔭"),
		demoComment("Hello from the back row 👋"),
		demoQ("Will the slides be shared after the lecture?", "They were last week, on the course page", "+1, would love the slides"),
		demoComment("The audio is a bit quiet at the back"),
		demoComment("Much better now, thanks!"),
		demoQ("Is there a recommended textbook for this course?", "The syllabus lists 'Universe' by Freedman & Kaufmann"),
		demoComment("Stellarium is great for following along: https://stellarium.org"),
		demoQ("Why do the stars seem to rotate around Polaris over the night?", "Because Earth spins and Polaris sits almost exactly above the North Pole"),
		demoComment("That long-exposure star trail photo is gorgeous ✨"),
		demoAnonQ("Sorry if this is basic, but what exactly is a light-year? A time or a distance?", "A distance: how far light travels in a year, about 9.46 trillion km"),
		demoComment("1 AU ≈ 150 million km, for anyone taking notes"),
		demoQ("How did people measure the distance to the Sun before spacecraft?", "Transits of Venus! https://en.wikipedia.org/wiki/Transit_of_Venus"),
		demoComment("Kepler's third law still blows my mind: T² ∝ a³ and that's it"),
		demoQ("Why is Venus hotter than Mercury if it's farther from the Sun?", "Runaway greenhouse effect, its CO₂ atmosphere traps the heat", "Mercury has basically no atmosphere to hold heat"),
		demoComment("Fun fact: a day on Venus is longer than its year 🤯"),
		demoQ("Is Pluto a planet again or not?", "Still a dwarf planet since 2006: https://en.wikipedia.org/wiki/IAU_definition_of_planet"),
		demoComment("Justice for Pluto 😂"),
		demoQ("How do we know what Jupiter's core is made of if we can't see it?", "Juno measures its gravity field very precisely, that constrains the interior"),
		demoComment("The Great Red Spot has been shrinking for decades, right?"),
		demoComment("Saturn's rings are thinner than I ever imagined, tens of metres in places"),
		demoAnonQ("Could we ever live on Mars, realistically?"),
		demoQ("Why do comets have two tails?", "One is dust, one is ionised gas pushed straight away by the solar wind"),
		demoComment("Here's the NASA page on the Oort cloud: https://science.nasa.gov/solar-system/oort-cloud/"),
		demoComment("👏👏👏"),
		demoQ("What makes a star 'die' exactly?", "It runs out of fuel it can fuse in its core, then gravity wins"),
		demoComment("So we really are made of star stuff 🌟"),
		demoQ("How long will the Sun keep shining?", "About 5 billion more years before it becomes a red giant"),
		demoComment("The HR diagram finally makes sense to me now"),
		demoQ("What's the difference between a neutron star and a pulsar?", "A pulsar is a neutron star whose beam sweeps past us, like a lighthouse"),
		demoComment("Betelgeuse dimming in 2019 had everyone hoping for a supernova 😅"),
		demoAnonQ("Is it dangerous if a nearby star goes supernova?", "Only within roughly 50 light-years, and no candidate is that close"),
		demoComment("The sound of a pulsar converted to audio is so eerie"),
		demoQ("How do black holes form from stars?", "Very massive stars collapse after a supernova if the core is above about 3 solar masses"),
		demoComment("That first black hole image from the Event Horizon Telescope still gives me chills: https://en.wikipedia.org/wiki/Event_Horizon_Telescope"),
		demoQ("If nothing escapes a black hole, how does Hawking radiation work?"),
		demoComment("Great explanation of the event horizon, thank you!"),
		demoQ("How many galaxies are there in the observable universe?", "Estimates range from about 200 billion to 2 trillion"),
		demoComment("The Hubble Deep Field is my desktop wallpaper 😍 https://en.wikipedia.org/wiki/Hubble_Deep_Field"),
		demoQ("Will the Milky Way really collide with Andromeda?", "Yes, in about 4.5 billion years. Stars almost never hit each other though"),
		demoComment("Milkdromeda is such a good name"),
		demoQ("How do we know the distance to other galaxies?", "The cosmic distance ladder: https://en.wikipedia.org/wiki/Cosmic_distance_ladder", "Cepheids and type Ia supernovae as standard candles"),
		demoComment("Dark matter being ~85% of all matter is wild"),
		demoAnonQ("Is dark matter just stuff we can't see, like dust or dead stars?", "Those were checked (MACHOs) and can't account for most of it"),
		demoComment("The rotation curve slide is the clearest I've seen"),
		demoQ("How many exoplanets have been found so far?", "Over 5,500 confirmed, NASA keeps a count: https://exoplanets.nasa.gov"),
		demoComment("Background reading on exoplanets: https://en.wikipedia.org/wiki/Exoplanet"),
		demoQ("How does the transit method work?", "The star dims slightly when a planet passes in front of it"),
		demoComment("TRAPPIST-1 with seven Earth-sized planets is my favourite system"),
		demoQ("Could JWST detect life on an exoplanet?", "It can look for biosignature gases in atmospheres, but it would be indirect evidence"),
		demoComment("The JWST images are unreal 😮"),
		demoQ("What is the 'habitable zone' based on?", "The distance where liquid water could exist on the surface"),
		demoComment("Drake equation time! 🎉"),
		demoAnonQ("Do you personally think we're alone in the universe?"),
		demoQ("What came before the Big Bang?", "As far as we know, the question may not even make sense if time began there"),
		demoComment("The CMB is literally the afterglow of the Big Bang, so cool"),
		demoQ("If the universe is expanding, what is it expanding into?", "Nothing: space itself stretches, there's no outside"),
		demoComment("Redshift explained with the balloon analogy, nice 🎈"),
		demoQ("How do we know the universe is 13.8 billion years old?", "From the CMB measured by Planck together with the expansion rate"),
		demoComment("Great analogy with the raisin bread!"),
		demoQ("Is the expansion of the universe speeding up?", "Yes, that's what dark energy is meant to explain: https://en.wikipedia.org/wiki/Dark_energy"),
		demoComment("So much to read after this. Thanks for the great lecture!"),
		demoQ("Will there be a stargazing night for the class?", "There was one last year at the campus observatory"),
		demoComment("Clear skies, everyone! 🌌"),
		demoComment("That was the fastest hour of my week 👏"),
	}
}

// demoGenericReplies are replies that fit most questions.
func demoGenericReplies() []string {
	return []string{
		"+1, I was wondering the same",
		"Good question! Hope we get to it at the end",
		"I think this is in chapter 4 of the reading",
		"Upvoted, would love to hear the answer",
		"There's a good Crash Course Astronomy video on this",
	}
}
