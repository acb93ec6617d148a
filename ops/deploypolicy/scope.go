package deploypolicy

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// AccountVariable stands for the account in the policy's ARNs: the IAM
// policy variable of the account of the user the policy is attached to
// (aws:PrincipalAccount, a global condition key present in every request;
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html),
// the account the stack deploys to.
const AccountVariable = "${aws:PrincipalAccount}"

// Target is where the stack deploys.
type Target struct {
	Partition string // "aws", "aws-cn", "aws-us-gov"
	// Region is the stack's aws:region, "" when the environment chooses it
	// (then ARNs hold any region).
	Region string
}

// TargetOf is the target of a stack whose aws:region is region ("" for
// none): the partition is the region's
// (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
func TargetOf(region string) Target {
	t := Target{Partition: "aws", Region: region}
	switch {
	case strings.HasPrefix(region, "cn-"):
		t.Partition = "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		t.Partition = "aws-us-gov"
	}
	return t
}

// regional is the ARN of resource in a regional service of the stack's
// region and account.
func (t Target) regional(service, res string) string {
	region := t.Region
	if region == "" {
		region = "*"
	}
	return "arn:" + t.Partition + ":" + service + ":" + region + ":" + AccountVariable + ":" + res
}

// global is the ARN of resource in a global service of the account (IAM:
// no region).
func (t Target) global(service, res string) string {
	return "arn:" + t.Partition + ":" + service + "::" + AccountVariable + ":" + res
}

// s3 is the ARN of a bucket or object (S3's ARNs have no region or
// account).
func (t Target) s3(res string) string { return "arn:" + t.Partition + ":s3:::" + res }

// autoSuffix stands for the 7 hex digits pulumi-aws adds to the logical
// name of a resource whose name the program leaves out ("push-node" is
// "push-node-1a2b3c4"); IAM's "?" matches one character.
const autoSuffix = "-???????"

// str is a string input of s ("" when absent or unknown), with the plan's
// made-up account replaced by AccountVariable (a bucket name holds it).
func (s Subject) str(key string) string {
	v := s.Inputs[resource.PropertyKey(key)]
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return ""
	}
	return strings.ReplaceAll(v.StringValue(), plan.MockAccountID, AccountVariable)
}

// physical is the name of s in AWS: the input key when the program sets
// it, else the logical name with pulumi-aws's suffix.
func (s Subject) physical(key string) string {
	if name := s.str(key); name != "" {
		return name
	}
	return s.Name + autoSuffix
}

// regionalNamed scopes to the resource "<prefix><its name>" of a regional
// service, the name from the input key.
func regionalNamed(service, prefix, key string) Scope {
	return func(t Target, s Subject) []string { return []string{t.regional(service, prefix+s.physical(key))} }
}

// anyOf scopes to every resource of a regional service in the stack's
// region and account: for resources whose IDs AWS chooses at creation (a
// VPC's, a key's), which no policy written before can name.
func anyOf(service string) Scope {
	return func(t Target, _ Subject) []string { return []string{t.regional(service, "*")} }
}

// roleByName is the ARN pattern of the stack's role named name (an input of
// another resource: a role name or ARN): the role resource of the plan of
// that physical name, by its logical name; "" when the plan has none.
func roleByName(s Subject, name string) string {
	name = name[strings.LastIndex(name, "/")+1:]
	for _, r := range s.Plan.Find("aws:iam/role:Role") {
		if r.ID == name || r.Outputs["name"].IsString() && r.Outputs["name"].StringValue() == name {
			return Subject{Type: r.Type, Name: r.Name, Inputs: r.Inputs, Plan: s.Plan}.physical("name")
		}
	}
	return ""
}

// roleOf scopes to the role a resource names in its input key (a name or
// an ARN).
func roleOf(key string) Scope {
	return func(t Target, s Subject) []string {
		if role := roleByName(s, s.str(key)); role != "" {
			return []string{t.global("iam", "role/"+role)}
		}
		return nil
	}
}

// trustedServices are the service principals a role's trust policy
// (assumeRolePolicy) lets assume it: the services it is passed to.
func trustedServices(s Subject) []string {
	var doc struct {
		Statement []struct {
			Principal struct {
				Service json.RawMessage
			}
		}
	}
	if err := json.Unmarshal([]byte(s.str("assumeRolePolicy")), &doc); err != nil {
		return nil
	}
	var services []string
	for _, st := range doc.Statement {
		var one string
		var many []string
		if json.Unmarshal(st.Principal.Service, &one) == nil && one != "" {
			services = append(services, one)
		} else if json.Unmarshal(st.Principal.Service, &many) == nil {
			services = append(services, many...)
		}
	}
	return services
}

// bucketObject is the ARN pattern of an object of the stack's bucket: its
// key when it is a fixed name, its folder when the key holds the content's
// hash (artifacts/<program>/<sha256>), which changes with every build.
func bucketObject(t Target, s Subject) []string {
	key := s.str("key")
	if dir := path.Dir(key); dir != "." {
		key = dir + "/*"
	}
	return []string{t.s3(s.str("bucket") + "/" + key)}
}
