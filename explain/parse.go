package explain

import (
	"fmt"
	"io"

	"sockfetch/rawhttp"
)

// ParseView is the explained view of `sockfetch parse`: how rawhttp reads a
// response given offline, byte offset by byte offset, and where and why a
// malformed one is rejected.
type ParseView struct {
	p      *printer
	r      *respView
	input  []byte
	opened bool
	failed bool
}

// NewParseView returns a ParseView writing to w.
func NewParseView(w io.Writer, o Options) *ParseView {
	p := newPrinter(w, o.Color, o.Width, o.Mask)
	return &ParseView{p: p, r: &respView{p: p, offsets: true}}
}

// SetInput gives the view the whole input, so that a rejection can show the
// bad line with a caret under the exact byte. Without it, the view shows
// the bytes the error kept (ProtocolError.Near).
func (p *ParseView) SetInput(b []byte) { p.input = b }

func (p *ParseView) open() {
	if p.opened {
		return
	}
	p.opened = true
	p.p.line(0, stHead, "How the response is read, line by line.")
	p.p.gloss(0, "The number on the left is the byte offset: where the line starts, counting from 0. "+
		"␍␊ stands for the two invisible bytes CR and LF (hex 0d 0a) that end each line of HTTP.")
	p.p.blank()
}

// Observe writes what one parse event shows.
func (p *ParseView) Observe(e rawhttp.Event) {
	p.open()
	p.r.event(&e)
	if e.Kind == rawhttp.EvBodyEnd {
		p.r.note(stGood, fmt.Sprintf("end of body: %s; %s of body", p.r.endText(), plural(e.Size, "byte", "bytes")))
		p.summary()
	}
	p.p.flush()
}

// Fail writes where and why the input was rejected.
func (p *ParseView) Fail(err error) {
	if err == nil || p.failed {
		return
	}
	p.failed = true
	p.open()
	p.r.reject(err, p.input)
	p.p.flush()
}

// summary writes where the bytes went.
func (p *ParseView) summary() {
	r := p.r
	p.p.blank()
	line := fmt.Sprintf("%d bytes in all: %d of head, %d of body", r.headBytes+r.bodyBytes+r.framingBytes, r.headBytes, r.bodyBytes)
	if r.framingBytes > 0 {
		line += fmt.Sprintf(", %d of chunk framing", r.framingBytes)
	}
	if r.interim > 0 {
		line += fmt.Sprintf(" (%s before the real one)", plural(int64(r.interim), "interim response", "interim responses"))
	}
	p.p.line(0, stNone, line)
}
