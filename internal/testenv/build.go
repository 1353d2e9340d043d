package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// builds holds the sockfetch binaries built by this test process, by their
// build tags, in one temporary folder.
var builds struct {
	mu   sync.Mutex
	dir  string
	bins map[string]built
}

// built is the outcome of one build.
type built struct {
	path string
	err  error
}

// Sockfetch returns the path of the sockfetch command built with tags,
// once per test process, from the module root. It is built without cgo, as
// `make build` builds it (netlock's tests cover a cgo build of the lock). It
// fails t when the build fails. The test package's
// TestMain calls RemoveBuilds when its tests are done.
func Sockfetch(t testing.TB, tags ...string) string {
	t.Helper()
	builds.mu.Lock()
	defer builds.mu.Unlock()
	key := strings.Join(tags, ",")
	b, ok := builds.bins[key]
	if !ok {
		b.path, b.err = build(tags)
		if builds.bins == nil {
			builds.bins = map[string]built{}
		}
		builds.bins[key] = b
	}
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// build builds the sockfetch command with tags into builds.dir.
func build(tags []string) (string, error) {
	if builds.dir == "" {
		dir, err := os.MkdirTemp("", "sockfetch-test-")
		if err != nil {
			return "", err
		}
		builds.dir = dir
	}
	name, args := "sockfetch", []string{"build"}
	if len(tags) > 0 {
		name += "-" + strings.Join(tags, "-")
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	bin := filepath.Join(builds.dir, name)
	cmd := exec.Command("go", append(args, "-o", bin, ".")...) // go test puts its go first in PATH
	cmd.Dir = moduleRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin, nil
}

// RemoveBuilds removes what Sockfetch built.
func RemoveBuilds() {
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	builds.dir, builds.bins = "", nil
}

// moduleRoot returns the folder of sockfetch's go.mod, two above this
// package's.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
