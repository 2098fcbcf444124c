package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/attachments"
	"backchannel/handlers/web"
	"backchannel/model"
)

// apiUpload is an uploaded file as the API shows it.
type apiUpload struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Kind      string    `json:"kind"`
	Size      int64     `json:"size"`
	Width     int       `json:"width,omitempty"`
	Height    int       `json:"height,omitempty"`
	SHA256    string    `json:"sha256"`
	Attached  bool      `json:"attached"`
	URL       string    `json:"url"`
	ThumbURL  string    `json:"thumb_url,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func toAPIUpload(a *model.Attachment) apiUpload {
	out := apiUpload{ID: a.ID, Name: a.Name, Type: a.MediaType, Kind: string(a.Kind), Size: a.Size,
		Width: a.Width, Height: a.Height, SHA256: a.SHA256, Attached: a.Attached(),
		URL: web.FileURL(a), CreatedAt: a.CreatedAt}
	if a.Kind == model.AttachmentImage {
		out.ThumbURL = web.ThumbURL(a)
	}
	return out
}

// UploadCreate stores the multipart field "file", read as a stream.
func (h *API) UploadCreate(c *fiber.Ctx) error {
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return model.Invalid("file", `Send the file as multipart/form-data in the field "file".`)
	}
	var body io.Reader = c.Request().BodyStream()
	if body == nil {
		body = bytes.NewReader(c.Body())
	} else {
		body = h.KeepReading(c, body)
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return model.Invalid("file", `No file was sent: put it in the multipart field "file".`)
		}
		if err != nil {
			return model.Invalid("file", "The upload was cut off or is not valid multipart/form-data.")
		}
		if part.FormName() != "file" {
			continue
		}
		a, err := h.Attachments.Upload(c.UserContext(), web.ViewerOf(c).User.ID, part.FileName(), part)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(toAPIUpload(a))
	}
}

// UploadGet returns an upload's details to whoever may fetch it.
func (h *API) UploadGet(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	a, err := h.Attachments.Get(c.UserContext(), web.ViewerOf(c).User, id)
	if err != nil {
		return err
	}
	return c.JSON(toAPIUpload(a))
}

// UploadDelete removes one's own upload before it is attached.
func (h *API) UploadDelete(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.Attachments.Delete(c.UserContext(), web.ViewerOf(c).User, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// UploadPolicy returns the site's upload rules.
func (h *API) UploadPolicy(c *fiber.Ctx) error {
	p, err := attachments.LoadPolicy(c.UserContext(), h.Attachments.DB)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// UploadPolicySave replaces the site's upload rules.
func (h *API) UploadPolicySave(c *fiber.Ctx) error {
	var p attachments.Policy
	if err := web.DecodeJSON(c, &p, false); err != nil {
		return err
	}
	if err := h.Attachments.SetPolicy(c.UserContext(), web.ViewerOf(c).User.ID, p); err != nil {
		return err
	}
	return c.JSON(p)
}
