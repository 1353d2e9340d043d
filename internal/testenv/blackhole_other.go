//go:build !linux

package testenv

import "testing"

// Blackhole skips t: the loopback blackhole is made with Linux's accept
// queue (blackhole_linux.go).
func Blackhole(t testing.TB) string {
	t.Helper()
	skip(t, "no loopback blackhole on this system")
	return ""
}
