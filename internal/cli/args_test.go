package cli

import (
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestNormalizeArgs(t *testing.T) {
	app := (&app{System: &System{stdout: io.Discard, stderr: io.Discard}}).cliApp()
	tests := []struct {
		in   string
		want []string
	}{
		{"URL -o f", []string{"--output", "f", "--", "URL"}},
		{"-fsSL URL", []string{"--fail", "--silent", "--show-error", "--location", "--", "URL"}},
		{"-sSo f URL", []string{"--silent", "--show-error", "--output", "f", "--", "URL"}},
		{"-ofile URL", []string{"--output", "file", "--", "URL"}},
		{"URL1 -H X:a URL2", []string{"--header", "X:a", "--", "URL1", "URL2"}},
		{"-e -x URL", []string{"--referer", "-x", "--", "URL"}}, // a value that looks like an option
		{"--max-redirs -1 -L URL", []string{"--max-redirs", "-1", "--location", "--", "URL"}},
		{"--max-time=3 URL", []string{"--max-time=3", "--", "URL"}},
		{"-- -odd-url -v", []string{"--", "-odd-url", "-v"}},
		{"-O URL", []string{"--output=" + remoteNameMarker, "--", "URL"}},
		{"URL --remote-name", []string{"--output=" + remoteNameMarker, "--", "URL"}},
		{"-v demo --chunked", []string{"--verbose", "demo", "--chunked"}},
		{"-0 -4 URL", []string{"--http1.0", "--ipv4", "--", "URL"}},
		{"-V", []string{"--version"}},
		{"-qz URL", []string{"-q", "--", "URL"}}, // unknown: cli reports -q
		{"URL -o", []string{"--output"}},         // cli reports the missing value
	}
	for _, tt := range tests {
		got := normalizeArgs(append([]string{"sockfetch"}, strings.Fields(tt.in)...), app)[1:]
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestHelp(t *testing.T) {
	r := sockfetch(t, "-h")
	if r.code != 0 || !strings.Contains(r.stdout, "--location") || !strings.Contains(r.stdout, "--tor") {
		t.Errorf("-h: exit %d, stdout %q", r.code, r.stdout)
	}
	if strings.Contains(r.stdout, "--version, -v") {
		t.Error("help shows v2's -v for --version")
	}
}

func TestValueFlagAfterURLKeepsURL(t *testing.T) {
	srv := okServer(t)
	// "-e URL2 URL" must use URL2 as the Referer, not fetch it.
	sockfetch(t, srv.URL+"/a", "-e", "http://ref.example/").want(t, 0, "hello, world\n")
	v, _ := onlyRequest(t, srv).Header("Referer")
	if v != "http://ref.example/" {
		t.Errorf("Referer %q", v)
	}
}

// FuzzNormalizeArgs: any command line is rewritten without a panic, and
// the program name stays first.
func FuzzNormalizeArgs(f *testing.F) {
	for _, s := range []string{"-fsSL\x00URL", "URL\x00-o\x00f", "-ofile", "--\x00-x", "-O\x00-", "--max-time=\x00-", "-H", "demo\x00-v"} {
		f.Add(s)
	}
	app := (&app{System: &System{stdout: io.Discard, stderr: io.Discard}}).cliApp()
	f.Fuzz(func(t *testing.T, s string) {
		args := append([]string{"sockfetch"}, strings.Split(s, "\x00")...)
		out := normalizeArgs(args, app)
		if len(out) == 0 || out[0] != "sockfetch" {
			t.Fatalf("normalizeArgs(%q) = %q", args, out)
		}
	})
}
