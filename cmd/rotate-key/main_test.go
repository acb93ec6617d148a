package main

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBadArgumentsAreRefused(t *testing.T) {
	for want, args := range map[string][]string{
		"-stack is required":                   nil,
		"give at most one of":                  {"-stack", "dev", "-list", "-drop", "0"},
		"-drop -2: give the index":             {"-stack", "dev", "-drop", "-2"},
		"must be above zero":                   {"-stack", "dev", "-poll", "0s"},
		"unexpected arguments":                 {"-stack", "dev", "extra"},
		"flag provided but not defined: -keys": {"-stack", "dev", "-keys"},
	} {
		_, _, err := parse(args, io.Discard)
		require.Error(t, err, "%v", args)
		assert.Contains(t, err.Error(), want)
	}
}

func TestFlags(t *testing.T) {
	o, help, err := parse([]string{"-stack", "prod", "-drop", "0", "-poll", "5s"}, io.Discard)
	require.NoError(t, err)
	assert.False(t, help)
	assert.Equal(t, options{stack: "prod", dir: ".", pulumi: "pulumi", drop: 0, poll: 5 * time.Second, timeout: 2 * time.Hour}, o)

	o, _, err = parse([]string{"-stack", "dev"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, -1, o.drop, "no -drop: a rotation")

	var out bytes.Buffer
	_, help, err = parse([]string{"-h"}, &out)
	require.NoError(t, err)
	assert.True(t, help)
	for _, flag := range []string{"-stack", "-C", "-list", "-promote", "-drop", "-poll", "-timeout", "-pulumi"} {
		assert.Contains(t, out.String(), flag)
	}
}
