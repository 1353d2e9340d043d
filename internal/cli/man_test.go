//go:build !urfave_cli_no_docs

package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"sockfetch/internal/testenv"
)

// TestManPage checks the page `make man` writes (`go run . man`): a man
// page (.TH, the usual sections) with every visible command and option,
// and an EXIT STATUS entry for every exit status sockfetch uses, no more.
func TestManPage(t *testing.T) {
	r := sockfetch(t, "man")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("sockfetch man: exit %d, stderr %q", r.code, r.stderr)
	}
	page := r.stdout
	if !regexp.MustCompile(`(?m)^\.TH sockfetch 1\b`).MatchString(page) {
		t.Errorf("no .TH sockfetch 1 line:\n%.300s", page)
	}
	for _, sh := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "EXAMPLES", "SEE ALSO"} {
		if !strings.Contains(page, "\n.SH "+sh+"\n") {
			t.Errorf("no %s section", sh)
		}
	}
	if strings.ContainsFunc(page, func(r rune) bool { return r >= 0x80 }) {
		t.Error("the page has bytes outside ASCII")
	}
	roff := func(s string) string { return strings.ReplaceAll(s, "-", `\-`) }
	ca := (&app{System: &System{}}).cliApp()
	checkFlags := func(where string, flags []cli.Flag) {
		for _, f := range flags {
			if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
				continue
			}
			for _, n := range f.Names() {
				name := "--" + n
				if len(n) == 1 {
					name = "-" + n
				}
				if !strings.Contains(page, `\fB`+roff(name)+`\fP`) {
					t.Errorf("%s: option %s is missing", where, name)
				}
			}
		}
	}
	checkFlags("sockfetch", ca.Flags)
	for _, c := range ca.Commands {
		if c.Hidden {
			if strings.Contains(page, "\n.SS "+c.Name+"\n") {
				t.Errorf("hidden command %s is in the page", c.Name)
			}
			continue
		}
		if !strings.Contains(page, "\n.SS "+c.Name+"\n") {
			t.Errorf("command %s is missing", c.Name)
		}
		checkFlags(c.Name, c.Flags)
	}

	// EXIT STATUS has exactly the statuses the code can return.
	used := map[int]bool{0: true, 2: true}
	for _, e := range exitCodes {
		used[e.code] = true
	}
	_, exits, _ := strings.Cut(page, "\n.SH EXIT STATUS\n")
	exits, _, _ = strings.Cut(exits, "\n.SH ")
	listed := map[int]bool{}
	for _, m := range regexp.MustCompile(`\.TP\n\\fB([0-9]+)\\fP\n\S`).FindAllStringSubmatch(exits, -1) {
		var n int
		fmt.Sscan(m[1], &n)
		listed[n] = true
	}
	if a, b := keys(used), keys(listed); a != b {
		t.Errorf("EXIT STATUS lists %s, want %s (every status the code uses)", b, a)
	}
}

func keys(m map[int]bool) string {
	var k []int
	for n := range m {
		k = append(k, n)
	}
	sort.Ints(k)
	return fmt.Sprint(k)
}

// TestManPageFormats: groff formats the page without a warning, and man
// shows it.
func TestManPageFormats(t *testing.T) {
	groff := testenv.RequireTool(t, "groff")
	man := testenv.RequireTool(t, "man")
	page := sockfetch(t, "man").stdout
	var stderr bytes.Buffer
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin, cmd.Stderr = strings.NewReader(page), &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("groff -man -ww: %v\n%s", err, stderr.String())
	}
	path := filepath.Join(t.TempDir(), "sockfetch.1")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(man, "-l", path)
	cmd.Env = []string{"MANWIDTH=80", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "MANPAGER=cat", "PAGER=cat"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("man -l: %v", err)
	}
	for _, want := range []string{"sockfetch(1)", "SYNOPSIS", "sockfetch [options] URL...", "-o, --output FILE", "EXIT STATUS", "130", "sockfetch parse resp.bin"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("man -l shows no %q:\n%.1500s", want, out)
		}
	}
}
