package main

import (
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// row is one line of the table.
type row struct {
	what, ours, ref, ratio, goal, met, origin, load, note string
}

// table is everything measured, printed as Markdown.
type table struct {
	started, finished  time.Time
	goCmd              string
	loadStart, loadEnd string
	sockfetchErr       error
	rows               []row
	rss                rss
	syscalls           []syscallCount
	parse              map[string]benchResult
	benchstat          string
	notes              []string
}

// String renders the table, with the machine above it and the kernel fast
// path and benchstat's summary below it.
func (t *table) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## sockfetch vs curl, %s\n\n", t.started.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Machine: %s. Load average (1, 5, 15 min) %s at the start, %s at the end; %s in all.\n\n",
		machine(t.goCmd), t.loadStart, t.loadEnd, t.finished.Sub(t.started).Round(time.Second))
	b.WriteString("Times are medians of pairs run A B A B (sockfetch, then curl) after one warm-up each;\n" +
		"ratio is sockfetch's median over curl's, with the interquartile range of the per-pair ratios.\n" +
		"Origin ceiling: a Go client splicing the raw response to /dev/null (the least work a client\n" +
		"can do), timed after each pair: the origin serves at least that fast.\n" +
		"Load is the 1-minute load average when the row began.\n\n")
	if t.sockfetchErr != nil {
		fmt.Fprintf(&b, "sockfetch left out: %v\n\n", t.sockfetchErr)
	}

	rows := append([]row{}, t.rows...)
	rows = append(rows, t.rssRows()...)
	rows = append(rows, t.parseRows()...)
	writeMarkdown(&b, []string{"measurement", "sockfetch", "reference", "ratio", "goal", "met", "origin ceiling", "load"}, rows)

	for _, r := range rows {
		if r.note != "" {
			fmt.Fprintf(&b, "\n- %s: %s", r.what, r.note)
		}
	}
	b.WriteString("\n")
	if len(t.syscalls) > 0 {
		b.WriteString("\nKernel fast path, 1 GiB body (strace -f -c, calls):\n\n")
		for _, s := range t.syscalls {
			who := "sockfetch " + s.what
			if s.what == "curl" {
				who = "curl Content-Length"
			}
			if s.err != nil {
				fmt.Fprintf(&b, "- %s: %v\n", who, s.err)
				continue
			}
			fmt.Fprintf(&b, "- %s: %s\n", who, countText(s.calls))
		}
	}
	for _, n := range t.notes {
		fmt.Fprintf(&b, "\n%s\n", n)
	}
	if t.benchstat != "" {
		b.WriteString("\nbenchstat -col /impl (parser benchmarks):\n\n```\n")
		b.WriteString(strings.TrimRight(t.benchstat, "\n"))
		b.WriteString("\n```\n")
	}
	return b.String()
}

// countText lists the non-zero counts in a fixed order.
func countText(calls map[string]int) string {
	var parts []string
	for _, name := range strings.Split(traced, ",") {
		if n := calls[name]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
		}
	}
	if len(parts) == 0 {
		return "none of " + traced
	}
	return strings.Join(parts, ", ")
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

func (t *table) rssRows() []row {
	r := t.rss
	if r.cu1g == 0 && r.err == nil {
		return nil
	}
	big := row{what: "peak RSS, 1 GiB body", ref: "curl " + mib(r.cu1g), goal: "≤ 10 MiB", ours: "n/a"}
	small := row{what: "peak RSS, 10 MiB body", ref: "curl " + mib(r.cu10m), goal: "1 GiB's ≤ this + 1 MiB", ours: "n/a"}
	if r.err != nil {
		big.note = r.err.Error()
	}
	if r.sf1g > 0 && r.sf10m > 0 {
		big.ours, small.ours = mib(r.sf1g), mib(r.sf10m)
		big.ratio = fmt.Sprintf("%.2f×", float64(r.sf1g)/float64(r.cu1g))
		small.ratio = fmt.Sprintf("%.2f×", float64(r.sf10m)/float64(r.cu10m))
		big.met = verdict(r.sf1g <= 10*1024)
		small.met = verdict(r.sf1g-r.sf10m <= 1024)
	}
	par := row{what: "peak RSS, -Z: 50 × 10 MiB at once", ref: "curl " + mib(r.cuPar), goal: "≤ 10 MiB", ours: "n/a"}
	if r.sfPar > 0 && r.cuPar > 0 {
		par.ours = mib(r.sfPar)
		par.ratio = fmt.Sprintf("%.2f×", float64(r.sfPar)/float64(r.cuPar))
		par.met = verdict(r.sfPar <= 10*1024)
	}
	return []row{big, small, par}
}

func (t *table) parseRows() []row {
	if t.parse == nil {
		return nil
	}
	res := func(name string) (benchResult, bool) {
		r, ok := t.parse[name]
		return r, ok
	}
	cell := func(impl string, r benchResult, size float64) string {
		s := fmt.Sprintf("%s %.0f ns/op, %.0f allocs", impl, r.ns, r.allocs)
		if size > 0 {
			s = fmt.Sprintf("%s %.1f µs/op (%.1f GB/s), %.0f allocs", impl, r.ns/1e3, size/r.ns, r.allocs)
		}
		return s
	}
	var rows []row
	// add adds a row for ours against ref; check returns the goals missed.
	add := func(what, ours, ref, goal string, size float64, check func(o, f benchResult) []string) {
		o, okO := res(ours)
		f, okF := res(ref)
		if !okF {
			return
		}
		implRef := ref[strings.LastIndex(ref, "=")+1:]
		r := row{what: what, ref: cell(implRef, f, size), goal: goal, ours: "n/a (skipped)"}
		if okO {
			r.ours = cell("rawhttp", o, size)
			r.ratio = fmt.Sprintf("%.2f×", o.ns/f.ns)
			r.met = verdict(true)
			if missed := check(o, f); missed != nil {
				r.met = verdict(false) + " (" + strings.Join(missed, ", ") + ")"
			}
		}
		rows = append(rows, r)
	}
	// goals lists the names of the conditions that are false.
	goals := func(conds ...any) []string {
		var missed []string
		for i := 0; i < len(conds); i += 2 {
			if !conds[i+1].(bool) {
				missed = append(missed, conds[i].(string))
			}
		}
		return missed
	}
	add("parse 609-byte head, Reader reused", "BenchmarkHead/impl=rawhttp", "BenchmarkHead/impl=fasthttp",
		"< 1.00×, ≤ 1 alloc", 0,
		func(o, f benchResult) []string { return goals("time", o.ns < f.ns, "allocs", o.allocs <= 1) })
	add("parse 609-byte head, NewReader per response", "BenchmarkHead/impl=rawhttp-newreader", "BenchmarkHead/impl=fasthttp",
		"≤ 1 alloc", 0,
		func(o, f benchResult) []string { return goals("allocs", o.allocs <= 1) })
	add("parse 609-byte head", "BenchmarkHead/impl=rawhttp", "BenchmarkHead/impl=nethttp",
		"≤ 0.33×, ≤ 2 allocs", 0,
		func(o, f benchResult) []string { return goals("time", o.ns <= f.ns/3, "allocs", o.allocs <= 2) })
	add("chunked 1 MiB, 16 KiB chunks", "BenchmarkChunked/chunk=16k/impl=rawhttp", "BenchmarkChunked/chunk=16k/impl=nethttp",
		"≤ 1.00×", 1<<20,
		func(o, f benchResult) []string { return goals("time", o.ns <= f.ns) })
	perChunk, okPC := res("BenchmarkChunked/chunk=16k/impl=rawhttp")
	add("chunked 1 MiB, 1 KiB chunks", "BenchmarkChunked/chunk=1k/impl=rawhttp", "BenchmarkChunked/chunk=1k/impl=nethttp",
		"≤ 1.00×; allocs as with 16 KiB", 1<<20,
		func(o, f benchResult) []string {
			return goals("time", o.ns <= f.ns, "allocs per chunk", okPC && o.allocs <= perChunk.allocs)
		})
	return rows
}

// writeMarkdown writes a Markdown table with padded columns, readable as
// plain text too.
func writeMarkdown(b *strings.Builder, head []string, rows []row) {
	cells := [][]string{head}
	for _, r := range rows {
		cells = append(cells, []string{r.what, r.ours, r.ref, r.ratio, r.goal, r.met, r.origin, r.load})
	}
	width := make([]int, len(head))
	for _, c := range cells {
		for i, s := range c {
			width[i] = max(width[i], len([]rune(s)))
		}
	}
	line := func(c []string) {
		b.WriteString("|")
		for i, s := range c {
			fmt.Fprintf(b, " %s%s |", s, strings.Repeat(" ", width[i]-len([]rune(s))))
		}
		b.WriteString("\n")
	}
	line(cells[0])
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, c := range cells[1:] {
		line(c)
	}
}

// machine describes the machine in one line.
func machine(goCmd string) string {
	var u unix.Utsname
	kernel := "?"
	if unix.Uname(&u) == nil {
		kernel = unix.ByteSliceToString(u.Release[:])
	}
	model := "?"
	if out, err := exec.Command("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").Output(); err == nil {
		model = strings.TrimSpace(string(out))
	}
	curl := "?"
	if out, err := exec.Command("curl", "--version").Output(); err == nil {
		f := strings.Fields(firstLine(string(out)))
		if len(f) > 1 {
			curl = f[1]
		}
	}
	goVer := runtime.Version()
	if out, err := exec.Command(goCmd, "env", "GOVERSION").Output(); err == nil {
		goVer = strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("%d cores (%s), Linux %s, %s, curl %s", runtime.NumCPU(), model, kernel, goVer, curl)
}
