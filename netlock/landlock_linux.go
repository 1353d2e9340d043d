package netlock

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/psx"
)

// Landlock constants that golang.org/x/sys/unix lacks
// (include/uapi/linux/landlock.h).
const (
	ruleNetPort       = 2      // LANDLOCK_RULE_NET_PORT
	restrictSelfTSync = 1 << 3 // LANDLOCK_RESTRICT_SELF_TSYNC (ABI 8)
)

// rulesetAttr is struct landlock_ruleset_attr cut after handled_access_net;
// the kernel accepts a shorter struct and treats the missing fields as 0.
type rulesetAttr struct {
	handledAccessFS  uint64
	handledAccessNet uint64
}

// netPortAttr is struct landlock_net_port_attr.
type netPortAttr struct {
	allowedAccess uint64
	port          uint64
}

// kernelABI returns the kernel's Landlock ABI version, 0 when Landlock is
// missing or disabled at boot.
func kernelABI() int {
	v, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		return 0
	}
	return int(v)
}

// restrictConnect enforces on every thread a Landlock ruleset that handles
// TCP connect only and allows it to ports.
func restrictConnect(ports []int, abi int) error {
	attr := rulesetAttr{handledAccessNet: unix.LANDLOCK_ACCESS_NET_CONNECT_TCP}
	r, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if errno != 0 {
		return fmt.Errorf("landlock_create_ruleset: %w", errno)
	}
	fd := int(r)
	defer unix.Close(fd)
	for _, p := range ports {
		rule := netPortAttr{allowedAccess: unix.LANDLOCK_ACCESS_NET_CONNECT_TCP, port: uint64(p)}
		_, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(fd), ruleNetPort, uintptr(unsafe.Pointer(&rule)), 0, 0, 0)
		if errno != 0 {
			return fmt.Errorf("landlock_add_rule port %d: %w", p, errno)
		}
	}
	if abi >= abiTSync {
		return restrictTSync(fd)
	}
	return restrictAllThreads(fd)
}

// restrictTSync lets the kernel apply the ruleset to all threads (ABI 8). It
// sets no_new_privs on the calling thread; the kernel copies it to the others.
func restrictTSync(fd int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	_, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(fd), restrictSelfTSync, 0)
	if errno != 0 {
		return fmt.Errorf("landlock_restrict_self(TSYNC): %w", errno)
	}
	return nil
}

// restrictAllThreads runs no_new_privs and landlock_restrict_self on every
// thread of the process (any ABI). psx does it in every build: without cgo
// through syscall.AllThreadsSyscall, with cgo (which the Go runtime refuses
// AllThreadsSyscall in) through libpsx, which reaches the threads C made
// too.
func restrictAllThreads(fd int) error {
	_, _, errno := psx.Syscall6(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0)
	if errno != 0 {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS) on all threads: %w", errno)
	}
	_, _, errno = psx.Syscall3(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(fd), 0, 0)
	if errno != 0 {
		return fmt.Errorf("landlock_restrict_self on all threads: %w", errno)
	}
	return nil
}
