// Package tortest starts a standalone tor for tests of the control
// protocol: no network (DisableNetwork 1, no SocksPort), a ControlPort on
// 127.0.0.1 picked by tor itself, cookie or password authentication, and a
// DataDirectory of its own. Such a tor starts in well under a second.
package torctltest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Options choose how the tor authenticates controllers.
type Options struct {
	Cookie   bool   // CookieAuthentication 1
	Password string // when not empty, HashedControlPassword with its hash
	Socket   bool   // also a ControlSocket in the tor's directory
}

// Tor is a running tor process.
type Tor struct {
	Bin         string // the tor executable
	Dir         string // its DataDirectory (removed by Stop)
	ControlAddr string // "127.0.0.1:port"
	SocketAddr  string // "unix:/path", when Options.Socket
	CookieFile  string // set when Options.Cookie
	Password    string // the clear-text password, when Options.Password
	Hash        string // "16:...", the HashedControlPassword
	LogFile     string // notice log

	cmd  *exec.Cmd
	done chan struct{}
}

// Lookup finds the tor executable: in PATH, else Debian's /usr/sbin/tor.
func Lookup() (string, error) {
	if p, err := exec.LookPath("tor"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/tor"); err == nil {
		return "/usr/sbin/tor", nil
	}
	return "", errors.New("tor not found in PATH or /usr/sbin: install Debian's tor (apt-get install tor)")
}

// HashPassword returns tor's HashedControlPassword form of password.
func HashPassword(bin, password string) (string, error) {
	out, err := exec.Command(bin, "--quiet", "--hash-password", password).Output()
	if err != nil {
		return "", fmt.Errorf("tor --hash-password: %w", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "16:") {
			return l, nil
		}
	}
	return "", fmt.Errorf("tor --hash-password printed no 16: hash: %q", out)
}

// Start starts tor and waits, up to 30 s, until its control port is
// listening. The tor exits with the calling process too
// (__OwningControllerProcess).
func Start(bin string, opts Options) (*Tor, error) {
	dir, err := os.MkdirTemp("", "tortest-")
	if err != nil {
		return nil, err
	}
	t := &Tor{
		Bin:      bin,
		Dir:      dir,
		Password: opts.Password,
		LogFile:  filepath.Join(dir, "notice.log"),
		done:     make(chan struct{}),
	}
	portFile := filepath.Join(dir, "control-port")
	conf := []string{
		"DataDirectory " + filepath.Join(dir, "data"),
		"DisableNetwork 1",
		"SocksPort 127.0.0.1:auto", // NEWNYM is ignored without client ports
		"ControlPort 127.0.0.1:auto",
		"ControlPortWriteToFile " + portFile,
		"GeoIPFile \"\"",
		"GeoIPv6File \"\"",
		"Log notice file " + t.LogFile,
		"__OwningControllerProcess " + strconv.Itoa(os.Getpid()),
	}
	if opts.Socket {
		path := filepath.Join(dir, "control")
		t.SocketAddr = "unix:" + path
		conf = append(conf, "ControlSocket "+path)
	}
	if opts.Cookie {
		t.CookieFile = filepath.Join(dir, "data", "control_auth_cookie")
		conf = append(conf, "CookieAuthentication 1")
	}
	if opts.Password != "" {
		t.Hash, err = HashPassword(bin, opts.Password)
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		conf = append(conf, "HashedControlPassword "+t.Hash)
	}
	torrc := filepath.Join(dir, "torrc")
	defaults := filepath.Join(dir, "torrc-defaults")
	if err := os.WriteFile(torrc, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := os.WriteFile(defaults, nil, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	var stderr bytes.Buffer
	t.cmd = exec.Command(bin, "--defaults-torrc", defaults, "-f", torrc)
	t.cmd.Stdout = &stderr
	t.cmd.Stderr = &stderr
	ownGroup(t.cmd)
	if err := t.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start tor: %w", err)
	}
	go func() {
		t.cmd.Wait()
		close(t.done)
	}()

	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(portFile)
		if err == nil && bytes.HasSuffix(b, []byte("\n")) {
			// One line per control listener: PORT=127.0.0.1:N, UNIX_PORT=/path.
			for _, line := range strings.Split(string(b), "\n") {
				if addr, ok := strings.CutPrefix(line, "PORT="); ok {
					t.ControlAddr = addr
				}
			}
			if t.ControlAddr != "" {
				break
			}
		}
		select {
		case <-t.done:
			log, _ := os.ReadFile(t.LogFile)
			os.RemoveAll(dir)
			return nil, fmt.Errorf("tor exited before its control port opened: %s\n%s%s", t.cmd.ProcessState, stderr.Bytes(), log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Stop()
			return nil, errors.New("tor's control port did not open within 30 s")
		}
	}
	if opts.Socket {
		for i := 0; i < 250; i++ {
			if _, err := os.Stat(strings.TrimPrefix(t.SocketAddr, "unix:")); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if opts.Cookie {
		// Tor writes the cookie before it opens the port; wait for it anyway.
		for i := 0; i < 250; i++ {
			if fi, err := os.Stat(t.CookieFile); err == nil && fi.Size() == 32 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return t, nil
}

// Log returns tor's notice log so far.
func (t *Tor) Log() string {
	b, _ := os.ReadFile(t.LogFile)
	return string(b)
}

// Stop ends tor (SIGTERM, then SIGKILL after 5 s) and removes its
// directory.
func (t *Tor) Stop() error {
	signalGroup(t.cmd, false)
	select {
	case <-t.done:
	case <-time.After(5 * time.Second):
		signalGroup(t.cmd, true)
		<-t.done
	}
	return os.RemoveAll(t.Dir)
}

// WaitLog waits until tor's notice log contains s or ctx ends.
func (t *Tor) WaitLog(ctx context.Context, s string) error {
	for {
		if strings.Contains(t.Log(), s) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("tor's log has no %q: %w", s, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
