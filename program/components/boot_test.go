package components_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/components"
)

// The boot scripts run, as the instance would run them, in
// program/pushstack (boot_test.go); here, what Root may be and what it
// changes.

var (
	testNode = components.NodeBoot{
		Command: "autopush", Image: "mozilla/autopush:1.58.4", CryptoKeyParameter: "/push-turnkey/p/crypto-key",
		RouterTable: "p_router", MessageTable: "p_message", LoadBalancerTag: "p", EndpointPort: 8082,
		EndpointScheme: "http", DeliveryStream: "p-push-logs", KeyFingerprint: "0123456789abcdef",
		LogGroup: "/push-turnkey/p/connection",
	}
	testAPI = components.APIBoot{
		Bucket: "p-logs-123456789012", Key: "artifacts/messages-api/abc", TokenParameter: "/push-turnkey/p/redis-auth-token",
		RedisAddress: "master.p.cache.amazonaws.com:6379", Table: "p_push_messages", LogGroup: "/push-turnkey/p/messages-api",
	}
)

// TestBootRootIsAPlainAbsolutePath: Root goes into the scripts unquoted,
// before an absolute path, so only "" or an absolute path of plain names
// is taken.
func TestBootRootIsAPlainAbsolutePath(t *testing.T) {
	for root, taken := range map[string]bool{
		"": true, "/tmp/push-turnkey-root-123": true, "/a/b.c/d_e-f": true,
		"tmp/x": false, "/": false, "/tmp/x/": false, "/tmp/a b": false, "/tmp/../etc": false,
		"/tmp/$(reboot)": false, "/tmp/'x": false, "/tmp/*": false,
	} {
		node, api := testNode, testAPI
		node.Root, api.Root = root, root
		_, nodeErr := components.UserData(node)
		_, apiErr := components.MessagesAPIUserData(api)
		if taken {
			assert.NoError(t, nodeErr, "%q", root)
			assert.NoError(t, apiErr, "%q", root)
			continue
		}
		assert.ErrorContains(t, nodeErr, "is not an absolute path of plain names", "%q", root)
		assert.ErrorContains(t, apiErr, "is not an absolute path of plain names", "%q", root)
	}
}

// TestBootRootOnlyMovesTheInstancesPaths: the scripts rendered with a
// Root are the instance's but for the paths under it, so the scripts the
// pushstack tests run in a directory are the ones an instance runs.
func TestBootRootOnlyMovesTheInstancesPaths(t *testing.T) {
	const root = "/push-turnkey-test-root"
	for _, b := range []components.NodeBoot{testNode, withEndpoint(testNode), withCommand(testNode, "autoendpoint")} {
		plain, err := components.UserData(b)
		require.NoError(t, err)
		b.Root = root
		rooted, err := components.UserData(b)
		require.NoError(t, err)
		assert.NotEqual(t, plain, rooted)
		assert.Equal(t, plain, strings.ReplaceAll(rooted, root+"/", "/"), b.Command)
	}
	plain, err := components.MessagesAPIUserData(testAPI)
	require.NoError(t, err)
	api := testAPI
	api.Root = root
	rooted, err := components.MessagesAPIUserData(api)
	require.NoError(t, err)
	assert.NotEqual(t, plain, rooted)
	assert.Equal(t, plain, strings.ReplaceAll(rooted, root+"/", "/"))
}

func withEndpoint(b components.NodeBoot) components.NodeBoot {
	b.EndpointHost, b.EndpointPort, b.EndpointScheme = "push.example.com", 8443, "https"
	return b
}

func withCommand(b components.NodeBoot, command string) components.NodeBoot {
	b.Command = command
	return b
}
