package main

import "github.com/urfave/cli/v2"

// extraCommands returns the commands that live in their own files.
//
// TODO: add newnymCommand() (cmd_newnym.go, new Tor identity through the
// control port) and ipCommand() (cmd_ip.go, exit IP check through Tor) here
// once those files land.
func extraCommands(a *app) []*cli.Command {
	return nil
}
