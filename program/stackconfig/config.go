// Package stackconfig reads and validates the stack configuration of the
// push-turnkey Pulumi program. Every value is checked before any resource is
// registered, so a bad value never leaves a half-created stack.
package stackconfig

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Namespace is the Pulumi project name, and so the namespace of every key
// this program reads (`pulumi config set firehose true` sets
// "push-turnkey:firehose").
const Namespace = "push-turnkey"

// Defaults of the config keys; Pulumi.yaml declares the same values (a test
// keeps the two in step).
const (
	DefaultAutopushImage   = "mozilla/autopush"
	DefaultAutopushVersion = "1.58.4"
	// DefaultAutopushImageArchitecture is the only one DefaultAutopushImage
	// is built for (reference autopush.md: amd64 only, no multi-arch build).
	DefaultAutopushImageArchitecture = "amd64"
	// DefaultInstanceType is a current burstable x86 type with 2 GiB, enough
	// for one autopush process and Docker.
	DefaultInstanceType = "t3.small"
	// DefaultRedisNodeType is the smallest current ElastiCache node type.
	DefaultRedisNodeType = "cache.t4g.micro"
	// DefaultMessagesAPIInstanceType is a small Graviton type: the API is
	// one light Go process.
	DefaultMessagesAPIInstanceType = "t4g.micro"
	// MaxTablePrefixLength keeps every name derived from the prefix within
	// AWS limits: the log bucket "<prefix>-<6 hex>-logs-<12-digit account>"
	// must fit S3's 63 characters.
	MaxTablePrefixLength = 36
	// DefaultLogRetentionDays is how long the stack's log groups keep
	// events.
	DefaultLogRetentionDays = 30
	// DefaultNodeCPUTargetPercent is the average CPU node groups that
	// scale are kept near: room for a burst while new nodes boot.
	DefaultNodeCPUTargetPercent = 60
	// DefaultConnectionsPerNodeTarget is the client connections per
	// connection node the connection group is kept near: an estimate for
	// the default t3.small (2 GiB) to tune from the node's memory.
	DefaultConnectionsPerNodeTarget = 10000
	// MaxNodes bounds each node count: a guard against a typo that would
	// launch thousands of instances.
	MaxNodes = 1000
)

const (
	cryptoKeyHint    = "set an existing key with: pulumi config set --secret cryptoKey <44-character key>, or remove it to generate one"
	previousKeysHint = "set each old key with: pulumi config set --secret --path 'previousCryptoKeys[0]' <44-character key>"
)

// Keys lists every config key of the push-turnkey namespace, in the order
// Pulumi.yaml declares them.
var Keys = []string{
	"firehose", "processor", "tablePrefix", "tableDeletionProtection", "cryptoKey",
	"autopushImage", "autopushVersion", "autopushImageArchitecture", "instanceType",
	"connectionNodesMin", "connectionNodesDesired", "connectionNodesMax",
	"endpointNodesMin", "endpointNodesDesired", "endpointNodesMax",
	"nodeCpuTargetPercent", "connectionsPerNodeTarget",
	"sshKeyName", "sshAllowedCidr",
	"redisNodeType", "natGateway", "messagesApiInstanceType",
	"messagesApiAllowedCidrs", "messagesApiAllowedSecurityGroup",
	"alarmEmail", "logRetentionDays", "previousCryptoKeys", "adoptExisting",
	"certificateArn", "domainName", "hostedZoneId", "takeOverFrom",
}

// ProcessorKeys are the keys only the processor tier reads.
var ProcessorKeys = []string{
	"redisNodeType", "natGateway", "messagesApiInstanceType",
	"messagesApiAllowedCidrs", "messagesApiAllowedSecurityGroup",
}

// stackDefaults holds, for every key whose Pulumi.yaml default is not
// empty, that default as the engine hands it to the program (booleans and
// numbers as text). The other keys default to the unset value
// (UnsetString, UnsetList).
var stackDefaults = map[string]string{
	"firehose":                  "false",
	"processor":                 "false",
	"tableDeletionProtection":   "true",
	"autopushImage":             DefaultAutopushImage,
	"autopushVersion":           DefaultAutopushVersion,
	"autopushImageArchitecture": DefaultAutopushImageArchitecture,
	"instanceType":              DefaultInstanceType,
	"connectionNodesMin":        "1",
	"connectionNodesDesired":    "1",
	"connectionNodesMax":        "1",
	"endpointNodesMin":          "1",
	"endpointNodesDesired":      "1",
	"endpointNodesMax":          "1",
	"nodeCpuTargetPercent":      strconv.Itoa(DefaultNodeCPUTargetPercent),
	"connectionsPerNodeTarget":  strconv.Itoa(DefaultConnectionsPerNodeTarget),
	"redisNodeType":             DefaultRedisNodeType,
	"natGateway":                "false",
	"messagesApiInstanceType":   DefaultMessagesAPIInstanceType,
	"logRetentionDays":          strconv.Itoa(DefaultLogRetentionDays),
	"adoptExisting":             "false",
}

// NodeCounts sizes one Auto Scaling group: Min <= Desired <= Max, Desired >= 1.
type NodeCounts struct {
	Min, Desired, Max int
}

// Config is the validated stack configuration. Build it with Parse.
type Config struct {
	// Firehose adds the log bucket and delivery stream; Processor implies it.
	Firehose  bool
	Processor bool
	// TablePrefix names the DynamoDB tables <TablePrefix>_router and
	// <TablePrefix>_message, and the other per-stack names.
	TablePrefix string
	// TableDeletionProtection turns on DynamoDB deletion protection.
	TableDeletionProtection bool
	// CryptoKey is a Fernet key given by the user, or "" to generate one. It
	// is a secret: never log or export it unwrapped.
	CryptoKey string
	// AutopushImage and AutopushVersion form the image reference
	// "<AutopushImage>:<AutopushVersion>" that both node types run.
	AutopushImage   string
	AutopushVersion string
	// AutopushImageArchitecture is what the image runs on: "amd64",
	// "arm64" or "multi-arch" (both); it decides which instance types
	// can run it.
	AutopushImageArchitecture string
	// InstanceType is the EC2 instance type of both node types.
	InstanceType    string
	ConnectionNodes NodeCounts
	EndpointNodes   NodeCounts
	// NodeCPUTargetPercent and ConnectionsPerNodeTarget are what node
	// groups with Min < Max track (10 to 90 percent; 100 to 1,000,000).
	NodeCPUTargetPercent     int
	ConnectionsPerNodeTarget int
	// SSHKeyName and SSHAllowedCIDR are both set or both "": SSH ingress
	// exists only when both are set.
	SSHKeyName     string
	SSHAllowedCIDR string

	// Processor tier (Processor true; it implies Firehose).
	RedisNodeType string
	// NATGateway adds a NAT gateway for outbound internet from the private
	// subnets; the processor needs none (gateway endpoints reach S3 and
	// DynamoDB).
	NATGateway              bool
	MessagesAPIInstanceType string
	// MessagesAPIAllowedCIDRs and MessagesAPIAllowedSecurityGroup may reach
	// the Messages API; with neither set, the stack's VPC may.
	MessagesAPIAllowedCIDRs         []string
	MessagesAPIAllowedSecurityGroup string

	// AlarmEmail subscribes to the alarm topic, or "".
	AlarmEmail string
	// LogRetentionDays is how long every log group of the stack keeps
	// events: one of LogRetentionValues.
	LogRetentionDays int
	// PreviousCryptoKeys are Fernet keys the servers accept after CryptoKey,
	// newest first (key rotation). Secrets.
	PreviousCryptoKeys []string
	// TakeOverFrom names a destroyed stack whose retained stores (tables
	// tagged with its name) this stack may take over; "" for none.
	TakeOverFrom string
	// Warnings are problems that do not stop the run (a key that no longer
	// has an effect), for the program to log.
	Warnings []string

	// TLS: CertificateArn (an existing ACM certificate) or HostedZoneID (to
	// request one) for DomainName; HostedZoneID also gets an alias record.
	CertificateArn string
	DomainName     string
	HostedZoneID   string
}

// TLS reports whether the load balancer terminates TLS.
func (c Config) TLS() bool { return c.DomainName != "" }

// Image is the container image reference both node types run.
func (c Config) Image() string { return c.AutopushImage + ":" + c.AutopushVersion }

// RouterTableName is the name of the autopush router table.
func (c Config) RouterTableName() string { return c.TablePrefix + "_router" }

// MessageTableName is the name of the autopush message table.
func (c Config) MessageTableName() string { return c.TablePrefix + "_message" }

// SSHEnabled reports whether the nodes accept SSH from SSHAllowedCIDR.
func (c Config) SSHEnabled() bool { return c.SSHKeyName != "" && c.SSHAllowedCIDR != "" }

// Arm64 reports whether InstanceType is a Graviton (arm64) type.
func (c Config) Arm64() bool { return Arm64(c.InstanceType) }

// Arm64 reports whether an EC2 instance type is a Graviton (arm64) type: its
// family carries a "g" after the generation digit (t4g, m7g, c7gn), per the
// EC2 instance type naming convention, or it is the first Graviton family,
// a1.
func Arm64(instanceType string) bool {
	family, _, _ := strings.Cut(instanceType, ".")
	return graviton.MatchString(family)
}

// MessagesTableName is the name of the push messages table (processor tier).
func (c Config) MessagesTableName() string { return c.TablePrefix + "_push_messages" }

var graviton = regexp.MustCompile(`^(a1|[a-z]+[0-9]+[a-z]*g[a-z]*)(-|$)`)

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

// Error is a rejected config value. Its message names the key, what is wrong
// and a value that would be accepted.
type Error struct {
	// Key is a key of this program without the namespace ("tablePrefix"),
	// or another namespace's key in full ("aws:region").
	Key     string
	Problem string
	// Example is a good value; Hint, when set, replaces the example with a
	// whole command (for secrets and unknown keys).
	Example string
	Hint    string
}

// QualifiedKey is the key as `pulumi config` shows it.
func (e *Error) QualifiedKey() string {
	if strings.Contains(e.Key, ":") {
		return e.Key
	}
	return Namespace + ":" + e.Key
}

func (e *Error) Error() string {
	hint := e.Hint
	if hint == "" {
		hint = "example: pulumi config set " + e.Key + " " + e.Example
	}
	return fmt.Sprintf("config %s: %s (%s)", e.QualifiedKey(), e.Problem, hint)
}

// Parse validates the raw config of one stack. raw maps keys without the
// namespace ("firehose") to their string values, as Pulumi passes them; a
// missing key takes its default. A key whose Pulumi.yaml default is not
// empty, given as "", is refused (see emptyValueError). It returns every
// problem found, joined, each an *Error.
func Parse(stack string, raw map[string]string) (Config, error) {
	p := parser{raw: maps.Clone(raw)}
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		if !slices.Contains(Keys, key) {
			p.errs = append(p.errs, &Error{Key: key,
				Problem: "is not a config key of this program (known: " + strings.Join(Keys, ", ") + ")",
				Hint:    "remove it: pulumi config rm " + key})
		}
		if def, ok := stackDefaults[key]; ok && raw[key] == "" {
			p.errs = append(p.errs, emptyValueError(key, def))
			delete(p.raw, key) // one message for the key, not a second "is not a ..."
		}
	}
	c := Config{
		Firehose:                  p.boolean("firehose", false),
		Processor:                 p.boolean("processor", false),
		TablePrefix:               p.str("tablePrefix", DefaultTablePrefix(stack)),
		TableDeletionProtection:   p.boolean("tableDeletionProtection", true),
		CryptoKey:                 p.str("cryptoKey", ""),
		AutopushImage:             p.str("autopushImage", DefaultAutopushImage),
		AutopushVersion:           p.str("autopushVersion", DefaultAutopushVersion),
		AutopushImageArchitecture: p.str("autopushImageArchitecture", DefaultAutopushImageArchitecture),
		InstanceType:              p.str("instanceType", DefaultInstanceType),
		ConnectionNodes:           p.nodes("connectionNodes"),
		EndpointNodes:             p.nodes("endpointNodes"),
		NodeCPUTargetPercent:      p.bounded("nodeCpuTargetPercent", DefaultNodeCPUTargetPercent, 10, 90, "percent"),
		ConnectionsPerNodeTarget:  p.bounded("connectionsPerNodeTarget", DefaultConnectionsPerNodeTarget, 100, 1000000, "connections"),
		SSHKeyName:                p.str("sshKeyName", ""),
		SSHAllowedCIDR:            p.str("sshAllowedCidr", ""),

		RedisNodeType:                   p.str("redisNodeType", DefaultRedisNodeType),
		NATGateway:                      p.boolean("natGateway", false),
		MessagesAPIInstanceType:         p.str("messagesApiInstanceType", DefaultMessagesAPIInstanceType),
		MessagesAPIAllowedCIDRs:         p.cidrList("messagesApiAllowedCidrs"),
		MessagesAPIAllowedSecurityGroup: p.str("messagesApiAllowedSecurityGroup", ""),
		AlarmEmail:                      p.str("alarmEmail", ""),
		LogRetentionDays:                p.retention("logRetentionDays"),
		PreviousCryptoKeys:              p.keyList("previousCryptoKeys"),
		CertificateArn:                  p.str("certificateArn", ""),
		DomainName:                      p.str("domainName", ""),
		HostedZoneID:                    p.str("hostedZoneId", ""),
		TakeOverFrom:                    p.str("takeOverFrom", ""),
	}
	if c.TakeOverFrom != "" {
		p.check("takeOverFrom", c.TakeOverFrom, validStackName, "dev")
	}
	if c.CertificateArn != "" {
		p.check("certificateArn", c.CertificateArn, validCertificateArn, "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789")
	}
	if c.DomainName != "" {
		p.check("domainName", c.DomainName, validDomainName, "push.example.com")
	}
	if c.HostedZoneID != "" {
		p.check("hostedZoneId", c.HostedZoneID, validHostedZoneID, "Z0123456789ABCDEFGHIJ")
	}
	switch {
	case c.CertificateArn != "" && c.DomainName == "":
		p.fail("domainName", "must be set with certificateArn: the servers put it into the endpoint URLs they hand out", "push.example.com")
	case c.HostedZoneID != "" && c.DomainName == "":
		p.fail("domainName", "must be set with hostedZoneId: it names the record to create", "push.example.com")
	case c.DomainName != "" && c.CertificateArn == "" && c.HostedZoneID == "":
		p.fail("hostedZoneId", "must be set with domainName unless certificateArn is: TLS needs a certificate, and the stack can only request and validate one in a hosted zone", "Z0123456789ABCDEFGHIJ")
	}
	if _, set := raw["tablePrefix"]; !set && len(DefaultTablePrefix(stack)) < len("push-"+stack) {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s:tablePrefix is not set, so it is %q, from the stack name cut to %d characters: another stack whose name starts alike would get the same tables, key and bucket; set it: pulumi config set tablePrefix <prefix>",
			Namespace, c.TablePrefix, MaxTablePrefixLength))
	}
	if p.boolean("adoptExisting", false) {
		c.Warnings = append(c.Warnings, Namespace+":adoptExisting is no longer needed and has no effect: every stack takes over the tables, key parameter and log bucket its tablePrefix names, when they exist (a destroyed stack's with takeOverFrom; remove it: pulumi config rm adoptExisting)")
	}
	if !c.Processor {
		for _, key := range ProcessorKeys {
			// The engine passes Pulumi.yaml's default of a key not set,
			// so only another value counts as set.
			if v, set := raw[key]; set && v != stackDefaults[key] {
				c.Warnings = append(c.Warnings, Namespace+":"+key+" has no effect without processor=true (set processor, or remove it: pulumi config rm "+key+")")
			}
		}
	}
	if len(c.PreviousCryptoKeys) > 0 && c.CryptoKey == "" {
		p.errs = append(p.errs, &Error{Key: "previousCryptoKeys", Problem: "needs cryptoKey: a rotation names the new key and keeps the old ones",
			Hint: "set the current key with: pulumi config set --secret cryptoKey <44-character key>"})
	}
	seen := map[string]int{}
	for i, k := range c.PreviousCryptoKeys {
		if k == c.CryptoKey {
			p.errs = append(p.errs, &Error{Key: "previousCryptoKeys", Problem: fmt.Sprintf("item %d repeats cryptoKey", i),
				Hint: previousKeysHint})
		}
		if j, dup := seen[k]; dup {
			p.errs = append(p.errs, &Error{Key: "previousCryptoKeys", Problem: fmt.Sprintf("item %d repeats item %d", i, j),
				Hint: previousKeysHint})
		}
		seen[k] = i
	}
	if c.AlarmEmail != "" {
		p.check("alarmEmail", c.AlarmEmail, validEmail, "ops@example.com")
	}
	if c.Processor {
		c.Firehose = true // the processor reads the Firehose log objects
	}
	p.check("redisNodeType", c.RedisNodeType, validRedisNodeType, DefaultRedisNodeType)
	p.check("messagesApiInstanceType", c.MessagesAPIInstanceType, validInstanceType, DefaultMessagesAPIInstanceType)
	if c.MessagesAPIAllowedSecurityGroup != "" {
		p.check("messagesApiAllowedSecurityGroup", c.MessagesAPIAllowedSecurityGroup, validSecurityGroupID, "sg-0123456789abcdef0")
	}
	if problem := validTablePrefix(c.TablePrefix); problem != "" {
		p.fail("tablePrefix", problem, "push_prod")
	} else {
		p.checkNames(&c)
	}
	if _, set := raw["cryptoKey"]; set {
		// The message never repeats the value: it is a secret. An empty key
		// is refused rather than replaced by a new one, which would make
		// every endpoint issued under the old key undecodable.
		if problem := validFernetKey(c.CryptoKey); problem != "" {
			p.errs = append(p.errs, &Error{Key: "cryptoKey", Problem: problem, Hint: cryptoKeyHint})
		}
	}
	p.check("autopushImage", c.AutopushImage, validImage, DefaultAutopushImage)
	p.check("autopushVersion", c.AutopushVersion, validTag, DefaultAutopushVersion)
	if problem := validInstanceType(c.InstanceType); problem != "" {
		p.fail("instanceType", problem, DefaultInstanceType)
	} else {
		p.checkArchitecture(c)
	}
	if c.SSHKeyName != "" {
		p.check("sshKeyName", c.SSHKeyName, validKeyName, "my-key")
	}
	if c.SSHAllowedCIDR != "" {
		p.check("sshAllowedCidr", c.SSHAllowedCIDR, validSSHCIDR, "203.0.113.0/24")
	}
	switch {
	case c.SSHKeyName != "" && c.SSHAllowedCIDR == "":
		p.fail("sshAllowedCidr", "must be set when sshKeyName is set (SSH needs both)", "203.0.113.0/24")
	case c.SSHKeyName == "" && c.SSHAllowedCIDR != "":
		p.fail("sshKeyName", "must be set when sshAllowedCidr is set (SSH needs both)", "my-key")
	}
	if len(p.errs) > 0 {
		return Config{}, errors.Join(p.errs...)
	}
	return c, nil
}

type parser struct {
	raw  map[string]string
	errs []error
}

func (p *parser) fail(key, problem, example string) {
	p.errs = append(p.errs, &Error{Key: key, Problem: problem, Example: example})
}

func (p *parser) check(key, value string, valid func(string) string, example string) {
	if problem := valid(value); problem != "" {
		p.fail(key, problem, example)
	}
}

func (p *parser) str(key, def string) string {
	if v, ok := p.raw[key]; ok {
		return v
	}
	return def
}

func (p *parser) boolean(key string, def bool) bool {
	v, ok := p.raw[key]
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(key, fmt.Sprintf("%q is not a boolean (true or false)", v), "true")
		return def
	}
	return b
}

func (p *parser) integer(key string, def int) int {
	v, ok := p.raw[key]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > MaxNodes {
		p.fail(key, fmt.Sprintf("%q is not a whole number from 0 to %d", v, MaxNodes), "2")
		return def
	}
	return n
}

// bounded reads a whole number from low to high (unit names it in the
// message).
func (p *parser) bounded(key string, def, low, high int, unit string) int {
	v, ok := p.raw[key]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < low || n > high {
		p.fail(key, fmt.Sprintf("%q is not a whole number of %s from %d to %d", v, unit, low, high), strconv.Itoa(def))
		return def
	}
	return n
}

// cidrList reads a JSON list of IPv4 CIDR blocks, as Pulumi passes an
// array config value.
func (p *parser) cidrList(key string) []string {
	v, ok := p.raw[key]
	if !ok {
		return nil
	}
	hint := "set each block with: pulumi config set --path '" + key + "[0]' 10.0.0.0/16"
	var list []string
	if err := json.Unmarshal([]byte(v), &list); err != nil {
		p.errs = append(p.errs, &Error{Key: key, Problem: fmt.Sprintf("%q is not a list of CIDR blocks", v), Hint: hint})
		return nil
	}
	seen := map[string]int{}
	for i, cidr := range list {
		prefix, err := netip.ParsePrefix(cidr)
		j, dup := seen[cidr]
		seen[cidr] = i
		switch {
		case dup:
			p.errs = append(p.errs, &Error{Key: key, Problem: fmt.Sprintf("item %d, %q, repeats item %d", i, cidr, j), Hint: hint})
		case err != nil || !prefix.Addr().Is4():
			p.errs = append(p.errs, &Error{Key: key, Problem: fmt.Sprintf("item %d, %q, is not an IPv4 CIDR block", i, cidr), Hint: hint})
		case prefix.Masked() != prefix:
			p.errs = append(p.errs, &Error{Key: key, Problem: fmt.Sprintf("item %d, %q, has host bits set; the block is %s", i, cidr, prefix.Masked()), Hint: hint})
		case prefix.Bits() < 8:
			p.errs = append(p.errs, &Error{Key: key, Problem: fmt.Sprintf("item %d, %q, opens the internal API to a large part of the internet (at least /8)", i, cidr), Hint: hint})
		}
	}
	// The group also takes messagesApiAllowedSecurityGroup's rule, so the
	// limit is one fewer than AWS's. A quota raise is not visible here.
	if limit := MaxSecurityGroupInboundRules - 1; len(list) > limit {
		p.errs = append(p.errs, &Error{Key: key, Hint: hint, Problem: fmt.Sprintf(
			"has %d blocks; the Messages API's security group takes at most %d (AWS's default quota of %d inbound rules per security group, one kept for messagesApiAllowedSecurityGroup); allow a larger block instead",
			len(list), limit, MaxSecurityGroupInboundRules)})
	}
	return list
}

// MaxSecurityGroupInboundRules is AWS's default quota of IPv4 inbound rules
// per security group
// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
const MaxSecurityGroupInboundRules = 60

// LogRetentionValues are the retention periods CloudWatch Logs accepts, in
// days (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
var LogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// retention reads a log retention in days, one of LogRetentionValues.
func (p *parser) retention(key string) int {
	v, ok := p.raw[key]
	if !ok {
		return DefaultLogRetentionDays
	}
	n, err := strconv.Atoi(v)
	if err != nil || !slices.Contains(LogRetentionValues, n) {
		values := make([]string, len(LogRetentionValues))
		for i, d := range LogRetentionValues {
			values[i] = strconv.Itoa(d)
		}
		p.fail(key, fmt.Sprintf("%q is not a retention CloudWatch Logs accepts (days: %s)", v, strings.Join(values, ", ")), strconv.Itoa(DefaultLogRetentionDays))
		return DefaultLogRetentionDays
	}
	return n
}

// imageArchitectures are the values of autopushImageArchitecture.
var imageArchitectures = []string{"amd64", "arm64", "multi-arch"}

// checkArchitecture refuses an instance type the image cannot run on, and
// an architecture the default image is not built for.
func (p *parser) checkArchitecture(c Config) {
	arch := c.AutopushImageArchitecture
	switch {
	case !slices.Contains(imageArchitectures, arch):
		p.fail("autopushImageArchitecture", fmt.Sprintf("%q is not one of %s", arch, strings.Join(imageArchitectures, ", ")), DefaultAutopushImageArchitecture)
	case c.AutopushImage == DefaultAutopushImage && arch != DefaultAutopushImageArchitecture:
		p.fail("autopushImageArchitecture", fmt.Sprintf("is %s, but %s is built for amd64 only; set it only with your own image (autopushImage)", arch, DefaultAutopushImage), DefaultAutopushImageArchitecture)
	case c.Arm64() && arch == "amd64":
		image := "the image " + c.AutopushImage
		if c.AutopushImage == DefaultAutopushImage {
			image = DefaultAutopushImage + ", built for amd64 only,"
		}
		p.fail("instanceType", fmt.Sprintf("%s is a Graviton (arm64) type and %s cannot run there; with your own arm64 or multi-arch image, set autopushImage and autopushImageArchitecture", c.InstanceType, image), DefaultInstanceType)
	case !c.Arm64() && arch == "arm64":
		p.fail("instanceType", fmt.Sprintf("%s is an x86 type and the image is arm64 (autopushImageArchitecture); pick a Graviton type", c.InstanceType), "t4g.small")
	}
}

// keyList reads a JSON list of Fernet keys; messages never repeat a key.
func (p *parser) keyList(key string) []string {
	v, ok := p.raw[key]
	if !ok {
		return nil
	}
	var list []string
	if err := json.Unmarshal([]byte(v), &list); err != nil {
		p.errs = append(p.errs, &Error{Key: key, Problem: "is not a list of Fernet keys", Hint: previousKeysHint})
		return nil
	}
	for i, k := range list {
		if problem := validFernetKey(k); problem != "" {
			p.errs = append(p.errs, &Error{Key: key, Problem: fmt.Sprintf("item %d %s", i, problem), Hint: previousKeysHint})
		}
	}
	return list
}

// nodes reads <prefix>Min, <prefix>Desired and <prefix>Max (default 1 each).
func (p *parser) nodes(prefix string) NodeCounts {
	n := NodeCounts{
		Min:     p.integer(prefix+"Min", 1),
		Desired: p.integer(prefix+"Desired", 1),
		Max:     p.integer(prefix+"Max", 1),
	}
	switch {
	case n.Min < 0:
		p.fail(prefix+"Min", fmt.Sprintf("%d is negative", n.Min), "1")
	case n.Desired < 1:
		p.fail(prefix+"Desired", fmt.Sprintf("%d leaves the tier without nodes; at least 1 is needed", n.Desired), "1")
	case n.Desired < n.Min:
		p.fail(prefix+"Desired", fmt.Sprintf("%d is below %sMin (%d)", n.Desired, prefix, n.Min), strconv.Itoa(n.Min))
	case n.Max < n.Desired:
		p.fail(prefix+"Max", fmt.Sprintf("%d is below %sDesired (%d)", n.Max, prefix, n.Desired), strconv.Itoa(n.Desired))
	}
	return n
}

// Validators return "" for a good value, else the problem. Values that end up
// in instance user data are restricted to characters that need no quoting.

var (
	tablePrefixRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	imageRe        = regexp.MustCompile(`^([a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`)
	tagRe          = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	instanceTypeRe = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	keyNameRe      = regexp.MustCompile(`^[A-Za-z0-9 ._:/()#,@\[\]+=&;{}!$*-]{1,255}$`)
)

func validTablePrefix(v string) string {
	switch {
	case v == "":
		return "is empty"
	case len(v) > MaxTablePrefixLength:
		return fmt.Sprintf("is %d characters; at most %d fit the derived S3 bucket name", len(v), MaxTablePrefixLength)
	case !tablePrefixRe.MatchString(v):
		return fmt.Sprintf("%q must start with a letter or digit and hold only letters, digits, '_', '-' and '.' (DynamoDB table-name characters)", v)
	}
	return ""
}

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

// FernetKeyProblem returns "" for a Fernet key (32 bytes, 44 characters of
// URL-safe base64 with padding), else the problem; it never repeats the
// key.
func FernetKeyProblem(v string) string { return validFernetKey(v) }

var stackNameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

func validStackName(v string) string {
	if !stackNameRe.MatchString(v) {
		return fmt.Sprintf("%q is not a stack name (letters, digits, '_', '.', '-')", v)
	}
	return ""
}

func validFernetKey(v string) string {
	if v == "" {
		return "is empty"
	}
	key, err := base64.URLEncoding.Strict().DecodeString(v)
	if err != nil || len(v) != 44 {
		return "is not a Fernet key: 44 characters of URL-safe base64 with padding"
	}
	if len(key) != 32 {
		return fmt.Sprintf("decodes to %d bytes; a Fernet key is 32", len(key))
	}
	return ""
}

func validImage(v string) string {
	if !imageRe.MatchString(v) {
		return fmt.Sprintf("%q is not a container image repository such as mozilla/autopush or registry.example.com/push/autopush (no tag: set autopushVersion)", v)
	}
	return ""
}

func validTag(v string) string {
	if !tagRe.MatchString(v) {
		return fmt.Sprintf("%q is not an image tag (letters, digits, '_', '.', '-', at most 128)", v)
	}
	return ""
}

func validInstanceType(v string) string {
	if !instanceTypeRe.MatchString(v) {
		return fmt.Sprintf("%q is not an EC2 instance type such as t3.small", v)
	}
	return ""
}

var (
	redisNodeTypeRe   = regexp.MustCompile(`^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	securityGroupIDRe = regexp.MustCompile(`^sg-[0-9a-f]{8}([0-9a-f]{9})?$`)
)

func validRedisNodeType(v string) string {
	if !redisNodeTypeRe.MatchString(v) {
		return fmt.Sprintf("%q is not an ElastiCache node type such as %s", v, DefaultRedisNodeType)
	}
	return ""
}

func validSecurityGroupID(v string) string {
	if !securityGroupIDRe.MatchString(v) {
		return fmt.Sprintf("%q is not a security group ID (sg- and 8 or 17 hex digits)", v)
	}
	return ""
}

var (
	certificateArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$`)
	domainNameRe     = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	hostedZoneIDRe   = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
)

func validCertificateArn(v string) string {
	if !certificateArnRe.MatchString(v) {
		return fmt.Sprintf("%q is not an ACM certificate ARN", v)
	}
	return ""
}

func validDomainName(v string) string {
	if !domainNameRe.MatchString(v) || len(v) > 253 {
		return fmt.Sprintf("%q is not a lower-case DNS name such as push.example.com", v)
	}
	return ""
}

func validHostedZoneID(v string) string {
	if !hostedZoneIDRe.MatchString(v) {
		return fmt.Sprintf("%q is not a Route 53 hosted zone ID", v)
	}
	return ""
}

// emailRe is deliberately plain: SNS mails a confirmation link, which is
// the real check.
var emailRe = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

func validEmail(v string) string {
	if !emailRe.MatchString(v) || len(v) > 254 {
		return fmt.Sprintf("%q is not an e-mail address", v)
	}
	return ""
}

func validKeyName(v string) string {
	if !keyNameRe.MatchString(v) {
		return fmt.Sprintf("%q is not an EC2 key pair name (1-255 letters, digits, spaces and ._:/()#,@[]+=&;{}!$*-)", v)
	}
	return ""
}

func validSSHCIDR(v string) string {
	prefix, err := netip.ParsePrefix(v)
	switch {
	case err != nil || !prefix.Addr().Is4():
		return fmt.Sprintf("%q is not an IPv4 CIDR block", v)
	case prefix.Masked() != prefix:
		return fmt.Sprintf("%q has host bits set; the block is %s", v, prefix.Masked())
	case prefix.Bits() < 8:
		return fmt.Sprintf("/%d opens SSH to a large part of the internet; name the block you connect from (at least /8)", prefix.Bits())
	}
	return ""
}

// Load reads the push-turnkey keys of the running stack and validates them
// with Parse. cryptoKey must have been set with --secret: a key stored in
// plain text in Pulumi.<stack>.yaml is refused.
func Load(ctx *pulumi.Context) (Config, error) {
	raw := map[string]string{}
	for _, k := range Keys {
		if v, ok := ctx.GetConfig(Namespace + ":" + k); ok {
			raw[k] = v
		}
	}
	region, _ := ctx.GetConfig("aws:region")
	return ParseStack(ctx.Stack(), raw, region, ctx.IsConfigSecret)
}

// Unset values: the Pulumi engine requires a default for every key
// Pulumi.yaml declares in the project's namespace (pkg/workspace/config.go,
// mergeConfig: a declared key without one is "missing") and hands the
// default to the program like any value. Keys that are optional without a
// static default therefore declare "" (strings) or [] (lists), and those
// values mean "not set".
const (
	UnsetString = ""
	UnsetList   = "[]"
)

// withoutUnset drops the keys of raw that hold an unset value, except a
// value set as a secret: `pulumi config set --secret cryptoKey ""` is a
// user's empty key, refused later, never a reason to generate one. It keeps
// "" for a key whose Pulumi.yaml default is not empty (stackDefaults): the
// engine would have passed that default, so "" was set in the stack, and
// Parse refuses it.
func withoutUnset(raw map[string]string, isSecret func(key string) bool) map[string]string {
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		_, hasDefault := stackDefaults[k]
		if (v == UnsetString || v == UnsetList) && !isSecret(Namespace+":"+k) && !(v == "" && hasDefault) {
			continue
		}
		out[k] = v
	}
	return out
}

// emptyValueError refuses "" for key, whose Pulumi.yaml default def is
// not empty. The engine hands the program Pulumi.yaml's default for a key
// the stack does not set (pkg/workspace/config.go, mergeConfig), so "" is
// a value the stack holds (`pulumi config set autopushVersion ""`):
// taking the default instead would silently ignore it.
func emptyValueError(key, def string) *Error {
	return &Error{Key: key, Problem: `is set to "" in the stack`,
		Hint: fmt.Sprintf("remove it with 'pulumi config rm %s' to take the default %s, or set a value", key, def)}
}

// ParseStack is Parse plus the checks that need more than this namespace:
// cryptoKey must be a secret (isSecret gets the qualified key), and
// aws:region ("" when unset) must look like a region name. Keys holding
// an unset value ("" or [], see UnsetString) count as not set, except ""
// for a key whose Pulumi.yaml default is not empty, which is refused.
func ParseStack(stack string, raw map[string]string, region string, isSecret func(key string) bool) (Config, error) {
	raw = withoutUnset(raw, isSecret)
	var errs []error
	if _, ok := raw["cryptoKey"]; ok && !isSecret(Namespace+":cryptoKey") {
		errs = append(errs, &Error{Key: "cryptoKey", Problem: "is stored in plain text in the stack file", Hint: cryptoKeyHint})
	}
	if _, ok := raw["previousCryptoKeys"]; ok && !isSecret(Namespace+":previousCryptoKeys") {
		errs = append(errs, &Error{Key: "previousCryptoKeys", Problem: "is stored in plain text in the stack file", Hint: previousKeysHint})
	}
	if region != "" && !regionRe.MatchString(region) {
		errs = append(errs, &Error{Key: "aws:region", Problem: fmt.Sprintf("%q is not an AWS region name", region), Example: "us-east-1"})
	}
	if err := certificateTarget(raw["certificateArn"], "", region, "aws:region"); err != nil {
		errs = append(errs, err)
	}
	c, err := Parse(stack, raw)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// CheckDeployTarget checks what depends on where the stack really deploys,
// which only the AWS provider knows at run time (aws:region may be unset
// and come from AWS_REGION or the profile): certificateArn must be of the
// partition ("aws", "aws-cn") and region of the deployment. It returns a
// *Error or nil.
func (c Config) CheckDeployTarget(partition, region string) error {
	// Through a variable of type *Error, nil would be a non-nil error.
	if err := certificateTarget(c.CertificateArn, partition, region, "the AWS provider"); err != nil {
		return err
	}
	return nil
}

// certificateTarget refuses a certificate ARN of another partition or
// region than the deployment's ("" skips a check): a load balancer takes
// ACM certificates of its own region only.
func certificateTarget(arn, partition, region, source string) *Error {
	if !certificateArnRe.MatchString(arn) {
		return nil // refused elsewhere, or not set
	}
	parts := strings.Split(arn, ":")
	example := fmt.Sprintf("arn:%s:acm:%s:<account>:certificate/<id>", or(partition, parts[1]), or(region, parts[3]))
	switch {
	case partition != "" && parts[1] != partition:
		return &Error{Key: "certificateArn", Example: example,
			Problem: fmt.Sprintf("is in the partition %s, but the stack deploys to %s (from %s)", parts[1], partition, source)}
	case region != "" && parts[3] != region:
		return &Error{Key: "certificateArn", Example: example,
			Problem: fmt.Sprintf("is in %s, but the stack deploys to %s (from %s); a load balancer takes certificates of its own region", parts[3], region, source)}
	}
	return nil
}

func or(v, otherwise string) string {
	if v != "" {
		return v
	}
	return otherwise
}

var regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
