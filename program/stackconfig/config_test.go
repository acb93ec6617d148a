package stackconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestDefaults(t *testing.T) {
	c, err := Parse("dev", nil)
	require.NoError(t, err)
	assert.Equal(t, Config{
		TablePrefix:               "push-dev",
		TableDeletionProtection:   true,
		AutopushImage:             "mozilla/autopush",
		AutopushVersion:           "1.58.4",
		AutopushImageArchitecture: "amd64",
		InstanceType:              "t3.small",
		ConnectionNodes:           NodeCounts{1, 1, 1},
		EndpointNodes:             NodeCounts{1, 1, 1},
		NodeCPUTargetPercent:      60,
		ConnectionsPerNodeTarget:  10000,
		RedisNodeType:             "cache.t4g.micro",
		MessagesAPIInstanceType:   "t4g.micro",
		LogRetentionDays:          30,
	}, c)
	assert.Equal(t, "mozilla/autopush:1.58.4", c.Image())
	assert.Equal(t, "push-dev_router", c.RouterTableName())
	assert.Equal(t, "push-dev_message", c.MessageTableName())
	assert.False(t, c.Arm64())
	assert.False(t, c.SSHEnabled())
}

func TestGoodValues(t *testing.T) {
	key := "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="
	c, err := Parse("prod", map[string]string{
		"firehose": "true", "tablePrefix": "Push.prod-1_a", "tableDeletionProtection": "false",
		"cryptoKey": key, "autopushImage": "ghcr.io/example/autopush", "autopushVersion": "1.58.4",
		"autopushImageArchitecture": "arm64", "instanceType": "c7g.large", "connectionNodesMin": "0", "connectionNodesDesired": "2",
		"connectionNodesMax": "5", "sshKeyName": "ops", "sshAllowedCidr": "203.0.113.0/24",
	})
	require.NoError(t, err)
	assert.True(t, c.Firehose)
	assert.Equal(t, "Push.prod-1_a", c.TablePrefix)
	assert.False(t, c.TableDeletionProtection)
	assert.Equal(t, key, c.CryptoKey)
	assert.Equal(t, NodeCounts{0, 2, 5}, c.ConnectionNodes)
	assert.True(t, c.Arm64())
	assert.True(t, c.SSHEnabled())
}

func TestArm64(t *testing.T) {
	for typ, arm := range map[string]bool{
		"t3.small": false, "t3a.small": false, "m7i-flex.large": false, "g5.xlarge": false,
		"t4g.small": true, "a1.medium": true, "c7gn.large": true, "m7gd.xlarge": true, "g5g.xlarge": true, "x2gd.medium": true,
	} {
		assert.Equal(t, arm, Config{InstanceType: typ}.Arm64(), typ)
	}
}

func TestDefaultTablePrefixFitsTheRules(t *testing.T) {
	for stack, want := range map[string]string{
		"dev":                    "push-dev",
		"org.team-prod":          "push-org-team-prod",
		strings.Repeat("s", 100): "push-" + strings.Repeat("s", MaxTablePrefixLength-5),
		"Prod_EU.1":              "push-prod-eu-1",
	} {
		got := DefaultTablePrefix(stack)
		assert.Equal(t, want, got)
		assert.Empty(t, validTablePrefix(got), "default prefix %q must pass validation", got)
		assert.Equal(t, got+"-logs-123456789012", LogBucketName(got, "123456789012"), "a default prefix is bucket-safe as it is")
	}
}

func TestLogBucketNames(t *testing.T) {
	seen := map[string]string{}
	for _, prefix := range []string{"push-prod", "push_prod", "Push.Prod", "push.prod", "PUSH-PROD", strings.Repeat("P", MaxTablePrefixLength)} {
		name := LogBucketName(prefix, "123456789012")
		assert.Regexp(t, `^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`, name, "S3 bucket name rules")
		assert.LessOrEqual(t, len(name), 63)
		assert.NotContains(t, seen, name, "prefixes %q and %q share a bucket", prefix, seen[name])
		seen[name] = prefix
	}
	assert.Equal(t, "push-prod-logs-123456789012", LogBucketName("push-prod", "123456789012"))
	assert.Regexp(t, `^push-prod-[0-9a-f]{6}-logs-123456789012$`, LogBucketName("push_prod", "123456789012"))
}

// TestBadValues: every bad value is refused with an error that names the
// key, says what is wrong and gives an example.
func TestBadValues(t *testing.T) {
	firehose := map[string]string{"firehose": "true"}
	cases := []struct {
		key, value string
		problem    string // part of the message
		extra      map[string]string
	}{
		{"firehose", "yes", `"yes" is not a boolean`, nil},
		{"processor", "maybe", "not a boolean", nil},
		{"tableDeletionProtection", "on", "not a boolean", nil},
		{"tablePrefix", "", "is empty", nil},
		{"tablePrefix", "_push", "must start with a letter or digit", nil},
		{"tablePrefix", "push prod", "DynamoDB table-name characters", nil},
		{"tablePrefix", "push/prod", "DynamoDB table-name characters", nil},
		{"tablePrefix", strings.Repeat("p", 37), "at most 36", nil},
		{"tablePrefix", "xn--push", `starts with "xn--", reserved by S3`, firehose},
		{"tablePrefix", "XN__ab", `starts with "xn--", reserved by S3`, firehose},
		{"tablePrefix", "Sthree_x", `starts with "sthree-", reserved by S3`, firehose},
		{"tablePrefix", "amzn-s3-demo-x", `starts with "amzn-s3-demo-", reserved by S3`, firehose},
		{"tablePrefix", "Push.Prod", `gives the Lambda function name "Push.Prod-push-processor", which may hold only letters, digits, '_', '-'`, map[string]string{"processor": "true"}},
		{"autopushImageArchitecture", "x86", `"x86" is not one of amd64, arm64, multi-arch`, map[string]string{"autopushImage": "ghcr.io/example/autopush"}},
		{"autopushImageArchitecture", "multi-arch", "mozilla/autopush is built for amd64 only", nil},
		{"instanceType", "t4g.small", "t4g.small is a Graviton (arm64) type and mozilla/autopush, built for amd64 only, cannot run there", nil},
		{"instanceType", "c7g.large", "the image ghcr.io/example/autopush cannot run there", map[string]string{"autopushImage": "ghcr.io/example/autopush"}},
		{"instanceType", "t3.small", "t3.small is an x86 type and the image is arm64", map[string]string{"autopushImage": "ghcr.io/example/autopush", "autopushImageArchitecture": "arm64"}},
		{"cryptoKey", "", "is empty", nil},
		{"cryptoKey", "not-a-key", "not a Fernet key", nil},
		{"cryptoKey", "i_CYcNKa2YXrF+7V1Y/2MFfoEl7b6KX55y_9uvOKfJQ=", "is standard base64", nil}, // standard alphabet
		{"cryptoKey", "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ", "not a Fernet key", nil},    // no padding
		{"autopushImage", "mozilla/autopush:1.58.4", "no tag", nil},
		{"autopushImage", "Mozilla/Autopush", "not a container image repository", nil},
		{"autopushImage", "mozilla/autopush'; rm -rf /", "not a container image repository", nil},
		{"autopushVersion", "1.58 4", "not an image tag", nil},
		{"instanceType", "small", "not an EC2 instance type", nil},
		{"instanceType", "T3.SMALL", "not an EC2 instance type", nil},
		{"connectionNodesMin", "one", "not a whole number", nil},
		{"connectionNodesMax", "99999999999999999999", "from 0 to 1000", nil},
		{"endpointNodesMax", "1001", "from 0 to 1000", nil},
		{"connectionNodesMin", "-1", "negative", nil},
		{"connectionNodesDesired", "0", "at least 1", nil},
		{"connectionNodesDesired", "1", "below connectionNodesMin", map[string]string{"connectionNodesMin": "2", "connectionNodesMax": "3"}},
		{"connectionNodesMax", "1", "below connectionNodesDesired", map[string]string{"connectionNodesDesired": "2"}},
		{"endpointNodesDesired", "2.5", "not a whole number", nil},
		{"endpointNodesMax", "0", "below endpointNodesDesired", nil},
		{"sshAllowedCidr", "0.0.0.0/0", "large part of the internet", map[string]string{"sshKeyName": "ops"}},
		{"sshAllowedCidr", "128.0.0.0/1", "large part of the internet", map[string]string{"sshKeyName": "ops"}},
		{"sshAllowedCidr", "203.0.113.7/24", "host bits", map[string]string{"sshKeyName": "ops"}},
		{"sshAllowedCidr", "office", "not an IPv4 CIDR", map[string]string{"sshKeyName": "ops"}},
		{"sshAllowedCidr", "", "must be set when sshKeyName is set", map[string]string{"sshKeyName": "ops"}},
		{"sshKeyName", "", "must be set when sshAllowedCidr is set", map[string]string{"sshAllowedCidr": "203.0.113.0/24"}},
		{"sshKeyName", "ops\nkey", "not an EC2 key pair name", map[string]string{"sshAllowedCidr": "203.0.113.0/24"}},
		{"firehoze", "true", "not a config key", nil},
		{"natGateway", "sometimes", "not a boolean", nil},
		{"redisNodeType", "t4g.micro", "not an ElastiCache node type", nil},
		{"messagesApiInstanceType", "micro", "not an EC2 instance type", nil},
		{"messagesApiAllowedCidrs", "10.0.0.0/16", "is not a list of CIDR blocks", nil},
		{"messagesApiAllowedCidrs", `["10.0.0.0/16", "10.1.0.1/16"]`, "item 1, \"10.1.0.1/16\", has host bits set", nil},
		{"messagesApiAllowedCidrs", `["0.0.0.0/0"]`, "large part of the internet", nil},
		{"messagesApiAllowedCidrs", `["office"]`, "not an IPv4 CIDR block", nil},
		{"messagesApiAllowedCidrs", `["10.0.0.0/16", "203.0.113.7/32"]`, `item 1, "203.0.113.7/32", is not a private block`, nil},
		{"messagesApiAllowedCidrs", `["172.0.0.0/11"]`, `item 0, "172.0.0.0/11", is not a private block`, nil},
		{"messagesApiAllowedCidrs", `["10.1.0.0/16", "10.2.0.0/16", "10.1.0.0/16"]`, `item 2, "10.1.0.0/16", repeats item 0`, nil},
		{"messagesApiAllowedCidrs", cidrs(60), "has 60 blocks; the Messages API's security group takes at most 59 (AWS's default quota of 60 inbound rules", nil},
		{"messagesApiAllowedSecurityGroup", "dashboard", "not a security group ID", nil},
		{"alarmEmail", "ops at example", "not an e-mail address", nil},
		{"nodeCpuTargetPercent", "95", `"95" is not a whole number of percent from 10 to 90`, nil},
		{"nodeCpuTargetPercent", "9", "from 10 to 90", nil},
		{"connectionsPerNodeTarget", "99", `"99" is not a whole number of connections from 100 to 1000000`, nil},
		{"connectionsPerNodeTarget", "1000001", "from 100 to 1000000", nil},
		{"connectionsPerNodeTarget", "lots", "not a whole number", nil},
		{"logRetentionDays", "31", `"31" is not a retention CloudWatch Logs accepts (days: 1, 3, 5, 7, 14, 30,`, nil},
		{"logRetentionDays", "forever", "is not a retention CloudWatch Logs accepts", nil},
		{"previousCryptoKeys", "not-a-list", "not a list of Fernet keys", map[string]string{"cryptoKey": "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="}},
		{"previousCryptoKeys", `["short"]`, "item 0 is not a Fernet key", map[string]string{"cryptoKey": "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="}},
		{"previousCryptoKeys", `["i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="]`, "item 0 repeats cryptoKey", map[string]string{"cryptoKey": "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="}},
		{"previousCryptoKeys", `["i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="]`, "needs cryptoKey", nil},
		{"previousCryptoKeys", `["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]`, "item 1 repeats item 0", map[string]string{"cryptoKey": "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="}},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			raw := map[string]string{}
			for k, v := range tc.extra {
				raw[k] = v
			}
			if tc.value != "" || tc.key == "tablePrefix" || tc.key == "cryptoKey" {
				raw[tc.key] = tc.value
			}
			_, err := Parse("dev", raw)
			require.Error(t, err)
			var cfgErr *Error
			require.True(t, errors.As(err, &cfgErr), "error is a *stackconfig.Error: %v", err)
			msg := err.Error()
			assert.Contains(t, msg, "config push-turnkey:"+tc.key+": ")
			assert.Contains(t, msg, tc.problem)
			switch tc.key {
			case "cryptoKey":
				assert.Contains(t, msg, "pulumi config set --secret cryptoKey <44-character key>")
			case "firehoze":
				assert.Contains(t, msg, "pulumi config rm firehoze")
			case "previousCryptoKeys":
				if strings.Contains(msg, "needs cryptoKey") {
					assert.Contains(t, msg, "pulumi config set --secret cryptoKey")
				} else {
					assert.Contains(t, msg, "pulumi config set --secret --path 'previousCryptoKeys[0]'")
				}
				assert.NotContains(t, msg, "i_CYcNKa2YXrF", "a secret is never repeated")
			case "messagesApiAllowedCidrs":
				assert.Contains(t, msg, "pulumi config set --path 'messagesApiAllowedCidrs[0]' 10.0.0.0/16")
			default:
				// The example is a whole, runnable command: key once, then a value.
				m := regexp.MustCompile(`\(example: pulumi config set (\S+) (.+)\)`).FindStringSubmatch(msg)
				require.NotNil(t, m, msg)
				assert.Equal(t, tc.key, m[1])
				assert.NotContains(t, m[2], tc.key)
			}
			if tc.key == "cryptoKey" && tc.value != "" {
				assert.NotContains(t, err.Error(), tc.value, "a secret is never repeated")
			}
		})
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	_, err := Parse("dev", map[string]string{"firehose": "x", "instanceType": "y"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "push-turnkey:firehose")
	assert.Contains(t, err.Error(), "push-turnkey:instanceType")
}

func TestExamplesAreAccepted(t *testing.T) {
	// Every example a message offers must itself pass.
	for key, example := range map[string]string{
		"firehose": "true", "processor": "false", "tablePrefix": "push_prod", "autopushImage": DefaultAutopushImage,
		"autopushVersion": DefaultAutopushVersion, "instanceType": DefaultInstanceType, "connectionNodesMin": "1",
	} {
		_, err := Parse("dev", map[string]string{key: example})
		assert.NoError(t, err, "%s=%s", key, example)
	}
	_, err := Parse("dev", map[string]string{"sshKeyName": "my-key", "sshAllowedCidr": "203.0.113.0/24"})
	assert.NoError(t, err)
}

func TestParseStack(t *testing.T) {
	key := "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="
	secret := func(k string) bool { return k == "push-turnkey:cryptoKey" }
	plain := func(string) bool { return false }
	_, err := ParseStack("dev", map[string]string{"cryptoKey": key}, "eu-west-1", secret)
	assert.NoError(t, err)
	_, err = ParseStack("dev", map[string]string{"cryptoKey": key}, "", plain)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:cryptoKey: is stored in plain text")
	assert.NotContains(t, err.Error(), key)
	cert := "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
	tls := map[string]string{"certificateArn": cert, "domainName": "push.example.com"}
	_, err = ParseStack("dev", tls, "us-east-1", plain)
	assert.NoError(t, err)
	_, err = ParseStack("dev", tls, "eu-west-1", plain)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:certificateArn: is in us-east-1, but the stack deploys to eu-west-1 (from aws:region); a load balancer takes certificates of its own region")
	for _, region := range []string{"mars-1", "US-EAST-1", "us-east"} {
		_, err = ParseStack("dev", nil, region, plain)
		require.Error(t, err, region)
		assert.Contains(t, err.Error(), "config aws:region: ")
		assert.Contains(t, err.Error(), "example: pulumi config set aws:region us-east-1")
	}
	_, err = ParseStack("dev", nil, "us-gov-west-1", plain)
	assert.NoError(t, err)
}

// TestUnsetValues: the "" and [] defaults Pulumi.yaml declares (the engine
// hands them to the program) mean not set; an empty key set as a secret is
// still a user's empty key, refused.
func TestUnsetValues(t *testing.T) {
	plain := func(string) bool { return false }
	unset := map[string]string{
		"tablePrefix": "", "cryptoKey": "", "sshKeyName": "", "sshAllowedCidr": "", "alarmEmail": "",
		"messagesApiAllowedSecurityGroup": "", "certificateArn": "", "domainName": "", "hostedZoneId": "",
		"messagesApiAllowedCidrs": "[]", "previousCryptoKeys": "[]",
	}
	c, err := ParseStack("dev", unset, "us-east-1", plain)
	require.NoError(t, err)
	bare, err := ParseStack("dev", nil, "us-east-1", plain)
	require.NoError(t, err)
	assert.Equal(t, bare, c)

	secret := func(k string) bool { return k == "push-turnkey:cryptoKey" }
	_, err = ParseStack("dev", map[string]string{"cryptoKey": ""}, "us-east-1", secret)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:cryptoKey: is empty")
}

// TestEmptyValueOfAKeyWithADefaultIsRefused: for a key whose Pulumi.yaml
// default is not empty, the engine passes that default when the stack does
// not set the key, so "" comes only from the stack (`pulumi config set
// autopushVersion ""`). It is refused, naming the key, the command that
// removes it and the default; the key absent, or holding its default as the
// engine passes it, is accepted. The keys and defaults are read from
// Pulumi.yaml itself.
func TestEmptyValueOfAKeyWithADefaultIsRefused(t *testing.T) {
	data, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	var project struct {
		Config map[string]struct {
			Default interface{} `yaml:"default"`
		} `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(data, &project))
	engine := map[string]string{} // what the engine passes a stack that sets nothing
	var withDefault []string
	for key, decl := range project.Config {
		switch d := decl.Default.(type) {
		case string:
			engine[key] = d
		case []interface{}:
			list, err := json.Marshal(d)
			require.NoError(t, err)
			engine[key] = string(list)
		default: // booleans and numbers, as text
			engine[key] = fmt.Sprint(d)
		}
		if engine[key] != "" && engine[key] != "[]" {
			withDefault = append(withDefault, key)
		}
	}
	sort.Strings(withDefault)
	require.Contains(t, withDefault, "autopushVersion", "Pulumi.yaml was read")

	plain := func(string) bool { return false }
	bare, err := ParseStack("dev", nil, "us-east-1", plain)
	require.NoError(t, err)
	c, err := ParseStack("dev", engine, "us-east-1", plain)
	require.NoError(t, err)
	assert.Equal(t, bare, c, "the defaults as the engine passes them are the defaults")

	for _, key := range withDefault {
		t.Run(key, func(t *testing.T) {
			raw := map[string]string{}
			for k, v := range engine {
				raw[k] = v
			}
			raw[key] = ""
			_, err := ParseStack("dev", raw, "us-east-1", plain)
			require.Error(t, err)
			var cfgErr *Error
			require.True(t, errors.As(err, &cfgErr), "error is a *stackconfig.Error: %v", err)
			assert.Equal(t, fmt.Sprintf(`config push-turnkey:%s: is set to "" in the stack (remove it with 'pulumi config rm %s' to take the default %s, or set a value)`,
				key, key, engine[key]), err.Error(), "one message, naming the key and its default")

			delete(raw, key)
			_, err = ParseStack("dev", raw, "us-east-1", plain)
			assert.NoError(t, err, "the key absent takes its default")
		})
	}
}

// TestAdoptExistingOnlyWarns: the key of the release before automatic
// take-over is accepted, with a warning that it does nothing.
func TestAdoptExistingOnlyWarns(t *testing.T) {
	c, err := Parse("dev", map[string]string{"adoptExisting": "true"})
	require.NoError(t, err)
	require.Len(t, c.Warnings, 1)
	assert.Contains(t, c.Warnings[0], "push-turnkey:adoptExisting is no longer needed")
	c, err = Parse("dev", map[string]string{"adoptExisting": "false"})
	require.NoError(t, err)
	assert.Empty(t, c.Warnings)
}

// TestProcessorKeysWithoutTheProcessorWarn: a processor-only key set
// without processor is named in a warning, not silently ignored.
func TestProcessorKeysWithoutTheProcessorWarn(t *testing.T) {
	c, err := Parse("dev", map[string]string{"redisNodeType": "cache.t4g.small", "natGateway": "true"})
	require.NoError(t, err)
	require.Len(t, c.Warnings, 2)
	assert.Contains(t, c.Warnings[0], "push-turnkey:redisNodeType has no effect without processor=true")
	assert.Contains(t, c.Warnings[1], "push-turnkey:natGateway has no effect without processor=true")
	c, err = Parse("dev", map[string]string{"processor": "true", "redisNodeType": "cache.t4g.small"})
	require.NoError(t, err)
	assert.Empty(t, c.Warnings)
	// What the engine passes for keys not set: Pulumi.yaml's defaults.
	c, err = Parse("dev", map[string]string{"redisNodeType": DefaultRedisNodeType, "natGateway": "false",
		"messagesApiInstanceType": DefaultMessagesAPIInstanceType})
	require.NoError(t, err)
	assert.Empty(t, c.Warnings, "a default is not a setting")
}

func TestOwnImagesRunWhereTheirArchitectureSays(t *testing.T) {
	for _, tc := range []struct{ arch, instanceType string }{
		{"multi-arch", "t4g.small"}, {"multi-arch", "t3.small"}, {"arm64", "c7g.large"}, {"amd64", "m7i.large"},
	} {
		c, err := Parse("dev", map[string]string{
			"autopushImage": "ghcr.io/example/autopush", "autopushImageArchitecture": tc.arch, "instanceType": tc.instanceType,
		})
		require.NoError(t, err, "%s on %s", tc.arch, tc.instanceType)
		assert.Equal(t, tc.arch, c.AutopushImageArchitecture)
	}
}

// Each rule of nameRules, with a prefix just inside and just outside it.
// The lengths are the name's limit minus what the stack adds to the prefix.
func TestNameRules(t *testing.T) {
	cases := []struct {
		what             string // the rule's service name, as its problem says it
		firehose, procsr bool
		inside, outside  string
		problem          string
	}{
		{"DynamoDB table name", false, false, strings.Repeat("p", 255-len("_message")), strings.Repeat("p", 256-len("_message")), "at most 255"},
		{"DynamoDB table name", false, false, "Push.prod_1-a", "push prod", "may hold only letters, digits, '_', '-', '.'"},
		{"SSM parameter name", false, false, strings.Repeat("p", 900-len("/push-turnkey//crypto-key")), strings.Repeat("p", 901-len("/push-turnkey//crypto-key")), "at most 900"},
		{"CloudWatch dashboard name", false, false, strings.Repeat("p", 255-len("-push")), strings.Repeat("p", 256-len("-push")), "at most 255"},
		{"S3 bucket name", true, false, strings.Repeat("p", 63-len("-logs-123456789012")), strings.Repeat("p", 64-len("-logs-123456789012")), "at most 63"},
		{"S3 bucket name", true, false, "Push_Prod", "xn--push", `starts with "xn--", reserved by S3`},
		{"Firehose delivery stream name", true, false, strings.Repeat("p", 64-len("-push-logs")), strings.Repeat("p", 65-len("-push-logs")), "at most 64"},
		{"Firehose delivery stream name", true, false, "push.prod", "push prod", "may hold only letters, digits, '_', '.', '-'"},
		{"Lambda function name", true, true, strings.Repeat("p", 64-len("-push-processor")), strings.Repeat("p", 65-len("-push-processor")), "at most 64"},
		{"Lambda function name", true, true, "push_prod", "push.prod", "may hold only letters, digits, '_', '-'"},
		{"CloudWatch Logs log group name", true, true, strings.Repeat("p", 512-len("/aws/lambda/-push-processor")), strings.Repeat("p", 513-len("/aws/lambda/-push-processor")), "at most 512"},
		{"CloudWatch Logs log group name", false, false, strings.Repeat("p", 512-len("/push-turnkey//connection")), strings.Repeat("p", 513-len("/push-turnkey//connection")), "at most 512"},
		{"CloudWatch Logs log group name", true, true, strings.Repeat("p", 512-len("/push-turnkey//messages-api")), strings.Repeat("p", 513-len("/push-turnkey//messages-api")), "at most 512"},
		{"SSM parameter name", true, true, strings.Repeat("p", 900-len("/push-turnkey//redis-auth-token")), strings.Repeat("p", 901-len("/push-turnkey//redis-auth-token")), "at most 900"},
	}
	problemsOf := func(prefix string, firehose, processor bool, what string) []string {
		c := Config{TablePrefix: prefix, Firehose: firehose, Processor: processor}
		var of []string
		for _, p := range nameProblems(c, c.enabled) {
			if strings.Contains(p, "gives the "+what+" ") {
				of = append(of, p)
			}
		}
		return of
	}
	for _, tc := range cases {
		t.Run(tc.what+" "+tc.problem, func(t *testing.T) {
			assert.Empty(t, problemsOf(tc.inside, tc.firehose, tc.procsr, tc.what))
			outside := problemsOf(tc.outside, tc.firehose, tc.procsr, tc.what)
			require.NotEmpty(t, outside)
			assert.Contains(t, outside[0], tc.problem)
			assert.Contains(t, outside[0], "(https://docs.aws.amazon.com/", "the problem cites the rule's page")
		})
	}
}

func TestPrefixOfACoreStackWarnsOfTiersItCannotTurnOn(t *testing.T) {
	c, err := Parse("dev", map[string]string{"tablePrefix": "Push.Prod"})
	require.NoError(t, err, "a '.' is valid in every name a core stack creates")
	require.Len(t, c.Warnings, 1)
	assert.Contains(t, c.Warnings[0], "push-turnkey:tablePrefix cannot be used with processor=true")
	assert.Contains(t, c.Warnings[0], `"Push.Prod-push-processor"`)

	_, err = Parse("dev", map[string]string{"tablePrefix": "Push.Prod", "processor": "true"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "example: pulumi config set tablePrefix Push-Prod")
	_, err = Parse("dev", map[string]string{"tablePrefix": "Push-Prod", "processor": "true"})
	assert.NoError(t, err, "the example offered is accepted")
}

// cidrs is a JSON list of n distinct /24 blocks.
func cidrs(n int) string {
	list := make([]string, n)
	for i := range list {
		list[i] = fmt.Sprintf("%q", fmt.Sprintf("10.0.%d.0/24", i))
	}
	return "[" + strings.Join(list, ",") + "]"
}

func TestMessagesAPIAllowedCidrsUpToTheRuleLimit(t *testing.T) {
	c, err := Parse("dev", map[string]string{"processor": "true", "messagesApiAllowedCidrs": cidrs(59)})
	require.NoError(t, err, "59 blocks and the group's rule fill the 60 inbound rules")
	assert.Len(t, c.MessagesAPIAllowedCIDRs, 59)
}

// TestCertificateOfTheDeployTarget: the region and partition the provider
// reports at run time, which aws:region need not name.
func TestCertificateOfTheDeployTarget(t *testing.T) {
	c := Config{CertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789", DomainName: "push.example.com"}
	assert.NoError(t, c.CheckDeployTarget("aws", "us-east-1"))
	err := c.CheckDeployTarget("aws", "eu-west-1")
	require.Error(t, err)
	var cfgErr *Error
	require.ErrorAs(t, err, &cfgErr)
	assert.Equal(t, "config push-turnkey:certificateArn: is in us-east-1, but the stack deploys to eu-west-1 (from the AWS provider); a load balancer takes certificates of its own region (example: pulumi config set certificateArn arn:aws:acm:eu-west-1:<account>:certificate/<id>)", err.Error())
	err = c.CheckDeployTarget("aws-cn", "cn-north-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is in the partition aws, but the stack deploys to aws-cn (from the AWS provider)")
	assert.Contains(t, err.Error(), "arn:aws-cn:acm:cn-north-1:<account>")
	assert.NoError(t, Config{}.CheckDeployTarget("aws", "eu-west-1"), "no certificate, nothing to check")
}

func TestLogRetention(t *testing.T) {
	for _, days := range []string{"1", "30", "3653"} {
		c, err := Parse("dev", map[string]string{"logRetentionDays": days})
		require.NoError(t, err, days)
		assert.Equal(t, days, fmt.Sprint(c.LogRetentionDays))
	}
	assert.Equal(t, "/push-turnkey/push-dev/connection", Config{TablePrefix: "push-dev"}.LogGroupName(ConnectionLogs))
}

func TestScalingTargetsAtTheirBounds(t *testing.T) {
	c, err := Parse("dev", map[string]string{"nodeCpuTargetPercent": "10", "connectionsPerNodeTarget": "1000000"})
	require.NoError(t, err)
	assert.Equal(t, 10, c.NodeCPUTargetPercent)
	assert.Equal(t, 1000000, c.ConnectionsPerNodeTarget)
	c, err = Parse("dev", map[string]string{"nodeCpuTargetPercent": "90", "connectionsPerNodeTarget": "100"})
	require.NoError(t, err)
	assert.Equal(t, 90, c.NodeCPUTargetPercent)
	assert.Equal(t, 100, c.ConnectionsPerNodeTarget)
}

func TestDashboardNames(t *testing.T) {
	assert.Equal(t, "push-prod-push", Config{TablePrefix: "push-prod"}.DashboardName())
	dotted := Config{TablePrefix: "push.prod"}.DashboardName()
	assert.Regexp(t, `^push-prod-[0-9a-f]{6}-push$`, dotted, "a '.' is refused in dashboard names")
	assert.NotEqual(t, "push-prod-push", dotted, "two prefixes never share a dashboard")
}

func TestACutDefaultPrefixWarns(t *testing.T) {
	c, err := Parse("customer-integration-environment-eu-1", nil)
	require.NoError(t, err)
	assert.Equal(t, "push-customer-integration-environmen", c.TablePrefix)
	require.Len(t, c.Warnings, 1)
	assert.Contains(t, c.Warnings[0], "push-turnkey:tablePrefix is not set, so it is \"push-customer-integration-environmen\", from the stack name cut to 36 characters")
	c, err = Parse("customer-integration-environment-eu-1", map[string]string{"tablePrefix": "push-cie-eu-1"})
	require.NoError(t, err)
	assert.Empty(t, c.Warnings, "a prefix set explicitly")
	c, err = Parse("dev", nil)
	require.NoError(t, err)
	assert.Empty(t, c.Warnings)
}
