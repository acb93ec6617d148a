// Package pushstack is the body of the push-turnkey Pulumi program: it reads
// the validated config and wires the tiers together. main.go runs Program;
// the offline plan and the tests run it under the Pulumi SDK's mocks.
package pushstack

import (
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// Program is the Pulumi program: Deploy without its result.
func Program(ctx *pulumi.Context) error { return ProgramWith(Runtime{Build: BuildArtifacts})(ctx) }

// Runtime is what the program uses besides the engine and the provider.
type Runtime struct {
	// Build makes the processor tier's programs (BuildArtifacts in a real
	// run).
	Build ArtifactBuilder
	// RefreshWait is how the groups' after-update hooks watch instance
	// refreshes; nil: through the AWS SDK, with the stack's region and
	// aws:profile, every 15 s for up to RefreshTimeout (a stand-in in the
	// engine tests).
	RefreshWait *components.RefreshWait
	// APIWait is how the Messages API instance's after-create hook waits
	// for the API to serve; nil: through the AWS SDK, as RefreshWait, every
	// 10 s for up to components.APIWaitTimeout.
	APIWait *components.APIWait
}

// ProgramWith is the Pulumi program with r.
func ProgramWith(r Runtime) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := deploy(ctx, r)
		return err
	}
}

// Deploy loads and validates the stack config, registers every tier and
// exports the stack outputs, which it also returns (see Build). build
// makes the processor tier's programs (BuildArtifacts in a real run).
func Deploy(ctx *pulumi.Context, build ArtifactBuilder) (pulumi.Map, error) {
	return deploy(ctx, Runtime{Build: build})
}

func deploy(ctx *pulumi.Context, r Runtime) (pulumi.Map, error) {
	cfg, err := stackconfig.Load(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		_ = ctx.Log.Warn(w, nil)
	}
	outputs, err := buildWith(ctx, cfg, r)
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

// Build registers the stack for a validated config and returns its outputs
// (the README's "Outputs" table; Checked.outputs makes them). Every look-up
// and refusal comes first (preflight); only what it returns registers
// resources.
func Build(ctx *pulumi.Context, cfg stackconfig.Config, build ArtifactBuilder) (pulumi.Map, error) {
	return buildWith(ctx, cfg, Runtime{Build: build})
}

func buildWith(ctx *pulumi.Context, cfg stackconfig.Config, r Runtime) (pulumi.Map, error) {
	c, err := preflight(ctx, cfg, r)
	if err != nil {
		return nil, err
	}
	return c.register(ctx)
}

// register registers the tiers in the order they need each other.
func (c *Checked) register(ctx *pulumi.Context) (pulumi.Map, error) {
	core, err := c.registerCore(ctx)
	if err != nil {
		return nil, err
	}
	var logging *components.FirehoseLogging
	if c.cfg.Firehose {
		if logging, err = c.registerLogging(ctx, core); err != nil {
			return nil, err
		}
	}
	service, err := c.registerService(ctx, core, logging)
	if err != nil {
		return nil, err
	}
	var processor *components.ProcessorTier
	if c.cfg.Processor {
		if processor, err = c.registerProcessorTier(ctx, core, logging); err != nil {
			return nil, err
		}
	}
	alarms, err := c.registerAlarms(ctx, service, logging, processor)
	if err != nil {
		return nil, err
	}
	dashboard, err := c.registerDashboard(ctx, core, service, logging, processor)
	if err != nil {
		return nil, err
	}
	return c.outputs(core, service, logging, processor, alarms, dashboard), nil
}

// core is what every tier stands on: the log key, the network, the crypto
// key and the tables.
type core struct {
	logs    components.LogSettings
	network *components.Network
	key     *components.CryptoKey
	tables  *components.PushTables
}

func (c *Checked) registerCore(ctx *pulumi.Context) (core, error) {
	logKey, err := components.NewLogKey(ctx, "push-logs-key", &components.LogKeyArgs{
		Partition: c.target.partition, Region: c.target.region, AccountID: c.target.account, DNSSuffix: c.target.dnsSuffix,
	}, c.provider)
	if err != nil {
		return core{}, err
	}
	k := core{logs: components.LogSettings{RetentionDays: c.cfg.LogRetentionDays, KeyArn: logKey.Arn}}
	if k.network, err = components.NewNetwork(ctx, "push", &components.NetworkArgs{
		AvailabilityZones: c.target.zones,
	}, c.provider); err != nil {
		return core{}, err
	}
	keyArgs := &components.CryptoKeyArgs{
		ParameterName: c.keyParameter,
		Adopt:         c.retained.CryptoKeys != nil,
		Generate:      c.cfg.CryptoKey == "",
	}
	if len(c.keys) > 0 {
		keyArgs.Key = pulumi.ToSecret(pulumi.String(c.keys[0])).(pulumi.StringOutput)
	}
	if len(c.keys) > 1 {
		keyArgs.PreviousKeys = pulumi.ToSecret(pulumi.String(strings.Join(c.keys[1:], ","))).(pulumi.StringOutput)
	}
	if k.key, err = components.NewCryptoKey(ctx, "crypto-key", keyArgs, c.provider); err != nil {
		return core{}, err
	}
	k.tables, err = components.NewPushTables(ctx, "push-tables", &components.PushTablesArgs{
		RouterTableName:    c.cfg.RouterTableName(),
		MessageTableName:   c.cfg.MessageTableName(),
		AdoptRouter:        c.retained.Tables[c.cfg.RouterTableName()],
		AdoptMessage:       c.retained.Tables[c.cfg.MessageTableName()],
		After:              k.key.Stored,
		DeletionProtection: pulumi.Bool(c.cfg.TableDeletionProtection),
	}, c.provider)
	return k, err
}

func (c *Checked) registerLogging(ctx *pulumi.Context, k core) (*components.FirehoseLogging, error) {
	return components.NewFirehoseLogging(ctx, "push-logs", &components.FirehoseLoggingArgs{
		BucketName: c.bucketName,
		Adopt:      c.retained.LogBucket,
		StreamName: c.cfg.DeliveryStreamName(),
		Logs:       k.logs,
		AccountID:  c.target.account,
	}, c.provider)
}

// registerService registers the push service, its certificate when the
// stack requests one, and its DNS name in a hosted zone.
func (c *Checked) registerService(ctx *pulumi.Context, k core, logging *components.FirehoseLogging) (*components.PushService, error) {
	var certificateArn pulumi.StringInput
	switch {
	case c.cfg.CertificateArn != "":
		certificateArn = pulumi.String(c.cfg.CertificateArn)
	case c.cfg.TLS():
		cert, err := components.NewCertificate(ctx, "push-certificate", &components.CertificateArgs{
			DomainName: c.cfg.DomainName, HostedZoneID: c.cfg.HostedZoneID,
		}, c.provider)
		if err != nil {
			return nil, err
		}
		certificateArn = cert.Arn
	}
	service, err := components.NewPushService(ctx, "push", c.serviceArgs(ctx, k, logging, certificateArn), c.provider)
	if err != nil {
		return nil, err
	}
	if c.cfg.TLS() && c.cfg.HostedZoneID != "" {
		if _, err := components.NewDomainAlias(ctx, "push-domain", &components.DomainAliasArgs{
			DomainName: c.cfg.DomainName, HostedZoneID: c.cfg.HostedZoneID,
			LoadBalancerDNS: service.LoadBalancerDNS, LoadBalancerZoneID: service.LoadBalancerZoneID,
		}, c.provider); err != nil {
			return nil, err
		}
	}
	return service, nil
}

func (c *Checked) serviceArgs(ctx *pulumi.Context, k core, logging *components.FirehoseLogging, certificateArn pulumi.StringInput) *components.PushServiceArgs {
	cfg := c.cfg
	args := &components.PushServiceArgs{
		CertificateArn:         certificateArn,
		DomainName:             cfg.DomainName,
		VpcID:                  k.network.VpcID,
		SubnetIDs:              k.network.PublicSubnetIDs,
		Image:                  cfg.Image(),
		InstanceType:           cfg.InstanceType,
		Arm64:                  cfg.Arm64(),
		Connection:             components.Capacity(cfg.ConnectionNodes),
		Endpoint:               components.Capacity(cfg.EndpointNodes),
		SSHKeyName:             cfg.SSHKeyName,
		SSHAllowedCIDR:         cfg.SSHAllowedCIDR,
		RouterTableName:        k.tables.RouterTableName,
		RouterTableArn:         k.tables.RouterTableArn,
		MessageTableName:       k.tables.MessageTableName,
		MessageTableArn:        k.tables.MessageTableArn,
		CryptoKeyParameterName: k.key.ParameterName,
		CryptoKeyParameterArn:  k.key.ParameterArn,
		CryptoKeyFingerprint:   k.key.Fingerprint,
		Partition:              c.target.partition,
		Region:                 c.target.region,
		AccountID:              c.target.account,
		InstanceTags:           stackTags(ctx),
		LoadBalancerTag:        cfg.TablePrefix,
		Refreshes:              c.refreshes,
		Scaling:                components.Scaling{CPUPercent: cfg.NodeCPUTargetPercent, ConnectionsPerNode: cfg.ConnectionsPerNodeTarget},
		Logs:                   k.logs,
		LogGroupNames: map[string]string{
			"connection": cfg.LogGroupName(stackconfig.ConnectionLogs),
			"endpoint":   cfg.LogGroupName(stackconfig.EndpointLogs),
		},
	}
	if logging != nil {
		// The name, not the stream: nodes boot while it is made.
		args.DeliveryStreamName = pulumi.String(cfg.DeliveryStreamName())
		args.DeliveryStreamArn = logging.StreamArn
	}
	return args
}

func (c *Checked) registerAlarms(ctx *pulumi.Context, service *components.PushService, logging *components.FirehoseLogging,
	processor *components.ProcessorTier) (*components.Alarms, error) {
	args := &components.AlarmsArgs{
		LoadBalancerArnSuffix:  service.LoadBalancerArnSuffix,
		TargetGroupArnSuffixes: map[string]pulumi.StringInput{},
		Email:                  c.cfg.AlarmEmail,
		AccountID:              c.target.account,
		Partition:              c.target.partition,
		NamePrefix:             c.cfg.TablePrefix,
	}
	for role, suffix := range service.TargetGroupArnSuffixes {
		args.TargetGroupArnSuffixes[role] = suffix
	}
	if logging != nil {
		args.DeliveryStreamName = logging.StreamName
	}
	if processor != nil {
		args.FunctionName = processor.FunctionName
		args.FailedEventsQueueName = processor.FailedEventsQueueName
	}
	return components.NewAlarms(ctx, "push-alarms", args, c.provider)
}

func (c *Checked) registerDashboard(ctx *pulumi.Context, k core, service *components.PushService, logging *components.FirehoseLogging,
	processor *components.ProcessorTier) (*components.Dashboard, error) {
	args := &components.DashboardArgs{
		Name: c.cfg.DashboardName(), Region: c.target.region,
		LoadBalancerArnSuffix:  service.LoadBalancerArnSuffix,
		TargetGroupArnSuffixes: service.TargetGroupArnSuffixes,
		Tables:                 []pulumi.StringInput{k.tables.RouterTableName, k.tables.MessageTableName},
	}
	if logging != nil {
		args.DeliveryStreamName = logging.StreamName
		// The servers log at debug with Firehose: the request lines exist.
		args.EndpointLogGroup = service.LogGroupNames["endpoint"]
	}
	if processor != nil {
		args.Tables = append(args.Tables, processor.MessagesTableName)
		args.FunctionName = processor.FunctionName
		args.RedisNodeID = processor.RedisNodeID
	}
	return components.NewDashboard(ctx, "push-dashboard", args, c.provider)
}

// outputs are the stack outputs Build documents.
func (c *Checked) outputs(k core, service *components.PushService, logging *components.FirehoseLogging,
	processor *components.ProcessorTier, alarms *components.Alarms, dashboard *components.Dashboard) pulumi.Map {
	outputs := pulumi.Map{
		"alarmTopicArn":    alarms.TopicArn,
		"loadBalancerDns":  service.LoadBalancerDNS,
		"pushServerUrl":    service.PushServerURL,
		"endpointUrl":      service.EndpointURL,
		"routerTableName":  k.tables.RouterTableName,
		"messageTableName": k.tables.MessageTableName,
		"tablePrefix":      pulumi.String(c.cfg.TablePrefix),
		"cryptoKey":        k.key.Key,
		// The keys still accepted after cryptoKey, newest first, as the
		// key parameter holds them (a secret, [] for none): with cryptoKey
		// the whole rotation, so a rotation or a backup misses none.
		"previousCryptoKeys":  pulumi.ToSecret(pulumi.ToStringArray(previousKeys(c.keys))),
		"vpcId":               k.network.VpcID,
		"dashboardName":       dashboard.Name,
		"connectionGroupName": service.GroupNames["connection"],
		"endpointGroupName":   service.GroupNames["endpoint"],
	}
	if logging != nil {
		outputs["firehoseLoggingBucket"] = logging.BucketName
		outputs["deliveryStreamName"] = logging.StreamName
	}
	if processor != nil {
		outputs["processorFunctionName"] = processor.FunctionName
		outputs["messagesApiPrivateIp"] = processor.MessagesAPIPrivateIP
		outputs["messagesApiUrl"] = processor.MessagesAPIURL
		outputs["dashboardTunnel"] = processor.DashboardTunnel
		outputs["redisEndpoint"] = processor.RedisEndpoint
		outputs["failedEventsQueueUrl"] = processor.FailedEventsQueueURL
	}
	return outputs
}

// previousKeys are the keys after the current one of keys (current
// first), never nil: an output of [] rather than none.
func previousKeys(keys []string) []string {
	if len(keys) < 2 {
		return []string{}
	}
	return keys[1:]
}

// registerProcessorTier registers the private network and the tier, with
// the programs preflight built.
func (c *Checked) registerProcessorTier(ctx *pulumi.Context, k core, logging *components.FirehoseLogging) (*components.ProcessorTier, error) {
	cfg := c.cfg
	private, err := components.NewPrivateNetwork(ctx, "push-private", &components.PrivateNetworkArgs{
		VpcID:             k.network.VpcID,
		AvailabilityZones: c.target.zones,
		Region:            c.target.region,
		NATGateway:        cfg.NATGateway,
		PublicSubnetID:    k.network.PublicSubnetIDs.Index(pulumi.Int(0)),
		CoreNetwork:       k.network,
		ServicePrefix:     c.target.servicePrefix,
	}, c.provider)
	if err != nil {
		return nil, err
	}
	return components.NewProcessorTier(ctx, "push-processor", &components.ProcessorTierArgs{
		VpcID:                   k.network.VpcID,
		VpcCidr:                 components.VpcCidr,
		PrivateSubnetIDs:        private.SubnetIDs,
		PublicSubnetID:          k.network.PublicSubnetIDs.Index(pulumi.Int(0)),
		CoreNetwork:             k.network,
		S3PrefixListID:          private.S3PrefixListID,
		DynamoDBPrefixListID:    private.DynamoDBPrefixListID,
		LogBucketName:           logging.BucketName,
		LogBucketArn:            logging.BucketArn,
		MessagesTableName:       cfg.MessagesTableName(),
		DeletionProtection:      cfg.TableDeletionProtection,
		Adopt:                   c.retained.Tables[cfg.MessagesTableName()],
		RedisNodeType:           cfg.RedisNodeType,
		AuthTokenParameterName:  cfg.AuthTokenParameterName(),
		Logs:                    k.logs,
		APILogGroupName:         cfg.LogGroupName(stackconfig.MessagesAPILogs),
		FunctionName:            cfg.ProcessorFunctionName(),
		ProcessorZip:            c.programs.ProcessorZip,
		ProcessorSourceKey:      c.programs.ProcessorSourceKey,
		APIBinary:               c.programs.API.Path,
		APIBinarySourceKey:      c.programs.API.SourceKey,
		APIBinarySHA256:         c.programs.API.SHA256,
		APIInstanceType:         cfg.MessagesAPIInstanceType,
		APIArm64:                stackconfig.Arm64(cfg.MessagesAPIInstanceType),
		APIAllowedCIDRs:         cfg.MessagesAPIAllowedCIDRs,
		APIAllowedSecurityGroup: cfg.MessagesAPIAllowedSecurityGroup,
		AlarmNamePrefix:         cfg.TablePrefix,
		APIWait:                 c.apiWait,
		Partition:               c.target.partition,
		Region:                  c.target.region,
		AccountID:               c.target.account,
	}, c.provider)
}

// stackTags are the tags of every resource of the stack.
func stackTags(ctx *pulumi.Context) map[string]string { return StackTags(ctx.Stack()) }

// StackTags are the tags every resource of the stack named stack carries
// (its AWS provider's default tags, with the user's aws:defaultTags): how
// cmd/recover finds what a killed `pulumi up` made.
func StackTags(stack string) map[string]string {
	return map[string]string{"project": components.Project, StackTag: stack, "managed-by": "pulumi"}
}
