package netlock

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Landlock ABI versions this package depends on.
const (
	abiNet   = 4 // network rules: TCP bind and connect (Linux 6.7)
	abiTSync = 8 // landlock_restrict_self can restrict all threads at once
)

// ErrUnavailable is returned, wrapped, by Restrict when the lock was required
// but the kernel (or the build) cannot provide it.
var ErrUnavailable = errors.New("netlock: kernel lock unavailable")

// errNoFilter reports a platform the seccomp socket filter is not written for.
var errNoFilter = errors.New("netlock: no socket filter for " + runtime.GOOS + "/" + runtime.GOARCH)

// landlockABI returns the kernel's Landlock ABI version, 0 without Landlock.
// The package's tests replace it to simulate older kernels.
var landlockABI = kernelABI

// Status says what the lock did.
type Status struct {
	Applied bool
	ABI     int    // Landlock ABI version of the kernel (0: none)
	Ports   []int  // TCP ports that may still be connected once Applied (empty: no TCP connect at all)
	UDP     bool   // UDP, MPTCP, SCTP and raw IP sockets denied by the seccomp filter
	Reason  string // why not applied, e.g. "kernel lock unavailable: Landlock ABI < 4 (kernel has none)"
}

// String returns the status as one line for -v and --explain, such as
// "kernel lock: only TCP port 9050 may be connected; UDP denied; Landlock ABI 6".
func (s Status) String() string {
	var b strings.Builder
	switch {
	case !s.Applied:
		b.WriteString(s.Reason)
	case len(s.Ports) == 0:
		b.WriteString("kernel lock: no TCP connect allowed")
	default:
		b.WriteString("kernel lock: only TCP port")
		if len(s.Ports) > 1 {
			b.WriteString("s")
		}
		for i, p := range s.Ports {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(" " + strconv.Itoa(p))
		}
		b.WriteString(" may be connected")
	}
	if s.UDP {
		b.WriteString("; UDP denied")
	}
	if s.Applied {
		fmt.Fprintf(&b, "; Landlock ABI %d", s.ABI)
	}
	return b.String()
}

// Restrict forbids this process, for the rest of its life and all its
// threads, every TCP connect except to the given ports (none: no TCP connect
// at all), and, where the seccomp filter exists for the architecture, every
// IPv4 and IPv6 socket but a plain TCP one (Status.UDP).
//
// When the kernel lacks Landlock network rules it returns a Status with
// Applied=false and a Reason, and a nil error, unless required is true, in
// which case it returns ErrUnavailable (wrapped) and changes nothing. Without
// required the socket filter is installed all the same.
//
// Call it after this process has resolved every name it resolves itself (no
// DNS query gets out afterwards), and before the first connection that must be
// held to the ports. A second call narrows the lock further: each adds a
// Landlock layer (the kernel allows 16), and a connect must pass them all.
func Restrict(ports []int, required bool) (Status, error) {
	st := Status{ABI: landlockABI(), Ports: slices.Compact(slices.Sorted(slices.Values(ports)))}
	for _, p := range st.Ports {
		if p < 1 || p > 65535 {
			return st, fmt.Errorf("netlock: port %d out of range", p)
		}
	}
	why := unavailable(st.ABI)
	if why != "" {
		st.Reason = "kernel lock unavailable: " + why
		if required {
			return st, fmt.Errorf("%w: %s", ErrUnavailable, why)
		}
	}
	err := denySockets()
	switch {
	case err == nil:
		st.UDP = true
	case !errors.Is(err, errNoFilter):
		return st, fmt.Errorf("netlock: deny udp sockets: %w", err)
	}
	if why != "" {
		return st, nil
	}
	if err := restrictConnect(st.Ports, st.ABI); err != nil {
		return st, fmt.Errorf("netlock: %w", err)
	}
	st.Applied = true
	return st, nil
}

// unavailable returns why the lock cannot be applied here, or "".
func unavailable(abi int) string {
	switch {
	case abi == 0:
		return "Landlock ABI < 4 (kernel has none)"
	case abi < abiNet:
		return fmt.Sprintf("Landlock ABI < 4 (kernel has ABI %d)", abi)
	}
	return ""
}
