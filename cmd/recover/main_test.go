package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/recovery"
)

func TestBadArgumentsAreRefused(t *testing.T) {
	for want, args := range map[string][]string{
		"-stack is required":                  nil,
		"unexpected arguments":                {"-stack", "dev", "dev"},
		"want URN=ID":                         {"-stack", "dev", "-adopt", "i-0123"},
		"want a URN":                          {"-stack", "dev", "-forget", "push-connection"},
		"flag provided but not defined: -yes": {"-stack", "dev", "-yes"},
	} {
		_, _, err := parse(args, io.Discard)
		require.Error(t, err, "%v", args)
		assert.Contains(t, err.Error(), want)
	}
}

func TestFlags(t *testing.T) {
	urn := "urn:pulumi:dev::push-turnkey::push-turnkey:service:PushService$aws:autoscaling/group:Group::push-connection"
	o, help, err := parse([]string{"-stack", "dev", "-unlock", "-adopt", urn + "=push-connection-1a2b3c4", "-forget", urn + "x"}, io.Discard)
	require.NoError(t, err)
	assert.False(t, help)
	assert.Equal(t, options{stack: "dev", dir: ".", pulumi: "pulumi", opts: recovery.Options{Unlock: true,
		Adopt: map[string]string{urn: "push-connection-1a2b3c4"}, Forget: []string{urn + "x"}}}, o)

	var out bytes.Buffer
	_, help, err = parse([]string{"-h"}, &out)
	require.NoError(t, err)
	assert.True(t, help)
	for _, flag := range []string{"-stack", "-unlock", "-dry-run", "-adopt", "-forget", "-region", "-C", "-pulumi"} {
		assert.Contains(t, out.String(), flag)
	}
}
