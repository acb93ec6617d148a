package deploypolicy

// kmsPage is KMS's page of the Service Authorization Reference.
var kmsPage = sar("awskeymanagementservice")

// keys scopes to the account's keys of the region: a key's ID is chosen
// by KMS at creation.
func keys(t Target, _ Subject) []string { return []string{t.regional("kms", "key/*")} }

var kmsEntries = map[string]Entry{
	"aws:kms/key:Key": {Reference: []string{kmsPage}, Provider: providerSource("kms/key.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"kms:CreateKey"}},
		{Op: Create, Actions: []string{"kms:EnableKeyRotation", "kms:PutKeyPolicy"}, On: keys},
		{Op: Read, Actions: []string{"kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus"}, On: keys},
		{Op: Update, Actions: []string{"kms:UpdateKeyDescription", "kms:DisableKeyRotation", "kms:EnableKey", "kms:DisableKey"}, On: keys},
		{Op: Tag, Actions: []string{"kms:ListResourceTags", "kms:TagResource", "kms:UntagResource"}, On: keys},
		{Op: Delete, Actions: []string{"kms:ScheduleKeyDeletion"}, On: keys},
	}},
}
