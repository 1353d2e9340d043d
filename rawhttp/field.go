package rawhttp

import (
	"bytes"
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

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken[T string | []byte](s T) bool {
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
func equalFold(a, b string) bool {
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
func trimOWS(b []byte) []byte {
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

// Rules cited by field errors.
const (
	ruleFieldLine  = "RFC 9112 §5: field-line = field-name \":\" OWS field-value OWS"
	ruleColonSpace = "RFC 9112 §5.1: no whitespace is allowed between the field name and colon"
	ruleFieldChars = "RFC 9110 §5.5: a field value must not contain CR, LF or NUL"
	ruleFoldFirst  = "RFC 9112 §2.2: whitespace between the start-line and the first field"
)

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

// parseFields parses the field lines of b from index i up to and including
// the empty line that ends them, which b must contain. b is a buffer owned by
// one message: names and values are substrings of it. Each field is appended
// to dst and reported as an event of kind ev. base is b's stream offset. It
// returns the fields and the index of the empty line.
func (r *Reader) parseFields(dst []Field, b []byte, i int, base int64, maxFields int, ev EventKind) ([]Field, int, error) {
	// Every line must be free of NUL and of CR other than the one before
	// its LF. Looking at each line costs two searches per line; instead the
	// whole section is searched for NUL once, and its CRs are counted once
	// and compared with the CR LF line ends seen. Only when that fails, or
	// when events must be exact, is each line checked.
	check := r != nil && r.Observe != nil || bytes.IndexByte(b[i:], 0) >= 0
	crs := 0
	if !check {
		crs = bytes.Count(b[i:], crByte)
	}
	start, n0 := i, len(dst)
	n, crlf := 0, 0
	for {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 { // cannot happen: b ends in an empty line
			return dst, i, protoErr(ErrMalformed, base+int64(i), ruleFieldLine, "field section not terminated", nil)
		}
		next := i + j + 1
		line := b[i : i+j]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
			crlf++
		}
		if len(line) == 0 {
			if !check && crlf != crs { // a bare CR somewhere: find it
				check, i, n, crlf, dst = true, start, 0, 0, dst[:n0]
				continue
			}
			return dst, i, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			return dst, i, protoErr(ErrMalformed, base+int64(i), ruleFoldFirst, "whitespace-preceded line before the first field", line)
		}
		if check {
			if k, msg := lineOK(line); k >= 0 {
				return dst, i, protoErr(ErrMalformed, base+int64(i+k), ruleFieldChars, "field line "+msg, line)
			}
		}
		colon := 0
		for colon < len(line) && isTchar[line[colon]] {
			colon++
		}
		if colon == 0 || colon == len(line) || line[colon] != ':' {
			return dst, i, nameErr(line, base+int64(i))
		}
		name := line[:colon]
		value := str(trimOWS(line[colon+1:]))
		// obs-fold: lines that begin with whitespace continue the value
		// (RFC 9112 §5.2). Each line is trimmed and the lines are joined
		// with one SP, as net/textproto does.
		if next < len(b) && (b[next] == ' ' || b[next] == '\t') {
			v := []byte(value)
			for next < len(b) && (b[next] == ' ' || b[next] == '\t') {
				e := bytes.IndexByte(b[next:], '\n')
				cont := b[next : next+e]
				if len(cont) > 0 && cont[len(cont)-1] == '\r' {
					cont = cont[:len(cont)-1]
					crlf++
				}
				if k, msg := lineOK(cont); check && k >= 0 {
					return dst, i, protoErr(ErrMalformed, base+int64(next+k), ruleFieldChars, "field line "+msg, cont)
				}
				v = append(v, ' ')
				v = append(v, trimOWS(cont)...)
				next += e + 1
			}
			value = string(trimOWS(v))
		}
		if n++; n > maxFields {
			return dst, i, protoErr(ErrLimit, base+int64(i), "Limits.MaxFields", "more than "+itoa(maxFields)+" fields (Limits.MaxFields)", nil)
		}
		dst = append(dst, Field{Name: str(name), Value: value})
		if r != nil && r.Observe != nil {
			r.emit(Event{Kind: ev, Offset: base + int64(i), Raw: b[i:next], Name: str(name), Value: value})
		}
		i = next
	}
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
