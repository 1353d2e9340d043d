package cli

import "github.com/urfave/cli/v2"

// fetchCommand is `sockfetch fetch [options] URL...`, the same as
// `sockfetch [options] URL...`: fetching is what sockfetch does when no
// command is named, and the command gives it a line of its own in --help
// beside the others.
func (a *app) fetchCommand() *cli.Command {
	return &cli.Command{
		Name:            "fetch",
		Usage:           "fetch URLs as curl does (the default: sockfetch URL is sockfetch fetch URL)",
		UsageText:       "sockfetch [fetch] [options] URL...",
		SkipFlagParsing: true, // the app's own flags and curl's rewriting apply
		HideHelp:        true,
		Action: func(c *cli.Context) error {
			ca := a.cliApp()
			return ca.Run(normalizeArgs(append([]string{"sockfetch"}, c.Args().Slice()...), ca))
		},
	}
}
