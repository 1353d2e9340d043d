package cli

import "github.com/urfave/cli/v2"

// extraCommands returns the commands that live in their own files:
// ip (cmd_ip.go), newnym (cmd_newnym.go) and parse (cmd_parse.go).
func extraCommands(a *app) []*cli.Command {
	cmds := []*cli.Command{ipCommand(a.restrict), newnymCommand(), parseCommand()}
	for _, c := range moreCommands {
		cmds = append(cmds, c(a))
	}
	return cmds
}

// moreCommands are commands that only some builds have: man (cmd_man.go),
// left out of the release build.
var moreCommands []func(*app) *cli.Command
