package testenv

import (
	"fmt"
	"testing"

	"golang.org/x/sys/unix"
)

// RequireLandlock returns the kernel's Landlock ABI version. Below ABI 4
// (network rules, Linux 6.7) it skips t, or fails it when
// SOCKFETCH_REQUIRE_ALL=1. (fetch/netlock's tests keep a copy of their own:
// this package imports net, which links cgo into a test binary.)
func RequireLandlock(t testing.TB) int {
	t.Helper()
	abi, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		abi = 0
	}
	if abi < 4 {
		skip(t, fmt.Sprintf("kernel has Landlock ABI %d; the kernel lock needs ABI 4 (Linux 6.7 with Landlock enabled)", abi))
	}
	return int(abi)
}
