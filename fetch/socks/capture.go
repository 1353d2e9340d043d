package socks

import (
	"errors"
	"fmt"
	"net"
)

// Step names one SOCKS5 handshake message.
type Step uint8

const (
	StepGreeting   Step = iota + 1 // client: version and methods offered
	StepMethod                     // proxy: method chosen
	StepAuth                       // client: RFC 1929 username and password
	StepAuthStatus                 // proxy: RFC 1929 status
	StepConnect                    // client: CONNECT request
	StepReply                      // proxy: reply code and bound address
)

var stepNames = [...]string{"", "greeting", "method selection", "username/password", "username/password status", "connect request", "reply"}

// String names the step in words, such as "method selection".
func (s Step) String() string {
	if int(s) < len(stepNames) && s > 0 {
		return stepNames[s]
	}
	return fmt.Sprintf("step %d", s)
}

// Message is one SOCKS5 handshake message, as sent or received.
//
// Bytes are the bytes on the wire, except in the StepAuth message, where the
// password bytes are replaced by '*' (its length byte stays real), so that a
// trace or a screen shown to others never carries the password. A message the
// proxy sent that is not what SOCKS5 expects (an HTTP answer, a reply cut
// short) is reported with the step that was expected and a Meaning that says
// what is wrong.
type Message struct {
	Step    Step
	Send    bool // true: client to proxy
	Bytes   []byte
	Meaning string
}

// errMethodNotOffered stops x/net when the proxy picks a method it was not
// offered (x/net would otherwise go on without authenticating).
var errMethodNotOffered = errors.New("proxy chose a method that was not offered")

// capture wraps the connection handed to x/net. It records the handshake
// bytes both ways, reports each message to observe as soon as it is complete,
// and keeps what the failure analysis needs. Close does not close the
// underlying connection: Connect does, after it has looked at what is left.
type capture struct {
	net.Conn
	observe func(Message)
	tor     bool

	offered []byte // methods offered in the greeting
	sent    []byte // bytes written, not yet reported
	recv    []byte // bytes read since the last complete message
	step    Step   // the next message expected from the proxy
	bad     bool   // recv holds bytes that are not the expected message

	method     int // method chosen, -1 until known
	authStatus int // RFC 1929 status, -1 until known
	reply      int // reply code, -1 until known
}

func newCapture(c net.Conn, observe func(Message), tor bool, offered []byte) *capture {
	return &capture{Conn: c, observe: observe, tor: tor, offered: offered, step: StepMethod, method: -1, authStatus: -1, reply: -1}
}

// Close is a no-op; see capture.
func (c *capture) Close() error { return nil }

func (c *capture) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if c.observe != nil {
		c.sent = append(c.sent, p[:n]...)
		c.flushSent()
	}
	return n, err
}

// flushSent reports the complete messages in c.sent.
func (c *capture) flushSent() {
	for len(c.sent) > 0 {
		var (
			n int
			m Message
		)
		switch {
		case c.step == StepMethod:
			if len(c.sent) < 2 || len(c.sent) < 2+int(c.sent[1]) {
				return
			}
			n = 2 + int(c.sent[1])
			m = Message{Step: StepGreeting, Bytes: clone(c.sent[:n]), Meaning: greetingMeaning(c.sent[:n])}
		case c.step == StepAuthStatus:
			if n = authLen(c.sent); n == 0 {
				return
			}
			b, meaning := maskAuth(c.sent[:n])
			m = Message{Step: StepAuth, Bytes: b, Meaning: meaning}
		default:
			if n = addrLen(c.sent); n <= 0 {
				return
			}
			m = Message{Step: StepConnect, Bytes: clone(c.sent[:n]), Meaning: connectMeaning(c.sent[:n])}
		}
		m.Send = true
		c.sent = c.sent[n:]
		c.observe(m)
	}
}

func (c *capture) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.bad {
		c.recv = append(c.recv, p[:n]...)
		if c.parseRecv() {
			return 0, errMethodNotOffered
		}
	}
	return n, err
}

// parseRecv takes the complete messages off c.recv and reports them. It
// returns true when the proxy chose a method that was not offered.
func (c *capture) parseRecv() (notOffered bool) {
	for len(c.recv) > 0 && !c.bad {
		var n int
		var meaning string
		step := c.step
		switch step {
		case StepMethod:
			if Version(c.recv[0]) != Version5 {
				c.bad = true
				return false
			}
			if len(c.recv) < 2 {
				return false
			}
			n, meaning = 2, methodMeaning(c.recv)
			c.method = int(c.recv[1])
			switch {
			case AuthMethod(c.recv[1]) == AuthNoAcceptable:
				c.step = 0
			case !contains(c.offered, c.recv[1]):
				notOffered = true
				meaning += ", which was not offered"
				c.step = 0
			case AuthMethod(c.recv[1]) == AuthUserPass:
				c.step = StepAuthStatus
			default:
				c.step = StepReply
			}
		case StepAuthStatus:
			if c.recv[0] != UserPassVersion {
				c.bad = true
				return false
			}
			if len(c.recv) < 2 {
				return false
			}
			n, meaning = 2, authStatusMeaning(c.recv)
			c.authStatus = int(c.recv[1])
			c.step = StepReply
			if c.authStatus != int(UserPassSucceeded) {
				c.step = 0
			}
		case StepReply:
			if Version(c.recv[0]) != Version5 {
				c.bad = true
				return false
			}
			if len(c.recv) >= 2 {
				c.reply = int(c.recv[1])
			}
			if n = addrLen(c.recv); n < 0 {
				c.bad = true
				return false
			}
			if n == 0 {
				return false
			}
			meaning = replyMeaning(c.recv[:n])
			c.step = 0
		default:
			// Bytes after the end of the handshake are not read by x/net.
			c.bad = true
			return false
		}
		if c.observe != nil {
			c.observe(Message{Step: step, Bytes: clone(c.recv[:n]), Meaning: meaning})
		}
		c.recv = c.recv[n:]
	}
	return notOffered
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func contains(b []byte, x byte) bool {
	for _, y := range b {
		if y == x {
			return true
		}
	}
	return false
}
