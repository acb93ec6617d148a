package stackconfig

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// The rules of single values, each returning "" for a good value, else the
// problem (without the key). Values that end up in instance user data are
// restricted to characters that need no quoting.

const (
	// MaxTablePrefixLength keeps every name derived from the prefix within
	// AWS limits: the log bucket "<prefix>-<6 hex>-logs-<12-digit account>"
	// must fit S3's 63 characters.
	MaxTablePrefixLength = 36
	// MaxNodes bounds each node count: a guard against a typo that would
	// launch thousands of instances.
	MaxNodes = 1000
)

// MaxSecurityGroupInboundRules is AWS's default quota of IPv4 inbound rules
// per security group
// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
const MaxSecurityGroupInboundRules = 60

// LogRetentionValues are the retention periods CloudWatch Logs accepts, in
// days (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
var LogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// imageArchitectures are the values of autopushImageArchitecture.
var imageArchitectures = []string{"amd64", "arm64", "multi-arch"}

var (
	tablePrefixRe     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	imageRe           = regexp.MustCompile(`^([a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`)
	tagRe             = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	instanceTypeRe    = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	keyNameRe         = regexp.MustCompile(`^[A-Za-z0-9 ._:/()#,@\[\]+=&;{}!$*-]{1,255}$`)
	stackNameRe       = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
	redisNodeTypeRe   = regexp.MustCompile(`^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	securityGroupIDRe = regexp.MustCompile(`^sg-[0-9a-f]{8}([0-9a-f]{9})?$`)
	certificateArnRe  = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$`)
	domainNameRe      = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	hostedZoneIDRe    = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	// emailRe is deliberately plain: SNS mails a confirmation link, which
	// is the real check.
	emailRe = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
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

// FernetKeyProblem returns "" for a Fernet key (32 bytes, 44 characters of
// URL-safe base64 with padding), else the problem; it never repeats the
// key.
func FernetKeyProblem(v string) string { return validFernetKey(v) }

// MakeFernetKey is the command that makes a Fernet key: 32 random bytes
// in standard base64 (openssl's), '+' and '/' turned into URL-safe base64's
// '-' and '_' (RFC 4648 section 5).
const MakeFernetKey = "openssl rand -base64 32 | tr '+/' '-_'"

func validFernetKey(v string) string {
	if v == "" {
		return "is empty"
	}
	key, err := base64.URLEncoding.Strict().DecodeString(v)
	switch {
	case err == nil && len(v) == 44 && len(key) == 32:
		return ""
	case err == nil && len(v) == 44:
		return fmt.Sprintf("decodes to %d bytes; a Fernet key is 32 (make one with: %s)", len(key), MakeFernetKey)
	case strings.ContainsAny(v, "+/") && validFernetKey(strings.NewReplacer("+", "-", "/", "_").Replace(v)) == "":
		return fmt.Sprintf("is standard base64 (it holds '+' or '/', as `openssl rand -base64 32` prints it); a Fernet key is URL-safe base64, with '-' for '+' and '_' for '/' (make one with: %s)", MakeFernetKey)
	case len(v) != 44:
		return fmt.Sprintf("is not a Fernet key: 44 characters of URL-safe base64 with padding, not %d (make one with: %s)", len(v), MakeFernetKey)
	}
	return fmt.Sprintf("is not a Fernet key: 44 characters of URL-safe base64 with padding, '-' and '_' where standard base64 has '+' and '/' (make one with: %s)", MakeFernetKey)
}

func validStackName(v string) string {
	if !stackNameRe.MatchString(v) {
		return fmt.Sprintf("%q is not a stack name (letters, digits, '_', '.', '-')", v)
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

func validArchitecture(v string) string {
	if !slices.Contains(imageArchitectures, v) {
		return fmt.Sprintf("%q is not one of %s", v, strings.Join(imageArchitectures, ", "))
	}
	return ""
}

// validInstanceType refuses a name that is not in AWS's list of EC2
// instance types (EC2InstanceTypes), offering the nearest names. Whether
// the region offers the type is checked at deploy (pushstack's preflight).
func validInstanceType(v string) string {
	if IsEC2InstanceType(v) {
		return ""
	}
	if !instanceTypeRe.MatchString(v) && suggestInstanceType(v) == "" {
		return fmt.Sprintf("%q is not an EC2 instance type such as t3.small", v)
	}
	return fmt.Sprintf("%q is not an EC2 instance type: AWS's list %s has no such name;%s",
		v, ec2InstanceTypesList.cite(), or(didYouMean(instanceTypeSuggestions(v)), " a type AWS added since goes into that file first"))
}

// instanceTypeSuggestions are the EC2 instance types nearest v: the name
// without ElastiCache's "cache." prefix, else those at most two edits away.
func instanceTypeSuggestions(v string) []string {
	if bare, ok := strings.CutPrefix(v, "cache."); ok && IsEC2InstanceType(bare) {
		return []string{bare}
	}
	return nearest(v, EC2InstanceTypes, 2)
}

// suggestInstanceType is the nearest EC2 instance type to v, or "".
func suggestInstanceType(v string) string { return first(instanceTypeSuggestions(v)) }

// validRedisNodeType refuses a name that is not in AWS's list of
// ElastiCache node types, and a previous-generation one, of which AWS
// creates no new clusters (CacheNodeTypes, PreviousCacheNodeTypes).
func validRedisNodeType(v string) string {
	switch {
	case slices.Contains(CacheNodeTypes, v):
		return ""
	case slices.Contains(PreviousCacheNodeTypes, v):
		return fmt.Sprintf("%q is a previous-generation ElastiCache node type: AWS supports existing clusters of it but creates no new ones (%s); pick a current one such as %s",
			v, cacheNodeTypesList.cite(), or(suggestRedisNodeType(v), DefaultRedisNodeType))
	case !redisNodeTypeRe.MatchString(v) && suggestRedisNodeType(v) == "":
		return fmt.Sprintf("%q is not an ElastiCache node type such as %s", v, DefaultRedisNodeType)
	}
	return fmt.Sprintf("%q is not an ElastiCache node type: AWS's list %s has no such name;%s",
		v, cacheNodeTypesList.cite(), or(didYouMean(redisNodeTypeSuggestions(v)), " a type AWS added since goes into that file first"))
}

// redisNodeTypeSuggestions are the current ElastiCache node types nearest
// v: the EC2 name with "cache." before it, else those at most two edits
// away.
func redisNodeTypeSuggestions(v string) []string {
	if slices.Contains(CacheNodeTypes, "cache."+v) {
		return []string{"cache." + v}
	}
	return nearest(v, CacheNodeTypes, 2)
}

// suggestRedisNodeType is the nearest current ElastiCache node type to v,
// or "".
func suggestRedisNodeType(v string) string { return first(redisNodeTypeSuggestions(v)) }

func first(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

func validSecurityGroupID(v string) string {
	if !securityGroupIDRe.MatchString(v) {
		return fmt.Sprintf("%q is not a security group ID (sg- and 8 or 17 hex digits)", v)
	}
	return ""
}

func validCertificateArn(v string) string {
	if !certificateArnRe.MatchString(v) {
		return fmt.Sprintf("%q is not an ACM certificate ARN", v)
	}
	return ""
}

func validDomainName(v string) string {
	switch {
	case strings.HasSuffix(v, ".") && validDomainName(strings.TrimSuffix(v, ".")) == "":
		return fmt.Sprintf("%q ends in a dot, as Route 53 prints names; give it without: %s", v, strings.TrimSuffix(v, "."))
	case strings.ToLower(v) != v && validDomainName(strings.ToLower(v)) == "":
		return fmt.Sprintf("%q has capitals; endpoint URLs carry the name as given, so give it in lower case: %s", v, strings.ToLower(v))
	case !domainNameRe.MatchString(v) || len(v) > 253:
		return fmt.Sprintf("%q is not a lower-case DNS name such as push.example.com", v)
	}
	return ""
}

// validHostedZoneID takes a zone's ID as `aws route53 list-hosted-zones`
// prints it only without its "/hostedzone/" path, which the provider's
// zoneId does not take.
func validHostedZoneID(v string) string {
	if id, ok := strings.CutPrefix(v, "/hostedzone/"); ok && hostedZoneIDRe.MatchString(id) {
		return fmt.Sprintf("%q is the zone's path as the AWS CLI prints it; give the ID alone: %s", v, id)
	}
	if !hostedZoneIDRe.MatchString(v) {
		return fmt.Sprintf("%q is not a Route 53 hosted zone ID (find it: aws route53 list-hosted-zones-by-name --dns-name <your zone> --query 'HostedZones[0].Id' --output text)", v)
	}
	return ""
}

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
