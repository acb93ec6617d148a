package cwlogs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMatchJSON: the operators of the "Match terms in JSON log events"
// section, each on a value that matches and one that does not.
func TestMatchJSON(t *testing.T) {
	event := []byte(`{"eventType": "UpdateTrail", "latency": 250, "user": {"id": 1, "name": "ops"}}`)
	for pattern, want := range map[string]bool{
		`{ $.eventType = "UpdateTrail" }`:                           true,
		`{ $.eventType = "DeleteTrail" }`:                           false,
		`{ $.eventType != "DeleteTrail" }`:                          true,
		`{ $.latency >= 250 }`:                                      true,
		`{ $.latency > 250 }`:                                       false,
		`{ $.latency < 300 && $.latency > 200 }`:                    true,
		`{ $.latency < 100 || $.user.name = "ops" }`:                true,
		`{ ($.latency < 100 || $.latency > 200) && $.user.id = 1 }`: true,
		`{ $.user.id = 2 }`:                                         false,
		`{ $.missing = "x" }`:                                       false,
		`{ $.eventType > 1 }`:                                       false,
	} {
		got, err := MatchJSON(pattern, event)
		require.NoError(t, err, pattern)
		assert.Equal(t, want, got, pattern)
	}
	got, err := MatchJSON(`{ $.latency > 1 }`, []byte("not json"))
	require.NoError(t, err)
	assert.False(t, got, "a line that is not JSON matches no JSON pattern")
	for _, bad := range []string{`$.a = 1`, `{ $.a ~ 1 }`, `{ $.a = }`, `{ $.a[0] = 1 }`, `{ $.a > "x" }`} {
		_, err := MatchJSON(bad, event)
		assert.Error(t, err, bad)
	}
}
