package cli

import (
	"io"

	"sockfetch/fetch"
	"sockfetch/internal/progress"
	"sockfetch/internal/term"
)

// barRule is what the command line says about a progress bar.
type barRule struct {
	silent  bool // -s or --no-progress-meter
	verbose bool // a view writes to stderr while the body arrives
}

// barRuleOf reads the options that rule out a progress bar: -s,
// --no-progress-meter, and every view that writes to stderr during the
// transfer (-v, --explain, --trace % and --trace-ascii %), which a bar
// redrawing its line would garble. -#/--progress-bar changes nothing: the
// one bar is drawn whenever progress.Wanted allows it.
func barRuleOf(o *options) barRule {
	return barRule{
		silent:  o.output.silent || o.output.noProgress,
		verbose: o.views.verbose || o.views.explain || o.views.trace == "%" || o.views.traceASCII == "%",
	}
}

// progress returns what fetch calls when the body to body starts: it draws
// a bar on stderr when progress.Wanted says so, named after dest (the -o
// file). It returns nil, so that fetch asks nothing, when no bar can be
// drawn whatever the body's size: stderr is not a terminal, or the command
// line rules a bar out.
func (a *app) progress(body io.Writer, dest string) func(total int64) fetch.Counter {
	stderr := term.File(a.stderr)
	if a.bar.silent || a.bar.verbose || !term.IsTerminal(stderr) {
		return nil
	}
	out := term.File(body)
	if dest == "-" {
		dest = ""
	}
	return func(total int64) fetch.Counter {
		if !progress.Wanted(stderr, out, total, a.bar.silent, a.bar.verbose) {
			return nil // a nil Counter, not a nil *progress.Bar inside one
		}
		return progress.New(stderr, total, progress.Options{Description: dest})
	}
}
