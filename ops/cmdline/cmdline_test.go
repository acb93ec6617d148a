package cmdline

import (
	"bytes"
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func flags() *flag.FlagSet {
	f := flag.NewFlagSet("cmd", flag.ContinueOnError)
	f.String("stack", "", "the stack")
	return f
}

func TestParse(t *testing.T) {
	var out bytes.Buffer
	help, err := Parse(flags(), []string{"-h"}, "usage: cmd -stack NAME", &out)
	require.NoError(t, err)
	assert.True(t, help)
	assert.Contains(t, out.String(), "usage: cmd -stack NAME\n")
	assert.Contains(t, out.String(), "-stack", "every flag is listed")

	_, err = Parse(flags(), []string{"-yes"}, "usage: cmd -stack NAME", io.Discard)
	assert.EqualError(t, err, "flag provided but not defined: -yes (usage: cmd -stack NAME)")
	_, err = Parse(flags(), []string{"-stack", "dev", "extra"}, "usage: cmd -stack NAME", io.Discard)
	assert.EqualError(t, err, `unexpected arguments ["extra"] (usage: cmd -stack NAME)`)
	help, err = Parse(flags(), []string{"-stack", "dev"}, "usage: cmd -stack NAME", io.Discard)
	assert.NoError(t, err)
	assert.False(t, help)
}
