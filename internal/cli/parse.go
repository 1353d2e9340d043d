package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"sockfetch/explain"
	"sockfetch/fetch"
	"sockfetch/internal/term"
	"sockfetch/rawhttp"
)

// maxKept is how much of the input parse keeps in memory to show a rejected
// line with a caret under the bad byte. Past it, the view shows the bytes
// the error itself kept (rawhttp.ProtocolError.Near), so a capture of any
// size is streamed.
const maxKept = 1 << 20

// maxLeftoverShown is how many bytes after the end of the response are
// quoted.
const maxLeftoverShown = 40

const parseDescription = `Reads the raw bytes of one HTTP/1.1 response from FILE (standard input when
FILE is - or missing) and shows how sockfetch's parser reads them: the status
line and every header field at its byte offset, how the end of the body is
found (RFC 9112 §6.3), each chunk and trailer, and for a malformed response
where it is rejected (the byte offset), why (the rule it breaks) and the bytes
around it. No network is used.

The bytes may be written by hand, captured with nc, or saved by
sockfetch --raw -i URL > resp.bin. For example:

   printf 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi' | sockfetch parse

The explanation is the output, on standard output; the body itself is not
printed. -o FILE saves the body as the parser delivers it: chunked framing
removed, content codings such as gzip left as they are. Like a fetch's -o, it
is written through a temporary file and renamed into place only when the
response is whole: a malformed or cut-short response leaves no file, and an
existing FILE untouched. Options go before FILE.

Exit status, as for a fetch: 0 the response is well-formed; 8 it is malformed
or passes a size limit; 18 its body is cut short; 52 the input is empty;
26 FILE cannot be read; 23 the -o file cannot be written; 2 bad usage.`

// parseCommand is `sockfetch parse [FILE|-]`: it feeds raw response bytes
// to rawhttp offline and writes the explained view (explain.ParseView) to
// the app's Writer. Its action returns errors of the kinds a fetch would
// have for the same problem (so the same exit codes), each a one-line
// message for the app to print after "sockfetch: ".
func parseCommand() *cli.Command {
	return &cli.Command{
		Name:        "parse",
		Usage:       "show how a raw response from a file or stdin is read, byte by byte (offline)",
		UsageText:   "sockfetch parse [--method METHOD] [-o FILE] [--no-color] [FILE|-]",
		ArgsUsage:   "[FILE|-]",
		Description: parseDescription,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "method", Aliases: []string{"X"}, Value: "GET", Usage: "read the bytes as the answer to a `METHOD` request (HEAD: no body follows the head)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "save the body (chunked framing removed) to `FILE`"},
			&cli.BoolFlag{Name: "no-color", Usage: "no colours (also: NO_COLOR set in the environment)"},
		},
		Action:       parseAction,
		OnUsageError: onUsageError("parse"),
	}
}

// parseAction runs `sockfetch parse`.
func parseAction(c *cli.Context) error {
	if c.NArg() > 1 {
		return parseUsage(fmt.Sprintf("parse: one FILE at most, and options go before it (got %s)", strings.Join(c.Args().Slice(), " ")))
	}
	method, output, noColor := c.String("method"), c.String("output"), c.Bool("no-color")
	if err := parseCheckMethod(method); err != nil {
		return parseUsage("parse: --method: " + err.Error())
	}
	if output == "-" {
		return parseUsage("parse: -o -: the explanation goes to standard output; name a file for the body")
	}

	name := c.Args().First()
	in, inName, closeIn, err := openParseInput(c, name)
	if err != nil {
		return parseErr(fetch.ErrReadFile, fmt.Sprintf("cannot read %s: %v", inName, err))
	}
	defer closeIn()

	var body io.Writer = io.Discard
	var out *fetch.OutputFile
	if output != "" {
		out, err = fetch.CreateOutput(output)
		if err != nil {
			return parseErr(fetch.ErrWrite, fmt.Sprintf("cannot write %s: %v", output, pathReason(err)))
		}
		body = out.Writer()
	}

	w := c.App.Writer
	res := parseResponse(w, explainOptions(w, os.Getenv, noColor), in, method, body)
	if out != nil {
		// Never a file that looks complete but is not.
		if res.err == nil && res.readErr == nil && res.writeErr == nil {
			if err := out.Commit(); err != nil {
				res.writeErr = err
			}
		} else {
			out.Abort()
		}
	}
	switch {
	case res.writeErr != nil:
		return parseErr(fetch.ErrWrite, fmt.Sprintf("cannot write %s: %v", output, pathReason(res.writeErr)))
	case res.readErr != nil:
		return parseErr(fetch.ErrReadFile, fmt.Sprintf("cannot read %s: %v", inName, pathReason(res.readErr)))
	case res.err != nil:
		return parseExit(inName, res.err)
	}
	return nil
}

// parseUsage is a bad parse command line (exit 2, as for any).
func parseUsage(msg string) error { return &usageError{msg: msg} }

// parseErr is a failure of kind, a fetch sentinel, worded msg.
func parseErr(kind error, msg string) error { return &fetch.Error{Kind: kind, Msg: msg} }

// parseCheckMethod accepts a method token (RFC 9110 §9.1). Methods are
// case-sensitive, so "head" is not HEAD: say so rather than guess.
func parseCheckMethod(m string) error {
	if m == "" {
		return errors.New("empty method")
	}
	if !rawhttp.IsToken(m) {
		return fmt.Errorf("%q is not a method name", m)
	}
	for _, known := range []string{"HEAD", "CONNECT", "GET"} {
		if m != known && strings.EqualFold(m, known) {
			return fmt.Errorf("methods are case-sensitive: %q is not %s", m, known)
		}
	}
	return nil
}

// openParseInput opens FILE, or standard input for "" and "-". It returns
// the reader, the name to use in messages and a function that closes it.
func openParseInput(c *cli.Context, name string) (io.Reader, string, func(), error) {
	if name == "" || name == "-" {
		var in io.Reader = os.Stdin
		if c.App.Reader != nil {
			in = c.App.Reader
		}
		if term.IsTerminal(in) {
			fmt.Fprintln(c.App.ErrWriter, "sockfetch: reading a response typed on the terminal; end it with Ctrl-D (typed lines end in LF alone, not CR LF)")
		}
		return in, "standard input", func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, name, nil, pathReason(err)
	}
	return f, name, func() { f.Close() }, nil
}

// parseResult is how a parse ended.
type parseResult struct {
	err      error // the parser's verdict (a *rawhttp.ProtocolError), nil for a good response
	readErr  error // the input could not be read
	writeErr error // the body could not be saved
}

// parseResponse reads one response from in as the answer to method, with a
// ParseView writing to w, and copies its body to body.
func parseResponse(w io.Writer, o explain.Options, in io.Reader, method string, body io.Writer) parseResult {
	keep := &parseKeepReader{r: in, max: maxKept}
	br := bufio.NewReaderSize(keep, 64<<10)
	pv := explain.NewParseView(w, o)
	rd := rawhttp.NewReader(br)
	rd.Observe = pv.Observe

	var res parseResult
	fail := func(err error) parseResult {
		var pe *rawhttp.ProtocolError
		if !errors.As(err, &pe) {
			res.readErr = err
			return res
		}
		pv.SetInput(keep.kept)
		pv.Fail(err)
		res.err = err
		return res
	}
	resp, err := rd.ReadResponse(nil, method)
	if err != nil {
		return fail(err)
	}
	bw := &parseErrWriter{w: body}
	if _, err := io.Copy(bw, rd.Body(resp)); err != nil {
		if bw.err != nil {
			res.writeErr = bw.err
			return res
		}
		return fail(err)
	}

	// The response is complete. Anything after it is not part of it.
	peek, _ := br.Peek(maxLeftoverShown)
	first := string(peek)
	rest, err := io.Copy(io.Discard, br)
	if err != nil {
		res.readErr = err
		return res
	}
	if rest > 0 {
		parseWriteLeftover(w, rest, first, resp.Status == 101)
	}
	return res
}

// parseWriteLeftover says what becomes of the bytes after the end of the
// response. first is their beginning, quoted so that no byte of the input
// reaches the terminal as is.
func parseWriteLeftover(w io.Writer, n int64, first string, switched bool) {
	more := ""
	if int64(len(first)) < n {
		more = " …"
	}
	fmt.Fprintf(w, "\n%s follow the end of this response: %s%s\n", parsePlural(n, "more byte", "more bytes"), strconv.QuoteToASCII(first), more)
	if switched {
		fmt.Fprintln(w, "After 101 Switching Protocols they belong to the new protocol, not to HTTP/1.1.")
		return
	}
	fmt.Fprint(w, leftoverText)
}

const leftoverText = `They are not part of it: the response ended where its framing says. On a
connection kept open, a client would read them as the start of the next
response; sockfetch ignores them and does not reuse the connection.
`

// parseExit maps the parser's verdict to the exit code a fetch would have
// and a one-line message naming the byte offset.
func parseExit(inName string, err error) error {
	var pe *rawhttp.ProtocolError
	switch {
	case !errors.As(err, &pe):
		return parseErr(fetch.ErrMalformed, fmt.Sprintf("%s: %v", inName, err))
	case errors.Is(err, rawhttp.ErrEmpty):
		return parseErr(fetch.ErrEmptyReply, fmt.Sprintf("%s: empty input: not one byte of a response", inName))
	case errors.Is(err, rawhttp.ErrTruncated) && pe.InBody:
		return parseErr(fetch.ErrPartial, fmt.Sprintf("%s: body cut short at byte %d: %s", inName, pe.Offset, pe.Msg))
	}
	return parseErr(fetch.ResponseKind(err), fmt.Sprintf("%s: response rejected at byte %d: %s", inName, pe.Offset, pe.Msg))
}

// parsePlural returns "1 one" or "n many", such as "1 more byte" or
// "2 more bytes".
func parsePlural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

// parseKeepReader keeps a copy of the first max bytes read through it. Its
// end of input is final: a terminal returns one EOF per Ctrl-D and would
// then be read again.
type parseKeepReader struct {
	r    io.Reader
	max  int
	kept []byte
	eof  bool
}

func (k *parseKeepReader) Read(p []byte) (int, error) {
	if k.eof {
		return 0, io.EOF
	}
	n, err := k.r.Read(p)
	k.eof = err == io.EOF
	if room := k.max - len(k.kept); room > 0 && n > 0 {
		k.kept = append(k.kept, p[:min(n, room)]...)
	}
	return n, err
}

// parseErrWriter records the first write error, so that a failed copy can be
// told apart from a failed read.
type parseErrWriter struct {
	w   io.Writer
	err error
}

func (e *parseErrWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}
