package torctl

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// readers returns the ways every table feeds its input: whole, and one byte
// at a time.
func readers(s string) map[string]func() *bufio.Reader {
	return map[string]func() *bufio.Reader{
		"whole":   func() *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) },
		"onebyte": func() *bufio.Reader { return bufio.NewReader(iotest.OneByteReader(strings.NewReader(s))) },
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var replyFiles = []struct {
	file  string
	code  int
	lines []string
}{
	{"protocolinfo.txt", 250, []string{
		"PROTOCOLINFO 1",
		`AUTH METHODS=COOKIE,SAFECOOKIE,HASHEDPASSWORD COOKIEFILE="/run/tor/control.authcookie"`,
		`VERSION Tor="0.4.9.11"`,
		"OK",
	}},
	{"getinfo-data.txt", 250, []string{
		"config-text=\nControlPort 9051\n.dot-stuffed\n\nSocksPort 9050",
		"version=0.4.9.11",
		"OK",
	}},
	{"event-conf-changed.txt", 650, []string{"CONF_CHANGED", "ExitNodes=exit1", "OK"}},
	{"event-signal.txt", 650, []string{"SIGNAL NEWNYM"}},
	{"event-ns-data.txt", 650, []string{
		"NS\nr exit1 AAAA BBBB 2024-01-01 00:00:00 127.0.0.1 5000 0\ns Exit Fast Running Valid",
		"OK",
	}},
	{"auth-failed.txt", 515, []string{
		"Authentication failed: Password did not match HashedControlPassword *or* authentication cookie.",
	}},
}

func TestReadReplyFiles(t *testing.T) {
	for _, tt := range replyFiles {
		in := readFile(t, tt.file)
		// A second reply follows, to show the first stops at its end line.
		in2 := in + "250 OK\r\n"
		for how, br := range readers(in2) {
			t.Run(tt.file+"/"+how, func(t *testing.T) {
				r := br()
				got, err := ReadReply(r)
				if err != nil {
					t.Fatalf("ReadReply: %v", err)
				}
				if got.Code != tt.code || !reflect.DeepEqual(got.Lines, tt.lines) {
					t.Errorf("got %d %q\nwant %d %q", got.Code, got.Lines, tt.code, tt.lines)
				}
				if raw := strings.Join(got.Raw, "\r\n") + "\r\n"; raw != in {
					t.Errorf("Raw = %q, want the input %q", raw, in)
				}
				next, err := ReadReply(r)
				if err != nil || next.Code != 250 || next.Lines[0] != "OK" {
					t.Errorf("next reply: %v, %v; want 250 OK", next, err)
				}
				if _, err := ReadReply(r); err != io.EOF {
					t.Errorf("at the end: %v, want io.EOF", err)
				}
			})
		}
	}
}

// TestReadReplyPrefixes cuts every test reply short: each prefix must fail
// as truncated, never parse.
func TestReadReplyPrefixes(t *testing.T) {
	for _, tt := range replyFiles {
		in := readFile(t, tt.file)
		for n := 0; n < len(in); n++ {
			_, err := ReadReply(bufio.NewReader(strings.NewReader(in[:n])))
			want := io.ErrUnexpectedEOF
			if n == 0 {
				want = io.EOF
			}
			if err != want {
				t.Errorf("%s cut to %d bytes %q: err = %v, want %v", tt.file, n, in[:n], err, want)
			}
		}
	}
}

func TestReadReplyBareLF(t *testing.T) {
	got, err := ReadReply(bufio.NewReader(strings.NewReader("250-version=1\n250+x=\na\n.\n250 OK\n")))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"version=1", "x=\na", "OK"}; !reflect.DeepEqual(got.Lines, want) {
		t.Errorf("Lines = %q, want %q", got.Lines, want)
	}
}

func TestReadReplyHostile(t *testing.T) {
	long := strings.Repeat("A", maxLineLength+1)
	tests := []struct {
		name, in string
		want     string // in the error message
	}{
		{"empty line", "\r\n", "short reply line"},
		{"code only", "250\r\n", "short reply line"},
		{"letters", "25x OK\r\n", "bad status code"},
		{"leading zero", "050 OK\r\n", "bad status code"},
		{"bad separator", "250*OK\r\n", "bad separator"},
		{"code changes", "250-a\r\n251 OK\r\n", "status code changes inside a reply"},
		{"event code changes", "650-a\r\n250 OK\r\n", "status code changes inside a reply"},
		{"overlong line", "250 " + long + "\r\n", "reply line longer than"},
		{"overlong line without end", "250 " + long, "reply line longer than"},
		{"overlong data line", "250+x=\r\n" + long + "\r\n.\r\n250 OK\r\n", "reply line longer than"},
		{"data without end", "250+x=\r\nabc\r\n", "unexpected EOF"},
		{"mid lines without end", "250-a\r\n250-b\r\n", "unexpected EOF"},
		{"NUL code", "\x00\x00\x00 OK\r\n", "bad status code"},
	}
	for _, tt := range tests {
		for how, br := range readers(tt.in) {
			t.Run(tt.name+"/"+how, func(t *testing.T) {
				r, err := ReadReply(br())
				if err == nil {
					t.Fatalf("ReadReply = %+v, want an error with %q", r, tt.want)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %q, want %q in it", err, tt.want)
				}
				if len(err.Error()) > 250 {
					t.Errorf("error message is %d bytes long; bad input must be quoted short", len(err.Error()))
				}
			})
		}
	}
}

// TestReadReplyTooLarge sends a data block of many short lines, each within
// the line limit, that together pass the reply limit.
func TestReadReplyTooLarge(t *testing.T) {
	line := strings.Repeat("x", 1000) + "\r\n"
	n := maxReplySize/len(line) + 1
	pr, pw := io.Pipe()
	go func() {
		io.WriteString(pw, "250+ns/all=\r\n")
		for i := 0; i < n; i++ {
			if _, err := io.WriteString(pw, line); err != nil {
				return
			}
		}
		io.WriteString(pw, ".\r\n250 OK\r\n")
		pw.Close()
	}()
	_, err := ReadReply(bufio.NewReader(pr))
	pr.Close()
	var pe ProtocolError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "reply larger than") {
		t.Fatalf("err = %v, want a ProtocolError about the reply size", err)
	}
}

func TestReplyErrorIsErrAuth(t *testing.T) {
	var err error = &ReplyError{Code: 515, Text: "Authentication failed"}
	if !errors.Is(err, ErrAuth) {
		t.Error("515 is not ErrAuth")
	}
	if errors.Is(&ReplyError{Code: 552, Text: "Unrecognized option"}, ErrAuth) {
		t.Error("552 is ErrAuth")
	}
	if got, want := err.Error(), "515 Authentication failed"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseProtocolInfo(t *testing.T) {
	tests := []struct {
		file string
		want ProtocolInfo
	}{
		{"protocolinfo.txt", ProtocolInfo{
			AuthMethods: []string{"COOKIE", "SAFECOOKIE", "HASHEDPASSWORD"},
			CookieFile:  "/run/tor/control.authcookie",
			TorVersion:  "0.4.9.11",
		}},
		{"protocolinfo-escapes.txt", ProtocolInfo{
			AuthMethods: []string{"COOKIE"},
			CookieFile:  "/tmp/with \"quote\" and é\ttab",
			TorVersion:  "0.4.9.11",
		}},
	}
	for _, tt := range tests {
		r, err := ReadReply(bufio.NewReader(strings.NewReader(readFile(t, tt.file))))
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseProtocolInfo(r)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", tt.file, *got, tt.want)
		}
	}
}

func TestParseProtocolInfoBad(t *testing.T) {
	for _, in := range []string{
		"250-PROTOCOLINFO 1\r\n250 OK\r\n",
		"250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE COOKIEFILE=\"/unterminated\r\n250 OK\r\n",
		"250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE COOKIEFILE=\"/a\"junk\r\n250 OK\r\n",
		"250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE COOKIEFILE=\"\\777\"\r\n250 OK\r\n",
	} {
		r, err := ReadReply(bufio.NewReader(strings.NewReader(in)))
		if err != nil {
			t.Fatal(err)
		}
		if pi, err := parseProtocolInfo(r); err == nil {
			t.Errorf("%q: parsed as %+v, want an error", in, pi)
		}
	}
}

func TestParseGetInfo(t *testing.T) {
	r, err := ReadReply(bufio.NewReader(strings.NewReader(readFile(t, "getinfo-data.txt"))))
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseGetInfo(r)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"config-text": "ControlPort 9051\n.dot-stuffed\n\nSocksPort 9050",
		"version":     "0.4.9.11",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	r = &Reply{Code: 250, Lines: []string{"no equals sign", "OK"}}
	if _, err := parseGetInfo(r); err == nil {
		t.Error("a line without '=' parsed")
	}
}

func TestParseAuthChallenge(t *testing.T) {
	r, err := ReadReply(bufio.NewReader(strings.NewReader(readFile(t, "authchallenge.txt"))))
	if err != nil {
		t.Fatal(err)
	}
	hash, nonce, err := parseAuthChallenge(r)
	if err != nil || len(hash) != 32 || len(nonce) != 32 || nonce[0] != 0x01 {
		t.Errorf("parseAuthChallenge = %x, %x, %v", hash, nonce, err)
	}
	for _, line := range []string{
		"AUTHCHALLENGE SERVERHASH=00",
		"AUTHCHALLENGE SERVERNONCE=" + strings.Repeat("00", 32),
		"AUTHCHALLENGE SERVERHASH=zz SERVERNONCE=" + strings.Repeat("00", 32),
		"SOMETHING ELSE",
	} {
		if _, _, err := parseAuthChallenge(&Reply{Code: 250, Lines: []string{line}}); err == nil {
			t.Errorf("%q parsed", line)
		}
	}
}

func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", `with "quotes"`, `back\slash`, "80 127.0.0.1:8080"} {
		got, rest, err := unquote(quote(s))
		if err != nil || got != s || rest != "" {
			t.Errorf("unquote(quote(%q)) = %q, %q, %v", s, got, rest, err)
		}
	}
}

// FuzzReadReply checks that ReadReply never panics, that what it parses it
// parses again the same from its Raw lines, and that Lines and Raw agree.
func FuzzReadReply(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("250 OK\n"))
	f.Add([]byte("250+a=\r\n..\r\n.\r\n250 OK\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ReadReply(bufio.NewReader(strings.NewReader(string(in))))
		if err != nil {
			if r != nil {
				t.Fatalf("reply %+v with error %v", r, err)
			}
			return
		}
		if len(r.Lines) == 0 || len(r.Raw) < len(r.Lines) {
			t.Fatalf("reply with %d lines, %d raw", len(r.Lines), len(r.Raw))
		}
		again, err := ReadReply(bufio.NewReader(strings.NewReader(strings.Join(r.Raw, "\r\n") + "\r\n")))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", r.Raw, err)
		}
		if !reflect.DeepEqual(r, again) {
			t.Fatalf("re-parse differs:\n%+v\n%+v", r, again)
		}
		if r.Code == CodeAsyncEvent {
			newEvent(r)
		}
		parseGetInfo(r)
		parseProtocolInfo(r)
		parseAuthChallenge(r)
	})
}

func TestParseBootstrap(t *testing.T) {
	tests := []struct {
		in   string
		want BootstrapStatus
	}{
		{`NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY="Done"`, BootstrapStatus{Severity: "NOTICE", Progress: 100, Tag: "done", Summary: "Done"}},
		{`NOTICE BOOTSTRAP PROGRESS=0 TAG=starting SUMMARY="Starting"`, BootstrapStatus{Severity: "NOTICE", Progress: 0, Tag: "starting", Summary: "Starting"}},
		{`WARN BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY="Connecting to a relay" WARNING="Connection refused" REASON=CONNECTREFUSED COUNT=3 RECOMMENDATION=ignore`,
			BootstrapStatus{Severity: "WARN", Progress: 5, Tag: "conn", Summary: "Connecting to a relay", Warning: "Connection refused"}},
	}
	for _, tt := range tests {
		got, err := parseBootstrap(tt.in)
		if err != nil || *got != tt.want {
			t.Errorf("parseBootstrap(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "NOTICE", "NOTICE BOOTSTRAP TAG=done", "NOTICE BOOTSTRAP PROGRESS=101", "NOTICE OTHER PROGRESS=1"} {
		if got, err := parseBootstrap(bad); err == nil {
			t.Errorf("parseBootstrap(%q) = %+v, want an error", bad, got)
		}
	}
}
