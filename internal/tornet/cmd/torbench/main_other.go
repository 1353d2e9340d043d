//go:build !linux

// Command torbench needs Linux (Debian's tor, the
// harness's process groups and, as root, a network namespace).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "torbench: the private Tor network runs on Linux only")
	os.Exit(1)
}
