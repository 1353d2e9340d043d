package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"sockfetch/fetch"
	"sockfetch/fetch/fetchtrace"
	"sockfetch/internal/safetext"
)

// saveOptions say how the names of saved files are made: -J,
// --remote-name-all, --output-dir, --create-dirs.
type saveOptions struct {
	headerName bool   // -J: with -O, the name a Content-Disposition gives
	nameAll    bool   // --remote-name-all: -O for every URL without an -o
	dir        string // --output-dir DIR: put before each -o and -O name; "" for none
	createDirs bool   // --create-dirs: make the name's missing folders (0750, as curl)
}

// readSaveOptions reads the saved-name flags.
func readSaveOptions(c *cli.Context) saveOptions {
	return saveOptions{
		headerName: c.Bool("remote-header-name"),
		nameAll:    c.Bool("remote-name-all"),
		dir:        c.String("output-dir"),
		createDirs: c.Bool("create-dirs"),
	}
}

// check refuses what curl 7.88 refuses: -J with -i or -I (the heads would
// go to a file not yet named).
func (s *saveOptions) check(o *options) error {
	if s.headerName && (o.output.include || o.request.head) {
		return usageErr("showing headers and --remote-header-name cannot be combined")
	}
	return nil
}

// destFor returns URL i's destination: its -o or -O, else -O with
// --remote-name-all, else "" (stdout).
func (s *saveOptions) destFor(files []string, i int) string {
	switch {
	case i < len(files):
		return files[i]
	case s.nameAll:
		return remoteNameMarker
	}
	return ""
}

// place returns the path a file named name is written at: under
// --output-dir (as curl, even an absolute name: DIR/NAME), its folders made
// with --create-dirs.
func (s *saveOptions) place(name string) (string, error) {
	if name == "" || name == "-" {
		return name, nil
	}
	if s.dir != "" {
		name = strings.TrimSuffix(s.dir, "/") + "/" + name
	}
	if s.createDirs {
		if d := filepath.Dir(name); d != "." {
			if err := os.MkdirAll(d, 0o750); err != nil {
				return "", &fetch.Error{Kind: fetch.ErrWrite, Msg: fmt.Sprintf("cannot create the folders of %s: %v", name, pathReason(err)), Cause: err}
			}
		}
	}
	return name, nil
}

// contentDispositionName returns the file name a response head's
// Content-Disposition field gives, as curl 7.88 finds it (the first
// "filename=" parameter, quoted or not, no RFC 5987 filename*), made safe:
// its last path element alone (after the last / or \). why says what was
// refused when ok is false and the field gave a name: one with a control
// byte or another rune safetext.Unsafe reports, or one that is empty, "."
// or "..". With no usable name, -J falls back to -O's.
func contentDispositionName(head []byte) (name, why string, ok bool) {
	var value string
	for _, line := range bytes.Split(head, []byte("\r\n")) {
		if k, v, found := bytes.Cut(line, []byte(":")); found && strings.EqualFold(string(bytes.TrimSpace(k)), "Content-Disposition") {
			value = string(bytes.TrimSpace(v))
			break
		}
	}
	raw, found := "", false
	for p := value; ; {
		i := strings.IndexByte(p, ';')
		if i < 0 {
			break
		}
		p = strings.TrimLeft(p[i+1:], " \t")
		if len(p) >= 9 && strings.EqualFold(p[:9], "filename=") {
			raw, found = p[9:], true
			break
		}
	}
	if !found {
		return "", "", false
	}
	if q, quoted := strings.CutPrefix(raw, `"`); quoted {
		raw, _, _ = strings.Cut(q, `"`)
	} else {
		raw, _, _ = strings.Cut(raw, ";")
		raw = strings.TrimRight(raw, " \t")
	}
	name = raw
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	switch {
	case strings.ContainsFunc(name, safetext.Unsafe):
		return "", fmt.Sprintf("Content-Disposition file name %s refused: it holds a control or invisible character", safetext.Clean(fmt.Sprintf("%q", raw))), false
	case name == "" || name == "." || name == "..":
		return "", fmt.Sprintf("Content-Disposition file name %s refused: no file name", safetext.Clean(fmt.Sprintf("%q", raw))), false
	}
	return name, "", true
}

// headerNamed is -J's output: the file is opened at the body's first byte
// (or at the end, empty), under the name of the first Content-Disposition
// filename of the transfer's heads (as curl 7.88, a redirect's counts), or
// else -O's. A Content-Disposition name never
// overwrites a file, as curl 7.88 refuses to (exit 23).
type headerNamed struct {
	a        *app
	s        *saveOptions
	fallback string // -O's name, placed
	cd       bool   // a head gave a filename, usable or not
	cdName   string // its name, when usable
	cdWhy    string // why it was refused, when not
	observe  func(fetchtrace.Event)
	of       *fetch.OutputFile
	w        io.Writer
	name     string
	err      error
}

// watch records the final response heads, then passes e on.
func (h *headerNamed) watch(e fetchtrace.Event) {
	if e.Kind == fetchtrace.EvRecvHead && e.Status >= 200 && !h.cd {
		var ok bool
		h.cdName, h.cdWhy, ok = contentDispositionName(e.Bytes)
		h.cd = ok || h.cdWhy != ""
	}
	if h.observe != nil {
		h.observe(e)
	}
}

// Write opens the file at the first byte, then writes to it.
func (h *headerNamed) Write(p []byte) (int, error) {
	if h.w == nil && h.err == nil {
		h.err = h.open()
	}
	if h.err != nil {
		return 0, h.err
	}
	return h.w.Write(p)
}

// open creates the file the last head names.
func (h *headerNamed) open() error {
	name := h.cdName
	if h.cdWhy != "" && h.observe != nil {
		h.observe(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: h.cdWhy})
	}
	if name == "" {
		h.name = h.fallback
	} else {
		placed, err := h.s.place(name)
		if err != nil {
			return err
		}
		h.name = placed
		if _, err := os.Lstat(placed); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return &fetch.Error{Kind: fetch.ErrWrite, Msg: fmt.Sprintf("refusing to overwrite %s: file exists", placed),
				Hint: "-J never replaces a file: remove it, or save with -o FILE"}
		}
		if h.observe != nil {
			h.observe(fetchtrace.Event{Kind: fetchtrace.EvInfo, Info: "saving as " + placed + ", the name Content-Disposition gives"})
		}
	}
	of, err := fetch.CreateOutput(h.name)
	if err != nil {
		return err
	}
	h.of, h.w = of, of.Writer()
	return nil
}

// finish opens the file if no byte came (an empty body is an empty
// file), then commits it, or removes it after err.
func (h *headerNamed) finish(err error) error {
	if err == nil && h.w == nil && h.err == nil {
		h.err = h.open()
	}
	if h.err != nil {
		if err == nil || errors.Is(err, fetch.ErrWrite) {
			err = h.err
		}
	}
	if h.of != nil {
		if err == nil {
			return h.of.Commit()
		}
		h.of.Abort()
	}
	return err
}

// fetchHeaderNamed fetches r for -O -J: fallback is -O's name, placed.
func (a *app) fetchHeaderNamed(ctx context.Context, r *fetch.Request, fallback string, out fetch.Output) (*fetch.Result, error) {
	h := &headerNamed{a: a, s: &a.save, fallback: fallback, observe: r.Observe}
	r.Observe = h.watch
	out.Body = h
	out.Progress = a.progress(out.Body, fallback)
	res, err := fetch.Fetch(ctx, r, out)
	err = h.finish(err)
	if h.name != "" {
		a.outName = h.name
	}
	return res, err
}
