package torctl

import (
	"fmt"
	"strings"
)

// quote returns s as a QuotedString argument (control-spec 2.1), escaping
// backslashes and double quotes. Callers reject CR and LF first.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// unquote decodes the quoted string at the start of s and returns it and the
// rest of s. Tor writes many quoted strings as C strings (control-spec
// 2.1.1), so \n, \t, \r and octal \0 to \377 are read as C escapes and any
// other escaped character stands for itself.
func unquote(s string) (val, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, ProtocolError(fmt.Sprintf("want a quoted string at %q", capQuote(s)))
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			i++
			if i == len(s) {
				break
			}
			switch e := s[i]; {
			case e == 'n':
				b.WriteByte('\n')
			case e == 't':
				b.WriteByte('\t')
			case e == 'r':
				b.WriteByte('\r')
			case e >= '0' && e <= '7':
				v := 0
				j := i
				for ; j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7'; j++ {
					v = v*8 + int(s[j]-'0')
				}
				if v > 0377 {
					return "", s, ProtocolError(fmt.Sprintf("octal escape out of range in %q", capQuote(s)))
				}
				b.WriteByte(byte(v))
				i = j - 1
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", s, ProtocolError(fmt.Sprintf("unterminated quoted string %q", capQuote(s)))
}

// keyword is one space-separated item of a reply line: KEY=VALUE, or a bare
// word with HasValue false.
type keyword struct {
	Key, Value string
	HasValue   bool
}

// parseKeywords splits a reply line such as
// `AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="/run/tor/control.authcookie"`
// into its items, decoding quoted values.
func parseKeywords(s string) ([]keyword, error) {
	var out []keyword
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return out, nil
		}
		i := strings.IndexAny(s, "= ")
		if i < 0 {
			return append(out, keyword{Key: s}), nil
		}
		if s[i] == ' ' {
			out = append(out, keyword{Key: s[:i]})
			s = s[i:]
			continue
		}
		kw := keyword{Key: s[:i], HasValue: true}
		s = s[i+1:]
		if strings.HasPrefix(s, `"`) {
			v, rest, err := unquote(s)
			if err != nil {
				return nil, err
			}
			if rest != "" && rest[0] != ' ' {
				return nil, ProtocolError(fmt.Sprintf("junk after quoted value at %q", capQuote(rest)))
			}
			kw.Value, s = v, rest
		} else {
			j := strings.IndexByte(s, ' ')
			if j < 0 {
				j = len(s)
			}
			kw.Value, s = s[:j], s[j:]
		}
		out = append(out, kw)
	}
}
