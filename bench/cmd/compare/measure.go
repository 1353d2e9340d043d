package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// runTimeout bounds one run of a client.
const runTimeout = 2 * time.Minute

// runOnce runs argv and returns its wall time, from just before the fork to
// just after the wait, and its standard error.
func runOnce(argv []string) (time.Duration, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, stderr.Bytes(), fmt.Errorf("%s: %w: %s", filepath.Base(argv[0]), err, firstLine(stderr.String()))
	}
	return d, stderr.Bytes(), nil
}

// comparison is one row: program a (sockfetch) against b (curl).
type comparison struct {
	name  string
	bytes int64   // body size, for GB/s
	goal  float64 // the ratio a/b to stay at or under; 0: none
	batch int     // runs per sample (default 1)
	a, b  []string
	sink  []string // the origin's ceiling probe, timed in the same rounds; nil: none

	ta, tb, ts []time.Duration // one sample per round
	load       string
	err        error
}

// measure runs a and b alternately, pairs times, after one warm-up run of
// each, and the sink after each pair. With a nil, only b is timed.
func (c *comparison) measure(pairs int) {
	c.load, _, _ = strings.Cut(loadavg(), " ")
	if c.batch < 1 {
		c.batch = 1
	}
	sample := func(argv []string) (time.Duration, error) {
		var sum time.Duration
		for range c.batch {
			d, _, err := runOnce(argv)
			if err != nil {
				return 0, err
			}
			sum += d
		}
		return sum / time.Duration(c.batch), nil
	}
	for i := -1; i < pairs; i++ {
		if c.a != nil {
			d, err := sample(c.a)
			if err != nil {
				c.err = err
				c.a, c.ta = nil, nil
			} else if i >= 0 {
				c.ta = append(c.ta, d)
			}
		}
		d, err := sample(c.b)
		if err != nil {
			c.err = err
			return
		}
		if i >= 0 {
			c.tb = append(c.tb, d)
		}
		if c.sink != nil {
			d, _, err := runOnce(c.sink)
			if err != nil {
				c.sink, c.ts = nil, nil
				log.Printf("origin ceiling probe: %v", err)
			} else if i >= 0 {
				c.ts = append(c.ts, d)
			}
		}
	}
}

// row summarises the comparison for the table.
func (c *comparison) row() row {
	r := row{what: c.name, load: c.load}
	if c.goal > 0 {
		r.goal = fmt.Sprintf("≤ %.2f×", c.goal)
	}
	mb := median(c.tb)
	r.ref = "curl " + c.duration(mb)
	if len(c.ts) > 0 {
		r.origin = c.duration(median(c.ts))
	}
	if len(c.ta) == 0 {
		r.ours = "n/a"
		if c.err != nil {
			r.ours = "failed"
			r.note = c.err.Error()
		}
		return r
	}
	ma := median(c.ta)
	r.ours = c.duration(ma)
	ratio := float64(ma) / float64(mb)
	var pr []float64
	for i := range min(len(c.ta), len(c.tb)) {
		pr = append(pr, float64(c.ta[i])/float64(c.tb[i]))
	}
	slices.Sort(pr)
	r.ratio = fmt.Sprintf("%.2f× (%.2f–%.2f)", ratio, quantile(pr, 0.25), quantile(pr, 0.75))
	if c.goal > 0 {
		r.met = verdict(ratio <= c.goal)
	}
	return r
}

// duration formats d, with the throughput for bodies of 1 MiB or more.
func (c *comparison) duration(d time.Duration) string {
	if c.bytes >= 1<<20 && d > 0 {
		return fmt.Sprintf("%s (%.2f GB/s)", ms(d), float64(c.bytes)/d.Seconds()/1e9)
	}
	return ms(d)
}

func ms(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.0f ms", float64(d)/1e6)
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func median[T int64 | time.Duration | float64](s []T) T {
	if len(s) == 0 {
		return 0
	}
	s = slices.Clone(s)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// quantile returns the q-quantile of sorted s by linear interpolation.
func quantile(s []float64, q float64) float64 {
	if len(s) == 0 {
		return 0
	}
	p := q * float64(len(s)-1)
	i := int(p)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (p-float64(i))*(s[i+1]-s[i])
}

// check fetches a few bodies with both programs (to files) and compares
// them, so that a fast but wrong sockfetch is left out of the table.
func check(cfg *config, base, proxy string) error {
	if _, err := os.Stat(cfg.sockfetch); err != nil {
		return fmt.Errorf("no sockfetch binary: %w", err)
	}
	for _, c := range []struct {
		path     string
		sf, curl []string
	}{
		{"/cl/1k", nil, nil},
		{"/cl/10m", nil, nil},
		{"/chunked/10m", nil, nil},
		{"/chunked/1000000", nil, nil},
		{"/cl/10m", []string{"-x", "socks5h://" + proxy}, []string{"--socks5-hostname", proxy}},
	} {
		want, err := fetchSum(append(append([]string{cfg.curl, "-s"}, c.curl...), base+c.path), cfg.out)
		if err != nil {
			return fmt.Errorf("curl %s: %w", c.path, err)
		}
		got, err := fetchSum(append(append([]string{cfg.sockfetch, "-s"}, c.sf...), base+c.path), cfg.out)
		if err != nil {
			return fmt.Errorf("sockfetch %s %s: %w", strings.Join(c.sf, " "), c.path, err)
		}
		if got != want {
			return fmt.Errorf("sockfetch %s %s: body differs from curl's", strings.Join(c.sf, " "), c.path)
		}
	}
	// Several URLs on one kept-open connection (the reuse rows), to stdout.
	for _, c := range []struct{ sf, curl []string }{
		{nil, nil},
		{[]string{"-x", "socks5h://" + proxy}, []string{"--socks5-hostname", proxy}},
	} {
		urls := []string{base + "/ka/cl/1k", base + "/ka/chunked/1000000", base + "/ka/cl/10m"}
		want, err := stdoutSum(append(append([]string{cfg.curl, "-s"}, c.curl...), urls...))
		if err != nil {
			return fmt.Errorf("curl, three URLs: %w", err)
		}
		got, err := stdoutSum(append(append([]string{cfg.sockfetch, "-s"}, c.sf...), urls...))
		if err != nil {
			return fmt.Errorf("sockfetch %s, three URLs: %w", strings.Join(c.sf, " "), err)
		}
		if got != want {
			return fmt.Errorf("sockfetch %s, three URLs on one connection: output differs from curl's", strings.Join(c.sf, " "))
		}
	}
	return nil
}

// stdoutSum runs argv and returns the SHA-256 of its standard output.
func stdoutSum(argv []string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	h := sha256.New()
	cmd.Stdout = h
	if err := cmd.Run(); err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

// fetchSum runs argv with "-o FILE" before its last argument and returns
// the SHA-256 of what it wrote.
func fetchSum(argv []string, dir string) (string, error) {
	file := filepath.Join(dir, "check.body")
	os.Remove(file)
	n := len(argv) - 1
	argv = append(append(slices.Clone(argv[:n]), "-o", file), argv[n])
	if _, _, err := runOnce(argv); err != nil {
		return "", err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	os.Remove(file)
	return fmt.Sprintf("%x", sha256.Sum256(b)), nil
}

// rss holds median peak RSS figures in KiB.
type rss struct {
	sf1g, sf10m, cu1g, cu10m int64
	sfPar, cuPar             int64 // -Z, 50 transfers of 10 MiB at once
	err                      error
}

var maxRSS = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)

// peakRSS runs argv under /usr/bin/time -v and returns the maximum
// resident set size in KiB.
func peakRSS(argv []string) (int64, error) {
	_, stderr, err := runOnce(append([]string{"/usr/bin/time", "-v"}, argv...))
	if err != nil {
		return 0, err
	}
	m := maxRSS.FindAllSubmatch(stderr, -1)
	if m == nil {
		return 0, errors.New("no \"Maximum resident set size\" in /usr/bin/time -v output")
	}
	return strconv.ParseInt(string(m[len(m)-1][1]), 10, 64)
}

// measureRSS takes the median peak RSS of each program on each body.
func measureRSS(cfg *config, have bool, sf1g, sf10m, cu1g, cu10m, sfPar, cuPar []string) rss {
	var r rss
	med := func(argv []string) int64 {
		if argv == nil || r.err != nil {
			return 0
		}
		var v []int64
		for range cfg.rssRuns {
			k, err := peakRSS(argv)
			if err != nil {
				r.err = err
				return 0
			}
			v = append(v, k)
		}
		return median(v)
	}
	if !have {
		sf1g, sf10m, sfPar = nil, nil, nil
	}
	r.cu1g, r.cu10m, r.cuPar = med(cu1g), med(cu10m), med(cuPar)
	r.sf1g, r.sf10m, r.sfPar = med(sf1g), med(sf10m), med(sfPar)
	return r
}

// syscallCount is strace -c's count of the body path's system calls.
type syscallCount struct {
	what  string
	calls map[string]int
	err   error
}

// traced are the system calls strace counts.
const traced = "splice,read,write,readv,writev,recvfrom,sendfile,copy_file_range"

// traceBodyPath runs each command under strace -f -c and keeps the counts.
func traceBodyPath(cfg *config, have bool, cmds map[string][]string) []syscallCount {
	if _, err := exec.LookPath("strace"); err != nil {
		return []syscallCount{{what: "strace", err: errors.New("strace not installed")}}
	}
	var out []syscallCount
	for _, what := range []string{"Content-Length", "chunked", "via dante", "curl"} {
		argv, ok := cmds[what]
		if !ok || (!have && what != "curl") {
			continue
		}
		file := filepath.Join(cfg.out, "strace-"+strings.ReplaceAll(what, " ", "-")+".txt")
		sc := syscallCount{what: what}
		_, _, sc.err = runOnce(append([]string{"strace", "-f", "-c", "-e", "trace=" + traced, "-o", file}, argv...))
		if sc.err == nil {
			sc.calls, sc.err = parseStrace(file)
		}
		out = append(out, sc)
	}
	return out
}

// parseStrace reads the calls column of an strace -c summary.
func parseStrace(file string) (map[string]int, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	calls := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		// % time, seconds, usecs/call, calls, [errors,] syscall
		if len(f) < 5 || f[len(f)-1] == "total" || f[len(f)-1] == "syscall" {
			continue
		}
		if n, err := strconv.Atoi(f[3]); err == nil {
			calls[f[len(f)-1]] = n
		}
	}
	return calls, nil
}

// benchResult is the median of one parser benchmark's runs.
type benchResult struct {
	ns, allocs, bytes float64
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op.*?(?:([\d.]+) B/op\s+([\d.]+) allocs/op)?$`)

// parserBench runs the parser benchmarks in this module and summarises them
// with benchstat. It returns the medians by benchmark name and benchstat's
// text.
func parserBench(cfg *config) (map[string]benchResult, string, error) {
	raw := filepath.Join(cfg.out, "parse.txt")
	cmd := exec.Command(cfg.goCmd, "test", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(cfg.benchCount), ".")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	os.WriteFile(raw, out.Bytes(), 0o644)
	if err != nil {
		return nil, "", fmt.Errorf("go test -bench: %w: %s", err, lastLines(out.String(), 5))
	}
	samples := map[string][]benchResult{}
	for _, line := range strings.Split(out.String(), "\n") {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		var r benchResult
		r.ns, _ = strconv.ParseFloat(m[2], 64)
		r.bytes, _ = strconv.ParseFloat(m[3], 64)
		r.allocs, _ = strconv.ParseFloat(m[4], 64)
		samples[m[1]] = append(samples[m[1]], r)
	}
	res := map[string]benchResult{}
	for name, s := range samples {
		var ns, al, by []float64
		for _, r := range s {
			ns, al, by = append(ns, r.ns), append(al, r.allocs), append(by, r.bytes)
		}
		res[name] = benchResult{ns: median(ns), allocs: median(al), bytes: median(by)}
	}

	bs := exec.Command(cfg.goCmd, "run", "golang.org/x/perf/cmd/benchstat@latest", "-col", "/impl", raw)
	var errOut bytes.Buffer
	bs.Stderr = &errOut
	text, berr := bs.Output()
	if berr != nil {
		log.Printf("benchstat: %v: %s", berr, lastLines(errOut.String(), 3))
		return res, "", nil
	}
	return res, string(text), nil
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}
