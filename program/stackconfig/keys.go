package stackconfig

import "strconv"

// Regenerate Pulumi.yaml's config block from keyTable:
//go:generate go test . -run TestPulumiYAMLDeclaresTheKeyTable -update-pulumi-yaml

// keySpec declares one config key. Parse reads the key by it, Pulumi.yaml's
// config block is generated from it, and a test checks the README's config
// table against it.
type keySpec struct {
	name string
	// value is the key's Pulumi.yaml type and its rule (see field).
	value field
	// def is Pulumi.yaml's default as the engine hands it to the program
	// (booleans and numbers as text). UnsetString and UnsetList mean "not
	// set": the engine requires a default of every declared key.
	def string
	// unsetMeans says, for a key whose def is unset, what the program does
	// without it; the README's default column says the same.
	unsetMeans string
	// example is a good value the key's messages offer (def when "");
	// hint, when set, replaces the example with a whole command.
	example, hint string
	// suggest, when set, gives for a refused value the good value its
	// message offers instead of example ("t3.small" for "t3.smal"), or ""
	// to offer example.
	suggest func(v string) string
	// secret keys must be set with --secret (ParseStack refuses a plain
	// value). Pulumi.yaml cannot say so: the engine refuses a default on a
	// secret key and a declared key without a default.
	secret bool
	// tier is the tier that reads the key: one of a tier that is off is
	// warned of ("has no effect without processor=true"). coreTier (the
	// zero value): every stack reads it.
	tier tier
	// description is Pulumi.yaml's one line about the key.
	description string
}

// keyTable is every config key of the push-turnkey namespace, in
// Pulumi.yaml's order. Adding a key: an entry here (and its Config field),
// then `go generate ./program/stackconfig` for Pulumi.yaml and a row in the
// README's config table; tests fail until the three agree, and TestDefaults
// pins every default.
var keyTable = []keySpec{
	{
		name:        "firehose",
		value:       boolean(func(c *Config) *bool { return &c.Firehose }),
		def:         "false",
		example:     "true",
		description: "Send every server log line through Kinesis Data Firehose into a retained S3 bucket.",
	},
	{
		name:        "processor",
		value:       boolean(func(c *Config) *bool { return &c.Processor }),
		def:         "false",
		example:     "true",
		description: "Add the processor tier (log processor Lambda, Redis, Messages API); turns firehose on.",
	},
	{
		name:        "tablePrefix",
		value:       text(func(c *Config) *string { return &c.TablePrefix }, validTablePrefix),
		def:         UnsetString,
		unsetMeans:  "`push-<stack>` (lower case, other characters as `-`)",
		example:     "push_prod",
		description: "Prefix of the DynamoDB tables (<prefix>_router, <prefix>_message), the log bucket and the key parameter. Default: push-<stack> in lower case. Keep it across stacks to keep subscribers.",
	},
	{
		name:        "tableDeletionProtection",
		value:       boolean(func(c *Config) *bool { return &c.TableDeletionProtection }),
		def:         "true",
		description: "DynamoDB deletion protection on the push tables.",
	},
	{
		name:        "cryptoKey",
		value:       text(func(c *Config) *string { return &c.CryptoKey }, validFernetKey),
		def:         UnsetString,
		unsetMeans:  "the key of the prefix's retained key parameter, else generated",
		hint:        cryptoKeyHint,
		secret:      true,
		description: "Fernet key; set with --secret (a plain value is refused). Unset: the key of the prefix's retained key parameter, else a generated one.",
	},
	{
		name:        "autopushImage",
		value:       text(func(c *Config) *string { return &c.AutopushImage }, validImage),
		def:         DefaultAutopushImage,
		description: "Container image repository of the autopush server (both node types).",
	},
	{
		name:        "autopushVersion",
		value:       text(func(c *Config) *string { return &c.AutopushVersion }, validTag),
		def:         DefaultAutopushVersion,
		description: "Image tag of the autopush server.",
	},
	{
		name:        "autopushImageArchitecture",
		value:       text(func(c *Config) *string { return &c.AutopushImageArchitecture }, validArchitecture),
		def:         DefaultAutopushImageArchitecture,
		description: "What autopushImage runs on, amd64, arm64 or multi-arch; Graviton instance types need arm64 or multi-arch (mozilla/autopush is amd64 only).",
	},
	{
		name:        "instanceType",
		value:       text(func(c *Config) *string { return &c.InstanceType }, validInstanceType),
		def:         DefaultInstanceType,
		suggest:     suggestInstanceType,
		description: "EC2 instance type of connection and endpoint nodes (Graviton types get the arm64 AMI and need an arm64 or multi-arch image).",
	},
	{
		name:        "connectionNodesMin",
		value:       nodeCount(func(c *Config) *int { return &c.ConnectionNodes.Min }),
		def:         "1",
		example:     "2",
		description: "Minimum number of connection nodes.",
	},
	{
		name:        "connectionNodesDesired",
		value:       nodeCount(func(c *Config) *int { return &c.ConnectionNodes.Desired }),
		def:         "1",
		example:     "2",
		description: "Desired number of connection nodes.",
	},
	{
		name:        "connectionNodesMax",
		value:       nodeCount(func(c *Config) *int { return &c.ConnectionNodes.Max }),
		def:         "1",
		example:     "2",
		description: "Maximum number of connection nodes.",
	},
	{
		name:        "endpointNodesMin",
		value:       nodeCount(func(c *Config) *int { return &c.EndpointNodes.Min }),
		def:         "1",
		example:     "2",
		description: "Minimum number of endpoint nodes.",
	},
	{
		name:        "endpointNodesDesired",
		value:       nodeCount(func(c *Config) *int { return &c.EndpointNodes.Desired }),
		def:         "1",
		example:     "2",
		description: "Desired number of endpoint nodes.",
	},
	{
		name:        "endpointNodesMax",
		value:       nodeCount(func(c *Config) *int { return &c.EndpointNodes.Max }),
		def:         "1",
		example:     "2",
		description: "Maximum number of endpoint nodes.",
	},
	{
		name:        "nodeCpuTargetPercent",
		value:       bounded(func(c *Config) *int { return &c.NodeCPUTargetPercent }, 10, 90, "percent"),
		def:         strconv.Itoa(DefaultNodeCPUTargetPercent),
		description: "Average CPU percent a node group whose min is below its max is kept near (target tracking), 10 to 90.",
	},
	{
		name:        "connectionsPerNodeTarget",
		value:       bounded(func(c *Config) *int { return &c.ConnectionsPerNodeTarget }, 100, 1000000, "connections"),
		def:         strconv.Itoa(DefaultConnectionsPerNodeTarget),
		description: "Client connections per connection node the connection group is kept near when its min is below its max (idle websockets cost memory, not CPU), 100 to 1000000.",
	},
	{
		name:        "sshKeyName",
		value:       text(func(c *Config) *string { return &c.SSHKeyName }, optional(validKeyName)),
		def:         UnsetString,
		unsetMeans:  "none",
		example:     "my-key",
		description: "EC2 key pair for SSH; needs sshAllowedCidr. Session Manager works without it.",
	},
	{
		name:        "sshAllowedCidr",
		value:       text(func(c *Config) *string { return &c.SSHAllowedCIDR }, optional(validSSHCIDR)),
		def:         UnsetString,
		unsetMeans:  "none",
		example:     "203.0.113.0/24",
		description: "IPv4 block allowed to SSH to the nodes; needs sshKeyName.",
	},
	{
		name:        "redisNodeType",
		value:       text(func(c *Config) *string { return &c.RedisNodeType }, validRedisNodeType),
		def:         DefaultRedisNodeType,
		suggest:     suggestRedisNodeType,
		tier:        processorTier,
		description: "ElastiCache node type of the processor tier's Redis.",
	},
	{
		name:        "natGateway",
		value:       boolean(func(c *Config) *bool { return &c.NATGateway }),
		def:         "false",
		example:     "true",
		tier:        processorTier,
		description: "Add a NAT gateway for outbound internet from the private subnets (the processor needs none).",
	},
	{
		name:        "messagesApiInstanceType",
		value:       text(func(c *Config) *string { return &c.MessagesAPIInstanceType }, validInstanceType),
		def:         DefaultMessagesAPIInstanceType,
		suggest:     suggestInstanceType,
		tier:        processorTier,
		description: "EC2 instance type of the Messages API instance.",
	},
	{
		name:        "messagesApiAllowedCidrs",
		value:       allowedCIDRs(func(c *Config) *[]string { return &c.MessagesAPIAllowedCIDRs }),
		def:         UnsetList,
		unsetMeans:  "the VPC, `10.20.0.0/16`",
		hint:        "set each block with: pulumi config set --path 'messagesApiAllowedCidrs[0]' 10.0.0.0/16",
		tier:        processorTier,
		description: "IPv4 blocks that may reach the Messages API (default: the stack's VPC).",
	},
	{
		name:        "messagesApiAllowedSecurityGroup",
		value:       text(func(c *Config) *string { return &c.MessagesAPIAllowedSecurityGroup }, optional(validSecurityGroupID)),
		def:         UnsetString,
		unsetMeans:  "none",
		example:     "sg-0123456789abcdef0",
		tier:        processorTier,
		description: "Security group (the dashboard's) that may reach the Messages API.",
	},
	{
		name:        "alarmEmail",
		value:       text(func(c *Config) *string { return &c.AlarmEmail }, optional(validEmail)),
		def:         UnsetString,
		unsetMeans:  "none",
		example:     "ops@example.com",
		description: "E-mail address subscribed to the stack's CloudWatch alarms (AWS mails a confirmation link first).",
	},
	{
		name:        "logRetentionDays",
		value:       retentionDays(func(c *Config) *int { return &c.LogRetentionDays }),
		def:         strconv.Itoa(DefaultLogRetentionDays),
		description: "Days every CloudWatch log group of the stack keeps events (the servers', the Messages API's, the processor's, Firehose's errors); one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...).",
	},
	{
		name:        "previousCryptoKeys",
		value:       fernetKeys(func(c *Config) *[]string { return &c.PreviousCryptoKeys }),
		def:         UnsetList,
		unsetMeans:  "none",
		hint:        previousKeysHint,
		secret:      true,
		description: "Earlier Fernet keys the servers still accept after cryptoKey, newest first (key rotation); set each with --secret --path 'previousCryptoKeys[0]'.",
	},
	// adoptExisting is checked but kept nowhere: a warning says it does nothing.
	{
		name:        "adoptExisting",
		value:       boolean(nil),
		def:         "false",
		example:     "true",
		description: "No effect (kept so old stack files stay valid); retained stores are taken over automatically.",
	},
	{
		name:        "certificateArn",
		value:       text(func(c *Config) *string { return &c.CertificateArn }, optional(validCertificateArn)),
		def:         UnsetString,
		unsetMeans:  "none",
		example:     "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
		description: "An ACM certificate for domainName; turns on TLS (wss:// on 443, https:// on 8443).",
	},
	{
		name:        "domainName",
		value:       text(func(c *Config) *string { return &c.DomainName }, optional(validDomainName)),
		def:         UnsetString,
		unsetMeans:  "none",
		example:     "push.example.com",
		description: "The push service's DNS name, put into endpoint URLs; with hostedZoneId the stack requests and validates a certificate and creates the alias record.",
	},
	{
		name:        "hostedZoneId",
		value:       text(func(c *Config) *string { return &c.HostedZoneID }, optional(validHostedZoneID)),
		def:         UnsetString,
		unsetMeans:  "none",
		example:     "Z0123456789ABCDEFGHIJ",
		description: "Route 53 hosted zone of domainName.",
	},
	{
		name:        "takeOverFrom",
		value:       text(func(c *Config) *string { return &c.TakeOverFrom }, optional(validStackName)),
		def:         UnsetString,
		unsetMeans:  "none",
		example:     "dev",
		description: "A destroyed stack whose retained tables (tagged with its name), key and bucket under this tablePrefix this stack may take over.",
	},
}

// Keys lists every config key of the push-turnkey namespace, in the order
// Pulumi.yaml declares them (keyTable's).
var Keys = func() []string {
	names := make([]string, len(keyTable))
	for i, k := range keyTable {
		names[i] = k.name
	}
	return names
}()

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

func isUnset(v string) bool { return v == UnsetString || v == UnsetList }

// spec returns the declaration of key, and false for a key of no entry.
func spec(key string) (keySpec, bool) {
	for _, k := range keyTable {
		if k.name == key {
			return k, true
		}
	}
	return keySpec{}, false
}

// Defaults that a rule or a message names too, or whose reason needs a
// word; keyTable holds every key's default.
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
)

// Hints of the secret keys' messages: a value is never repeated, so they
// give the command instead of an example.
const (
	cryptoKeyHint    = "set an existing key with: pulumi config set --secret cryptoKey <44-character key>, or remove it to generate one"
	previousKeysHint = "set each old key with: pulumi config set --secret --path 'previousCryptoKeys[0]' <44-character key>"
)
