package pushstack

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

func TestCryptoKeyChoice(t *testing.T) {
	const param = "/push-turnkey/p/crypto-key"
	k1, k2, k3 := "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=", "dsJoDUlNOYiROqEazpC3ZNesLLk8SWR0_hrrgndZtV8=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	tables := map[string]bool{"p_router": true}
	pushMessagesOnly := map[string]bool{"p_push_messages": true}
	cases := map[string]struct {
		cfg      stackconfig.Config
		retained Retained
		keys     []string
		warning  string
		problem  string
	}{
		"new account: generate":         {stackconfig.Config{}, Retained{}, nil, "", ""},
		"the parameter's keys, whole":   {stackconfig.Config{}, Retained{CryptoKeys: []string{k1, k2}, Tables: tables}, []string{k1, k2}, "", ""},
		"configured, no parameter":      {stackconfig.Config{CryptoKey: k1}, Retained{}, []string{k1}, "", ""},
		"rotation keeps the old key":    {stackconfig.Config{CryptoKey: k2, PreviousCryptoKeys: []string{k1}}, Retained{CryptoKeys: []string{k1}}, []string{k2, k1}, "", ""},
		"drops an older key: warned":    {stackconfig.Config{CryptoKey: k1}, Retained{CryptoKeys: []string{k1, k2}}, []string{k1}, "drop 1 older key(s) that " + param + " holds", ""},
		"drops the current key":         {stackconfig.Config{CryptoKey: k3}, Retained{CryptoKeys: []string{k1}}, nil, "", "leaves out the key that " + param},
		"tables without their key":      {stackconfig.Config{TablePrefix: "p"}, Retained{Tables: tables}, nil, "", "does not exist while the prefix's subscriber tables do"},
		"only the push messages table":  {stackconfig.Config{TablePrefix: "p"}, Retained{Tables: pushMessagesOnly}, nil, "", ""},
		"a broken key in the parameter": {stackconfig.Config{}, Retained{CryptoKeys: []string{"not-a-key"}}, nil, "", "SSM parameter " + param + ": key 0 is not a Fernet key"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			keys, warning, err := cryptoKeys(tc.cfg, param, tc.retained)
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				for _, k := range []string{k1, k2, k3} {
					assert.NotContains(t, err.Error(), k, "no key in a message")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.keys, keys)
			if tc.warning == "" {
				assert.Empty(t, warning)
			} else {
				assert.Contains(t, warning, tc.warning)
			}
		})
	}
}
