package components

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	// RedisPort is the port of the processor tier's Redis.
	RedisPort = 6379
	// RedisEngineVersion is the Redis OSS version of the replication group.
	RedisEngineVersion = "7.1"
	// RedisAuthTokenLength is the AUTH token length; ElastiCache takes 16
	// to 128 printable characters.
	RedisAuthTokenLength = 64
	// ProcessorTimeoutSeconds bounds one invocation: a 64 MiB object takes
	// a few seconds (see the README's benchmark).
	ProcessorTimeoutSeconds = 300
	// ProcessorMemoryMiB is the Lambda's memory, which also sets its CPU.
	ProcessorMemoryMiB = 512
	// ProcessorRetries is how often Lambda retries a failed event before
	// it goes to the dead-letter queue.
	ProcessorRetries = 2
	// SettingsObjectKey is the processor settings object in the log bucket
	// (processor.SettingsKey), outside LogObjectPrefix.
	SettingsObjectKey = "processor_settings.json"
	// ArtifactPrefix is where the Messages API binary is delivered in the
	// log bucket, outside LogObjectPrefix, as ArtifactPrefix + its source
	// key (artifact.SourceKey).
	ArtifactPrefix = "artifacts/messages-api/"
	// ProcessorArtifactPrefix is where the processor's Lambda zip is
	// delivered, as ProcessorArtifactPrefix + its source key + ".zip".
	ProcessorArtifactPrefix = "artifacts/processor/"
)

// ProcessorTier is the Push Messages pipeline: log objects in S3 trigger the
// processor Lambda, which keeps recent messages per registered VAPID key in
// ElastiCache Redis; the Messages API instance serves them. The push
// messages table (the durable list of keys) is retained on delete; so is
// the Redis auth token's value in the stack state (its SSM parameter and
// Redis itself are not: Redis is a cache).
type ProcessorTier struct {
	pulumi.ResourceState

	FunctionName          pulumi.StringOutput `pulumi:"functionName"`
	FailedEventsQueueURL  pulumi.StringOutput `pulumi:"failedEventsQueueUrl"`
	FailedEventsQueueName pulumi.StringOutput `pulumi:"failedEventsQueueName"`
	MessagesTableName     pulumi.StringOutput `pulumi:"messagesTableName"`
	RedisEndpoint         pulumi.StringOutput `pulumi:"redisEndpoint"` // "host:port"
	// RedisNodeID is the Redis node's cache cluster ID (its metrics'
	// CacheClusterId).
	RedisNodeID          pulumi.StringOutput `pulumi:"redisNodeId"`
	MessagesAPIPrivateIP pulumi.StringOutput `pulumi:"messagesApiPrivateIp"`
	MessagesAPIURL       pulumi.StringOutput `pulumi:"messagesApiUrl"`
	// DashboardTunnel is the command that brings the developer dashboard
	// to a laptop outside the VPC: a Session Manager port forwarding
	// session to the instance (the AWS CLI with its Session Manager
	// plugin).
	DashboardTunnel pulumi.StringOutput `pulumi:"dashboardTunnel"`
}

// ProcessorTierArgs wires the tier to the network and the log bucket.
type ProcessorTierArgs struct {
	VpcID            pulumi.StringInput
	VpcCidr          string
	PrivateSubnetIDs pulumi.StringArrayInput
	// PublicSubnetID holds the Messages API instance: it reaches SSM and S3
	// over the internet gateway of CoreNetwork (attached before the
	// instance's address); its security group admits only the allowed
	// sources.
	PublicSubnetID                       pulumi.StringInput
	CoreNetwork                          pulumi.Resource
	S3PrefixListID, DynamoDBPrefixListID pulumi.StringInput

	LogBucketName, LogBucketArn pulumi.StringInput

	MessagesTableName  string
	DeletionProtection bool
	// Adopt imports the push messages table an earlier stack retained.
	Adopt         bool
	RedisNodeType string
	// AuthTokenParameterName is the SSM parameter for the Redis auth token.
	AuthTokenParameterName string

	FunctionName string
	// ProcessorZip is the Lambda zip; ProcessorSourceKey the source key of
	// its program (artifact.SourceKey), which names its object.
	ProcessorZip, ProcessorSourceKey string

	// APIBinary is the messages-api build; APIBinarySourceKey the source
	// key of its program, which names its object; APIBinarySHA256 the
	// build's hex digest, which the instance checks the download against.
	APIBinary, APIBinarySourceKey, APIBinarySHA256 string
	APIInstanceType                                string
	APIArm64                                       bool
	APIAllowedCIDRs                                []string
	APIAllowedSecurityGroup                        string
	// Logs are the settings of the tier's log groups: the Lambda's and
	// APILogGroupName, where the Messages API's output goes.
	Logs            LogSettings
	APILogGroupName string
	// AlarmNamePrefix is the alarms' NamePrefix (AlarmsArgs): the API
	// reads the states of FormatDriftAlarms and PipelineAlarms for the
	// dashboard, and may read nothing else.
	AlarmNamePrefix string
	// APIWait, when set, waits for a new Messages API instance to serve
	// (an after-create hook), so that `pulumi up` ends with the dashboard
	// reachable; it fails the up, saying where to look, when the API never
	// serves. An interface, not an input: the hook calls the AWS API.
	APIWait *APIWait

	Partition, Region, AccountID string
}

// DashboardLocalPort is the laptop's port of the dashboard's tunnel: not
// 8080, which many local servers use, since a page served later on the same
// origin in the same tab could read the proofs the dashboard keeps there.
const DashboardLocalPort = 18080

// NewProcessorTier registers the tier.
func NewProcessorTier(ctx *pulumi.Context, name string, args *ProcessorTierArgs, opts ...pulumi.ResourceOption) (*ProcessorTier, error) {
	t := &ProcessorTier{}
	if err := ctx.RegisterComponentResource(Project+":processor:ProcessorTier", name, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)

	groups, err := newProcessorSecurityGroups(ctx, name, args, parent)
	if err != nil {
		return nil, err
	}
	table, err := newRetainedTable(ctx, name+"-messages", tableSpec{
		name: args.MessagesTableName, hashKey: "public_key",
		deletionProtection: pulumi.Bool(args.DeletionProtection), adopt: args.Adopt,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("push messages table: %w", err)
	}
	redis, err := newRedis(ctx, name, args, groups.redis, parent)
	if err != nil {
		return nil, err
	}
	fn, queue, err := newProcessorFunction(ctx, name, args, groups.processor, table, redis, parent)
	if err != nil {
		return nil, err
	}
	eni, instance, err := newMessagesAPI(ctx, name+"-api", args, groups.api, table, redis, parent)
	if err != nil {
		return nil, err
	}

	t.FunctionName = fn.Name
	t.FailedEventsQueueURL = queue.Url
	t.FailedEventsQueueName = queue.Name
	t.MessagesTableName = table.Name
	t.RedisEndpoint = redis.endpoint
	t.RedisNodeID = redis.nodeID
	t.MessagesAPIPrivateIP = eni.PrivateIp
	t.MessagesAPIURL = pulumi.Sprintf("http://%s:%d/", eni.PrivateIp, MessagesAPIPort)
	t.DashboardTunnel = pulumi.Sprintf("aws ssm start-session --region %s --target %s --document-name AWS-StartPortForwardingSession "+
		"--parameters portNumber=%d,localPortNumber=%d", args.Region, instance.ID(), MessagesAPIPort, DashboardLocalPort)
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{
		"functionName":          t.FunctionName,
		"failedEventsQueueUrl":  t.FailedEventsQueueURL,
		"failedEventsQueueName": t.FailedEventsQueueName,
		"messagesTableName":     t.MessagesTableName,
		"redisEndpoint":         t.RedisEndpoint,
		"redisNodeId":           t.RedisNodeID,
		"messagesApiPrivateIp":  t.MessagesAPIPrivateIP,
		"messagesApiUrl":        t.MessagesAPIURL,
		"dashboardTunnel":       t.DashboardTunnel,
	})
}

type processorGroups struct{ redis, processor, api *ec2.SecurityGroup }

// newProcessorSecurityGroups: Redis admits 6379 from the processor and the
// API only; the processor may reach Redis and, on 443, S3 and DynamoDB
// through their gateway endpoints; the API admits its port from the
// allowed sources (the stack's VPC by default) and reaches out freely.
func newProcessorSecurityGroups(ctx *pulumi.Context, name string, args *ProcessorTierArgs, parent pulumi.ResourceOption) (*processorGroups, error) {
	var g processorGroups
	var err error
	for _, sg := range []struct {
		target      **ec2.SecurityGroup
		suffix, why string
	}{
		{&g.redis, "redis", "Processor tier Redis"},
		{&g.processor, "processor", "Log processor Lambda"},
		{&g.api, "api", "Push Messages API"},
	} {
		if *sg.target, err = ec2.NewSecurityGroup(ctx, name+"-"+sg.suffix, &ec2.SecurityGroupArgs{
			VpcId: args.VpcID, Description: pulumi.String(sg.why),
		}, parent); err != nil {
			return nil, fmt.Errorf("security group %s: %w", sg.suffix, err)
		}
	}

	type rule struct {
		name     string
		group    *ec2.SecurityGroup
		egress   bool
		protocol string
		port     int
		cidr     string
		source   pulumi.StringInput // a group or prefix list id
		prefix   bool               // source is a prefix list
	}
	rules := []rule{
		{"redis-from-processor", g.redis, false, "tcp", RedisPort, "", g.processor.ID(), false},
		{"redis-from-api", g.redis, false, "tcp", RedisPort, "", g.api.ID(), false},
		{"processor-to-redis", g.processor, true, "tcp", RedisPort, "", g.redis.ID(), false},
		{"processor-to-s3", g.processor, true, "tcp", 443, "", args.S3PrefixListID, true},
		{"processor-to-dynamodb", g.processor, true, "tcp", 443, "", args.DynamoDBPrefixListID, true},
		{"api-egress", g.api, true, "-1", 0, "0.0.0.0/0", nil, false},
	}
	allowed := args.APIAllowedCIDRs
	if len(allowed) == 0 && args.APIAllowedSecurityGroup == "" {
		allowed = []string{args.VpcCidr}
	}
	for i, cidr := range allowed {
		rules = append(rules, rule{fmt.Sprintf("api-from-cidr-%d", i+1), g.api, false, "tcp", MessagesAPIPort, cidr, nil, false})
	}
	if args.APIAllowedSecurityGroup != "" {
		rules = append(rules, rule{"api-from-group", g.api, false, "tcp", MessagesAPIPort, "", pulumi.String(args.APIAllowedSecurityGroup), false})
	}
	for _, r := range rules {
		var port pulumi.IntPtrInput
		if r.protocol != "-1" {
			port = pulumi.Int(r.port)
		}
		var cidr, group, prefixList pulumi.StringPtrInput
		switch {
		case r.cidr != "":
			cidr = pulumi.String(r.cidr)
		case r.prefix:
			prefixList = r.source
		default:
			group = r.source
		}
		if r.egress {
			_, err = vpc.NewSecurityGroupEgressRule(ctx, name+"-"+r.name, &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId: r.group.ID(), IpProtocol: pulumi.String(r.protocol), FromPort: port, ToPort: port,
				CidrIpv4: cidr, ReferencedSecurityGroupId: group, PrefixListId: prefixList,
			}, parent)
		} else {
			_, err = vpc.NewSecurityGroupIngressRule(ctx, name+"-"+r.name, &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: r.group.ID(), IpProtocol: pulumi.String(r.protocol), FromPort: port, ToPort: port,
				CidrIpv4: cidr, ReferencedSecurityGroupId: group, PrefixListId: prefixList,
			}, parent)
		}
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.name, err)
		}
	}
	return &g, nil
}

type redisCluster struct {
	nodeID            pulumi.StringOutput
	endpoint          pulumi.StringOutput // "host:port"
	token             pulumi.StringOutput // secret
	tokenParameterArn pulumi.StringOutput
}

// newRedis registers the auth token (kept in an SSM SecureString parameter
// for the API; not retained: a random resource keeps nothing in the
// account) and a one-node Redis replication group in the private subnets,
// encrypted at rest and in transit.
func newRedis(ctx *pulumi.Context, name string, args *ProcessorTierArgs, group *ec2.SecurityGroup, parent pulumi.ResourceOption) (*redisCluster, error) {
	token, err := random.NewRandomPassword(ctx, name+"-redis-auth", &random.RandomPasswordArgs{
		Length:  pulumi.Int(RedisAuthTokenLength),
		Special: pulumi.Bool(false), // ElastiCache refuses some punctuation
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("redis auth token: %w", err)
	}
	secret := pulumi.ToSecret(token.Result).(pulumi.StringOutput)
	param, err := ssm.NewParameter(ctx, name+"-redis-auth", &ssm.ParameterArgs{
		Name:        pulumi.String(args.AuthTokenParameterName),
		Type:        pulumi.String("SecureString"),
		Value:       secret,
		Description: pulumi.String("AUTH token of the processor tier's Redis"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("redis auth token parameter: %w", err)
	}
	subnets, err := elasticache.NewSubnetGroup(ctx, name, &elasticache.SubnetGroupArgs{
		Description: pulumi.String("Processor tier private subnets"),
		SubnetIds:   args.PrivateSubnetIDs,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("redis subnet group: %w", err)
	}
	rg, err := elasticache.NewReplicationGroup(ctx, name, &elasticache.ReplicationGroupArgs{
		Description:              pulumi.String("push-turnkey recent messages per VAPID key"),
		Engine:                   pulumi.String("redis"),
		EngineVersion:            pulumi.String(RedisEngineVersion),
		NodeType:                 pulumi.String(args.RedisNodeType),
		NumCacheClusters:         pulumi.Int(1),
		Port:                     pulumi.Int(RedisPort),
		SubnetGroupName:          subnets.Name,
		SecurityGroupIds:         pulumi.StringArray{group.ID()},
		AtRestEncryptionEnabled:  pulumi.Bool(true),
		TransitEncryptionEnabled: pulumi.Bool(true),
		AuthToken:                secret,
		AutoMinorVersionUpgrade:  pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	return &redisCluster{
		// The group's one node, the CacheClusterId of its metrics.
		nodeID: rg.MemberClusters.ApplyT(func(ids []string) (string, error) {
			if len(ids) == 0 {
				return "", fmt.Errorf("redis %s: no member clusters", name)
			}
			return ids[0], nil
		}).(pulumi.StringOutput),
		endpoint:          pulumi.Sprintf("%s:%d", rg.PrimaryEndpointAddress, RedisPort),
		token:             secret,
		tokenParameterArn: param.Arn,
	}, nil
}

// newProcessorFunction registers the processor Lambda in the private
// subnets, its log group, its dead-letter queue for failed events, its role,
// the settings object, and the bucket notification with its permission.
func newProcessorFunction(ctx *pulumi.Context, name string, args *ProcessorTierArgs, group *ec2.SecurityGroup,
	table *dynamodb.Table, redis *redisCluster, parent pulumi.ResourceOption) (*lambda.Function, *sqs.Queue, error) {
	logGroup, err := newLogGroup(ctx, name+"-processor", "/aws/lambda/"+args.FunctionName, args.Logs, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("processor: %w", err)
	}
	queue, err := sqs.NewQueue(ctx, name+"-failed-events", &sqs.QueueArgs{
		SqsManagedSseEnabled:    pulumi.Bool(true),
		MessageRetentionSeconds: pulumi.Int(14 * 24 * 3600), // the SQS maximum
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("failed events queue: %w", err)
	}
	role, rolePolicy, err := newServiceRole(ctx, name+"-processor", "lambda.amazonaws.com", "",
		processorPolicy(args, table, logGroup, queue), parent)
	if err != nil {
		return nil, nil, err
	}
	content, settings, err := newProcessorSettings(ctx, name, args, table, redis, parent)
	if err != nil {
		return nil, nil, err
	}
	code, err := newArtifactObject(ctx, name+"-code", args.LogBucketName,
		ProcessorArtifactPrefix+args.ProcessorSourceKey+".zip", pulumi.NewFileAsset(args.ProcessorZip), nil, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("processor code: %w", err)
	}
	fn, err := newProcessorLambda(ctx, name, args, lambdaParts{group: group, role: role, code: code, logGroup: logGroup,
		token: redis.token, settings: content}, parent, pulumi.DependsOn([]pulumi.Resource{rolePolicy, logGroup, settings}))
	if err != nil {
		return nil, nil, err
	}
	if err := newProcessorTrigger(ctx, name, args, fn, queue, parent); err != nil {
		return nil, nil, err
	}
	return fn, queue, nil
}

// processorPolicy is what the Lambda may do: read log objects and its
// settings, read registered keys, write its logs and failed events, and
// manage its network interfaces.
func processorPolicy(args *ProcessorTierArgs, table *dynamodb.Table, logGroup *cloudwatch.LogGroup, queue *sqs.Queue) pulumi.StringOutput {
	return pulumi.All(args.LogBucketArn, table.Arn, logGroup.Arn, queue.Arn).ApplyT(func(v []interface{}) string {
		bucket, tableArn, groupArn, queueArn := v[0].(string), v[1].(string), v[2].(string), v[3].(string)
		return PolicyDocument(
			Statement{Sid: "ReadLogObjects", Effect: "Allow", Action: []string{"s3:GetObject"},
				Resource: []string{bucket + "/" + LogObjectPrefix + "*", bucket + "/" + SettingsObjectKey}},
			Statement{Sid: "RegisteredKeys", Effect: "Allow", Action: []string{"dynamodb:GetItem", "dynamodb:Scan"},
				Resource: []string{tableArn}},
			Statement{Sid: "Logs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"},
				Resource: []string{groupArn + ":log-stream:*"}},
			Statement{Sid: "FailedEvents", Effect: "Allow", Action: []string{"sqs:SendMessage"}, Resource: []string{queueArn}},
			Statement{
				// The network-interface actions of a Lambda in a VPC (those of
				// AWSLambdaVPCAccessExecutionRole) have no resource types.
				Sid:    "VpcNetworkInterfaces",
				Effect: "Allow",
				Action: []string{
					"ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
					"ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses",
				},
				Resource: []string{"*"},
			},
		)
	}).(pulumi.StringOutput)
}

// newProcessorSettings writes the settings object the Lambda reads, and
// returns its content.
func newProcessorSettings(ctx *pulumi.Context, name string, args *ProcessorTierArgs, table *dynamodb.Table,
	redis *redisCluster, parent pulumi.ResourceOption) (pulumi.StringOutput, *s3.BucketObjectv2, error) {
	content := pulumi.All(redis.endpoint, table.Name).ApplyT(func(v []interface{}) (string, error) {
		data, err := json.Marshal(map[string]interface{}{
			"redis_address": v[0], "redis_tls": true, "table": v[1], "log_prefix": LogObjectPrefix,
		})
		return string(data), err
	}).(pulumi.StringOutput)
	settings, err := s3.NewBucketObjectv2(ctx, name+"-settings", &s3.BucketObjectv2Args{
		Bucket:      args.LogBucketName,
		Key:         pulumi.String(SettingsObjectKey),
		ContentType: pulumi.String("application/json"),
		Content:     content,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, nil, fmt.Errorf("processor settings object: %w", err)
	}
	return content, settings, nil
}

// lambdaParts are the function's parts registered before it.
type lambdaParts struct {
	group    *ec2.SecurityGroup
	role     *iam.Role
	code     *s3.BucketObjectv2
	logGroup *cloudwatch.LogGroup
	token    pulumi.StringOutput
	settings pulumi.StringOutput // the settings object's content
}

// newProcessorLambda registers the function itself.
func newProcessorLambda(ctx *pulumi.Context, name string, args *ProcessorTierArgs, p lambdaParts, opts ...pulumi.ResourceOption) (*lambda.Function, error) {
	fn, err := lambda.NewFunction(ctx, name+"-processor", &lambda.FunctionArgs{
		Name:          pulumi.String(args.FunctionName),
		Runtime:       pulumi.String("provided.al2023"),
		Architectures: pulumi.StringArray{pulumi.String("arm64")},
		Handler:       pulumi.String("bootstrap"),
		// From the object named by the source key: a build by another
		// Go version is the same key, so no change.
		S3Bucket:   p.code.Bucket,
		S3Key:      p.code.Key,
		Role:       p.role.Arn,
		Timeout:    pulumi.Int(ProcessorTimeoutSeconds),
		MemorySize: pulumi.Int(ProcessorMemoryMiB),
		VpcConfig: &lambda.FunctionVpcConfigArgs{
			SubnetIds:        args.PrivateSubnetIDs,
			SecurityGroupIds: pulumi.StringArray{p.group.ID()},
		},
		// On destroy, move the function's network interfaces to the VPC's
		// default group first, so deleting the processor group does not
		// hang on them (the seed's manual teardown step).
		ReplaceSecurityGroupsOnDestroy: pulumi.Bool(true),
		// The token is a secret in the stack state; Lambda keeps environment
		// variables encrypted with the account's aws/lambda key, readable
		// by whoever may call lambda:GetFunctionConfiguration.
		Environment: &lambda.FunctionEnvironmentArgs{Variables: pulumi.StringMap{
			"SETTINGS_BUCKET":  args.LogBucketName,
			"REDIS_AUTH_TOKEN": p.token,
			// A settings change changes the function, so no warm instance
			// keeps reading the old settings.
			"SETTINGS_SHA256": p.settings.ApplyT(func(c string) string {
				sum := sha256.Sum256([]byte(c))
				return hex.EncodeToString(sum[:])
			}).(pulumi.StringOutput),
		}},
		LoggingConfig: &lambda.FunctionLoggingConfigArgs{
			LogFormat: pulumi.String("JSON"),
			LogGroup:  p.logGroup.Name,
		},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("processor function: %w", err)
	}
	return fn, nil
}

// newProcessorTrigger sends failed events to queue and has the bucket
// invoke fn for every new log object.
func newProcessorTrigger(ctx *pulumi.Context, name string, args *ProcessorTierArgs, fn *lambda.Function, queue *sqs.Queue, parent pulumi.ResourceOption) error {
	if _, err := lambda.NewFunctionEventInvokeConfig(ctx, name+"-processor", &lambda.FunctionEventInvokeConfigArgs{
		FunctionName:         fn.Name,
		MaximumRetryAttempts: pulumi.Int(ProcessorRetries),
		DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
			OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: queue.Arn},
		},
	}, parent); err != nil {
		return fmt.Errorf("processor failure destination: %w", err)
	}
	permission, err := lambda.NewPermission(ctx, name+"-processor-s3", &lambda.PermissionArgs{
		Action:        pulumi.String("lambda:InvokeFunction"),
		Function:      fn.Name,
		Principal:     pulumi.String("s3.amazonaws.com"),
		SourceArn:     args.LogBucketArn,
		SourceAccount: pulumi.String(args.AccountID),
	}, parent)
	if err != nil {
		return fmt.Errorf("processor invoke permission: %w", err)
	}
	if _, err := s3.NewBucketNotification(ctx, name+"-logs", &s3.BucketNotificationArgs{
		Bucket: args.LogBucketName,
		LambdaFunctions: s3.BucketNotificationLambdaFunctionArray{&s3.BucketNotificationLambdaFunctionArgs{
			LambdaFunctionArn: fn.Arn,
			Events:            pulumi.StringArray{pulumi.String("s3:ObjectCreated:*")},
			FilterPrefix:      pulumi.String(LogObjectPrefix),
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{permission})); err != nil {
		return fmt.Errorf("log bucket notification: %w", err)
	}
	return nil
}

// newMessagesAPI registers the Messages API: its binary delivered through
// the log bucket, its role, a network interface whose private address
// outlives instance replacements, a public address for outbound traffic,
// and the instance, which it returns with the interface.
func newMessagesAPI(ctx *pulumi.Context, name string, args *ProcessorTierArgs, group *ec2.SecurityGroup,
	table *dynamodb.Table, redis *redisCluster, parent pulumi.ResourceOption) (*ec2.NetworkInterface, *ec2.Instance, error) {
	key := ArtifactPrefix + args.APIBinarySourceKey
	binary, err := newArtifactObject(ctx, name+"-binary", args.LogBucketName, key, pulumi.NewFileAsset(args.APIBinary),
		pulumi.StringMap{APIBinaryDigestMetadata: pulumi.String(args.APIBinarySHA256)}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("messages api binary: %w", err)
	}
	logGroup, err := newLogGroup(ctx, name+"-logs", args.APILogGroupName, args.Logs, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("messages api: %w", err)
	}
	policy := pulumi.All(args.LogBucketArn, table.Arn, redis.tokenParameterArn, logGroup.Arn).ApplyT(func(v []interface{}) string {
		statements := []Statement{
			{Sid: "Binary", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{v[0].(string) + "/" + ArtifactPrefix + "*"}},
			{Sid: "RegisteredKeys", Effect: "Allow", Action: []string{"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan"},
				Resource: []string{v[1].(string)}},
			{Sid: "RedisAuthToken", Effect: "Allow", Action: []string{"ssm:GetParameter"}, Resource: []string{v[2].(string)}},
			logWriterStatement(v[3].(string)),
			// Narrowed to the alarms' ARNs: metric alarms need no wider
			// scope (CloudWatch API Reference, DescribeAlarms).
			{Sid: "PipelineAlarms", Effect: "Allow", Action: []string{"cloudwatch:DescribeAlarms"}, Resource: alarmArns(args)},
		}
		return PolicyDocument(append(statements, sessionManagerStatements(args.Partition, args.Region, args.AccountID)...)...)
	}).(pulumi.StringOutput)
	role, rolePolicy, err := newServiceRole(ctx, name, "ec2.amazonaws.com", "", policy, parent)
	if err != nil {
		return nil, nil, err
	}
	profile, err := iam.NewInstanceProfile(ctx, name, &iam.InstanceProfileArgs{Role: role.Name}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("messages api instance profile: %w", err)
	}

	eni, err := ec2.NewNetworkInterface(ctx, name, &ec2.NetworkInterfaceArgs{
		SubnetId:       args.PublicSubnetID,
		SecurityGroups: pulumi.StringArray{group.ID()},
		Description:    pulumi.String("Push Messages API"),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("messages api network interface: %w", err)
	}
	eip, err := ec2.NewEip(ctx, name, &ec2.EipArgs{
		Domain:           pulumi.String("vpc"),
		NetworkInterface: eni.ID(),
	}, parent, pulumi.DependsOn([]pulumi.Resource{args.CoreNetwork}))
	if err != nil {
		return nil, nil, fmt.Errorf("messages api outbound address: %w", err)
	}

	userData := pulumi.All(args.LogBucketName, redis.endpoint, table.Name).ApplyT(func(v []interface{}) (string, error) {
		script, err := MessagesAPIUserData(APIBoot{
			Bucket: v[0].(string), Key: key,
			TokenParameter: args.AuthTokenParameterName, RedisAddress: v[1].(string), Table: v[2].(string),
			LogGroup:          args.APILogGroupName,
			FormatDriftAlarms: alarmNames(args.AlarmNamePrefix, FormatDriftAlarms),
			PipelineAlarms:    alarmNames(args.AlarmNamePrefix, PipelineAlarms),
		})
		return base64.StdEncoding.EncodeToString([]byte(script)), err
	}).(pulumi.StringOutput)
	template, err := newLaunchTemplate(ctx, name, launchSpec{
		instanceType: args.APIInstanceType, arm64: args.APIArm64, profile: profile, userData: userData,
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	instanceOpts := []pulumi.ResourceOption{parent,
		// The interface holds the stable address: the old instance must let
		// go of it before a new one takes it.
		pulumi.DeleteBeforeReplace(true),
		// The first boot needs the binary, the role's policy and the way out.
		// The log driver needs the group when the API starts.
		pulumi.DependsOn([]pulumi.Resource{binary, rolePolicy, eip, logGroup})}
	if args.APIWait != nil {
		serving, err := ctx.RegisterResourceHook(name+"-serving", waitForAPI(ctx, args.APIWait, args.APILogGroupName), nil)
		if err != nil {
			return nil, nil, fmt.Errorf("messages api instance: %w", err)
		}
		instanceOpts = append(instanceOpts, pulumi.ResourceHooks(&pulumi.ResourceHookBinding{AfterCreate: []*pulumi.ResourceHook{serving}}))
	}
	instance, err := ec2.NewInstance(ctx, name, &ec2.InstanceArgs{
		LaunchTemplate: &ec2.InstanceLaunchTemplateArgs{
			Id:      template.ID(),
			Version: template.LatestVersion.ApplyT(func(v int) string { return fmt.Sprint(v) }).(pulumi.StringOutput),
		},
		NetworkInterfaces: ec2.InstanceNetworkInterfaceArray{&ec2.InstanceNetworkInterfaceArgs{
			NetworkInterfaceId: eni.ID(),
			DeviceIndex:        pulumi.Int(0),
		}},
		Tags: pulumi.StringMap{"Name": pulumi.String(name)},
	}, instanceOpts...)
	if err != nil {
		return nil, nil, fmt.Errorf("messages api instance: %w", err)
	}
	return eni, instance, nil
}

// waitForAPI is the Messages API instance's after-create hook: it waits
// until the API on the new instance serves. One it cannot watch is a
// warning.
func waitForAPI(ctx *pulumi.Context, w *APIWait, logGroup string) pulumi.ResourceHookFunction {
	return func(h *pulumi.ResourceHookArgs) error {
		instance := string(h.ID)
		_ = ctx.Log.Info(fmt.Sprintf("waiting for the Messages API on %s to serve: the instance installs Docker and downloads the binary", instance), nil)
		err := w.Wait(ctx.Context(), logGroup, instance)
		if errors.Is(err, ErrCannotWatchAPI) {
			_ = ctx.Log.Warn(fmt.Sprintf("%v; watch it: aws logs tail %s --log-stream-names %s --follow (it is ready at its line \"listening\")",
				err, logGroup, instance), nil)
			return nil
		}
		return err
	}
}

// alarmNames are the names of alarms (AlarmName's ends) under prefix.
func alarmNames(prefix string, alarms []string) []string {
	names := make([]string, len(alarms))
	for i, alarm := range alarms {
		names[i] = AlarmName(prefix, alarm)
	}
	return names
}

// alarmArns are the ARNs of the alarms the Messages API reports:
// arn:<partition>:cloudwatch:<region>:<account>:alarm:<name> (Service
// Authorization Reference, Amazon CloudWatch, resource type alarm).
func alarmArns(args *ProcessorTierArgs) []string {
	var arns []string
	for _, name := range alarmNames(args.AlarmNamePrefix, append(slices.Clone(FormatDriftAlarms), PipelineAlarms...)) {
		arns = append(arns, fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", args.Partition, args.Region, args.AccountID, name))
	}
	return arns
}

// APIBinaryDigestMetadata is the user metadata key (x-amz-meta-sha256)
// holding the hex SHA-256 of the Messages API binary object, which the
// instance checks its download against.
const APIBinaryDigestMetadata = "sha256"

// newArtifactObject delivers a program (a file) to key in the log bucket,
// with metadata. The key is the program's source key: a build of the same
// source by another Go version updates the object under the same key, and
// nothing that names the key rolls. (Not ignoreChanges on the source: the
// engine would create a replacement, under a new key, from the old file.)
func newArtifactObject(ctx *pulumi.Context, name string, bucket pulumi.StringInput, key string, source pulumi.AssetOrArchiveInput,
	metadata pulumi.StringMapInput, parent pulumi.ResourceOption) (*s3.BucketObjectv2, error) {
	return s3.NewBucketObjectv2(ctx, name, &s3.BucketObjectv2Args{
		Bucket:      bucket,
		Key:         pulumi.String(key),
		Source:      source,
		ContentType: pulumi.String("application/octet-stream"),
		Metadata:    metadata,
	}, parent)
}
