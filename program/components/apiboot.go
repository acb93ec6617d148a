package components

import (
	"fmt"
	"regexp"
	"slices"
)

// MessagesAPIPort is the Messages API's port (the seed's PushMessagesNode
// port).
const MessagesAPIPort = 8080

// APIBoot describes what the Messages API instance runs; MessagesAPIUserData
// renders it. None of it is secret: the Redis auth token is read from SSM
// on the instance.
type APIBoot struct {
	// Bucket and Key locate the messages-api binary. The key is the
	// program's source key, so it stays the same when another Go version
	// builds the same source, and the instance does not roll.
	Bucket, Key string
	// TokenParameter is the SSM SecureString parameter with the Redis
	// auth token.
	TokenParameter string
	RedisAddress   string // "host:port"
	Table          string // the push messages table
	// LogGroup is the CloudWatch log group the API's output goes to.
	LogGroup string
	// FormatDriftAlarms and PipelineAlarms name the alarms whose states
	// the dashboard shows (AlarmName).
	FormatDriftAlarms, PipelineAlarms []string
	// Root goes before every path of the instance's file system that the
	// scripts write or hand to Docker, as NodeBoot.Root: "" on an instance.
	Root string
}

var safeWord = regexp.MustCompile(`^[A-Za-z0-9_./:-]+$`)

// MessagesAPIUserData renders the boot script (bash) of the Messages API
// instance, boot/messages-api-user-data.sh: it installs Docker and a
// systemd unit that runs the binary in an empty image, so that its output
// goes to LogGroup as the push servers' does (Docker's awslogs driver).
// The unit's start step fetches the binary from S3 (unless the one of Key
// is there), checks it against the SHA-256 in the object's metadata, and
// reads the Redis auth token from SSM into a file on tmpfs only the API
// can read. A failed step (IAM not yet propagated, say) fails the start,
// and systemd tries again.
func MessagesAPIUserData(b APIBoot) (string, error) {
	for name, v := range map[string]string{"bucket": b.Bucket, "key": b.Key, "token parameter": b.TokenParameter,
		"redis address": b.RedisAddress, "table": b.Table, "log group": b.LogGroup} {
		if !safeWord.MatchString(v) {
			return "", fmt.Errorf("messages api user data: %s %q has characters a boot script must not carry", name, v)
		}
	}
	for _, name := range append(slices.Clone(b.FormatDriftAlarms), b.PipelineAlarms...) {
		if !safeWord.MatchString(name) {
			return "", fmt.Errorf("messages api user data: alarm name %q has characters a boot script must not carry", name)
		}
	}
	script, err := renderBoot("messages-api-user-data.sh", b.Root, b)
	if err != nil {
		return "", fmt.Errorf("messages api user data: %w", err)
	}
	return script, nil
}
