package fetch

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInHostsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hosts")
	os.WriteFile(path, []byte("127.0.0.1 localhost\n# 10.0.0.1 commented\n10.0.0.2 Box box.lan. # the box\n"), 0o644)
	for host, want := range map[string]bool{"localhost": true, "box": true, "BOX.lan": true, "box.lan.": true, "commented": false, "10.0.0.2": false, "other": false} {
		if got := inHostsFile(path, host); got != want {
			t.Errorf("inHostsFile(%q) = %v, want %v", host, got, want)
		}
	}
	if inHostsFile(filepath.Join(t.TempDir(), "none"), "localhost") {
		t.Error("a missing file lists names")
	}
}
