// Package stackconfig reads and validates the stack configuration of the
// push-turnkey Pulumi program. Every value is checked before any resource is
// registered, so a bad value never leaves a half-created stack. Each key is
// declared once, in keyTable (keys.go).
package stackconfig

import (
	"regexp"
	"strings"
)

// Namespace is the Pulumi project name, and so the namespace of every key
// this program reads (`pulumi config set firehose true` sets
// "push-turnkey:firehose").
const Namespace = "push-turnkey"

// NodeCounts sizes one Auto Scaling group: Min <= Desired <= Max, Desired >= 1.
type NodeCounts struct {
	Min, Desired, Max int
}

// Config is the validated stack configuration. Build it with Parse or Load;
// each field is read by its key's entry of keyTable.
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

var graviton = regexp.MustCompile(`^(a1|[a-z]+[0-9]+[a-z]*g[a-z]*)(-|$)`)

// tier is a part of the stack a config turns on: it says which configs
// create a name (nameRules) and read a key (keySpec).
type tier int

const (
	coreTier tier = iota
	firehoseTier
	processorTier
)

// enabled reports whether the config turns the tier on.
func (c Config) enabled(t tier) bool {
	return t == coreTier || (t == firehoseTier && c.Firehose) || (t == processorTier && c.Processor)
}

// tierKey is the config key that turns a tier on.
var tierKey = map[tier]string{firehoseTier: "firehose", processorTier: "processor"}
