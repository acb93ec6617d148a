package pushstack_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/pushstack"
)

func TestProcessorIsTriggeredByNewLogObjects(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	fn := one(t, p, "aws:lambda/function:Function", "push-processor-processor")
	fnArn := "arn:aws:lambda:us-east-1:" + plan.MockAccountID + ":function:push-test-push-processor"
	bucket := "push-test-logs-" + plan.MockAccountID

	notification := one(t, p, "aws:s3/bucketNotification:BucketNotification", "push-processor-logs")
	assert.Equal(t, bucket, str(t, notification, "bucket"))
	assert.Equal(t, []interface{}{map[string]interface{}{
		"lambdaFunctionArn": fnArn,
		"events":            []interface{}{"s3:ObjectCreated:*"},
		"filterPrefix":      "logs/",
	}}, masked(notification, "lambdaFunctions"))

	permission := one(t, p, "aws:lambda/permission:Permission", "push-processor-processor-s3")
	assert.Equal(t, "lambda:InvokeFunction", str(t, permission, "action"))
	assert.Equal(t, "push-test-push-processor", str(t, permission, "function"))
	assert.Equal(t, "s3.amazonaws.com", str(t, permission, "principal"))
	assert.Equal(t, "arn:aws:s3:::"+bucket, str(t, permission, "sourceArn"))
	assert.Equal(t, plan.MockAccountID, str(t, permission, "sourceAccount"))
	assert.Contains(t, notification.Options.DependsOn, permission.URN, "S3 checks the permission when the notification is set")
	assert.Contains(t, notification.Options.DependsOn, fn.URN)

	// The settings object lies outside the notification's prefix.
	settings := one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "push-processor-settings")
	assert.Equal(t, "processor_settings.json", str(t, settings, "key"))
	assert.False(t, strings.HasPrefix(str(t, settings, "key"), "logs/"))
	var content map[string]interface{}
	require.NoError(t, json.Unmarshal([]byte(str(t, settings, "content")), &content))
	assert.Equal(t, "push-test_push_messages", content["table"])
	assert.Equal(t, "logs/", content["log_prefix"])
	assert.Equal(t, true, content["redis_tls"])
	assert.Regexp(t, `^master\..*\.cache\.amazonaws\.com:6379$`, content["redis_address"])
	assert.NotContains(t, str(t, settings, "content"), "auth", "no secret in the settings object")

	// Failed events go to a queue rather than vanish.
	invoke := one(t, p, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "push-processor-processor")
	queue := one(t, p, "aws:sqs/queue:Queue", "push-processor-failed-events")
	assert.Equal(t, map[string]interface{}{"onFailure": map[string]interface{}{
		"destination": output(t, queue, "arn"),
	}}, masked(invoke, "destinationConfig"))
	assert.Equal(t, true, masked(queue, "sqsManagedSseEnabled"))
}

func TestProcessorFunction(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	fn := one(t, p, "aws:lambda/function:Function", "push-processor-processor")
	assert.Equal(t, "provided.al2023", str(t, fn, "runtime"))
	assert.Equal(t, []interface{}{"arm64"}, masked(fn, "architectures"))
	assert.Equal(t, "bootstrap", str(t, fn, "handler"))
	assert.Equal(t, true, masked(fn, "replaceSecurityGroupsOnDestroy"), "destroy must not hang on the function's network interfaces")

	var private []interface{}
	for _, s := range p.Find("aws:ec2/subnet:Subnet") {
		if strings.Contains(s.Parent, "PrivateNetwork") {
			private = append(private, s.ID)
			assert.NotContains(t, s.Inputs, resource.PropertyKey("mapPublicIpOnLaunch"))
		}
	}
	require.Len(t, private, 2)
	vpcConfig := masked(fn, "vpcConfig").(map[string]interface{})
	assert.ElementsMatch(t, private, vpcConfig["subnetIds"], "the Lambda sits in the private subnets")
	assert.Equal(t, []interface{}{one(t, p, "aws:ec2/securityGroup:SecurityGroup", "push-processor-processor").ID}, vpcConfig["securityGroupIds"])

	env := fn.Inputs["environment"].ObjectValue()["variables"].ObjectValue()
	assert.True(t, env["REDIS_AUTH_TOKEN"].IsSecret(), "the auth token is a secret input")
	assert.Equal(t, "push-test-logs-"+plan.MockAccountID, env["SETTINGS_BUCKET"].StringValue())

	// The code is the zip this run built, in the log bucket under its
	// source key.
	assert.NotContains(t, fn.Inputs, resource.PropertyKey("code"))
	assert.NotContains(t, fn.Inputs, resource.PropertyKey("sourceCodeHash"))
	code := one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "push-processor-code")
	programs, err := standIns(context.Background(), "arm64")
	require.NoError(t, err)
	assert.Equal(t, "artifacts/processor/"+programs.ProcessorSourceKey+".zip", str(t, code, "key"))
	assert.Equal(t, str(t, code, "key"), str(t, fn, "s3Key"))
	assert.Equal(t, "push-test-logs-"+plan.MockAccountID, str(t, fn, "s3Bucket"))
	require.True(t, code.Inputs["source"].IsAsset())
	assert.Equal(t, "processor-arm64.zip", filepath.Base(code.Inputs["source"].AssetValue().Path))
	assertArtifactObject(t, code)
}

// assertArtifactObject: a program delivered under its source key. No
// ignoreChanges: the engine would make a replacement (a new key) from the
// old file.
func assertArtifactObject(t *testing.T, object plan.Resource) {
	t.Helper()
	assert.Empty(t, object.Options.IgnoreChanges, object.Name)
	assert.Regexp(t, `^artifacts/(processor/[0-9a-f]{64}\.zip|messages-api/[0-9a-f]{64})$`, str(t, object, "key"), object.Name)
}

// TestAnotherGoVersionRollsNothing: `pulumi up` from a machine whose Go
// builds other bytes from the same source changes nothing that reads the
// programs: not the function, not the Messages API instance or its user
// data.
func TestAnotherGoVersionRollsNothing(t *testing.T) {
	here := runPlan(t, configs["processor"], nil)
	otherGo := stackFor(configs["processor"], nil)
	dir := t.TempDir()
	otherGo.Artifacts = func(ctx context.Context, apiArch string) (pushstack.Artifacts, error) {
		a, err := standIns(ctx, apiArch)
		if err != nil {
			return a, err
		}
		// Other bytes, the same source keys.
		zip, api := filepath.Join(dir, "processor.zip"), filepath.Join(dir, "messages-api")
		if err := os.WriteFile(zip, []byte("built by another Go"), 0o644); err != nil {
			return a, err
		}
		if err := os.WriteFile(api, []byte("built by another Go"), 0o644); err != nil {
			return a, err
		}
		a.ProcessorZip, a.API.Path, a.API.SHA256 = zip, api, "0000000000000000000000000000000000000000000000000000000000000000"
		return a, nil
	}
	there, err := plan.Run(otherGo)
	require.NoError(t, err)
	for _, r := range here.Resources {
		if r.Type == "aws:s3/bucketObjectv2:BucketObjectv2" && strings.HasPrefix(str(t, r, "key"), "artifacts/") {
			assertArtifactObject(t, r)
			continue // its bytes (and digest) change under the same key
		}
		other := one(t, there, r.Type, r.Name)
		assert.Equal(t, plan.MaskedMap(r.Inputs), plan.MaskedMap(other.Inputs), "%s %s", r.Type, r.Name)
	}
}

func TestProcessorArchiveIsIdenticalAcrossRuns(t *testing.T) {
	build := func() (string, []byte) {
		stack := stackFor(configs["processor"], nil)
		stack.Artifacts = pushstack.BuildArtifacts // the real build, this once
		p, err := plan.Run(stack)
		require.NoError(t, err)
		code := one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "push-processor-code")
		data, err := os.ReadFile(code.Inputs["source"].AssetValue().Path)
		require.NoError(t, err)
		return str(t, code, "key"), data
	}
	keyA, zipA := build()
	keyB, zipB := build()
	assert.Regexp(t, `^artifacts/processor/[0-9a-f]{64}\.zip$`, keyA)
	assert.Equal(t, keyA, keyB)
	assert.Equal(t, zipA, zipB, "the zip is rebuilt byte for byte")
}

func TestRedisAdmitsOnlyProcessorAndAPI(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	sgID := func(name string) string { return one(t, p, "aws:ec2/securityGroup:SecurityGroup", name).ID }
	redisSG := sgID("push-processor-redis")

	var sources []string
	for _, r := range p.Find("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if str(t, r, "securityGroupId") != redisSG {
			continue
		}
		assert.Equal(t, float64(6379), masked(r, "fromPort"))
		assert.Equal(t, float64(6379), masked(r, "toPort"))
		assert.NotContains(t, r.Inputs, resource.PropertyKey("cidrIpv4"))
		sources = append(sources, str(t, r, "referencedSecurityGroupId"))
	}
	assert.ElementsMatch(t, []string{sgID("push-processor-processor"), sgID("push-processor-api")}, sources)

	rg := one(t, p, "aws:elasticache/replicationGroup:ReplicationGroup", "push-processor")
	assert.Equal(t, true, masked(rg, "atRestEncryptionEnabled"))
	assert.Equal(t, true, masked(rg, "transitEncryptionEnabled"))
	assert.True(t, rg.Inputs["authToken"].IsSecret())
	assert.Equal(t, "cache.t4g.micro", str(t, rg, "nodeType"))
	assert.Equal(t, []interface{}{redisSG}, masked(rg, "securityGroupIds"))

	p = runPlan(t, map[string]string{"processor": "true", "redisNodeType": "cache.r7g.large"}, nil)
	assert.Equal(t, "cache.r7g.large", str(t, one(t, p, "aws:elasticache/replicationGroup:ReplicationGroup", "push-processor"), "nodeType"))
}

func TestProcessorEgressIsNarrow(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	processorSG := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "push-processor-processor").ID
	got := map[string]float64{}
	for _, r := range p.Find("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		if str(t, r, "securityGroupId") != processorSG {
			continue
		}
		assert.NotContains(t, r.Inputs, resource.PropertyKey("cidrIpv4"), "no egress to the internet")
		to := ""
		if v, ok := r.Inputs["prefixListId"]; ok {
			to = v.StringValue()
		} else {
			to = str(t, r, "referencedSecurityGroupId")
		}
		got[to] = masked(r, "fromPort").(float64)
	}
	endpoints := map[string]string{}
	for _, ep := range p.Find("aws:ec2/vpcEndpoint:VpcEndpoint") {
		endpoints[str(t, ep, "serviceName")] = output(t, ep, "prefixListId")
		assert.Equal(t, "Gateway", str(t, ep, "vpcEndpointType"))
	}
	assert.Equal(t, map[string]float64{
		endpoints["com.amazonaws.us-east-1.s3"]:                                     443,
		endpoints["com.amazonaws.us-east-1.dynamodb"]:                               443,
		one(t, p, "aws:ec2/securityGroup:SecurityGroup", "push-processor-redis").ID: 6379,
	}, got)
}

func TestNoNATGatewayUnlessAsked(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	assert.Empty(t, p.Find("aws:ec2/natGateway:NatGateway"))
	private := one(t, p, "aws:ec2/routeTable:RouteTable", "push-private")
	// An empty list, not none: the route table owns its routes, so turning
	// natGateway off removes the NAT route instead of leaving a blackhole.
	assert.Equal(t, []interface{}{}, masked(private, "routes"), "S3 and DynamoDB go through gateway endpoints")

	p = runPlan(t, map[string]string{"processor": "true", "natGateway": "true"}, nil)
	nat := one(t, p, "aws:ec2/natGateway:NatGateway", "push-private")
	publicSubnet := one(t, p, "aws:ec2/subnet:Subnet", "push-public-1")
	assert.Equal(t, publicSubnet.ID, str(t, nat, "subnetId"))
	routes := masked(one(t, p, "aws:ec2/routeTable:RouteTable", "push-private"), "routes").([]interface{})
	assert.Equal(t, "0.0.0.0/0", routes[0].(map[string]interface{})["cidrBlock"])
}

func TestProcessorStatefulResourcesAreRetained(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	table := one(t, p, "aws:dynamodb/table:Table", "push-processor-messages")
	assert.True(t, table.Options.RetainOnDelete)
	assert.Equal(t, "push-test_push_messages", str(t, table, "name"))
	assert.Equal(t, "public_key", str(t, table, "hashKey"))
	assert.Equal(t, map[string]interface{}{"enabled": true}, masked(table, "pointInTimeRecovery"))
	token := one(t, p, "random:index/randomPassword:RandomPassword", "push-processor-redis-auth")
	assert.False(t, token.Options.RetainOnDelete, "a random resource keeps nothing in the account: retaining it only leaves state behind")

	param := one(t, p, "aws:ssm/parameter:Parameter", "push-processor-redis-auth")
	assert.Equal(t, "SecureString", str(t, param, "type"))
	assert.True(t, param.Inputs["value"].IsSecret())
}

func TestMessagesAPI(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	eni := one(t, p, "aws:ec2/networkInterface:NetworkInterface", "push-processor-api")
	apiSG := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "push-processor-api").ID
	assert.Equal(t, []interface{}{apiSG}, masked(eni, "securityGroups"))
	ip := p.Outputs["messagesApiPrivateIp"].Value.(string)
	assert.Equal(t, "http://"+ip+":8080/", p.Outputs["messagesApiUrl"].Value)

	instance := one(t, p, "aws:ec2/instance:Instance", "push-processor-api")
	assert.True(t, instance.Options.DeleteBeforeReplace, "a replacement frees the interface first")
	assert.Equal(t, "aws ssm start-session --region us-east-1 --target "+instance.ID+" --document-name AWS-StartPortForwardingSession "+
		"--parameters portNumber=8080,localPortNumber=18080", p.Outputs["dashboardTunnel"].Value,
		"the dashboard's tunnel names the Messages API's instance and port")
	assert.Equal(t, []interface{}{map[string]interface{}{"networkInterfaceId": eni.ID, "deviceIndex": 0.0}},
		masked(instance, "networkInterfaces"))
	lt := one(t, p, "aws:ec2/launchTemplate:LaunchTemplate", "push-processor-api")
	assert.Equal(t, "t4g.micro", str(t, lt, "instanceType"))
	assert.Contains(t, str(t, lt, "imageId"), "arm64")
	assert.Equal(t, "required", masked(lt, "metadataOptions").(map[string]interface{})["httpTokens"])

	// Only the allowed sources reach the API: the VPC by default.
	ingress := func(p *plan.Plan) []string {
		var from []string
		for _, r := range p.Find("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
			if str(t, r, "securityGroupId") == apiSG {
				assert.Equal(t, float64(8080), masked(r, "fromPort"))
				if v, ok := r.Inputs["cidrIpv4"]; ok {
					from = append(from, v.StringValue())
				} else {
					from = append(from, str(t, r, "referencedSecurityGroupId"))
				}
			}
		}
		return from
	}
	assert.Equal(t, []string{"10.20.0.0/16"}, ingress(p))
	p = runPlan(t, map[string]string{"processor": "true",
		"messagesApiAllowedCidrs": `["10.50.0.0/16","192.168.7.0/24"]`, "messagesApiAllowedSecurityGroup": "sg-0123456789abcdef0"}, nil)
	assert.ElementsMatch(t, []string{"10.50.0.0/16", "192.168.7.0/24", "sg-0123456789abcdef0"}, ingress(p))

	// The binary is delivered through the bucket, outside the log prefix,
	// under its source key, and checked on download.
	binary := one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "push-processor-api-binary")
	key := str(t, binary, "key")
	programs, err := standIns(context.Background(), "arm64")
	require.NoError(t, err)
	assert.Equal(t, "artifacts/messages-api/"+programs.API.SourceKey, key)
	assertArtifactObject(t, binary)
	script := userData(t, p, "push-processor-api")
	assert.Equal(t, map[string]interface{}{"sha256": programs.API.SHA256}, masked(binary, "metadata"), "the digest the instance checks")
	assert.Contains(t, script, `aws s3api head-object --region "$region" --bucket 'push-test-logs-`+plan.MockAccountID+"' --key '"+key+"' --query 'Metadata.sha256'")
	assert.Contains(t, script, `aws s3 cp --region "$region" --only-show-errors 's3://push-test-logs-`+plan.MockAccountID+"/"+key+"'")
	assert.Contains(t, script, "--name '/push-turnkey/push-test/redis-auth-token'")
	assert.Contains(t, script, "-e MESSAGES_TABLE='push-test_push_messages'")
	assert.NotContains(t, script, mockRedisToken(), "the token is read on the instance, never carried in user data")
}

// TestMessagesAPIReadsThePipelineAlarms: the API's role may describe
// exactly the seven alarms the dashboard reports, by the ARNs the account
// gave them, and no other alarm; each is named after the table prefix, so
// that two stacks in one account never share one.
func TestMessagesAPIReadsThePipelineAlarms(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	var arns []string
	for _, name := range append(slices.Clone(formatDriftAlarms), pipelineAlarms...) {
		alarm := one(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", name)
		assert.True(t, strings.HasPrefix(str(t, alarm, "name"), "push-test-"), "%s is named after the table prefix", name)
		arns = append(arns, alarm.Outputs["arn"].StringValue())
	}
	var granted []string
	for _, st := range policy(t, one(t, p, "aws:iam/rolePolicy:RolePolicy", "push-processor-api"), "policy").Statement {
		if slices.Contains(st.Action, "cloudwatch:DescribeAlarms") {
			assert.Equal(t, []string{"cloudwatch:DescribeAlarms"}, st.Action, "nothing else of CloudWatch")
			granted = append(granted, st.Resource...)
		}
	}
	assert.ElementsMatch(t, arns, granted)
}

// mockRedisToken is the auth token the fake account's random provider
// makes for the stack "test", read from its plan.
func mockRedisToken() string {
	return plannedSecret("random:index/randomPassword:RandomPassword", "push-processor-redis-auth", "result")
}

func TestRedisTokenIsSecretEverywhere(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	assert.False(t, containsAny(plainStrings(p), mockRedisToken()), "the Redis auth token appears in plain text")
	token := one(t, p, "aws:ssm/parameter:Parameter", "push-processor-redis-auth")
	assert.Equal(t, mockRedisToken(), token.Inputs["value"].SecretValue().Element.StringValue(),
		"the test looks for the value the stack really uses")
}

// TestMessagesAPIUserDataPassesShellcheck checks the API's user data,
// and the scripts it writes, as files.
func TestMessagesAPIUserDataPassesShellcheck(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	path := filepath.Join(t.TempDir(), "user-data")
	require.NoError(t, os.WriteFile(path, []byte(userData(t, p, "push-processor-api")), 0o600))
	shellcheck(t, path)
	in, _ := bootAPI(t, p)
	shellcheck(t, in.path(apiPrepare))
	shellcheck(t, in.path(apiStart))
}

func TestFirstBootOrdering(t *testing.T) {
	p := runPlan(t, map[string]string{"processor": "true", "natGateway": "true"}, nil)
	igw := one(t, p, "aws:ec2/internetGateway:InternetGateway", "push")
	for _, name := range []string{"push-processor-api", "push-private-nat"} {
		eip := one(t, p, "aws:ec2/eip:Eip", name)
		assert.Contains(t, eip.Options.DependsOn, igw.URN, "%s waits for the internet gateway", name)
	}
	instance := one(t, p, "aws:ec2/instance:Instance", "push-processor-api")
	for _, dep := range []plan.Resource{
		one(t, p, "aws:iam/rolePolicy:RolePolicy", "push-processor-api"),
		one(t, p, "aws:ec2/eip:Eip", "push-processor-api"),
		one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "push-processor-api-binary"),
	} {
		assert.Contains(t, instance.Options.DependsOn, dep.URN)
	}
	fn := one(t, p, "aws:lambda/function:Function", "push-processor-processor")
	env := fn.Inputs["environment"].ObjectValue()["variables"].ObjectValue()
	settings := one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "push-processor-settings")
	sum := sha256.Sum256([]byte(str(t, settings, "content")))
	assert.Equal(t, hex.EncodeToString(sum[:]), env["SETTINGS_SHA256"].StringValue(),
		"a settings change changes the function, so no warm instance keeps old settings")
}

// TestAllowedSecurityGroupMustBeOneAWSTakes: AWS takes a group in an
// ingress rule only from the rule's VPC or a peered one; the program
// refuses any other before it registers anything but the provider.
func TestAllowedSecurityGroupMustBeOneAWSTakes(t *testing.T) {
	const stackVPC, otherVPC = "vpc-0stack00000000000", "vpc-0dashboard000000"
	groupIn := func(vpc string) map[string]string { return map[string]string{dashboardGroup: vpc} }
	for name, tc := range map[string]struct {
		account plan.Account
		problem string // "" when taken
	}{
		"unknown in the region": {plan.Account{StackVPCs: []string{stackVPC}},
			"sg-0123456789abcdef0 was not found in us-east-1, the region the stack deploys to"},
		"first deploy": {plan.Account{SecurityGroups: groupIn(otherVPC)},
			"sg-0123456789abcdef0 is in vpc-0dashboard000000, and the stack's VPC does not exist yet"},
		"not peered": {plan.Account{StackVPCs: []string{stackVPC}, SecurityGroups: groupIn(otherVPC),
			Peerings: [][2]string{{otherVPC, "vpc-0elsewhere000000"}}},
			"is in vpc-0dashboard000000, which is neither the stack's VPC (vpc-0stack00000000000) nor peered with it"},
		"peered, the stack requesting": {plan.Account{StackVPCs: []string{stackVPC}, SecurityGroups: groupIn(otherVPC),
			Peerings: [][2]string{{stackVPC, otherVPC}}}, ""},
		"peered, the dashboard requesting": {peeredAccount, ""},
		"in the stack's VPC":               {plan.Account{StackVPCs: []string{stackVPC}, SecurityGroups: groupIn(stackVPC)}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			stack := stackFor(map[string]string{"processor": "true", "messagesApiAllowedSecurityGroup": dashboardGroup}, nil)
			stack.Account = tc.account
			p, err := plan.RunProgram(stack, func(ctx *pulumi.Context) error {
				_, err := pushstack.Deploy(ctx, standIns)
				return err
			})
			if tc.problem == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "config push-turnkey:messagesApiAllowedSecurityGroup: ")
			assert.Contains(t, err.Error(), tc.problem)
			assert.Contains(t, err.Error(), "pulumi config rm messagesApiAllowedSecurityGroup")
			for _, r := range p.Resources {
				assert.Equal(t, "pulumi:providers:aws", r.Type, "nothing but the provider is registered: %s", r.URN)
			}
		})
	}
}
