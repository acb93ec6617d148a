// Package cmdline reads the flags of the operator commands one way: -h
// prints the usage line and every flag to standard output (not an
// error), and a flag the command does not have, or an argument where it
// takes none, is an error that repeats the usage line.
package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// Parse parses args with flags. help is true when -h (or -help) asked for
// the usage, which was then written to out.
func Parse(flags *flag.FlagSet, args []string, usage string, out io.Writer) (help bool, err error) {
	flags.SetOutput(io.Discard)
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			flags.SetOutput(out)
			fmt.Fprintln(out, usage)
			flags.PrintDefaults()
			return true, nil
		}
		return false, fmt.Errorf("%w (%s)", err, usage)
	}
	if flags.NArg() > 0 {
		return false, fmt.Errorf("unexpected arguments %q (%s)", flags.Args(), usage)
	}
	return false, nil
}
