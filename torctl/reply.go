package torctl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on what ReadReply accepts. The control protocol sets no limit on
// line length; these are generous for Tor's real replies (a full consensus
// in a GETINFO data block is a few megabytes) and keep a hostile peer from
// growing memory without bound.
const (
	maxLineLength = 32 << 10 // bytes in one reply line, without its CR LF
	maxReplySize  = 16 << 20 // bytes in one reply, data blocks and line ends included
	maxQuoted     = 80       // bytes of bad input quoted in an error
)

// Reply status codes that callers branch on.
const (
	CodeOK          = 250 // success
	CodeAuthFailed  = 515 // bad authentication
	CodeAsyncEvent  = 650 // asynchronous event
	codeFirstFailed = 400 // 4xx and 5xx codes are errors
)

// Reply is one reply from Tor: every line of it shares one status code.
type Reply struct {
	Code int

	// Lines holds the text of each reply line after the status code and
	// its separator, without CR LF. When a line opens a data block (the
	// "250+" form), the block follows the line's text after a "\n", its
	// lines joined by "\n", dot-stuffing removed and the closing "." left
	// out. The last entry is the end line ("OK" for most successes).
	Lines []string

	// Raw holds the lines as they arrived, without line ends, data lines
	// and the closing "." included.
	Raw []string
}

// Text returns the reply's lines joined by "; ", for messages.
func (r *Reply) Text() string {
	return strings.Join(r.Lines, "; ")
}

// ProtocolError describes a reply that breaks the control protocol's grammar
// or this package's limits.
type ProtocolError string

// Error returns the description with the package's prefix.
func (p ProtocolError) Error() string { return "torctl: " + string(p) }

// ErrAuth reports that Tor refused the authentication (reply 515), or that
// the server proved it does not know the cookie (SAFECOOKIE).
var ErrAuth = errors.New("torctl: authentication failed")

// ReplyError is a 4xx or 5xx reply from Tor to a command.
type ReplyError struct {
	Code int
	Text string
}

// Error returns the reply as Tor sent it: its code and text.
func (e *ReplyError) Error() string {
	return fmt.Sprintf("%03d %s", e.Code, e.Text)
}

// Is reports a 515 reply as ErrAuth.
func (e *ReplyError) Is(target error) bool {
	return target == ErrAuth && e.Code == CodeAuthFailed
}

// ReadReply reads one reply (synchronous or asynchronous) from br. It
// returns io.EOF when br ends before the reply's first byte and
// io.ErrUnexpectedEOF when it ends inside the reply.
func ReadReply(br *bufio.Reader) (*Reply, error) {
	r := new(Reply)
	budget := maxReplySize
	for {
		line, err := readLine(br, &budget)
		if err != nil {
			if err == io.EOF && len(r.Raw) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		code, sep, text, err := parseLine(line)
		if err != nil {
			return nil, err
		}
		if len(r.Raw) == 0 {
			r.Code = code
		} else if code != r.Code {
			return nil, ProtocolError(fmt.Sprintf("status code changes inside a reply: %q after %d", capQuote(line), r.Code))
		}
		r.Raw = append(r.Raw, line)
		switch sep {
		case ' ':
			r.Lines = append(r.Lines, text)
			return r, nil
		case '-':
			r.Lines = append(r.Lines, text)
		case '+':
			data, err := readData(br, &budget, r)
			if err != nil {
				return nil, err
			}
			r.Lines = append(r.Lines, text+"\n"+data)
		}
	}
}

// parseLine splits a reply line into its status code, separator (' ', '-'
// or '+') and text.
func parseLine(line string) (code int, sep byte, text string, err error) {
	if len(line) < 4 {
		return 0, 0, "", ProtocolError(fmt.Sprintf("short reply line %q", capQuote(line)))
	}
	for i := 0; i < 3; i++ {
		c := line[i]
		if c < '0' || c > '9' || (i == 0 && c == '0') {
			return 0, 0, "", ProtocolError(fmt.Sprintf("bad status code in %q", capQuote(line)))
		}
		code = code*10 + int(c-'0')
	}
	sep = line[3]
	if sep != ' ' && sep != '-' && sep != '+' {
		return 0, 0, "", ProtocolError(fmt.Sprintf("bad separator after status code in %q", capQuote(line)))
	}
	return code, sep, line[4:], nil
}

// readData reads a data block up to its closing "." line and returns its
// lines joined by "\n", with the leading dot of dot-stuffed lines removed.
// The raw lines are appended to r.Raw.
func readData(br *bufio.Reader, budget *int, r *Reply) (string, error) {
	var b strings.Builder
	first := true
	for {
		line, err := readLine(br, budget)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		r.Raw = append(r.Raw, line)
		if line == "." {
			return b.String(), nil
		}
		if !first {
			b.WriteByte('\n')
		}
		first = false
		b.WriteString(strings.TrimPrefix(line, "."))
	}
}

// readLine reads one line ending in LF and returns it without CR LF (or a
// bare LF). It charges the line and two bytes for its end to *budget.
func readLine(br *bufio.Reader, budget *int) (string, error) {
	var buf []byte
	for {
		frag, err := br.ReadSlice('\n')
		if len(buf)+len(frag) > maxLineLength+2 {
			return "", ProtocolError(fmt.Sprintf("reply line longer than %d bytes: %q", maxLineLength, capQuote(string(append(buf, frag...)))))
		}
		buf = append(buf, frag...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		break
	}
	buf = buf[:len(buf)-1]
	if n := len(buf); n > 0 && buf[n-1] == '\r' {
		buf = buf[:n-1]
	}
	if len(buf) > maxLineLength {
		return "", ProtocolError(fmt.Sprintf("reply line longer than %d bytes: %q", maxLineLength, capQuote(string(buf))))
	}
	*budget -= len(buf) + 2
	if *budget < 0 {
		return "", ProtocolError(fmt.Sprintf("reply larger than %d bytes", maxReplySize))
	}
	return string(buf), nil
}

// capQuote shortens s to maxQuoted bytes for an error message.
func capQuote(s string) string {
	if len(s) > maxQuoted {
		return s[:maxQuoted] + "..."
	}
	return s
}
