package pages

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/export"
	"backchannel/handlers/web"
	"backchannel/model"
)

// searchExportMax is the most results one export holds.
const searchExportMax = 5000

// SearchExport is GET /search/export/:format: the current search result (every
// page, up to searchExportMax) as Markdown, CSV or JSON, with what the
// searcher may see.
func (h *Pages) SearchExport(c *fiber.Ctx) error {
	format := c.Params("format")
	if !web.ValidExport(format) {
		return model.Invalid("format", "Export as md, csv or json.")
	}
	v := web.ViewerOf(c)
	f := web.SearchForm(c)
	doc := export.Document{Title: "Search results", Messages: []export.Message{}}
	if q := f.Values().Encode(); q != "" {
		doc.Query = q
	}
	const page = 100
	for offset := 0; offset < searchExportMax; offset += page {
		req := web.SearchRequest(f, offset, page)
		req.Facets = false
		res, err := h.Transcripts.Search(c.UserContext(), h.Search, v.User, req)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(res.Hits))
		for _, hit := range res.Hits {
			if hit.HasFile {
				ids = append(ids, hit.ID)
			}
		}
		files, err := h.Transcripts.MessageAttachments(c.UserContext(), ids)
		if err != nil {
			return err
		}
		for _, hit := range res.Hits {
			m := export.Message{ID: hit.ID, Channel: hit.Channel, SessionID: hit.SessionID, Author: hit.Author,
				Kind: hit.Kind, State: hit.State, Body: hit.Body, CreatedAt: time.UnixMilli(hit.CreatedAt).UTC(),
				Votes: hit.Votes, Answered: hit.Answered, Tags: hit.Tags, Files: web.ExportFiles(files[hit.ID], h.BaseURL)}
			if hit.ThreadID != hit.ID {
				m.ParentID = hit.ThreadID
			}
			doc.Messages = append(doc.Messages, m)
		}
		if len(res.Hits) < page || offset+page >= res.Total {
			break
		}
	}
	return web.SendExport(c, format, "search-results."+format, doc)
}
