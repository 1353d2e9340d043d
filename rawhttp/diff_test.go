package rawhttp

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"reflect"
	"sort"
	"testing"
)

// netDiffs lists each fixture on which we intend to differ from
// net/http.ReadResponse, and why. TestDifferential fails when one of these
// stops differing (the list is stale) or another one starts.
var netDiffs = map[string]string{
	// RFC 9110 §8.6: "Content-Length: 42, 42" may be taken as 42;
	// net/http refuses a list in one field.
	"cl-list-same": "net/http rejects a Content-Length list; RFC 9110 §8.6 allows identical values",
	// We keep fields as received, for -i and the trace; net/http folds
	// identical Content-Length fields into one.
	"cl-fields-same": "net/http merges duplicate Content-Length fields into one",
	// RFC 9112 §6.1: codings before chunked are the server's business; the
	// framing is chunked. net/http supports chunked alone.
	"chunked-gzip-chunked":  "net/http rejects codings other than chunked; RFC 9112 §6.3 rule 4 frames by the last coding",
	"chunked-te-two-fields": "net/http rejects codings other than chunked; RFC 9112 §6.3 rule 4 frames by the last coding",
	// RFC 9112 §6.3 rule 4: a response whose Transfer-Encoding does not end
	// in chunked is read until the connection closes.
	"close-te-gzip":         "net/http rejects the coding; RFC 9112 §6.3 rule 4 says read to close",
	"close-te-chunked-gzip": "net/http rejects the coding; RFC 9112 §6.3 rule 4 says read to close",
	// RFC 9110 §5.6.1: empty list elements are ignored.
	"chunked-te-empty-elements": "net/http rejects an empty list element in Transfer-Encoding; RFC 9110 §5.6.1 ignores it",
	// RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing:
	// read to close. net/http ignores TE in HTTP/1.0 and uses Content-Length.
	"close-http10-te": "net/http frames an HTTP/1.0 TE+CL response by Content-Length; RFC 9112 §6.1 says faulty, read to close",
	// RFC 9112 §6.3 rule 3: Transfer-Encoding overrides Content-Length,
	// which we keep in Fields (the decision records BothTECL); net/http
	// deletes it from the header.
	"chunked-te-and-cl":     "net/http deletes Content-Length when Transfer-Encoding is chunked",
	"chunked-te-and-bad-cl": "net/http deletes Content-Length when Transfer-Encoding is chunked",
	// RFC 9112 §6.3 rule 2: a 2xx to CONNECT has no body (a tunnel);
	// net/http.ReadResponse reads to close.
	"nobody-connect-200": "net/http reads a body after 2xx to CONNECT; RFC 9112 §6.3 rule 2: the connection is a tunnel",
	// RFC 9110 §5.5: a recipient may retain CTLs other than CR, LF and NUL
	// in a field value "for the sake of robustness", as curl does;
	// net/textproto refuses them.
	"head-value-chars": "net/http rejects control characters in a field value; RFC 9110 §5.5 lets a recipient keep them",
	// RFC 9112 §6.3 rule 1: a response to HEAD ends with its head whatever
	// its fields say; net/http still validates Content-Length.
	"nobody-head-bad-cl": "net/http rejects an invalid Content-Length on a HEAD response; RFC 9112 §6.3 rule 1 ignores it",
	// RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name ... ):
	// whitespace before ";" is allowed; net/http refuses it.
	"chunked-extensions": "net/http rejects BWS before a chunk extension; RFC 9112 §7.1.1 allows it",
	"chunked-bws":        "net/http rejects BWS before a chunk extension; RFC 9112 §7.1.1 allows it",
	// RFC 9112 §2.3: a recipient SHOULD read a higher minor version as the
	// highest it knows (1.1), as net/http does; sockfetch's contract is
	// curl's exit code, and curl 7.88 refuses it ("Unsupported HTTP
	// version (1.9) in response", exit 1).
	"err-version-minor-9": "net/http reads HTTP/1.9 as HTTP/1.1 (RFC 9112 §2.3); curl 7.88 and we refuse it, exit 1",
	// Not listed, because we decided to agree with net/http (and curl):
	// "5 \r\n" (chunked-size-trailing-ws) and "5;\r\n" (chunked-ext-empty)
	// break RFC 9112 §7.1.1 but cannot move the end of the body, so both
	// are taken. Refused by both of us, because they could move it: a bare
	// LF in chunk framing (erratum 7633, CVE-2025-22871). Refused by us
	// alone, and so outside this comparison of what parses: a quoted
	// extension value left open at the line end
	// (err-chunk-ext-open-quote), which net/http and curl skip unread.
}

// netOutcome is what both parsers are compared on.
type netOutcome struct {
	Status  int
	Interim []int
	Header  map[string][]string
	Body    string
	Trailer map[string][]string
	Err     bool
}

// ours parses data and describes it as net/http would.
func ours(data []byte, method string) netOutcome {
	o, _ := parse(bytes.NewReader(data), method, Limits{})
	n := netOutcome{Status: o.Status, Interim: o.Interim, Body: o.Body, Err: o.err != nil}
	n.Header = headerMap(o.Fields)
	n.Trailer = headerMap(o.Trailers)
	return n
}

func headerMap(fs []Field) map[string][]string {
	m := map[string][]string{}
	for _, f := range fs {
		k := textproto.CanonicalMIMEHeaderKey(f.Name)
		if k == "Transfer-Encoding" || k == "Trailer" {
			continue // net/http moves these out of the header
		}
		m[k] = append(m[k], f.Value)
	}
	return m
}

// theirs parses data with net/http.ReadResponse, reading past 1xx heads
// as a client does.
func theirs(data []byte, method string) netOutcome {
	br := bufio.NewReader(bytes.NewReader(data))
	var n netOutcome
	for {
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			n.Err = true
			return n
		}
		if resp.StatusCode < 200 && resp.StatusCode != 101 {
			n.Interim = append(n.Interim, resp.StatusCode)
			continue
		}
		n.Status = resp.StatusCode
		b, err := io.ReadAll(resp.Body)
		n.Body, n.Err = string(b), err != nil
		n.Header = map[string][]string{}
		for k, v := range resp.Header {
			if k != "Transfer-Encoding" && k != "Trailer" {
				n.Header[k] = v
			}
		}
		n.Trailer = map[string][]string{}
		for k, v := range resp.Trailer {
			if v != nil {
				n.Trailer[k] = v
			}
		}
		if n.Err {
			n.Status, n.Header, n.Body, n.Trailer = 0, nil, "", nil
		}
		return n
	}
}

// TestDifferential compares us with net/http on every fixture that we
// parse without error.
func TestDifferential(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range respCases {
		if _, listed := netDiffs[tc.file]; tc.err != nil && !listed || tc.limits != (Limits{}) {
			continue // a fixture we refuse is compared only when listed
		}
		method := tc.method
		if method == "" {
			method = "GET"
		}
		data := readFixture(t, tc.file)
		a, b := ours(data, method), theirs(data, method)
		same := reflect.DeepEqual(a, b)
		why, listed := netDiffs[tc.file]
		seen[tc.file] = true
		switch {
		case !same && !listed:
			t.Errorf("%s: differs from net/http:\n ours %s\n net/http %s", tc.file, show(a), show(b))
		case same && listed:
			t.Errorf("%s: listed as a difference (%s) but equal to net/http", tc.file, why)
		}
	}
	for f := range netDiffs {
		if !seen[f] {
			t.Errorf("netDiffs lists %s, which is not a valid fixture", f)
		}
	}
}

func show(o netOutcome) string {
	keys := make([]string, 0, len(o.Header))
	for k := range o.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	fmt.Fprintf(&b, "status %d interim %v err %v body %q trailer %v header", o.Status, o.Interim, o.Err, trunc(o.Body), o.Trailer)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, o.Header[k])
	}
	return b.String()
}
