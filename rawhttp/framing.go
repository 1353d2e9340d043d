package rawhttp

import "strings"

// FramingKind says how the end of a body is found.
type FramingKind uint8

const (
	NoBody     FramingKind = iota // HEAD, 1xx, 204, 304, 2xx to CONNECT
	Length                        // Content-Length bytes
	Chunked                       // Transfer-Encoding: chunked
	UntilClose                    // read until the server closes
)

var framingNames = [...]string{NoBody: "none", Length: "length", Chunked: "chunked", UntilClose: "close"}

// String returns "none", "length", "chunked" or "close".
func (k FramingKind) String() string {
	if int(k) < len(framingNames) {
		return framingNames[k]
	}
	return "framing(" + itoa(int(k)) + ")"
}

// Framing is the body-framing decision of RFC 9112 §6.3 for one response.
type Framing struct {
	Kind     FramingKind
	Length   int64  // for Length
	Reason   string // e.g. "chunked: Transfer-Encoding ends in chunked, RFC 9112 §6.3 rule 4"
	BothTECL bool   // both Transfer-Encoding and Content-Length were present
	Faulty   bool   // framing was faulty but recoverable (e.g. HTTP/1.0 with TE)
}

// DecideFraming decides the body framing from the request method, the status
// code, the protocol version and the header fields, in the order of RFC 9112
// §6.3. Errors are *ProtocolError with ErrMalformed and Offset 0 (the stream
// offset is only known to ReadResponse, which sets it).
func DecideFraming(method string, status, major, minor int, fields []Field) (Framing, error) {
	var at framingIndex
	for i := range fields {
		noteField(&at, fields[i].Name, i)
	}
	f, _, err := decideFraming(method, status, major, minor, fields, at)
	if err != nil {
		return f, err
	}
	return f, nil
}

// framingIndex locates the fields that decide the framing: every
// Transfer-Encoding field is in fields[te[0]:te[1]] and every
// Content-Length field in fields[cl[0]:cl[1]] (other fields may lie between;
// the zero value means neither is present).
type framingIndex struct{ te, cl [2]int }

// noteField records in at that field i is named name.
func noteField[T string | []byte](at *framingIndex, name T, i int) {
	var r *[2]int
	switch {
	case equalFold(name, "Transfer-Encoding"):
		r = &at.te
	case equalFold(name, "Content-Length"):
		r = &at.cl
	default:
		return
	}
	if r[1] == 0 {
		r[0] = i
	}
	r[1] = i + 1
}

// decideFraming is DecideFraming for fields whose Transfer-Encoding and
// Content-Length fields were located while they were lexed. It also
// returns the index of the field at fault.
func decideFraming(method string, status, major, minor int, fields []Field, at framingIndex) (Framing, int, *ProtocolError) {
	switch {
	case method == "HEAD":
		return Framing{Kind: NoBody, Reason: reasonHEAD}, 0, nil
	case status >= 100 && status < 200:
		return Framing{Kind: NoBody, Reason: reason1xx}, 0, nil
	case status == 204:
		return Framing{Kind: NoBody, Reason: reason204}, 0, nil
	case status == 304:
		return Framing{Kind: NoBody, Reason: reason304}, 0, nil
	case method == "CONNECT" && status >= 200 && status < 300:
		return Framing{Kind: NoBody, Reason: reasonCONNECT}, 0, nil
	}
	te, cl := at.te, at.cl
	if te[1] > 0 {
		f := Framing{BothTECL: cl[1] > 0}
		if major == 1 && minor == 0 {
			f.Kind, f.Faulty, f.Reason = UntilClose, true, reasonTE10
			return f, 0, nil
		}
		last, bad, err := codings(fields[te[0]:te[1]])
		if err != nil {
			return f, te[0] + bad, err
		}
		switch {
		case last && f.BothTECL:
			f.Kind, f.Reason = Chunked, reasonChunkedCL
		case last:
			f.Kind, f.Reason = Chunked, reasonChunked
		default: // a coding after chunked, or no chunked at all
			f.Kind, f.Reason = UntilClose, reasonTEClose
		}
		return f, 0, nil
	}
	if cl[1] > 0 {
		n, bad, err := contentLength(fields[cl[0]:cl[1]])
		if err != nil {
			return Framing{}, cl[0] + bad, err
		}
		return Framing{Kind: Length, Length: n, Reason: reasonLength}, 0, nil
	}
	return Framing{Kind: UntilClose, Reason: reasonClose}, 0, nil
}

// codings reads every Transfer-Encoding field in fields and reports
// whether chunked is the last coding. chunked twice, an invalid coding name
// or no coding at all is an error; bad is the index of the field at fault.
func codings(fields []Field) (last bool, bad int, err *ProtocolError) {
	n, chunked := 0, false
	for i := range fields {
		if !equalFold(fields[i].Name, "Transfer-Encoding") {
			continue
		}
		for v, more := fields[i].Value, true; more; {
			var elem string
			elem, v, more = nextElem(v)
			if elem == "" {
				continue // empty list elements are allowed (RFC 9110 §5.6.1)
			}
			name, _, _ := strings.Cut(elem, ";") // parameters are ignored
			name = trimOWS(name)
			if !IsToken(name) {
				return false, i, protoErr(ErrMalformed, 0, ruleTE, "invalid transfer coding", []byte(fields[i].Value))
			}
			n++
			last = equalFold(name, "chunked")
			if last {
				if chunked {
					return false, i, protoErr(ErrMalformed, 0, ruleChunkedOnce, "chunked applied more than once", []byte(fields[i].Value))
				}
				chunked = true
			}
		}
	}
	if n == 0 {
		return false, 0, protoErr(ErrMalformed, 0, ruleTE, "empty Transfer-Encoding", nil)
	}
	return last, 0, nil
}

// contentLength reads every Content-Length field in fields. Each value is a
// list of one or more decimal numbers; all must be equal (RFC 9110 §8.6
// allows "42, 42"). bad is the index of the field at fault.
func contentLength(fields []Field) (n int64, bad int, err *ProtocolError) {
	n = -1
	for i := range fields {
		if !equalFold(fields[i].Name, "Content-Length") {
			continue
		}
		for s, more := fields[i].Value, true; more; {
			var elem string
			elem, s, more = nextElem(s)
			v, ok := parseDecimal(elem)
			if !ok {
				return 0, i, protoErr(ErrMalformed, 0, ruleCL, "invalid Content-Length", []byte(fields[i].Value))
			}
			if n >= 0 && v != n {
				return 0, i, protoErr(ErrMalformed, 0, ruleCLConflict, "conflicting Content-Length values", []byte(fields[i].Value))
			}
			n = v
		}
	}
	return n, 0, nil
}

// nextElem splits the first element, OWS trimmed, off the comma-separated
// list s (RFC 9110 §5.6.1); more says that another element follows.
func nextElem(s string) (elem, rest string, more bool) {
	elem, rest, more = strings.Cut(s, ",")
	return trimOWS(elem), rest, more
}

// parseDecimal parses 1*DIGIT into an int64, refusing a sign, anything
// else and overflow.
func parseDecimal(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (1<<63-1-int64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// TransferCodings returns the transfer codings of r's Transfer-Encoding
// fields in the order they were applied, names lowercased and parameters
// dropped, chunked included; nil when there are none. The body readers undo
// chunked alone (RFC 9112 §7): any other coding is left to the caller.
func (r *Response) TransferCodings() []string {
	var list []string
	for _, v := range r.Values("Transfer-Encoding") {
		for more := true; more; {
			var elem string
			elem, v, more = nextElem(v)
			name, _, _ := strings.Cut(elem, ";")
			if name = trimOWS(name); name != "" {
				list = append(list, strings.ToLower(name))
			}
		}
	}
	return list
}
