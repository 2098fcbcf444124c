package pages

import (
	"context"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/views"
)

func personItem(p inbox.Person) views.PersonItem {
	return views.PersonItem{ID: p.ID, Handle: p.Handle, Name: p.DisplayName, Bio: p.Bio}
}

func personItems(ps []inbox.Person) []views.PersonItem {
	out := make([]views.PersonItem, 0, len(ps))
	for _, p := range ps {
		out = append(out, personItem(p))
	}
	return out
}

// viewerID is the signed-in account asking (0: nobody, or a guest).
func viewerID(c *fiber.Ctx) int64 {
	if u := web.ViewerOf(c).User; u != nil {
		return u.ID
	}
	return 0
}

// Profile is a person's page, /u/{handle}: open to everyone; the buttons
// are for accounts, the others are asked to sign in.
func (h *Pages) Profile(c *fiber.Ctx) error {
	id := viewerID(c)
	p, err := h.Inbox.Profile(c.UserContext(), id, web.HandleParam(c))
	if err != nil {
		return err
	}
	d := views.ProfilePage{Person: personItem(p.Person), Followers: p.Followers, Following: p.Following,
		SignedIn: id != 0, Self: p.Self, IsFollowed: p.IsFollowed, FollowsYou: p.FollowedBy,
		Blocked: p.Blocked, NoContact: p.BlockedViewer}
	return web.Render(c, fiber.StatusOK, views.ProfileView(h.Page(c, p.DisplayName+" (@"+p.Handle+")", ""), d))
}

// Followers lists who follows a person.
func (h *Pages) Followers(c *fiber.Ctx) error { return h.followList(c, true) }

// Following lists whom a person follows.
func (h *Pages) Following(c *fiber.Ctx) error { return h.followList(c, false) }

func (h *Pages) followList(c *fiber.Ctx, followers bool) error {
	const limit = 50
	offset, err := web.QueryIntIn(c, "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	pg, err := h.Inbox.Follows(c.UserContext(), web.HandleParam(c), followers, limit, offset)
	if err != nil {
		return err
	}
	d := views.FollowListPage{Person: personItem(pg.Of), Followers: followers, People: personItems(pg.People),
		Total: pg.Total, Offset: offset, Limit: limit}
	title := "Following · " + pg.Of.DisplayName
	if followers {
		title = "Followers · " + pg.Of.DisplayName
	}
	return web.Render(c, fiber.StatusOK, views.FollowListView(h.Page(c, title, ""), d))
}

// ProfileFollow, ProfileUnfollow, ProfileBlock and ProfileUnblock are the
// profile's buttons: each goes back to the profile, with a refusal (a
// blocked person following) as the message on top.
func (h *Pages) ProfileFollow(c *fiber.Ctx) error {
	return h.profileAction(c, h.Inbox.Follow, "You follow @%s.")
}

func (h *Pages) ProfileUnfollow(c *fiber.Ctx) error {
	return h.profileAction(c, h.Inbox.Unfollow, "You no longer follow @%s.")
}

func (h *Pages) ProfileBlock(c *fiber.Ctx) error {
	return h.profileAction(c, h.Inbox.Block, "You blocked @%s.")
}

func (h *Pages) ProfileUnblock(c *fiber.Ctx) error {
	id, handle := viewerID(c), web.HandleParam(c)
	if err := h.Inbox.Unblock(c.UserContext(), id, handle); err != nil {
		return err
	}
	h.Flash(c, "success", "@"+handle+" is unblocked.")
	return web.SeeOther(c, views.ProfileURL(handle))
}

type profileActionFunc func(ctx context.Context, viewer int64, handle string) (*inbox.Profile, error)

func (h *Pages) profileAction(c *fiber.Ctx, act profileActionFunc, done string) error {
	handle := web.HandleParam(c)
	_, err := act(c.UserContext(), viewerID(c), handle)
	var prob *model.Problem
	switch {
	case errors.As(err, &prob):
		h.Flash(c, "error", prob.Message)
	case err != nil:
		return err
	default:
		h.Flash(c, "success", fmt.Sprintf(done, handle))
	}
	return web.SeeOther(c, views.ProfileURL(handle))
}
