package explain

import (
	"bytes"
	"strings"
	"testing"

	"sockfetch/fetch/fetchtrace"
)

func verboseAll(evs []fetchtrace.Event) string {
	var b bytes.Buffer
	v := NewVerbose(&b, false)
	for _, e := range evs {
		v.Observe(e)
	}
	return b.String()
}

// TestVerbose checks -v's lines for a plain fetch, with the 1xx heads of
// another shown before the final one.
func TestVerbose(t *testing.T) {
	got := verboseAll(directFetch())
	for _, want := range []string{
		"* fetching http://example.com/\n",
		"* host example.com resolved to 93.184.215.14, 2606:2800:21f:cb07:6820:80da:af6b:8b2c\n",
		"* trying 93.184.215.14:80\n* connected to  (93.184.215.14 port 80)\n",
		"> GET / HTTP/1.1\n",
		"< HTTP/1.1 200 OK\n",
		"< Connection: close\n< \n* all 13 bytes announced by Content-Length received\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("-v lacks %q:\n%s", want, got)
		}
	}
	got = verboseAll(interimFetch())
	if i, j := strings.Index(got, "< HTTP/1.1 100 Continue\n"), strings.Index(got, "< HTTP/1.1 201 Created\n"); i < 0 || j < i {
		t.Errorf("-v does not show the 100 head before the 201:\n%s", got)
	}
}

// TestVerboseRejected: a response the parser rejects shows no head, as
// when -v wrote the heads once the whole response head had parsed.
func TestVerboseRejected(t *testing.T) {
	if got := verboseAll(hostileFetch()); strings.Contains(got, "< ") {
		t.Errorf("-v shows a rejected head:\n%s", got)
	}
}
