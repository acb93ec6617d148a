package pushstack_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// configs are the stack configs every property below holds for.
var configs = map[string]map[string]string{
	"default":   {},
	"firehose":  {"firehose": "true"},
	"processor": {"processor": "true"},
}

// firehoseOn reports whether the named config has the Firehose tier
// (processor implies it).
func firehoseOn(name string) bool { return name == "firehose" || name == "processor" }

// runPlan runs the real program under mocks for stack "test" with the given
// project config (bare keys) and secret project config.
func runPlan(t testing.TB, config, secrets map[string]string) *plan.Plan {
	t.Helper()
	p, err := plan.Run(stackFor(config, secrets))
	require.NoError(t, err)
	return p
}

// standIns are the processor tier's programs in these tests; the real
// builds are tested in program/artifact and by
// TestProcessorArchiveIsIdenticalAcrossRuns.
var standIns = plan.StandInArtifacts(filepath.Join(os.TempDir(), "push-turnkey-test-artifacts"))

// dashboardGroup is a security group of a dashboard's VPC, peered with the
// stack's VPC, which an earlier `pulumi up` made: the only account in which
// AWS takes it in the Messages API's ingress rule.
const dashboardGroup = "sg-0123456789abcdef0"

var peeredAccount = plan.Account{
	StackVPCs:      []string{"vpc-0stack00000000000"},
	SecurityGroups: map[string]string{dashboardGroup: "vpc-0dashboard000000"},
	Peerings:       [][2]string{{"vpc-0dashboard000000", "vpc-0stack00000000000"}},
}

// stackFor is the stack "test" in us-east-1 with the given project config
// (bare keys) and secret project config; one that allows dashboardGroup is
// in peeredAccount.
func stackFor(config, secrets map[string]string) plan.Stack {
	s := plan.Stack{Name: "test", Config: map[string]string{"aws:region": "us-east-1"}, Artifacts: standIns}
	if config["messagesApiAllowedSecurityGroup"] == dashboardGroup {
		s.Account = peeredAccount
	}
	for k, v := range config {
		s.Config["push-turnkey:"+k] = v
	}
	for k, v := range secrets {
		s.Config["push-turnkey:"+k] = v
		s.SecretKeys = append(s.SecretKeys, "push-turnkey:"+k)
	}
	return s
}

// one returns the only resource of typ named name.
func one(t testing.TB, p *plan.Plan, typ, name string) plan.Resource {
	t.Helper()
	var found []plan.Resource
	for _, r := range p.Find(typ) {
		if r.Name == name {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "resources %s named %s", typ, name)
	return found[0]
}

// output reads a string output the fake account made for r (an ARN, a
// name it chose, an address), failing if it is missing: the tests read
// made-up values from the plan rather than derive them.
func output(t testing.TB, r plan.Resource, key string) string {
	t.Helper()
	v := r.Outputs[resource.PropertyKey(key)]
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	require.True(t, v.IsString(), "%s %s has no output %s", r.Type, r.Name, key)
	return v.StringValue()
}

// processorPlan is the plan of the stack "test" with the processor tier,
// made once.
var processorPlan = sync.OnceValues(func() (*plan.Plan, error) { return plan.Run(stackFor(configs["processor"], nil)) })

// plannedSecret is the output key of the resource of type typ and name
// typ in processorPlan: a value the fake account made up (random values
// depend only on the stack and the name).
func plannedSecret(typ, name, key string) string {
	p, err := processorPlan()
	if err != nil {
		panic(fmt.Sprintf("plan of the stack test: %v", err))
	}
	for _, r := range p.Find(typ) {
		if v := r.Outputs[resource.PropertyKey(key)]; r.Name == name && v.IsSecret() && v.SecretValue().Element.IsString() {
			return v.SecretValue().Element.StringValue()
		}
	}
	panic(fmt.Sprintf("the plan of the stack test has no secret output %s of %s %s", key, typ, name))
}

// str reads a string input, failing if it is missing, secret or no string.
func str(t testing.TB, r plan.Resource, key string) string {
	t.Helper()
	v, ok := r.Inputs[resource.PropertyKey(key)]
	require.True(t, ok, "%s %s has no input %s", r.Type, r.Name, key)
	require.False(t, v.IsSecret(), "%s %s input %s is secret", r.Type, r.Name, key)
	require.True(t, v.IsString(), "%s %s input %s is %v", r.Type, r.Name, key, v)
	return v.StringValue()
}

// masked reads an input as plain data (secrets "[secret]").
func masked(r plan.Resource, key string) interface{} {
	return plan.Masked(r.Inputs[resource.PropertyKey(key)])
}

// policy parses a JSON IAM policy document input.
func policy(t testing.TB, r plan.Resource, key string) policyDocument {
	t.Helper()
	var doc policyDocument
	require.NoError(t, json.Unmarshal([]byte(str(t, r, key)), &doc), "%s %s %s", r.Type, r.Name, key)
	return doc
}

type policyDocument struct {
	Version   string
	Statement []struct {
		Sid       string
		Effect    string
		Principal map[string]interface{}
		Action    []string
		Resource  []string
		Condition map[string]map[string]string
	}
}

// userData decodes a launch template's user data.
func userData(t testing.TB, p *plan.Plan, name string) string {
	t.Helper()
	lt := one(t, p, "aws:ec2/launchTemplate:LaunchTemplate", name)
	decoded, err := base64.StdEncoding.DecodeString(str(t, lt, "userData"))
	require.NoError(t, err)
	return string(decoded)
}

// plainStrings collects every non-secret string in the plan's inputs, with
// base64 user data decoded too, to hunt for leaked secrets.
func plainStrings(p *plan.Plan) []string {
	var out []string
	var walk func(v resource.PropertyValue)
	walk = func(v resource.PropertyValue) {
		switch {
		case v.IsSecret():
			return
		case v.IsString():
			out = append(out, v.StringValue())
			if decoded, err := base64.StdEncoding.DecodeString(v.StringValue()); err == nil {
				out = append(out, string(decoded))
			}
		case v.IsArray():
			for _, item := range v.ArrayValue() {
				walk(item)
			}
		case v.IsObject():
			for _, item := range v.ObjectValue() {
				walk(item)
			}
		}
	}
	for _, r := range p.Resources {
		walk(resource.NewObjectProperty(r.Inputs))
	}
	for _, o := range p.Outputs {
		if !o.Secret {
			if s, ok := o.Value.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func containsAny(haystack []string, needle string) bool {
	for _, s := range haystack {
		if strings.Contains(s, needle) {
			return true
		}
	}
	return false
}
