package components

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// APILogs is what waiting for the Messages API calls of CloudWatch Logs:
// aws-sdk-go-v2's cloudwatchlogs.Client, or a stand-in in tests.
type APILogs interface {
	FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

// APIServingPattern matches the lines of the Messages API's log that say
// how its start went: "listening" once it serves, "messages-api stopped"
// when it fails (services/cmd/messages-api, whose test checks the pattern
// against the lines it writes). A CloudWatch Logs JSON filter pattern.
const APIServingPattern = `{ $.msg = "listening" || $.msg = "messages-api stopped" }`

// APIWaitTimeout is how long a new Messages API instance may take to
// serve: it boots, installs Docker and downloads the binary, a few
// minutes.
const APIWaitTimeout = 10 * time.Minute

// ErrCannotWatchAPI is a start that could not be watched (the look-up was
// refused or failed): the up goes on, with a warning.
var ErrCannotWatchAPI = errors.New("cannot watch the Messages API start")

// APIWait watches a new Messages API instance start: the provider's
// create ends once the instance runs, long before the API serves, so
// `pulumi up` would end while the dashboard cannot be reached yet.
type APIWait struct {
	Logs APILogs
	// Poll is the time between two looks; Timeout how long the API may
	// take.
	Poll, Timeout time.Duration
}

// Wait returns once the API on instance has written "listening" to the
// log stream named after the instance (awslogs-stream) in group. A stream
// not there yet is waited for. After Timeout it is an error that gives
// the API's last failure, if it wrote one, and where to look. A refused or
// failed look-up is ErrCannotWatchAPI.
func (w APIWait) Wait(ctx context.Context, group, instance string) error {
	deadline := time.Now().Add(w.Timeout)
	var failure string
	for {
		serving, stopped, err := w.look(ctx, group, instance)
		switch {
		case err != nil:
			return fmt.Errorf("%w on %s: %v", ErrCannotWatchAPI, instance, err)
		case serving:
			return nil
		case stopped != "":
			failure = stopped // systemd starts it again: wait on
		}
		if time.Now().After(deadline) {
			msg := fmt.Sprintf("the Messages API on %s did not serve within %s", instance, w.Timeout)
			if failure != "" {
				msg += "; it stopped with: " + failure
			}
			return errors.New(msg + fmt.Sprintf(". Its log: aws logs tail %s --log-stream-names %s --since 1h; its boot: "+
				"aws ssm start-session --target %s, then sudo journalctl -u messages-api -b", group, instance, instance))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(w.Poll):
		}
	}
}

// look reads the stream's matching lines, every page: whether the API
// serves, and the error of its last stop. A stream not made yet is neither.
func (w APIWait) look(ctx context.Context, group, instance string) (serving bool, stopped string, err error) {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), LogStreamNames: []string{instance},
		FilterPattern: aws.String(APIServingPattern)}
	for {
		out, err := w.Logs.FilterLogEvents(ctx, in)
		var missing *types.ResourceNotFoundException
		if errors.As(err, &missing) {
			return false, "", nil
		}
		if err != nil {
			return false, "", err
		}
		for _, e := range out.Events {
			var line struct{ Msg, Error string }
			if json.Unmarshal([]byte(aws.ToString(e.Message)), &line) != nil {
				continue
			}
			switch line.Msg {
			case "listening":
				return true, "", nil
			case "messages-api stopped":
				stopped = line.Error
			}
		}
		if out.NextToken == nil {
			return false, stopped, nil
		}
		in.NextToken = out.NextToken
	}
}
