package safetext

import "testing"

func TestClean(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain text, café, 東京", "plain text, café, 東京"},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"a\nb\rc\td\x00e\x7f", `a\x0ab\x0dc\x09d\x00e\x7f`},
		{"\xc2\x9b31m", `\xc2\x9b31m`},           // C1 CSI, as UTF-8
		{"\x9b\xff", `\x9b\xff`},                 // invalid UTF-8
		{"\ufffd", `\xef\xbf\xbd`},               // U+FFFD stands for invalid UTF-8: escaped too
		{"abc\u202egpj.exe", `abc\u202egpj.exe`}, // RIGHT-TO-LEFT OVERRIDE
		{"\u202a\u202b\u202c\u202d", `\u202a\u202b\u202c\u202d`},
		{"\u2066x\u2067y\u2068z\u2069", `\u2066x\u2067y\u2068z\u2069`},
		{"\u200f\u2065\u206a", "\u200f\u2065\u206a"}, // marks and neighbours are not controls that reorder
	} {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
