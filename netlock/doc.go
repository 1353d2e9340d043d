// Package netlock makes the kernel hold sockfetch to its promise that --tor
// connects nowhere but Tor: once Restrict has run, every TCP connect to a port
// other than the ones it names fails with EACCES ("permission denied"), for
// the rest of the process's life, on every thread, whatever the code does
// next.
//
// The lock is Linux Landlock (https://docs.kernel.org/userspace-api/landlock.html)
// with network rules, which need Landlock ABI 4 (Linux 6.7). The ruleset
// handles only LANDLOCK_ACCESS_NET_CONNECT_TCP: binding, listening and the
// file system stay as they were. A domain is per thread, so Restrict applies
// it to every thread at once: with landlock_restrict_self's TSYNC flag where
// the kernel has it (ABI 8), else through psx
// (kernel.org/pub/linux/libs/security/libcap/psx, as go-landlock does), which
// runs the call on every thread in every build: with syscall.AllThreadsSyscall
// in a binary without cgo, and with libpsx in one with cgo (which `go build`
// and `go install` link wherever a C compiler is installed, and in which the
// Go runtime refuses AllThreadsSyscall). Threads started later inherit the
// domain.
//
// Landlock's TCP rules see only sockets of protocol TCP: an MPTCP socket (which
// Go's dialer opens when GODEBUG=multipathtcp=1 or 3), SCTP and UDP pass it
// untouched. So Restrict also installs a small seccomp filter (on amd64 and
// arm64) that lets socket(2) make no IPv4 or IPv6 socket but a plain TCP
// stream: UDP, MPTCP, SCTP and raw sockets fail with EPERM ("operation not
// permitted"), and Go's dialer falls back from MPTCP to TCP. Packet sockets
// (AF_PACKET, which as root or with CAP_NET_RAW write frames below the IP
// stack, past Landlock) are refused the same way. No DNS query can
// leave the process afterwards (with --tor nothing resolves anyway). The
// filter also refuses the system calls of a foreign ABI (x32, i386), which
// would pass it by another number. It is applied with SECCOMP_FILTER_FLAG_TSYNC,
// so it too reaches every thread, cgo or not.
//
// Limits. The lock knows ports, not addresses: a connect to port 9050 on any
// host is allowed, not only Tor's. A unix-socket proxy needs no port, and then
// no TCP connect is allowed at all. TCP Fast Open (sendto with MSG_FASTOPEN)
// slips past Landlock's connect check on Linux 6.18; Go's net package never
// sends it. The seccomp filter guards sockfetch against its own code paths, not
// against hostile code in the process (io_uring, for one, would bypass it). On
// other architectures Status.UDP is false and those gaps stay open.
//
// Simulating an old kernel. A binary built with `go build -tags netlocktest`
// (and only such a binary) reads the environment variable
// SOCKFETCH_NETLOCK_ABI: 0 makes Restrict act as on a kernel without Landlock,
// 1 to 3 as on a kernel of that ABI, so an end-to-end test can check that
// --require-lock exits 2 and that -v names the reason. Ordinary builds ignore
// the variable (TestProbe checks both); the package's own tests set the package
// variable landlockABI in their child processes instead.
//
// To see that the lock comes before the first connection, run
//
//	strace -f -qq -e signal=none -e trace=connect,landlock_restrict_self,seccomp sockfetch --tor URL
//
// The seccomp call and landlock_restrict_self come first; the latter once per
// thread (AllThreadsSyscall runs it on each; with TSYNC, ABI 8, once with
// flags 0x8), and every one must have returned 0 before the first connect
// begins. Each connect to an AF_INET or AF_INET6 address must name the Tor
// port (sin_port=htons(9050)), or end in "= -1 EACCES (Permission denied)" if
// the lock refused it; Go's non-blocking connect to the allowed port shows
// "= -1 EINPROGRESS". strace splits a call that another thread interrupts into
// "... <unfinished ...>" and "<... connect resumed> ..." lines of the same pid;
// TestProbeStrace shows how to read them.
package netlock
