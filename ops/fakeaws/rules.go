package fakeaws

// The facts below are those of pulumi-aws v6.83.x, which bridges the
// Terraform AWS provider v5: ReplaceOnChanges lists the inputs whose schema
// says ForceNew (RequiresReplace for the plugin-framework resources), under
// their Pulumi names. Replacements that Terraform decides case by case in a
// CustomizeDiff (ForceNewIf) are left out unless the comment says otherwise,
// since the fake can only compare old and new values. A nested path under a
// block stands for the block too: adding or removing the block changes it.
//
// AutoName follows pulumi-aws provider/resources.go: every resource with a
// Terraform "name" input is autonamed with at most 255 characters unless the
// provider overrides it (Role 64, Function 64, TargetGroup 32, Queue and
// Topic 80, ReplicationGroup 40, BucketV2 63, Permission statementId 100).
// The lower-casing some of them apply (BucketV2, ReplicationGroup) is not
// modelled.

// rules maps each pulumi-aws resource type token the program uses to what the fake provider knows of it.
var rules = map[string]TypeRule{
	"aws:acm/certificate:Certificate": {
		ReplaceOnChanges: []string{"certificateAuthorityArn", "domainName", "keyAlgorithm", "subjectAlternativeNames", "validationMethod", "validationOptions"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/acm/certificate/",
	},
	"aws:acm/certificateValidation:CertificateValidation": {
		ReplaceOnChanges: []string{"certificateArn", "validationRecordFqdns"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/acm/certificatevalidation/",
	},
	"aws:autoscaling/group:Group": {
		// Everything else, launchTemplate and vpcZoneIdentifiers included,
		// goes through UpdateAutoScalingGroup.
		ReplaceOnChanges:  []string{"initialLifecycleHooks", "name", "namePrefix"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/autoscaling/group/",
	},
	"aws:autoscaling/policy:Policy": {
		// PutScalingPolicy updates in place, targetTrackingConfiguration
		// included. The name is unique only within its group.
		ReplaceOnChanges:  []string{"autoscalingGroupName", "name"},
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/autoscaling/policy/",
	},
	"aws:cloudwatch/dashboard:Dashboard": {
		ReplaceOnChanges: []string{"dashboardName"},
		// PutDashboard overwrites a dashboard of the same name rather than
		// failing; the fake reports the clash, which would otherwise be a
		// silent takeover.
		PhysicalName: "dashboardName",
		Doc:          "https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/dashboard/",
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		ReplaceOnChanges:  []string{"logGroupClass", "name", "namePrefix"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/loggroup/",
	},
	"aws:cloudwatch/logMetricFilter:LogMetricFilter": {
		// PutMetricFilter updates a filter of the same name in place; the
		// name is unique within its log group.
		ReplaceOnChanges: []string{"logGroupName", "name"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/logmetricfilter/",
	},
	"aws:cloudwatch/logStream:LogStream": {
		ReplaceOnChanges: []string{"logGroupName", "name"},
		// A stream name is unique only within its log group.
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/logstream/",
	},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {
		// Terraform alarm_name; every other input goes through PutMetricAlarm.
		ReplaceOnChanges: []string{"name"},
		// PutMetricAlarm overwrites an alarm of the same name; the fake
		// reports the clash instead, as for Dashboard.
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/metricalarm/",
	},
	"aws:dynamodb/table:Table": {
		// restoreSourceName and restoreSourceTableArn force a new table
		// through ForceNewIfChange, unless the new value is empty.
		ReplaceOnChanges:  []string{"hashKey", "localSecondaryIndexes", "name", "rangeKey", "restoreDateTime", "restoreSourceName", "restoreSourceTableArn", "restoreToLatestTime"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/dynamodb/table/",
	},
	"aws:ec2/eip:Eip": {
		// networkInterface and instance are (re)associated in place; vpc is
		// the deprecated v5 twin of domain.
		ReplaceOnChanges: []string{"address", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool", "vpc"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/eip/",
	},
	"aws:ec2/instance:Instance": {
		// launchTemplate.version replaces only when it resolves to another
		// version than the instance runs (CustomizeDiff); instanceType only
		// when the architecture changes; userData only with
		// userDataReplaceOnChange; enablePrimaryIpv6 only when disabled.
		ReplaceOnChanges: []string{
			"ami", "associatePublicIpAddress", "availabilityZone", "cpuCoreCount", "cpuThreadsPerCore",
			"ebsOptimized", "ephemeralBlockDevices", "hibernation", "hostId", "instanceMarketOptions",
			"ipv6Addresses", "keyName", "launchTemplate.id", "launchTemplate.name",
			"networkInterfaces.deleteOnTermination", "networkInterfaces.deviceIndex",
			"networkInterfaces.networkCardIndex", "networkInterfaces.networkInterfaceId",
			"placementGroup", "placementPartitionNumber", "privateDnsNameOptions", "privateIp",
			"securityGroups", "subnetId", "tenancy",
		},
		Doc: "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/instance/",
	},
	"aws:ec2/internetGateway:InternetGateway": {
		// vpcId is attached and detached in place.
		Doc: "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/internetgateway/",
	},
	"aws:ec2/launchTemplate:LaunchTemplate": {
		// Any other change makes a new version of the same template.
		ReplaceOnChanges:  []string{"name", "namePrefix"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/launchtemplate/",
	},
	"aws:ec2/natGateway:NatGateway": {
		ReplaceOnChanges: []string{"allocationId", "connectivityType", "privateIp", "secondaryPrivateIpAddressCount", "subnetId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/natgateway/",
	},
	"aws:ec2/networkInterface:NetworkInterface": {
		// A new primary private IP (privateIps, privateIpList) replaces it
		// too, through CustomizeDiff.
		ReplaceOnChanges: []string{"interfaceType", "subnetId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/networkinterface/",
	},
	"aws:ec2/route:Route": {
		// The target (gatewayId, natGatewayId, ...) is changed by ReplaceRoute.
		ReplaceOnChanges: []string{"destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId", "routeTableId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/route/",
	},
	"aws:ec2/routeTable:RouteTable": {
		ReplaceOnChanges: []string{"vpcId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/routetable/",
	},
	"aws:ec2/routeTableAssociation:RouteTableAssociation": {
		// routeTableId changes through ReplaceRouteTableAssociation.
		ReplaceOnChanges: []string{"gatewayId", "subnetId"},
		// A subnet has at most one route table association: a second one
		// fails with Resource.AlreadyAssociated.
		PhysicalName: "subnetId",
		Doc:          "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/routetableassociation/",
	},
	"aws:ec2/securityGroup:SecurityGroup": {
		ReplaceOnChanges: []string{"description", "name", "namePrefix", "vpcId"},
		// Unique per VPC (InvalidGroup.Duplicate); per account is close enough.
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/securitygroup/",
	},
	"aws:ec2/subnet:Subnet": {
		ReplaceOnChanges: []string{"availabilityZone", "availabilityZoneId", "cidrBlock", "ipv6Native", "outpostArn", "vpcId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/subnet/",
	},
	"aws:ec2/vpc:Vpc": {
		ReplaceOnChanges: []string{"cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/vpc/",
	},
	"aws:ec2/vpcEndpoint:VpcEndpoint": {
		// routeTableIds are added and removed in place; privateDnsEnabled
		// replaces non-Interface endpoints only (CustomizeDiff).
		ReplaceOnChanges: []string{"resourceConfigurationArn", "serviceName", "serviceNetworkArn", "serviceRegion", "vpcEndpointType", "vpcId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/ec2/vpcendpoint/",
	},
	"aws:elasticache/replicationGroup:ReplicationGroup": {
		// authToken, engineVersion, nodeType, numCacheClusters, securityGroupIds
		// and transitEncryptionEnabled are modified in place; engine and
		// engineVersion replace only on a downgrade (CustomizeDiff).
		ReplaceOnChanges: []string{
			"atRestEncryptionEnabled", "dataTieringEnabled", "globalReplicationGroupId", "kmsKeyId",
			"networkType", "port", "replicationGroupId", "securityGroupNames", "snapshotArns",
			"snapshotName", "subnetGroupName",
		},
		PhysicalName:      "replicationGroupId",
		AutoName:          "replicationGroupId",
		AutoNameMaxLength: 40,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/elasticache/replicationgroup/",
	},
	"aws:elasticache/subnetGroup:SubnetGroup": {
		// description and subnetIds go through ModifyCacheSubnetGroup.
		ReplaceOnChanges:  []string{"name"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/elasticache/subnetgroup/",
	},
	"aws:iam/instanceProfile:InstanceProfile": {
		// role is removed from and added to the profile in place.
		ReplaceOnChanges:  []string{"name", "namePrefix", "path"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/iam/instanceprofile/",
	},
	"aws:iam/role:Role": {
		ReplaceOnChanges:  []string{"name", "namePrefix", "path"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 64,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/iam/role/",
	},
	"aws:iam/rolePolicy:RolePolicy": {
		ReplaceOnChanges: []string{"name", "namePrefix", "role"},
		// The name is unique only within its role, and PutRolePolicy
		// overwrites.
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/iam/rolepolicy/",
	},
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
		// Nothing under extendedS3Configuration or serverSideEncryption forces
		// a new stream (UpdateDestination, Start/StopDeliveryStreamEncryption).
		ReplaceOnChanges:  []string{"destination", "kinesisSourceConfiguration", "mskSourceConfiguration", "name"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/kinesis/firehosedeliverystream/",
	},
	"aws:kms/key:Key": {
		// description, policy, enableKeyRotation and deletionWindowInDays
		// are updatable.
		ReplaceOnChanges: []string{"customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/kms/key/",
	},
	"aws:lambda/function:Function": {
		// Terraform function_name. Code, configuration and vpcConfig are
		// all updated in place.
		ReplaceOnChanges:  []string{"name", "packageType"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 64,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/lambda/function/",
	},
	"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
		ReplaceOnChanges: []string{"functionName", "qualifier"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/lambda/functioneventinvokeconfig/",
	},
	"aws:lambda/permission:Permission": {
		// The resource has no update: every input forces a new statement.
		ReplaceOnChanges: []string{
			"action", "eventSourceToken", "function", "functionUrlAuthType", "principal", "principalOrgId",
			"qualifier", "sourceAccount", "sourceArn", "statementId", "statementIdPrefix",
		},
		// statementId is unique only within its function's policy.
		AutoName:          "statementId",
		AutoNameMaxLength: 100,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/lambda/permission/",
	},
	"aws:lb/listener:Listener": {
		// The port is unique only per load balancer (DuplicateListener).
		ReplaceOnChanges: []string{"loadBalancerArn"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/lb/listener/",
	},
	"aws:lb/loadBalancer:LoadBalancer": {
		// securityGroups and subnets replace a network or gateway load
		// balancer in some cases only (CustomizeDiff); an application load
		// balancer updates them in place.
		ReplaceOnChanges: []string{"customerOwnedIpv4Pool", "internal", "loadBalancerType", "name", "namePrefix"},
		PhysicalName:     "name",
		// resources.go has no override for aws_lb, so the default 255 holds
		// although AWS refuses names over 32 characters.
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/lb/loadbalancer/",
	},
	"aws:lb/targetGroup:TargetGroup": {
		// healthCheck and deregistrationDelay are modified in place.
		ReplaceOnChanges:  []string{"ipAddressType", "name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 32,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/lb/targetgroup/",
	},
	"aws:route53/record:Record": {
		// type and setIdentifier changes are applied as one change batch.
		// A record is identified by zone, name, type and setIdentifier
		// together, and pulumi-aws does not autoname it.
		ReplaceOnChanges: []string{"name", "zoneId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/route53/record/",
	},
	"aws:s3/bucketNotification:BucketNotification": {
		ReplaceOnChanges: []string{"bucket"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketnotification/",
	},
	"aws:s3/bucketObjectv2:BucketObjectv2": {
		// key is unique only within its bucket and PutObject overwrites.
		// pulumi-aws defaults key to the logical name with no random
		// suffix, which AutoName cannot express.
		ReplaceOnChanges: []string{"bucket", "key"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketobjectv2/",
	},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
		// Created by a Put* call that replaces the bucket's setting (S3 API
		// reference: "creates or modifies"/"replaces"), never "already exists".
		Upsert:           true,
		ReplaceOnChanges: []string{"bucket"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketownershipcontrols/",
	},
	"aws:s3/bucketPolicy:BucketPolicy": {
		// Created by a Put* call that replaces the bucket's setting (S3 API
		// reference: "creates or modifies"/"replaces"), never "already exists".
		Upsert:           true,
		ReplaceOnChanges: []string{"bucket"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketpolicy/",
	},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
		// Created by a Put* call that replaces the bucket's setting (S3 API
		// reference: "creates or modifies"/"replaces"), never "already exists".
		Upsert:           true,
		ReplaceOnChanges: []string{"bucket"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketpublicaccessblock/",
	},
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {
		// Created by a Put* call that replaces the bucket's setting (S3 API
		// reference: "creates or modifies"/"replaces"), never "already exists".
		Upsert:           true,
		ReplaceOnChanges: []string{"bucket", "expectedBucketOwner"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketserversideencryptionconfigurationv2/",
	},
	"aws:s3/bucketV2:BucketV2": {
		ReplaceOnChanges:  []string{"bucket", "bucketPrefix", "objectLockEnabled"},
		PhysicalName:      "bucket",
		AutoName:          "bucket",
		AutoNameMaxLength: 63,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketv2/",
	},
	"aws:s3/bucketVersioningV2:BucketVersioningV2": {
		// Created by a Put* call that replaces the bucket's setting (S3 API
		// reference: "creates or modifies"/"replaces"), never "already exists".
		Upsert:           true,
		ReplaceOnChanges: []string{"bucket", "expectedBucketOwner"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketversioningv2/",
	},
	"aws:sns/topic:Topic": {
		// kmsMasterKeyId is a topic attribute, set in place.
		ReplaceOnChanges: []string{"fifoTopic", "name", "namePrefix"},
		// CreateTopic returns the existing topic for a known name; the fake
		// reports the clash instead.
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 80,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/sns/topic/",
	},
	"aws:sns/topicSubscription:TopicSubscription": {
		ReplaceOnChanges: []string{"endpoint", "protocol", "topic"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/sns/topicsubscription/",
	},
	"aws:sqs/queue:Queue": {
		ReplaceOnChanges:  []string{"fifoQueue", "name", "namePrefix"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 80,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/sqs/queue/",
	},
	"aws:ssm/parameter:Parameter": {
		// type and value are overwritten in place; tier replaces only on a
		// downgrade from Advanced to Standard (CustomizeDiff).
		ReplaceOnChanges:  []string{"dataType", "name"},
		PhysicalName:      "name",
		AutoName:          "name",
		AutoNameMaxLength: 255,
		Doc:               "https://www.pulumi.com/registry/packages/aws/api-docs/ssm/parameter/",
	},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
		// Ports, protocol and peer go through ModifySecurityGroupRules; only
		// a switch between peer kinds (cidrIpv4, prefixListId,
		// referencedSecurityGroupId, ...) replaces the rule (ModifyPlan).
		ReplaceOnChanges: []string{"securityGroupId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/vpc/securitygroupegressrule/",
	},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
		// As for SecurityGroupEgressRule.
		ReplaceOnChanges: []string{"securityGroupId"},
		Doc:              "https://www.pulumi.com/registry/packages/aws/api-docs/vpc/securitygroupingressrule/",
	},
}
