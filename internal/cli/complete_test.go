package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sockfetch/internal/testenv"
)

// TestHelpListsCommands: --help lists every command, each on one line of
// its own (name and usage), and no hidden one.
func TestHelpListsCommands(t *testing.T) {
	r := sockfetch(t, "--help")
	if r.code != 0 {
		t.Fatalf("--help: exit %d, stderr %q", r.code, r.stderr)
	}
	_, section, ok := strings.Cut(r.stdout, "\nCOMMANDS:\n")
	section, _, _ = strings.Cut(section, "\n\n")
	if !ok {
		t.Fatalf("--help has no COMMANDS section:\n%s", r.stdout)
	}
	line := regexp.MustCompile(`^   ([a-z]+) {2,}(\S.*)$`)
	var got []string
	for _, l := range strings.Split(section, "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("not one command on one line: %q", l)
			continue
		}
		got = append(got, m[1])
	}
	if want := "fetch demo ip newnym parse"; strings.Join(got, " ") != want {
		t.Errorf("--help lists the commands %q, want %q", got, want)
	}
}

// TestFetchCommand: `sockfetch fetch ...` is `sockfetch ...`, curl's
// option handling included.
func TestFetchCommand(t *testing.T) {
	srv := okServer(t)
	sockfetch(t, "fetch", srv.URL).want(t, 0, "hello, world\n")
	sockfetch(t, "fetch", srv.URL, "-sw", "%{http_code}").want(t, 0, "hello, world\n200")
	sockfetch(t, "fetch").want(t, 2, "", "sockfetch: no URL specified")
	nf := serve(t, "404.http")
	sockfetch(t, "fetch", "-fsS", nf.URL).want(t, 22, "", "sockfetch: the requested URL returned error: 404\n")
}

// TestComplete: the candidates the completion scripts get, from the app's
// definition.
func TestComplete(t *testing.T) {
	tests := []struct {
		words []string // after the program's name; the last is being completed
		want  string   // candidates, space-separated
	}{
		{[]string{""}, "fetch demo ip newnym parse"},
		{[]string{"p"}, "parse"},
		{[]string{"--pro"}, "--progress-bar --proxy"},
		{[]string{"--no"}, "--no-progress-meter --noproxy --no-keepalive --no-lock --no-color"},
		{[]string{"-o", ""}, ""},                               // a file name
		{[]string{"-sSo", ""}, ""},                             // the group ends with -o
		{[]string{"-ofile", ""}, "fetch demo ip newnym parse"}, // -o's value is in the word
		{[]string{"--output=f", ""}, "fetch demo ip newnym parse"},
		{[]string{"--output", "demo", ""}, "fetch demo ip newnym parse"}, // "demo" was a file name
		{[]string{"http://x/", ""}, ""},                                  // a URL came: no command now
		{[]string{"parse", "--"}, "--method --output --no-color --help"},
		{[]string{"parse", "-"}, "--method -X --output -o --no-color --help -h"},
		{[]string{"parse", "-X", ""}, ""},
		{[]string{"parse", ""}, ""}, // FILE
		{[]string{"fetch", "--ins"}, "--insecure"},
		{[]string{"demo", "--"}, "--chunked --verbose --no-color --help"},
		{[]string{"--tor", "--new"}, "--new-circuit"},
		{[]string{"man"}, ""}, // hidden
		{[]string{"--", "-"}, ""},
		{[]string{"--", ""}, ""},
	}
	for _, tt := range tests {
		r := sockfetch(t, append(tt.words, completionFlag)...)
		got := strings.Join(strings.Fields(r.stdout), " ")
		if r.code != 0 || got != tt.want || r.stderr != "" {
			t.Errorf("complete %q: exit %d, %q (stderr %q); want %q", tt.words, r.code, got, r.stderr, tt.want)
		}
	}
	// zsh's script asks for descriptions.
	r := sockfetchWith(t, runOpts{env: map[string]string{zshCompletionEnv: "1"}}, "--raw", completionFlag)
	if want := "--raw:write the body as it came off the wire: chunk framing kept, nothing decoded\n"; r.stdout != want {
		t.Errorf("zsh candidates %q, want %q", r.stdout, want)
	}
	r = sockfetchWith(t, runOpts{env: map[string]string{zshCompletionEnv: "1"}}, "--ou", completionFlag)
	if want := "--output:write the body to FILE (one per URL, in order; - for stdout)\n--output-dir:write -o and -O files in DIR\n"; r.stdout != want {
		t.Errorf("zsh candidates %q, want %q", r.stdout, want)
	}
}

// completionPath is a PATH whose first folder holds the built binary as
// "sockfetch", as after make install.
func completionPath(t *testing.T) string {
	dir := t.TempDir()
	if err := os.Symlink(testenv.Sockfetch(t), filepath.Join(dir, "sockfetch")); err != nil {
		t.Fatal(err)
	}
	return dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

// moduleRoot is the repository's root, where contrib/ is, from this
// package's folder.
const moduleRoot = "../.."

// TestBashCompletionScript runs contrib/completion/sockfetch.bash in bash
// as bash runs it on Tab: COMP_WORDS and COMP_CWORD set, COMPREPLY read.
func TestBashCompletionScript(t *testing.T) {
	bash := testenv.RequireTool(t, "bash")
	script := `source contrib/completion/sockfetch.bash
complete -p sockfetch
t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _sockfetch; echo "$*|${COMPREPLY[*]}"; }
t sockfetch --pro
t sockfetch ""
t sockfetch pa
t sockfetch parse --me
t sockfetch -o ""
`
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
	cmd.Dir = moduleRoot
	cmd.Env = []string{"PATH=" + completionPath(t), "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	want := `complete -o bashdefault -o default -F _sockfetch sockfetch
sockfetch --pro|--progress-bar --proxy
sockfetch |fetch demo ip newnym parse
sockfetch pa|parse
sockfetch parse --me|--method
sockfetch -o |
`
	if string(out) != want {
		t.Errorf("bash completion:\n%s\nwant:\n%s", out, want)
	}
}

// TestZshCompletionScript runs contrib/completion/_sockfetch in zsh, with
// _describe and _files (zsh's completion functions) standing in to print
// what they are given.
func TestZshCompletionScript(t *testing.T) {
	zsh := testenv.RequireTool(t, "zsh")
	if out, err := exec.Command(zsh, "-n", filepath.Join(moduleRoot, "contrib/completion/_sockfetch")).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	script := `_describe() { print -rl -- "${(@P)${@[-1]}}"; }
_files() { print '(files)'; }
_sockfetch() { source contrib/completion/_sockfetch; }
t() { words=("$@"); CURRENT=${#words}; print -r -- "[$*]"; _sockfetch; }
t sockfetch --new
t sockfetch ''
t sockfetch -H "'Accept: a, b'" -o ''
t sockfetch parse --me
`
	cmd := exec.Command(zsh, "-f", "-c", script)
	cmd.Dir = moduleRoot
	cmd.Env = []string{"PATH=" + completionPath(t), "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("zsh: %v\n%s", err, out)
	}
	want := `[sockfetch --new]
--new-circuit:send random SOCKS credentials so that Tor uses a fresh circuit (--new-circuit=each: one per transfer)
[sockfetch ]
fetch:fetch URLs as curl does (the default: sockfetch URL is sockfetch fetch URL)
demo:fetch a page from a server started in-process on 127.0.0.1, explaining every step
ip:show the exit IP address the world sees through Tor
newnym:ask Tor for a new identity: new connections use new circuits
parse:show how a raw response from a file or stdin is read, byte by byte (offline)
[sockfetch -H 'Accept: a, b' -o ]
(files)
[sockfetch parse --me]
--method:read the bytes as the answer to a METHOD request (HEAD: no body follows the head)
`
	if string(out) != want {
		t.Errorf("zsh completion:\n%s\nwant:\n%s", out, want)
	}
}
