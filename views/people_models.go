package views

import (
	"net/url"
	"strconv"
)

// PersonItem is one person in a list: followers, the blocked list, a search.
type PersonItem struct {
	ID     int64
	Handle string
	Name   string
	Bio    string
}

// ProfilePage is /u/{handle} as one viewer sees it.
type ProfilePage struct {
	Person    PersonItem
	Followers int
	Following int
	SignedIn  bool // an account: the buttons; otherwise a sign-in prompt
	Self      bool
	// Between the viewer and the person.
	IsFollowed bool // the viewer follows them
	FollowsYou bool
	Blocked    bool // the viewer blocked them
	// NoContact leaves out Follow and Message: the person blocked the
	// viewer. The page says nothing more about it.
	NoContact bool
}

// FollowListPage is the followers or the following of one person.
type FollowListPage struct {
	Person    PersonItem
	Followers bool // the people following Person; false: whom Person follows
	People    []PersonItem
	Total     int
	Offset    int
	Limit     int
}

// AccountPeople is the profile and direct-message part of the account page.
type AccountPeople struct {
	Handle   string
	Profile  Form // handle, bio
	DMPolicy string
	Blocked  []PersonItem
}

// ProfileURL is a person's profile page.
func ProfileURL(handle string) string { return "/u/" + url.PathEscape(handle) }

func profileAction(handle, action string) string { return ProfileURL(handle) + "/" + action }

// NewMessageURL starts a conversation with handle (the inbox's page).
func NewMessageURL(handle string) string { return "/inbox/new?to=" + url.QueryEscape(handle) }

func unblockURL(handle string) string {
	return "/account/blocks/" + url.PathEscape(handle) + "/unblock"
}

func initial(name string) string {
	for _, r := range name {
		return string(r)
	}
	return "?"
}

func countLabel(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func followListURL(handle string, followers bool, offset int) string {
	p := profileAction(handle, "following")
	if followers {
		p = profileAction(handle, "followers")
	}
	if offset > 0 {
		p += "?offset=" + strconv.Itoa(offset)
	}
	return p
}
