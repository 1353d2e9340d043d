//go:build netlocktest

package netlock

import (
	"os"
	"strconv"
)

// In a build with the tag netlocktest (and only there), the environment
// variable SOCKFETCH_NETLOCK_ABI replaces the kernel's Landlock ABI version,
// so an end-to-end test can simulate a kernel without Landlock (0) or with
// too old a one (1 to 3).
func init() {
	if v, err := strconv.Atoi(os.Getenv("SOCKFETCH_NETLOCK_ABI")); err == nil {
		landlockABI = func() int { return v }
	}
}
