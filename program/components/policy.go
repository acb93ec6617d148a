package components

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Project is the token prefix of every component type and the value of the
// "project" tag.
const Project = "push-turnkey"

// Statement is one IAM policy statement. Action and Resource are always
// lists, so a reader (and the tests) never meet the string-or-list forms.
type Statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal map[string]string            `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// PolicyDocument renders statements as an IAM policy document (version
// 2012-10-17) in JSON.
func PolicyDocument(statements ...Statement) string {
	doc, err := json.Marshal(struct {
		Version   string      `json:"Version"`
		Statement []Statement `json:"Statement"`
	}{"2012-10-17", statements})
	if err != nil {
		// Marshalling plain strings and maps cannot fail.
		panic(fmt.Sprintf("marshal policy document: %v", err))
	}
	return string(doc)
}

// assumeRolePolicy lets one AWS service principal assume a role, optionally
// only on behalf of one account (sts:ExternalId, the confused-deputy guard).
func assumeRolePolicy(service, externalID string) string {
	st := Statement{
		Effect:    "Allow",
		Principal: map[string]string{"Service": service},
		Action:    []string{"sts:AssumeRole"},
	}
	if externalID != "" {
		st.Condition = map[string]map[string]string{"StringEquals": {"sts:ExternalId": externalID}}
	}
	return PolicyDocument(st)
}

// newServiceRole makes a role that service assumes, with one inline policy.
func newServiceRole(ctx *pulumi.Context, name, service, externalID string, policy pulumi.StringInput,
	opts ...pulumi.ResourceOption) (*iam.Role, *iam.RolePolicy, error) {
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(assumeRolePolicy(service, externalID)),
	}, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("role %s: %w", name, err)
	}
	inline, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: policy,
	}, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("role policy %s: %w", name, err)
	}
	return role, inline, nil
}

// sessionManagerStatements let an instance hold Session Manager sessions
// (`aws ssm start-session`), so no instance needs SSH.
func sessionManagerStatements(partition, region, accountID string) []Statement {
	return []Statement{
		{
			Sid:      "SessionManagerRegistration",
			Effect:   "Allow",
			Action:   []string{"ssm:UpdateInstanceInformation"},
			Resource: []string{fmt.Sprintf("arn:%s:ec2:%s:%s:instance/*", partition, region, accountID)},
		},
		{
			// These actions have no resource types (AWS Service
			// Authorization Reference): "*" is the only valid resource.
			Sid:    "SessionManagerChannels",
			Effect: "Allow",
			Action: []string{
				"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
				"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
			},
			Resource: []string{"*"},
		},
	}
}
