package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
)

// TestRemoteNameAsCurl runs curl -O and sockfetch -O side by side, each in
// a directory of its own, and checks that they leave the same file (the
// last path segment as written, not percent-decoded) or both refuse with
// exit 23. The one difference on purpose: a bidi override (or C1 control,
// or invalid UTF-8) that curl writes raw into the name, sockfetch writes
// percent-encoded.
func TestRemoteNameAsCurl(t *testing.T) {
	curl := testenv.RequireTool(t, "curl")
	srv := okServer(t)
	base := srv.URL // http://127.0.0.1:PORT
	for _, tt := range []struct {
		path      string
		name      string // the file sockfetch leaves; "" for exit 23 and none
		curlName  string // curl's, when it differs on purpose
		errSuffix string
	}{
		{path: "/dir/file.txt", name: "file.txt"},
		{path: "/a%0Ab", name: "a%0Ab"},            // no LF in a file name
		{path: "/x%2Fy", name: "x%2Fy"},            // no "/" either
		{path: "/%1b%5b31m", name: "%1b%5b31m"},    // nor ESC
		{path: "/a%00b", name: "a%00b"},            // nor NUL
		{path: "/%2e%2e", name: "%2e%2e"},          // not ".."
		{path: "/%2e", name: "%2e"},                // not "."
		{path: "/q.json?a=/b#c/d", name: "q.json"}, // query and fragment are not the path
		{path: "/caf%C3%A9", name: "caf%C3%A9"},    // as written
		{path: "/café", name: "café"},              // as written
		{path: "/x\u202egpj.exe", name: "x%E2%80%AEgpj.exe", curlName: "x\u202egpj.exe"},
		{path: "/x\u0085y", name: "x%C2%85y", curlName: "x\u0085y"},
		{path: "/dir/"},
		{path: "/"},
		{path: ""},
		{path: "/."},
		{path: "/dir/.."},
		{path: "/a/b/.."},
		{path: "?q=/x"},
	} {
		url := base + tt.path
		sfDir, curlDir := t.TempDir(), t.TempDir()

		cmd := exec.Command(curl, "-q", "-sS", "--noproxy", "*", "-O", url)
		cmd.Dir, cmd.Env = curlDir, []string{"PATH=/usr/bin:/bin"}
		cmd.Run()
		curlCode := cmd.ProcessState.ExitCode()

		t.Chdir(sfDir)
		r := sockfetch(t, "-O", url)

		wantCurl := tt.name
		if tt.curlName != "" {
			wantCurl = tt.curlName
		}
		if tt.name == "" {
			r.want(t, 23, "", "sockfetch: remote file name has no length: "+url+"\n")
			if line := r.errLine(t); line != "sockfetch: remote file name has no length: "+url {
				t.Errorf("%q: error line %q", tt.path, line)
			}
			if curlCode != 23 {
				t.Errorf("%q: curl exit %d, want 23", tt.path, curlCode)
			}
		} else {
			r.want(t, 0, "")
			if curlCode != 0 {
				t.Errorf("%q: curl exit %d, want 0", tt.path, curlCode)
			}
		}
		if got := files(t, sfDir); !slices.Equal(got, nonEmpty(tt.name)) {
			t.Errorf("%q: sockfetch left %q, want %q", tt.path, got, nonEmpty(tt.name))
		}
		if got := files(t, curlDir); !slices.Equal(got, nonEmpty(wantCurl)) {
			t.Errorf("%q: curl left %q, want %q", tt.path, got, nonEmpty(wantCurl))
		}
		if tt.name != "" {
			if b, _ := os.ReadFile(filepath.Join(sfDir, tt.name)); string(b) != "hello, world\n" {
				t.Errorf("%q: %s holds %q", tt.path, tt.name, b)
			}
		}
	}
}

// TestRemoteNameMalformedURL checks that a malformed URL is exit 3, as
// curl's, not -O's exit 23, and leaves no file.
func TestRemoteNameMalformedURL(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	r := sockfetch(t, "-O", "http://[::1")
	r.want(t, 3, "", "sockfetch: malformed URL")
	r.errLine(t)
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files left: %q", got)
	}
}

// TestRemoteNameNeverUnsafe: whatever the URL, -O's name is a single
// segment, never "." or "..", and holds no byte a terminal acts on.
func TestRemoteNameNeverUnsafe(t *testing.T) {
	for _, raw := range []string{"http://h/a/b", "http://h/%2F", "http://h/\x9b", "http://h/a\u2066b", "http://h/..%2F..", "h/x", "http://h/a?/b", "http://h/a#/.."} {
		name, err := remoteName(raw)
		if err != nil {
			continue
		}
		if name == "" || name == "." || name == ".." || strings.Contains(name, "/") || strings.ContainsFunc(name, func(r rune) bool {
			return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0xfffd || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
		}) {
			t.Errorf("remoteName(%q) = %q", raw, name)
		}
	}
}

// files lists the names in dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func nonEmpty(name string) []string {
	if name == "" {
		return nil
	}
	return []string{name}
}
