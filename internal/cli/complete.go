package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// completionFlag, as the last argument, asks for completion candidates
// instead of a run. The name is urfave/cli's (EnableBashCompletion), but the
// answer is sockfetch's own: urfave/cli reads os.Args and gives up after
// "--", which curl-style argument rewriting inserts.
const completionFlag = "--generate-bash-completion"

// zshCompletionEnv, set to 1, asks for "name:description" candidates, as
// urfave/cli's zsh script does.
const zshCompletionEnv = "_CLI_ZSH_AUTOCOMPLETE_HACK"

// complete writes the completion candidates for words, the command line
// typed so far after the program's name, whose last word is the one being
// completed ("" for a new word). Candidates come one a line from the app's
// definition: the options of the app or of the command named, or the
// commands. Nothing at all means "complete a file name": after an option
// that takes a value, or for a URL or FILE.
func complete(w io.Writer, ca *cli.App, words []string, described bool) {
	if len(words) == 0 {
		words = []string{""}
	}
	cur, before := words[len(words)-1], words[:len(words)-1]
	flags, cmd, args := ca.Flags, (*cli.Command)(nil), 0
	value := false  // the next word is an option's value
	dashes := false // after "--", every word is an argument
	for _, word := range before {
		switch {
		case value:
			value = false
		case dashes:
			args++
		case word == "--":
			dashes = true
		case strings.HasPrefix(word, "-") && word != "-":
			value = takesValue(flags, word)
		case cmd == nil && args == 0 && findCommand(ca, word) != nil:
			cmd = findCommand(ca, word)
			flags = cmd.Flags
		default:
			args++
		}
	}
	if cmd != nil && cmd.SkipFlagParsing { // fetch: the app's own options
		flags = ca.Flags
	}
	put := func(name, usage string) {
		if !strings.HasPrefix(name, cur) {
			return
		}
		if described {
			fmt.Fprintf(w, "%s:%s\n", strings.ReplaceAll(name, ":", `\:`), plainUsage(usage))
			return
		}
		fmt.Fprintln(w, name)
	}
	switch {
	case value, dashes:
		// A value (FILE, URL, METHOD...) or an argument: the shell
		// completes file names.
	case strings.HasPrefix(cur, "-"):
		for _, f := range append(flags, cli.HelpFlag) {
			if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
				continue
			}
			usage := ""
			if d, ok := f.(cli.DocGenerationFlag); ok {
				usage = d.GetUsage()
			}
			for _, n := range f.Names() {
				if len(n) == 1 {
					put("-"+n, usage)
				} else {
					put("--"+n, usage)
				}
			}
		}
	case cmd == nil && args == 0:
		for _, c := range ca.Commands {
			if !c.Hidden {
				put(c.Name, c.Usage)
			}
		}
	}
}

// findCommand returns the app's command named name, or nil.
func findCommand(ca *cli.App, name string) *cli.Command {
	for _, c := range ca.Commands {
		for _, n := range c.Names() {
			if n == name {
				return c
			}
		}
	}
	return nil
}

// takesValue reports whether word, an option, leaves its value to the
// next word: --output, -o, -sSo; not --output=FILE or -oFILE.
func takesValue(flags []cli.Flag, word string) bool {
	if name, ok := strings.CutPrefix(word, "--"); ok {
		if strings.Contains(name, "=") {
			return false
		}
		return flagTakesValue(flags, name)
	}
	group := []rune(word[1:])
	for i, r := range group {
		if flagTakesValue(flags, string(r)) {
			return i == len(group)-1 // the rest of the group is the value
		}
	}
	return false
}

func flagTakesValue(flags []cli.Flag, name string) bool {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				tv, ok := f.(interface{ TakesValue() bool })
				return ok && tv.TakesValue()
			}
		}
	}
	return false
}

// plainUsage is a usage string for a one-line description: the backticks
// that mark the placeholder dropped.
func plainUsage(s string) string {
	return strings.ReplaceAll(s, "`", "")
}
