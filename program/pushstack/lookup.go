package pushstack

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// LookUpActions names, per data source the program calls before it
// registers resources (by pulumi-aws function token), the IAM actions the
// deploying user needs for it: a permission error names them, and
// ops/deploypolicy's test holds that its policy grants each one.
var LookUpActions = map[string][]string{
	"aws:index/getAvailabilityZones:getAvailabilityZones":       {"ec2:DescribeAvailabilityZones"},
	"aws:index/getCallerIdentity:getCallerIdentity":             {"sts:GetCallerIdentity"},
	"aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {"ec2:DescribeInstanceTypeOfferings"},
	"aws:ec2/getSecurityGroup:getSecurityGroup":                 {"ec2:DescribeSecurityGroups"},
	"aws:ec2/getVpcs:getVpcs":                                   {"ec2:DescribeVpcs"},
	"aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections": {"ec2:DescribeVpcPeeringConnections"},
	"aws:dynamodb/getTables:getTables":                          {"dynamodb:ListTables"},
	"aws:dynamodb/getTable:getTable":                            {"dynamodb:DescribeTable", "dynamodb:ListTagsOfResource"},
	"aws:ssm/getParametersByPath:getParametersByPath":           {"ssm:GetParametersByPath"},
	"aws:ssm/getParameter:getParameter":                         {"ssm:GetParameter"},
	"aws:s3/getBucket:getBucket":                                {"s3:ListBucket"},
}

// lookUpAttempts and lookUpBackoff bound the retries of a look-up whose
// error is transient: 4 calls, 1, 2 and 4 s apart. The provider's AWS SDK
// has already retried throttling up to its maxRetries (pulumi-aws's
// provider setting, 25 by default) before an error reaches the program;
// these few more cost a look-up, where giving up costs the user a rerun.
var (
	lookUpAttempts = 4
	lookUpBackoff  = time.Second
)

// PermissionError is a look-up AWS refused to the deploying user: Action
// names what to grant (the deploy policy has it: go run ./cmd/plan
// -deploy-policy). It is never taken as "does not exist".
type PermissionError struct {
	What    string   // the look-up, e.g. "list DynamoDB tables"
	Actions []string // the IAM actions it needs
	Stack   string   // the stack, for the command that prints its policy
	Err     error
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("%s: AWS refused the deploying user (grant %s; go run ./cmd/plan -stack %s -deploy-policy prints the whole policy): %v",
		e.What, strings.Join(e.Actions, " and "), e.Stack, e.Err)
}

func (e *PermissionError) Unwrap() error { return e.Err }

// lookUp makes one look-up through the provider: call, retried with
// backoff while its error is transient (throttling, a 5xx, a dropped
// connection), and turned into a *PermissionError when AWS refused it.
// Any other error is returned as it is, wrapped with what: no error is
// taken as absence here; a caller that can tell "not found" asks notFound.
func lookUp[T any](ctx *pulumi.Context, token, what string, call func() (T, error)) (T, error) {
	result, err := retryLookUp(ctx.Context(), func(msg string) { _ = ctx.Log.Warn(msg, nil) }, token, what, call)
	var p *PermissionError
	if errors.As(err, &p) {
		p.Stack = ctx.Stack()
	}
	return result, err
}

// retryLookUp is lookUp with its context and its warnings (one per retry)
// given apart.
func retryLookUp[T any](ctx context.Context, warn func(string), token, what string, call func() (T, error)) (T, error) {
	var result T
	var err error
	delay := lookUpBackoff
	for attempt := 1; ; attempt++ {
		if result, err = call(); err == nil {
			return result, nil
		}
		switch {
		case refused(err):
			return result, &PermissionError{What: what, Actions: LookUpActions[token], Err: err}
		case !transient(err):
			return result, fmt.Errorf("%s: %w", what, err)
		case attempt == lookUpAttempts:
			return result, fmt.Errorf("%s: AWS still failed after %d tries (retry later, or ask AWS to raise the API rate limit): %w", what, attempt, err)
		}
		warn(fmt.Sprintf("%s failed (%v); trying again in %s", what, firstLine(err), delay))
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return result, fmt.Errorf("%s: %w", what, errors.Join(err, ctx.Err()))
		}
		delay *= 2
	}
}

// apiCode finds the error code AWS answered with, as the AWS SDK for Go v2
// writes an error's text and the provider passes it on: "https response
// error StatusCode: <n>, RequestID: <id>, " (S3 adds "HostID: <id>, ";
// aws/transport/http ResponseError, service/internal/s3shared), then
// "<Code>: <message>" for an error the service's model names, or "api
// error <Code>: <message>" for any other (smithy-go GenericAPIError).
// S3's HEAD has no body, so its code is the status text ("Forbidden").
var (
	apiCode    = regexp.MustCompile(`StatusCode: \d{3}, RequestID: [^,]*, (?:HostID: [^,]*, )?(?:api error )?([A-Za-z0-9.]+):`)
	httpStatus = regexp.MustCompile(`StatusCode: (\d{3})\b`)
)

// refusedCodes are the codes of a request AWS refused to the caller
// (IAM's "is not authorized to perform" names the action in the text).
var refusedCodes = []string{"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "Forbidden"}

func refused(err error) bool {
	s := err.Error()
	if strings.Contains(s, "is not authorized to perform") {
		return true
	}
	if m := httpStatus.FindStringSubmatch(s); m != nil && m[1] == "403" {
		return true
	}
	for _, m := range apiCode.FindAllStringSubmatch(s, -1) {
		if slices.Contains(refusedCodes, m[1]) {
			return true
		}
	}
	return false
}

// transient reports an error the AWS SDK itself counts as worth retrying:
// a throttling or retryable code, a retryable HTTP status (its own sets,
// aws-sdk-go-v2 aws/retry/standard.go), or a dropped connection
// (aws/retry/retryable_error.go).
func transient(err error) bool {
	s := err.Error()
	for _, m := range apiCode.FindAllStringSubmatch(s, -1) {
		_, throttle := retry.DefaultThrottleErrorCodes[m[1]]
		_, retryable := retry.DefaultRetryableErrorCodes[m[1]]
		if throttle || retryable {
			return true
		}
	}
	for _, m := range httpStatus.FindAllStringSubmatch(s, -1) {
		code, _ := strconv.Atoi(m[1])
		if _, ok := retry.DefaultRetryableHTTPStatusCodes[code]; ok {
			return true
		}
	}
	for _, t := range []string{"connection reset", "connection refused", "use of closed network connection", "i/o timeout", "TLS handshake timeout"} {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}

// notFound reports whether a data source failed because what it looks up
// does not exist, as pulumi-aws's bridged data sources word it: a
// retry.NotFoundError ("couldn't find resource",
// terraform-provider-aws internal/retry/error.go) or a singular data
// source's empty result ("no matching EC2 Security Group found",
// tfresource.SingularDataSourceFindError).
func notFound(err error) bool {
	var p *PermissionError
	if errors.As(err, &p) {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "couldn't find resource") || strings.Contains(s, "no matching ")
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
