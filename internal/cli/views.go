package cli

import (
	"io"
	"sync"

	"sockfetch/explain"
	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/term"
)

// views are the observers of the fetch events asked for on the command
// line: -v, --explain, --trace and --trace-ascii.
type views struct {
	verbose *explain.Verbose
	explain func(w io.Writer) *explain.View // a fresh view per URL, written to w
	traces  []*explain.Trace
	closers []func()
}

// openViews opens the views asked for.
func (a *app) openViews(vo *viewOptions) (*views, error) {
	v := &views{}
	if vo.verbose {
		v.verbose = explain.NewVerbose(a.stderr, term.Color(a.stderr, a.getenv, vo.noColor))
	}
	if vo.explain {
		o := explainOptions(a.stderr, a.getenv, vo.noColor)
		v.explain = func(w io.Writer) *explain.View { return explain.New(w, o) }
	}
	for _, t := range []struct {
		name  string
		ascii bool
	}{{vo.trace, false}, {vo.traceASCII, true}} {
		name := t.name
		if name == "" {
			continue
		}
		w, closeFn, err := a.openAux(name)
		if err != nil {
			v.close()
			return nil, err
		}
		tr := explain.NewTrace(w, t.ascii, vo.traceTime)
		v.traces = append(v.traces, tr)
		v.closers = append(v.closers, func() { tr.Close(); closeFn() })
	}
	return v, nil
}

// explainOptions are the options of a teaching view written to w: the
// width of its terminal (80 columns when w is not a terminal, or one too
// narrow to draw in) and colour where term.Color allows it.
func explainOptions(w io.Writer, getenv func(string) string, noColor bool) explain.Options {
	o := explain.Options{Width: term.Width(w), Color: term.Color(w, getenv, noColor)}
	if o.Width <= 20 {
		o.Width = 80
	}
	return o
}

// observer returns the function to give fetch for the next URL, or nil when
// nothing observes (so that fetch records nothing), and the function that
// ends its views. Its --explain view writes to stderr. When mu is not nil
// (parallel transfers, which observe at once), -v and the traces take it
// for each event, so that their lines stay whole; the explain view, one per
// URL, does not: stderr is its own (parallel.go).
func (v *views) observer(stderr io.Writer, mu *sync.Mutex) (observe func(fetchtrace.Event), finish func()) {
	var obs []func(fetchtrace.Event)
	if v.verbose != nil {
		obs = append(obs, v.verbose.Observe)
	}
	for _, t := range v.traces {
		obs = append(obs, t.Observe)
	}
	if mu != nil && len(obs) > 0 {
		shared := obs
		obs = []func(fetchtrace.Event){func(e fetchtrace.Event) {
			mu.Lock()
			defer mu.Unlock()
			for _, o := range shared {
				o(e)
			}
		}}
	}
	finish = func() {}
	if v.explain != nil {
		view := v.explain(stderr)
		obs = append(obs, view.Observe)
		finish = view.Finish
	}
	switch len(obs) {
	case 0:
		return nil, finish
	case 1:
		return obs[0], finish
	}
	return func(e fetchtrace.Event) {
		for _, o := range obs {
			o(e)
		}
	}, finish
}

// close flushes and closes the trace files.
func (v *views) close() {
	for _, c := range v.closers {
		c()
	}
	v.closers = nil
}
