//go:build linux

package tornet

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long a process gets after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// proc is a child process in a process group of its own.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has been reaped
	err  error         // the Wait error, valid once done is closed
}

// startProc starts name with args in its own process group, its output
// going to logFile. The process is killed when the test binary dies
// (Pdeathsig), in case nobody gets to stop it.
//
// Pdeathsig fires when the forking thread ends, not the process, and Go
// ends a thread when a goroutine locked to it returns (as a test's
// namespace helper may). So every child is forked from one thread that
// lives as long as the process.
func startProc(label, logFile string, name string, args ...string) (*proc, error) {
	out, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.Dir = filepath.Dir(logFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := onSpawner(cmd.Start); err != nil {
		return nil, fmt.Errorf("start %s: %w", label, err)
	}
	p := &proc{name: label, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

var spawner struct {
	once sync.Once
	ch   chan func()
}

// onSpawner runs f on the spawner thread and returns its error.
func onSpawner(f func() error) error {
	spawner.once.Do(func() {
		spawner.ch = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives on
			for f := range spawner.ch {
				f()
			}
		}()
	})
	errc := make(chan error, 1)
	spawner.ch <- func() { errc <- f() }
	return <-errc
}

// exited reports whether the process has ended, and how.
func (p *proc) exited() (bool, error) {
	select {
	case <-p.done:
		if p.err == nil {
			return true, errors.New("exited")
		}
		return true, p.err
	default:
		return false, nil
	}
}

// stop sends SIGTERM to the process group, then SIGKILL after stopGrace,
// and waits for the process to be reaped.
func (p *proc) stop() {
	pgid := p.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopGrace):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}
