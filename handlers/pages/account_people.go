package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// accountPeople is the account page's profile and direct-message part.
func (h *Pages) accountPeople(c *fiber.Ctx, prof views.Form) (views.AccountPeople, error) {
	u := web.ViewerOf(c).User
	if prof.Values == nil {
		prof = views.Form{Values: map[string]string{"handle": u.Handle, "bio": u.Bio}, Errors: map[string]string{}}
	}
	bs, err := h.Inbox.Blocked(c.UserContext(), u.ID)
	if err != nil {
		return views.AccountPeople{}, err
	}
	d := views.AccountPeople{Handle: u.Handle, Profile: prof, DMPolicy: string(u.DMPolicy)}
	for _, b := range bs {
		d.Blocked = append(d.Blocked, views.PersonItem{ID: b.ID, Handle: b.Handle, Name: b.DisplayName})
	}
	return d, nil
}

// AccountProfile saves the handle and bio; a refused field comes back
// beside its input and nothing changes.
func (h *Pages) AccountProfile(c *fiber.Ctx) error {
	f := web.FormOf(c, "handle", "bio")
	handle, bio := f.Value("handle"), f.Value("bio")
	if _, err := h.Accounts.UpdateProfile(c.UserContext(), web.ViewerOf(c).User.ID, accounts.ProfileInput{Handle: &handle, Bio: &bio}); err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderAccountWith(c, status, web.FormOf(c), "", f)
	}
	h.Flash(c, "success", "Your profile is saved.")
	return web.SeeOther(c, "/account#profile-settings")
}

// AccountMessages saves who may message the person.
func (h *Pages) AccountMessages(c *fiber.Ctx) error {
	p := model.DMPolicy(c.FormValue("dm_policy"))
	if _, err := h.Accounts.UpdateProfile(c.UserContext(), web.ViewerOf(c).User.ID, accounts.ProfileInput{DMPolicy: &p}); err != nil {
		return err
	}
	h.Flash(c, "success", "Saved: who can message you.")
	return web.SeeOther(c, "/account#messages-settings")
}

// AccountUnblock unblocks a person from the blocked list.
func (h *Pages) AccountUnblock(c *fiber.Ctx) error {
	handle := web.HandleParam(c)
	if err := h.Inbox.Unblock(c.UserContext(), web.ViewerOf(c).User.ID, handle); err != nil {
		return err
	}
	h.Flash(c, "success", "@"+handle+" is unblocked.")
	return web.SeeOther(c, "/account#messages-settings")
}
