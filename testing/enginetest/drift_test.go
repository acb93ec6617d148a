package enginetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
)

// deployment is the stack's state, as `pulumi stack export` prints it.
func (e *engine) deployment(t *testing.T, s auto.Stack) apitype.DeploymentV3 {
	t.Helper()
	var exported apitype.UntypedDeployment
	require.NoError(t, json.Unmarshal([]byte(e.exported(t, s)), &exported))
	var d apitype.DeploymentV3
	require.NoError(t, json.Unmarshal(exported.Deployment, &d))
	return d
}

// ids maps each resource of the stack's state, by the end of its URN
// ("<type>::<name>"), to its ID.
func (e *engine) ids(t *testing.T, s auto.Stack) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range e.deployment(t, s).Resources {
		out[string(r.Type)+"::"+urnName(string(r.URN))] = string(r.ID)
	}
	return out
}

// drift changes a property of a resource in the account, inputs and
// outputs alike, as an edit in the AWS console does.
func drift(w *fakeaws.World, typ, id, key string, value resource.PropertyValue) error {
	o := w.Get(typ, id)
	ins, err := fakeaws.Props(o.Inputs)
	if err != nil {
		return err
	}
	outs, err := fakeaws.Props(o.Outputs)
	if err != nil {
		return err
	}
	ins[resource.PropertyKey(key)], outs[resource.PropertyKey(key)] = value, value
	changed, err := fakeaws.NewObject(typ, id, o.Name, ins, outs)
	if err != nil {
		return err
	}
	o.Inputs, o.Outputs = changed.Inputs, changed.Outputs
	return nil
}

// TestDriftIsPutRight: what a console user changes or deletes (the nodes'
// role policy widened, a log group deleted, the router table's deletion
// protection turned off, the alarm topic deleted) is shown by `pulumi
// preview --refresh` and put back by `pulumi up --refresh`; the table is
// updated in place with its items, never replaced.
func TestDriftIsPutRight(t *testing.T) {
	e := newEngine(t)
	s := e.stack(t, "dev")
	setConfig(t, s, map[string]string{"push-turnkey:tableDeletionProtection": "true"}) // production's setting
	up(t, s)
	ids := e.ids(t, s)
	const (
		policy = "aws:iam/rolePolicy:RolePolicy::push-node"
		logs   = "aws:cloudwatch/logGroup:LogGroup::push-connection-logs"
		table  = "aws:dynamodb/table:Table::push-tables-router"
		topic  = "aws:sns/topic:Topic::push-alarms"
	)
	for _, k := range []string{policy, logs, table, topic} {
		require.NotEmpty(t, ids[k], k)
	}
	typeOf := func(k string) string { return k[:strings.Index(k, "::")] }
	tableSerial := e.world(t).Get(typeOf(table), ids[table]).Created
	e.edit(t, func(w *fakeaws.World) error {
		w.Get(typeOf(table), ids[table]).Items = []string{"a subscriber"}
		if err := drift(w, typeOf(policy), ids[policy], "policy", resource.NewProperty(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)); err != nil {
			return err
		}
		if err := drift(w, typeOf(table), ids[table], "deletionProtectionEnabled", resource.NewProperty(false)); err != nil {
			return err
		}
		delete(w.Resources, typeOf(logs)+" "+ids[logs])
		delete(w.Resources, typeOf(topic)+" "+ids[topic])
		return nil
	})

	// What preview --refresh reports, per resource.
	ch := make(chan events.EngineEvent)
	rec := &steps{ops: map[string][]apitype.StepEventMetadata{}}
	done := make(chan struct{})
	go func() { rec.collect(ch); close(done) }()
	_, err := s.Preview(context.Background(), optpreview.Refresh(), optpreview.EventStreams(ch))
	<-done
	require.NoError(t, err)
	assert.Contains(t, rec.opsOf(policy), apitype.OpUpdate, "the widened policy")
	assert.Contains(t, rec.opsOf(table), apitype.OpUpdate, "the table's protection")
	assert.Contains(t, rec.opsOf(logs), apitype.OpCreate, "the deleted log group")
	assert.Contains(t, rec.opsOf(topic), apitype.OpCreate, "the deleted topic")

	_, err = s.Up(context.Background(), optup.Refresh())
	require.NoError(t, err, "pulumi up --refresh")
	w := e.world(t)
	ids = e.ids(t, s)
	pol, err := fakeaws.Props(w.Get(typeOf(policy), ids[policy]).Outputs)
	require.NoError(t, err)
	assert.NotContains(t, pol["policy"].StringValue(), `"Action":"*"`, "the policy is the program's again")
	tab := w.Get(typeOf(table), ids[table])
	outs, err := fakeaws.Props(tab.Outputs)
	require.NoError(t, err)
	assert.True(t, outs["deletionProtectionEnabled"].BoolValue(), "protected again")
	assert.Equal(t, tableSerial, tab.Created, "the same table, not a new one")
	assert.Equal(t, []string{"a subscriber"}, tab.Items, "with its items")
	assert.NotNil(t, w.Get(typeOf(logs), ids[logs]), "the log group is back")
	assert.NotNil(t, w.Get(typeOf(topic), ids[topic]), "the topic is back")
	assert.Empty(t, e.outsideTheStack(t, s))
	expectNoChanges(t, s)
	destroy(t, s)
}
