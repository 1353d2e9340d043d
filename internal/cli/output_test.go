//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// noTemps fails when dir holds sockfetch temporary files.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".sockfetch-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestOutputFile(t *testing.T) {
	srv := okServer(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.txt")
	sockfetch(t, "-o", out, srv.URL).want(t, 0, "")
	if b, _ := os.ReadFile(out); string(b) != "hello, world\n" {
		t.Errorf("file holds %q", b)
	}
	fi, _ := os.Stat(out)
	old := syscall.Umask(0)
	syscall.Umask(old)
	if want := os.FileMode(0o666 &^ old); fi.Mode().Perm() != want {
		t.Errorf("new file mode %v, want %v (0666 minus umask)", fi.Mode().Perm(), want)
	}
	noTemps(t, dir)
}

func TestOutputFailureKeepsOldFile(t *testing.T) {
	srv := serve(t, "short.http")
	dir := t.TempDir()
	out := filepath.Join(dir, "keep.txt")
	os.WriteFile(out, []byte("precious"), 0o640)
	sockfetch(t, "-o", out, srv.URL).want(t, 18, "", "transfer closed")
	if b, _ := os.ReadFile(out); string(b) != "precious" {
		t.Errorf("existing file changed to %q after a failed transfer", b)
	}
	noTemps(t, dir)

	ok := okServer(t)
	sockfetch(t, "-o", out, ok.URL).want(t, 0, "")
	fi, _ := os.Stat(out)
	if b, _ := os.ReadFile(out); string(b) != "hello, world\n" || fi.Mode().Perm() != 0o640 {
		t.Errorf("after success: %q mode %v, want the body and the old mode 0640", b, fi.Mode().Perm())
	}
}

func TestOutputFailNoFile(t *testing.T) {
	srv := serve(t, "404.http")
	dir := t.TempDir()
	out := filepath.Join(dir, "never")
	sockfetch(t, "-f", "-o", out, srv.URL).want(t, 22, "", "error: 404")
	if _, err := os.Stat(out); err == nil {
		t.Error("-f failure created the output file")
	}
	noTemps(t, dir)
}

func TestOutputDevNull(t *testing.T) {
	srv := okServer(t)
	sockfetch(t, "-o", "/dev/null", srv.URL).want(t, 0, "")
	fi, err := os.Stat("/dev/null")
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a character device: %v %v", fi.Mode(), err)
	}
}

func TestOutputFIFO(t *testing.T) {
	srv := okServer(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	sockfetch(t, "-o", fifo, srv.URL).want(t, 0, "")
	if s := <-got; s != "hello, world\n" {
		t.Errorf("read %q from the FIFO", s)
	}
	if fi, _ := os.Stat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
	noTemps(t, dir)
}

func TestOutputSymlink(t *testing.T) {
	srv := okServer(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	link := filepath.Join(dir, "link")
	os.WriteFile(target, []byte("old"), 0o644)
	os.Symlink(target, link)
	sockfetch(t, "-o", link, srv.URL).want(t, 0, "")
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != "hello, world\n" {
		t.Errorf("target holds %q", b)
	}
}

func TestOutputDash(t *testing.T) {
	srv := okServer(t)
	sockfetch(t, "-o", "-", srv.URL).want(t, 0, "hello, world\n")
}

func TestOutputUnwritable(t *testing.T) {
	srv := okServer(t)
	sockfetch(t, "-o", "/nonexistent-dir/x", srv.URL).want(t, 23, "", "sockfetch: cannot create output file /nonexistent-dir/x")
	if _, err := os.Stat("/dev/full"); err == nil {
		sockfetch(t, "-o", "/dev/full", srv.URL).want(t, 23, "", "sockfetch: failed writing output")
	}
}

func TestOutputPerURLInOrder(t *testing.T) {
	a := okServer(t)
	b := serve(t, "404.http")
	dir := t.TempDir()
	t.Chdir(dir)
	// -o and -O each take the next URL; the third URL goes to stdout.
	sockfetch(t, "-o", "first", a.URL, "-O", b.URL+"/dir/second.txt", a.URL+"/third").want(t, 0, "hello, world\n")
	for name, want := range map[string]string{"first": "hello, world\n", "second.txt": "not found\n"} {
		if got, _ := os.ReadFile(name); string(got) != want {
			t.Errorf("%s holds %q, want %q", name, got, want)
		}
	}
	sockfetch(t, "-O", a.URL+"/").want(t, 23, "", "remote file name has no length")
}

func TestDumpHeader(t *testing.T) {
	srv := serve(t, "interim.http")
	f := filepath.Join(t.TempDir(), "heads")
	sockfetch(t, "-D", f, srv.URL).want(t, 0, "final\n")
	if b, _ := os.ReadFile(f); string(b) != string(fixture(t, "interim.http")[:len(fixture(t, "interim.http"))-len("final\n")]) {
		t.Errorf("-D wrote %q", b)
	}
	sockfetch(t, "-D", "-", srv.URL).want(t, 0, strings.TrimSuffix(string(fixture(t, "interim.http")), "final\n")+"final\n")
}
