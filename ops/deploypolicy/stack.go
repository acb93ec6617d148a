package deploypolicy

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// Made-up IDs of the account the plans meet when the stack allows a
// security group of a dashboard's VPC (messagesApiAllowedSecurityGroup).
const (
	stackVPC     = "vpc-0deploypolicy0000"
	dashboardVPC = "vpc-0dashboard000000"
)

// Plans runs the program for stack (its Account is ignored) in the two
// accounts that, together, make it call every look-up and register every
// type it can for its config: a new one, and the one the stack's own
// `pulumi destroy` leaves, where its retained stores exist (the tables
// carry its stack tag; the key parameter holds the keys the first run
// stored), so the look-ups that read them are made. With
// messagesApiAllowedSecurityGroup both hold the group in a VPC peered with
// the stack's, the one way that config deploys.
func Plans(stack plan.Stack) ([]*plan.Plan, error) {
	var base plan.Account
	if group := stack.Config[stackconfig.Namespace+":messagesApiAllowedSecurityGroup"]; group != "" {
		base = plan.Account{StackVPCs: []string{stackVPC}, SecurityGroups: map[string]string{group: dashboardVPC},
			Peerings: [][2]string{{dashboardVPC, stackVPC}}}
	}
	stack.Account = base
	first, err := plan.Run(stack)
	if err != nil {
		return nil, err
	}
	stack.Account = retainedBy(first, stack.Name, base)
	second, err := plan.Run(stack)
	if err != nil {
		return nil, fmt.Errorf("the stack's plan after its own destroy: %w", err)
	}
	return []*plan.Plan{first, second}, nil
}

// retainedBy is base with the stores p retains on destroy, as their
// resources' inputs name them, tagged as stack's.
func retainedBy(p *plan.Plan, stack string, base plan.Account) plan.Account {
	acct := base
	acct.TableOwner = stack
	acct.Parameters = map[string]string{}
	for _, r := range p.Resources {
		if !r.Options.RetainOnDelete {
			continue
		}
		s := Subject{Inputs: r.Inputs}
		switch r.Type {
		case "aws:dynamodb/table:Table":
			acct.Tables = append(acct.Tables, s.str("name"))
		case "aws:ssm/parameter:Parameter":
			acct.Parameters[s.str("name")] = plainValue(r.Inputs["value"])
		case "aws:s3/bucketV2:BucketV2":
			acct.Buckets = append(acct.Buckets, strings.ReplaceAll(s.str("bucket"), AccountVariable, plan.MockAccountID))
		}
	}
	return acct
}

// plainValue is a string input with its secret wrapping removed ("" when
// unknown).
func plainValue(v resource.PropertyValue) string {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}
