package cli

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// remoteNameMarker stands for -O in the --output list, so that -o and -O
// keep their order (each takes the next URL).
const remoteNameMarker = "\x00remote-name"

// normalizeArgs rewrites a curl-style command line into one urfave/cli v2
// parses as curl would:
//
//   - options may follow the URLs (v2 stops at the first argument): options
//     are moved before the arguments, each keeping its value, and the
//     arguments are put after "--" (so a URL never passes for an option);
//   - everything after "--" is an argument;
//   - combined short options are split, the last one taking a value:
//     -fsSL, -sSo FILE, -oFILE, -H'Name: v';
//   - every option is written in its long form (v2 refuses "-o a --output
//     b" as two forms of one flag; curl takes both);
//   - -O and --remote-name become an --output entry, in order with -o;
//   - --new-circuit=each becomes the hidden flag newCircuitEach;
//   - the word fetch as the first argument is dropped: sockfetch fetch URL
//     is sockfetch URL (the fetch command is there for --help and
//     completion);
//   - another command name (demo, ...) as the first argument ends the
//     rewriting: the command parses its own options;
//   - an option that takes a value but ends the line leaves the arguments
//     out, so that cli reports the missing value (after "--", cli would
//     take "--" for it: URL -o wrote a file named --).
func normalizeArgs(args []string, app *cli.App) []string {
	if len(args) == 0 {
		return args
	}
	names := namesOf(app)
	canon, valued, commands := names.canon, names.valued, names.commands
	out := []string{args[0]}
	var pos []string
	dangling := false // the last option wants a value the line lacks
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case a == "-" || !strings.HasPrefix(a, "-"):
			if len(pos) == 0 && a == fetchCommandName {
				continue
			}
			if len(pos) == 0 && commands[a] {
				return append(out, args[i:]...)
			}
			pos = append(pos, a)
		case strings.HasPrefix(a, "--"):
			name, value, hasValue := strings.Cut(a[2:], "=")
			if name == "remote-name" && !hasValue {
				out = append(out, "--output="+remoteNameMarker)
				continue
			}
			if name == "new-circuit" && value == "each" {
				out = append(out, "--"+newCircuitEach)
				continue
			}
			if canon[name] == urlFlagName { // --url URL is an argument, in order with the others
				switch {
				case hasValue:
					pos = append(pos, value)
				case i+1 < len(args):
					pos = append(pos, args[i+1])
					i++
				default:
					out = append(out, a)
					dangling = true
				}
				continue
			}
			if c, ok := canon[name]; ok {
				a = "--" + c
				if hasValue {
					a += "=" + value
				}
			}
			out = append(out, a)
			if !hasValue && valued[name] {
				if i+1 == len(args) {
					dangling = true
					break
				}
				out = append(out, args[i+1])
				i++
			}
		default:
			var next *string
			if i+1 < len(args) {
				next = &args[i+1]
			}
			var tookNext bool
			out, tookNext, dangling = names.shortGroup(out, a[1:], next)
			if tookNext {
				i++
			}
		}
	}
	if len(pos) > 0 && !dangling {
		out = append(out, "--")
		out = append(out, pos...)
	}
	return out
}

// argNames are the app's names, as normalizeArgs reads them.
type argNames struct {
	canon    map[string]string // every flag name and alias to the flag's name
	valued   map[string]bool   // the flag names that take a value
	commands map[string]bool   // every command name and alias
}

func namesOf(app *cli.App) argNames {
	n := argNames{canon: map[string]string{}, valued: map[string]bool{}, commands: map[string]bool{}}
	for _, f := range app.Flags {
		tv, _ := f.(interface{ TakesValue() bool })
		for _, name := range f.Names() {
			n.canon[name] = f.Names()[0]
			n.valued[name] = tv != nil && tv.TakesValue()
		}
	}
	for _, c := range app.Commands {
		for _, name := range c.Names() {
			n.commands[name] = true
		}
	}
	return n
}

// shortGroup appends the long forms of the short options in group (-fsSL
// without its dash) to out. The first that takes a value takes the rest of
// the group, or else next (nil at the end of the line): tookNext says so,
// and dangling that the value is missing.
func (n argNames) shortGroup(out []string, group string, next *string) (_ []string, tookNext, dangling bool) {
	for j, ch := range group {
		name := string(ch)
		c, ok := n.canon[name]
		if !ok {
			return append(out, "-"+name), false, false // cli reports it
		}
		if name == "O" {
			out = append(out, "--output="+remoteNameMarker)
			continue
		}
		if !n.valued[name] {
			out = append(out, "--"+c)
			continue
		}
		switch {
		case j+len(name) < len(group):
			return append(out, "--"+c, group[j+len(name):]), false, false
		case next != nil:
			return append(out, "--"+c, *next), true, false
		}
		return append(out, "--"+c), false, true // cli reports the missing value
	}
	return out, false, false
}
