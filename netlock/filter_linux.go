package netlock

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// auditArch is the AUDIT_ARCH value of this build's system calls, 0 where the
// socket filter is not written for the architecture. Both are little-endian:
// the low 32 bits of an argument sit at the argument's offset.
var auditArch = map[string]uint32{
	"amd64": unix.AUDIT_ARCH_X86_64,
	"arm64": unix.AUDIT_ARCH_AARCH64,
}[runtime.GOARCH]

// Offsets into struct seccomp_data; args[i] is at dataArgs + 8*i.
const (
	dataNr   = 0
	dataArch = 4
	dataArgs = 16
)

// x32SyscallBit marks the system calls of the x32 ABI on amd64.
const x32SyscallBit = 0x40000000

// insn is one classic BPF instruction whose jumps name a later label
// ("" is the next instruction).
type insn struct {
	label  string
	code   uint16
	k      uint32
	jt, jf string
}

// socketFilter returns the seccomp program: socket(2) may make an IPv4 or IPv6
// socket only when it is a TCP stream (protocol 0 or IPPROTO_TCP); any other
// (UDP, MPTCP, SCTP, raw) fails with EPERM, and so does every packet socket
// (AF_PACKET, which with CAP_NET_RAW writes frames past Landlock and the IP
// stack alike) and every system call of a foreign ABI. Everything else is
// allowed.
func socketFilter(arch uint32) []insn {
	const (
		ld  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		and = unix.BPF_ALU | unix.BPF_AND | unix.BPF_K
		ret = unix.BPF_RET | unix.BPF_K
	)
	return []insn{
		{code: ld, k: dataArch},
		{code: jeq, k: arch, jf: "deny"},
		{code: ld, k: dataNr},
		{code: jge, k: x32SyscallBit, jt: "deny"},
		{code: jeq, k: unix.SYS_SOCKET, jf: "allow"},
		{code: ld, k: dataArgs}, // domain
		{code: jeq, k: unix.AF_INET, jt: "ip"},
		{code: jeq, k: unix.AF_PACKET, jt: "deny"},
		{code: jeq, k: unix.AF_INET6, jf: "allow"},
		{label: "ip", code: ld, k: dataArgs + 8}, // type
		{code: and, k: 0xf},                      // SOCK_TYPE_MASK: without SOCK_NONBLOCK, SOCK_CLOEXEC
		{code: jeq, k: unix.SOCK_STREAM, jf: "deny"},
		{code: ld, k: dataArgs + 16}, // protocol
		{code: jeq, k: 0, jt: "allow"},
		{code: jeq, k: unix.IPPROTO_TCP, jt: "allow"},
		{label: "deny", code: ret, k: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
		{label: "allow", code: ret, k: unix.SECCOMP_RET_ALLOW},
	}
}

// assemble resolves the labels of prog into jump offsets.
func assemble(prog []insn) []unix.SockFilter {
	at := make(map[string]int)
	for i, in := range prog {
		if in.label != "" {
			at[in.label] = i
		}
	}
	offset := func(i int, label string) uint8 {
		if label == "" {
			return 0
		}
		j, ok := at[label]
		if !ok || j <= i || j-i-1 > 255 {
			panic("netlock: bad jump to " + label)
		}
		return uint8(j - i - 1)
	}
	out := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		out[i] = unix.SockFilter{Code: in.code, K: in.k, Jt: offset(i, in.jt), Jf: offset(i, in.jf)}
	}
	return out
}

// denySockets installs the socket filter on every thread of the process.
func denySockets() error {
	if auditArch == 0 {
		return errNoFilter
	}
	filter := assemble(socketFilter(auditArch))
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// Without CAP_SYS_ADMIN seccomp wants no_new_privs on the calling
	// thread; TSYNC copies it to the others.
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	if errno != 0 {
		return fmt.Errorf("seccomp: %w", errno)
	}
	if r != 0 {
		return fmt.Errorf("seccomp: thread %d could not be synchronized", r)
	}
	return nil
}
