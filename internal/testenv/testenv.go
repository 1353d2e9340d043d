// Package testenv holds helpers that sockfetch's tests share: finding the
// external tools a test needs (skipping with an install hint when one is
// missing), requiring root or the kernel's Landlock network rules, picking
// free ports on 127.0.0.1, pseudo-terminals, and reading strace's trace of
// the kernel lock.
//
// When the environment variable SOCKFETCH_REQUIRE_ALL is 1 (as in .ci/run),
// every skip for a missing tool, privilege, kernel feature or terminal
// becomes a failure, so a CI run cannot pass by skipping.
package testenv

import (
	"net"
	"os"
	"os/exec"
	"testing"
)

// RequireAllEnv is the environment variable that turns skips into failures.
const RequireAllEnv = "SOCKFETCH_REQUIRE_ALL"

// debianPackage maps a tool to the Debian package that installs it.
var debianPackage = map[string]string{
	"tor":         "tor",
	"tor-gencert": "tor",
	"microsocks":  "microsocks",
	"curl":        "curl",
	"dnsmasq":     "dnsmasq-base",
	"danted":      "dante-server",
	"sockd":       "dante-server",
	"ip":          "iproute2",
	"strace":      "strace",
	"hyperfine":   "hyperfine",
	"unshare":     "util-linux",
	"mount":       "mount",
	"time":        "time",
	"zsh":         "zsh",
	"groff":       "groff-base",
	"man":         "man-db",
}

// RequireAll reports whether missing tools must fail tests instead of
// skipping them.
func RequireAll() bool { return os.Getenv(RequireAllEnv) == "1" }

// skip skips t with msg, or fails it when RequireAll is set.
func skip(t testing.TB, msg string) {
	t.Helper()
	if RequireAll() {
		t.Fatalf("%s (%s=1 forbids skipping)", msg, RequireAllEnv)
	}
	t.Skip(msg)
}

// RequireTool returns the path of the executable name. When it is not in
// PATH the test is skipped with a hint naming the Debian package to install
// (or fails, when SOCKFETCH_REQUIRE_ALL=1).
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	pkg := debianPackage[name]
	if pkg == "" {
		pkg = name
	}
	skip(t, name+" not found in PATH: install Debian's "+pkg+" (apt-get install "+pkg+"), or run make deps")
	return ""
}

// RequireRoot skips t unless it runs as root (or fails it, when
// SOCKFETCH_REQUIRE_ALL=1).
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		skip(t, "this test needs root (namespaces, bind mounts): run it as root")
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago. A
// test that can listen on 127.0.0.1:0 itself should do that instead; this is
// for external programs that must be told a port.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
