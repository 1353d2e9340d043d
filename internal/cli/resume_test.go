package cli

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"sockfetch/internal/testserver"
)

// resumeDoc is the whole file the resume tests' servers serve.
const resumeDoc = "hello world\n"

// rangeServer serves resumeDoc honouring "Range: bytes=N-" as a server
// should: 206 with the rest, 416 past the end, 200 without a Range. With
// ignore it answers every request with the whole file (200). Its first
// failFirst answers are 503.
func rangeServer(t *testing.T, ignore bool, failFirst int) *testserver.Server {
	var n atomic.Int32
	return testserver.Start(t, map[string]testserver.Reply{"": {Handle: func(c net.Conn, req *testserver.Request) {
		if int(n.Add(1)) <= failFirst {
			c.Write([]byte(reply("503 Service Unavailable", "busy\n")))
			return
		}
		rng, ok := req.Header("Range")
		start, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rng, "bytes="), "-"))
		switch {
		case ignore || !ok || err != nil || start < 0 || !strings.HasSuffix(rng, "-"):
			c.Write([]byte(reply("200 OK", resumeDoc)))
		case start >= len(resumeDoc):
			c.Write([]byte(reply("416 Range Not Satisfiable", "", "Content-Range: bytes */"+strconv.Itoa(len(resumeDoc)))))
		default:
			c.Write([]byte(reply("206 Partial Content", resumeDoc[start:],
				"Content-Range: bytes "+strconv.Itoa(start)+"-"+strconv.Itoa(len(resumeDoc)-1)+"/"+strconv.Itoa(len(resumeDoc)))))
		}
	}}})
}

// rangeHead is the request head of curl 7.88 (and sockfetch, normalised)
// with a Range field; "" for a plain GET.
func rangeHead(rng string) string {
	h := "GET / HTTP/1.1\r\nHost: " + addrMark + "\r\n"
	if rng != "" {
		h += "Range: bytes=" + rng + "\r\n"
	}
	return h + uaLine + "Accept: */*\r\n\r\n"
}

// TestResume: -C appends the rest of the file to the -o file with a Range
// request; a server that ignores the Range leaves the file as it was with
// exit 33; a 416 on a complete file is a success; -C - on no file is a
// plain GET. Each case is run through curl too, which must send the same
// heads, exit alike and leave the same file.
func TestResume(t *testing.T) {
	for _, tt := range []struct {
		name    string
		args    []string // "out" is the file in the test's directory
		have    *string  // out before the run; nil: none
		ignore  bool
		fail    int // 503s before the server answers
		heads   []string
		code    int
		stdout  string
		errHas  string
		file    string
		noCurl  bool
		retries int
	}{
		{name: "-C - appends", args: []string{"-C", "-", "-o", "out"}, have: ptr("hello "), heads: []string{rangeHead("6-")}, file: resumeDoc},
		{name: "-C N appends", args: []string{"-C", "6", "-o", "out"}, have: ptr("hello "), heads: []string{rangeHead("6-")}, file: resumeDoc},
		{name: "--continue-at N", args: []string{"--continue-at", "6", "-o", "out"}, have: ptr("hello "), heads: []string{rangeHead("6-")}, file: resumeDoc},
		{name: "-C N to stdout", args: []string{"-C", "6"}, heads: []string{rangeHead("6-")}, stdout: "world\n"},
		{name: "-C - on no file", args: []string{"-C", "-", "-o", "out"}, heads: []string{rangeHead("")}, file: resumeDoc},
		{name: "-C N on no file", args: []string{"-C", "6", "-o", "out"}, heads: []string{rangeHead("6-")}, file: "world\n"},
		{name: "Range ignored", args: []string{"-C", "-", "-o", "out"}, have: ptr("hello "), ignore: true, heads: []string{rangeHead("6-")},
			code: 33, errHas: "sockfetch: HTTP server doesn't seem to support byte ranges: cannot resume", file: "hello "},
		{name: "Range ignored, stdout", args: []string{"-C", "6"}, ignore: true, heads: []string{rangeHead("6-")},
			code: 33, errHas: "sockfetch: HTTP server doesn't seem to support byte ranges: cannot resume"},
		{name: "416 on a complete file", args: []string{"-C", "-", "-o", "out"}, have: ptr(resumeDoc), heads: []string{rangeHead("12-")}, file: resumeDoc},
		{name: "416 on a complete file, -f", args: []string{"-f", "-C", "-", "-o", "out"}, have: ptr(resumeDoc), heads: []string{rangeHead("12-")},
			code: 22, errHas: "sockfetch: the requested URL returned error: 416", file: resumeDoc},
		{name: "whole file already here", args: []string{"-C", "-", "-o", "out"}, have: ptr(resumeDoc), ignore: true, heads: []string{rangeHead("12-")}, file: resumeDoc},
		{name: "retried with -f, then resumed", args: []string{"-s", "-f", "--retry", "1", "-C", "-", "-o", "out"}, have: ptr("hello "), fail: 1,
			heads: []string{rangeHead("6-"), rangeHead("6-")}, file: resumeDoc, retries: 1},
		// Without -f, curl 7.88 takes a 503 to a resume for a server that
		// ignores the Range: exit 33, no retry.
		{name: "503 to a resume without -f", args: []string{"-s", "--retry", "1", "-C", "-", "-o", "out"}, have: ptr("hello "), fail: 1,
			heads: []string{rangeHead("6-")}, code: 33, file: "hello "},
		{name: "-r", args: []string{"-r", "0-4"}, heads: []string{rangeHead("0-4")}, stdout: resumeDoc},
		{name: "-r suffix", args: []string{"--range", "-5"}, heads: []string{rangeHead("-5")}, stdout: resumeDoc},
		{name: "-r list", args: []string{"-r", "0-1,5-6"}, heads: []string{rangeHead("0-1,5-6")}, stdout: resumeDoc},
		{name: "-r a start alone", args: []string{"-s", "-r", "5"}, heads: []string{rangeHead("5-")}, stdout: resumeDoc[5:]},
		{name: "-C wins over -r", args: []string{"-r", "0-4", "-C", "3"}, heads: []string{rangeHead("3-")}, stdout: resumeDoc[3:]},
		{name: "-H Range wins", args: []string{"-r", "0-4", "-H", "Range: bytes=1-2"}, heads: []string{"GET / HTTP/1.1\r\nHost: " + addrMark + "\r\n" + uaLine + "Accept: */*\r\nRange: bytes=1-2\r\n\r\n"}, stdout: resumeDoc},
	} {
		t.Run(tt.name, func(t *testing.T) {
			runs := []string{"sockfetch"}
			if !tt.noCurl && curlBinary(t) && tt.retries == 0 {
				runs = append(runs, "curl")
			}
			for _, who := range runs {
				srv := rangeServer(t, tt.ignore, tt.fail)
				dir := t.TempDir()
				out := filepath.Join(dir, "out")
				if tt.have != nil {
					if err := os.WriteFile(out, []byte(*tt.have), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				args := make([]string, 0, len(tt.args)+1)
				for _, a := range tt.args {
					if a == "out" {
						a = out
					}
					args = append(args, a)
				}
				args = append(args, srv.URL+"/")
				var r result
				var sr sleepRecorder
				if who == "curl" {
					r = runCurlRetry(t, dir, args)
				} else {
					r = sockfetchWith(t, runOpts{sleep: sr.sleep}, args...)
				}
				var heads []string
				for _, q := range srv.Requests() {
					heads = append(heads, normalizeHead(string(q.Head), srv.Addr))
				}
				if !slices.Equal(heads, tt.heads) {
					t.Errorf("%s sent\n%q\nwant\n%q", who, heads, tt.heads)
				}
				if r.code != tt.code || r.stdout != tt.stdout {
					t.Errorf("%s: exit %d, stdout %q; want %d, %q (stderr %q)", who, r.code, r.stdout, tt.code, tt.stdout, r.stderr)
				}
				if who == "sockfetch" {
					if tt.errHas != "" {
						r.want(t, tt.code, tt.stdout, tt.errHas)
						r.errLine(t)
					} else if r.stderr != "" && !strings.HasPrefix(r.stderr, "Warning: ") {
						t.Errorf("stderr %q, want none", r.stderr)
					}
					if len(sr.asked) != tt.retries {
						t.Errorf("%d retries, want %d", len(sr.asked), tt.retries)
					}
				}
				checkOut(t, dir, tt.file)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestResumeCutShort: a resumed body cut short keeps what it appended, as
// curl does, so that the next -C - goes on from there; a fresh -o file
// cut short leaves nothing.
func TestResumeCutShort(t *testing.T) {
	raw := reply("206 Partial Content", "world\n", "Content-Range: bytes 6-11/12")
	srv := testserver.Start(t, map[string]testserver.Reply{"": {Raw: []byte(raw), Reset: true, ResetAfter: len(raw) - 3}})
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.WriteFile(out, []byte("hello "), 0o644)
	r := sockfetch(t, "-sS", "-C", "-", "-o", out, srv.URL+"/")
	if r.code != 18 && r.code != 56 {
		t.Errorf("exit %d, want 18 or 56; stderr %q", r.code, r.stderr)
	}
	checkOut(t, dir, "hello wor")
}

// TestResumeExplain: --explain says what the Range field of a resume asks
// for.
func TestResumeExplain(t *testing.T) {
	srv := rangeServer(t, false, 0)
	r := sockfetch(t, "--explain", "--no-color", "-C", "6", srv.URL+"/")
	if r.code != 0 || r.stdout != "world\n" || !strings.Contains(r.stderr, "we ask for the bytes from 6 on: the rest of a file (a resume, -C)") {
		t.Errorf("exit %d, stdout %q; stderr:\n%s", r.code, r.stdout, r.stderr)
	}
}
