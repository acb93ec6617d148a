// Package pushstack is the body of the push-turnkey Pulumi program: it reads
// the validated config and wires the tiers together. main.go runs Program;
// the offline plan and the tests run it under the Pulumi SDK's mocks.
package pushstack

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// Program is the Pulumi program: Deploy without its result.
func Program(ctx *pulumi.Context) error {
	_, err := Deploy(ctx, BuildArtifacts)
	return err
}

// Deploy loads and validates the stack config, registers every tier and
// exports the stack outputs, which it also returns (see Build). build
// makes the processor tier's programs (BuildArtifacts in a real run).
func Deploy(ctx *pulumi.Context, build ArtifactBuilder) (pulumi.Map, error) {
	cfg, err := stackconfig.Load(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		_ = ctx.Log.Warn(w, nil)
	}
	outputs, err := Build(ctx, cfg, build)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ctx.Export(k, outputs[k])
	}
	return outputs, nil
}

// Build registers the stack for a validated config and returns its outputs:
// pushServerUrl, endpointUrl, routerTableName, messageTableName,
// tablePrefix, cryptoKey (secret), vpcId; with Firehose, firehoseLoggingBucket and
// deliveryStreamName; with the processor tier, processorFunctionName,
// messagesApiPrivateIp, messagesApiUrl and redisEndpoint.
func Build(ctx *pulumi.Context, cfg stackconfig.Config, build ArtifactBuilder) (pulumi.Map, error) {
	provider, err := newProvider(ctx)
	if err != nil {
		return nil, err
	}
	withProvider := pulumi.Provider(provider)
	// Only the region's own zones: Local and Wavelength Zones need an
	// opt-in and have no Network Load Balancer or ElastiCache.
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State:   pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
	}, withProvider)
	if err != nil {
		return nil, fmt.Errorf("list availability zones: %w", err)
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, withProvider)
	if err != nil {
		return nil, fmt.Errorf("read caller identity: %w", err)
	}
	partition, err := aws.GetPartition(ctx, nil, withProvider)
	if err != nil {
		return nil, fmt.Errorf("read partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, withProvider)
	if err != nil {
		return nil, fmt.Errorf("read region: %w", err)
	}
	if err := cfg.CheckDeployTarget(partition.Partition, region.Name); err != nil {
		return nil, err
	}
	if cfg.Processor && cfg.MessagesAPIAllowedSecurityGroup != "" {
		if err := checkAllowedSecurityGroup(ctx, cfg.MessagesAPIAllowedSecurityGroup, region.Name, stackTags(ctx), withProvider); err != nil {
			return nil, err
		}
	}

	// Before any resource: what earlier stacks left, and the key.
	keyParameter := cfg.KeyParameterName()
	bucketName := stackconfig.LogBucketName(cfg.TablePrefix, caller.AccountId)
	retained, err := findRetained(ctx, cfg, keyParameter, bucketName, withProvider)
	if err != nil {
		return nil, err
	}
	if err := takeOver(cfg, ctx.Stack(), retained); err != nil {
		return nil, err
	}
	keys, warning, err := cryptoKeys(cfg, keyParameter, retained)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		_ = ctx.Log.Warn(warning, nil)
	}

	logKey, err := components.NewLogKey(ctx, "push-logs-key", &components.LogKeyArgs{
		Partition: partition.Partition, Region: region.Name, AccountID: caller.AccountId, DNSSuffix: partition.DnsSuffix,
	}, withProvider)
	if err != nil {
		return nil, err
	}
	logs := components.LogSettings{RetentionDays: cfg.LogRetentionDays, KeyArn: logKey.Arn}

	network, err := components.NewNetwork(ctx, "push", &components.NetworkArgs{
		AvailabilityZones: zones.Names,
	}, withProvider)
	if err != nil {
		return nil, err
	}

	keyArgs := &components.CryptoKeyArgs{
		ParameterName: keyParameter,
		Adopt:         retained.CryptoKeys != nil,
		Generate:      cfg.CryptoKey == "",
	}
	if len(keys) > 0 {
		keyArgs.Key = pulumi.ToSecret(pulumi.String(keys[0])).(pulumi.StringOutput)
	}
	if len(keys) > 1 {
		keyArgs.PreviousKeys = pulumi.ToSecret(pulumi.String(strings.Join(keys[1:], ","))).(pulumi.StringOutput)
	}
	key, err := components.NewCryptoKey(ctx, "crypto-key", keyArgs, withProvider)
	if err != nil {
		return nil, err
	}

	tables, err := components.NewPushTables(ctx, "push-tables", &components.PushTablesArgs{
		RouterTableName:    cfg.RouterTableName(),
		MessageTableName:   cfg.MessageTableName(),
		AdoptRouter:        retained.Tables[cfg.RouterTableName()],
		AdoptMessage:       retained.Tables[cfg.MessageTableName()],
		After:              key.Stored,
		DeletionProtection: pulumi.Bool(cfg.TableDeletionProtection),
	}, withProvider)
	if err != nil {
		return nil, err
	}

	var logging *components.FirehoseLogging
	if cfg.Firehose {
		logging, err = components.NewFirehoseLogging(ctx, "push-logs", &components.FirehoseLoggingArgs{
			BucketName: bucketName,
			Adopt:      retained.LogBucket,
			StreamName: cfg.DeliveryStreamName(),
			Logs:       logs,
			AccountID:  caller.AccountId,
		}, withProvider)
		if err != nil {
			return nil, err
		}
	}

	var certificateArn pulumi.StringInput
	switch {
	case cfg.CertificateArn != "":
		certificateArn = pulumi.String(cfg.CertificateArn)
	case cfg.TLS():
		cert, err := components.NewCertificate(ctx, "push-certificate", &components.CertificateArgs{
			DomainName: cfg.DomainName, HostedZoneID: cfg.HostedZoneID,
		}, withProvider)
		if err != nil {
			return nil, err
		}
		certificateArn = cert.Arn
	}

	serviceArgs := &components.PushServiceArgs{
		CertificateArn:         certificateArn,
		DomainName:             cfg.DomainName,
		VpcID:                  network.VpcID,
		SubnetIDs:              network.PublicSubnetIDs,
		Image:                  cfg.Image(),
		InstanceType:           cfg.InstanceType,
		Arm64:                  cfg.Arm64(),
		Connection:             components.Capacity(cfg.ConnectionNodes),
		Endpoint:               components.Capacity(cfg.EndpointNodes),
		SSHKeyName:             cfg.SSHKeyName,
		SSHAllowedCIDR:         cfg.SSHAllowedCIDR,
		RouterTableName:        tables.RouterTableName,
		RouterTableArn:         tables.RouterTableArn,
		MessageTableName:       tables.MessageTableName,
		MessageTableArn:        tables.MessageTableArn,
		CryptoKeyParameterName: key.ParameterName,
		CryptoKeyParameterArn:  key.ParameterArn,
		CryptoKeyFingerprint:   key.Fingerprint,
		Partition:              partition.Partition,
		Region:                 region.Name,
		AccountID:              caller.AccountId,
		InstanceTags:           stackTags(ctx),
		LoadBalancerTag:        cfg.TablePrefix,
		Scaling:                components.Scaling{CPUPercent: cfg.NodeCPUTargetPercent, ConnectionsPerNode: cfg.ConnectionsPerNodeTarget},
		Logs:                   logs,
		LogGroupNames: map[string]string{
			"connection": cfg.LogGroupName(stackconfig.ConnectionLogs),
			"endpoint":   cfg.LogGroupName(stackconfig.EndpointLogs),
		},
	}
	if logging != nil {
		// The name, not the stream: nodes boot while it is made.
		serviceArgs.DeliveryStreamName = pulumi.String(cfg.DeliveryStreamName())
		serviceArgs.DeliveryStreamArn = logging.StreamArn
	}
	service, err := components.NewPushService(ctx, "push", serviceArgs, withProvider)
	if err != nil {
		return nil, err
	}
	if cfg.TLS() && cfg.HostedZoneID != "" {
		if _, err := components.NewDomainAlias(ctx, "push-domain", &components.DomainAliasArgs{
			DomainName: cfg.DomainName, HostedZoneID: cfg.HostedZoneID,
			LoadBalancerDNS: service.LoadBalancerDNS, LoadBalancerZoneID: service.LoadBalancerZoneID,
		}, withProvider); err != nil {
			return nil, err
		}
	}

	var processor *components.ProcessorTier
	if cfg.Processor {
		if processor, err = buildProcessorTier(ctx, cfg, build, retained, network, logging, logs, zones.Names,
			partition.Partition, partition.ReverseDnsPrefix, region.Name, caller.AccountId, withProvider); err != nil {
			return nil, err
		}
	}

	alarmArgs := &components.AlarmsArgs{
		LoadBalancerArnSuffix:  service.LoadBalancerArnSuffix,
		TargetGroupArnSuffixes: map[string]pulumi.StringInput{},
		Email:                  cfg.AlarmEmail,
		AccountID:              caller.AccountId,
		Partition:              partition.Partition,
	}
	for role, suffix := range service.TargetGroupArnSuffixes {
		alarmArgs.TargetGroupArnSuffixes[role] = suffix
	}
	if logging != nil {
		alarmArgs.DeliveryStreamName = logging.StreamName
	}
	if processor != nil {
		alarmArgs.FunctionName = processor.FunctionName
		alarmArgs.FailedEventsQueueName = processor.FailedEventsQueueName
	}
	alarms, err := components.NewAlarms(ctx, "push-alarms", alarmArgs, withProvider)
	if err != nil {
		return nil, err
	}

	dashArgs := &components.DashboardArgs{
		Name: cfg.DashboardName(), Region: region.Name,
		LoadBalancerArnSuffix:  service.LoadBalancerArnSuffix,
		TargetGroupArnSuffixes: service.TargetGroupArnSuffixes,
		Tables:                 []pulumi.StringInput{tables.RouterTableName, tables.MessageTableName},
	}
	if logging != nil {
		dashArgs.DeliveryStreamName = logging.StreamName
		// The servers log at debug with Firehose: the request lines exist.
		dashArgs.EndpointLogGroup = service.LogGroupNames["endpoint"]
	}
	if processor != nil {
		dashArgs.Tables = append(dashArgs.Tables, processor.MessagesTableName)
		dashArgs.FunctionName = processor.FunctionName
		dashArgs.RedisNodeID = processor.RedisNodeID
	}
	dashboard, err := components.NewDashboard(ctx, "push-dashboard", dashArgs, withProvider)
	if err != nil {
		return nil, err
	}

	outputs := pulumi.Map{
		"alarmTopicArn":    alarms.TopicArn,
		"loadBalancerDns":  service.LoadBalancerDNS,
		"pushServerUrl":    service.PushServerURL,
		"endpointUrl":      service.EndpointURL,
		"routerTableName":  tables.RouterTableName,
		"messageTableName": tables.MessageTableName,
		"tablePrefix":      pulumi.String(cfg.TablePrefix),
		"cryptoKey":        key.Key,
		"vpcId":            network.VpcID,
		"dashboardName":    dashboard.Name,
	}
	if logging != nil {
		outputs["firehoseLoggingBucket"] = logging.BucketName
		outputs["deliveryStreamName"] = logging.StreamName
	}
	if processor != nil {
		outputs["processorFunctionName"] = processor.FunctionName
		outputs["messagesApiPrivateIp"] = processor.MessagesAPIPrivateIP
		outputs["messagesApiUrl"] = processor.MessagesAPIURL
		outputs["redisEndpoint"] = processor.RedisEndpoint
	}
	return outputs, nil
}

// buildProcessorTier builds the processor Lambda and the Messages API,
// then registers the private network and the tier.
func buildProcessorTier(ctx *pulumi.Context, cfg stackconfig.Config, build ArtifactBuilder, retained Retained,
	network *components.Network, logging *components.FirehoseLogging, logs components.LogSettings, zones []string,
	partition, servicePrefix, region, account string, opts ...pulumi.ResourceOption) (*components.ProcessorTier, error) {
	apiArch := "amd64"
	if stackconfig.Arm64(cfg.MessagesAPIInstanceType) {
		apiArch = "arm64"
	}
	programs, err := build(ctx.Context(), apiArch)
	if err != nil {
		return nil, err
	}

	private, err := components.NewPrivateNetwork(ctx, "push-private", &components.PrivateNetworkArgs{
		VpcID:             network.VpcID,
		AvailabilityZones: zones,
		Region:            region,
		NATGateway:        cfg.NATGateway,
		PublicSubnetID:    network.PublicSubnetIDs.Index(pulumi.Int(0)),
		CoreNetwork:       network,
		ServicePrefix:     servicePrefix,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return components.NewProcessorTier(ctx, "push-processor", &components.ProcessorTierArgs{
		VpcID:                   network.VpcID,
		VpcCidr:                 components.VpcCidr,
		PrivateSubnetIDs:        private.SubnetIDs,
		PublicSubnetID:          network.PublicSubnetIDs.Index(pulumi.Int(0)),
		CoreNetwork:             network,
		S3PrefixListID:          private.S3PrefixListID,
		DynamoDBPrefixListID:    private.DynamoDBPrefixListID,
		LogBucketName:           logging.BucketName,
		LogBucketArn:            logging.BucketArn,
		MessagesTableName:       cfg.MessagesTableName(),
		DeletionProtection:      cfg.TableDeletionProtection,
		Adopt:                   retained.Tables[cfg.MessagesTableName()],
		RedisNodeType:           cfg.RedisNodeType,
		AuthTokenParameterName:  cfg.AuthTokenParameterName(),
		Logs:                    logs,
		APILogGroupName:         cfg.LogGroupName(stackconfig.MessagesAPILogs),
		FunctionName:            cfg.ProcessorFunctionName(),
		ProcessorZip:            programs.ProcessorZip,
		ProcessorSourceKey:      programs.ProcessorSourceKey,
		APIBinary:               programs.API.Path,
		APIBinarySourceKey:      programs.API.SourceKey,
		APIBinarySHA256:         programs.API.SHA256,
		APIInstanceType:         cfg.MessagesAPIInstanceType,
		APIArm64:                stackconfig.Arm64(cfg.MessagesAPIInstanceType),
		APIAllowedCIDRs:         cfg.MessagesAPIAllowedCIDRs,
		APIAllowedSecurityGroup: cfg.MessagesAPIAllowedSecurityGroup,
		Partition:               partition,
		Region:                  region,
		AccountID:               account,
	}, opts...)
}

// stackTags are the tags of every resource of the stack.
func stackTags(ctx *pulumi.Context) map[string]string {
	return map[string]string{"project": components.Project, "stack": ctx.Stack(), "managed-by": "pulumi"}
}
