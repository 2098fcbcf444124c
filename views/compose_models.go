package views

import (
	"strconv"
	"time"
)

// GuidelineChange is a new version of the guidelines the viewer must accept
// again, shown above the compose box with what changed.
type GuidelineChange struct {
	ID              int64 // the version to accept
	Title           string
	Version         int
	AcceptedVersion int
	Diff            []DiffLine
	HTML            string // the new version, rendered and sanitised
	Error           string // the version changed again while they read
}

// DiffLine is one line of a guideline diff: Op "+" added, "-" removed,
// " " unchanged.
type DiffLine struct {
	Op   string
	Text string
}

// Sanction is a ban or mute as the person it applies to sees it.
type Sanction struct {
	Until     time.Time // zero: no end time (a ban, or a mute for the rest of the session)
	Reason    string
	Guideline string // the rule id cited ("G3"), if any
}

// Banned is the page a banned person sees instead of the channel.
type Banned struct {
	Title    string
	Sanction Sanction
}

// holdersText says how many people a material guideline change asks to
// accept again.
func holdersText(n int) string {
	switch n {
	case 0:
		return "Nobody has accepted the version in force yet."
	case 1:
		return "Ticked, this asks 1 person who accepted the version in force to accept again before their next post."
	}
	return "Ticked, this asks " + strconv.Itoa(n) + " people who accepted the version in force to accept again before their next post."
}
