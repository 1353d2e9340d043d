//go:build !unix

package torctltest

import "os/exec"

// ownGroup does nothing: process groups are a Unix notion.
func ownGroup(cmd *exec.Cmd) {}

// signalGroup ends cmd; without Unix signals there is no gentler way.
func signalGroup(cmd *exec.Cmd, kill bool) { cmd.Process.Kill() }
