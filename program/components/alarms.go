package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// Alarms watches the stack: unhealthy load-balancer targets, processor
// Lambda errors and parked events, and Firehose delivery failures. Every
// alarm notifies one SNS topic, to which an e-mail address may subscribe.
// The topic is encrypted with a KMS key of its own: CloudWatch cannot
// publish to a topic under the AWS managed aws/sns key.
type Alarms struct {
	pulumi.ResourceState

	TopicArn pulumi.StringOutput `pulumi:"topicArn"`
}

// AlarmsArgs names what to watch; nil inputs leave their alarms out.
// ProcessorMetricsNamespace is the namespace of the metrics the processor
// Lambda publishes (processor.MetricsNamespace; a test keeps them equal).
const ProcessorMetricsNamespace = "PushTurnkey/Processor"

type AlarmsArgs struct {
	// LoadBalancerArnSuffix and TargetGroupArnSuffixes (name -> suffix) are
	// the CloudWatch dimensions of the Network Load Balancer.
	LoadBalancerArnSuffix  pulumi.StringInput
	TargetGroupArnSuffixes map[string]pulumi.StringInput
	DeliveryStreamName     pulumi.StringInput // Firehose tier
	FunctionName           pulumi.StringInput // processor tier
	FailedEventsQueueName  pulumi.StringInput // processor tier
	// Email subscribes to the topic ("" for none); AWS mails a
	// confirmation link first.
	Email string
	// AccountID and Partition write the key policy.
	AccountID, Partition string
	// NamePrefix begins every alarm's name (AlarmName): the table prefix,
	// so that the Messages API, made before the alarms, can name them.
	NamePrefix string
}

// The alarms the developer dashboard reports (by their names' ends, see
// AlarmName): FormatDriftAlarms fire when the server's log format no longer
// reads, PipelineAlarms when logs stop reaching the processor or it fails.
// Both exist whenever the processor tier does.
var (
	FormatDriftAlarms = []string{"processor-malformed-records", "processor-unreadable-deliveries", "processor-no-readable-records"}
	PipelineAlarms    = []string{"log-delivery-failures", "log-stream-silent", "processor-errors", "processor-failed-events"}
)

// AlarmName is the CloudWatch alarm name "<prefix>-<alarm>", for example
// "push-prod-processor-errors": at most 36 + 33 characters, well inside
// CloudWatch's 255 (PutMetricAlarm, AlarmName), of the characters a table
// prefix may hold.
func AlarmName(prefix, alarm string) string { return prefix + "-" + alarm }

// NewAlarms registers the topic, the optional e-mail subscription and the
// alarms.
func NewAlarms(ctx *pulumi.Context, name string, args *AlarmsArgs, opts ...pulumi.ResourceOption) (*Alarms, error) {
	a := &Alarms{}
	if err := ctx.RegisterComponentResource(Project+":monitoring:Alarms", name, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	topic, err := newAlarmTopic(ctx, name, args, parent)
	if err != nil {
		return nil, err
	}
	for _, al := range metricAlarms(args) {
		if err := al.register(ctx, name, args.NamePrefix, topic.Arn, parent); err != nil {
			return nil, err
		}
	}
	if args.FunctionName != nil {
		if err := newNoReadableRecordsAlarm(ctx, name+"-processor-no-readable-records", AlarmName(args.NamePrefix, "processor-no-readable-records"),
			args.FunctionName, topic.Arn, parent); err != nil {
			return nil, err
		}
	}
	if args.DeliveryStreamName != nil && len(args.TargetGroupArnSuffixes) > 0 {
		if err := newLogSilenceAlarm(ctx, name+"-log-stream-silent", AlarmName(args.NamePrefix, "log-stream-silent"), args, topic.Arn, parent); err != nil {
			return nil, err
		}
	}
	a.TopicArn = topic.Arn
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{"topicArn": a.TopicArn})
}

// newAlarmTopic registers the topic, its key (CloudWatch cannot publish to
// a topic under the AWS managed aws/sns key) and the e-mail subscription.
func newAlarmTopic(ctx *pulumi.Context, name string, args *AlarmsArgs, parent pulumi.ResourceOption) (*sns.Topic, error) {
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:          pulumi.String("push-turnkey alarm topic"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(7),
		Policy: pulumi.String(PolicyDocument(
			accountAdministersKey(args.Partition, args.AccountID),
			Statement{
				Sid:       "CloudWatchPublishes",
				Effect:    "Allow",
				Principal: map[string]string{"Service": "cloudwatch.amazonaws.com"},
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey"},
				Resource:  []string{"*"},
			},
		)),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("alarm topic key: %w", err)
	}
	topic, err := sns.NewTopic(ctx, name, &sns.TopicArgs{KmsMasterKeyId: key.Arn}, parent)
	if err != nil {
		return nil, fmt.Errorf("alarm topic: %w", err)
	}
	if args.Email != "" {
		if _, err := sns.NewTopicSubscription(ctx, name+"-email", &sns.TopicSubscriptionArgs{
			Topic: topic.Arn, Protocol: pulumi.String("email"), Endpoint: pulumi.String(args.Email),
		}, parent); err != nil {
			return nil, fmt.Errorf("alarm e-mail subscription: %w", err)
		}
	}
	return topic, nil
}

// metricAlarm is one alarm on one metric, over 5-minute periods. Its
// description says what fired and what to do first: it reaches the
// e-mail and the developer dashboard.
type metricAlarm struct {
	name, namespace, metric, statistic, comparison string
	description                                    pulumi.StringInput
	threshold                                      float64
	periods                                        int
	dimensions                                     pulumi.StringMap
}

// driftSteps is what to do when a format-drift alarm fires.
const driftSteps = " Read one of the log bucket's objects with go run ./cmd/pushlog <object>.gz and compare it with the README's " +
	"'The Push Messages pipeline'; an autopushVersion other than 1.58.4 is the usual cause: set it back with pulumi config set autopushVersion 1.58.4, then pulumi up."

// processorLog is the command that shows the processor's log.
const processorLog = "aws logs tail /aws/lambda/$(pulumi stack output processorFunctionName) --since 1h"

// metricAlarms are the one-metric alarms of the tiers args names.
func metricAlarms(args *AlarmsArgs) []metricAlarm {
	var alarms []metricAlarm
	units := map[string]string{"connection": "autopush", "endpoint": "autoendpoint"}
	for _, tg := range []string{"connection", "endpoint"} {
		suffix, ok := args.TargetGroupArnSuffixes[tg]
		if !ok {
			continue
		}
		alarms = append(alarms, metricAlarm{
			name: "unhealthy-" + tg + "-nodes",
			description: pulumi.String("A " + tg + " node is failing its load balancer health check. The server's output: aws logs tail " +
				stackconfig.Config{TablePrefix: args.NamePrefix}.LogGroupName(tg) + " --since 30m; its start script: sudo journalctl -u " + units[tg] +
				" -b on the node (Session Manager). After an autopushVersion change, see the README's 'A new autopushVersion never gets healthy'."),
			namespace: "AWS/NetworkELB", metric: "UnHealthyHostCount", statistic: "Maximum",
			comparison: "GreaterThanThreshold", threshold: 0, periods: 3,
			dimensions: pulumi.StringMap{"LoadBalancer": args.LoadBalancerArnSuffix, "TargetGroup": suffix},
		})
	}
	if args.DeliveryStreamName != nil {
		alarms = append(alarms, metricAlarm{
			name: "log-delivery-failures",
			description: pulumi.Sprintf("Firehose fails to deliver log records to S3. Its errors: aws logs tail /aws/kinesisfirehose/%s --since 1h. "+
				"A bucket policy, key or role changed by hand is the usual cause: pulumi refresh, then pulumi up, sets them back.", args.DeliveryStreamName),
			namespace: "AWS/Firehose", metric: "DeliveryToS3.Success", statistic: "Minimum",
			comparison: "LessThanThreshold", threshold: 1, periods: 3,
			dimensions: pulumi.StringMap{"DeliveryStreamName": args.DeliveryStreamName},
		})
	}
	if args.FunctionName != nil {
		alarms = append(alarms, processorAlarms(args.FunctionName)...)
	}
	if args.FailedEventsQueueName != nil {
		alarms = append(alarms, metricAlarm{
			name: "processor-failed-events",
			description: pulumi.String("Log objects the processor gave up on wait in the failed-events queue (pulumi stack output failedEventsQueueUrl), " +
				"kept 14 days; this alarm stays on while any is there. Find why with " + processorLog + ", fix it, " +
				"then replay them as the README's 'Alarms' section shows."),
			namespace: "AWS/SQS", metric: "ApproximateNumberOfMessagesVisible", statistic: "Maximum",
			comparison: "GreaterThanThreshold", threshold: 0, periods: 1,
			dimensions: pulumi.StringMap{"QueueName": args.FailedEventsQueueName},
		})
	}
	return alarms
}

// processorAlarms watch the Lambda and its own metrics (embedded metric
// format): the server's log format drifting makes the pipeline go quiet,
// not fail.
func processorAlarms(function pulumi.StringInput) []metricAlarm {
	dims := pulumi.StringMap{"FunctionName": function}
	return []metricAlarm{{
		name: "processor-errors",
		description: pulumi.String("The log processor Lambda fails. Why: " + processorLog + ". A log object it fails on is tried twice more, " +
			"then parked in the failed-events queue, which has its own alarm."),
		namespace: "AWS/Lambda", metric: "Errors", statistic: "Sum",
		comparison: "GreaterThanThreshold", threshold: 0, periods: 1, dimensions: dims,
	}, {
		name: "processor-malformed-records", description: pulumi.String("Most records of a log object are malformed: has the server's log format changed?" + driftSteps),
		namespace: ProcessorMetricsNamespace, metric: "MalformedPercent", statistic: "Maximum",
		comparison: "GreaterThanThreshold", threshold: 50, periods: 1, dimensions: dims,
	}, {
		// Unreadable counts only records no sender can make the server
		// write (pushlog.Counts): one is drift.
		name:        "processor-unreadable-deliveries",
		description: pulumi.String("Records that report a message are not in the form autopush 1.58.4 writes: has the server's log format changed?" + driftSteps),
		namespace:   ProcessorMetricsNamespace, metric: "Unreadable", statistic: "Sum",
		comparison: "GreaterThanThreshold", threshold: 0, periods: 1, dimensions: dims,
	}}
}

// register registers the alarm, notifying topic.
func (al metricAlarm) register(ctx *pulumi.Context, prefix, namePrefix string, topic pulumi.StringOutput, parent pulumi.ResourceOption) error {
	if _, err := cloudwatch.NewMetricAlarm(ctx, prefix+"-"+al.name, &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.String(AlarmName(namePrefix, al.name)),
		AlarmDescription:   al.description,
		Namespace:          pulumi.String(al.namespace),
		MetricName:         pulumi.String(al.metric),
		Statistic:          pulumi.String(al.statistic),
		ComparisonOperator: pulumi.String(al.comparison),
		Threshold:          pulumi.Float64(al.threshold),
		Period:             pulumi.Int(300),
		EvaluationPeriods:  pulumi.Int(al.periods),
		Dimensions:         al.dimensions,
		// No data is no traffic, not a failure.
		TreatMissingData: pulumi.String("notBreaching"),
		AlarmActions:     pulumi.Array{topic},
		OkActions:        pulumi.Array{topic},
	}, parent); err != nil {
		return fmt.Errorf("alarm %s: %w", al.name, err)
	}
	return nil
}

// newNoReadableRecordsAlarm fires when records arrive but none is readable
// for an hour (metric math: CloudWatch User Guide, "Using metric math", IF
// and AND).
func newNoReadableRecordsAlarm(ctx *pulumi.Context, name, alarmName string, function pulumi.StringInput, topic pulumi.StringOutput, parent pulumi.ResourceOption) error {
	metric := func(id, metricName string) cloudwatch.MetricAlarmMetricQueryArgs {
		return cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(id), Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
			Namespace: pulumi.String(ProcessorMetricsNamespace), MetricName: pulumi.String(metricName), Stat: pulumi.String("Sum"),
			Period: pulumi.Int(3600), Dimensions: pulumi.StringMap{"FunctionName": function},
		}}
	}
	records, readable := metric("records", "Records"), metric("readable", "Readable")
	if _, err := cloudwatch.NewMetricAlarm(ctx, name, &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.String(alarmName),
		AlarmDescription:   pulumi.String("Log records arrived for an hour and none was readable: has the server's log format changed?" + driftSteps),
		ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
		Threshold:          pulumi.Float64(1),
		EvaluationPeriods:  pulumi.Int(1),
		MetricQueries: cloudwatch.MetricAlarmMetricQueryArray{&records, &readable, &cloudwatch.MetricAlarmMetricQueryArgs{
			Id: pulumi.String("unreadable"), Expression: pulumi.String("IF(records > 0 AND readable == 0, 1, 0)"),
			Label: pulumi.String("no readable records"), ReturnData: pulumi.Bool(true),
		}},
		TreatMissingData: pulumi.String("notBreaching"),
		AlarmActions:     pulumi.Array{topic},
		OkActions:        pulumi.Array{topic},
	}, parent); err != nil {
		return fmt.Errorf("alarm processor-no-readable-records: %w", err)
	}
	return nil
}

// LogSilenceSeconds is how long clients may connect while the delivery
// stream receives nothing before the silence alarm fires: one period.
const LogSilenceSeconds = 900

// newLogSilenceAlarm fires when nodes are in service and clients connect,
// but the delivery stream receives no record for LogSilenceSeconds: the
// server's Firehose sender ends on its first error and the server carries
// on (reference autopush.md, runtime behaviour). New flows are required
// because an idle stack writes nothing: the health checks are not logged
// (autopush 1.58.4 http.py, skip_request_logging).
func newLogSilenceAlarm(ctx *pulumi.Context, name, alarmName string, args *AlarmsArgs, topic pulumi.StringOutput, parent pulumi.ResourceOption) error {
	metric := func(id, namespace, metricName, stat string, dimensions pulumi.StringMap) *cloudwatch.MetricAlarmMetricQueryArgs {
		return &cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(id), Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
			Namespace: pulumi.String(namespace), MetricName: pulumi.String(metricName), Stat: pulumi.String(stat),
			Period: pulumi.Int(LogSilenceSeconds), Dimensions: dimensions,
		}}
	}
	var queries cloudwatch.MetricAlarmMetricQueryArray
	var healthy []string
	for _, tg := range []string{"connection", "endpoint"} {
		if suffix, ok := args.TargetGroupArnSuffixes[tg]; ok {
			id := "healthy_" + tg
			healthy = append(healthy, id)
			queries = append(queries, metric(id, "AWS/NetworkELB", "HealthyHostCount", "Minimum",
				pulumi.StringMap{"LoadBalancer": args.LoadBalancerArnSuffix, "TargetGroup": suffix}))
		}
	}
	queries = append(queries,
		metric("flows", "AWS/NetworkELB", "NewFlowCount", "Sum", pulumi.StringMap{"LoadBalancer": args.LoadBalancerArnSuffix}),
		metric("incoming", "AWS/Firehose", "IncomingRecords", "Sum", pulumi.StringMap{"DeliveryStreamName": args.DeliveryStreamName}),
		// FILL: a metric without data points in the period is zero here
		// (CloudWatch User Guide, "Using metric math", FILL and IF).
		&cloudwatch.MetricAlarmMetricQueryArgs{
			Id:         pulumi.String("silent"),
			Expression: pulumi.String(fmt.Sprintf("IF((%s) > 0 AND FILL(flows, 0) > 0 AND FILL(incoming, 0) == 0, 1, 0)", strings.Join(healthy, " + "))),
			Label:      pulumi.String("clients connect, no log records"), ReturnData: pulumi.Bool(true),
		})
	_, err := cloudwatch.NewMetricAlarm(ctx, name, &cloudwatch.MetricAlarmArgs{
		Name: pulumi.String(alarmName),
		AlarmDescription: pulumi.String("Nodes are in service and clients connect, but the Firehose delivery stream received no log record for 15 minutes: " +
			"a server's Firehose sender has likely stopped (it ends on its first error). Replace the nodes: aws autoscaling start-instance-refresh " +
			"--auto-scaling-group-name \"$(pulumi stack output connectionGroupName)\", and the same for endpointGroupName."),
		ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
		Threshold:          pulumi.Float64(1),
		EvaluationPeriods:  pulumi.Int(1),
		MetricQueries:      queries,
		TreatMissingData:   pulumi.String("notBreaching"),
		AlarmActions:       pulumi.Array{topic},
		OkActions:          pulumi.Array{topic},
	}, parent)
	if err != nil {
		return fmt.Errorf("alarm log-stream-silent: %w", err)
	}
	return nil
}
