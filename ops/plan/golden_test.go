package plan

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
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

// oldAccount holds the stores of a destroyed stack "old" of the prefix
// push-old, for the take-over from another stack.
var oldAccount = Account{
	Tables:     []string{"push-old_router", "push-old_message"},
	TableOwner: "old",
	Parameters: map[string]string{"/push-turnkey/push-old/crypto-key": "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="},
}

// peeredAccount has a dashboard's security group in a VPC peered with the
// stack's, which an earlier `pulumi up` made.
var peeredAccount = Account{
	StackVPCs:      []string{"vpc-0stack00000000000"},
	SecurityGroups: map[string]string{"sg-0123456789abcdef0": "vpc-0dashboard000000"},
	Peerings:       [][2]string{{"vpc-0dashboard000000", "vpc-0stack00000000000"}},
}

// goldenCase is one pinned config: its settings over the example stack,
// and the account it meets (a new one when zero).
type goldenCase struct {
	settings []Setting
	account  Account
}

// goldenCases are the configs whose plans are pinned: the example stack
// and every option that changes what is registered, one at a time or in
// the combinations the README shows. TestEveryKeyHasAGoldenCase keeps
// every config key in at least one.
var goldenCases = map[string]goldenCase{
	"default":   {},
	"core-only": {settings: []Setting{{Pair: "firehose=false"}}},
	"processor": {settings: []Setting{{Pair: "processor=true"}}},
	"nat": {settings: []Setting{{Pair: "processor=true"}, {Pair: "natGateway=true"},
		{Pair: "messagesApiAllowedCidrs[0]=10.30.0.0/16"}, {Pair: "redisNodeType=cache.t4g.small"}}},
	"api-options": {settings: []Setting{{Pair: "processor=true"}, {Pair: "messagesApiInstanceType=t4g.small"},
		{Pair: "messagesApiAllowedSecurityGroup=sg-0123456789abcdef0"}}, account: peeredAccount},
	"tls-hosted-zone": {settings: []Setting{{Pair: "domainName=push.example.com"}, {Pair: "hostedZoneId=Z0123456789ABCDEFGHIJ"}}},
	"tls-certificate": {settings: []Setting{{Pair: "domainName=push.example.com"},
		{Pair: "certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/0b1a6b0d-8b5c-4d6e-9f11-2f2f6c7a9d10"}}},
	"ssh-alarms": {settings: []Setting{{Pair: "sshKeyName=ops"}, {Pair: "sshAllowedCidr=203.0.113.0/24"}, {Pair: "alarmEmail=ops@example.com"}}},
	"scaling": {settings: []Setting{{Pair: "connectionNodesMin=2"}, {Pair: "connectionNodesDesired=2"}, {Pair: "connectionNodesMax=6"},
		{Pair: "endpointNodesMin=1"}, {Pair: "endpointNodesDesired=2"}, {Pair: "endpointNodesMax=3"}, {Pair: "instanceType=t3.medium"},
		{Pair: "nodeCpuTargetPercent=50"}, {Pair: "connectionsPerNodeTarget=5000"}, {Pair: "logRetentionDays=90"}}},
	"own-image": {settings: []Setting{{Pair: "autopushImage=registry.example.com/push/autopush"}, {Pair: "autopushVersion=1.58.4-arm64"},
		{Pair: "autopushImageArchitecture=arm64"}, {Pair: "instanceType=t4g.small"}}},
	"aws-settings": {settings: []Setting{{Pair: "aws:region=eu-west-1"}, {Pair: `aws:defaultTags={"tags":{"team":"push"}}`},
		{Pair: `aws:allowedAccountIds=["123456789012"]`}}},
	"keys-given": {settings: []Setting{{Pair: "cryptoKey=i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=", Secret: true},
		{Pair: "previousCryptoKeys[0]=dsJoDUlNOYiROqEazpC3ZNesLLk8SWR0_hrrgndZtV8=", Secret: true},
		{Pair: "autopushVersion=1.58.2"}, {Pair: "tableDeletionProtection=true"}}},
	"take-over":      {settings: []Setting{{Pair: "processor=true"}}, account: goldenAccount},
	"take-over-from": {settings: []Setting{{Pair: "tablePrefix=push-old"}, {Pair: "takeOverFrom=old"}, {Pair: "adoptExisting=true"}}, account: oldAccount},
}

// TestEveryKeyHasAGoldenCase: every config key is set in some pinned
// plan, so no option's resources go unpinned.
func TestEveryKeyHasAGoldenCase(t *testing.T) {
	set := map[string]bool{}
	for _, c := range goldenCases {
		for _, s := range c.settings {
			key, _, _ := strings.Cut(s.Pair, "=")
			key, _, _ = strings.Cut(key, "[")
			set[key] = true
		}
	}
	for _, key := range stackconfig.Keys {
		assert.True(t, set[key], "no golden case sets %s: add one to goldenCases", key)
	}
}

// TestPlansAreUnchanged: the program registers, for each config of
// goldenCases, exactly what testdata/golden/<case>.json records
// (resources, inputs with secrets masked, options, outputs, warnings). It
// is the safety net of restructuring: a change that moves code must leave
// the plans as they are, and a change meant to alter what is deployed
// rewrites them (go test ./ops/plan -run TestPlansAreUnchanged
// -update-golden) in the commit that explains why.
func TestPlansAreUnchanged(t *testing.T) {
	for name, c := range goldenCases {
		t.Run(name, func(t *testing.T) {
			s, err := LoadStack("../..", "dev", c.settings)
			require.NoError(t, err)
			s.Account = c.account
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
