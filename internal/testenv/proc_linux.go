package testenv

import (
	"os/exec"
	"syscall"
)

// DieWithTest makes cmd's process die with the test process (it gets
// SIGKILL when the thread that started it ends), so a crashed or killed
// test leaves no server behind.
func DieWithTest(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
