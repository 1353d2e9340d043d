package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestUsageErrorsEveryCommand checks each command's bad command lines: an
// unknown option, an option without its value, a value that does not parse
// and an argument too many each end with exit 2 and one line in
// sockfetch's words (plus its hint), never with the help text that
// urfave/cli prints for a command of its own.
func TestUsageErrorsEveryCommand(t *testing.T) {
	const (
		hint       = "hint: try 'sockfetch --help' for the options\n"
		ipHint     = "hint: try 'sockfetch ip --help' for the options\n"
		newnymHint = "hint: try 'sockfetch newnym --help' for the options\n"
		parseHint  = "hint: try 'sockfetch parse --help' for the options\n"
		demoHint   = "hint: try 'sockfetch demo --help' for the options\n"
	)
	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		// The fetch command, with and without its word.
		{[]string{"--bogus", "http://x/"}, "sockfetch: option --bogus is unknown\n" + hint},
		{[]string{"fetch", "--bogus", "http://x/"}, "sockfetch: option --bogus is unknown\n" + hint},
		{[]string{"http://x/", "-o"}, "sockfetch: option --output needs a value\n" + hint},
		{[]string{"http://x/", "-sSo"}, "sockfetch: option --output needs a value\n" + hint},
		{[]string{"http://x/", "--max-time"}, "sockfetch: option --max-time needs a value\n" + hint},
		{[]string{"--fail=yes", "http://x/"}, "sockfetch: option --fail takes no value (got \"yes\")\n" + hint},
		{[]string{"--max-redirs", "x", "http://x/"}, "sockfetch: --max-redirs \"x\": want a number of redirects, or -1 for no limit\n" + hint},
		{[]string{"--max-redirs", "1.5", "http://x/"}, "sockfetch: --max-redirs \"1.5\": want a number of redirects, or -1 for no limit\n" + hint},
		{[]string{"--max-redirs", "-2", "http://x/"}, "sockfetch: --max-redirs \"-2\": want a number of redirects, or -1 for no limit\n" + hint},
		{[]string{"--max-redirs", "99999999999999999999", "http://x/"}, "sockfetch: --max-redirs \"99999999999999999999\": want a number of redirects, or -1 for no limit\n" + hint},
		{[]string{"-m", "x", "http://x/"}, "sockfetch: --max-time \"x\": want a number of seconds, such as 2.5\n" + hint},
		{[]string{"-m", "-1", "http://x/"}, "sockfetch: --max-time \"-1\": want a number of seconds, such as 2.5\n" + hint},
		{[]string{"--connect-timeout", "x", "http://x/"}, "sockfetch: --connect-timeout \"x\": want a number of seconds, such as 2.5\n" + hint},
		{[]string{"--connect-timeout", "-1", "http://x/"}, "sockfetch: --connect-timeout \"-1\": want a number of seconds, such as 2.5\n" + hint},
		{[]string{"--max-filesize", "x", "http://x/"}, "sockfetch: --max-filesize \"x\": want a number of bytes, such as 500000 or 10M\n" + hint},
		{[]string{"--max-filesize", "-1", "http://x/"}, "sockfetch: --max-filesize \"-1\": want a number of bytes, such as 500000 or 10M\n" + hint},
		{[]string{"--max-filesize", "-0", "http://x/"}, "sockfetch: --max-filesize \"-0\": want a number of bytes, such as 500000 or 10M\n" + hint},
		{[]string{"--max-filesize", "1.5M", "http://x/"}, "sockfetch: --max-filesize \"1.5M\": want a number of bytes, such as 500000 or 10M\n" + hint},
		{[]string{"--max-filesize", "9E", "http://x/"}, "sockfetch: --max-filesize \"9E\": want a number of bytes, such as 500000 or 10M\n" + hint},
		{[]string{"--max-filesize", "99999999999999999999", "http://x/"}, "sockfetch: --max-filesize \"99999999999999999999\": too large: at most 8E bytes (9223372036854775807)\n" + hint},
		{[]string{"--max-filesize", "8796093022208G", "http://x/"}, "sockfetch: --max-filesize \"8796093022208G\": too large: at most 8E bytes (9223372036854775807)\n" + hint},

		// ip.
		{[]string{"ip", "--bogus"}, "sockfetch: ip: option --bogus is unknown\n" + ipHint},
		{[]string{"ip", "--repeat"}, "sockfetch: ip: option --repeat needs a value\n" + ipHint},
		{[]string{"ip", "-x"}, "sockfetch: ip: option -x needs a value\n" + ipHint},
		{[]string{"ip", "--json=2"}, "sockfetch: ip: option --json takes no value (got \"2\")\n" + ipHint},
		{[]string{"ip", "--repeat", "x"}, "sockfetch: ip: --repeat \"x\": want a number of checks, such as 3\n" + ipHint},
		{[]string{"ip", "-m", "x"}, "sockfetch: ip: --max-time \"x\": want a number of seconds, such as 2.5\n" + ipHint},
		{[]string{"ip", "--connect-timeout", "-1"}, "sockfetch: ip: --connect-timeout \"-1\": want a number of seconds, such as 2.5\n" + ipHint},
		{[]string{"ip", "extra"}, "sockfetch: ip: unexpected argument \"extra\" (the endpoint is given with --check-url)\n" + ipHint},

		// newnym.
		{[]string{"newnym", "--bogus"}, "sockfetch: newnym: option --bogus is unknown\n" + newnymHint},
		{[]string{"newnym", "--control"}, "sockfetch: newnym: option --control needs a value\n" + newnymHint},
		{[]string{"newnym", "-m"}, "sockfetch: newnym: option -m needs a value\n" + newnymHint},
		{[]string{"newnym", "-v=x"}, "sockfetch: newnym: option -v takes no value (got \"x\")\n" + newnymHint},
		{[]string{"newnym", "-m", "x"}, "sockfetch: newnym: --max-time \"x\": want a number of seconds, such as 2.5\n" + newnymHint},
		{[]string{"newnym", "-m", "-1"}, "sockfetch: newnym: --max-time \"-1\": want a number of seconds, such as 2.5\n" + newnymHint},
		{[]string{"newnym", "extra"}, "sockfetch: newnym takes no arguments (got extra)\nhint: the password goes in $SOCKFETCH_TOR_PASSWORD or at the prompt, never on the command line\n"},

		// parse.
		{[]string{"parse", "--bogus"}, "sockfetch: parse: option --bogus is unknown\n" + parseHint},
		{[]string{"parse", "-X"}, "sockfetch: parse: option -X needs a value\n" + parseHint},
		{[]string{"parse", "--no-color=3"}, "sockfetch: parse: option --no-color takes no value (got \"3\")\n" + parseHint},
		{[]string{"parse", "a", "b"}, "sockfetch: parse: one FILE at most, and options go before it (got a b)\n"},

		// demo.
		{[]string{"demo", "--bogus"}, "sockfetch: demo: option --bogus is unknown\n" + demoHint},
		{[]string{"demo", "--chunked=yes"}, "sockfetch: demo: option --chunked takes no value (got \"yes\")\n" + demoHint},
		{[]string{"demo", "extra"}, "sockfetch: demo: unexpected argument \"extra\" (demo fetches its own page)\n" + demoHint},
	} {
		r := sockfetch(t, tt.args...)
		if r.code != 2 || r.stdout != "" || r.stderr != tt.stderr {
			t.Errorf("sockfetch %q:\n exit %d, stdout %q\n stderr %q\nwant exit 2, no stdout,\n stderr %q", tt.args, r.code, r.stdout, r.stderr, tt.stderr)
		}
	}
}

// TestOutputWithoutValueWritesNothing checks that -o at the end of the line
// is a usage error, as curl's "option -o: requires parameter", not a file
// named "--" (which normalizeArgs' "--" once became).
func TestOutputWithoutValueWritesNothing(t *testing.T) {
	srv := okServer(t)
	dir := t.TempDir()
	t.Chdir(dir)
	sockfetch(t, srv.URL+"/", "-o").want(t, 2, "", "sockfetch: option --output needs a value\n")
	if names, _ := os.ReadDir(dir); len(names) != 0 {
		t.Errorf("files left: %v", names)
	}
	if _, err := os.Stat(filepath.Join(dir, "--")); err == nil {
		t.Error("a file named -- was written")
	}
}

// TestSizesAndCounts checks the values curl takes: a B unit, K/M/G in
// either case, -1 redirects for no limit.
func TestSizesAndCounts(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"10", 10}, {"10b", 10}, {"10B", 10}, {"2k", 2048}, {"2K", 2048},
		{"1M", 1 << 20}, {"1g", 1 << 30}, {"8589934591G", 8589934591 << 30},
		{"9223372036854775807", 9223372036854775807},
	} {
		got, err := parseSize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "b", "+1", "-1", " 1", "1T", "8589934592G", "9223372036854775808"} {
		if n, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", bad, n)
		}
	}
}
