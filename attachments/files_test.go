package attachments_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"testing"
)

// These helpers make real files for the tests.

func pngFile(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, 0, color.RGBA{255, 0, 0, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifFile(t testing.TB) []byte {
	t.Helper()
	pal := image.NewPaletted(image.Rect(0, 0, 8, 8), []color.Color{color.Black, color.White})
	var b bytes.Buffer
	if err := gif.Encode(&b, pal, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegFile is a w×h JPEG whose left half is white, right half black.
func jpegFile(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0, 0, 0, 255}
			if x < w/2 {
				c = color.RGBA{255, 255, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withExif inserts an APP1 Exif segment after the JPEG's SOI: orientation
// and a GPS latitude.
func withExif(jpg []byte, orientation uint16) []byte {
	be := binary.BigEndian
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	_ = binary.Write(&tiff, be, uint32(8))
	// IFD0 at 8: two entries.
	_ = binary.Write(&tiff, be, uint16(2))
	entry := func(tag, typ uint16, count uint32, value []byte) {
		_ = binary.Write(&tiff, be, tag)
		_ = binary.Write(&tiff, be, typ)
		_ = binary.Write(&tiff, be, count)
		v := make([]byte, 4)
		copy(v, value)
		tiff.Write(v)
	}
	o := make([]byte, 2)
	be.PutUint16(o, orientation)
	entry(0x0112, 3, 1, o) // Orientation, SHORT
	gps := make([]byte, 4)
	be.PutUint32(gps, 38)
	entry(0x8825, 4, 1, gps) // GPS IFD pointer, LONG
	_ = binary.Write(&tiff, be, uint32(0))
	// GPS IFD at 38: GPSLatitudeRef "N".
	_ = binary.Write(&tiff, be, uint16(1))
	entry(0x0001, 2, 2, []byte("N\x00"))
	_ = binary.Write(&tiff, be, uint32(0))

	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// bombPNG is a valid PNG header declaring w×h pixels, with one row of data.
func bombPNG(t testing.TB, w, h uint32) []byte {
	t.Helper()
	b := pngFile(t, 1, 1)
	// IHDR data starts at 16: width, height; its CRC covers type+data (12..29).
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func docxFile(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, nb := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hi</w:t></w:r></w:p></w:body></w:document>`},
	} {
		name, body := nb[0], nb[1]
		f, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(f, body)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// endless yields head, then fill bytes for ever, counting what was read.
type endless struct {
	head []byte
	fill byte
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.head)
	e.head = e.head[n:]
	for i := n; i < len(p); i++ {
		p[i] = e.fill
	}
	e.read += int64(len(p))
	return len(p), nil
}
