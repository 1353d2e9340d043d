//go:build !linux

package testenv

import "os/exec"

// DieWithTest does nothing here: only Linux can tie a child's life to its
// parent's (Pdeathsig); the test's cleanup stops the child instead.
func DieWithTest(cmd *exec.Cmd) {}
