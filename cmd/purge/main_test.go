package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBadArgumentsAreRefused(t *testing.T) {
	for want, args := range map[string][]string{
		"-stack and -prefix are required":     nil,
		"-stack and -prefix are required (":   {"-stack", "dev"},
		"unexpected arguments":                {"-stack", "dev", "-prefix", "push-dev", "push-dev"},
		"flag provided but not defined: -yes": {"-stack", "dev", "-prefix", "push-dev", "-yes"},
	} {
		_, _, err := parse(args, io.Discard)
		require.Error(t, err, "%v", args)
		assert.Contains(t, err.Error(), want)
	}
}

func TestFlags(t *testing.T) {
	o, help, err := parse([]string{"-stack", "dev", "-prefix", "push-dev", "-confirm", "push-dev"}, io.Discard)
	require.NoError(t, err)
	assert.False(t, help)
	assert.Equal(t, options{stack: "dev", prefix: "push-dev", dir: ".", pulumi: "pulumi", confirm: "push-dev"}, o)

	var out bytes.Buffer
	_, help, err = parse([]string{"-h"}, &out)
	require.NoError(t, err)
	assert.True(t, help)
	for _, flag := range []string{"-stack", "-prefix", "-region", "-confirm", "-C", "-pulumi"} {
		assert.Contains(t, out.String(), flag)
	}
}

func TestAMismatchedConfirmIsRefusedBeforeAWS(t *testing.T) {
	_, _, err := parse([]string{"-stack", "gone", "-prefix", "push-gone", "-confirm", "push-dev"}, io.Discard)
	assert.ErrorContains(t, err, `-confirm "push-dev" is not the prefix "push-gone"`)
}
