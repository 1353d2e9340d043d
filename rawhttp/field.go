package rawhttp

import (
	"bytes"
	"slices"
	"unsafe"
)

// Field is one header or trailer field, name and value as received (the
// value with surrounding whitespace trimmed, obs-fold replaced by SP).
type Field struct {
	Name  string
	Value string
}

// isTchar reports the token characters of RFC 9110 §5.6.2:
// "!#$%&'*+-.^_`|~", digits and letters.
var isTchar = [256]bool{
	'!': true, '#': true, '$': true, '%': true, '&': true, '\'': true,
	'*': true, '+': true, '-': true, '.': true, '^': true, '_': true,
	'`': true, '|': true, '~': true,
	'0': true, '1': true, '2': true, '3': true, '4': true,
	'5': true, '6': true, '7': true, '8': true, '9': true,
	'A': true, 'B': true, 'C': true, 'D': true, 'E': true, 'F': true, 'G': true,
	'H': true, 'I': true, 'J': true, 'K': true, 'L': true, 'M': true, 'N': true,
	'O': true, 'P': true, 'Q': true, 'R': true, 'S': true, 'T': true, 'U': true,
	'V': true, 'W': true, 'X': true, 'Y': true, 'Z': true,
	'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true, 'g': true,
	'h': true, 'i': true, 'j': true, 'k': true, 'l': true, 'm': true, 'n': true,
	'o': true, 'p': true, 'q': true, 'r': true, 's': true, 't': true, 'u': true,
	'v': true, 'w': true, 'x': true, 'y': true, 'z': true,
}

// IsToken reports whether s is a non-empty token of RFC 9110 §5.6.2: what
// a method, a field name or a transfer coding must be.
func IsToken(s string) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar[s[i]] {
			return false
		}
	}
	return true
}

// equalFold reports whether a and b are equal under ASCII case folding,
// which is all field names need.
func equalFold[T string | []byte](a T, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Get returns the first value of the named field (case-insensitive), or "".
func (r *Response) Get(name string) string {
	for i := range r.Fields {
		if equalFold(r.Fields[i].Name, name) {
			return r.Fields[i].Value
		}
	}
	return ""
}

// Values returns every value of the named field in order, or nil.
func (r *Response) Values(name string) []string {
	var v []string
	for i := range r.Fields {
		if equalFold(r.Fields[i].Name, name) {
			v = append(v, r.Fields[i].Value)
		}
	}
	return v
}

// trimOWS removes optional whitespace (SP, HTAB) from both ends of b.
func trimOWS[T string | []byte](b T) T {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// trimCR removes one CR at the end of a line whose LF was already removed.
func trimCR(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\r' {
		return b[:len(b)-1]
	}
	return b
}

// str returns b as a string without copying. It is only used on buffers
// this package allocated for one message and never writes again (a
// Response's Head, a trailer section), so the strings stay immutable.
func str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// lineOK reports a problem in one line (line end removed): a bare CR or a
// NUL anywhere in it. It returns the index of the bad byte, or -1.
func lineOK(line []byte) (int, string) {
	if i := bytes.IndexByte(line, '\r'); i >= 0 {
		return i, "contains a bare CR"
	}
	if i := bytes.IndexByte(line, 0); i >= 0 {
		return i, "contains NUL"
	}
	return -1, ""
}

// checkChars reports the first NUL or bare CR in the section b, whose
// lines were lexed with crlf of them ending in CR LF. One search for NUL and
// one count of CRs cover the whole section; only when they find something
// are the lines walked to say where. head says that the first line is a
// status line.
func checkChars(b []byte, crlf int, base int64, head bool) error {
	if bytes.IndexByte(b, 0) < 0 && bytes.Count(b, crByte) == crlf {
		return nil
	}
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		line := trimCR(b[i : i+j])
		if k, msg := lineOK(line); k >= 0 {
			if head && i == 0 {
				return protoErr(ErrMalformed, base+int64(k), ruleStatusLine, "status line "+msg, line)
			}
			return protoErr(ErrMalformed, base+int64(i+k), ruleFieldChars, "field line "+msg, line)
		}
		i += j + 1
	}
	return nil
}

// buildFields appends the fields that the lexer found in b (a buffer owned
// by one message, at stream offset base) to dst, reporting each as an event
// of kind ev. Names and values are substrings of b, values with their OWS
// trimmed, except obs-folded values: there each line is trimmed and the
// lines are joined with one SP (RFC 9112 §5.2), as net/textproto does.
func (r *Reader) buildFields(dst []Field, b []byte, spans []span, base int64, ev EventKind) []Field {
	observe := r != nil && r.Observe != nil
	dst = slices.Grow(dst, len(spans))
	for _, s := range spans {
		name := str(b[s.line:s.colon])
		var value string
		if !s.fold {
			value = str(trimOWS(trimCR(b[s.colon+1 : s.next-1])))
		} else {
			value = foldValue(b[s.colon+1 : s.next])
		}
		dst = append(dst, Field{Name: name, Value: value})
		if observe {
			r.emit(Event{Kind: ev, Offset: base + int64(s.line), Raw: b[s.line:s.next], Name: name, Value: value})
		}
	}
	return dst
}

// foldValue joins the lines of an obs-folded value (b: from after the colon
// through the last line's LF), each trimmed, with one SP.
func foldValue(b []byte) string {
	e := bytes.IndexByte(b, '\n')
	v := append([]byte(nil), trimOWS(trimCR(b[:e]))...)
	for b = b[e+1:]; len(b) > 0; b = b[e+1:] {
		e = bytes.IndexByte(b, '\n')
		v = append(v, ' ')
		v = append(v, trimOWS(trimCR(b[:e]))...)
	}
	return string(trimOWS(v))
}

// parseSection lexes and builds the fields of a complete field section b
// (field lines and the empty line), which must stay unmodified.
func parseSection(b []byte, base int64, lim *Limits) ([]Field, error) {
	var l lexer
	l.reset(false, base, lim)
	l.maxLen = len(b)
	end, err := l.lex(b)
	if err != nil {
		return nil, err
	}
	if end == 0 {
		return nil, protoErr(ErrMalformed, base+int64(len(b)), ruleFieldLine, "field section not terminated", nil)
	}
	if err := checkChars(b[:end], l.crlf, base, false); err != nil {
		return nil, err
	}
	return (*Reader)(nil).buildFields(nil, b, l.spans, base, EvField), nil
}

var crByte = []byte{'\r'}

// nameErr describes what is wrong before the colon of line, at off.
func nameErr(line []byte, off int64) error {
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		return protoErr(ErrMalformed, off, ruleFieldLine, "field line without a colon", line)
	}
	if colon > 0 && (line[colon-1] == ' ' || line[colon-1] == '\t') {
		return protoErr(ErrMalformed, off+int64(colon-1), ruleColonSpace, "whitespace before the colon", line)
	}
	return protoErr(ErrMalformed, off, ruleFieldLine, "invalid field name", line)
}
