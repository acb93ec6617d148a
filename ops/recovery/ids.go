package recovery

import (
	"fmt"
	"strings"
)

// How the resource a dead `pulumi up` was creating is found, per type.
// The ID is the one the provider's Read takes (the resource's "id"
// attribute in terraform-provider-aws, which pulumi-aws bridges; the
// registry's "Import" section of each type names it):
//
//   - byInput: the ID is an input the program (or the provider's
//     autonaming, which the engine records before the create) chose, so
//     it is in the pending create; `pulumi refresh` then finds out whether
//     it exists.
//   - byTags: AWS chose the ID; the resource carries the stack's tags, so
//     the Resource Groups Tagging API lists it (its ARN's service and
//     resource type, then the ID from the ARN).
//   - nothing: the type makes nothing in the account, or nothing that
//     runs or costs on its own, so a pending create of it is dropped and
//     the next `pulumi up` makes it again.
//   - byHand: neither; the user looks it up with the command given, and
//     names it (-adopt) or says there is none (-forget).
type finder struct {
	// input gives the ID from the pending create's inputs ("" when they
	// lack it); nil for the other kinds.
	input func(in map[string]any, at target) string
	// service and resource select the type's ARNs
	// ("arn:<partition>:<service>:<region>:<account>:<resource>/...").
	service, resource string
	// wholeARN: the ID is the ARN itself (else its last "/" part).
	wholeARN bool
	// nothing says why nothing needs finding.
	nothing string
	// byHand is the command that shows the ID, for a type this cannot find.
	byHand string
}

// target is the account and region a stack deploys to.
type target struct{ partition, region, account string }

func field(name string) func(map[string]any, target) string {
	return func(in map[string]any, _ target) string { s, _ := in[name].(string); return s }
}

// arnOf builds an ID that is an ARN from a name input.
func arnOf(service, resource, name string) func(map[string]any, target) string {
	return func(in map[string]any, at target) string {
		n, _ := in[name].(string)
		if n == "" {
			return ""
		}
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s%s", at.partition, service, at.region, at.account, resource, n)
	}
}

func tagged(service, resource string) finder { return finder{service: service, resource: resource} }

func named(name string) finder { return finder{input: field(name)} }

// finders covers every resource type the program makes (TestEveryTypeHasAFinder).
var finders = map[string]finder{
	"aws:autoscaling/group:Group":                       named("name"),
	"aws:autoscaling/policy:Policy":                     named("name"),
	"aws:cloudwatch/dashboard:Dashboard":                named("dashboardName"),
	"aws:cloudwatch/logGroup:LogGroup":                  named("name"),
	"aws:cloudwatch/logMetricFilter:LogMetricFilter":    named("name"),
	"aws:cloudwatch/logStream:LogStream":                named("name"),
	"aws:cloudwatch/metricAlarm:MetricAlarm":            named("name"),
	"aws:dynamodb/table:Table":                          named("name"),
	"aws:elasticache/replicationGroup:ReplicationGroup": named("replicationGroupId"),
	"aws:elasticache/subnetGroup:SubnetGroup":           named("name"),
	"aws:iam/instanceProfile:InstanceProfile":           named("name"),
	"aws:iam/role:Role":                                 named("name"),
	// "<role>:<policy>" (terraform-provider-aws iam/role_policy.go).
	"aws:iam/rolePolicy:RolePolicy": {input: func(in map[string]any, _ target) string {
		role, _ := in["role"].(string)
		name, _ := in["name"].(string)
		if role == "" || name == "" {
			return ""
		}
		return role + ":" + name
	}},
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":                                  {input: arnOf("firehose", "deliverystream/", "name")},
	"aws:lambda/function:Function":                                                               named("name"),
	"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":                             named("functionName"),
	"aws:lambda/permission:Permission":                                                           named("statementId"),
	"aws:s3/bucketV2:BucketV2":                                                                   named("bucket"),
	"aws:s3/bucketNotification:BucketNotification":                                               named("bucket"),
	"aws:s3/bucketObjectv2:BucketObjectv2":                                                       named("key"),
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     named("bucket"),
	"aws:s3/bucketPolicy:BucketPolicy":                                                           named("bucket"),
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     named("bucket"),
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": named("bucket"),
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               named("bucket"),
	"aws:sns/topic:Topic":                                                                        {input: arnOf("sns", "", "name")},
	"aws:sqs/queue:Queue": {input: func(in map[string]any, at target) string {
		n, _ := in["name"].(string)
		if n == "" {
			return ""
		}
		return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", at.region, at.account, n)
	}},
	"aws:ssm/parameter:Parameter": named("name"),
	// "<zone>_<name>_<type>" (terraform-provider-aws route53/record.go).
	"aws:route53/record:Record": {input: func(in map[string]any, _ target) string {
		zone, _ := in["zoneId"].(string)
		name, _ := in["name"].(string)
		typ, _ := in["type"].(string)
		if zone == "" || name == "" || typ == "" {
			return ""
		}
		return zone + "_" + strings.ToLower(strings.TrimSuffix(name, ".")) + "_" + typ
	}},

	"aws:ec2/eip:Eip":                                           tagged("ec2", "elastic-ip"),
	"aws:ec2/instance:Instance":                                 tagged("ec2", "instance"),
	"aws:ec2/internetGateway:InternetGateway":                   tagged("ec2", "internet-gateway"),
	"aws:ec2/launchTemplate:LaunchTemplate":                     tagged("ec2", "launch-template"),
	"aws:ec2/natGateway:NatGateway":                             tagged("ec2", "natgateway"),
	"aws:ec2/networkInterface:NetworkInterface":                 tagged("ec2", "network-interface"),
	"aws:ec2/routeTable:RouteTable":                             tagged("ec2", "route-table"),
	"aws:ec2/securityGroup:SecurityGroup":                       tagged("ec2", "security-group"),
	"aws:ec2/subnet:Subnet":                                     tagged("ec2", "subnet"),
	"aws:ec2/vpc:Vpc":                                           tagged("ec2", "vpc"),
	"aws:ec2/vpcEndpoint:VpcEndpoint":                           tagged("ec2", "vpc-endpoint"),
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   tagged("ec2", "security-group-rule"),
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": tagged("ec2", "security-group-rule"),
	"aws:kms/key:Key":                                           tagged("kms", "key"),
	"aws:acm/certificate:Certificate":                           {service: "acm", resource: "certificate", wholeARN: true},
	"aws:lb/loadBalancer:LoadBalancer":                          {service: "elasticloadbalancing", resource: "loadbalancer", wholeARN: true},
	"aws:lb/targetGroup:TargetGroup":                            {service: "elasticloadbalancing", resource: "targetgroup", wholeARN: true},
	"aws:lb/listener:Listener":                                  {service: "elasticloadbalancing", resource: "listener", wholeARN: true},

	"aws:acm/certificateValidation:CertificateValidation": {nothing: "it only waits for the certificate's validation; nothing in the account"},
	// Not taggable, and AWS chose its ID: a leftover association would make
	// the next up's fail ("Resource.AlreadyAssociated").
	"aws:ec2/routeTableAssociation:RouteTableAssociation": {byHand: "aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<the subnetId of the pending create> --query 'RouteTables[].Associations[].RouteTableAssociationId'"},
	"aws:sns/topicSubscription:TopicSubscription":         {nothing: "a pending e-mail subscription costs nothing; AWS deletes an unconfirmed one after three days"},
	"random:index/randomBytes:RandomBytes":                {nothing: "its value exists only in the stack's state"},
	"random:index/randomPassword:RandomPassword":          {nothing: "its value exists only in the stack's state"},
}

// idFromARN is the ID of a resource found by its ARN.
func (f finder) idFromARN(arn string) string {
	if f.wholeARN {
		return arn
	}
	return arn[strings.LastIndex(arn, "/")+1:]
}

// matches reports whether arn is of the finder's service and resource type.
func (f finder) matches(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != f.service {
		return false
	}
	return strings.HasPrefix(parts[5], f.resource+"/")
}
