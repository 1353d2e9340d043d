package cli

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sockfetch/internal/testserver"
)

// TestConfigWords: config texts, read by curl's rules, and the command-line
// words and warnings they stand for.
func TestConfigWords(t *testing.T) {
	names := namesOf((&app{System: &System{stdout: io.Discard, stderr: io.Discard}}).cliApp())
	tests := []struct {
		name, text string
		words      []string
		warnings   []string
	}{
		{"url and equals", "url = \"http://a/\"\n", []string{"--url", "http://a/"}, nil},
		{"unquoted url", "url=http://a/", []string{"--url", "http://a/"}, nil},
		{"colon form", "header: \"X-A: b\"\n", []string{"--header", "X-A: b"}, nil},
		{"equals form", "header = \"X-A: b\"\n", []string{"--header", "X-A: b"}, nil},
		{"short option", "-o file\n", []string{"--output", "file"}, nil},
		{"short group", "-sSo file\n", []string{"--silent", "--show-error", "--output", "file"}, nil},
		{"dashed long option", "--header \"X: y\"\n", []string{"--header", "X: y"}, nil},
		{"dashed takes no =", "--header = \"X: y\"\n", []string{"--header", "="},
			[]string{"f:1: warning: '--header' uses unquoted whitespace in the line that may cause side-effects!"}},
		{"boolean", "silent\nlocation\n", []string{"--silent", "--location"}, nil},
		{"alias long form", "request = PUT\n", []string{"--request", "PUT"}, nil},
		{"escapes", `header = "X: a\"b\\c\td\ne\rf\vg\qh"`, []string{"--header", "X: a\"b\\c\td\ne\rf\vg" + "qh"}, nil},
		{"unterminated quote", `user-agent = "a b`, []string{"--user-agent", "a b"}, nil},
		{"empty quoted", `user-agent = ""`, []string{"--user-agent", ""}, nil},
		{"comments and blanks", "# c\n  # c\n\n/ c\n* c\n\t\r\nurl = http://a/ # after\n", []string{"--url", "http://a/"}, nil},
		{"a comment is a parameter after a boolean", "silent # c\n", []string{"--silent"}, []string{
			"f:1: warning: 'silent' uses unquoted whitespace in the line that may cause side-effects!",
			"f:1: warning: 'silent' had unsupported trailing garbage"}},
		{"CRLF lines", "url = http://a/\r\nsilent\r\n", []string{"--url", "http://a/", "--silent"}, nil},
		{"unquoted space", "header = X: y\n", []string{"--header", "X:"},
			[]string{"f:1: warning: 'header' uses unquoted whitespace in the line that may cause side-effects!"}},
		{"unknown", "bogus\n-q\nsilent", []string{"--silent"},
			[]string{"f:1: warning: 'bogus' is unknown", "f:2: warning: '-q' is unknown"}},
		{"missing parameter", "output\n", nil, []string{"f:1: warning: 'output' requires parameter"}},
		{"extra parameter", "silent yes\n", []string{"--silent"}, []string{"f:1: warning: 'silent' had unsupported trailing garbage"}},
		{"nested config kept for expansion", "config = other\n", []string{"--config", "other"}, nil},
		{"NUL ends the line", "url = http://a/\x00junk\n", []string{"--url", "http://a/"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			words, warnings := names.configWords("f", parseConfig(tt.text))
			if !reflect.DeepEqual(words, tt.words) || !reflect.DeepEqual(warnings, tt.warnings) {
				t.Errorf("%q:\n got %q %q\nwant %q %q", tt.text, words, warnings, tt.words, tt.warnings)
			}
		})
	}
}

// TestExpandConfigs: where a -K stands on the command line, and what is
// left alone.
func TestExpandConfigs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c := write("c", "silent\n")
	nested := write("n", "-K "+c+"\nlocation\n")
	loop := write("loop", "")
	write("loop", "config = "+loop+"\n")
	a := &app{System: &System{stdin: strings.NewReader("verbose\n"), stdout: io.Discard, stderr: io.Discard}}
	ca := a.cliApp()
	tests := []struct {
		args []string
		want []string
		err  string
	}{
		{[]string{"-K", c, "U"}, []string{"--silent", "U"}, ""},
		{[]string{"-K" + c, "U"}, []string{"--silent", "U"}, ""},
		{[]string{"--config", c, "U"}, []string{"--silent", "U"}, ""},
		{[]string{"--config=" + c, "U"}, []string{"--silent", "U"}, ""},
		{[]string{"-fK", c, "U"}, []string{"-f", "--silent", "U"}, ""},
		{[]string{"-K", nested}, []string{"--silent", "--location"}, ""},
		{[]string{"-K", "-"}, []string{"--verbose"}, ""},
		{[]string{"-o", "-K", "U"}, []string{"-o", "-K", "U"}, ""},       // a value, not an option
		{[]string{"-H", "-K", "U"}, []string{"-H", "-K", "U"}, ""},       // a value, not an option
		{[]string{"U", "--", "-K", c}, []string{"U", "--", "-K", c}, ""}, // after --
		{[]string{"-K", dir}, []string{}, ""},                            // a directory reads as empty, as curl
		{[]string{"-K", filepath.Join(dir, "none")}, nil, "cannot read config from '" + filepath.Join(dir, "none") + "'"},
		{[]string{"-K", loop}, nil, "config files nested more than 16 deep"},
	}
	for _, tt := range tests {
		got, err := a.expandConfigs(append([]string{"sockfetch"}, tt.args...), ca)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.args, err, tt.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tt.args, err)
		case !reflect.DeepEqual(got[1:], tt.want):
			t.Errorf("%q:\n got %q\nwant %q", tt.args, got[1:], tt.want)
		}
	}
}

// TestConfigEndToEnd: a -K file's URLs, headers and options reach the
// wire as curl sends them, with --url and command-line URLs in order; an
// unreadable -K file is curl's exit 26 and its message.
func TestConfigEndToEnd(t *testing.T) {
	srv := testserver.Start(t, map[string]testserver.Reply{"": okReply})
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg")
	text := "# a config\nurl = \"http://" + srv.Addr + "/one\"\nheader = \"X-A: b c\"\n-H \"X-Q: \\\"q\\\"\"\nuser-agent: \"UA-cfg\"\n"
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-K", cfg, "--url", "http://" + srv.Addr + "/two", "http://" + srv.Addr + "/three"}
	fields := "X-A: b c\r\nX-Q: \"q\"\r\n"
	head := func(p string) string {
		return "GET " + p + " HTTP/1.1\r\nHost: " + addrMark + "\r\nUser-Agent: UA-cfg\r\nAccept: */*\r\n" + fields + "\r\n"
	}
	want := []string{head("/one"), head("/two"), head("/three")}
	seen := 0
	heads := func() []string { // the requests since the last call
		var hs []string
		reqs := srv.Requests()
		for _, q := range reqs[seen:] {
			hs = append(hs, normalizeHead(string(q.Head), srv.Addr))
		}
		seen = len(reqs)
		return hs
	}
	r := sockfetch(t, append([]string{"-s", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null"}, args...)...)
	r.want(t, 0, "")
	checkHeads(t, "sockfetch", heads(), want)
	if curlBinary(t) {
		r := runCurl(t, append([]string{"-o", "/dev/null", "-o", "/dev/null"}, args...))
		if r.code != 0 {
			t.Errorf("curl: exit %d", r.code)
		}
		checkHeads(t, "curl", heads(), want)
	}

	missing := filepath.Join(dir, "missing")
	r = sockfetch(t, "-K", missing, "http://"+srv.Addr+"/")
	r.want(t, 26, "", "sockfetch: cannot read config from '"+missing+"'\nhint: option -K: error encountered when reading a file\n")
	if len(heads()) != 0 {
		t.Errorf("a request was sent after an unreadable -K")
	}
	if curlBinary(t) {
		if r := runCurl(t, []string{"-K", missing, "http://" + srv.Addr + "/"}); r.code != 26 {
			t.Errorf("curl: exit %d, want 26", r.code)
		}
	}

	r = sockfetch(t, "-K", "-", "-o", "/dev/null")
	r.want(t, 2, "", "no URL specified")
	r = sockfetchWith(t, runOpts{stdin: "url = http://" + srv.Addr + "/stdin\nuser-agent = UA-cfg\nheader = \"X-A: b c\"\nheader = \"X-Q: \\\"q\\\"\"\n"}, "-s", "-o", "/dev/null", "-K", "-")
	r.want(t, 0, "")
	checkHeads(t, "sockfetch", heads(), []string{head("/stdin")})
}

// FuzzConfig: no config text makes the reader panic, and every word it
// yields comes from the config's options.
func FuzzConfig(f *testing.F) {
	for _, s := range []string{"url = \"http://a/\"\n", "-sSo f\n", `header = "a\"b\\c\t"`, "# c\n\r\nsilent yes\n", "--header = x y\n", "config -\n"} {
		f.Add(s)
	}
	names := namesOf((&app{System: &System{stdout: io.Discard, stderr: io.Discard}}).cliApp())
	f.Fuzz(func(t *testing.T, text string) {
		entries := parseConfig(text)
		if len(entries) > strings.Count(text, "\n")+1 {
			t.Fatalf("%d entries from %d lines", len(entries), strings.Count(text, "\n")+1)
		}
		words, _ := names.configWords("f", entries)
		_ = normalizeArgs(append([]string{"sockfetch"}, words...), (&app{System: &System{stdout: io.Discard, stderr: io.Discard}}).cliApp())
	})
}

// TestURLOption: --url URL is an argument in its place among the others.
func TestURLOption(t *testing.T) {
	ca := (&app{System: &System{stdout: io.Discard, stderr: io.Discard}}).cliApp()
	for in, want := range map[string][]string{
		"U1 --url U2 U3":       {"--", "U1", "U2", "U3"},
		"--url=U1 -s --url U2": {"--silent", "--", "U1", "U2"},
		"--url -x":             {"--", "-x"},
		"-s --url":             {"--silent", "--url"}, // cli reports the missing value
	} {
		if got := normalizeArgs(append([]string{"sockfetch"}, strings.Fields(in)...), ca)[1:]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", in, got, want)
		}
	}
}
