package pushstack_test

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/program/pushstack"
)

// coreTypes are the resource types of the default config, each with its count.
var coreTypes = map[string]int{
	"pulumi:providers:aws":                                      1,
	"push-turnkey:network:Network":                              1,
	"aws:ec2/vpc:Vpc":                                           1,
	"aws:ec2/internetGateway:InternetGateway":                   1,
	"aws:ec2/routeTable:RouteTable":                             1,
	"aws:ec2/subnet:Subnet":                                     2,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":       2,
	"push-turnkey:security:CryptoKey":                           1,
	"random:index/randomBytes:RandomBytes":                      1,
	"aws:ssm/parameter:Parameter":                               1,
	"push-turnkey:storage:PushTables":                           1,
	"aws:dynamodb/table:Table":                                  2,
	"push-turnkey:service:PushService":                          1,
	"aws:ec2/securityGroup:SecurityGroup":                       4,
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 5,
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   4,
	"aws:iam/role:Role":                                         1,
	"aws:iam/rolePolicy:RolePolicy":                             1,
	"aws:iam/instanceProfile:InstanceProfile":                   1,
	"aws:lb/loadBalancer:LoadBalancer":                          1,
	"aws:lb/targetGroup:TargetGroup":                            2,
	"aws:lb/listener:Listener":                                  2,
	"aws:ec2/launchTemplate:LaunchTemplate":                     2,
	"aws:autoscaling/group:Group":                               2,
	"push-turnkey:monitoring:Alarms":                            1,
	"aws:sns/topic:Topic":                                       1,
	"aws:kms/key:Key":                                           2, // the alarm topic's, the log groups'
	"aws:cloudwatch/metricAlarm:MetricAlarm":                    2, // unhealthy connection / endpoint nodes
	"push-turnkey:monitoring:LogKey":                            1,
	"aws:cloudwatch/logGroup:LogGroup":                          2, // the connection and endpoint nodes'
	"push-turnkey:monitoring:Dashboard":                         1,
	"aws:cloudwatch/dashboard:Dashboard":                        1,
}

// firehoseTypes are added by firehose=true (roles and policies add to the core's).
var firehoseTypes = map[string]int{
	"push-turnkey:logging:FirehoseLogging":                                                       1,
	"aws:s3/bucketV2:BucketV2":                                                                   1,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     1,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     1,
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               1,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 1,
	"aws:s3/bucketPolicy:BucketPolicy":                                                           1,
	"aws:cloudwatch/logGroup:LogGroup":                                                           1,
	"aws:cloudwatch/logStream:LogStream":                                                         1,
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":                                  1,
	"aws:iam/role:Role":                                                                          1,
	"aws:iam/rolePolicy:RolePolicy":                                                              1,
	"aws:cloudwatch/metricAlarm:MetricAlarm":                                                     2, // delivery failures, a silent stream
	"aws:cloudwatch/logMetricFilter:LogMetricFilter":                                             3, // endpoint requests, 4xx, 5xx
}

func typeCounts(p *plan.Plan) map[string]int {
	counts := map[string]int{}
	for _, r := range p.Resources {
		counts[r.Type]++
	}
	return counts
}

// processorTypes are added by processor=true (on top of the Firehose tier).
var processorTypes = map[string]int{
	"push-turnkey:network:PrivateNetwork":                            1,
	"aws:ec2/subnet:Subnet":                                          2,
	"aws:ec2/routeTable:RouteTable":                                  1,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":            2,
	"aws:ec2/vpcEndpoint:VpcEndpoint":                                2,
	"push-turnkey:processor:ProcessorTier":                           1,
	"aws:ec2/securityGroup:SecurityGroup":                            3,
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":      3,
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":        4,
	"aws:dynamodb/table:Table":                                       1,
	"random:index/randomPassword:RandomPassword":                     1,
	"aws:ssm/parameter:Parameter":                                    1,
	"aws:elasticache/subnetGroup:SubnetGroup":                        1,
	"aws:elasticache/replicationGroup:ReplicationGroup":              1,
	"aws:cloudwatch/logGroup:LogGroup":                               2, // the Lambda's, the Messages API's
	"aws:sqs/queue:Queue":                                            1,
	"aws:iam/role:Role":                                              2,
	"aws:iam/rolePolicy:RolePolicy":                                  2,
	"aws:iam/instanceProfile:InstanceProfile":                        1,
	"aws:s3/bucketObjectv2:BucketObjectv2":                           3, // the processor settings, its code, the Messages API binary
	"aws:lambda/function:Function":                                   1,
	"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 1,
	"aws:lambda/permission:Permission":                               1,
	"aws:s3/bucketNotification:BucketNotification":                   1,
	"aws:ec2/networkInterface:NetworkInterface":                      1,
	"aws:ec2/eip:Eip":                                                1,
	"aws:ec2/launchTemplate:LaunchTemplate":                          1,
	"aws:ec2/instance:Instance":                                      1,
	"aws:cloudwatch/metricAlarm:MetricAlarm":                         5, // Lambda errors, parked events, malformed records, no readable records, unreadable deliveries
}

func TestResourceTypesPerConfig(t *testing.T) {
	want := map[string]map[string]int{"default": coreTypes, "firehose": {}, "processor": {}}
	for _, tier := range []map[string]int{coreTypes, firehoseTypes} {
		for typ, n := range tier {
			want["firehose"][typ] += n
			want["processor"][typ] += n
		}
	}
	for typ, n := range processorTypes {
		want["processor"][typ] += n
	}
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, want[name], typeCounts(runPlan(t, config, nil)))
		})
	}
}

func TestEveryResourceUsesTheTaggingProvider(t *testing.T) {
	p := runPlan(t, configs["firehose"], nil)
	provider := one(t, p, "pulumi:providers:aws", "aws")
	tags := masked(provider, "defaultTags").(map[string]interface{})["tags"]
	assert.Equal(t, map[string]interface{}{"project": "push-turnkey", "stack": "test", "managed-by": "pulumi"}, tags)
	assert.Equal(t, "us-east-1", str(t, provider, "region"))
	for _, r := range p.Resources {
		if r.Custom && strings.HasPrefix(r.Type, "aws:") {
			assert.True(t, strings.HasPrefix(r.Options.Provider, provider.URN+"::"),
				"%s %s uses provider %q", r.Type, r.Name, r.Options.Provider)
		}
	}
}

func TestUserDataStoresAreRetained(t *testing.T) {
	p := runPlan(t, configs["firehose"], nil)
	retained := map[string]bool{}
	for _, r := range p.Resources {
		if r.Options.RetainOnDelete {
			retained[r.Type+" "+r.Name] = true
		}
	}
	assert.Equal(t, map[string]bool{
		"aws:dynamodb/table:Table push-tables-router":  true,
		"aws:ssm/parameter:Parameter crypto-key":       true,
		"aws:dynamodb/table:Table push-tables-message": true,
		"aws:s3/bucketV2:BucketV2 push-logs":           true,
		// A retained bucket keeps its protections.
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock push-logs":                                     true,
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls push-logs":                                     true,
		"aws:s3/bucketVersioningV2:BucketVersioningV2 push-logs":                                               true,
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2 push-logs": true,
		"aws:s3/bucketPolicy:BucketPolicy push-logs":                                                           true,
	}, retained)
}

func TestPushTablesMatchAutopushSchema(t *testing.T) {
	p := runPlan(t, map[string]string{"tablePrefix": "prod_push"}, nil)
	router := one(t, p, "aws:dynamodb/table:Table", "push-tables-router")
	message := one(t, p, "aws:dynamodb/table:Table", "push-tables-message")

	assert.Equal(t, "prod_push_router", str(t, router, "name"))
	assert.Equal(t, "uaid", str(t, router, "hashKey"))
	assert.NotContains(t, router.Inputs, resource.PropertyKey("rangeKey"))
	assert.NotContains(t, router.Inputs, resource.PropertyKey("ttl"))
	assert.Equal(t, []interface{}{map[string]interface{}{"name": "uaid", "type": "S"}}, masked(router, "attributes"))

	assert.Equal(t, "prod_push_message", str(t, message, "name"))
	assert.Equal(t, "uaid", str(t, message, "hashKey"))
	assert.Equal(t, "chidmessageid", str(t, message, "rangeKey"))
	assert.Equal(t, []interface{}{
		map[string]interface{}{"name": "uaid", "type": "S"},
		map[string]interface{}{"name": "chidmessageid", "type": "S"},
	}, masked(message, "attributes"))
	assert.Equal(t, map[string]interface{}{"attributeName": "expiry", "enabled": true}, masked(message, "ttl"))

	for _, table := range []plan.Resource{router, message} {
		assert.Equal(t, "PAY_PER_REQUEST", str(t, table, "billingMode"))
		assert.Equal(t, map[string]interface{}{"enabled": true}, masked(table, "pointInTimeRecovery"))
		assert.Equal(t, map[string]interface{}{"enabled": true}, masked(table, "serverSideEncryption"))
		assert.Equal(t, true, masked(table, "deletionProtectionEnabled"), "deletion protection is on by default")
	}

	p = runPlan(t, map[string]string{"tableDeletionProtection": "false"}, nil)
	assert.Equal(t, false, masked(one(t, p, "aws:dynamodb/table:Table", "push-tables-router"), "deletionProtectionEnabled"))
}

func TestOutputs(t *testing.T) {
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			p := runPlan(t, config, nil)
			want := []string{"alarmTopicArn", "cryptoKey", "endpointUrl", "loadBalancerDns", "messageTableName", "pushServerUrl", "routerTableName", "tablePrefix", "vpcId", "dashboardName",
				"previousCryptoKeys", "connectionGroupName", "endpointGroupName"}
			if firehoseOn(name) {
				want = append(want, "deliveryStreamName", "firehoseLoggingBucket")
			}
			if name == "processor" {
				want = append(want, "messagesApiPrivateIp", "messagesApiUrl", "dashboardTunnel", "processorFunctionName", "redisEndpoint", "failedEventsQueueUrl")
			}
			sort.Strings(want)
			var got []string
			for k := range p.Outputs {
				got = append(got, k)
			}
			sort.Strings(got)
			require.Equal(t, want, got)

			assert.Equal(t, one(t, p, "aws:ec2/vpc:Vpc", "push").ID, p.Outputs["vpcId"].Value, "the VPC to peer a dashboard's with")

			// Both URLs point at the load balancer's DNS name.
			ws, http := p.Outputs["pushServerUrl"].Value.(string), p.Outputs["endpointUrl"].Value.(string)
			assert.Regexp(t, `^ws://push-[0-9a-f-]+\.elb\.us-east-1\.amazonaws\.com:8080/$`, ws)
			assert.Equal(t, strings.TrimSuffix(strings.TrimPrefix(ws, "ws://"), ":8080/"),
				strings.TrimSuffix(strings.TrimPrefix(http, "http://"), ":8082/"))
			assert.Equal(t, "push-test", p.Outputs["tablePrefix"].Value)
			assert.Equal(t, "push-test_router", p.Outputs["routerTableName"].Value)
			assert.Equal(t, "push-test_message", p.Outputs["messageTableName"].Value)
			assert.True(t, p.Outputs["cryptoKey"].Secret)
			assert.True(t, p.Outputs["previousCryptoKeys"].Secret)
			assert.Equal(t, []string{}, p.Outputs["previousCryptoKeys"].Value, "a generated key has no predecessors")
			for k, o := range p.Outputs {
				if k != "cryptoKey" && k != "previousCryptoKeys" {
					assert.False(t, o.Secret, "output %s", k)
				}
			}
			// The groups' names are the ones the provider chose (the
			// fake account's, read from the plan): an operator watches
			// their instance refreshes by them.
			for role, key := range map[string]string{"connection": "connectionGroupName", "endpoint": "endpointGroupName"} {
				group := one(t, p, "aws:autoscaling/group:Group", "push-"+role)
				assert.Equal(t, output(t, group, "name"), p.Outputs[key].Value, "output %s", key)
				assert.Regexp(t, `^push-`+role+`-[0-9a-f]{7}$`, p.Outputs[key].Value, "output %s is a made-up name", key)
			}
			if firehoseOn(name) {
				assert.Equal(t, "push-test-logs-"+plan.MockAccountID, p.Outputs["firehoseLoggingBucket"].Value)
				assert.Equal(t, "push-test-push-logs", p.Outputs["deliveryStreamName"].Value)
			}
		})
	}
}

// TestPreviousCryptoKeysOutput: the output previousCryptoKeys holds every
// key the key parameter holds after cryptoKey, newest first, whether they
// come from the config or from a retained parameter the config does not
// name (a taken-over stack's older keys), and it is a secret: a rotation
// and a backup read the whole list from it.
func TestPreviousCryptoKeysOutput(t *testing.T) {
	current := base64.URLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	older := base64.URLEncoding.EncodeToString([]byte("fedcba9876543210fedcba9876543210"))
	oldest := mockGeneratedKey()

	p := runPlan(t, nil, map[string]string{"cryptoKey": current, "previousCryptoKeys": `["` + older + `","` + oldest + `"]`})
	assert.True(t, p.Outputs["previousCryptoKeys"].Secret)
	assert.Equal(t, []string{older, oldest}, p.Outputs["previousCryptoKeys"].Value, "from the config")

	stack := stackFor(map[string]string{"tablePrefix": "push-old"}, nil)
	stack.Account = retainedAccount("push-old", current+","+older+","+oldest)
	p, err := plan.Run(stack)
	require.NoError(t, err)
	assert.Equal(t, current, p.Outputs["cryptoKey"].Value)
	assert.True(t, p.Outputs["previousCryptoKeys"].Secret)
	assert.Equal(t, []string{older, oldest}, p.Outputs["previousCryptoKeys"].Value, "from the retained parameter")
	assert.False(t, containsAny(plainStrings(p), older), "an old key appears in plain text")
}

// mockGeneratedKey is the key the program makes, for the stack "test",
// from the random bytes the fake account's random provider makes, read
// from its plan.
func mockGeneratedKey() string {
	return components.FernetKeyFromBase64(plannedSecret("random:index/randomBytes:RandomBytes", "crypto-key", "base64"))
}

func TestCryptoKeyIsSecretEverywhere(t *testing.T) {
	given := base64.URLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	cases := map[string]struct {
		secrets map[string]string
		key     string
	}{
		"generated": {nil, mockGeneratedKey()},
		"given":     {map[string]string{"cryptoKey": given}, given},
	}
	for name, tc := range cases {
		for cfgName, config := range configs {
			t.Run(name+"/"+cfgName, func(t *testing.T) {
				p := runPlan(t, config, tc.secrets)
				out := p.Outputs["cryptoKey"]
				assert.True(t, out.Secret)
				assert.Equal(t, tc.key, out.Value)

				param := one(t, p, "aws:ssm/parameter:Parameter", "crypto-key")
				assert.Equal(t, "SecureString", str(t, param, "type"))
				assert.Equal(t, "/push-turnkey/push-test/crypto-key", str(t, param, "name"))
				value := param.Inputs["value"]
				require.True(t, value.IsSecret(), "the parameter value must be a secret")
				assert.Equal(t, tc.key, value.SecretValue().Element.StringValue())

				assert.False(t, containsAny(plainStrings(p), tc.key), "the key appears in plain text")
				assert.NotContains(t, userData(t, p, "push-connection"), tc.key)
			})
		}
	}
	// A given key replaces the generated one: no random bytes are made.
	p := runPlan(t, nil, map[string]string{"cryptoKey": given})
	assert.Empty(t, p.Find("random:index/randomBytes:RandomBytes"))
}

func TestGeneratedKeyIsAFernetKey(t *testing.T) {
	p := runPlan(t, nil, nil)
	bytes := one(t, p, "random:index/randomBytes:RandomBytes", "crypto-key")
	assert.Equal(t, float64(components.FernetKeyBytes), masked(bytes, "length"))
	key := p.Outputs["cryptoKey"].Value.(string)
	assert.Len(t, key, 44)
	decoded, err := base64.URLEncoding.Strict().DecodeString(key)
	require.NoError(t, err)
	assert.Len(t, decoded, 32)
}

func TestTwoRunsRegisterIdenticalInputs(t *testing.T) {
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			a, b := runPlan(t, config, nil), runPlan(t, config, nil)
			require.Equal(t, len(a.Resources), len(b.Resources))
			for i := range a.Resources {
				ra, rb := a.Resources[i], b.Resources[i]
				require.Equal(t, ra.URN, rb.URN)
				assert.True(t, ra.Inputs.DeepEquals(rb.Inputs), "inputs of %s differ between runs", ra.URN)
				assert.Equal(t, ra.Options, rb.Options, "options of %s", ra.URN)
			}
			assert.Equal(t, a.Outputs, b.Outputs)
		})
	}
}

func TestSecurityGroupRules(t *testing.T) {
	type rule struct{ group, port, from string }
	rules := func(p *plan.Plan) []rule {
		groupName := map[string]string{}
		for _, sg := range p.Find("aws:ec2/securityGroup:SecurityGroup") {
			groupName[sg.ID] = sg.Name
		}
		var got []rule
		for _, r := range p.Find("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
			if !strings.Contains(r.Parent, "PushService") {
				continue // the processor tier's rules are tested on their own
			}
			require.Equal(t, "tcp", str(t, r, "ipProtocol"))
			require.Equal(t, masked(r, "fromPort"), masked(r, "toPort"))
			from := ""
			if v, ok := r.Inputs["cidrIpv4"]; ok {
				from = v.StringValue()
			} else {
				from = groupName[str(t, r, "referencedSecurityGroupId")]
			}
			got = append(got, rule{groupName[str(t, r, "securityGroupId")], fmt.Sprint(masked(r, "fromPort")), from})
		}
		sort.Slice(got, func(i, j int) bool { return fmt.Sprint(got[i]) < fmt.Sprint(got[j]) })
		return got
	}
	// As the seed, except that only the load balancer faces the internet.
	seed := []rule{
		{"push-connection", "8080", "push-load-balancer"},
		{"push-connection", "8081", "push-internal-router"},
		{"push-endpoint", "8082", "push-load-balancer"},
		{"push-load-balancer", "8080", "0.0.0.0/0"},
		{"push-load-balancer", "8082", "0.0.0.0/0"},
	}
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, seed, rules(runPlan(t, config, nil)))
		})
	}
	t.Run("ssh", func(t *testing.T) {
		p := runPlan(t, map[string]string{"sshKeyName": "ops", "sshAllowedCidr": "198.51.100.0/24"}, nil)
		want := append([]rule{
			{"push-connection", "22", "198.51.100.0/24"},
			{"push-endpoint", "22", "198.51.100.0/24"},
		}, seed...)
		sort.Slice(want, func(i, j int) bool { return fmt.Sprint(want[i]) < fmt.Sprint(want[j]) })
		assert.Equal(t, want, rules(p))
		for _, lt := range p.Find("aws:ec2/launchTemplate:LaunchTemplate") {
			assert.Equal(t, "ops", str(t, lt, "keyName"))
		}
	})
	t.Run("tls", func(t *testing.T) {
		p := runPlan(t, map[string]string{"domainName": "push.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}, nil)
		assert.Equal(t, []rule{
			{"push-connection", "8080", "push-load-balancer"},
			{"push-connection", "8081", "push-internal-router"},
			{"push-endpoint", "8082", "push-load-balancer"},
			{"push-load-balancer", "443", "0.0.0.0/0"},
			{"push-load-balancer", "8443", "0.0.0.0/0"},
		}, rules(p), "with TLS the plain ports are closed to the internet")
	})
	t.Run("the load balancer carries its group", func(t *testing.T) {
		p := runPlan(t, nil, nil)
		nlb := one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push")
		assert.Equal(t, []interface{}{one(t, p, "aws:ec2/securityGroup:SecurityGroup", "push-load-balancer").ID}, masked(nlb, "securityGroups"))
	})
	t.Run("every node carries the internal router group", func(t *testing.T) {
		p := runPlan(t, nil, nil)
		ids := func(name string) []interface{} {
			return masked(one(t, p, "aws:ec2/launchTemplate:LaunchTemplate", name), "vpcSecurityGroupIds").([]interface{})
		}
		sgID := func(name string) string {
			sg := one(t, p, "aws:ec2/securityGroup:SecurityGroup", name)
			return sg.ID
		}
		assert.ElementsMatch(t, []interface{}{sgID("push-endpoint"), sgID("push-internal-router")}, ids("push-endpoint"))
		assert.ElementsMatch(t, []interface{}{sgID("push-connection"), sgID("push-internal-router")}, ids("push-connection"))
		for _, lt := range p.Find("aws:ec2/launchTemplate:LaunchTemplate") {
			assert.NotContains(t, lt.Inputs, resource.PropertyKey("keyName"), "no key pair unless configured")
		}
	})
}

func TestBadConfigRegistersNothing(t *testing.T) {
	for key, value := range map[string]string{
		"firehose":    "yes please",
		"tablePrefix": "bad prefix!",
		"natGateway":  "perhaps",
	} {
		t.Run(key, func(t *testing.T) {
			_, err := plan.Run(stackFor(map[string]string{key: value}, nil))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "push-turnkey:"+key)
		})
	}
	// The program itself (not only the plan's pre-check) refuses before it
	// registers a resource.
	p, err := plan.RunProgram(stackFor(map[string]string{"instanceType": "huge"}, nil), pushstack.Program)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "push-turnkey:instanceType")
	assert.Empty(t, p.Resources)
	// A crypto key kept in plain text in the stack file is refused.
	_, err = plan.Run(stackFor(map[string]string{"cryptoKey": mockGeneratedKey()}, nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "push-turnkey:cryptoKey")
	assert.NotContains(t, err.Error(), mockGeneratedKey(), "the message must not repeat the key")
}

func TestExampleStackRuns(t *testing.T) {
	s, err := plan.LoadStack("../..", "dev", nil)
	require.NoError(t, err)
	p, err := plan.Run(s)
	require.NoError(t, err)
	assert.Equal(t, "push-dev", p.Outputs["tablePrefix"].Value)
	assert.Contains(t, p.Outputs, "deliveryStreamName")
}

func BenchmarkProgram(b *testing.B) {
	for name, config := range configs {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				runPlan(b, config, nil)
			}
		})
	}
}
