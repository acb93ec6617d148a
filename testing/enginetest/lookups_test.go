package enginetest

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
	"github.com/push-turnkey/push-turnkey/testing/awserrors"
)

// TestLookUpFaults: the look-ups the program makes before it registers
// anything meet what AWS answers a real deploying user. A refused
// HeadBucket (no s3:ListBucket) is a permission error naming the action,
// with nothing created, not "no bucket" followed by an "already exists"
// halfway through the up; so is a refused GetParametersByPath. Throttled
// ListTables and HeadBucket calls are retried, and the retained stores
// are then taken over, not created again.
func TestLookUpFaults(t *testing.T) {
	e := newEngine(t)
	const prefix = "push-faults"
	settings := map[string]string{"aws:region": "us-east-1", "push-turnkey:tablePrefix": prefix,
		"push-turnkey:firehose": "true", "push-turnkey:tableDeletionProtection": "false"}
	old := e.stack(t, "old")
	setConfig(t, old, settings)
	up(t, old)
	destroy(t, old)
	stores := creations(e.world(t), prefix)
	require.Len(t, stores, 9, "the destroyed stack kept its two tables, its key, and its bucket with its six settings")

	s := e.stack(t, "new")
	settings["push-turnkey:takeOverFrom"] = "old"
	setConfig(t, s, settings)
	bucket := prefix + "-logs-" + fakeaws.AccountID
	refusals := map[string]struct{ fault, grant string }{
		"aws:s3/getBucket:getBucket":                      {awserrors.HeadBucket(t, bucket, 403), "s3:ListBucket"},
		"aws:ssm/getParametersByPath:getParametersByPath": {awserrors.RefusedGetParametersByPath(t, "/push-turnkey/"+prefix+"/"), "ssm:GetParametersByPath"},
	}
	for token, r := range refusals {
		t.Run(token, func(t *testing.T) {
			e.edit(t, func(w *fakeaws.World) error {
				w.LookUpFaults = map[string]*fakeaws.LookUpFault{token: {Message: r.fault}}
				return nil
			})
			serial := e.world(t).Serial
			_, err := s.Up(context.Background())
			require.Error(t, err)
			msg := strings.Join(strings.Fields(err.Error()), " ")
			assert.Contains(t, msg, "AWS refused the deploying user (grant "+r.grant)
			assert.Contains(t, msg, "go run ./cmd/plan -stack new -deploy-policy", "the policy of this stack")
			assert.NotContains(t, msg, "already exists")
			assert.Equal(t, serial, e.world(t).Serial, "nothing was created")
		})
	}

	e.edit(t, func(w *fakeaws.World) error {
		w.LookUpFaults = map[string]*fakeaws.LookUpFault{
			"aws:dynamodb/getTables:getTables": {Message: awserrors.ThrottledListTables(t), Times: 2},
			"aws:s3/getBucket:getBucket":       {Message: awserrors.HeadBucket(t, bucket, 503), Times: 1},
		}
		return nil
	})
	_, steps := up(t, s)
	assert.Empty(t, e.world(t).LookUpFaults, "every throttled call was made again")
	assert.Equal(t, stores, creations(e.world(t), prefix), "the kept stores were taken over, none made anew")
	assert.Empty(t, steps.statefulSteps())
	expectNoChanges(t, s)
	destroy(t, s)
}
