// Package safetext holds the one rule for text that came from elsewhere (a
// server, a proxy, a certificate, Tor's control port) on its way to a
// terminal: what is escaped and how. The CLI and every view use it, so a
// byte a terminal acts on never reaches one from sockfetch's own lines.
package safetext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Clean returns s made safe to print where a terminal reads it: every rune
// Unsafe reports is escaped, a control character or a byte of invalid UTF-8
// as \xNN for each of its bytes (ESC as \x1b, C1's CSI as \xc2\x9b), a
// bidirectional control as \uNNNN (\u202e). Printable Unicode stays as it
// is. It is the one rule for text that came from elsewhere (a server, a
// proxy, Tor's control port) on its way to the user's terminal.
func Clean(s string) string {
	if !strings.ContainsFunc(s, Unsafe) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isBidi(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		case Unsafe(r):
			for j := 0; j < n; j++ {
				fmt.Fprintf(&b, `\x%02x`, s[i+j])
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Unsafe reports whether Clean escapes r: a C0 or C1 control character,
// DEL, the rune of invalid UTF-8 (utf8.RuneError), or a bidirectional
// embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which
// reorders the text that follows it on the screen ("Trojan Source",
// CVE-2021-42574).
func Unsafe(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError || isBidi(r)
}

// isBidi reports whether r is a bidirectional embedding, override or
// isolate control.
func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
