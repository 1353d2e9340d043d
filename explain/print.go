package explain

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"sockfetch/internal/safetext"
)

// style is an ANSI SGR sequence used only when Options.Color is set.
type style string

const (
	stNone  style = ""
	stHead  style = "\x1b[1;36m" // section headings: bold cyan
	stSent  style = "\x1b[32m"   // bytes we send: green
	stRecv  style = "\x1b[35m"   // bytes we receive: magenta
	stGloss style = "\x1b[2m"    // explanations: dim
	stWarn  style = "\x1b[33m"   // warnings: yellow
	stBad   style = "\x1b[1;31m" // errors: bold red
	stGood  style = "\x1b[32m"   // success: green
	stBar   style = "\x1b[36m"   // waterfall bars: cyan

	sgrReset = "\x1b[0m"
)

// defaultWidth is the width used when Options.Width is 0, as for a terminal
// whose size is unknown.
const defaultWidth = 80

// minWidth keeps the waterfall and the headings drawable on tiny terminals.
const minWidth = 40

// printer writes lines, coloured when asked, to a buffered writer that is
// flushed after every event so that the view streams.
type printer struct {
	bw    *bufio.Writer
	color bool
	width int
	m     *masker
	told  map[string]bool // explanations already given (each is given once)
}

func newPrinter(w io.Writer, color bool, width int, mask bool) *printer {
	if width <= 0 {
		width = defaultWidth
	}
	if width < minWidth {
		width = minWidth
	}
	return &printer{bw: bufio.NewWriter(w), color: color, width: width, m: &masker{on: mask}, told: map[string]bool{}}
}

// paint returns s in style st, or s unchanged without colour.
func (p *printer) paint(st style, s string) string {
	if !p.color || st == stNone || s == "" {
		return s
	}
	return string(st) + s + sgrReset
}

// line writes one line: the indent, then s painted in st.
func (p *printer) line(indent int, st style, s string) {
	p.bw.WriteString(strings.Repeat(" ", indent))
	p.bw.WriteString(p.paint(st, s))
	p.bw.WriteByte('\n')
}

// linef writes one plain line built with fmt.Sprintf.
func (p *printer) linef(indent int, format string, args ...any) {
	p.line(indent, stNone, fmt.Sprintf(format, args...))
}

// gloss writes an explanation, wrapped to the width at word boundaries.
func (p *printer) gloss(indent int, s string) {
	for _, l := range wrap(s, p.width-indent) {
		p.line(indent, stGloss, l)
	}
}

// para writes text wrapped to the width: the first line at indent, the
// others at hang.
func (p *printer) para(indent, hang int, st style, s string) {
	for i, l := range wrap(s, p.width-hang) {
		in := hang
		if i == 0 {
			in = indent
		}
		p.line(in, st, l)
	}
}

// kv writes a key in a column of keyWidth, then its value wrapped beside
// it.
func (p *printer) kv(indent, keyWidth int, st style, key, val string) {
	for i, l := range wrap(val, p.width-indent-keyWidth-1) {
		if i > 0 {
			key = ""
		}
		p.line(indent, st, fmt.Sprintf("%-*s %s", keyWidth, key, l))
	}
}

// intro writes an explanation the first time key comes up, and never again:
// a reader who learnt what TCP is needs no second lesson on the next hop.
func (p *printer) intro(key string, indent int, s string) {
	if p.told[key] {
		return
	}
	p.told[key] = true
	p.gloss(indent, s)
}

// blank writes an empty line.
func (p *printer) blank() { p.bw.WriteByte('\n') }

// flush hands what was written to the underlying writer and returns the
// first write error, if any.
func (p *printer) flush() error { return p.bw.Flush() }

// heading writes a section heading ruled to the width, the time stamp (if
// any) at the right: "── 2. TCP connection ───────── [1.2 ms] ──".
func (p *printer) heading(title, stamp string) {
	left := "── " + title + " "
	right := ""
	if stamp != "" {
		right = " [" + stamp + "] ──"
	}
	n := p.width - utf8.RuneCountInString(left) - utf8.RuneCountInString(right)
	if n < 3 {
		// A narrow terminal: shorten the title rather than overflow.
		cut := utf8.RuneCountInString(title) - (3 - n) - 1
		if cut < 1 {
			cut = 1
		}
		r := []rune(title)
		if cut < len(r) {
			title = string(r[:cut]) + "…"
		}
		left = "── " + title + " "
		n = max(1, p.width-utf8.RuneCountInString(left)-utf8.RuneCountInString(right))
	}
	p.blank()
	p.line(0, stHead, left+strings.Repeat("─", n)+right)
}

// wrap splits s into lines of at most width runes, breaking at spaces; a
// word longer than width stays whole.
func wrap(s string, width int) []string {
	if width < 20 {
		width = 20
	}
	var lines []string
	var cur strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		wl := utf8.RuneCountInString(w)
		if n > 0 && n+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += wl
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// visible returns wire bytes as text a reader can see: printable ASCII as
// it is, CR as ␍ and LF as ␊ (so a line's CR LF end shows as ␍␊), a tab as
// ␉, and every other byte as \xNN. Nothing a terminal would interpret
// survives.
func visible(b []byte) string {
	var s strings.Builder
	s.Grow(len(b) + 4)
	for _, c := range b {
		switch {
		case c == '\r':
			s.WriteString("␍")
		case c == '\n':
			s.WriteString("␊")
		case c == '\t':
			s.WriteString("␉")
		case c >= 0x20 && c < 0x7f:
			s.WriteByte(c)
		default:
			fmt.Fprintf(&s, `\x%02x`, c)
		}
	}
	return s.String()
}

// clean makes text from events (Info, error messages, header values) safe to
// print, by the one rule of internal/safetext: control characters and invalid
// UTF-8 become \xNN escapes, bidirectional controls \uNNNN, printable
// Unicode stays.
func clean(s string) string { return safetext.Clean(s) }

// hexBytes returns b as two-digit hex bytes separated by spaces.
func hexBytes(b []byte) string {
	var s strings.Builder
	for i, c := range b {
		if i > 0 {
			s.WriteByte(' ')
		}
		fmt.Fprintf(&s, "%02x", c)
	}
	return s.String()
}

// plural returns "1 byte" or "n bytes".
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
