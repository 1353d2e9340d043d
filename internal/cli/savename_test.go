package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"sockfetch/internal/testserver"
)

// TestContentDispositionName: the name -J takes from a head, as curl 7.88
// finds it, and what it refuses.
func TestContentDispositionName(t *testing.T) {
	for _, tt := range []struct {
		field, name string
		ok          bool
		why         string
	}{
		{`attachment; filename="a.txt"`, "a.txt", true, ""},
		{`attachment; filename=plain.txt; x=y`, "plain.txt", true, ""},
		{`attachment;filename=b.txt `, "b.txt", true, ""},
		{`attachment; FileName="c d.txt"`, "c d.txt", true, ""},
		{`attachment; filename="../../etc/passwd"`, "passwd", true, ""},
		{`attachment; filename="C:\\dir\\win.txt"`, "win.txt", true, ""},
		{`attachment; filename="a;b"`, "a;b", true, ""},
		{`attachment; filename*=UTF-8''x.txt`, "", false, ""}, // curl 7.88 reads no filename*
		{`attachment`, "", false, ""},
		{`filename=first.txt`, "", false, ""}, // a parameter comes after a ';'
		{`attachment; filename="dir/"`, "", false, "no file name"},
		{`attachment; filename=".."`, "", false, "no file name"},
		{"attachment; filename=\"a\x1bb\"", "", false, `"a\x1bb" refused: it holds a control or invisible character`},
		{"attachment; filename=\"a\u202eb\"", "", false, "refused"},
	} {
		head := "HTTP/1.1 200 OK\r\nContent-Disposition: " + tt.field + "\r\n\r\n"
		name, why, ok := contentDispositionName([]byte(head))
		if name != tt.name || ok != tt.ok || !strings.Contains(why, tt.why) || (tt.why == "") != (why == "") {
			t.Errorf("%q: %q %q %v, want %q %q %v", tt.field, name, why, ok, tt.name, tt.why, tt.ok)
		}
	}
}

// TestCurlSavedNames: the files -O -J, --output-dir, --create-dirs and
// --remote-name-all leave, and the exit codes, the same as curl 7.88's
// for the same command line (run in a fresh folder each).
func TestCurlSavedNames(t *testing.T) {
	body := "Content-Length: 3\r\n\r\nhi\n"
	routes := map[string]testserver.Reply{
		"/cd":    {Raw: []byte("HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"../etc/evil.txt\"\r\n" + body)},
		"/cdu":   {Raw: []byte("HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=plain.txt; x=y\r\n" + body)},
		"/empty": {Raw: []byte("HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"e.txt\"\r\nContent-Length: 0\r\n\r\n")},
		"/redir": {Raw: []byte("HTTP/1.1 302 Found\r\nLocation: /cdu\r\nContent-Disposition: attachment; filename=\"not-this\"\r\nContent-Length: 0\r\n\r\n")},
		"":       {Raw: []byte("HTTP/1.1 200 OK\r\n" + body)},
	}
	cases := []struct {
		name     string
		existing []string // files there before
		args     []string
		code     int
		files    []string // every file and folder left, sorted
	}{
		{"-J takes the last path element", nil, []string{"-OJ", "http://ADDR/cd"}, 0, []string{"evil.txt"}},
		{"-J unquoted", nil, []string{"-O", "-J", "http://ADDR/cdu"}, 0, []string{"plain.txt"}},
		{"-J never overwrites", []string{"evil.txt"}, []string{"-OJ", "http://ADDR/cd"}, 23, []string{"evil.txt"}},
		{"-J empty body, empty file", nil, []string{"-OJ", "http://ADDR/empty"}, 0, []string{"e.txt"}},
		{"-J without the field is -O", nil, []string{"-OJ", "http://ADDR/plain"}, 0, []string{"plain"}},
		{"-J overwrites with -O's name", []string{"plain"}, []string{"-OJ", "http://ADDR/plain"}, 0, []string{"plain"}},
		{"-J after -L: the first head's name, as curl 7.88", nil, []string{"-L", "-OJ", "http://ADDR/redir"}, 0, []string{"not-this"}},
		{"-J with -i refused", nil, []string{"-i", "-OJ", "http://ADDR/cd"}, 2, nil},
		{"--output-dir", []string{"out/"}, []string{"--output-dir", "out", "-O", "http://ADDR/f1", "-o", "f2", "http://ADDR/x"}, 0, []string{"out/", "out/f1", "out/f2"}},
		{"--output-dir missing", nil, []string{"--output-dir", "out", "-O", "http://ADDR/f1"}, 23, nil},
		{"--create-dirs", nil, []string{"--create-dirs", "--output-dir", "out/x", "-o", "a/b", "http://ADDR/"}, 0, []string{"out/", "out/x/", "out/x/a/", "out/x/a/b"}},
		{"--create-dirs with -J", nil, []string{"--create-dirs", "--output-dir", "d", "-OJ", "http://ADDR/cdu"}, 0, []string{"d/", "d/plain.txt"}},
		{"--remote-name-all", nil, []string{"--remote-name-all", "http://ADDR/r1", "-o", "x", "http://ADDR/r2"}, 0, []string{"r2", "x"}},
	}
	withCurl := curlBinary(t)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			run := func(who string, prog func(args []string) result) {
				srv := testserver.Start(t, routes)
				dir := t.TempDir()
				t.Chdir(dir)
				for _, f := range tt.existing {
					if strings.HasSuffix(f, "/") {
						os.Mkdir(f, 0o755)
					} else {
						os.WriteFile(f, []byte("old\n"), 0o644)
					}
				}
				args := make([]string, len(tt.args))
				for i, a := range tt.args {
					args[i] = strings.ReplaceAll(a, addrMark, srv.Addr)
				}
				r := prog(args)
				if r.code != tt.code {
					t.Errorf("%s: exit %d, want %d (stderr %q)", who, r.code, tt.code, r.stderr)
				}
				var files []string
				filepath.Walk(".", func(p string, fi os.FileInfo, err error) error {
					if err == nil && p != "." {
						if fi.IsDir() {
							p += "/"
						}
						files = append(files, p)
					}
					return nil
				})
				sort.Strings(files)
				if !reflect.DeepEqual(files, tt.files) {
					t.Errorf("%s: files %q, want %q", who, files, tt.files)
				}
				for _, f := range tt.existing {
					if b, err := os.ReadFile(f); err == nil && string(b) != "old\n" && tt.code != 0 {
						t.Errorf("%s: %s was overwritten", who, f)
					}
				}
			}
			run("sockfetch", func(args []string) result { return sockfetch(t, append([]string{"-s"}, args...)...) })
			if withCurl {
				run("curl", func(args []string) result {
					cmd := exec.Command("curl", append([]string{"-s"}, args...)...)
					cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
					return runCmd(t, cmd)
				})
			}
		})
	}
}
