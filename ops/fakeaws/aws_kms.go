package fakeaws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
)

var kmsTypes = map[string]resourceType{
	"aws:kms/key:Key": {
		args: kms.KeyArgs{}, state: kms.KeyState{},
		doc: registryPage("kms/key"),
		// description, policy, enableKeyRotation and deletionWindowInDays
		// are updatable.
		replaceOnChanges: []string{"customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"},
		arn:              "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
		arnDoc:           serviceAuthorization("awskeymanagementservice"),
		// A key is known by its key ID, a UUID ("Key identifiers (KeyId)",
		// AWS KMS Developer Guide:
		// https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id).
		make: func(m *made) string {
			id := m.uuid()
			m.set("keyId", id)
			m.set("arn", m.arnOf("KeyId", id))
			return id
		},
	},
}
