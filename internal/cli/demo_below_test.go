package cli

import (
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// TestBinaryDemoBelowHTTP: the demo fetches over HTTPS a name its own
// resolver answers, and --explain shows every layer in order: the DNS
// datagrams, TCP, the TLS records, HTTP, the TCP summary, the waterfall.
func TestBinaryDemoBelowHTTP(t *testing.T) {
	r := runBinary(t, "demo", "--no-color")
	if r.code != 0 || r.stdout != demoPage {
		t.Fatalf("demo: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	s := strings.Join(strings.Fields(r.stderr), " ")
	at := 0
	for _, want := range []string{
		"name resolution", "→ datagram to 127.0.0.1:", "answer: " + demoHost + ". A 127.0.0.1, TTL 60 s",
		"TCP connection", "→ record handshake: ClientHello", "SNI " + demoHost, "← record handshake: ServerHello",
		"From here on (TLS 1.3", "(--cacert, instead of the system's)", "GET /hello.html HTTP/1.1", "200 OK",
		"TCP: what the kernel saw", "recv(4096)", "waterfall",
	} {
		i := strings.Index(s[at:], want)
		if i < 0 {
			t.Fatalf("demo's explanation lacks %q (or has it out of order):\n%s", want, r.stderr)
		}
		at += i + len(want)
	}
}

func TestDemoDNSAnswer(t *testing.T) {
	ask := func(name string, typ dnsmessage.Type) dnsmessage.Message {
		t.Helper()
		q := dnsmessage.Message{Header: dnsmessage.Header{ID: 0x1234, RecursionDesired: true},
			Questions: []dnsmessage.Question{{Name: dnsmessage.MustNewName(name), Type: typ, Class: dnsmessage.ClassINET}}}
		b, err := q.Pack()
		if err != nil {
			t.Fatal(err)
		}
		out, ok := demoDNSAnswer(b)
		if !ok {
			t.Fatalf("no answer to %s", name)
		}
		var m dnsmessage.Message
		if err := m.Unpack(out); err != nil {
			t.Fatal(err)
		}
		if m.ID != 0x1234 || !m.Response || len(m.Questions) != 1 {
			t.Fatalf("answer %+v", m)
		}
		return m
	}
	if m := ask(demoHost+".", dnsmessage.TypeA); len(m.Answers) != 1 || m.Answers[0].Body.(*dnsmessage.AResource).A != [4]byte{127, 0, 0, 1} {
		t.Errorf("A: %+v", m.Answers)
	}
	if m := ask(demoHost+".", dnsmessage.TypeAAAA); len(m.Answers) != 0 || m.RCode != dnsmessage.RCodeSuccess {
		t.Errorf("AAAA: %+v", m)
	}
	if m := ask("example.com.", dnsmessage.TypeA); m.RCode != dnsmessage.RCodeNameError {
		t.Errorf("another name: %+v", m)
	}
	if _, ok := demoDNSAnswer([]byte("not dns")); ok {
		t.Error("an answer to garbage")
	}
}
