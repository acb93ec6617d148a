package deploypolicy

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/pushstack"
)

// configs are the stacks the policy is checked for: the defaults and each
// option that adds resource types or look-ups.
var configs = map[string][]plan.Setting{
	"default":   nil,
	"firehose":  {{Pair: "firehose=true"}},
	"processor": {{Pair: "processor=true"}},
	"nat":       {{Pair: "processor=true"}, {Pair: "natGateway=true"}},
	"tls-hosted-zone": {{Pair: "domainName=push.example.com"}, {Pair: "hostedZoneId=Z0123456789ABCDEFGHIJ"},
		{Pair: "alarmEmail=ops@example.com"}},
	"ssh": {{Pair: "sshKeyName=ops"}, {Pair: "sshAllowedCidr=203.0.113.0/24"}},
	"scaling": {{Pair: "connectionNodesMin=2"}, {Pair: "connectionNodesDesired=2"}, {Pair: "connectionNodesMax=6"},
		{Pair: "endpointNodesMax=3"}},
	"allowed-group": {{Pair: "processor=true"}, {Pair: "messagesApiAllowedSecurityGroup=sg-0123456789abcdef0"}},
}

// stackPlans are the plans of one config of the stack "policy-check"
// (no stack file: Pulumi.yaml's defaults), in us-east-1.
func stackPlans(t *testing.T, settings []plan.Setting) []*plan.Plan {
	t.Helper()
	s, err := plan.LoadStack("../..", "policy-check", append([]plan.Setting{{Pair: "aws:region=us-east-1"}}, settings...))
	require.NoError(t, err)
	s.Artifacts = plan.StandInArtifacts(t.TempDir())
	plans, err := Plans(s)
	require.NoError(t, err)
	return plans
}

// fakeAccountARN is an ARN pattern of the policy with the account
// variable as the plan's account resolves it.
func fakeAccountARN(pattern string) string {
	return strings.ReplaceAll(pattern, AccountVariable, plan.MockAccountID)
}

// allows reports whether some statement of docs allows action on arn
// (unconditionally or under a condition, which this does not evaluate).
func allows(docs []Document, action, arn string) bool {
	for _, d := range docs {
		for _, s := range d.Statement {
			if !slices.Contains(s.Action, action) {
				continue
			}
			for _, r := range s.Resource {
				if globMatch(fakeAccountARN(r), arn) {
					return true
				}
			}
		}
	}
	return false
}

func TestEveryTypeAndLookUpHasAnEntry(t *testing.T) {
	for name, settings := range configs {
		t.Run(name, func(t *testing.T) {
			plans := stackPlans(t, settings)
			require.NoError(t, Check(plans))
			var types, invokes int
			for _, p := range plans {
				types += len(p.Resources)
				invokes += len(p.Invokes)
			}
			assert.Positive(t, types)
			assert.Positive(t, invokes, "the plan records the look-ups")
		})
	}
}

// TestAMissingEntryNamesTheFileToEdit: a type or look-up with no entry
// fails, naming itself and the file its entry goes into.
func TestAMissingEntryNamesTheFileToEdit(t *testing.T) {
	p := &plan.Plan{
		Resources: []plan.Resource{{Type: "aws:dynamodb/table:Table", Custom: true}, {Type: "aws:glacier/vault:Vault", Custom: true},
			{Type: "push-turnkey:storage:PushTables"}},
		Invokes: []plan.Invoke{{Token: "aws:ec2/getAmi:getAmi"}},
	}
	err := Check([]*plan.Plan{p})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "resource type aws:glacier/vault:Vault has no entry: add what it calls to ops/deploypolicy/aws_glacier.go")
	assert.Contains(t, err.Error(), "look-up aws:ec2/getAmi:getAmi has no entry: add what it calls to ops/deploypolicy/invokes.go")
	assert.NotContains(t, err.Error(), "PushTables", "a component calls nothing")
	assert.NotContains(t, err.Error(), "dynamodb/table", "the table has its entry")
	_, err = For([]*plan.Plan{p}, TargetOf("us-east-1"))
	assert.Error(t, err, "no policy without every entry")
}

var sidRe = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// TestPolicyIsValidIAM: the documents are IAM policy documents of version
// 2012-10-17, each statement with a unique alphanumeric Sid, Effect,
// Action and Resource, and each document within the managed-policy size.
func TestPolicyIsValidIAM(t *testing.T) {
	for name, settings := range configs {
		t.Run(name, func(t *testing.T) {
			docs, err := For(stackPlans(t, settings), TargetOf("us-east-1"))
			require.NoError(t, err)
			require.NotEmpty(t, docs)
			sids := map[string]bool{}
			for i, d := range docs {
				data, err := json.Marshal(d)
				require.NoError(t, err)
				var raw map[string]interface{}
				require.NoError(t, json.Unmarshal(data, &raw))
				assert.Equal(t, "2012-10-17", raw["Version"])
				assert.LessOrEqual(t, len(data), 6144, "document %d: IAM quota of a managed policy", i)
				statements, _ := raw["Statement"].([]interface{})
				require.NotEmpty(t, statements)
				for _, st := range statements {
					s := st.(map[string]interface{})
					sid, _ := s["Sid"].(string)
					assert.Regexp(t, sidRe, sid)
					assert.False(t, sids[sid], "Sid %s twice", sid)
					sids[sid] = true
					assert.Equal(t, "Allow", s["Effect"], sid)
					assert.NotEmpty(t, s["Action"], sid)
					assert.NotEmpty(t, s["Resource"], sid)
				}
			}
		})
	}
}

// TestActionsAndScopesAreTheReference's: every action granted is an action
// of its service on the Service Authorization Reference; a statement on
// "*" holds only actions the reference lists with no resource type; in a
// statement on named resources every action accepts one of them and each
// is accepted by one of its actions (a resource type's ARN form matches
// it); a condition key is one the reference lists for the statement's
// actions.
func TestActionsAndScopesAreTheReferences(t *testing.T) {
	ref := readReference(t)
	for name, settings := range configs {
		t.Run(name, func(t *testing.T) {
			docs, err := For(stackPlans(t, settings), TargetOf("us-east-1"))
			require.NoError(t, err)
			for _, d := range docs {
				for _, s := range d.Statement {
					for _, a := range s.Action {
						prefix, _, _ := strings.Cut(a, ":")
						require.Contains(t, ref.pages, prefix, "%s: its service's page is not in testdata/service-authorization.txt", a)
						_, ok := ref.actions[a]
						assert.True(t, ok, "%s is not an action on %s", a, ref.pages[prefix])
					}
					if slices.Equal(s.Resource, []string{"*"}) {
						for _, a := range s.Action {
							assert.Empty(t, ref.actions[a].resourceTypes, "%s is granted on * but takes the resource types %v", a, ref.actions[a].resourceTypes)
						}
						continue
					}
					for _, a := range s.Action {
						assert.True(t, slices.ContainsFunc(s.Resource, func(r string) bool {
							return slices.ContainsFunc(ref.arnForms(a), func(form string) bool { return globIntersect(fakeAccountARN(r), form) })
						}), "%s (statement %s) accepts none of %v", a, s.Sid, s.Resource)
					}
					for _, r := range s.Resource {
						assert.True(t, slices.ContainsFunc(s.Action, func(a string) bool {
							return slices.ContainsFunc(ref.arnForms(a), func(form string) bool { return globIntersect(fakeAccountARN(r), form) })
						}), "no action of statement %s accepts %s", s.Sid, r)
					}
					for _, byKey := range s.Condition {
						for key := range byKey {
							assert.True(t, slices.ContainsFunc(s.Action, func(a string) bool { return slices.Contains(ref.actions[a].conditions, key) }),
								"statement %s: no action of %v takes the condition key %s", s.Sid, s.Action, key)
						}
					}
				}
			}
		})
	}
}

// TestEntriesNameTheirSources: every entry that grants something names
// the reference page of each service it grants actions of, and where its
// calls were read; an entry granting nothing says why.
func TestEntriesNameTheirSources(t *testing.T) {
	ref := readReference(t)
	check := func(token string, e Entry) {
		if len(e.Grants) == 0 {
			assert.NotEmpty(t, e.None, "%s grants nothing and does not say why", token)
			return
		}
		assert.NotEmpty(t, e.Provider, "%s: where were its calls read?", token)
		for _, g := range e.Grants {
			require.NotEmpty(t, g.Actions, token)
			for _, a := range g.Actions {
				prefix, _, _ := strings.Cut(a, ":")
				assert.Contains(t, e.Reference, ref.pages[prefix], "%s grants %s: its Reference lacks that service's page", token, a)
			}
		}
	}
	for token, e := range entries {
		check(token, e)
	}
	for token, e := range invokeEntries {
		check(token, e)
	}
}

// TestPolicyCoversTheResourcesAsAWSNamesThem: for every resource with an
// ARN (the fake account computes it in the form the reference states),
// the policy allows the calls that create, read and delete it on that
// ARN, the delete only when the stack does not retain the resource.
func TestPolicyCoversTheResourcesAsAWSNamesThem(t *testing.T) {
	for _, name := range []string{"nat", "tls-hosted-zone", "scaling"} {
		t.Run(name, func(t *testing.T) {
			plans := stackPlans(t, configs[name])
			docs, err := For(plans, TargetOf("us-east-1"))
			require.NoError(t, err)
			checked := 0
			for _, r := range plans[0].Resources {
				arn := r.Outputs["arn"]
				if !r.Custom || !arn.IsString() {
					continue
				}
				service := strings.Split(arn.StringValue(), ":")[2]
				for _, g := range entries[r.Type].Grants {
					if g.On == nil || g.If != nil {
						continue
					}
					for _, a := range g.Actions {
						if prefix, _, _ := strings.Cut(a, ":"); prefix != service || g.Op == Tag {
							continue
						}
						want := g.Op != Delete || !r.Options.RetainOnDelete
						if own := g.On(TargetOf("us-east-1"), Subject{Type: r.Type, Name: r.Name, Inputs: r.Inputs, Plan: plans[0]}); !slices.ContainsFunc(own,
							func(p string) bool { return globMatch(fakeAccountARN(p), arn.StringValue()) }) {
							continue // a grant on another resource of the service (a role's policy on its role)
						}
						assert.Equal(t, want, allows(docs, a, arn.StringValue()), "%s %s: %s on %s", r.Type, r.Name, a, arn.StringValue())
						checked++
					}
				}
			}
			assert.Greater(t, checked, 100)
		})
	}
}

// TestEveryResourceIsInAScopeOfItsEntry: every resource with an ARN is
// named by the scope of some grant of its entry on its own service (or
// its service's calls are all on "*"), so the previous test checks it.
func TestEveryResourceIsInAScopeOfItsEntry(t *testing.T) {
	plans := stackPlans(t, configs["nat"])
	for _, r := range plans[0].Resources {
		arn := r.Outputs["arn"]
		if !r.Custom || !arn.IsString() {
			continue
		}
		service := strings.Split(arn.StringValue(), ":")[2]
		named, scoped := false, false
		for _, g := range entries[r.Type].Grants {
			if prefix, _, _ := strings.Cut(g.Actions[0], ":"); prefix != service || g.On == nil {
				continue
			}
			scoped = true
			own := g.On(TargetOf("us-east-1"), Subject{Type: r.Type, Name: r.Name, Inputs: r.Inputs, Plan: plans[0]})
			named = named || slices.ContainsFunc(own, func(p string) bool { return globMatch(fakeAccountARN(p), arn.StringValue()) })
		}
		assert.True(t, named || !scoped, "%s %s (%s): no grant's scope names it", r.Type, r.Name, arn.StringValue())
	}
}

// TestLeastPrivilege: the stack's own names bound what it may do: no
// statement but those of actions with no resource type is on "*"; roles
// are passed only to the services that assume them; nothing is granted on
// another stack's tables or parameters.
func TestLeastPrivilege(t *testing.T) {
	plans := stackPlans(t, configs["processor"])
	docs, err := For(plans, TargetOf("us-east-1"))
	require.NoError(t, err)
	const other = "arn:aws:dynamodb:us-east-1:" + plan.MockAccountID + ":table/push-other_router"
	for _, a := range []string{"dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTable", "dynamodb:DeleteTable"} {
		assert.False(t, allows(docs, a, other), "%s on another stack's table", a)
	}
	assert.True(t, allows(docs, "dynamodb:CreateTable", "arn:aws:dynamodb:us-east-1:"+plan.MockAccountID+":table/push-policy-check_router"))
	assert.False(t, allows(docs, "ssm:PutParameter", "arn:aws:ssm:us-east-1:"+plan.MockAccountID+":parameter/push-turnkey/push-other/crypto-key"))
	assert.False(t, allows(docs, "dynamodb:DeleteTable", "arn:aws:dynamodb:us-east-1:"+plan.MockAccountID+":table/push-policy-check_router"),
		"the tables are retained: destroy never deletes them")
	assert.False(t, allows(docs, "ssm:DeleteParameter", "arn:aws:ssm:us-east-1:"+plan.MockAccountID+":parameter/push-turnkey/push-policy-check/crypto-key"),
		"the key parameter is retained")
	assert.True(t, allows(docs, "ssm:DeleteParameter", "arn:aws:ssm:us-east-1:"+plan.MockAccountID+":parameter/push-turnkey/push-policy-check/redis-auth-token"),
		"the Redis token's parameter is not")
	assert.False(t, allows(docs, "s3:DeleteBucket", "arn:aws:s3:::push-policy-check-logs-"+plan.MockAccountID), "the bucket is retained")

	passed := map[string]bool{}
	for _, d := range docs {
		for _, s := range d.Statement {
			if !slices.Contains(s.Action, "iam:PassRole") {
				continue
			}
			assert.Equal(t, []string{"iam:PassRole"}, s.Action, "PassRole stands alone under its condition")
			assert.NotContains(t, s.Resource, "*")
			services := s.Condition["StringEquals"]["iam:PassedToService"]
			require.Len(t, services, 1, "statement %s", s.Sid)
			passed[services[0]] = true
		}
	}
	assert.Equal(t, map[string]bool{"ec2.amazonaws.com": true, "lambda.amazonaws.com": true, "firehose.amazonaws.com": true}, passed)
}

// notDependedOn are the dependent actions of granted actions (the
// reference's "Dependent actions" column) the policy leaves out, each
// with why the stack's calls never need it.
var notDependedOn = map[string]string{
	// CreateVpcEndpoint associates an interface endpoint's private DNS
	// with a private hosted zone; the stack's endpoints are gateway
	// endpoints (S3, DynamoDB), which have no DNS names of their own.
	"route53:AssociateVPCWithHostedZone": "gateway endpoints only",
	// CreateFunction passes a capacity provider for a function on Lambda
	// Managed Instances; the processor runs on Lambda's default compute.
	"lambda:PassCapacityProvider": "no capacity provider",
}

// TestDependentActionsAreGranted: every dependent action the reference
// lists for a granted action is granted too, or listed in notDependedOn
// with the reason.
func TestDependentActionsAreGranted(t *testing.T) {
	ref := readReference(t)
	for name, settings := range configs {
		t.Run(name, func(t *testing.T) {
			docs, err := For(stackPlans(t, settings), TargetOf("us-east-1"))
			require.NoError(t, err)
			granted := map[string]bool{}
			for _, d := range docs {
				for _, s := range d.Statement {
					for _, a := range s.Action {
						granted[a] = true
					}
				}
			}
			for a := range granted {
				for _, dep := range ref.actions[a].dependent {
					if _, why := notDependedOn[dep]; !why {
						assert.True(t, granted[dep], "%s depends on %s, which is not granted", a, dep)
					}
				}
			}
		})
	}
}

// TestPermissionErrorsNameGrantedActions: the actions the program names
// when AWS refuses one of its look-ups are ones this policy grants for
// that look-up, and every look-up that calls AWS names some.
func TestPermissionErrorsNameGrantedActions(t *testing.T) {
	for token, entry := range invokeEntries {
		named := pushstack.LookUpActions[token]
		if entry.None != "" {
			assert.Empty(t, named, "%s calls no AWS API", token)
			continue
		}
		require.NotEmpty(t, named, "%s: the program names no action when AWS refuses it", token)
		var granted []string
		for _, g := range entry.Grants {
			granted = append(granted, g.Actions...)
		}
		for _, a := range named {
			assert.Contains(t, granted, a, "%s: the program tells the user to grant %s, which the policy does not", token, a)
		}
	}
	for token := range pushstack.LookUpActions {
		assert.Contains(t, invokeEntries, token, "a look-up the policy does not know")
	}
}
