package fakeaws

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func tokens[T any](m map[string]T) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestEveryTypeIsModelledOnce(t *testing.T) {
	assert.Empty(t, modelledTwice)
	assert.NotEmpty(t, awsTypes)
}

// versionMocks records the provider version the SDK's resources ask the
// engine for (the SDK's PkgResourceDefaultOpts put it on every
// registration).
type versionMocks struct {
	mu       sync.Mutex
	versions map[string]string // package -> version
}

func (m *versionMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	pkg, _, _ := strings.Cut(args.TypeToken, ":")
	m.versions[pkg] = args.RegisterRPC.GetVersion()
	return args.Name, args.Inputs, nil
}

func (m *versionMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

// sdkVersions are the provider versions the pulumi-aws and pulumi-random
// SDKs in go.mod ask for.
func sdkVersions(t *testing.T) map[string]string {
	t.Helper()
	mocks := &versionMocks{versions: map[string]string{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if _, err := sqs.NewQueue(ctx, "q", nil); err != nil {
			return err
		}
		_, err := random.NewRandomBytes(ctx, "b", &random.RandomBytesArgs{Length: pulumi.Int(1)})
		return err
	}, pulumi.WithMocks("p", "s", mocks))
	require.NoError(t, err)
	return mocks.versions
}

// TestPluginVersionsAreTheSDKs: the fake plugins report the versions the
// SDKs ask the engine for, so its plugin checks pass as with the real
// plugins.
func TestPluginVersionsAreTheSDKs(t *testing.T) {
	versions := sdkVersions(t)
	assert.Equal(t, versions["aws"], AWSVersion)
	assert.Equal(t, versions["random"], RandomVersion)
}

// TestRulesNameTheirPageAndTheSDKVersion: every type's rules cite the
// pulumi-aws registry page of that very type, read for the version of the
// SDK in go.mod. When go.mod moves to another pulumi-aws, this fails for
// every rule until it is read again on its page.
func TestRulesNameTheirPageAndTheSDKVersion(t *testing.T) {
	want := sdkVersions(t)["aws"]
	for _, typ := range tokens(awsTypes) {
		module, name, _ := strings.Cut(strings.TrimPrefix(typ, "aws:"), ":")
		module, _, _ = strings.Cut(module, "/")
		page := "https://www.pulumi.com/registry/packages/aws@6.x/api-docs/" + module + "/" + strings.ToLower(name) + "/"
		assert.Equal(t, page, awsTypes[typ].doc.Page, typ)
		assert.Equal(t, want, awsTypes[typ].doc.Version, "%s: its rules were read for pulumi-aws %s", typ, awsTypes[typ].doc.Version)
	}
}

// fieldAt finds the type of a dotted input path in the struct typ,
// through pointers, lists and maps.
func fieldAt(typ reflect.Type, path string) (reflect.Type, bool) {
	for _, part := range strings.Split(path, ".") {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			return nil, false
		}
		f, ok := fieldByTag(typ, part)
		if !ok {
			return nil, false
		}
		typ = f
	}
	return typ, true
}

// TestRulesNameInputsTheTypeHas: every replace-forcing path, physical name
// and autonamed input of a rule is an input of the real provider's type
// (a rule for a misspelt or renamed input would never apply), and the
// names are strings.
func TestRulesNameInputsTheTypeHas(t *testing.T) {
	for _, typ := range tokens(awsTypes) {
		rt := awsTypes[typ]
		inputs := rt.args.ElementType()
		for _, path := range rt.replaceOnChanges {
			_, ok := fieldAt(inputs, path)
			assert.True(t, ok, "%s: replace-forcing %s is not an input", typ, path)
		}
		for _, name := range []string{rt.physicalName, rt.autoName} {
			if name == "" {
				continue
			}
			f, ok := fieldAt(inputs, name)
			if assert.True(t, ok, "%s: %s is not an input", typ, name) {
				for f.Kind() == reflect.Pointer {
					f = f.Elem()
				}
				assert.Equal(t, reflect.String, f.Kind(), "%s: %s is a string", typ, name)
			}
		}
	}
}

// TestEveryNamedTypeIsAutonamed: pulumi-aws autonames the name input of
// every resource that has one (its resources.go default), except where a
// rule says it does not (Route 53 records: the record's name is its
// address).
func TestEveryNamedTypeIsAutonamed(t *testing.T) {
	notAutonamed := map[string]bool{"aws:route53/record:Record": true}
	for _, typ := range tokens(awsTypes) {
		if _, named := fieldByTag(awsTypes[typ].args.ElementType(), "name"); named && !notAutonamed[typ] {
			assert.Equal(t, "name", awsTypes[typ].autoName, typ)
		}
	}
}

// arnOutput is the output the SDK names for a type's ARN ("" for none).
func arnOutput(rt resourceType) string {
	for _, name := range []string{"arn", "dashboardArn"} {
		if _, ok := fieldByTag(rt.state.ElementType(), name); ok {
			return name
		}
	}
	return ""
}

// TestEveryTypeWithAnARNHasItsDocumentedForm: a type whose SDK outputs
// have an ARN has the form AWS documents for it, with the page, and only
// such a type has one.
func TestEveryTypeWithAnARNHasItsDocumentedForm(t *testing.T) {
	for _, typ := range tokens(awsTypes) {
		rt := awsTypes[typ]
		if arnOutput(rt) == "" {
			assert.Empty(t, rt.arn, "%s has no ARN output", typ)
			continue
		}
		assert.True(t, strings.HasPrefix(rt.arn, "arn:${Partition}:"), "%s: %q", typ, rt.arn)
		assert.True(t, strings.HasPrefix(rt.arnDoc, "https://docs.aws.amazon.com/"), "%s cites the AWS page of its ARN: %q", typ, rt.arnDoc)
	}
}

// TestARNFormsGiveTheDocumentedExamples: filled with the values of an
// example ARN in AWS's documentation, a type's form gives that ARN.
func TestARNFormsGiveTheDocumentedExamples(t *testing.T) {
	for typ, example := range map[string]struct {
		region, account string
		parts           []string
		want            string // from the page in doc
		doc             string
	}{
		"aws:kms/key:Key": {"us-east-2", "111122223333", []string{"KeyId", "1234abcd-12ab-34cd-56ef-1234567890ab"},
			"arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
			"https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN"},
		"aws:lb/targetGroup:TargetGroup": {"us-west-2", "123456789012", []string{"TargetGroupName", "my-targets", "TargetGroupId", "73e2d6bc24d8a067"},
			"arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067",
			"https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html"},
		"aws:iam/role:Role": {"", "123456789012", []string{"RoleNameWithPath", "application_abc/component_xyz/S3Access"},
			"arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access",
			"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns"},
		"aws:sns/topic:Topic": {"us-east-2", "123456789012", []string{"TopicName", "MyTopic"},
			"arn:aws:sns:us-east-2:123456789012:MyTopic",
			"https://docs.aws.amazon.com/sns/latest/dg/sns-create-topic.html"},
		"aws:sqs/queue:Queue": {"us-east-2", "444455556666", []string{"QueueName", "queue1"},
			"arn:aws:sqs:us-east-2:444455556666:queue1",
			"https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html"},
		"aws:lambda/function:Function": {"us-west-2", "123456789012", []string{"FunctionName", "my-function"},
			"arn:aws:lambda:us-west-2:123456789012:function:my-function",
			"https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html"},
		"aws:dynamodb/table:Table": {"us-west-2", "123456789012", []string{"TableName", "Books"},
			"arn:aws:dynamodb:us-west-2:123456789012:table/Books",
			"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/using-identity-based-policies.html"},
	} {
		assert.Equal(t, example.want, renderARN(awsTypes[typ].arn, example.region, example.account, example.parts...), "%s (%s)", typ, example.doc)
	}
}

// samples are inputs a type's make needs to make a resource; every other
// type is made from no inputs (its name autonamed).
var samples = map[string]map[string]interface{}{
	"aws:acm/certificate:Certificate":                                                            {"domainName": "push.example.com", "validationMethod": "DNS"},
	"aws:autoscaling/policy:Policy":                                                              {"autoscalingGroupName": "push-connection-1a2b3c4"},
	"aws:cloudwatch/dashboard:Dashboard":                                                         {"dashboardName": "push", "dashboardBody": "{}"},
	"aws:cloudwatch/logStream:LogStream":                                                         {"logGroupName": "/push-turnkey/push-dev/connection"},
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        {"subnetId": "push-public-1-1a2b3c4"},
	"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":                             {"functionName": "push-processor"},
	"aws:lb/listener:Listener":                                                                   {"loadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/push-1a2b3c4/1a2b3c4"},
	"aws:lb/loadBalancer:LoadBalancer":                                                           {"loadBalancerType": "network"},
	"aws:route53/record:Record":                                                                  {"name": "push.example.com", "zoneId": "Z0123456789ABCDEFGHIJ", "type": "A"},
	"aws:s3/bucketObjectv2:BucketObjectv2":                                                       {"bucket": "push-logs", "key": "processor_settings.json"},
	"aws:s3/bucketNotification:BucketNotification":                                               {"bucket": "push-logs"},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     {"bucket": "push-logs"},
	"aws:s3/bucketPolicy:BucketPolicy":                                                           {"bucket": "push-logs", "policy": "{}"},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     {"bucket": "push-logs"},
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {"bucket": "push-logs"},
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               {"bucket": "push-logs"},
	"aws:sns/topicSubscription:TopicSubscription": {"topic": "arn:aws:sns:us-east-1:123456789012:push-alarms-1a2b3c4",
		"protocol": "email", "endpoint": "ops@example.com"},
	"aws:ssm/parameter:Parameter": {"name": "/push-turnkey/push-dev/crypto-key", "type": "SecureString", "value": "k"},
}

// formPattern matches the ARNs of a form in region: its ${...} parts are
// anything.
func formPattern(form, region string) *regexp.Regexp {
	quoted := regexp.QuoteMeta(renderARN(form, region, AccountID))
	return regexp.MustCompile("^" + regexp.MustCompile(`\\\$\\\{[A-Za-z]+\\\}`).ReplaceAllString(quoted, ".+") + "$")
}

// TestMadeResourcesHaveTheSDKsOutputs: a resource of each type, made in
// the account, has only outputs the real provider's type has, of their
// types; its ARN, when the type has one, has the type's form; and it has
// an ID.
func TestMadeResourcesHaveTheSDKsOutputs(t *testing.T) {
	for _, typ := range tokens(awsTypes) {
		t.Run(typ, func(t *testing.T) {
			rt := awsTypes[typ]
			acct := NewAccount(NewMemoryStore())
			require.NoError(t, acct.Configure(resource.PropertyMap{"region": resource.NewProperty("eu-west-1")}))
			inputs, failures, err := acct.Check(typ, "sample", resource.NewPropertyMapFromMap(samples[typ]), nil, "1a2b3c4")
			require.NoError(t, err)
			require.Empty(t, failures)
			id, state, err := acct.Create(typ, "sample", inputs, "1a2b3c4")
			require.NoError(t, err)
			assert.NotEmpty(t, id)
			assert.Empty(t, checkInputs(rt.state.ElementType(), state), "outputs the SDK's %T does not have", rt.state)
			if out := arnOutput(rt); out != "" {
				assert.NotEmpty(t, str(state, out), "the ARN of %s is made", typ)
				assert.Regexp(t, formPattern(rt.arn, "eu-west-1"), str(state, out))
			}
		})
	}
}
