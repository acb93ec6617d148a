// Package stackconfig reads and validates the stack configuration of the
// push-turnkey Pulumi program. Every value is checked before any resource is
// registered, so a bad value never leaves a half-created stack.
package stackconfig

import (
	"encoding/base64"
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
	// DefaultInstanceType is a current burstable x86 type with 2 GiB, enough
	// for one autopush process and Docker.
	DefaultInstanceType = "t3.small"
	// MaxTablePrefixLength keeps every name derived from the prefix within
	// AWS limits: the log bucket "<prefix>-logs-<12-digit account>" must fit
	// S3's 63 characters.
	MaxTablePrefixLength = 40
)

// Keys lists every config key of the push-turnkey namespace, in the order
// Pulumi.yaml declares them.
var Keys = []string{
	"firehose", "processor", "tablePrefix", "tableDeletionProtection", "cryptoKey",
	"autopushImage", "autopushVersion", "instanceType",
	"connectionNodesMin", "connectionNodesDesired", "connectionNodesMax",
	"endpointNodesMin", "endpointNodesDesired", "endpointNodesMax",
	"sshKeyName", "sshAllowedCidr",
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
	// InstanceType is the EC2 instance type of both node types.
	InstanceType    string
	ConnectionNodes NodeCounts
	EndpointNodes   NodeCounts
	// SSHKeyName and SSHAllowedCIDR are both set or both "": SSH ingress
	// exists only when both are set.
	SSHKeyName     string
	SSHAllowedCIDR string
}

// Image is the container image reference both node types run.
func (c Config) Image() string { return c.AutopushImage + ":" + c.AutopushVersion }

// RouterTableName is the name of the autopush router table.
func (c Config) RouterTableName() string { return c.TablePrefix + "_router" }

// MessageTableName is the name of the autopush message table.
func (c Config) MessageTableName() string { return c.TablePrefix + "_message" }

// SSHEnabled reports whether the nodes accept SSH from SSHAllowedCIDR.
func (c Config) SSHEnabled() bool { return c.SSHKeyName != "" && c.SSHAllowedCIDR != "" }

// Arm64 reports whether InstanceType is a Graviton (arm64) type: its family
// carries a "g" after the generation digit (t4g, m7g, c7gn), per the EC2
// instance type naming convention.
func (c Config) Arm64() bool {
	family, _, _ := strings.Cut(c.InstanceType, ".")
	return graviton.MatchString(family)
}

var graviton = regexp.MustCompile(`^[a-z]+[0-9]+[a-z]*g[a-z]*(-|$)`)

// DefaultTablePrefix derives the table prefix from the stack name: "push_"
// and the stack name with characters DynamoDB refuses replaced by "_",
// cut to MaxTablePrefixLength.
func DefaultTablePrefix(stack string) string {
	p := "push_" + disallowedInPrefix.ReplaceAllString(stack, "_")
	if len(p) > MaxTablePrefixLength {
		p = p[:MaxTablePrefixLength]
	}
	return p
}

var disallowedInPrefix = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// Error is a rejected config value. Its message names the key, what is wrong
// and a value that would be accepted.
type Error struct {
	Key     string // without the namespace, e.g. "tablePrefix"
	Problem string
	Example string
}

func (e *Error) Error() string {
	return fmt.Sprintf("config %s:%s: %s (example: pulumi config set %s %s)",
		Namespace, e.Key, e.Problem, e.Key, e.Example)
}

// Parse validates the raw config of one stack. raw maps keys without the
// namespace ("firehose") to their string values, as Pulumi passes them; a
// missing key takes its default. It returns every problem found, joined, each
// an *Error.
func Parse(stack string, raw map[string]string) (Config, error) {
	p := parser{raw: raw}
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		if !slices.Contains(Keys, key) {
			p.fail(key, "is not a config key of this program (known: "+strings.Join(Keys, ", ")+")", "firehose true")
		}
	}
	c := Config{
		Firehose:                p.boolean("firehose", false),
		Processor:               p.boolean("processor", false),
		TablePrefix:             p.str("tablePrefix", DefaultTablePrefix(stack)),
		TableDeletionProtection: p.boolean("tableDeletionProtection", true),
		CryptoKey:               p.str("cryptoKey", ""),
		AutopushImage:           p.str("autopushImage", DefaultAutopushImage),
		AutopushVersion:         p.str("autopushVersion", DefaultAutopushVersion),
		InstanceType:            p.str("instanceType", DefaultInstanceType),
		ConnectionNodes:         p.nodes("connectionNodes"),
		EndpointNodes:           p.nodes("endpointNodes"),
		SSHKeyName:              p.str("sshKeyName", ""),
		SSHAllowedCIDR:          p.str("sshAllowedCidr", ""),
	}
	if c.Processor {
		p.fail("processor", "the processor tier is not available in this version; it cannot be turned on yet", "processor false")
	}
	p.check("tablePrefix", c.TablePrefix, validTablePrefix, "push_prod")
	if c.CryptoKey != "" {
		// The message never repeats the value: it is a secret.
		p.check("cryptoKey", c.CryptoKey, validFernetKey, "--secret -- \"$(openssl rand -base64 32 | tr '+/' '-_')\"")
	}
	p.check("autopushImage", c.AutopushImage, validImage, DefaultAutopushImage)
	p.check("autopushVersion", c.AutopushVersion, validTag, DefaultAutopushVersion)
	p.check("instanceType", c.InstanceType, validInstanceType, DefaultInstanceType)
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
		p.fail(key, fmt.Sprintf("%q is not a boolean (true or false)", v), key+" true")
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
	if err != nil {
		p.fail(key, fmt.Sprintf("%q is not a whole number", v), "2")
		return def
	}
	return n
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
	case strings.HasPrefix(strings.ToLower(v), "xn--") || strings.HasPrefix(strings.ToLower(v), "sthree-"):
		return fmt.Sprintf("%q starts with a prefix S3 reserves for bucket names", v)
	}
	return ""
}

func validFernetKey(v string) string {
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

func validKeyName(v string) string {
	if !keyNameRe.MatchString(v) {
		return fmt.Sprintf("%q is not an EC2 key pair name (1-255 ASCII characters)", v)
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
	case prefix.Bits() == 0:
		return "opens SSH to the whole internet; name the block you connect from"
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
	if _, ok := raw["cryptoKey"]; ok && !ctx.IsConfigSecret(Namespace+":cryptoKey") {
		return Config{}, &Error{Key: "cryptoKey", Problem: "is stored in plain text; set it as a secret",
			Example: "--secret cryptoKey <key>"}
	}
	return Parse(ctx.Stack(), raw)
}
