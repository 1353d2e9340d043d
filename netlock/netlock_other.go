//go:build !linux

package netlock

import "errors"

// Landlock and seccomp are Linux only: elsewhere nothing is ever applied.

func kernelABI() int { return 0 }

func restrictConnect(ports []int, abi int) error {
	return errors.New("landlock is linux only")
}

func denySockets() error { return errNoFilter }
