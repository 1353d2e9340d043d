package cli

import "github.com/urfave/cli/v2"

// urfave/cli v2 computes a flag's names with a regular expression on every
// call of Names, and it calls Names thousands of times per run (IsSet walks
// every flag for every name): a fifth of sockfetch's start-up
// (BENCHMARKS.md). These wrappers answer Names from a slice made once.

type boolFlag struct {
	*cli.BoolFlag
	names []string
}

func (f *boolFlag) Names() []string { return f.names }

type stringFlag struct {
	*cli.StringFlag
	names []string
}

func (f *stringFlag) Names() []string { return f.names }

type stringSliceFlag struct {
	*cli.StringSliceFlag
	names []string
}

func (f *stringSliceFlag) Names() []string { return f.names }

type intFlag struct {
	*cli.IntFlag
	names []string
}

func (f *intFlag) Names() []string { return f.names }

// cheapNames wraps each flag whose kind has a wrapper.
func cheapNames(flags []cli.Flag) []cli.Flag {
	for i, f := range flags {
		names := f.Names()
		switch x := f.(type) {
		case *cli.BoolFlag:
			flags[i] = &boolFlag{x, names}
		case *cli.StringFlag:
			flags[i] = &stringFlag{x, names}
		case *cli.StringSliceFlag:
			flags[i] = &stringSliceFlag{x, names}
		case *cli.IntFlag:
			flags[i] = &intFlag{x, names}
		}
	}
	return flags
}
