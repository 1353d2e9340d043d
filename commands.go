package main

import "github.com/urfave/cli/v2"

// extraCommands returns the commands that live in their own files:
// ip (cmd_ip.go), newnym (cmd_newnym.go) and parse (cmd_parse.go).
func extraCommands(a *app) []*cli.Command {
	return []*cli.Command{ipCommand(a.restrict), newnymCommand(), parseCommand()}
}
