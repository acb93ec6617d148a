package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/smoke"
	"github.com/push-turnkey/push-turnkey/testing/pushstandin"
)

func TestSmokeAStacksPushServer(t *testing.T) {
	srv := pushstandin.Start()
	defer srv.Close()
	stackOutput = func(stack, name string) (string, error) {
		require.Equal(t, "dev", stack)
		require.Equal(t, "pushServerUrl", name)
		return srv.PushServerURL(), nil
	}
	var out bytes.Buffer
	require.NoError(t, run([]string{"-stack", "dev"}, &out))
	assert.Contains(t, out.String(), "smoke test of "+srv.PushServerURL())
	assert.Contains(t, out.String(), "the push service works")

	srv.DropNotifications = true
	out.Reset()
	err := run([]string{"-push-server-url", srv.PushServerURL(), "-timeout", "1s"}, &out)
	var step *smoke.StepError
	require.True(t, errors.As(err, &step), "%v", err)
	assert.Equal(t, "receive", step.Step)
	assert.NotContains(t, out.String(), "the push service works")
}

func TestBadArgumentsAreRefused(t *testing.T) {
	for want, args := range map[string][]string{
		"give -stack NAME or -push-server-url URL": nil,
		"one of them": {"-stack", "dev", "-push-server-url", "ws://x/"},
		`"http://x/" is not a ws:// or wss:// URL`: {"-push-server-url", "http://x/"},
		"must be above zero":                       {"-push-server-url", "ws://x/", "-timeout", "0"},
		`"foo" is not an http:// or https:// URL`:  {"-push-server-url", "ws://x/", "-messages-api-url", "foo"},
	} {
		err := run(args, &bytes.Buffer{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), want)
	}
}

func TestHelpListsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-h"}, &out))
	for _, flag := range []string{"-stack", "-push-server-url", "-timeout", "-messages-api-url", "-messages-timeout"} {
		assert.Contains(t, out.String(), flag)
	}
}
