package stackconfig

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// DefaultTablePrefix derives the table prefix from the stack name: "push-"
// and the stack name in lower case with any other character than a letter,
// digit or '-' turned into '-', cut to MaxTablePrefixLength. Such a prefix
// is also a valid S3 bucket name part, so the log bucket reads
// "push-<stack>-logs-<account>".
func DefaultTablePrefix(stack string) string {
	p := "push-" + disallowedInPrefix.ReplaceAllString(strings.ToLower(stack), "-")
	if len(p) > MaxTablePrefixLength {
		p = p[:MaxTablePrefixLength]
	}
	return p
}

var disallowedInPrefix = regexp.MustCompile(`[^a-z0-9-]`)

// LogBucketName derives the log bucket's name from the table prefix, so a
// later stack with the same prefix finds the retained bucket again:
// "<prefix>-logs-<account id>". A prefix with characters S3 refuses (upper
// case, '_', '.') is lowered, those become '-', and 6 hex digits of the
// prefix's SHA-256 are added, so two prefixes never share a bucket. At most
// 61 characters for a valid prefix.
func LogBucketName(prefix, accountID string) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r == '_' || r == '.':
			return '-'
		}
		return r
	}, prefix)
	if safe != prefix {
		sum := sha256.Sum256([]byte(prefix))
		safe += "-" + hex.EncodeToString(sum[:3])
	}
	return safe + "-logs-" + accountID
}

// Physical names derived from the table prefix. A retained store is found
// again by its name, so these never change for a given prefix.

// RouterTableName is the name of the autopush router table.
func (c Config) RouterTableName() string { return c.TablePrefix + "_router" }

// MessageTableName is the name of the autopush message table.
func (c Config) MessageTableName() string { return c.TablePrefix + "_message" }

// MessagesTableName is the name of the push messages table (processor tier).
func (c Config) MessagesTableName() string { return c.TablePrefix + "_push_messages" }

// KeyParameterName is the SSM parameter holding the crypto keys:
// "/push-turnkey/<prefix>/crypto-key".
func (c Config) KeyParameterName() string {
	return "/" + Namespace + "/" + c.TablePrefix + "/crypto-key"
}

// AuthTokenParameterName is the SSM parameter holding the Redis auth token
// (processor tier): "/push-turnkey/<prefix>/redis-auth-token".
func (c Config) AuthTokenParameterName() string {
	return "/" + Namespace + "/" + c.TablePrefix + "/redis-auth-token"
}

// DeliveryStreamName is the Firehose delivery stream: "<prefix>-push-logs".
func (c Config) DeliveryStreamName() string { return c.TablePrefix + "-push-logs" }

// ProcessorFunctionName is the processor's Lambda function:
// "<prefix>-push-processor".
func (c Config) ProcessorFunctionName() string { return c.TablePrefix + "-push-processor" }

// ProcessorLogGroupName is the processor function's log group, the one
// Lambda writes to: "/aws/lambda/<function name>".
func (c Config) ProcessorLogGroupName() string { return "/aws/lambda/" + c.ProcessorFunctionName() }

// Log groups of the programs the stack runs (LogGroupName's program).
const (
	ConnectionLogs  = "connection"   // connection nodes' autopush
	EndpointLogs    = "endpoint"     // endpoint nodes' autoendpoint
	MessagesAPILogs = "messages-api" // the Messages API (processor tier)
)

// LogGroupName is the CloudWatch log group of a program the stack runs
// (ConnectionLogs, EndpointLogs, MessagesAPILogs):
// "/push-turnkey/<prefix>/<program>".
func (c Config) LogGroupName(program string) string {
	return "/" + Namespace + "/" + c.TablePrefix + "/" + program
}

// DashboardName is the stack's CloudWatch dashboard: "<prefix>-push". A
// prefix with characters dashboard names refuses ('.') has them made '-'
// and 6 hex digits of its SHA-256 added, so two prefixes never share a
// dashboard (PutDashboard would overwrite the other's).
func (c Config) DashboardName() string {
	safe := notInEveryName.ReplaceAllString(c.TablePrefix, "-")
	if safe != c.TablePrefix {
		sum := sha256.Sum256([]byte(c.TablePrefix))
		safe += "-" + hex.EncodeToString(sum[:3])
	}
	return safe + "-push"
}

// nameRule is one service's rule for one name derived from the prefix.
type nameRule struct {
	what    string // "Lambda function name"
	tier    tier
	name    func(Config) string
	allowed *regexp.Regexp // the whole name; says which characters in chars
	chars   string
	max     int
	// reservedPrefixes are refused at the start of the name.
	reservedPrefixes []string
	source           string
}

// worstCaseAccount stands for the account id in the bucket name: every
// account id has 12 digits.
const worstCaseAccount = "123456789012"

// nameRules is every name derived from tablePrefix, with the rule of the
// service that holds it, from the page in source. Each has a test with a
// prefix just inside and just outside it.
var nameRules = []nameRule{
	{what: "DynamoDB table name", tier: coreTier, name: Config.MessageTableName,
		allowed: regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`), chars: "letters, digits, '_', '-', '.'", max: 255,
		source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html"},
	{what: "SSM parameter name", tier: coreTier, name: Config.KeyParameterName,
		// 1011 counts the whole parameter ARN; 900 leaves room for the
		// longest partition, region and account.
		allowed: regexp.MustCompile(`^[A-Za-z0-9_./-]+$`), chars: "letters, digits, '_', '.', '-', '/'", max: 900,
		source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html"},
	{what: "CloudWatch Logs log group name", tier: coreTier, name: func(c Config) string { return c.LogGroupName(ConnectionLogs) },
		allowed: regexp.MustCompile(`^[A-Za-z0-9_./#-]{1,512}$`), chars: "letters, digits, '_', '.', '/', '#', '-'", max: 512,
		source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"},
	{what: "CloudWatch Logs log group name", tier: coreTier, name: func(c Config) string { return c.LogGroupName(EndpointLogs) },
		allowed: regexp.MustCompile(`^[A-Za-z0-9_./#-]{1,512}$`), chars: "letters, digits, '_', '.', '/', '#', '-'", max: 512,
		source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"},
	{what: "CloudWatch dashboard name", tier: coreTier, name: Config.DashboardName,
		allowed: regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`), chars: "letters, digits, '_', '-'", max: 255,
		source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html"},
	{what: "S3 bucket name", tier: firehoseTier, name: func(c Config) string { return LogBucketName(c.TablePrefix, worstCaseAccount) },
		allowed: regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`), chars: "lower-case letters, digits, '.', '-'", max: 63,
		reservedPrefixes: []string{"xn--", "sthree-", "amzn-s3-demo-"},
		source:           "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"},
	{what: "Firehose delivery stream name", tier: firehoseTier, name: Config.DeliveryStreamName,
		allowed: regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`), chars: "letters, digits, '_', '.', '-'", max: 64,
		source: "https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html"},
	{what: "Lambda function name", tier: processorTier, name: Config.ProcessorFunctionName,
		allowed: regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`), chars: "letters, digits, '_', '-'", max: 64,
		source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"},
	{what: "CloudWatch Logs log group name", tier: processorTier, name: Config.ProcessorLogGroupName,
		allowed: regexp.MustCompile(`^[A-Za-z0-9_./#-]{1,512}$`), chars: "letters, digits, '_', '.', '/', '#', '-'", max: 512,
		source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"},
	{what: "CloudWatch Logs log group name", tier: processorTier, name: func(c Config) string { return c.LogGroupName(MessagesAPILogs) },
		allowed: regexp.MustCompile(`^[A-Za-z0-9_./#-]{1,512}$`), chars: "letters, digits, '_', '.', '/', '#', '-'", max: 512,
		source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"},
	{what: "SSM parameter name", tier: processorTier, name: Config.AuthTokenParameterName,
		allowed: regexp.MustCompile(`^[A-Za-z0-9_./-]+$`), chars: "letters, digits, '_', '.', '-', '/'", max: 900,
		source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html"},
}

// nameProblems checks every name of the tiers for which in is true against
// its service's rule, and returns each problem.
func nameProblems(c Config, in func(tier) bool) []string {
	var problems []string
	for _, r := range nameRules {
		if !in(r.tier) {
			continue
		}
		name := r.name(c)
		switch {
		case len(name) > r.max:
			problems = append(problems, fmt.Sprintf("%q gives the %s %q, %d characters; at most %d are allowed (%s)", c.TablePrefix, r.what, name, len(name), r.max, r.source))
		case !r.allowed.MatchString(name):
			problems = append(problems, fmt.Sprintf("%q gives the %s %q, which may hold only %s (%s)", c.TablePrefix, r.what, name, r.chars, r.source))
		}
		for _, reserved := range r.reservedPrefixes {
			if strings.HasPrefix(name, reserved) {
				problems = append(problems, fmt.Sprintf("%q gives the %s %q, which starts with %q, reserved by S3 (%s)", c.TablePrefix, r.what, name, reserved, r.source))
			}
		}
	}
	return problems
}

// prefixNames refuses a prefix that gives an invalid name in a tier the
// config creates. A prefix its own rule refuses is not checked again.
func prefixNames(c Config) []error {
	if validTablePrefix(c.TablePrefix) != "" {
		return nil
	}
	var errs []error
	for _, problem := range nameProblems(c, c.enabled) {
		errs = append(errs, refusal("tablePrefix", problem, prefixExample(c.TablePrefix)))
	}
	return errs
}

// prefixNamesOfTiersOff warns of a prefix that gives an invalid name in a
// tier the config could turn on later (the prefix cannot change without
// new tables).
func prefixNamesOfTiersOff(_ string, _ map[string]string, c Config) []string {
	if validTablePrefix(c.TablePrefix) != "" {
		return nil
	}
	var warnings []string
	for _, t := range []tier{firehoseTier, processorTier} {
		if c.enabled(t) {
			continue
		}
		for _, problem := range nameProblems(c, func(r tier) bool { return r == t }) {
			warnings = append(warnings, fmt.Sprintf("%s:tablePrefix cannot be used with %s=true: %s", Namespace, tierKey[t], problem))
		}
	}
	return warnings
}

// prefixExample is prefix with every character some service refuses made
// '-', when that gives a prefix every tier accepts, else "push_prod".
func prefixExample(prefix string) string {
	example := notInEveryName.ReplaceAllString(prefix, "-")
	all := func(tier) bool { return true }
	if validTablePrefix(example) != "" || len(nameProblems(Config{TablePrefix: example}, all)) > 0 {
		return "push_prod"
	}
	return example
}

// notInEveryName is a character some service refuses in a derived name.
var notInEveryName = regexp.MustCompile(`[^A-Za-z0-9_-]`)
