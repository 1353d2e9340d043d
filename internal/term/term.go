// Package term answers what a command asks about the place its output goes:
// whether it is a terminal, which terminal, how wide it is, and whether
// colour may be used there.
//
// Colour follows https://no-color.org: NO_COLOR set to a non-empty value
// turns it off, and so does --no-color; it is only ever on for a terminal,
// so that a pipe or a file never receives an escape sequence.
package term

import (
	"io"
	"os"

	xterm "golang.org/x/term"
)

// File returns w as an *os.File, or nil when it is not one.
func File(w any) *os.File {
	f, _ := w.(*os.File)
	return f
}

// IsTerminal reports whether w is an *os.File open on a terminal.
func IsTerminal(w any) bool {
	f := File(w)
	return f != nil && xterm.IsTerminal(int(f.Fd()))
}

// Width returns the number of columns of the terminal w is open on, or 0
// when w is not a terminal or its size is unknown.
func Width(w io.Writer) int {
	if !IsTerminal(w) {
		return 0
	}
	cols, _, err := xterm.GetSize(int(File(w).Fd()))
	if err != nil || cols <= 0 {
		return 0
	}
	return cols
}

// Color reports whether output to w may be coloured: w is a terminal,
// getenv("NO_COLOR") is empty and noColor (the --no-color flag) is false.
// A nil getenv means os.Getenv.
func Color(w io.Writer, getenv func(string) string, noColor bool) bool {
	if noColor {
		return false
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	return getenv("NO_COLOR") == "" && IsTerminal(w)
}

// Same reports whether a and b are open on the same terminal: the same
// device node, or one of them the process's controlling terminal /dev/tty
// while the other is a terminal too. It is false when either is not a
// terminal.
func Same(a, b *os.File) bool {
	if !IsTerminal(a) || !IsTerminal(b) {
		return false
	}
	ai, err1 := a.Stat()
	bi, err2 := b.Stat()
	if err1 != nil || err2 != nil {
		return true // both are terminals; assume the worst
	}
	if os.SameFile(ai, bi) {
		return true
	}
	tty, err := os.Stat("/dev/tty")
	return err == nil && (os.SameFile(ai, tty) || os.SameFile(bi, tty))
}
