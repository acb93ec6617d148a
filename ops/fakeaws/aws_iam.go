package fakeaws

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
)

// iamARNs states the forms of IAM's ARNs; IAM is global, so they have no
// region.
var iamARNs = serviceAuthorization("awsidentityandaccessmanagementiam")

var iamTypes = map[string]resourceType{
	"aws:iam/instanceProfile:InstanceProfile": {
		args: iam.InstanceProfileArgs{}, state: iam.InstanceProfileState{},
		doc: registryPage("iam/instanceprofile"),
		// role is removed from and added to the profile in place.
		replaceOnChanges:  []string{"name", "namePrefix", "path"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		arn:               "arn:${Partition}:iam::${Account}:instance-profile/${InstanceProfileNameWithPath}",
		arnDoc:            iamARNs,
		make: func(m *made) string {
			m.set("arn", m.arnOf("InstanceProfileNameWithPath", withPath(m)))
			return m.name()
		},
	},
	"aws:iam/role:Role": {
		args: iam.RoleArgs{}, state: iam.RoleState{},
		doc:               registryPage("iam/role"),
		replaceOnChanges:  []string{"name", "namePrefix", "path"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 64,
		exists:            "EntityAlreadyExists: Role with name %s already exists.",
		arn:               "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
		arnDoc:            iamARNs,
		make: func(m *made) string {
			m.set("arn", m.arnOf("RoleNameWithPath", withPath(m)))
			return m.name()
		},
	},
	"aws:iam/rolePolicy:RolePolicy": {
		args: iam.RolePolicyArgs{}, state: iam.RolePolicyState{},
		doc:              registryPage("iam/rolepolicy"),
		replaceOnChanges: []string{"name", "namePrefix", "role"},
		// The name is unique only within its role, and PutRolePolicy
		// overwrites.
		autoName:          "name",
		autoNameMaxLength: 255,
		make:              byID("", ""),
	},
}

// withPath is an IAM name with its path ("/" unless the path input says
// otherwise), as IAM ARNs carry it: "path/to/name", or "name".
func withPath(m *made) string {
	path := m.str("path")
	if path == "" {
		path = "/"
	}
	return strings.TrimPrefix(path, "/") + m.name()
}
