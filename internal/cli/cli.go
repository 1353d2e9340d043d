// Package cli is sockfetch's curl-compatible command line: the flags, the
// commands (fetch, demo, ip, newnym, parse, man), the views they choose, and
// the one table from errors to exit statuses. Main runs it in-process in the
// surroundings a System gives, so tests run the whole CLI, network included.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	"sockfetch/fetch"
	"sockfetch/internal/safetext"
)

// version is sockfetch's version, printed by -V.
const version = "0.1.0"

// OS is the real surroundings: the process's standard streams and
// environment, with ctx canceled on a signal.
func OS(ctx context.Context) *System {
	return &System{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, ctx: ctx}
}

// System is what the app takes from its surroundings; tests replace parts of it.
type System struct {
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	getenv   func(string) string
	resolver fetch.Resolver                                                       // nil: the system's
	dial     func(ctx context.Context, network, address string) (net.Conn, error) // nil: a net.Dialer
	ctx      context.Context                                                      // canceled on Ctrl-C; nil: never
	restrict restrictFunc                                                         // the kernel lock; nil: netlock.Restrict (tests that run in-process replace it)
	sleep    func(ctx context.Context, d time.Duration) error                     // waits between retries; nil: a timer
}

// context returns the context fetches run under.
func (s *System) context() context.Context {
	if s.ctx == nil {
		return context.Background()
	}
	return s.ctx
}

// Main runs sockfetch with args (args[0] is the program name) in the
// surroundings s and returns the exit status; it never exits itself.
func Main(args []string, s *System) (code int) {
	a := &app{System: s}
	defer func() {
		// No stack trace, ever: a bug is reported in one line.
		if r := recover(); r != nil {
			fmt.Fprintf(s.stderr, "sockfetch: internal error: %v\n", r)
			fmt.Fprintf(s.stderr, "hint: please report this bug with the command line that caused it\n")
			code = 1
		}
	}()
	ca := a.cliApp()
	if n := len(args); n > 1 && args[n-1] == completionFlag {
		complete(s.stdout, ca, args[1:n-1], s.getenv(zshCompletionEnv) == "1")
		return 0
	}
	args, err := a.expandConfigs(args, ca)
	if err != nil {
		a.fail(err)
		return exitCode(err)
	}
	err = ca.Run(normalizeArgs(args, ca))
	if err != nil {
		a.fail(err)
		return exitCode(err)
	}
	return a.code
}

// app is one run of the command line.
type app struct {
	*System
	code   int     // exit status of the last URL
	silent bool    // -s without -S: no error messages
	bar    barRule // when a progress bar may be drawn

	getQuery   []byte // -G: the -d data, added to each URL's query; nil for none
	uploadName string // -T FILE's name, added to a URL ending in '/'; "" for none

	outName string // the last URL's output file ("" or "-" for stdout), for -w's filename_effective

	configWarnings []string    // what -K files' lines warn of, said unless -s (config.go)
	save           saveOptions // -J, --output-dir, --create-dirs (savename.go)
}

// cliApp builds the urfave/cli app.
func (a *app) cliApp() *cli.App {
	commands := []*cli.Command{a.fetchCommand(), a.demoCommand()}
	commands = append(commands, extraCommands(a)...)
	return &cli.App{
		Name:                      "sockfetch",
		Usage:                     "fetch URLs over a raw socket: directly, through SOCKS5, or through Tor",
		UsageText:                 "sockfetch [options] URL...\nsockfetch demo | ip | newnym | parse [options]",
		Version:                   version,
		HideVersion:               true, // -V/--version is ours: curl's -v is --verbose
		HideHelpCommand:           true,
		UseShortOptionHandling:    true,
		DisableSliceFlagSeparator: true, // -H 'Accept: a, b' is one header
		Writer:                    a.stdout,
		ErrWriter:                 a.stderr,
		Reader:                    a.stdin,
		Flags:                     cheapNames(flags()),
		Commands:                  commands,
		Action:                    a.fetchAction,
		ExitErrHandler:            func(*cli.Context, error) {}, // run maps errors to exit codes
		OnUsageError:              onUsageError(""),
	}
}

// Go's flag package words for a bad command line, as urfave/cli v2 passes
// them on.
var (
	flagUnknown = regexp.MustCompile(`^flag provided but not defined: -(.+)$`)
	flagNoValue = regexp.MustCompile(`^flag needs an argument: -(.+)$`)
	flagBad     = regexp.MustCompile(`^invalid (boolean )?value (".*") for (?:flag )?-([^:]+): `)
)

// onUsageError returns the usage-error handler of the app (cmd "") or of
// the command cmd: it puts urfave/cli's words for a bad flag in
// sockfetch's, as one line, and never prints the help (which urfave/cli
// does for a command that has no handler).
func onUsageError(cmd string) cli.OnUsageErrorFunc {
	prefix, hint := "", "try 'sockfetch --help' for the options"
	if cmd != "" {
		prefix, hint = cmd+": ", "try 'sockfetch "+cmd+" --help' for the options"
	}
	dashed := func(name string) string { // Go's flag errors drop one dash of --name
		if len(name) > 1 {
			return "--" + name
		}
		return "-" + name
	}
	return func(_ *cli.Context, err error, _ bool) error {
		msg := err.Error()
		if m := flagUnknown.FindStringSubmatch(msg); m != nil {
			msg = fmt.Sprintf("option %s is unknown", dashed(m[1]))
		} else if m := flagNoValue.FindStringSubmatch(msg); m != nil {
			msg = fmt.Sprintf("option %s needs a value", dashed(m[1]))
		} else if m := flagBad.FindStringSubmatch(msg); m != nil && m[1] != "" {
			msg = fmt.Sprintf("option %s takes no value (got %s)", dashed(m[3]), m[2])
		} else if m != nil {
			msg = fmt.Sprintf("%s %s: not a value it takes", dashed(m[3]), m[2])
		}
		return &usageError{msg: prefix + msg, hint: hint}
	}
}

// extraCommands returns the commands that live in their own files:
// ip (ip.go), newnym (newnym.go) and parse (parse.go).
func extraCommands(a *app) []*cli.Command {
	cmds := []*cli.Command{ipCommand(a.restrict), newnymCommand(), parseCommand()}
	for _, c := range moreCommands {
		cmds = append(cmds, c(a))
	}
	return cmds
}

// moreCommands are commands that only some builds have: man (man.go),
// left out of the release build.
var moreCommands []func(*app) *cli.Command

// versionText is what -V prints.
func versionText() string {
	return fmt.Sprintf("sockfetch %s (%s %s/%s)\nProtocols: http https\nFeatures: SOCKS5 socks5h Tor TLS gzip deflate explain trace\n",
		version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// usageError is a bad command line: its kind is fetch.ErrUsage (exit 2).
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }

// Unwrap returns the error's kind, for exitCode.
func (e *usageError) Unwrap() error { return fetch.ErrUsage }

func usageErr(format string, args ...any) *usageError {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: "try 'sockfetch --help' for the options"}
}

// fail prints err unless -s silenced it: one line, and its hint line. An
// error may quote a peer (a server, a proxy, Tor's control port), so both
// go through safetext.Clean: no byte of theirs that a terminal acts on, and no
// line break, reaches the screen.
func (a *app) fail(err error) {
	if a.silent || err.Error() == "" {
		return
	}
	fmt.Fprintf(a.stderr, "sockfetch: %s\n", safetext.Clean(err.Error()))
	if h := hint(err); h != "" {
		fmt.Fprintf(a.stderr, "hint: %s\n", safetext.Clean(h))
	}
}

// hint returns the advice attached to err, if any.
func hint(err error) string {
	var ue *usageError
	var fe *fetch.Error
	switch {
	case errors.As(err, &ue):
		return ue.hint
	case errors.As(err, &fe):
		return fe.Hint
	}
	return ""
}
