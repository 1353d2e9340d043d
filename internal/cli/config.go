package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"sockfetch/fetch"
	"sockfetch/internal/safetext"
)

// Config files (-K/--config FILE) are read as curl 7.88 reads them
// (tool_parsecfg.c), and only when asked: sockfetch never reads a .curlrc.
// expandConfigs replaces each -K FILE on the command line by the words its
// file stands for, before normalizeArgs, so that a config's options take
// effect where the -K stands, as curl's do.

// Limits of a config file.
const (
	maxConfigBytes = 16 << 20 // a config larger than this is refused: it is not a list of options, and memory stays bounded
	maxConfigDepth = 16       // -K inside a config inside a config ...: curl has no bound, and a file naming itself would never end
)

// urlFlagName is --url URL, an argument given as an option (a config's
// url = URL): normalizeArgs puts it among the arguments, in order.
const urlFlagName = "url"

// configEntry is one option line of a config file: the option as written
// (with its dashes, if it had any) and its parameter (nil when the line
// has none).
type configEntry struct {
	line   int
	option string
	param  *string
	spaced bool // an unquoted parameter was followed by more than a comment
}

// parseConfig splits a config file's text into its option lines, by curl's
// rules: leading blanks skipped; a line whose first other byte is #, /, *
// or the end is skipped; the option ends at a blank, or, when it has no
// leading dash, also at = or :; blanks (and for an undashed option, = and
// :) are skipped; a parameter in double quotes takes the escapes \t \n \r
// \v, and \ before any other byte stands for that byte; an unquoted one
// ends at a blank. A NUL ends a line, as in curl's C strings.
func parseConfig(text string) []configEntry {
	var out []configEntry
	for n, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, 0); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimLeft(line, " \t\r\v\f")
		if line == "" || strings.ContainsRune("#/*", rune(line[0])) {
			continue
		}
		dashed := line[0] == '-'
		isSep := func(c byte) bool { return isConfigSpace(c) || (!dashed && (c == '=' || c == ':')) }
		i := 0
		for i < len(line) && !isSep(line[i]) {
			i++
		}
		e := configEntry{line: n + 1, option: line[:i]}
		for i < len(line) && isSep(line[i]) {
			i++
		}
		rest := line[i:]
		switch {
		case strings.HasPrefix(rest, `"`):
			p := unslashQuote(rest[1:])
			e.param = &p
		case rest != "":
			j := 0
			for j < len(rest) && !isConfigSpace(rest[j]) {
				j++
			}
			p := rest[:j]
			after := strings.TrimLeft(rest[j:], " \t\r\v\f")
			e.spaced = after != "" && after[0] != '#'
			e.param = &p
		}
		out = append(out, e)
	}
	return out
}

// isConfigSpace is C's isspace, as curl's ISSPACE.
func isConfigSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// unslashQuote returns the quoted parameter s starts with (its opening
// quote already passed), up to its closing quote or the line's end.
func unslashQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && s[i] != '"'; i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			break
		}
		switch c := s[i]; c {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'v':
			b.WriteByte('\v')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// configWords returns the command-line words the entries of file stand
// for, and curl's warnings for the lines it skips or reads in part: an
// unknown option, a missing parameter, a parameter an option does not
// take (the option is still set, as curl sets it). A -K among them is
// returned as the words "--config" and its file, for the caller to expand.
func (n argNames) configWords(file string, entries []configEntry) (words, warnings []string) {
	warn := func(e configEntry, what string) {
		warnings = append(warnings, fmt.Sprintf("%s:%d: warning: '%s' %s", file, e.line, e.option, what))
	}
	for _, e := range entries {
		if e.spaced {
			warn(e, "uses unquoted whitespace in the line that may cause side-effects!")
		}
		name, short := e.option, false
		switch {
		case strings.HasPrefix(name, "--"):
			name = name[2:]
		case strings.HasPrefix(name, "-"):
			name, short = name[1:], true
		}
		if short && name != "" {
			if !n.knownGroup(name) {
				warn(e, "is unknown")
				continue
			}
			w, took, dangling := n.shortGroup(nil, name, e.param)
			if dangling {
				warn(e, "requires parameter")
				continue
			}
			if e.param != nil && *e.param != "" && !took {
				warn(e, "had unsupported trailing garbage")
			}
			words = append(words, w...)
			continue
		}
		c, ok := n.canon[name]
		switch {
		case !ok:
			warn(e, "is unknown")
		case !n.valued[name]:
			if e.param != nil && *e.param != "" {
				warn(e, "had unsupported trailing garbage")
			}
			words = append(words, "--"+c)
		case e.param == nil:
			warn(e, "requires parameter")
		default:
			words = append(words, "--"+c, *e.param)
		}
	}
	return words, warnings
}

// knownGroup reports whether every letter of the short-option group
// (without its dash) is an option, up to the first that takes a value.
func (n argNames) knownGroup(group string) bool {
	for _, ch := range group {
		if _, ok := n.canon[string(ch)]; !ok {
			return false
		}
		if n.valued[string(ch)] {
			return true
		}
	}
	return true
}

// configReader reads the config files a command line names.
type configReader struct {
	names    argNames
	stdin    io.Reader
	warnings []string
}

// expandConfigs returns args (args[0] is the program) with every -K FILE
// (-K -: standard input; --config FILE, --config=FILE, -sK FILE, -KFILE)
// replaced by the words of its file, nested configs expanded in turn.
// Words after "--", the values of other options and the arguments of
// another command are left as they are. A file that cannot be read is an
// error of kind fetch.ErrReadFile, curl's 26 and curl's words.
func (a *app) expandConfigs(args []string, ca *cli.App) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	r := &configReader{names: namesOf(ca), stdin: a.stdin}
	rest, err := r.expand(args[1:], 0)
	if err != nil {
		return nil, err
	}
	a.configWarnings = r.warnings
	return append([]string{args[0]}, rest...), nil
}

// sayConfigWarnings prints the config files' warnings, unless -s (curl's
// warnings are muted by -s, even with -S).
func (a *app) sayConfigWarnings(silent bool) {
	if silent {
		return
	}
	for _, w := range a.configWarnings {
		fmt.Fprintf(a.stderr, "sockfetch: %s\n", safetext.Clean(w))
	}
}

// expand expands the -K options of args, depth configs deep.
func (r *configReader) expand(args []string, depth int) ([]string, error) {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, bool) {
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		var file string
		switch {
		case a == "--":
			return append(out, args[i:]...), nil
		case a == "-" || !strings.HasPrefix(a, "-"):
			if depth == 0 && r.names.commands[a] && a != fetchCommandName && !hasPositional(out) {
				return append(out, args[i:]...), nil
			}
			out = append(out, a)
			continue
		case strings.HasPrefix(a, "--"):
			name, value, hasValue := strings.Cut(a[2:], "=")
			if r.names.canon[name] != "config" {
				out = append(out, a)
				if !hasValue && r.names.valued[name] {
					if v, ok := next(); ok {
						out = append(out, v)
					}
				}
				continue
			}
			if !hasValue {
				v, ok := next()
				if !ok {
					return append(out, a), nil // cli reports the missing value
				}
				value = v
			}
			file = value
		default:
			k, valued := r.configLetter(a[1:])
			if k < 0 {
				out = append(out, a)
				if valued {
					if v, ok := next(); ok {
						out = append(out, v)
					}
				}
				continue
			}
			if k > 0 {
				out = append(out, "-"+a[1:1+k])
			}
			file = a[2+k:]
			if file == "" {
				v, ok := next()
				if !ok {
					return append(out, "-K"), nil // cli reports the missing value
				}
				file = v
			}
		}
		words, err := r.file(file, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, words...)
	}
	return out, nil
}

// configLetter returns where K stands in the short-option group (without
// its dash), -1 if another letter takes the group's value first or there
// is none; then wantsNext says whether the group's last letter takes the
// next word as its value.
func (r *configReader) configLetter(group string) (k int, wantsNext bool) {
	for j, ch := range group {
		name := string(ch)
		if r.names.canon[name] == "config" {
			return j, false
		}
		if r.names.valued[name] {
			return -1, j == len(group)-1
		}
	}
	return -1, false
}

// hasPositional reports whether words hold an argument already (so that a
// command's name is a URL, not the command).
func hasPositional(words []string) bool {
	for _, w := range words {
		if !strings.HasPrefix(w, "-") {
			return true
		}
	}
	return false
}

// file returns the expanded words of the config file name ("-" for
// standard input).
func (r *configReader) file(name string, depth int) ([]string, error) {
	if depth >= maxConfigDepth {
		return nil, usageErr("config files nested more than %d deep (from '%s')", maxConfigDepth, name)
	}
	text, err := r.read(name)
	if err != nil {
		return nil, &fetch.Error{Kind: fetch.ErrReadFile, Msg: fmt.Sprintf("cannot read config from '%s'", name),
			Hint: "option -K: error encountered when reading a file", Cause: err}
	}
	shown := name
	if name == "-" {
		shown = "<stdin>"
	}
	words, warnings := r.names.configWords(shown, parseConfig(text))
	r.warnings = append(r.warnings, warnings...)
	return r.expand(words, depth+1)
}

// read returns the text of the config file name. A directory reads as an
// empty file, as in curl (fopen succeeds, the first read fails).
func (r *configReader) read(name string) (string, error) {
	var src io.Reader
	if name == "-" {
		if r.stdin == nil {
			return "", nil
		}
		src = r.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		src = f
	}
	b, err := io.ReadAll(io.LimitReader(src, maxConfigBytes+1))
	switch {
	case errors.Is(err, syscall.EISDIR):
		return "", nil
	case err != nil:
		return "", err
	case len(b) > maxConfigBytes:
		return "", fmt.Errorf("larger than %d bytes", maxConfigBytes)
	}
	return string(b), nil
}
