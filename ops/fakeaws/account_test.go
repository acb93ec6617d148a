package fakeaws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigureRefusesAnAccountOutsideAllowedAccountIds: as the real
// provider, credentials of an account not in a non-empty
// allowedAccountIds are refused (given as a list or as JSON text); the
// account's own ID, or no list, is taken.
func TestConfigureRefusesAnAccountOutsideAllowedAccountIds(t *testing.T) {
	for name, tc := range map[string]struct {
		allowed interface{}
		refused bool
	}{
		"none":             {nil, false},
		"empty":            {[]interface{}{}, false},
		"this one":         {[]interface{}{AccountID}, false},
		"this one as JSON": {`["111111111111","` + AccountID + `"]`, false},
		"another":          {[]interface{}{"111111111111"}, true},
		"another as JSON":  {`["111111111111"]`, true},
	} {
		settings := resource.PropertyMap{}
		if tc.allowed != nil {
			settings["allowedAccountIds"] = resource.NewPropertyValue(tc.allowed)
		}
		err := NewAccount(NewMemoryStore()).Configure(settings)
		if tc.refused {
			assert.EqualError(t, err, "AWS account ID not allowed: "+AccountID, name)
		} else {
			assert.NoError(t, err, name)
		}
	}
}

// TestTagsAllIsTheDefaultTagsOverlaidWithTheResources: a resource's own
// tag wins over the provider's default tag of the same key.
func TestTagsAllIsTheDefaultTagsOverlaidWithTheResources(t *testing.T) {
	acct := NewAccount(NewMemoryStore())
	require.NoError(t, acct.Configure(resource.NewPropertyMapFromMap(map[string]interface{}{
		"region": "eu-west-1", "defaultTags": `{"tags":{"team":"push","stack":"dev"}}`,
	})))
	assert.Equal(t, "eu-west-1", acct.Region())
	got := acct.TagsAll(resource.NewPropertyValue(map[string]interface{}{"stack": "other", "Name": "x"}))
	assert.Equal(t, map[string]interface{}{"team": "push", "stack": "other", "Name": "x"}, got.Mappable())
}

// TestAutoNameLengthIsNewUniqueNames: the name made for a resource of
// logical name logical is "<logical>-<digits>", as long as the type
// allows (just inside) and refused beyond it (just outside), in the words
// of resource.NewUniqueName, which the bridged provider calls.
func TestAutoNameLengthIsNewUniqueNames(t *testing.T) {
	logical := "push-connection-targets" // 23 characters, 31 with "-" and 7 digits
	name, err := autoName(logical, 31, "1a2b3c4")
	require.NoError(t, err)
	assert.Equal(t, "push-connection-targets-1a2b3c4", name)
	_, err = autoName(logical, 30, "1a2b3c4")
	_, want := resource.NewUniqueName(nil, logical+"-", 7, 30, nil)
	require.Error(t, want)
	assert.EqualError(t, err, want.Error())
}

// TestPutThingsAreTaggedOnlyWithTheirOwnTags: what someone else put in
// the account does not carry this provider's default tags.
func TestPutThingsAreTaggedOnlyWithTheirOwnTags(t *testing.T) {
	acct := NewAccount(NewMemoryStore())
	require.NoError(t, acct.Configure(resource.NewPropertyMapFromMap(map[string]interface{}{"defaultTags": map[string]interface{}{"tags": map[string]interface{}{"stack": "new"}}})))
	_, err := acct.Put("aws:dynamodb/table:Table", "old", resource.NewPropertyMapFromMap(map[string]interface{}{"name": "t"}), "1a2b3c4")
	require.NoError(t, err)
	_, state, found, err := acct.Read("aws:dynamodb/table:Table", "t")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, map[string]interface{}{}, state["tagsAll"].Mappable())
	_, created, err := acct.Create("aws:dynamodb/table:Table", "new", resource.NewPropertyMapFromMap(map[string]interface{}{"name": "u"}), "1a2b3c4")
	require.NoError(t, err)
	assert.Equal(t, map[string]interface{}{"stack": "new"}, created["tagsAll"].Mappable())
}
