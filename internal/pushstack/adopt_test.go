package pushstack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/internal/plan"
)

// TestAdoptExistingImportsEveryRetainedResource: a new stack pointed at an
// old prefix imports, by its physical ID, every resource the old stack
// retained, and nothing else.
func TestAdoptExistingImportsEveryRetainedResource(t *testing.T) {
	oldKey := mockGeneratedKey()
	p := runPlan(t, map[string]string{"processor": "true", "adoptExisting": "true", "tablePrefix": "push-old"},
		map[string]string{"cryptoKey": oldKey})
	bucket := "push-old-logs-" + plan.MockAccountID
	imports := map[string]string{}
	for _, r := range p.Resources {
		if r.Options.ImportID != "" {
			imports[r.Type+" "+r.Name] = r.Options.ImportID
			assert.True(t, r.Options.RetainOnDelete, "%s %s is imported, so it is retained", r.Type, r.Name)
		} else if r.Custom {
			assert.False(t, r.Options.RetainOnDelete && r.Type != "random:index/randomPassword:RandomPassword",
				"retained %s %s is not imported", r.Type, r.Name)
		}
	}
	assert.Equal(t, map[string]string{
		"aws:dynamodb/table:Table push-tables-router":                                                          "push-old_router",
		"aws:dynamodb/table:Table push-tables-message":                                                         "push-old_message",
		"aws:dynamodb/table:Table push-processor-messages":                                                     "push-old_push_messages",
		"aws:ssm/parameter:Parameter crypto-key":                                                               "/push-turnkey/push-old/crypto-key",
		"aws:s3/bucketV2:BucketV2 push-logs":                                                                   bucket,
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock push-logs":                                     bucket,
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls push-logs":                                     bucket,
		"aws:s3/bucketVersioningV2:BucketVersioningV2 push-logs":                                               bucket,
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2 push-logs": bucket,
		"aws:s3/bucketPolicy:BucketPolicy push-logs":                                                           bucket,
	}, imports)

	// The old key is what the imported parameter holds: old subscriptions
	// keep working.
	param := one(t, p, "aws:ssm/parameter:Parameter", "crypto-key")
	assert.Equal(t, oldKey, param.Inputs["value"].SecretValue().Element.StringValue())
	assert.Empty(t, p.Find("random:index/randomBytes:RandomBytes"), "no new key is made")

	// Without adoptExisting nothing is imported.
	for _, r := range runPlan(t, configs["processor"], nil).Resources {
		assert.Empty(t, r.Options.ImportID, "%s %s", r.Type, r.Name)
	}
}

func TestAdoptExistingNeedsTheOldKey(t *testing.T) {
	_, err := plan.Run(stackFor(map[string]string{"adoptExisting": "true"}, nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:adoptExisting: needs the old stack's cryptoKey")
}

func TestPlanShowsImportIDs(t *testing.T) {
	p := runPlan(t, map[string]string{"adoptExisting": "true"}, map[string]string{"cryptoKey": mockGeneratedKey()})
	doc := plan.Document(p)
	for _, r := range doc.Resources {
		if r.Name == "push-tables-router" {
			assert.Equal(t, "push-test_router", r.Options.ImportID)
			return
		}
	}
	t.Fatal("router table not in the plan")
}
