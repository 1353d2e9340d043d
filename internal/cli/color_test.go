package cli

import (
	"strings"
	"testing"
)

// TestBinaryColor: -v and --explain colour their lines on a terminal only;
// NO_COLOR (any value but the empty one) and --no-color turn colour off,
// and a pipe never receives an escape sequence.
func TestBinaryColor(t *testing.T) {
	srv := okServer(t)
	tests := []struct {
		name  string
		env   []string
		args  []string
		color bool
	}{
		{"-v", nil, []string{"-v"}, true},
		{"--explain", nil, []string{"--explain"}, true},
		{"-v, NO_COLOR empty", []string{"NO_COLOR="}, []string{"-v"}, true},
		{"-v, NO_COLOR=1", []string{"NO_COLOR=1"}, []string{"-v"}, false},
		{"--explain, NO_COLOR=1", []string{"NO_COLOR=1"}, []string{"--explain"}, false},
		{"--explain, NO_COLOR=no", []string{"NO_COLOR=no"}, []string{"--explain"}, false},
		{"-v --no-color", nil, []string{"-v", "--no-color"}, false},
		{"--explain --no-color", nil, []string{"--explain", "--no-color"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runOnTerminal(t, tt.env, false, append(tt.args, srv.URL)...)
			if r.code != 0 || r.stdout != "hello, world\n" {
				t.Fatalf("exit %d, stdout %q:\n%q", r.code, r.stdout, r.screen)
			}
			if !strings.Contains(r.screen, "HTTP/1.1 200 OK") {
				t.Fatalf("no view on the terminal:\n%q", r.screen)
			}
			if got := strings.Contains(r.screen, "\x1b["); got != tt.color {
				t.Errorf("colour sequences: %v, want %v:\n%q", got, tt.color, r.screen)
			}
			if !tt.color && strings.ContainsRune(r.screen, 0x1b) {
				t.Errorf("an escape sequence with colour off:\n%q", r.screen)
			}
		})
	}
	// A pipe, and a file, get no escape sequence whatever the options.
	for _, args := range [][]string{{"-v"}, {"--explain"}, {"-v", "--explain"}, {"--trace-ascii", "%"}} {
		r := runBinary(t, append(args, srv.URL)...)
		if r.code != 0 || !strings.Contains(r.stderr, "HTTP/1.1 200 OK") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		if strings.ContainsRune(r.stderr, 0x1b) {
			t.Errorf("%v: an escape sequence in a pipe:\n%q", args, r.stderr)
		}
	}
}
