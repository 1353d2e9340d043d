// Command compare measures sockfetch against curl on this machine and prints
// one table of medians, ratios and goals (issue 8).
//
// It starts its own loopback origin (bench/server) and a dante SOCKS5 proxy,
// checks that sockfetch's output equals curl's, then runs every comparison
// alternating the two programs (A B A B, -pairs pairs, after one warm-up run
// of each): a 1 GiB body with Content-Length and chunked to /dev/null, the
// same through dante, a 1 KiB page (whole process), and 50 pages on one
// origin and 20 through dante in one process (connection reuse). Peak RSS comes from
// /usr/bin/time -v. The parser benchmarks in bench/ run with go test -bench
// and are summarised by benchstat. Last, strace counts the body path's
// system calls to show whether the kernel fast path (splice) ran.
//
// Run it from bench/ after building ../sockfetch and out/server; `make bench`
// at the root does all of that. The table also goes to out/table.md.
//
// "compare sink ADDR PATH" is the origin's ceiling probe: it fetches PATH and
// splices the raw response to /dev/null, the least work a client can do.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("compare: ")
	if len(os.Args) == 4 && os.Args[1] == "sink" {
		if err := sink(os.Args[2], os.Args[3]); err != nil {
			log.Fatal(err)
		}
		return
	}

	var cfg config
	flag.StringVar(&cfg.sockfetch, "sockfetch", "../sockfetch", "sockfetch binary under test")
	flag.StringVar(&cfg.curl, "curl", "curl", "curl binary")
	flag.StringVar(&cfg.goCmd, "go", "go", "go command, for the parser benchmarks and benchstat")
	flag.StringVar(&cfg.server, "server", "out/server", "origin binary (bench/server)")
	flag.StringVar(&cfg.out, "out", "out", "directory for logs, configs and out/table.md")
	flag.IntVar(&cfg.pairs, "pairs", 15, "A B pairs per comparison")
	flag.IntVar(&cfg.rssRuns, "rss-runs", 5, "runs per peak RSS figure")
	flag.IntVar(&cfg.benchCount, "count", 10, "go test -count for the parser benchmarks")
	flag.BoolVar(&cfg.parse, "parse", true, "run the parser benchmarks")
	flag.BoolVar(&cfg.strace, "strace", true, "count the body path's system calls with strace")
	flag.StringVar(&cfg.rows, "rows", "", "time only the comparisons whose name matches this `regexp`, and skip peak RSS, strace and the parser benchmarks")
	flag.Parse()

	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		log.Fatal(err)
	}
	if abs, err := filepath.Abs(cfg.sockfetch); err == nil {
		cfg.sockfetch = abs
	}
	t, err := run(&cfg)
	if t != nil {
		text := t.String()
		fmt.Print("\n" + text)
		if werr := os.WriteFile(filepath.Join(cfg.out, "table.md"), []byte(text), 0o644); werr != nil {
			log.Print(werr)
		}
	}
	if err != nil {
		log.Fatal(err)
	}
}

// config is what the flags set.
type config struct {
	sockfetch, curl, server, out string
	goCmd                        string
	pairs, rssRuns, benchCount   int
	parse, strace                bool
	rows                         string // -rows: a regexp over comparison names; "": all
}

// run starts the origin and dante, measures everything and returns the
// table, stopping what it started before it returns.
func run(cfg *config) (*table, error) {
	becomeSubreaper()
	defer reapOrphans()

	var only *regexp.Regexp
	if cfg.rows != "" {
		var err error
		if only, err = regexp.Compile(cfg.rows); err != nil {
			return nil, fmt.Errorf("-rows: %w", err)
		}
		cfg.parse, cfg.strace = false, false
	}

	t := &table{started: time.Now(), loadStart: loadavg(), goCmd: cfg.goCmd}
	origin, err := startServer(cfg, "sendfile")
	if err != nil {
		return nil, err
	}
	defer origin.stop()
	writeOrigin, err := startServer(cfg, "write")
	if err != nil {
		return nil, err
	}
	defer writeOrigin.stop()
	proxy, err := startDante(cfg)
	if err != nil {
		return nil, err
	}
	defer proxy.stop()
	log.Printf("origin %s (sendfile), %s (write); dante on %s", origin.url, writeOrigin.url, proxy.addr)

	base := origin.url
	curlProxy := []string{"--socks5-hostname", proxy.addr}
	sfProxy := []string{"-x", "socks5h://" + proxy.addr}
	sf := func(extra ...string) func(path string) []string {
		return func(path string) []string {
			return append(append([]string{cfg.sockfetch, "-s", "-o", "/dev/null"}, extra...), base+path)
		}
	}
	cu := func(extra ...string) func(path string) []string {
		return func(path string) []string {
			return append(append([]string{cfg.curl, "-s", "-o", "/dev/null"}, extra...), base+path)
		}
	}

	t.sockfetchErr = check(cfg, base, proxy.addr)
	if t.sockfetchErr != nil {
		log.Printf("sockfetch left out: %v", t.sockfetchErr)
	}
	have := t.sockfetchErr == nil

	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	sink := func(path string) []string {
		return []string{self, "sink", strings.TrimPrefix(base, "http://"), path}
	}

	comparisons := []comparison{
		{name: "1 GiB Content-Length → /dev/null", bytes: 1 << 30, goal: 0.90,
			a: sf()("/cl/1g"), b: cu()("/cl/1g"), sink: sink("/cl/1g")},
		{name: "1 GiB chunked (16 KiB chunks)", bytes: 1 << 30, goal: 1.0,
			a: sf()("/chunked/1g"), b: cu()("/chunked/1g"), sink: sink("/chunked/1g")},
		{name: "1 GiB Content-Length via dante (socks5h)", bytes: 1 << 30, goal: 1.0,
			a: sf(sfProxy...)("/cl/1g"), b: cu(curlProxy...)("/cl/1g")},
		{name: "1 KiB page, whole process (10 runs per sample)", bytes: 1 << 10, goal: 0.6, batch: 10,
			a: sf()("/cl/1k"), b: cu()("/cl/1k")},
		{name: "1 GiB Content-Length, write(2) origin (context)", bytes: 1 << 30,
			a: []string{cfg.sockfetch, "-s", "-o", "/dev/null", writeOrigin.url + "/cl/1g"},
			b: []string{cfg.curl, "-s", "-o", "/dev/null", writeOrigin.url + "/cl/1g"}},
		// Several URLs in one process: the origin keeps the connection
		// open (/ka/), so both clients can reuse it; stdout is /dev/null.
		{name: "50 URLs × 1 KiB on one origin, one process", bytes: 1 << 10, goal: 0.8,
			a: manyURLs([]string{cfg.sockfetch, "-s"}, base+"/ka/cl/1k", 50),
			b: manyURLs([]string{cfg.curl, "-s"}, base+"/ka/cl/1k", 50)},
		{name: "20 URLs × 1 KiB via dante (socks5h), one process", bytes: 1 << 10, goal: 0.8,
			a: manyURLs(append([]string{cfg.sockfetch, "-s"}, sfProxy...), base+"/ka/cl/1k", 20),
			b: manyURLs(append([]string{cfg.curl, "-s"}, curlProxy...), base+"/ka/cl/1k", 20)},
	}
	for i := range comparisons {
		c := &comparisons[i]
		if only != nil && !only.MatchString(c.name) {
			continue
		}
		if !have {
			c.a = nil
		}
		log.Printf("timing: %s", c.name)
		c.measure(cfg.pairs)
		t.rows = append(t.rows, c.row())
	}

	if only == nil {
		log.Printf("peak RSS")
		parallel := func(prog string) []string {
			argv := []string{prog, "-s", "-Z"}
			for range 50 {
				argv = append(argv, "-o", "/dev/null", base+"/cl/10m")
			}
			return argv
		}
		t.rss = measureRSS(cfg, have, sf()("/cl/1g"), sf()("/cl/10m"), cu()("/cl/1g"), cu()("/cl/10m"),
			parallel(cfg.sockfetch), parallel(cfg.curl))
	}

	if cfg.strace {
		log.Printf("strace")
		t.syscalls = traceBodyPath(cfg, have, map[string][]string{
			"Content-Length": sf()("/cl/1g"),
			"chunked":        sf()("/chunked/1g"),
			"via dante":      sf(sfProxy...)("/cl/1g"),
			"curl":           cu()("/cl/1g"),
		})
	}

	if cfg.parse {
		log.Printf("parser benchmarks (go test -bench, -count %d)", cfg.benchCount)
		t.parse, t.benchstat, err = parserBench(cfg)
		if err != nil {
			log.Printf("parser benchmarks: %v", err)
			t.notes = append(t.notes, "parser benchmarks failed: "+firstLine(err.Error()))
		}
	}
	t.loadEnd = loadavg()
	t.finished = time.Now()
	return t, nil
}

// manyURLs returns argv followed by url n times.
func manyURLs(argv []string, url string, n int) []string {
	argv = slices.Clone(argv)
	for range n {
		argv = append(argv, url)
	}
	return argv
}

// loadavg returns the first three fields of /proc/loadavg.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
