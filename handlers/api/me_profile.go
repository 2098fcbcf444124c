package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/handlers/web"
	"backchannel/model"
)

// MeUpdate changes the caller's own profile: {"handle", "bio", "dm_policy"},
// each optional. A refused field changes nothing.
func (h *API) MeUpdate(c *fiber.Ctx) error {
	var b struct {
		Handle   *string         `json:"handle"`
		Bio      *string         `json:"bio"`
		DMPolicy *model.DMPolicy `json:"dm_policy"`
	}
	if err := web.DecodeJSON(c, &b, false); err != nil {
		return err
	}
	v := web.ViewerOf(c)
	u, err := h.Accounts.UpdateProfile(c.UserContext(), v.User.ID, accounts.ProfileInput{Handle: b.Handle, Bio: b.Bio, DMPolicy: b.DMPolicy})
	if err != nil {
		return err
	}
	roles, err := h.Accounts.SiteRoles(c.UserContext(), v.User.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": u, "roles": roles})
}
