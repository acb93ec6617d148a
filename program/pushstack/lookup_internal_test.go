package pushstack

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/testing/awserrors"
)

// TestLookUpErrorsAreReadAsAWSMeansThem: each error text, made by the AWS
// SDK from the answer its service documents, is a refusal, a transient
// failure, "not found" or none of these, exactly as AWS meant it.
func TestLookUpErrorsAreReadAsAWSMeansThem(t *testing.T) {
	for name, tc := range map[string]struct {
		text                         string
		refused, transient, notFound bool
	}{
		"throttled ListTables":     {text: awserrors.ThrottledListTables(t), transient: true},
		"refused by IAM":           {text: awserrors.RefusedGetParametersByPath(t, "/push-turnkey/p/"), refused: true},
		"HeadBucket 403":           {text: awserrors.HeadBucket(t, "b", 403), refused: true},
		"HeadBucket 503":           {text: awserrors.HeadBucket(t, "b", 503), transient: true},
		"HeadBucket 400":           {text: awserrors.HeadBucket(t, "b", 400)},
		"bucket not found":         {text: "reading S3 Bucket (b): couldn't find resource", notFound: true},
		"security group not found": {text: "no matching EC2 Security Group found", notFound: true},
		// A message that merely mentions a code is not the code.
		"a name that looks like a code": {text: "reading SSM Parameter (/push-turnkey/AccessDenied/ThrottlingException): couldn't find resource", notFound: true},
	} {
		err := errors.New(tc.text)
		assert.Equal(t, tc.refused, refused(err), "%s refused: %s", name, tc.text)
		assert.Equal(t, tc.transient, transient(err), "%s transient: %s", name, tc.text)
		assert.Equal(t, tc.notFound, notFound(err), "%s not found: %s", name, tc.text)
	}
}

// TestLookUpRetriesOnlyTransientErrors: a transient error is retried with
// growing waits, up to lookUpAttempts calls; a refusal stops at once and
// names the actions to grant, and is never "not found"; any other error
// stops at once.
func TestLookUpRetriesOnlyTransientErrors(t *testing.T) {
	defer func(b time.Duration) { lookUpBackoff = b }(lookUpBackoff)
	lookUpBackoff = time.Millisecond
	throttled := errors.New(awserrors.ThrottledListTables(t))
	denied := errors.New(awserrors.HeadBucket(t, "b", 403))
	const token = "aws:s3/getBucket:getBucket"

	calls := func(errs ...error) (func() (string, error), *int) {
		n := 0
		return func() (string, error) {
			n++
			if n <= len(errs) {
				return "", errs[n-1]
			}
			return "answer", nil
		}, &n
	}
	var warnings []string
	warn := func(s string) { warnings = append(warnings, s) }

	call, n := calls(throttled, throttled)
	got, err := retryLookUp(context.Background(), warn, token, "look up", call)
	require.NoError(t, err)
	assert.Equal(t, "answer", got)
	assert.Equal(t, 3, *n)
	require.Len(t, warnings, 2, "one warning per retry")
	assert.Contains(t, warnings[0], "trying again in 1ms")
	assert.Contains(t, warnings[1], "trying again in 2ms")

	call, n = calls(throttled, throttled, throttled, throttled, throttled)
	_, err = retryLookUp(context.Background(), warn, token, "look up", call)
	assert.ErrorContains(t, err, "AWS still failed after 4 tries")
	assert.Equal(t, lookUpAttempts, *n)

	call, n = calls(denied)
	_, err = retryLookUp(context.Background(), warn, token, "look up S3 bucket b", call)
	var p *PermissionError
	require.ErrorAs(t, err, &p)
	assert.Equal(t, 1, *n)
	assert.Equal(t, []string{"s3:ListBucket"}, p.Actions)
	assert.ErrorContains(t, err, "look up S3 bucket b: AWS refused the deploying user (grant s3:ListBucket;")
	assert.False(t, notFound(err))

	call, n = calls(errors.New("reading S3 Bucket (b): couldn't find resource"))
	_, err = retryLookUp(context.Background(), warn, token, "look up", call)
	assert.True(t, notFound(err))
	assert.Equal(t, 1, *n)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	call, n = calls(throttled, throttled)
	_, err = retryLookUp(ctx, warn, token, "look up", call)
	assert.ErrorIs(t, err, context.Canceled, "an interrupted up stops waiting")
	assert.Equal(t, 1, *n)
}
