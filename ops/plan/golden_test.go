package plan

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden/*.json from the program as it is")

// goldenAccount holds the stores a destroyed stack of the example's prefix
// retained, for the take-over case: the program imports them.
var goldenAccount = Account{
	Tables:     []string{"push-dev_router", "push-dev_message", "push-dev_push_messages"},
	TableOwner: "dev",
	Parameters: map[string]string{"/push-turnkey/push-dev/crypto-key": "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="},
	Buckets:    []string{"push-dev-logs-" + MockAccountID},
}

// goldenCases are the configs whose plans are pinned: the example stack
// and every option that changes what is registered, one at a time or in
// the combinations the README shows. "take-over" also runs against
// goldenAccount.
var goldenCases = map[string][]Setting{
	"take-over": {{Pair: "processor=true"}},
	"default":   nil,
	"core-only": {{Pair: "firehose=false"}},
	"processor": {{Pair: "processor=true"}},
	"nat": {{Pair: "processor=true"}, {Pair: "natGateway=true"},
		{Pair: "messagesApiAllowedCidrs[0]=10.30.0.0/16"}, {Pair: "redisNodeType=cache.t4g.small"}},
	"tls-hosted-zone": {{Pair: "domainName=push.example.com"}, {Pair: "hostedZoneId=Z0123456789ABCDEFGHIJ"}},
	"tls-certificate": {{Pair: "domainName=push.example.com"},
		{Pair: "certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/0b1a6b0d-8b5c-4d6e-9f11-2f2f6c7a9d10"}},
	"ssh-alarms": {{Pair: "sshKeyName=ops"}, {Pair: "sshAllowedCidr=203.0.113.0/24"}, {Pair: "alarmEmail=ops@example.com"}},
	"scaling": {{Pair: "connectionNodesMin=2"}, {Pair: "connectionNodesDesired=2"}, {Pair: "connectionNodesMax=6"},
		{Pair: "endpointNodesMin=1"}, {Pair: "endpointNodesMax=3"}, {Pair: "instanceType=t3.medium"},
		{Pair: "nodeCpuTargetPercent=50"}, {Pair: "connectionsPerNodeTarget=5000"}, {Pair: "logRetentionDays=90"}},
	"aws-settings": {{Pair: "aws:region=eu-west-1"}, {Pair: `aws:defaultTags={"tags":{"team":"push"}}`},
		{Pair: `aws:allowedAccountIds=["123456789012"]`}},
	"keys-given": {{Pair: "cryptoKey=i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=", Secret: true},
		{Pair: "previousCryptoKeys[0]=dsJoDUlNOYiROqEazpC3ZNesLLk8SWR0_hrrgndZtV8=", Secret: true},
		{Pair: "autopushVersion=1.58.2"}, {Pair: "tableDeletionProtection=true"}},
}

// TestPlansAreUnchanged: the program registers, for each config of
// goldenCases, exactly what testdata/golden/<case>.json records
// (resources, inputs with secrets masked, options, outputs, warnings). It
// is the safety net of restructuring: a change that moves code must leave
// the plans as they are, and a change meant to alter what is deployed
// rewrites them (go test ./ops/plan -run TestPlansAreUnchanged
// -update-golden) in the commit that explains why.
func TestPlansAreUnchanged(t *testing.T) {
	for name, settings := range goldenCases {
		t.Run(name, func(t *testing.T) {
			s, err := LoadStack("../..", "dev", settings)
			require.NoError(t, err)
			if name == "take-over" {
				s.Account = goldenAccount
			}
			artifacts := t.TempDir()
			s.Artifacts = StandInArtifacts(artifacts)
			p, err := Run(s)
			require.NoError(t, err)
			got, err := json.MarshalIndent(Document(p), "", "  ")
			require.NoError(t, err)
			got = []byte(strings.ReplaceAll(string(got), artifacts, "<artifacts>") + "\n")
			file := filepath.Join("testdata", "golden", name+".json")
			if *updateGolden {
				require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
				require.NoError(t, os.WriteFile(file, got, 0o644))
				return
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err, "no golden plan: run with -update-golden")
			require.Equal(t, string(want), string(got), "the plan of %s changed", name)
		})
	}
}
