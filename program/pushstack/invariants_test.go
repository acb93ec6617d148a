package pushstack_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// invariantConfigs are the configs the security invariants hold for.
var invariantConfigs = map[string]map[string]string{
	"default":   {},
	"firehose":  {"firehose": "true"},
	"processor": {"processor": "true"},
	"ssh":       {"sshKeyName": "ops", "sshAllowedCidr": "198.51.100.0/24"},
	"nat":       {"processor": "true", "natGateway": "true", "messagesApiAllowedSecurityGroup": "sg-0123456789abcdef0"},
	"tls":       {"processor": "true", "domainName": "push.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"},
}

// publicPorts may be open to 0.0.0.0/0, on the load balancer's group only:
// the push service itself, plain or with TLS.
var publicPorts = map[float64]bool{8080: true, 8082: true, 443: true, 8443: true}

// violations checks every registered resource against the stack's security
// rules and returns one line per violation, naming the resource and rule.
func violations(p *plan.Plan, sshAllowed bool) []string {
	var out []string
	bad := func(r plan.Resource, rule string, args ...interface{}) {
		out = append(out, fmt.Sprintf("%s %s: %s", r.Type, r.Name, fmt.Sprintf(rule, args...)))
	}
	get := func(r plan.Resource, path ...string) interface{} {
		var v interface{} = plan.MaskedMap(r.Inputs)
		for _, k := range path {
			m, ok := v.(map[string]interface{})
			if !ok {
				return nil
			}
			v = m[k]
		}
		return v
	}
	encryptedBuckets, blockedBuckets, tlsOnlyBuckets := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range p.Resources {
		switch r.Type {
		case "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2":
			encryptedBuckets[fmt.Sprint(get(r, "bucket"))] = true
		case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
			all := true
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				all = all && get(r, k) == true
			}
			blockedBuckets[fmt.Sprint(get(r, "bucket"))] = all
		case "aws:s3/bucketPolicy:BucketPolicy":
			doc := fmt.Sprint(get(r, "policy"))
			tlsOnlyBuckets[fmt.Sprint(get(r, "bucket"))] = strings.Contains(doc, `"Effect":"Deny"`) &&
				strings.Contains(doc, `"aws:SecureTransport":"false"`)
		}
	}

	for _, r := range p.Resources {
		switch r.Type {
		case "aws:dynamodb/table:Table":
			if get(r, "serverSideEncryption", "enabled") != true {
				bad(r, "encryption at rest is off")
			}
			if get(r, "pointInTimeRecovery", "enabled") != true {
				bad(r, "point-in-time recovery is off")
			}
		case "aws:ec2/launchTemplate:LaunchTemplate":
			if get(r, "metadataOptions", "httpTokens") != "required" {
				bad(r, "IMDSv2 is not required")
			}
			mappings, _ := get(r, "blockDeviceMappings").([]interface{})
			if len(mappings) == 0 {
				bad(r, "no block device mapping: the root volume would keep the AMI's encryption setting")
			}
			for _, m := range mappings {
				if ebs, _ := m.(map[string]interface{})["ebs"].(map[string]interface{}); ebs["encrypted"] != "true" {
					bad(r, "volume %v is not encrypted", m.(map[string]interface{})["deviceName"])
				}
			}
			if _, ok := r.Inputs["keyName"]; ok && !sshAllowed {
				bad(r, "has an SSH key pair although SSH is not configured")
			}
		case "aws:ec2/instance:Instance":
			if get(r, "launchTemplate") == nil {
				bad(r, "launched without the stack's launch template (IMDSv2, encrypted volume)")
			}
		case "aws:s3/bucketV2:BucketV2":
			name := fmt.Sprint(get(r, "bucket"))
			if !encryptedBuckets[name] {
				bad(r, "no default encryption")
			}
			if !blockedBuckets[name] {
				bad(r, "public access is not blocked")
			}
			if !tlsOnlyBuckets[name] {
				bad(r, "no bucket policy denying requests without TLS")
			}
		case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
			if get(r, "serverSideEncryption", "enabled") != true {
				bad(r, "encryption at rest is off")
			}
		case "aws:elasticache/replicationGroup:ReplicationGroup":
			if get(r, "atRestEncryptionEnabled") != true || get(r, "transitEncryptionEnabled") != true {
				bad(r, "encryption at rest or in transit is off")
			}
		case "aws:sqs/queue:Queue":
			if get(r, "sqsManagedSseEnabled") != true && get(r, "kmsMasterKeyId") == nil {
				bad(r, "encryption at rest is off")
			}
		case "aws:sns/topic:Topic":
			if get(r, "kmsMasterKeyId") == nil {
				bad(r, "encryption at rest is off")
			}
		case "aws:ssm/parameter:Parameter":
			if get(r, "type") != "SecureString" {
				bad(r, "not a SecureString")
			}
		case "aws:cloudwatch/logGroup:LogGroup":
			if days, _ := get(r, "retentionInDays").(float64); days <= 0 {
				bad(r, "no retention: logs would be kept forever")
			}
		case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
			port, _ := get(r, "fromPort").(float64)
			if get(r, "fromPort") != get(r, "toPort") {
				bad(r, "opens a port range")
			}
			if get(r, "cidrIpv4") == "0.0.0.0/0" && (!publicPorts[port] || !strings.Contains(r.Name, "-public-")) {
				bad(r, "port %v is open to the internet", port)
			}
			if port == 22 && !sshAllowed {
				bad(r, "SSH is open although not configured")
			}
			if get(r, "ipProtocol") == "-1" {
				bad(r, "admits every protocol")
			}
		case "aws:lambda/function:Function":
			if get(r, "loggingConfig", "logGroup") == nil {
				bad(r, "logs to a log group the stack does not manage (no retention)")
			}
		}
		if r.Custom && strings.HasPrefix(r.Type, "aws:") && !strings.Contains(r.Options.Provider, "pulumi:providers:aws::aws::") {
			bad(r, "not created through the tagging provider")
		}
	}
	return out
}

func TestSecurityInvariants(t *testing.T) {
	for name, config := range invariantConfigs {
		t.Run(name, func(t *testing.T) {
			p := runPlan(t, config, nil)
			assert.Empty(t, violations(p, config["sshKeyName"] != ""))
		})
	}
}

// TestInvariantsCatchViolations breaks a plan on purpose: each break must be
// reported, naming the resource and the rule.
func TestInvariantsCatchViolations(t *testing.T) {
	p := runPlan(t, invariantConfigs["processor"], nil)
	breakInput := func(typ, name, key string, v resource.PropertyValue) {
		for i, r := range p.Resources {
			if r.Type == typ && r.Name == name {
				inputs := r.Inputs.Copy()
				inputs[resource.PropertyKey(key)] = v
				p.Resources[i].Inputs = inputs
			}
		}
	}
	breakInput("aws:dynamodb/table:Table", "push-tables-router", "serverSideEncryption",
		resource.NewObjectProperty(resource.PropertyMap{"enabled": resource.NewProperty(false)}))
	breakInput("aws:ec2/launchTemplate:LaunchTemplate", "push-endpoint", "metadataOptions",
		resource.NewObjectProperty(resource.PropertyMap{"httpTokens": resource.NewProperty("optional")}))
	breakInput("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "push-connection-router", "cidrIpv4",
		resource.NewProperty("0.0.0.0/0"))
	breakInput("aws:cloudwatch/logGroup:LogGroup", "push-processor-processor", "retentionInDays", resource.NewProperty(0.0))
	breakInput("aws:elasticache/replicationGroup:ReplicationGroup", "push-processor", "transitEncryptionEnabled", resource.NewProperty(false))
	breakInput("aws:ec2/launchTemplate:LaunchTemplate", "push-connection", "keyName", resource.NewProperty("ops"))

	got := violations(p, false)
	assert.ElementsMatch(t, []string{
		"aws:dynamodb/table:Table push-tables-router: encryption at rest is off",
		"aws:ec2/launchTemplate:LaunchTemplate push-endpoint: IMDSv2 is not required",
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule push-connection-router: port 8081 is open to the internet",
		"aws:cloudwatch/logGroup:LogGroup push-processor-processor: no retention: logs would be kept forever",
		"aws:elasticache/replicationGroup:ReplicationGroup push-processor: encryption at rest or in transit is off",
		"aws:ec2/launchTemplate:LaunchTemplate push-connection: has an SSH key pair although SSH is not configured",
	}, got)
}
