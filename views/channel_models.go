package views

import "time"

// Segment is a piece of message text: plain text, or a link when URL is set.
type Segment struct {
	Text string
	URL  string // http or https only
}

// Reaction is one emoji under a message.
type Reaction struct {
	Emoji string
	Count int
	Mine  bool
}

// Message is a message as the viewer sees it.
type Message struct {
	ID         int64
	Slug       string // the channel's
	Seq        int64
	ParentID   int64 // 0 for a thread's first message
	Question   bool
	Author     string
	Anonymous  bool // posted anonymously (the viewer may still see the name)
	Mine       bool
	State      string
	Deleted    bool
	Body       []Segment
	RawBody    string // for the edit form
	CreatedAt  time.Time
	Edited     bool
	VoteCount  int
	Voted      bool
	ReplyCount int
	Reactions  []Reaction // every palette emoji, with counts
	CanEdit    bool
	CanDelete  bool
	CanAct     bool // may react, vote and reply
	EditError  string
	Replies    []Message
	// Moderation, as the viewer may know it.
	Staff        bool // the viewer moderates the channel: state badges
	Pinned       bool
	Highlighted  bool
	Answered     bool
	Flagged      bool // staff only
	CanReport    bool // someone else's message the viewer may report
	ReportNote   string
	ReportError  string
	ReportReason string
	// AuthorRole is the author's staff role in the channel ("admin",
	// "moderator", "host"; "" for everyone else, and for an anonymous post
	// as participants see it): a badge beside the name.
	AuthorRole string
	// AuthorHandle links an account author's name to their profile; ""
	// for guests, and never set for an anonymous post.
	AuthorHandle string
	// Attachments are the message's files, in the order they were attached.
	Attachments []Attachment
}

// Compose is the state of a compose form.
type Compose struct {
	Slug          string
	ParentID      int64 // a reply form when set
	Body          string
	Kind          string // "comment" or "question"
	Anonymous     bool
	Error         string
	QuestionsOnly bool
	AllowAnon     bool
	MaxLength     int
	SlowMode      int
	// Where the poster stands: muted (until when, why), or seconds to wait
	// for slow mode; AwaitGuidelines: refused until they accept a new
	// version of the guidelines, posted again once they do.
	Muted           *Sanction
	Wait            int
	AwaitGuidelines bool
	// CanAttach offers the file control (accounts only: guests cannot
	// upload).
	CanAttach bool
	// AttachmentsOff hides the file control: the host turned attachments
	// off for participants here.
	AttachmentsOff bool
}

// ChannelHead is the channel's title bar, refreshed live when its settings
// or session change.
type ChannelHead struct {
	Slug         string
	Title        string
	Description  string
	Live         bool
	SessionTitle string
	PostingMode  string
	SlowMode     int
	JoinCode     string // shown to hosts only
	IsHost       bool
}

// ChannelPage is everything the channel page shows.
type ChannelPage struct {
	Head     ChannelHead
	Sort     string // "newest" or "top"
	LastSeq  int64
	Messages []Message // newest first (or top questions first), pinned then highlighted threads on top
	// Earlier: older threads exist, before the seq Oldest (the page shows
	// a "load earlier" control below its oldest thread).
	Earlier         bool
	Oldest          int64
	Compose         Compose
	CanPost         bool
	Locked          bool
	NeedsGuidelines bool
	Guideline       Guideline
	// GuidelineChange: the viewer accepted an earlier version; they keep
	// the compose box and see what changed, with an Accept button.
	GuidelineChange *GuidelineChange
	ViewerName      string
	Warnings        []string // moderators' warnings to the viewer (last day)
	IsGuest         bool
}

// Guideline is the text participants accept before posting.
type Guideline struct {
	ID    int64
	Title string
	Rules []string
	HTML  string // sanitised rendering of the Markdown, shown instead of Rules when set
}

// JoinPage is shown to people who have not joined a channel yet.
type JoinPage struct {
	Slug          string
	Title         string
	Description   string
	SignedIn      bool
	NeedsCode     bool
	GuestsAllowed bool
	MembersOnly   bool
	Form          Form
}

// ChannelSettings is the host's settings form and member list.
type ChannelSettings struct {
	Head       ChannelHead
	Form       Form
	Members    []Member
	MemberForm Form
}

// Member is one member of a channel.
type Member struct {
	ID    int64
	Name  string
	Email string
}
