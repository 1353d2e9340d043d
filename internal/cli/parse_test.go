//go:build unix

package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/urfave/cli/v2"

	"sockfetch/internal/testenv"
)

// update rewrites golden files: go test . -update -run TestParse. Other
// golden tests in package main share it.
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// parseRun is what one run of `sockfetch parse` showed.
type parseRun struct {
	stdout, stderr string
	code           int
}

// runParse runs `sockfetch parse args...` with stdin and returns what the
// user sees: the app prints an error as "sockfetch: " and its message.
func runParse(t *testing.T, stdin io.Reader, stdout io.Writer, args ...string) parseRun {
	t.Helper()
	var out, errOut bytes.Buffer
	if stdout == nil {
		stdout = &out
	}
	app := &cli.App{
		Name:           "sockfetch",
		Reader:         stdin,
		Writer:         stdout,
		ErrWriter:      &errOut,
		Commands:       []*cli.Command{parseCommand()},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	err := app.Run(append([]string{"sockfetch", "parse"}, args...))
	r := parseRun{stdout: out.String(), code: 0}
	if err != nil {
		r.code = exitCode(err)
		errOut.WriteString("sockfetch: " + err.Error() + "\n")
	}
	r.stderr = errOut.String()
	return r
}

// rawFixtures holds the responses the parse tests read: rawhttp's own.
var rawFixtures = filepath.Join("..", "..", "rawhttp", "testdata", "responses")

// goldenParse compares got with testdata/parse/name, or rewrites it with
// -update.
func goldenParse(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", "parse", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test . -run TestParse -update creates it)", err)
	}
	if got == string(want) {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(go test . -run TestParse -update rewrites it)", path, i+1, gl, wl)
		}
	}
}

// parseCases are fixtures of rawhttp/testdata/responses, read where they
// are, each with what the user sees besides the golden standard output.
var parseCases = []struct {
	name   string // golden file: testdata/parse/name.golden
	file   string // input: rawhttp/testdata/responses/file.http
	method string // --method, "" for none (GET)
	code   int
	stderr string // after "sockfetch: "; "" for none
}{
	// Well-formed.
	{"cl-basic", "cl-basic", "", 0, ""},
	{"chunked-trailers", "chunked-trailers", "", 0, ""},
	{"chunked-extensions", "chunked-extensions", "", 0, ""},
	{"interim-100", "interim-100", "", 0, ""},
	{"close-http10", "close-http10", "", 0, ""},
	{"head-obs-fold", "head-obs-fold", "", 0, ""},
	{"head-bare-lf", "head-bare-lf", "", 0, ""},
	{"cl-stray-after-body", "cl-stray-after-body", "", 0, ""},
	{"switching-101", "switching-101", "", 0, ""},
	// The same bytes, as the answer to HEAD and to GET.
	{"nobody-head-cl.HEAD", "nobody-head-cl", "HEAD", 0, ""},
	{"nobody-head-cl.GET", "nobody-head-cl", "", 18, "FILE: body cut short at byte 46: transfer closed with 995 bytes remaining to read (5 of 1000 bytes)"},

	// Malformed.
	{"err-cl-fields-differ", "err-cl-fields-differ", "", 8, "FILE: response rejected at byte 44: conflicting Content-Length values"},
	{"err-space-before-colon", "err-space-before-colon", "", 8, "FILE: response rejected at byte 31: whitespace before the colon"},
	{"err-status-letters", "err-status-letters", "", 1, "FILE: response rejected at byte 0: malformed status line"},
	{"err-bare-cr-value", "err-bare-cr-value", "", 8, "FILE: response rejected at byte 23: field line contains a bare CR"},
	{"err-chunk-size-invalid", "err-chunk-size-invalid", "", 56, "FILE: response rejected at byte 47: invalid chunk size"},
	{"err-truncated-head", "err-truncated-head", "", 18, "FILE: response rejected at byte 28: connection closed inside the response head after 28 bytes"},
	{"err-field-flood", "err-field-flood", "", 56, "FILE: response rejected at byte 2397: more than 200 fields (Limits.MaxFields)"},
	{"err-cl-short", "err-cl-short", "", 18, "FILE: body cut short at byte 44: transfer closed with 5 bytes remaining to read (5 of 10 bytes)"},
	{"err-chunk-no-last", "err-chunk-no-last", "", 18, "FILE: body cut short at byte 57: transfer closed with outstanding read data remaining"},
	{"err-empty", "err-empty", "", 52, "FILE: empty input: not one byte of a response"},
}

// TestParseGolden runs each fixture from a file, from standard input whole
// and from standard input one byte at a time: the explanation is the same
// each time, and the exit status is a fetch's.
func TestParseGolden(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(rawFixtures, tt.file+".http")
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var flags []string
			if tt.method != "" {
				flags = []string{"--method", tt.method}
			}
			for _, in := range []struct {
				how, name string
				stdin     io.Reader
				arg       string
			}{
				{"file", path, nil, path},
				{"stdin", "standard input", bytes.NewReader(raw), "-"},
				{"stdin one byte at a time", "standard input", iotest.OneByteReader(bytes.NewReader(raw)), ""},
			} {
				args := flags
				if in.arg != "" {
					args = append(args[:len(args):len(args)], in.arg)
				}
				r := runParse(t, in.stdin, nil, args...)
				if in.how == "file" {
					goldenParse(t, tt.name+".golden", r.stdout)
				} else if want := runParse(t, nil, nil, append(flags[:len(flags):len(flags)], path)...).stdout; r.stdout != want {
					t.Errorf("%s: the explanation differs from the one for the file:\n%s", in.how, r.stdout)
				}
				wantErr := ""
				if tt.stderr != "" {
					wantErr = "sockfetch: " + strings.Replace(tt.stderr, "FILE", in.name, 1) + "\n"
				}
				if r.code != tt.code || r.stderr != wantErr {
					t.Errorf("%s: exit %d, stderr %q; want exit %d, stderr %q", in.how, r.code, r.stderr, tt.code, wantErr)
				}
				if strings.ContainsRune(r.stdout, 0x1b) {
					t.Errorf("%s: escape sequence in output to a buffer", in.how)
				}
			}
		})
	}
}

// TestParseOutput: -o FILE holds the body as the parser delivers it when
// the response is whole; a malformed or cut-short one leaves no file and an
// existing file untouched (never a file that looks complete but is not).
func TestParseOutput(t *testing.T) {
	tests := []struct {
		file string
		code int
		body string // the -o file; "" for none
	}{
		{"cl-basic", 0, "hello"},
		{"chunked-trailers", 0, "body"},
		{"chunked-extensions", 0, "hello!"},
		{"close-http10", 0, "old style"},
		{"cl-stray-after-body", 0, "ok"},
		{"err-cl-short", 18, ""},
		{"err-chunk-no-last", 18, ""},
		{"err-cl-fields-differ", 8, ""},
	}
	for _, tt := range tests {
		for _, existing := range []bool{false, true} {
			dir := t.TempDir()
			out := filepath.Join(dir, tt.file+".body")
			if existing {
				os.WriteFile(out, []byte("old"), 0o644)
			}
			r := runParse(t, nil, nil, "-o", out, filepath.Join(rawFixtures, tt.file+".http"))
			want := tt.body
			if tt.code != 0 && existing {
				want = "old"
			}
			got, err := os.ReadFile(out)
			switch {
			case r.code != tt.code:
				t.Errorf("%s: exit %d, want %d (%s)", tt.file, r.code, tt.code, r.stderr)
			case want == "" && err == nil:
				t.Errorf("%s: exit %d left the -o file %q; want none", tt.file, r.code, got)
			case want != "" && string(got) != want:
				t.Errorf("%s (existing file %v): -o file %q (%v); want %q", tt.file, existing, got, err, want)
			}
			noTemps(t, dir)
			if !strings.Contains(r.stdout, "How the response is read") {
				t.Errorf("%s: no explanation on stdout with -o:\n%s", tt.file, r.stdout)
			}
		}
	}
}

// TestParseProblems: what the user sees for input that cannot be read, an
// -o file that cannot be written, and a bad command line.
func TestParseProblems(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(rawFixtures, "cl-basic.http")
	missing := filepath.Join(dir, "missing.http")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"missing file", []string{missing}, 26, "sockfetch: cannot read " + missing + ": no such file or directory\n"},
		{"directory", []string{dir}, 26, "sockfetch: cannot read " + dir + ": is a directory\n"},
		{"-o in a missing directory", []string{"-o", filepath.Join(missing, "body"), good}, 23,
			"sockfetch: cannot write " + filepath.Join(missing, "body") + ": no such file or directory\n"},
		{"-o -", []string{"-o", "-", good}, 2, "sockfetch: parse: -o -: the explanation goes to standard output; name a file for the body\n"},
		{"lowercase method", []string{"--method", "head", good}, 2, "sockfetch: parse: --method: methods are case-sensitive: \"head\" is not HEAD\n"},
		{"not a method", []string{"-X", "GET /", good}, 2, "sockfetch: parse: --method: \"GET /\" is not a method name\n"},
		{"two files", []string{good, good}, 2, "sockfetch: parse: one FILE at most, and options go before it (got " + good + " " + good + ")\n"},
		{"option after FILE", []string{good, "--method", "HEAD"}, 2, "sockfetch: parse: one FILE at most, and options go before it (got " + good + " --method HEAD)\n"},
	}
	for _, tt := range tests {
		r := runParse(t, nil, nil, tt.args...)
		if r.code != tt.code || r.stderr != tt.stderr {
			t.Errorf("%s: exit %d, stderr %q; want exit %d, stderr %q", tt.name, r.code, r.stderr, tt.code, tt.stderr)
		}
	}
}

// TestParseReadError: an input that fails while being read is exit 26,
// not a verdict on the response.
func TestParseReadError(t *testing.T) {
	in := io.MultiReader(strings.NewReader("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"), iotest.ErrReader(errors.New("input/output error")))
	r := runParse(t, in, nil)
	want := "sockfetch: cannot read standard input: input/output error\n"
	if r.code != 26 || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want 26, %q", r.code, r.stderr, want)
	}
}

// hostile is a response whose bytes try to drive the terminal: set its
// title, and clear the screen in the body after the end of the message.
const hostile = "HTTP/1.1 200 OK\r\nX-Evil: \x1b]0;pwned\x07\r\nContent-Length : 0\r\n\r\n"

// TestParseColor runs parse with stdout on a pseudo-terminal: colour is on
// there unless NO_COLOR or --no-color, and never does a byte of the input
// reach the terminal as is.
func TestParseColor(t *testing.T) {
	tests := []struct {
		name    string
		noColor string // NO_COLOR's value
		flag    bool   // --no-color
		color   bool
	}{
		{"terminal", "", false, true},
		{"NO_COLOR=1", "1", false, false},
		{"NO_COLOR=yes", "yes", false, false},
		{"--no-color", "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tt.noColor)
			term := testenv.OpenTerminal(t, 80)
			args := []string{"-"}
			if tt.flag {
				args = []string{"--no-color", "-"}
			}
			r := runParse(t, strings.NewReader(hostile), term.TTY, args...)
			out := term.Screen()
			if r.code != 8 {
				t.Errorf("exit %d, want 8; stderr %q", r.code, r.stderr)
			}
			if !strings.Contains(out, "How the response is read") {
				t.Fatalf("no explanation on the terminal:\n%q", out)
			}
			if got := strings.Contains(out, "\x1b["); got != tt.color {
				t.Errorf("colour sequences: %v, want %v:\n%q", got, tt.color, out)
			}
			if !tt.color && strings.ContainsRune(out, 0x1b) {
				t.Errorf("an escape sequence with colour off:\n%q", out)
			}
			if strings.Contains(out, "\x1b]") || strings.ContainsRune(out, 0x07) {
				t.Errorf("a byte of the input reached the terminal as is:\n%q", out)
			}
		})
	}
}

// TestParseTypedOnTerminal: a response typed on the terminal, ended with
// Ctrl-D, is read (its lines end in LF alone), after a hint on stderr.
func TestParseTypedOnTerminal(t *testing.T) {
	term := testenv.OpenTerminal(t, 80)
	// Typed keys: two lines, then Ctrl-D at the start of a line.
	if _, err := io.WriteString(term.PTY, "HTTP/1.1 204 No Content\nServer: typed\n\n\x04"); err != nil {
		t.Fatal(err)
	}
	r := runParse(t, term.TTY, nil)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	if !strings.Contains(r.stderr, "end it with Ctrl-D") {
		t.Errorf("no hint on stderr: %q", r.stderr)
	}
	for _, want := range []string{"HTTP/1.1 204 No Content␊", "Server: typed␊", "no body"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the explanation lacks %q:\n%s", want, r.stdout)
		}
	}
}
