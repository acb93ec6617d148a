package fakeaws

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kinesis"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// inputTyper is a pulumi-aws or pulumi-random Args type: its ElementType is
// the plain struct whose `pulumi:"..."` tags are the provider's input
// names, with their Go types. That struct is generated from the provider's
// own schema, so checking inputs against it checks them against the real
// provider's names and types, not against our idea of them.
type inputTyper interface{ ElementType() reflect.Type }

// resourceInputs maps each resource type the fake providers model to its
// input struct. A type not listed here fails Check: a new resource in the
// program needs its rules (rules.go) before the engine test passes.
var resourceInputs = map[string]reflect.Type{
	"pulumi:providers:aws":    aws.ProviderArgs{}.ElementType(),
	"pulumi:providers:random": random.ProviderArgs{}.ElementType(),

	"random:index/randomBytes:RandomBytes":       random.RandomBytesArgs{}.ElementType(),
	"random:index/randomPassword:RandomPassword": random.RandomPasswordArgs{}.ElementType(),

	"aws:acm/certificate:Certificate":                                acm.CertificateArgs{}.ElementType(),
	"aws:acm/certificateValidation:CertificateValidation":            acm.CertificateValidationArgs{}.ElementType(),
	"aws:autoscaling/group:Group":                                    autoscaling.GroupArgs{}.ElementType(),
	"aws:autoscaling/policy:Policy":                                  autoscaling.PolicyArgs{}.ElementType(),
	"aws:cloudwatch/dashboard:Dashboard":                             cloudwatch.DashboardArgs{}.ElementType(),
	"aws:cloudwatch/logGroup:LogGroup":                               cloudwatch.LogGroupArgs{}.ElementType(),
	"aws:cloudwatch/logMetricFilter:LogMetricFilter":                 cloudwatch.LogMetricFilterArgs{}.ElementType(),
	"aws:cloudwatch/logStream:LogStream":                             cloudwatch.LogStreamArgs{}.ElementType(),
	"aws:cloudwatch/metricAlarm:MetricAlarm":                         cloudwatch.MetricAlarmArgs{}.ElementType(),
	"aws:dynamodb/table:Table":                                       dynamodb.TableArgs{}.ElementType(),
	"aws:ec2/eip:Eip":                                                ec2.EipArgs{}.ElementType(),
	"aws:ec2/instance:Instance":                                      ec2.InstanceArgs{}.ElementType(),
	"aws:ec2/internetGateway:InternetGateway":                        ec2.InternetGatewayArgs{}.ElementType(),
	"aws:ec2/launchTemplate:LaunchTemplate":                          ec2.LaunchTemplateArgs{}.ElementType(),
	"aws:ec2/natGateway:NatGateway":                                  ec2.NatGatewayArgs{}.ElementType(),
	"aws:ec2/networkInterface:NetworkInterface":                      ec2.NetworkInterfaceArgs{}.ElementType(),
	"aws:ec2/route:Route":                                            ec2.RouteArgs{}.ElementType(),
	"aws:ec2/routeTable:RouteTable":                                  ec2.RouteTableArgs{}.ElementType(),
	"aws:ec2/routeTableAssociation:RouteTableAssociation":            ec2.RouteTableAssociationArgs{}.ElementType(),
	"aws:ec2/securityGroup:SecurityGroup":                            ec2.SecurityGroupArgs{}.ElementType(),
	"aws:ec2/subnet:Subnet":                                          ec2.SubnetArgs{}.ElementType(),
	"aws:ec2/vpc:Vpc":                                                ec2.VpcArgs{}.ElementType(),
	"aws:ec2/vpcEndpoint:VpcEndpoint":                                ec2.VpcEndpointArgs{}.ElementType(),
	"aws:elasticache/replicationGroup:ReplicationGroup":              elasticache.ReplicationGroupArgs{}.ElementType(),
	"aws:elasticache/subnetGroup:SubnetGroup":                        elasticache.SubnetGroupArgs{}.ElementType(),
	"aws:iam/instanceProfile:InstanceProfile":                        iam.InstanceProfileArgs{}.ElementType(),
	"aws:iam/role:Role":                                              iam.RoleArgs{}.ElementType(),
	"aws:iam/rolePolicy:RolePolicy":                                  iam.RolePolicyArgs{}.ElementType(),
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":      kinesis.FirehoseDeliveryStreamArgs{}.ElementType(),
	"aws:kms/key:Key":                                                kms.KeyArgs{}.ElementType(),
	"aws:lambda/function:Function":                                   lambda.FunctionArgs{}.ElementType(),
	"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": lambda.FunctionEventInvokeConfigArgs{}.ElementType(),
	"aws:lambda/permission:Permission":                               lambda.PermissionArgs{}.ElementType(),
	"aws:lb/listener:Listener":                                       lb.ListenerArgs{}.ElementType(),
	"aws:lb/loadBalancer:LoadBalancer":                               lb.LoadBalancerArgs{}.ElementType(),
	"aws:lb/targetGroup:TargetGroup":                                 lb.TargetGroupArgs{}.ElementType(),
	"aws:route53/record:Record":                                      route53.RecordArgs{}.ElementType(),
	"aws:s3/bucketNotification:BucketNotification":                   s3.BucketNotificationArgs{}.ElementType(),
	"aws:s3/bucketObjectv2:BucketObjectv2":                           s3.BucketObjectv2Args{}.ElementType(),
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":         s3.BucketOwnershipControlsArgs{}.ElementType(),
	"aws:s3/bucketPolicy:BucketPolicy":                               s3.BucketPolicyArgs{}.ElementType(),
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":         s3.BucketPublicAccessBlockArgs{}.ElementType(),
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": s3.BucketServerSideEncryptionConfigurationV2Args{}.ElementType(),
	"aws:s3/bucketV2:BucketV2":                                  s3.BucketV2Args{}.ElementType(),
	"aws:s3/bucketVersioningV2:BucketVersioningV2":              s3.BucketVersioningV2Args{}.ElementType(),
	"aws:sns/topic:Topic":                                       sns.TopicArgs{}.ElementType(),
	"aws:sns/topicSubscription:TopicSubscription":               sns.TopicSubscriptionArgs{}.ElementType(),
	"aws:sqs/queue:Queue":                                       sqs.QueueArgs{}.ElementType(),
	"aws:ssm/parameter:Parameter":                               ssm.ParameterArgs{}.ElementType(),
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   vpc.SecurityGroupEgressRuleArgs{}.ElementType(),
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": vpc.SecurityGroupIngressRuleArgs{}.ElementType(),
}

// invokeArgs maps each invoke the fake AWS provider answers to the struct
// of its arguments (nil for an invoke without arguments).
var invokeArgs = map[string]reflect.Type{
	"aws:index/getAvailabilityZones:getAvailabilityZones":       reflect.TypeOf(aws.GetAvailabilityZonesArgs{}),
	"aws:index/getCallerIdentity:getCallerIdentity":             reflect.TypeOf(aws.GetCallerIdentityArgs{}),
	"aws:index/getPartition:getPartition":                       reflect.TypeOf(aws.GetPartitionArgs{}),
	"aws:index/getRegion:getRegion":                             reflect.TypeOf(aws.GetRegionArgs{}),
	"aws:dynamodb/getTables:getTables":                          nil,
	"aws:dynamodb/getTable:getTable":                            reflect.TypeOf(dynamodb.LookupTableArgs{}),
	"aws:ssm/getParameter:getParameter":                         reflect.TypeOf(ssm.LookupParameterArgs{}),
	"aws:ssm/getParametersByPath:getParametersByPath":           reflect.TypeOf(ssm.GetParametersByPathArgs{}),
	"aws:s3/getBucket:getBucket":                                reflect.TypeOf(s3.LookupBucketArgs{}),
	"aws:ec2/getSecurityGroup:getSecurityGroup":                 reflect.TypeOf(ec2.LookupSecurityGroupArgs{}),
	"aws:ec2/getVpcs:getVpcs":                                   reflect.TypeOf(ec2.GetVpcsArgs{}),
	"aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections": reflect.TypeOf(ec2.GetVpcPeeringConnectionsArgs{}),
}

var _ inputTyper = dynamodb.TableArgs{}

// checkInputs reports every input of props that the struct typ does not
// declare, or declares with another type, as "<path>: <problem>". Unknown
// values (computed during a preview) match any type; secrets are checked
// by their element. Keys starting with "__" are the engine's and the
// providers' own metadata and are not inputs.
func checkInputs(typ reflect.Type, props resource.PropertyMap) []string {
	var problems []string
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range props {
			if !yield(string(k)) {
				return
			}
		}
	}) {
		if strings.HasPrefix(key, "__") {
			continue
		}
		field, ok := fieldByTag(typ, key)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: not an input of this type", key))
			continue
		}
		problems = append(problems, checkValue(key, field, props[resource.PropertyKey(key)])...)
	}
	return problems
}

// fieldByTag finds the field of struct typ tagged `pulumi:"name"`.
func fieldByTag(typ reflect.Type, name string) (reflect.Type, bool) {
	for i := range typ.NumField() {
		f := typ.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); tag == name {
			return f.Type, true
		}
	}
	return nil, false
}

var (
	assetType          = reflect.TypeOf((*pulumi.Asset)(nil)).Elem()
	archiveType        = reflect.TypeOf((*pulumi.Archive)(nil)).Elem()
	assetOrArchiveType = reflect.TypeOf((*pulumi.AssetOrArchive)(nil)).Elem()
)

func checkValue(path string, typ reflect.Type, v resource.PropertyValue) []string {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsComputed() || v.IsOutput() || v.IsNull() {
		return nil
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	wrong := func(want string) []string {
		return []string{fmt.Sprintf("%s: want %s, got %s", path, want, v.TypeString())}
	}
	switch {
	case typ == assetOrArchiveType:
		if !v.IsAsset() && !v.IsArchive() {
			return wrong("an asset or archive")
		}
		return nil
	case typ == archiveType:
		if !v.IsArchive() {
			return wrong("an archive")
		}
		return nil
	case typ == assetType:
		if !v.IsAsset() {
			return wrong("an asset")
		}
		return nil
	}
	switch typ.Kind() {
	case reflect.String:
		if !v.IsString() {
			return wrong("a string")
		}
	case reflect.Bool:
		if !v.IsBool() {
			return wrong("a boolean")
		}
	case reflect.Int, reflect.Int64, reflect.Float64:
		if !v.IsNumber() {
			return wrong("a number")
		}
	case reflect.Slice:
		if !v.IsArray() {
			return wrong("a list")
		}
		var problems []string
		for i, item := range v.ArrayValue() {
			problems = append(problems, checkValue(fmt.Sprintf("%s[%d]", path, i), typ.Elem(), item)...)
		}
		return problems
	case reflect.Map:
		if !v.IsObject() {
			return wrong("a map")
		}
		var problems []string
		for k, item := range v.ObjectValue() {
			problems = append(problems, checkValue(path+"."+string(k), typ.Elem(), item)...)
		}
		return problems
	case reflect.Struct:
		if !v.IsObject() {
			return wrong("an object")
		}
		var problems []string
		for _, p := range checkInputs(typ, v.ObjectValue()) {
			problems = append(problems, path+"."+p)
		}
		return problems
	case reflect.Interface:
		return nil // an untyped input (interface{}): any value
	default:
		return []string{fmt.Sprintf("%s: the fake provider cannot check Go type %s", path, typ)}
	}
	return nil
}
