//go:build !urfave_cli_no_docs

package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/urfave/cli/v2"
)

// The manual page is made from the app's definition (its usage, options and
// commands, worded as --help words them) as Markdown, rendered to roff by
// go-md2man, the renderer of urfave/cli's ToMan. The release build leaves
// both out (-tags urfave_cli_no_docs keeps the binary and its start-up
// lean): `make man` runs `go run . man`, a build without the tag. The
// command is hidden.

func init() { moreCommands = append(moreCommands, manCommand) }

// manCommand is `sockfetch man`: it writes sockfetch.1 (roff) to standard
// output.
func manCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:         "man",
		Usage:        "write the manual page (roff) to standard output",
		Hidden:       true,
		OnUsageError: onUsageError("man"),
		Action: func(c *cli.Context) error {
			_, err := io.WriteString(c.App.Writer, manPage(a.cliApp()))
			return err
		},
	}
}

// manDescription is the manual's DESCRIPTION.
const manDescription = `sockfetch fetches URLs the way curl does (same flags, same output, same exit
codes) but over a TCP socket it opens itself: directly, through a SOCKS5
proxy, or through Tor. It writes the HTTP/1.1 request bytes by hand and reads
the response with its own parser (RFC 9112), so every byte on the wire is
known and can be shown: **-v** prints curl's lines, **--explain** explains
every layer, **--raw -i** writes the response exactly as it came off the
connection, and **sockfetch parse** shows how saved bytes are read.

A URL without a scheme means http://. Several URLs are fetched in order; a
failed one does not stop the next, and the exit status is the last one's.
Options may come before or after the URLs. URLs to the same host, and the
hops of a redirect, reuse one connection where HTTP lets it persist, as curl
does (over the same route: directly, the same proxy and credentials, or Tor
with the same circuit credentials); **--no-keepalive** opens a new one for
every request.

With **--tor**, sockfetch fails closed: it never connects directly and never
resolves the target's name on this machine.

A progress bar is drawn on standard error for a body larger than 1 MiB or
of unknown length, only when standard error is a terminal, the body does not
go to that same terminal, and none of **-s**, **--no-progress-meter**, **-v**,
**--explain** or a trace to standard error is given. Colour (in **-v** and
**--explain**) is used only on a terminal, never with **NO_COLOR** set or
**--no-color**. A pipe or a file never receives a bar or an escape sequence.`

// exitMeanings words every exit status sockfetch uses, for EXIT STATUS.
var exitMeanings = []struct {
	code    int
	meaning string
}{
	{0, "Success."},
	{1, "Unsupported scheme: only http and https."},
	{2, "Bad command line, bad proxy setting, or a kernel lock that was required and cannot be applied."},
	{3, "Malformed URL."},
	{5, "The proxy's host name did not resolve."},
	{6, "The host name did not resolve, or a .onion name would have been resolved here."},
	{7, "Could not connect: to the target, the proxy, Tor, or (newnym) Tor's control port."},
	{8, "Malformed response (parse: the input is malformed or passes a size limit)."},
	{10, "ip: the check answered, but the path is not anonymous."},
	{18, "The body ended before its announced end."},
	{22, "Status 400 or more with -f."},
	{23, "The output could not be written."},
	{25, "An upload could not be made: -T - or -F name=@PIPE with -0 (HTTP/1.0 has no chunked encoding)."},
	{26, "A local file could not be read (-d @file, -F @file, -T FILE, --cacert, -w @file, -K FILE, the parse input, the control cookie)."},
	{28, "Timeout (--max-time, --connect-timeout)."},
	{33, "A resume (-C) that the server answered with something else than the rest of the file; the file is left as it was."},
	{35, "TLS handshake failed."},
	{47, "Too many redirects."},
	{52, "The server closed without sending a byte (parse: empty input)."},
	{55, "The request could not be sent."},
	{56, "The connection failed while receiving."},
	{60, "The server certificate is not trusted or not for this host."},
	{61, "A --compressed body that does not decode."},
	{63, "Body larger than --max-filesize."},
	{67, "newnym: Tor's control port refused the authentication."},
	{97, "The SOCKS proxy refused (the reply code in words, Tor's included) or did not speak SOCKS5."},
	{130, "Interrupted (Ctrl-C; SIGTERM and SIGHUP end it as they end curl: 143, 129); a -o file is left as it was."},
}

// manExamples are the manual's EXAMPLES, each a sentence and a command.
var manExamples = []struct{ what, command string }{
	{"Save a page, failing on HTTP errors, quietly, following redirects:", "sockfetch -fsSL -o page.html https://example.com/"},
	{"Time a fetch:", "sockfetch -s -o /dev/null -w '%{http_code} %{time_total}\\n' https://example.com/"},
	{"Fetch through Tor, on a circuit of its own:", "sockfetch --tor --new-circuit https://example.com/"},
	{"Resume a download, retrying what may pass (through Tor, on a fresh circuit):", "sockfetch --tor --retry 5 -f -C - -o big.iso https://example.com/big.iso"},
	{"Through a SOCKS5 proxy that resolves the name:", "sockfetch -x socks5h://127.0.0.1:1080 https://example.com/"},
	{"See every layer of a fetch explained:", "sockfetch --explain https://example.com/"},
	{"Capture a response exactly as it came off the connection, then see how it is read:", "sockfetch --raw -i https://example.com/ > resp.bin\nsockfetch parse resp.bin"},
	{"Which exit address does the world see through Tor?", "sockfetch ip"},
}

// manEnvironment is the manual's ENVIRONMENT.
const manEnvironment = `**http_proxy**, **https_proxy**, **HTTPS_PROXY**, **ALL_PROXY**, **all_proxy**
: A SOCKS5 proxy (socks5:// or socks5h://) for the URLs of that scheme, as curl. Anything else is an error, never a direct connection. Ignored with --tor.

**NO_PROXY**, **no_proxy**
: Hosts reached directly (it does not bypass -x).

**SOCKFETCH_TOR_ADDR**
: Tor's SocksPort for --tor when --tor-addr is not given.

**NO_COLOR**
: Set to anything but the empty string, no colour.
`

// manPage returns the manual page of ca in roff: Markdown made from the
// app's name, usage, options and commands (their flags as --help shows
// them), with the sections above, rendered by go-md2man.
func manPage(ca *cli.App) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%% %s 1\n\n# NAME\n\n%s - %s\n\n", ca.Name, ca.Name, ca.Usage)
	b.WriteString("# SYNOPSIS\n\n")
	for _, l := range strings.Split(ca.UsageText, "\n") {
		fmt.Fprintf(&b, "    %s\n", l)
	}
	b.WriteString("\n# DESCRIPTION\n\n" + manDescription + "\n\n# OPTIONS\n\n")
	b.WriteString(manFlags(ca.Flags))
	b.WriteString("# COMMANDS\n\n")
	for _, c := range ca.Commands {
		if c.Hidden {
			continue
		}
		fmt.Fprintf(&b, "### %s\n\n", c.Name) // .SS
		if c.UsageText != "" {
			fmt.Fprintf(&b, "    %s\n\n", strings.ReplaceAll(c.UsageText, "\n", "\n    "))
		}
		fmt.Fprintf(&b, "%s.\n\n", upperFirst(c.Usage))
		if c.Description != "" {
			b.WriteString(manText(c.Description) + "\n\n")
		}
		b.WriteString(manFlags(c.Flags))
	}
	b.WriteString("# EXIT STATUS\n\ncurl's numbers and meanings, where curl has one.\n\n")
	for _, e := range exitMeanings {
		fmt.Fprintf(&b, "**%d**\n: %s\n\n", e.code, e.meaning)
	}
	b.WriteString("# ENVIRONMENT\n\n" + manEnvironment + "\n# EXAMPLES\n\n")
	for _, e := range manExamples {
		fmt.Fprintf(&b, "%s\n\n", e.what)
		for _, l := range strings.Split(e.command, "\n") {
			fmt.Fprintf(&b, "    %s\n", l)
		}
		b.WriteString("\n")
	}
	b.WriteString("# SEE ALSO\n\ncurl(1), tor(1)\n")
	return roffClean(string(md2man.Render([]byte(b.String()))))
}

// roffClean makes md2man's roff portable: every rune outside ASCII becomes
// a groff escape (\[u2026]), so that the page needs no input encoding, and
// every hyphen in text becomes \-, a minus sign, so that options copied
// from the page work where groff would print "-" as a hyphen (U+2010).
func roffClean(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		var b strings.Builder
		text := !strings.HasPrefix(l, ".") && !strings.HasPrefix(l, "'")
		for j := 0; j < len(l); {
			r, size := utf8.DecodeRuneInString(l[j:])
			switch {
			case strings.HasPrefix(l[j:], `\-`):
				b.WriteString(`\-`)
				size = 2
			case r == '-' && text:
				b.WriteString(`\-`)
			case r >= utf8.RuneSelf:
				fmt.Fprintf(&b, `\[u%04X]`, r)
			default:
				b.WriteRune(r)
			}
			j += size
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "\n")
}

// manText turns a command's Description into Markdown: its indented lines
// (examples) become code blocks.
func manText(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "   ") {
			lines[i] = "    " + strings.TrimLeft(l, " ")
		}
	}
	return strings.Join(lines, "\n")
}

// upperFirst returns s with its first letter in upper case.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// manFlags writes flags as a Markdown definition list, each with the names,
// placeholder and usage --help gives it (flagHelp): "**-o**, **--output**
// *FILE*" and its usage below.
func manFlags(flags []cli.Flag) string {
	var b strings.Builder
	for _, f := range flags {
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue
		}
		left, usage, ok := strings.Cut(flagHelp(f), "\t")
		if !ok {
			continue
		}
		names := strings.Split(strings.TrimSpace(left), ", ")
		placeholder := ""
		last := names[len(names)-1]
		if i := strings.IndexByte(last, ' '); i >= 0 {
			names[len(names)-1], placeholder = last[:i], last[i+1:]
		}
		for i, n := range names {
			names[i] = "**" + n + "**"
		}
		b.WriteString(strings.Join(names, ", "))
		if placeholder != "" {
			b.WriteString(" *" + placeholder + "*")
		}
		fmt.Fprintf(&b, "\n: %s\n\n", usage)
	}
	return b.String()
}
