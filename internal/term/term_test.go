package term

import (
	"bytes"
	"os"
	"testing"

	"sockfetch/internal/testenv"
)

// openPty returns the terminal end of a new pseudo-terminal of 97 columns.
func openPty(t *testing.T) *os.File { return testenv.OpenTerminal(t, 97).TTY }

func pipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return w
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestColor(t *testing.T) {
	tty, p := openPty(t), pipe(t)
	tests := []struct {
		name    string
		w       any
		env     map[string]string
		noColor bool
		want    bool
	}{
		{"terminal", tty, nil, false, true},
		{"terminal NO_COLOR=1", tty, map[string]string{"NO_COLOR": "1"}, false, false},
		{"terminal NO_COLOR=0", tty, map[string]string{"NO_COLOR": "0"}, false, false},
		{"terminal NO_COLOR empty", tty, map[string]string{"NO_COLOR": ""}, false, true},
		{"terminal --no-color", tty, nil, true, false},
		{"pipe", p, nil, false, false},
		{"buffer", &bytes.Buffer{}, nil, false, false},
		{"nil file", (*os.File)(nil), nil, false, false},
	}
	for _, tt := range tests {
		w, _ := tt.w.(interface{ Write([]byte) (int, error) })
		if got := Color(w, env(tt.env), tt.noColor); got != tt.want {
			t.Errorf("%s: Color = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWidth(t *testing.T) {
	if got := Width(openPty(t)); got != 97 {
		t.Errorf("Width(pty of 97 columns) = %d", got)
	}
	if got := Width(pipe(t)); got != 0 {
		t.Errorf("Width(pipe) = %d, want 0", got)
	}
}

func TestSame(t *testing.T) {
	a, b, p := openPty(t), openPty(t), pipe(t)
	a2, err := os.OpenFile(a.Name(), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	tests := []struct {
		name string
		x, y *os.File
		want bool
	}{
		{"same file", a, a, true},
		{"same terminal, two opens", a, a2, true},
		{"two terminals", a, b, false},
		{"terminal and pipe", a, p, false},
		{"pipe and pipe", p, p, false},
		{"nil", a, nil, false},
	}
	for _, tt := range tests {
		if got := Same(tt.x, tt.y); got != tt.want {
			t.Errorf("%s: Same = %v, want %v", tt.name, got, tt.want)
		}
	}
}
