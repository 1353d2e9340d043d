package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sockfetch/internal/testserver"
)

// outputCase is a response and a command line whose output bytes (stdout,
// the -D file) and exit status are curl 7.88.1's.
type outputCase struct {
	name   string
	wire   string
	args   []string // "DUMP" is replaced by a -D file's path
	code   int
	stdout string
	dump   string // the -D file's bytes, when args name DUMP
}

const (
	trailerHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n"
	trailerWire = trailerHead + "5\r\nhello\r\n0\r\nX-T: v\r\nX-U: w\r\n\r\n"
	notFound    = "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\nX-A: b\r\n\r\n"
)

var outputCases = []outputCase{
	// Trailers: written after the body with -i and after the head in the
	// -D file, as received, without the empty line that ends them.
	{name: "trailers with -i", wire: trailerWire, args: []string{"-i"},
		stdout: trailerHead + "helloX-T: v\r\nX-U: w\r\n"},
	{name: "trailers with -D", wire: trailerWire, args: []string{"-D", "DUMP"},
		stdout: "hello", dump: trailerHead + "X-T: v\r\nX-U: w\r\n"},
	{name: "trailers with -i and -D", wire: trailerWire, args: []string{"-i", "-D", "DUMP"},
		stdout: trailerHead + "helloX-T: v\r\nX-U: w\r\n", dump: trailerHead + "X-T: v\r\nX-U: w\r\n"},
	{name: "folded trailer as received", wire: chunkedHead + "5\r\nhello\r\n0\r\nX-T: v\r\n  folded\r\n\r\n", args: []string{"-i"},
		stdout: chunkedHead + "helloX-T: v\r\n  folded\r\n"},
	{name: "no trailers", wire: chunkedHead + "5\r\nhello\r\n0\r\n\r\n", args: []string{"-i"},
		stdout: chunkedHead + "hello"},
	{name: "trailers with --raw stay in the body alone", wire: trailerWire, args: []string{"--raw", "-i", "-D", "DUMP"},
		stdout: trailerHead + "5\r\nhello\r\n0\r\nX-T: v\r\nX-U: w\r\n\r\n", dump: trailerHead},

	// -D - with -i: every head and trailer line twice in a row, the body once.
	{name: "-D - alone is -i", wire: trailerWire, args: []string{"-D", "-"},
		stdout: trailerHead + "helloX-T: v\r\nX-U: w\r\n"},
	{name: "-i -D -", wire: trailerWire, args: []string{"-i", "-D", "-"},
		stdout: "HTTP/1.1 200 OK\r\nHTTP/1.1 200 OK\r\n" +
			"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n" +
			"Trailer: X-T\r\nTrailer: X-T\r\n\r\n\r\n" +
			"hello" + "X-T: v\r\nX-T: v\r\nX-U: w\r\nX-U: w\r\n"},

	// -f with -i or -I: the head is written, then exit 22.
	{name: "-i -f on 404", wire: notFound + "nope!", args: []string{"-i", "-f"}, code: 22, stdout: notFound},
	{name: "-I -f on 404", wire: notFound, args: []string{"-I", "-f"}, code: 22, stdout: notFound},
	{name: "-f -D on 404", wire: notFound + "nope!", args: []string{"-f", "-D", "DUMP"}, code: 22, dump: notFound},
	{name: "-i -f -D - on 404", wire: notFound + "nope!", args: []string{"-i", "-f", "-D", "-"}, code: 22,
		stdout: "HTTP/1.1 404 Not Found\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 5\r\nContent-Length: 5\r\nX-A: b\r\nX-A: b\r\n\r\n\r\n"},
	{name: "-i -f on 200", wire: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", args: []string{"-i", "-f"},
		stdout: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"},
}

// TestOutputAsCurl runs each outputCase through sockfetch and, when it is
// installed, through curl on the same raw server: stdout, the -D file and
// the exit status of both are what the case says.
func TestOutputAsCurl(t *testing.T) {
	curl, _ := exec.LookPath("curl")
	for _, tc := range outputCases {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.StartRaw(t, []byte(tc.wire))
			run := func(tool string) (result, string) {
				dump := filepath.Join(t.TempDir(), "dump")
				args := []string{"-sS"}
				for _, a := range tc.args {
					args = append(args, strings.ReplaceAll(a, "DUMP", dump))
				}
				args = append(args, srv.URL)
				var r result
				if tool == "" {
					r = sockfetch(t, args...)
				} else {
					cmd := exec.Command(tool, args...)
					var out, errb bytes.Buffer
					cmd.Stdout, cmd.Stderr = &out, &errb
					if err := cmd.Run(); err != nil {
						ee, ok := err.(*exec.ExitError)
						if !ok {
							t.Fatal(err)
						}
						r.code = ee.ExitCode()
					}
					r.stdout, r.stderr = out.String(), errb.String()
				}
				b, _ := os.ReadFile(dump)
				return r, string(b)
			}
			check := func(who string, r result, dump string) {
				if r.code != tc.code {
					t.Errorf("%s: exit %d, want %d (stderr %q)", who, r.code, tc.code, r.stderr)
				}
				if r.stdout != tc.stdout {
					t.Errorf("%s: stdout\n got %q\nwant %q", who, r.stdout, tc.stdout)
				}
				if dump != tc.dump {
					t.Errorf("%s: -D file\n got %q\nwant %q", who, dump, tc.dump)
				}
			}
			r, dump := run("")
			check("sockfetch", r, dump)
			if tc.code == 22 && !strings.Contains(r.stderr, "the requested URL returned error: 404") {
				t.Errorf("stderr %q", r.stderr)
			}
			if curl != "" {
				r, dump := run(curl)
				check("curl", r, dump)
			}
		})
	}
}

// TestWriteOutAsCurl checks -w variables against curl 7.88.1's bytes for
// the same command line (times, ports and speeds vary, so none is used).
func TestWriteOutAsCurl(t *testing.T) {
	ok := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nX-A: 1\r\nX-A: 2\r\n\r\nhi"
	moved := "HTTP/1.1 301 Moved\r\nLocation: ../b/c#frag\r\nContent-Length: 0\r\n\r\n"
	for _, tc := range []outputCase{
		{name: "header_json, %header first value, names case-insensitive", wire: ok,
			args:   []string{"-o", "/dev/null", "-w", `%{header_json}|%header{x-a}|%{HTTP_CODE}|%{http_connect}|%{scheme}|%{num_headers}|%{urlnum}|%{filename_effective}|%{ssl_verify_result}|%{ftp_entry_path}`},
			stdout: "{\"content-type\":[\"text/plain\"],\n\"content-length\":[\"2\"],\n\"x-a\":[\"1\",\"2\"]\n}|1|200|000|HTTP|4|0|/dev/null|0|"},
		{name: "redirect_url and referer", wire: moved, args: []string{"-e", "http://ref.example/", "-w", `%{redirect_url}|%{referer}|%{num_redirects}|%{time_redirect}`},
			stdout: "http://127.0.0.1:PORT/x/b/c#frag|http://ref.example/|0|0.000000"},
		{name: "onerror without an error", wire: ok, args: []string{"-o", "/dev/null", "-w", `a%{onerror}b`}, stdout: "a"},
		{name: "onerror after an error", wire: notFound, args: []string{"-f", "-w", `a%{onerror}b%{errormsg}`}, code: 22,
			stdout: "abThe requested URL returned error: 404"},
		{name: "HTTP/1.0 is 1", wire: "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", args: []string{"-w", `%{http_version}`}, stdout: "1"},
		{name: "unterminated variable is text", wire: ok, args: []string{"-o", "/dev/null", "-w", `%{http_code\n`}, stdout: "%{http_code\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.StartRaw(t, []byte(tc.wire))
			want := strings.ReplaceAll(tc.stdout, "PORT", strconv.Itoa(srv.Port))
			args := append(append([]string{"-s"}, tc.args...), srv.URL+"/x/y/z")
			r := sockfetch(t, args...)
			if r.code != tc.code || r.stdout != want {
				t.Errorf("sockfetch: exit %d stdout %q, want %d %q", r.code, r.stdout, tc.code, want)
			}
			if curl, err := exec.LookPath("curl"); err == nil {
				out, _ := exec.Command(curl, args...).Output()
				if string(out) != want {
					t.Errorf("curl: stdout %q, want %q", out, want)
				}
			}
		})
	}
}
