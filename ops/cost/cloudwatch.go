package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// CloudWatch bills an alarm per metric it reads (Amazon CloudWatch
// Pricing, https://aws.amazon.com/cloudwatch/pricing/: a standard
// resolution alarm, per alarm metric; a metric math alarm, per metric in
// it, its expressions nothing) and a custom metric, one name with one set
// of dimension values, per hour in which it gets a data point. Both are
// priced at the table's monthly price: alarms exist all month, and the
// estimate takes a stack in use every hour (see metricFilter).

// alarm prices an alarm the program registers, per metric it reads.
func (c *pricer) alarm(r plan.Resource) {
	metrics := 0.0
	if str(r.Inputs, "metricName") != "" {
		metrics = 1
	}
	for _, q := range arr(r.Inputs, "metricQueries") {
		if q.IsObject() && q.ObjectValue()["metric"].IsObject() {
			metrics++
		}
	}
	c.add(r, fmt.Sprintf("alarm on %g metric(s)", metrics), metrics*c.prices.AlarmMetricMonthly)
}

// targetTrackingAlarmsPerPolicy is how many alarms Amazon EC2 Auto Scaling
// creates for a target tracking policy: a high one that scales out and a
// low one that scales in ("Use PutScalingPolicy with a CLI": the output
// lists "the two CloudWatch alarms created on your behalf",
// TargetTracking-<group>-AlarmHigh-… and -AlarmLow-…,
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/example_auto-scaling_PutScalingPolicy_section.html).
// They are not in the plan: Auto Scaling creates and manages them, and
// they must not be edited or deleted ("Target tracking scaling policies
// for Amazon EC2 Auto Scaling", Considerations,
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html).
const targetTrackingAlarmsPerPolicy = 2

// targetTrackingAlarms prices the alarms Auto Scaling creates for a target
// tracking policy: two, each reading the metrics the policy tracks. Step
// and simple policies act on alarms the program registers itself, priced
// as alarms. It refuses what would make other alarms than two standard
// resolution ones: scale-in disabled, or a period under a minute.
func (c *pricer) targetTrackingAlarms(r plan.Resource) error {
	if str(r.Inputs, "policyType") != "TargetTrackingScaling" {
		return nil
	}
	tt := obj(r.Inputs, "targetTrackingConfiguration")
	if boolean(tt, "disableScaleIn") {
		return fmt.Errorf("cost: %s %s: disableScaleIn: the alarms Auto Scaling creates for a policy that does not scale in are not priced", r.Type, r.Name)
	}
	metrics, err := trackedMetrics(r, tt)
	if err != nil {
		return err
	}
	c.add(r, fmt.Sprintf("%d alarms Auto Scaling creates for target tracking (high and low), %d metric(s) each",
		targetTrackingAlarmsPerPolicy, metrics),
		float64(targetTrackingAlarmsPerPolicy*metrics)*c.prices.AlarmMetricMonthly)
	return nil
}

// trackedMetrics counts the metrics a target tracking configuration reads:
// one predefined metric, one customized metric, or the metrics (not the
// expressions) of a customized metric math specification.
func trackedMetrics(r plan.Resource, tt resource.PropertyMap) (int, error) {
	if len(obj(tt, "predefinedMetricSpecification")) > 0 {
		return 1, nil
	}
	spec := obj(tt, "customizedMetricSpecification")
	highResolution := func(m resource.PropertyMap) bool { p := num(m, "period"); return p > 0 && p < 60 }
	if highResolution(spec) {
		return 0, fmt.Errorf("cost: %s %s: a period under 60 s makes high resolution alarms, which are not priced", r.Type, r.Name)
	}
	if str(spec, "metricName") != "" {
		return 1, nil
	}
	metrics := 0
	for _, q := range arr(spec, "metrics") {
		if !q.IsObject() {
			continue
		}
		stat := obj(q.ObjectValue(), "metricStat")
		if len(stat) == 0 {
			continue // an expression
		}
		if highResolution(stat) {
			return 0, fmt.Errorf("cost: %s %s: a period under 60 s makes high resolution alarms, which are not priced", r.Type, r.Name)
		}
		metrics++
	}
	if metrics == 0 {
		return 0, fmt.Errorf("cost: %s %s: target tracking on no metric: neither a predefined, a customized nor a metric math one", r.Type, r.Name)
	}
	return metrics, nil
}

// metricFilter prices the custom metric a log metric filter publishes. A
// filter with a default value publishes a data point (the default) for
// every batch of events its log group receives, matching or not
// (AWS::Logs::MetricFilter MetricTransformation, DefaultValue: "the value
// to emit when a filter pattern does not match a log event"), so its
// metric is billed for every hour the group gets any line: all month for
// a stack in use, whatever its traffic. Without a default value it
// publishes only for matching lines, which depend on traffic. Metrics
// "extracted from log events are charged as custom metrics", one per
// distinct dimension value (same page): a filter with dimensions makes as
// many metrics as its lines have values, which the plan cannot tell, so
// it is refused.
func (c *pricer) metricFilter(r plan.Resource) error {
	t := obj(r.Inputs, "metricTransformation")
	if len(obj(t, "dimensions")) > 0 {
		return fmt.Errorf("cost: %s %s: a metric filter with dimensions makes a custom metric per value in the log lines, which the plan cannot tell", r.Type, r.Name)
	}
	metric := str(t, "namespace") + " " + str(t, "name")
	if str(t, "defaultValue") == "" {
		c.add(r, "custom metric "+metric+" (no default value: published only for matching lines, none at no traffic)", 0)
		return nil
	}
	c.customMetrics(r, "custom metric "+metric+" (its default value publishes it for every hour the log group gets a line)",
		[]string{metricKey(str(t, "namespace"), str(t, "name"), nil)})
	return nil
}

// processorTierType is the type token of the processor tier's component
// (components.NewProcessorTier; a type token is part of the stack's state,
// so it does not change without an alias). Its Lambda function is the
// processor.
const processorTierType = "push-turnkey:processor:ProcessorTier"

// processorMetricsNamespace and processorMetricNames are the custom metrics
// the processor Lambda publishes in CloudWatch embedded metric format, each
// with the one dimension FunctionName (processor.MetricsNamespace,
// processor.metricNames, processor.MetricAttrs). The plan does not show
// them: they are in the Lambda's code, which this package does not import
// (the program's packages do not depend on the services they deploy);
// TestProcessorMetricsAreTheLambdas keeps them equal to what the Lambda
// writes. Embedded metric format "generates custom metrics" (CloudWatch
// User Guide, "Embedding metrics within logs").
const processorMetricsNamespace = "PushTurnkey/Processor"

// processorMetricNames: see processorMetricsNamespace.
var processorMetricNames = []string{"Records", "Readable", "Deliveries", "Unattributed", "Unreadable", "Malformed", "MalformedPercent"}

// processorMetrics prices the custom metrics of the processor Lambda (a
// function of the processor tier's component): one per name, for its
// FunctionName. They are billed for every hour the function runs, which a
// stack in use does every hour Firehose delivers an object.
func (c *pricer) processorMetrics(r plan.Resource) {
	if c.byURN[r.Parent].Type != processorTierType {
		return
	}
	keys := make([]string, 0, len(processorMetricNames))
	for _, name := range processorMetricNames {
		keys = append(keys, metricKey(processorMetricsNamespace, name, map[string]string{"FunctionName": r.URN}))
	}
	c.customMetrics(r, fmt.Sprintf("custom metric %s {%s} by FunctionName (embedded metric format, for every hour the function runs)",
		processorMetricsNamespace, strings.Join(processorMetricNames, ", ")), keys)
}

// customMetrics adds the line of r for the custom metrics keys, each
// counted once in the estimate: a metric another resource publishes too is
// on that resource's line.
func (c *pricer) customMetrics(r plan.Resource, what string, keys []string) {
	var fresh int
	var elsewhere []string
	for _, k := range keys {
		if owner, ok := c.metrics[k]; ok {
			elsewhere = append(elsewhere, owner)
			continue
		}
		c.metrics[k] = r.Type + " " + r.Name
		fresh++
	}
	item := fmt.Sprintf("%d × %s", fresh, what)
	if len(elsewhere) > 0 {
		item += fmt.Sprintf("; %d also published by %s, counted there", len(elsewhere), strings.Join(elsewhere, ", "))
	}
	c.add(r, item, float64(fresh)*c.prices.CustomMetricMonthly)
}

// metricKey names one custom metric: its namespace, name and dimension
// values.
func metricKey(namespace, name string, dimensions map[string]string) string {
	dims := make([]string, 0, len(dimensions))
	for k, v := range dimensions {
		dims = append(dims, k+"="+v)
	}
	sort.Strings(dims)
	return namespace + "\x00" + name + "\x00" + strings.Join(dims, ",")
}
