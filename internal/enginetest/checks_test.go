package enginetest

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryResourcePassesTheProvidersCheck: with every optional feature
// on (TLS with a hosted zone, SSH, alarm e-mail, the processor tier with a
// NAT gateway and its allowed sources, a rotation's keys set as secrets by
// path, as the README says), `pulumi up` and a second preview go through
// the engine: every resource's inputs pass the provider's Check against
// the real provider's input types, and the config passes the engine's
// validation.
func TestEveryResourcePassesTheProvidersCheck(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	s := e.stack(t, "full")
	setConfig(t, s, map[string]string{
		"aws:region":                                   "us-east-1",
		"push-turnkey:tablePrefix":                     "push-full",
		"push-turnkey:tableDeletionProtection":         "false",
		"push-turnkey:processor":                       "true",
		"push-turnkey:natGateway":                      "true",
		"push-turnkey:domainName":                      "push.example.com",
		"push-turnkey:hostedZoneId":                    "Z0123456789ABCDEFGHIJ",
		"push-turnkey:alarmEmail":                      "ops@example.com",
		"push-turnkey:sshKeyName":                      "ops",
		"push-turnkey:sshAllowedCidr":                  "203.0.113.0/24",
		"push-turnkey:messagesApiAllowedSecurityGroup": "sg-0123456789abcdef0",
	})
	current, previous := "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=", "dsJoDUlNOYiROqEazpC3ZNesLLk8SWR0_hrrgndZtV8="
	for key, value := range map[string]auto.ConfigValue{
		"push-turnkey:cryptoKey":                  {Value: current, Secret: true},
		"push-turnkey:previousCryptoKeys[0]":      {Value: previous, Secret: true},
		"push-turnkey:messagesApiAllowedCidrs[0]": {Value: "10.30.0.0/16"},
	} {
		require.NoError(t, s.SetConfigWithOptions(ctx, key, value, &auto.ConfigOptions{Path: true}), "pulumi config set --path %s", key)
	}
	res, _ := up(t, s)
	assert.Equal(t, "wss://push.example.com/", outputString(t, res, "pushServerUrl"))
	assert.Equal(t, current, outputString(t, res, "cryptoKey"))
	expectNoChanges(t, s)
	destroy(t, s)
}
