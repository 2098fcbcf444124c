package attachments

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif"  // decoders for image.DecodeConfig
	_ "image/jpeg" // …
	_ "image/png"  // …

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp" // WebP uploads are decoded and stored as PNG

	"backchannel/model"
)

// Bounds of an image that is decoded: larger ones are refused from their
// header alone, before any pixel is decoded (decompression bombs).
const (
	MaxPixels = 40_000_000
	MaxSide   = 10_000
	ThumbSide = 320
)

type processed struct {
	original, thumb []byte
	mediaType       string
	width, height   int
}

// processImage decodes an image with its EXIF orientation applied and
// re-encodes it, so no metadata (EXIF, GPS, comments) survives, and makes its
// thumbnail. GIFs keep their first frame only; WebP becomes PNG.
func processImage(data []byte, ft FileType) (*processed, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, model.Invalid("file", "The image cannot be read: "+err.Error())
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, model.Invalid("file", fmt.Sprintf("The image is %d×%d pixels: at most %d pixels a side and %d megapixels are allowed.",
			cfg.Width, cfg.Height, MaxSide, MaxPixels/1_000_000))
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, model.Invalid("file", "The image cannot be read: "+err.Error())
	}
	format, mediaType := imaging.PNG, "image/png"
	switch ft.Name {
	case "jpeg":
		format, mediaType = imaging.JPEG, "image/jpeg"
	case "gif":
		format, mediaType = imaging.GIF, "image/gif"
	}
	p := &processed{mediaType: mediaType, width: img.Bounds().Dx(), height: img.Bounds().Dy()}
	var buf bytes.Buffer
	if err := imaging.Encode(&buf, img, format, imaging.JPEGQuality(90)); err != nil {
		return nil, fmt.Errorf("attachments: encode image: %w", err)
	}
	p.original = buf.Bytes()
	th := img
	if p.width > ThumbSide || p.height > ThumbSide {
		th = imaging.Fit(img, ThumbSide, ThumbSide, imaging.Lanczos)
	}
	thumbFormat := imaging.PNG
	if format == imaging.JPEG {
		thumbFormat = imaging.JPEG
	}
	var tb bytes.Buffer
	if err := imaging.Encode(&tb, th, thumbFormat, imaging.JPEGQuality(85)); err != nil {
		return nil, fmt.Errorf("attachments: encode thumbnail: %w", err)
	}
	p.thumb = tb.Bytes()
	return p, nil
}

// ThumbType is the media type of an attachment's thumbnail.
func ThumbType(a *model.Attachment) string {
	if a.MediaType == "image/jpeg" {
		return "image/jpeg"
	}
	return "image/png"
}
