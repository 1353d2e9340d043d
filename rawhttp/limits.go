package rawhttp

// Limits bounds every size the parser accepts. Zero fields take the value
// in DefaultLimits. A head or trailer section is never longer than 2 GiB - 1
// bytes, whatever MaxHead and MaxTrailer say.
type Limits struct {
	MaxLine        int   // one line of the head or trailer, line end included
	MaxHead        int   // all head bytes of one response (each 1xx head alone)
	MaxFields      int   // header fields in one head (and trailer fields)
	MaxInterim     int   // 1xx responses in a row
	MaxChunkLine   int   // one chunk-size line, extensions and CR LF included
	MaxTrailer     int   // all trailer bytes, the final empty line included
	MaxChunkExtras int64 // framing overhead allowed per body beyond 2 bytes/chunk
}

// DefaultLimits are what a careful client uses.
//
// The head may be 256 KiB: curl allows about 300 KiB of headers in all,
// Node.js only 16 KiB (too little for sites that send many cookies) and
// net/http's client 10 MiB (too much to hold for a hostile server reached
// over Tor). One line may use a quarter of that: 64 KiB holds the largest
// Content-Security-Policy and Set-Cookie lines seen in practice, where curl
// stops at 100 KiB. 200 fields is twice what Apache allows in a request and
// keeps the []Field of a flood of tiny lines small. Ten 1xx responses in a
// row are more than any real server sends (one 100, a few 103). A chunk-size
// line is a few hex digits; 4 KiB leaves room for extensions. Trailers are
// rare and small: 64 KiB. Chunk framing overhead beyond the size lines'
// fair share is capped at 16 KiB per body as net/http does, so a server
// cannot keep us busy with one-byte chunks carrying long extensions.
var DefaultLimits = Limits{
	MaxLine:        64 << 10,
	MaxHead:        256 << 10,
	MaxFields:      200,
	MaxInterim:     10,
	MaxChunkLine:   4 << 10,
	MaxTrailer:     64 << 10,
	MaxChunkExtras: 16 << 10,
}

// orDefault returns l with every zero or negative field set from
// DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.MaxLine <= 0 {
		l.MaxLine = d.MaxLine
	}
	if l.MaxHead <= 0 {
		l.MaxHead = d.MaxHead
	}
	if l.MaxFields <= 0 {
		l.MaxFields = d.MaxFields
	}
	if l.MaxInterim <= 0 {
		l.MaxInterim = d.MaxInterim
	}
	if l.MaxChunkLine <= 0 {
		l.MaxChunkLine = d.MaxChunkLine
	}
	if l.MaxTrailer <= 0 {
		l.MaxTrailer = d.MaxTrailer
	}
	if l.MaxChunkExtras <= 0 {
		l.MaxChunkExtras = d.MaxChunkExtras
	}
	return l
}
