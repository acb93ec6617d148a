package components

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EndpointMetricsNamespace holds the endpoint request metrics the stack
// derives from autoendpoint's log lines.
const EndpointMetricsNamespace = "PushTurnkey/Endpoint"

// endpointRequestFilters count autoendpoint's "Request timings" lines,
// one per WebPush request with its status_code (autopush 1.58.4
// web/base.py, _track_timing), written at debug level only. The patterns
// are CloudWatch Logs JSON filter patterns on the server's JSON lines
// (reference: autopush.md, record format).
var endpointRequestFilters = []struct{ metric, pattern string }{
	{"Requests", `{ $.Fields.message = "Request timings" }`},
	{"Requests4xx", `{ $.Fields.message = "Request timings" && $.Fields.status_code >= 400 && $.Fields.status_code < 500 }`},
	{"Requests5xx", `{ $.Fields.message = "Request timings" && $.Fields.status_code >= 500 }`},
}

// Dashboard is the stack's CloudWatch dashboard: what an operator looks at
// first, with widgets only for the tiers that exist.
type Dashboard struct {
	pulumi.ResourceState

	Name pulumi.StringOutput `pulumi:"name"`
}

// DashboardArgs names what to show; nil inputs leave their widgets out.
type DashboardArgs struct {
	// Name is the dashboard's name (stackconfig checks it); Region is where
	// its metrics live.
	Name, Region string
	// LoadBalancerArnSuffix and TargetGroupArnSuffixes ("connection",
	// "endpoint") are the load balancer's CloudWatch dimensions.
	LoadBalancerArnSuffix  pulumi.StringInput
	TargetGroupArnSuffixes map[string]pulumi.StringOutput
	// Tables are the DynamoDB tables to show capacity and throttles of.
	Tables []pulumi.StringInput
	// EndpointLogGroup, when set, gets metric filters for the endpoint
	// request widgets: only servers logging at debug (with Firehose) write
	// the lines they count.
	EndpointLogGroup pulumi.StringInput
	// DeliveryStreamName (Firehose tier), FunctionName and RedisNodeID
	// (processor tier).
	DeliveryStreamName pulumi.StringInput
	FunctionName       pulumi.StringInput
	RedisNodeID        pulumi.StringInput
}

// widget is one dashboard widget (CloudWatch API Reference, "Dashboard
// Body Structure and Syntax"): a metric graph 12 wide, 6 high.
type widget struct {
	Type       string           `json:"type"`
	X          int              `json:"x"`
	Y          int              `json:"y"`
	Width      int              `json:"width"`
	Height     int              `json:"height"`
	Properties widgetProperties `json:"properties"`
}

type widgetProperties struct {
	Title   string          `json:"title"`
	Region  string          `json:"region"`
	View    string          `json:"view"`
	Stacked bool            `json:"stacked"`
	Period  int             `json:"period"`
	Stat    string          `json:"stat"`
	Metrics [][]interface{} `json:"metrics"`
}

// NewDashboard registers the dashboard and, with EndpointLogGroup, the
// metric filters of its request widgets.
func NewDashboard(ctx *pulumi.Context, name string, args *DashboardArgs, opts ...pulumi.ResourceOption) (*Dashboard, error) {
	d := &Dashboard{}
	if err := ctx.RegisterComponentResource(Project+":monitoring:Dashboard", name, d, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(d)
	var filters []pulumi.Resource
	if args.EndpointLogGroup != nil {
		for _, f := range endpointRequestFilters {
			filter, err := cloudwatch.NewLogMetricFilter(ctx, name+"-"+f.metric, &cloudwatch.LogMetricFilterArgs{
				LogGroupName: args.EndpointLogGroup,
				Pattern:      pulumi.String(f.pattern),
				MetricTransformation: &cloudwatch.LogMetricFilterMetricTransformationArgs{
					Namespace: pulumi.String(EndpointMetricsNamespace), Name: pulumi.String(f.metric),
					Value: pulumi.String("1"), DefaultValue: pulumi.String("0"), Unit: pulumi.String("Count"),
				},
			}, parent)
			if err != nil {
				return nil, fmt.Errorf("metric filter %s: %w", f.metric, err)
			}
			filters = append(filters, filter)
		}
	}
	// Every input the body names, resolved in one place.
	inputs := map[string]pulumi.StringInput{"lb": args.LoadBalancerArnSuffix}
	for role, suffix := range args.TargetGroupArnSuffixes {
		inputs["tg-"+role] = suffix
	}
	for i, table := range args.Tables {
		inputs[fmt.Sprintf("table-%d", i)] = table
	}
	for key, in := range map[string]pulumi.StringInput{"stream": args.DeliveryStreamName, "function": args.FunctionName, "redis": args.RedisNodeID} {
		if in != nil {
			inputs[key] = in
		}
	}
	body := pulumi.StringMap{}
	for k, v := range inputs {
		body[k] = v
	}
	bodyJSON := body.ToStringMapOutput().ApplyT(func(v map[string]string) (string, error) {
		return DashboardBody(args.Region, len(args.Tables), args.EndpointLogGroup != nil, v)
	}).(pulumi.StringOutput)
	dash, err := cloudwatch.NewDashboard(ctx, name, &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(args.Name),
		DashboardBody: bodyJSON,
	}, parent, pulumi.DependsOn(filters))
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	d.Name = dash.DashboardName
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{"name": d.Name})
}

// DashboardBody renders the dashboard's JSON from the resolved names in v
// ("lb", "tg-connection", "tg-endpoint", "table-<i>" for tables tables,
// and, when their tier exists, "stream", "function", "redis"); requests
// adds the endpoint request widget. Widgets are 12 wide, two per row.
func DashboardBody(region string, tables int, requests bool, v map[string]string) (string, error) {
	var widgets []widget
	add := func(title, stat string, metrics ...[]interface{}) {
		n := len(widgets)
		widgets = append(widgets, widget{Type: "metric", X: 12 * (n % 2), Y: 6 * (n / 2), Width: 12, Height: 6,
			Properties: widgetProperties{Title: title, Region: region, View: "timeSeries", Period: 300, Stat: stat, Metrics: metrics}})
	}
	m := func(namespace, name string, dims ...string) []interface{} {
		row := []interface{}{namespace, name}
		for _, d := range dims {
			row = append(row, d)
		}
		return row
	}
	// with is m with a per-metric statistic (the row's options object).
	with := func(stat string, row []interface{}) []interface{} {
		return append(row, map[string]string{"stat": stat})
	}

	lb := v["lb"]
	var healthy [][]interface{}
	for _, role := range []string{"connection", "endpoint"} {
		if tg, ok := v["tg-"+role]; ok {
			healthy = append(healthy, m("AWS/NetworkELB", "HealthyHostCount", "LoadBalancer", lb, "TargetGroup", tg),
				m("AWS/NetworkELB", "UnHealthyHostCount", "LoadBalancer", lb, "TargetGroup", tg))
		}
	}
	add("Healthy and unhealthy nodes per type", "Minimum", healthy...)
	// NLB metrics have no listener dimension: the load balancer as a whole.
	add("Load balancer: active and new connections", "Sum",
		with("Average", m("AWS/NetworkELB", "ActiveFlowCount", "LoadBalancer", lb)),
		m("AWS/NetworkELB", "NewFlowCount", "LoadBalancer", lb))
	add("Load balancer: processed bytes", "Sum", m("AWS/NetworkELB", "ProcessedBytes", "LoadBalancer", lb))
	if requests {
		var rows [][]interface{}
		for _, f := range endpointRequestFilters {
			rows = append(rows, m(EndpointMetricsNamespace, f.metric))
		}
		add("Endpoint: WebPush requests, 4xx and 5xx", "Sum", rows...)
	}
	var capacity, throttles [][]interface{}
	for i := range tables {
		table := v[fmt.Sprintf("table-%d", i)]
		capacity = append(capacity, m("AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", table),
			m("AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", table))
		throttles = append(throttles, m("AWS/DynamoDB", "ReadThrottleEvents", "TableName", table),
			m("AWS/DynamoDB", "WriteThrottleEvents", "TableName", table))
	}
	add("DynamoDB: consumed capacity per table", "Sum", capacity...)
	add("DynamoDB: throttled requests per table", "Sum", throttles...)
	if stream, ok := v["stream"]; ok {
		add("Firehose: incoming records and delivery to S3", "Sum",
			m("AWS/Firehose", "IncomingRecords", "DeliveryStreamName", stream),
			with("Average", m("AWS/Firehose", "DeliveryToS3.Success", "DeliveryStreamName", stream)))
	}
	if fn, ok := v["function"]; ok {
		add("Processor: invocations and errors", "Sum",
			m("AWS/Lambda", "Invocations", "FunctionName", fn), m("AWS/Lambda", "Errors", "FunctionName", fn))
		add("Processor: duration (ms)", "Average",
			m("AWS/Lambda", "Duration", "FunctionName", fn), with("Maximum", m("AWS/Lambda", "Duration", "FunctionName", fn)))
		add("Processor: deliveries read", "Sum", m(ProcessorMetricsNamespace, "Deliveries", "FunctionName", fn),
			m(ProcessorMetricsNamespace, "Unattributed", "FunctionName", fn),
			m(ProcessorMetricsNamespace, "Unreadable", "FunctionName", fn))
	}
	if node, ok := v["redis"]; ok {
		add("Redis: CPU and memory (percent)", "Average",
			m("AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", node),
			m("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", node))
	}
	for _, w := range widgets {
		if len(w.Properties.Metrics) == 0 {
			return "", fmt.Errorf("dashboard widget %q has no metrics", w.Properties.Title)
		}
	}
	out, err := json.Marshal(map[string]interface{}{"widgets": widgets})
	if err != nil {
		return "", fmt.Errorf("dashboard body: %w", err)
	}
	return string(out), nil
}
