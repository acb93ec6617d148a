package pushstack_test

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/pushstack"
)

// providerSamples are a config value of each setting type of the AWS
// provider, as `pulumi config set` stores it, and the input the provider
// must then get. A setting type missing here fails the test below.
var providerSamples = map[reflect.Type]struct {
	config string
	input  interface{}
}{
	reflect.TypeFor[pulumi.StringPtrInput]():   {"value", "value"},
	reflect.TypeFor[pulumi.BoolPtrInput]():     {"true", true},
	reflect.TypeFor[pulumi.IntPtrInput]():      {"5", 5.0},
	reflect.TypeFor[pulumi.StringArrayInput](): {`["123456789012"]`, []interface{}{"123456789012"}},
	reflect.TypeFor[aws.ProviderAssumeRolePtrInput](): {`{"roleArn":"arn:aws:iam::123456789012:role/deploy","sessionName":"push","tags":{"team":"push"},"duration":"1h"}`,
		map[string]interface{}{"roleArn": "arn:aws:iam::123456789012:role/deploy", "sessionName": "push", "tags": map[string]interface{}{"team": "push"}, "duration": "1h"}},
	reflect.TypeFor[aws.ProviderAssumeRoleWithWebIdentityPtrInput](): {`{"roleArn":"arn:aws:iam::123456789012:role/ci","webIdentityTokenFile":"/run/token"}`,
		map[string]interface{}{"roleArn": "arn:aws:iam::123456789012:role/ci", "webIdentityTokenFile": "/run/token"}},
	reflect.TypeFor[aws.ProviderEndpointArrayInput](): {`[{"dynamodb":"http://localhost:8000"}]`,
		[]interface{}{map[string]interface{}{"dynamodb": "http://localhost:8000"}}},
	reflect.TypeFor[aws.ProviderIgnoreTagsPtrInput](): {`{"keyPrefixes":["kubernetes.io/"]}`,
		map[string]interface{}{"keyPrefixes": []interface{}{"kubernetes.io/"}}},
	reflect.TypeFor[aws.ProviderDefaultTagsPtrInput](): {`{"tags":{"team":"push","stack":"not-this"}}`,
		// The user's tags, and the stack's: its own win a clash.
		map[string]interface{}{"tags": map[string]interface{}{"team": "push", "project": "push-turnkey", "stack": "test", "managed-by": "pulumi"}}},
}

// TestEveryProviderSettingReachesTheProvider: each aws:* setting of the
// AWS provider (every field of aws.ProviderArgs) set in the stack config
// reaches the explicit provider every resource uses, in its own type.
func TestEveryProviderSettingReachesTheProvider(t *testing.T) {
	stack := stackFor(configs["default"], nil)
	want := map[string]interface{}{}
	fields := reflect.TypeFor[aws.ProviderArgs]()
	for i := range fields.NumField() {
		f := fields.Field(i)
		sample, ok := providerSamples[f.Type]
		require.True(t, ok, "no sample of %s (%s): a setting the program may not pass on", f.Name, f.Type)
		setting := pushstack.ProviderSetting(f.Name)
		config, input := sample.config, sample.input
		if setting == "region" {
			config, input = "eu-west-1", "eu-west-1"
		}
		stack.Config["aws:"+setting] = config
		want[setting] = input
	}
	p, err := plan.Run(stack)
	require.NoError(t, err)
	provider := one(t, p, "pulumi:providers:aws", "aws")
	for setting, input := range want {
		switch setting {
		case "accessKey", "secretKey", "token":
			assert.Equal(t, "[secret]", masked(provider, setting), "%s is a secret", setting)
		default:
			assert.Equal(t, input, masked(provider, setting), setting)
		}
	}
}

// TestNumbersInStringSettings: `pulumi config set --path
// 'aws:allowedAccountIds[0]' 123456789012` stores a YAML number, and the
// program gets it as a JSON number (seen through the real engine).
func TestNumbersInStringSettings(t *testing.T) {
	stack := stackFor(nil, nil)
	stack.Config["aws:allowedAccountIds"] = `[123456789012, "000000000001"]`
	stack.Config["aws:defaultTags"] = `{"tags":{"cost-center":4711,"billable":true}}`
	p, err := plan.Run(stack)
	require.NoError(t, err)
	provider := one(t, p, "pulumi:providers:aws", "aws")
	assert.Equal(t, []interface{}{"123456789012", "000000000001"}, masked(provider, "allowedAccountIds"))
	tags := masked(provider, "defaultTags").(map[string]interface{})["tags"].(map[string]interface{})
	assert.Equal(t, "4711", tags["cost-center"])
	assert.Equal(t, "true", tags["billable"])
}

func TestProviderSettingsOfTheWrongShapeAreRefused(t *testing.T) {
	for setting, tc := range map[string]struct{ value, problem string }{
		"assumeRole":        {`{"role":"arn:aws:iam::123456789012:role/deploy"}`, `has no field "role"`},
		"endpoints":         {`[{"dynamodb":{"url":"http://localhost:8000"}}]`, "item 0: dynamodb: is not of the setting's shape"},
		"allowedAccountIds": {`123456789012`, "it holds a number where the setting takes a list of strings"},
		"ignoreTags":        {`{"keys":[["team"]]}`, "keys: is not of the setting's shape: want a string, number or boolean, not [\"team\"]"},
		"maxRetries":        {"many", `"many" is not a whole number`},
		"insecure":          {"yes", `"yes" is not a boolean`},
	} {
		stack := stackFor(nil, nil)
		stack.Config["aws:"+setting] = tc.value
		_, err := plan.Run(stack)
		require.Error(t, err, setting)
		assert.Contains(t, err.Error(), "config aws:"+setting+": ")
		assert.Contains(t, err.Error(), tc.problem)
		assert.Contains(t, err.Error(), "installation-configuration")
	}
}

// TestWrongShapesSayTheShapeWithAnExample: a list or object setting given
// as one value (`pulumi config set aws:allowedAccountIds 123456789012`,
// which the program gets as a JSON number) is refused with the shape the
// setting takes and the `--path` command that sets one item of it.
func TestWrongShapesSayTheShapeWithAnExample(t *testing.T) {
	for _, tc := range []struct{ setting, value, problem, example string }{
		{"allowedAccountIds", "123456789012", "it holds a number where the setting takes a list of strings",
			"set each account ID as a list item: pulumi config set --path 'aws:allowedAccountIds[0]' 123456789012"},
		{"allowedAccountIds", `"123456789012"`, "it holds a string where the setting takes a list of strings",
			"pulumi config set --path 'aws:allowedAccountIds[0]' 123456789012"},
		{"defaultTags", "team=push", "it holds text that is not JSON where the setting takes an object",
			"set each tag under tags: pulumi config set --path aws:defaultTags.tags.team push"},
		{"defaultTags", `{"team":"push"}`, `it has no field "team"`,
			"pulumi config set --path aws:defaultTags.tags.team push"},
		{"defaultTags", `{"tags":["team"]}`, "it holds an array at tags where the setting takes an object",
			"pulumi config set --path aws:defaultTags.tags.team push"},
		{"sharedConfigFiles", "~/.aws/config", "it holds text that is not JSON where the setting takes a list of strings",
			"set each item of the list: pulumi config set --path 'aws:sharedConfigFiles[0]' <value>"},
	} {
		stack := stackFor(nil, nil)
		stack.Config["aws:"+tc.setting] = tc.value
		_, err := plan.Run(stack)
		require.Error(t, err, tc.setting)
		assert.Contains(t, err.Error(), "config aws:"+tc.setting+": is not of the setting's shape: "+tc.problem, tc.value)
		assert.Contains(t, err.Error(), tc.example, tc.value)
		assert.NotContains(t, err.Error(), "pushstack.", "no Go type names")

		// The example, as `pulumi config set --path` stores it, passes.
		stack.Config["aws:"+tc.setting] = map[string]string{
			"allowedAccountIds": `["123456789012"]`, "defaultTags": `{"tags":{"team":"push"}}`, "sharedConfigFiles": `["~/.aws/config"]`,
		}[tc.setting]
		_, err = plan.Run(stack)
		assert.NoError(t, err, tc.setting)
	}
}
