package tornet

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// control is a minimal client of Tor's control protocol (control-spec.txt),
// enough for the harness: authenticate, GETINFO, SETCONF, SETEVENTS and
// asynchronous events. Replies and events may interleave on the wire; events
// (status 650) are queued while a command waits for its reply.
type control struct {
	c      net.Conn
	r      *bufio.Reader
	events []string
}

// dialControl connects to addr and authenticates with the cookie file.
func dialControl(ctx context.Context, addr, cookieFile string) (*control, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("control port %s: %w", addr, err)
	}
	ctl := &control{c: c, r: bufio.NewReader(c)}
	cookie, err := os.ReadFile(cookieFile)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("control port %s: %w", addr, err)
	}
	if _, err := ctl.do(ctx, "AUTHENTICATE "+hex.EncodeToString(cookie)); err != nil {
		c.Close()
		return nil, fmt.Errorf("control port %s: authenticate: %w", addr, err)
	}
	return ctl, nil
}

func (ctl *control) Close() error { return ctl.c.Close() }

// do sends one command line and returns the lines of its reply (without the
// status code and separator). A reply whose status is not 250 is an error.
func (ctl *control) do(ctx context.Context, cmd string) ([]string, error) {
	setDeadline(ctx, ctl.c)
	if _, err := ctl.c.Write([]byte(cmd + "\r\n")); err != nil {
		return nil, err
	}
	for {
		code, lines, err := ctl.readReply()
		if err != nil {
			return nil, err
		}
		if code == "650" {
			ctl.events = append(ctl.events, lines[0])
			continue
		}
		if code != "250" {
			return nil, fmt.Errorf("%s: %s %s", firstWord(cmd), code, strings.Join(lines, " "))
		}
		return lines, nil
	}
}

// getInfo returns the value of one GETINFO key.
func (ctl *control) getInfo(ctx context.Context, key string) (string, error) {
	lines, err := ctl.do(ctx, "GETINFO "+key)
	if err != nil {
		return "", err
	}
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, key+"="); ok {
			return v, nil
		}
	}
	return "", fmt.Errorf("getinfo %s: no value in %q", key, lines)
}

// nextEvent returns the next asynchronous event line, such as
// "HS_DESC UPLOADED ...".
func (ctl *control) nextEvent(ctx context.Context) (string, error) {
	if len(ctl.events) > 0 {
		ev := ctl.events[0]
		ctl.events = ctl.events[1:]
		return ev, nil
	}
	setDeadline(ctx, ctl.c)
	for {
		code, lines, err := ctl.readReply()
		if err != nil {
			return "", err
		}
		if code == "650" {
			return lines[0], nil
		}
	}
}

// readReply reads one reply: "XYZ-" and "XYZ+" lines (the latter followed by
// a dot-terminated data block) up to the final "XYZ " line.
func (ctl *control) readReply() (code string, lines []string, err error) {
	for {
		l, err := ctl.r.ReadString('\n')
		if err != nil {
			return "", nil, err
		}
		l = strings.TrimRight(l, "\r\n")
		if len(l) < 4 {
			return "", nil, fmt.Errorf("malformed control reply %q", l)
		}
		code = l[:3]
		text := l[4:]
		switch l[3] {
		case ' ':
			return code, append(lines, text), nil
		case '-':
			lines = append(lines, text)
		case '+':
			var data []string
			for {
				d, err := ctl.r.ReadString('\n')
				if err != nil {
					return "", nil, err
				}
				d = strings.TrimRight(d, "\r\n")
				if d == "." {
					break
				}
				data = append(data, strings.TrimPrefix(d, "."))
			}
			lines = append(lines, text+strings.Join(data, "\n"))
		default:
			return "", nil, fmt.Errorf("malformed control reply %q", l)
		}
	}
}

func setDeadline(ctx context.Context, c net.Conn) {
	if d, ok := ctx.Deadline(); ok {
		c.SetDeadline(d)
	} else {
		c.SetDeadline(time.Time{})
	}
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}
