package cli

import (
	"strings"

	"github.com/urfave/cli/v2"
)

func init() {
	cli.FlagStringer = flagHelp
}

// flagHelp writes one option for --help as curl does: short name first,
// "-o, --output FILE", then the usage (with its default when it has one that
// is not empty or false). Repeatable options say so once, not by printing
// their names twice as urfave/cli does.
func flagHelp(f cli.Flag) string {
	df, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return ""
	}
	usage, placeholder := df.GetUsage(), ""
	if i := strings.IndexByte(usage, '`'); i >= 0 {
		if j := strings.IndexByte(usage[i+1:], '`'); j >= 0 {
			placeholder = usage[i+1 : i+1+j]
			usage = usage[:i] + placeholder + usage[i+2+j:]
		}
	}
	if df.TakesValue() && placeholder == "" {
		placeholder = "VALUE"
	}
	var short, long []string
	for _, n := range df.Names() {
		if len(n) == 1 {
			short = append(short, "-"+n)
		} else {
			long = append(long, "--"+n)
		}
	}
	names := strings.Join(append(short, long...), ", ")
	if len(short) == 0 {
		names = "    " + names
	}
	if placeholder != "" {
		names += " " + placeholder
	}
	if s, ok := f.(cli.DocGenerationSliceFlag); ok && s.IsSliceFlag() {
		usage += " (repeatable)"
	}
	if d := df.GetDefaultText(); d != "" && d != "false" && d != `""` && df.TakesValue() {
		usage += " (default: " + strings.Trim(d, `"`) + ")"
	}
	if env := df.GetEnvVars(); len(env) > 0 {
		usage += " [$" + strings.Join(env, ", $") + "]"
	}
	return names + "\t" + usage
}
