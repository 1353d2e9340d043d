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
//   - the word fetch as the first argument is dropped: sockfetch fetch URL
//     is sockfetch URL (the fetch command is there for --help and
//     completion);
//   - another command name (demo, ...) as the first argument ends the
//     rewriting: the command parses its own options.
func normalizeArgs(args []string, app *cli.App) []string {
	if len(args) == 0 {
		return args
	}
	valued := map[string]bool{}
	canon := map[string]string{} // every name and alias to the flag's name
	for _, f := range app.Flags {
		tv, _ := f.(interface{ TakesValue() bool })
		for _, n := range f.Names() {
			canon[n] = f.Names()[0]
			valued[n] = tv != nil && tv.TakesValue()
		}
	}
	commands := map[string]bool{}
	for _, c := range app.Commands {
		for _, n := range c.Names() {
			commands[n] = true
		}
	}

	out := []string{args[0]}
	var pos []string
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
			if c, ok := canon[name]; ok {
				a = "--" + c
				if hasValue {
					a += "=" + value
				}
			}
			out = append(out, a)
			if !hasValue && valued[name] && i+1 < len(args) {
				out = append(out, args[i+1])
				i++
			}
		default:
			group := a[1:]
			for j, ch := range group {
				name := string(ch)
				c, ok := canon[name]
				if !ok {
					out = append(out, "-"+name) // cli reports it
					break
				}
				if name == "O" {
					out = append(out, "--output="+remoteNameMarker)
					continue
				}
				if !valued[name] {
					out = append(out, "--"+c)
					continue
				}
				switch {
				case j+len(name) < len(group):
					out = append(out, "--"+c, group[j+len(name):])
				case i+1 < len(args):
					out = append(out, "--"+c, args[i+1])
					i++
				default:
					out = append(out, "--"+c) // cli reports the missing value
				}
				break
			}
		}
	}
	if len(pos) > 0 {
		out = append(out, "--")
		out = append(out, pos...)
	}
	return out
}
