// Package fakecwlogs stands in for the one CloudWatch Logs call the
// program's Messages API hook makes, FilterLogEvents, where no CloudWatch
// can run: as small as that call and as strict as its reference
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html):
// logGroupName (or logGroupIdentifier) is required, 1 to 512 characters;
// logStreamNames holds 1 to 100 names and is not given with
// logStreamNamePrefix; a group it does not hold is a
// ResourceNotFoundException, and so is a named stream it does not hold
// ("The specified log stream does not exist.", as callers of the real API
// report: percona/rds_exporter#81; the reference is silent); the filter
// pattern is applied as CloudWatch applies a JSON pattern (testing/cwlogs;
// other patterns are an error, never a guess). Pages hold PageSize events
// at most, so a caller must follow nextToken.
package fakecwlogs

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/push-turnkey/push-turnkey/testing/cwlogs"
)

// Logs holds log groups, their streams and events. Safe for concurrent use.
type Logs struct {
	mu     sync.Mutex
	groups map[string]map[string][]string // group -> stream -> messages
	// PageSize bounds the events of one answer (0: 2).
	PageSize int
	// Fail, when set, is what every call answers.
	Fail  error
	calls int
}

// AddGroup makes an empty log group.
func (l *Logs) AddGroup(group string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.groups == nil {
		l.groups = map[string]map[string][]string{}
	}
	if l.groups[group] == nil {
		l.groups[group] = map[string][]string{}
	}
}

// Put writes message to stream of group, as a log driver does (the group
// must exist: the awslogs driver does not make it here).
func (l *Logs) Put(group, stream, message string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	streams, ok := l.groups[group]
	if !ok {
		return fmt.Errorf("fakecwlogs: no log group %s", group)
	}
	streams[stream] = append(streams[stream], message)
	return nil
}

// Calls is how many FilterLogEvents calls were made.
func (l *Logs) Calls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls
}

// FilterLogEvents answers as CloudWatch Logs would (see the package
// comment).
func (l *Logs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if l.Fail != nil {
		return nil, l.Fail
	}
	bad := func(format string, args ...any) error {
		return &types.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, args...))}
	}
	group := aws.ToString(in.LogGroupName)
	switch {
	case group == "" && in.LogGroupIdentifier == nil:
		return nil, bad("logGroupName or logGroupIdentifier is required")
	case len(group) > 512:
		return nil, bad("logGroupName: at most 512 characters")
	case in.LogStreamNames != nil && (len(in.LogStreamNames) < 1 || len(in.LogStreamNames) > 100):
		return nil, bad("logStreamNames: 1 to 100 names")
	case len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil:
		return nil, bad("logStreamNames and logStreamNamePrefix cannot both be given")
	}
	streams, ok := l.groups[group]
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
	}
	for _, stream := range in.LogStreamNames {
		if _, ok := streams[stream]; !ok {
			return nil, &types.ResourceNotFoundException{Message: aws.String("The specified log stream does not exist.")}
		}
	}
	var matched []types.FilteredLogEvent
	for _, stream := range in.LogStreamNames {
		for _, msg := range streams[stream] {
			if p := aws.ToString(in.FilterPattern); p != "" {
				ok, err := cwlogs.MatchJSON(p, []byte(msg))
				if err != nil {
					return nil, bad("filterPattern: %v", err)
				}
				if !ok {
					continue
				}
			}
			matched = append(matched, types.FilteredLogEvent{LogStreamName: aws.String(stream), Message: aws.String(msg)})
		}
	}
	from := 0
	if t := aws.ToString(in.NextToken); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n <= 0 || n >= len(matched) {
			return nil, &smithy.GenericAPIError{Code: "InvalidParameterException", Message: "The specified nextToken is invalid."}
		}
		from = n
	}
	size := l.PageSize
	if size == 0 {
		size = 2
	}
	out := &cloudwatchlogs.FilterLogEventsOutput{Events: matched[from:min(from+size, len(matched))]}
	if from+size < len(matched) {
		out.NextToken = aws.String(strconv.Itoa(from + size))
	}
	return out, nil
}
