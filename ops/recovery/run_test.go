package recovery

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/pulumicli"
)

// stack records what Recover asks of the Pulumi CLI.
type stack struct {
	state    json.RawMessage
	calls    []string
	imported json.RawMessage
}

func (s *stack) Cancel(context.Context) error  { s.calls = append(s.calls, "cancel"); return nil }
func (s *stack) Refresh(context.Context) error { s.calls = append(s.calls, "refresh"); return nil }
func (s *stack) Export(context.Context) (pulumicli.Deployment, error) {
	s.calls = append(s.calls, "export")
	return pulumicli.Deployment{Version: 3, Deployment: s.state}, nil
}
func (s *stack) Import(_ context.Context, d pulumicli.Deployment) error {
	s.calls = append(s.calls, "import")
	s.imported = d.Deployment
	return nil
}

// TestRecoverChangesNothingUntilEveryCreateIsSettled: a dry run, and a
// run with an unresolved create, only read; a settled run unlocks,
// imports the edited state and refreshes, in that order.
func TestRecoverChangesNothingUntilEveryCreateIsSettled(t *testing.T) {
	at := Target{Partition: "aws", Region: "us-east-1", Account: "123456789012", StackTags: stackTags}
	acct := account{
		{ARN: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-new", Tags: tags("Name", "api")},
		{ARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/lb-1/0123456789abcdef", Tags: tags()},
	}
	lb := "urn:pulumi:dev::push-turnkey::aws:lb/loadBalancer:LoadBalancer::lb"
	var out bytes.Buffer

	s := &stack{state: json.RawMessage(deployment)}
	_, err := Recover(context.Background(), s, at, acct, Options{Unlock: true, DryRun: true}, &out)
	require.NoError(t, err)
	assert.Equal(t, []string{"export"}, s.calls, "a dry run changes nothing, the lock included")
	assert.Contains(t, out.String(), "would remove the stack's lock")

	s = &stack{state: json.RawMessage(deployment)}
	acct = append(acct, Tagged{ARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/lb-2/fedcba9876543210", Tags: tags()})
	_, err = Recover(context.Background(), s, at, acct, Options{Unlock: true}, &out)
	assert.ErrorContains(t, err, "1 pending create(s) unresolved, the state is unchanged")
	assert.ErrorContains(t, err, lb)
	assert.Equal(t, []string{"cancel", "export"}, s.calls)

	s = &stack{state: json.RawMessage(deployment)}
	_, err = Recover(context.Background(), s, at, acct, Options{Unlock: true, Forget: []string{lb}}, &out)
	require.NoError(t, err)
	assert.Equal(t, []string{"cancel", "export", "import", "refresh"}, s.calls)
	pending, err := Pending(s.imported)
	require.NoError(t, err)
	assert.Empty(t, pending, "no pending create is left")
}
