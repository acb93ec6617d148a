package cost

import (
	"encoding/json"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/stackconfig"
	"github.com/push-turnkey/push-turnkey/services/processor"
)

func planOf(t *testing.T, region string, config map[string]string) *plan.Plan {
	t.Helper()
	s := plan.Stack{Name: "cost", Config: map[string]string{"aws:region": region},
		Artifacts: plan.StandInArtifacts(filepath.Join(t.TempDir(), "artifacts"))}
	for k, v := range config {
		s.Config["push-turnkey:"+k] = v
	}
	p, err := plan.Run(s)
	require.NoError(t, err)
	return p
}

func estimateOf(t *testing.T, config map[string]string) *Estimate {
	t.Helper()
	e, err := Of(planOf(t, "us-east-1", config), "us-east-1")
	require.NoError(t, err)
	return e
}

// linesOf maps "<resource>: <item>" to the line's amount.
func linesOf(e *Estimate) map[string]float64 {
	got := map[string]float64{}
	for _, l := range e.Lines {
		got[l.Resource+": "+l.Item] = l.Monthly
	}
	return got
}

// linesOfType is linesOf for the lines of one resource type.
func linesOfType(e *Estimate, typ string) map[string]float64 {
	got := map[string]float64{}
	for k, v := range linesOf(e) {
		if strings.HasPrefix(k, typ+" ") {
			got[k] = v
		}
	}
	return got
}

// handPlan is a plan of the resources given, for inputs the program does
// not make.
func handPlan(rs ...plan.Resource) *plan.Plan { return &plan.Plan{Resources: rs} }

func res(typ, name string, inputs map[string]interface{}) plan.Resource {
	return plan.Resource{URN: "urn:pulumi:t::push-turnkey::" + typ + "::" + name, Type: typ, Name: name, Custom: true,
		Inputs: resource.NewPropertyMapFromMap(inputs)}
}

func cents(usd float64) int64 { return int64(math.Round(usd * 100)) }

// readmeTable is the README's cost table: its item rows and, per config,
// its total and the amounts its total row names, in cents.
type readmeTable struct {
	rows    []int64
	totals  map[string]int64
	amounts map[string][]int64
}

func readREADME(t *testing.T) readmeTable {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	usd := func(s string) int64 {
		v, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err)
		return cents(v)
	}
	tab := readmeTable{totals: map[string]int64{}, amounts: map[string][]int64{}}
	for _, m := range regexp.MustCompile(`(?m)^\| \*\*total, ([^*]+)\*\*(.*)\| \*\*\$([0-9.]+)\*\* \|$`).FindAllStringSubmatch(string(readme), -1) {
		tab.totals[m[1]] = usd(m[3])
		for _, a := range regexp.MustCompile(`\$([0-9]+\.[0-9]{2})`).FindAllStringSubmatch(m[2], -1) {
			tab.amounts[m[1]] = append(tab.amounts[m[1]], usd(a[1]))
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^\| [^*|][^|]* \| \$([0-9.]+) \|$`).FindAllStringSubmatch(string(readme), -1) {
		tab.rows = append(tab.rows, usd(m[1]))
	}
	return tab
}

// TestREADMETotalsAreThePlans: the README's cost table states the totals
// this package computes for the same configs, so the two cannot drift.
func TestREADMETotalsAreThePlans(t *testing.T) {
	stated := readREADME(t).totals
	configs := map[string]map[string]string{
		"default config":                  {},
		"firehose=true":                   {"firehose": "true"},
		"processor=true":                  {"processor": "true"},
		"processor=true, natGateway=true": {"processor": "true", "natGateway": "true"},
	}
	require.Len(t, stated, len(configs), "the README states a total per config: %v", stated)
	for label, config := range configs {
		assert.Equal(t, stated[label], cents(estimateOf(t, config).Total), "README total, %s", label)
	}
}

// TestREADMERowsAddUpToItsTotals: a reader can check the table: the item
// rows add up to the default total, and each other total is the total it
// builds on plus every amount its row names.
func TestREADMERowsAddUpToItsTotals(t *testing.T) {
	tab := readREADME(t)
	require.Len(t, tab.rows, 8, "the default config's item rows")
	var sum int64
	for _, r := range tab.rows {
		sum += r
	}
	assert.Equal(t, tab.totals["default config"], sum, "item rows, default config")
	for label, base := range map[string]string{
		"firehose=true":                   "default config",
		"processor=true":                  "firehose=true",
		"processor=true, natGateway=true": "processor=true",
	} {
		require.Contains(t, tab.totals, base)
		require.NotEmpty(t, tab.amounts[label], "%s names its amounts", label)
		total := tab.totals[base]
		for _, a := range tab.amounts[label] {
			total += a
		}
		assert.Equal(t, tab.totals[label], total, "%s: the %s total and the amounts its row names", label, base)
	}
}

// kmsFirstYear is the item of a key with the default rotation period:
// $1 + $1 = $2.00 from day 365, $1 + 2 × $1 = $3.00 from day 2 × 365 = 730.
const kmsFirstYear = "KMS key, its first 365 days (automatic rotation: $2.00/month from day 365, $3.00/month from day 730 on)"

// TestDefaultPlanLines: every line of the default plan, priced by hand from
// the table (730 h a month).
func TestDefaultPlanLines(t *testing.T) {
	e := estimateOf(t, nil)
	assert.Equal(t, "us-east-1", e.Region)
	assert.Equal(t, "2026-12-01", e.PricesDate)
	assert.Equal(t, map[string]float64{
		// t3.small: 0.0208 × 730 = 15.184; gp3: 20 × 0.08 = 1.60; IPv4: 0.005 × 730 = 3.65
		"aws:autoscaling/group:Group push-connection: 1 × t3.small instance":   15.18,
		"aws:autoscaling/group:Group push-connection: 1 × 20 GiB gp3 volume":   1.60,
		"aws:autoscaling/group:Group push-connection: 1 × public IPv4 address": 3.65,
		"aws:autoscaling/group:Group push-endpoint: 1 × t3.small instance":     15.18,
		"aws:autoscaling/group:Group push-endpoint: 1 × 20 GiB gp3 volume":     1.60,
		"aws:autoscaling/group:Group push-endpoint: 1 × public IPv4 address":   3.65,
		// 0.0225 × 730 = 16.425; 2 × 0.005 × 730 = 7.30
		"aws:lb/loadBalancer:LoadBalancer push: Network Load Balancer (no LCU at no traffic)": 16.43,
		"aws:lb/loadBalancer:LoadBalancer push: 2 × public IPv4 address (one per zone)":       7.30,
		"aws:kms/key:Key push-alarms: " + kmsFirstYear:                                        1.00,
		"aws:kms/key:Key push-logs-key: " + kmsFirstYear:                                      1.00,
		// 1 metric × 0.10
		"aws:cloudwatch/metricAlarm:MetricAlarm push-alarms-unhealthy-connection-nodes: alarm on 1 metric(s)": 0.10,
		"aws:cloudwatch/metricAlarm:MetricAlarm push-alarms-unhealthy-endpoint-nodes: alarm on 1 metric(s)":   0.10,
		"aws:cloudwatch/dashboard:Dashboard push-dashboard: dashboard (an account's first three are free)":    3.00,
	}, linesOf(e))
	// 2 × (15.18 + 1.60 + 3.65) + 16.43 + 7.30 + 2 × 1.00 + 2 × 0.10 + 3.00
	assert.Equal(t, 69.79, e.Total)
}

// TestAlarmsArePricedPerMetric: a metric math alarm costs one alarm
// metric per metric it reads (CloudWatch pricing), its expression nothing.
func TestAlarmsArePricedPerMetric(t *testing.T) {
	e := estimateOf(t, map[string]string{"firehose": "true"})
	for _, l := range e.Lines {
		if l.Resource == "aws:cloudwatch/metricAlarm:MetricAlarm push-alarms-log-stream-silent" {
			assert.Equal(t, "alarm on 4 metric(s)", l.Item, "two healthy-host counts, flows and incoming records")
			assert.Equal(t, 0.40, l.Monthly, "4 × 0.10")
			return
		}
	}
	t.Fatal("no line for the silence alarm")
}

// TestTargetTrackingPoliciesPayForTheirAlarms: each target tracking policy
// in the plan costs the two alarms Auto Scaling creates for it, per metric
// it tracks; a group that does not scale has no policy and no line.
func TestTargetTrackingPoliciesPayForTheirAlarms(t *testing.T) {
	const (
		policy      = "aws:autoscaling/policy:Policy "
		connections = policy + "push-connection-connections: 2 alarms Auto Scaling creates for target tracking (high and low), 2 metric(s) each"
		connCPU     = policy + "push-connection-cpu: 2 alarms Auto Scaling creates for target tracking (high and low), 1 metric(s) each"
		endCPU      = policy + "push-endpoint-cpu: 2 alarms Auto Scaling creates for target tracking (high and low), 1 metric(s) each"
	)
	for _, tc := range []struct {
		name   string
		config map[string]string
		want   map[string]float64
		total  float64
	}{
		{"no group scales", nil, map[string]float64{}, 69.79},
		{"connection nodes scale", map[string]string{"connectionNodesMax": "3"},
			// flows / nodes: 2 alarms × 2 metrics × 0.10; CPU: 2 × 1 × 0.10
			map[string]float64{connections: 0.40, connCPU: 0.20},
			69.79 + 0.40 + 0.20},
		{"both scale", map[string]string{"connectionNodesMax": "3", "endpointNodesMax": "2"},
			map[string]float64{connections: 0.40, connCPU: 0.20, endCPU: 0.20},
			69.79 + 0.40 + 0.20 + 0.20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := estimateOf(t, tc.config)
			assert.Equal(t, tc.want, linesOfType(e, "aws:autoscaling/policy:Policy"))
			assert.Equal(t, cents(tc.total), cents(e.Total))
		})
	}
}

// TestLogMetricFiltersAreCustomMetrics: each request metric filter (a
// default value, so published whenever its log group gets a line) is one
// custom metric.
func TestLogMetricFiltersAreCustomMetrics(t *testing.T) {
	e := estimateOf(t, map[string]string{"firehose": "true"})
	const every = " (its default value publishes it for every hour the log group gets a line)"
	assert.Equal(t, map[string]float64{
		"aws:cloudwatch/logMetricFilter:LogMetricFilter push-dashboard-Requests: 1 × custom metric PushTurnkey/Endpoint Requests" + every:       0.30,
		"aws:cloudwatch/logMetricFilter:LogMetricFilter push-dashboard-Requests4xx: 1 × custom metric PushTurnkey/Endpoint Requests4xx" + every: 0.30,
		"aws:cloudwatch/logMetricFilter:LogMetricFilter push-dashboard-Requests5xx: 1 × custom metric PushTurnkey/Endpoint Requests5xx" + every: 0.30,
	}, linesOfType(e, "aws:cloudwatch/logMetricFilter:LogMetricFilter"))
	// 69.79 + alarms on 1 + 4 metrics × 0.10 + 3 metrics × 0.30
	assert.Equal(t, 71.19, e.Total)
}

// TestProcessorMetricsAreCustomMetrics: the processor Lambda's seven
// metrics, one FunctionName each, are seven custom metrics.
func TestProcessorMetricsAreCustomMetrics(t *testing.T) {
	e := estimateOf(t, map[string]string{"processor": "true"})
	assert.Equal(t, map[string]float64{
		// 7 × 0.30
		"aws:lambda/function:Function push-processor-processor: 7 × custom metric PushTurnkey/Processor " +
			"{Records, Readable, Deliveries, Unattributed, Unreadable, Malformed, MalformedPercent} by FunctionName " +
			"(embedded metric format, for every hour the function runs)": 2.10,
	}, linesOfType(e, "aws:lambda/function:Function"))
}

// TestCustomMetricsAreCountedOnce: two filters that publish the same metric
// (on two log groups) make one custom metric; a filter without a default
// value publishes only for matching lines, so nothing at no traffic.
func TestCustomMetricsAreCountedOnce(t *testing.T) {
	const typ = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	filter := func(name, group string, transformation map[string]interface{}) plan.Resource {
		return res(typ, name, map[string]interface{}{"logGroupName": group, "pattern": "x", "metricTransformation": transformation})
	}
	same := map[string]interface{}{"namespace": "N", "name": "M", "value": "1", "defaultValue": "0"}
	e, err := Of(handPlan(
		filter("a", "g1", same), filter("b", "g2", same),
		filter("c", "g1", map[string]interface{}{"namespace": "N", "name": "Other", "value": "1"}),
	), "us-east-1")
	require.NoError(t, err)
	const every = " (its default value publishes it for every hour the log group gets a line)"
	assert.Equal(t, map[string]float64{
		typ + " a: 1 × custom metric N M" + every:                                                                   0.30,
		typ + " b: 0 × custom metric N M" + every + "; 1 also published by " + typ + " a, counted there":            0,
		typ + " c: custom metric N Other (no default value: published only for matching lines, none at no traffic)": 0,
	}, linesOf(e))
	assert.Equal(t, 0.30, e.Total)
}

// TestProcessorMetricsAreTheLambdas: the metrics priced for the processor
// are the ones its Lambda writes: the embedded metric format document of
// processor.MetricAttrs, as the Lambda logs it (JSON through slog).
func TestProcessorMetricsAreTheLambdas(t *testing.T) {
	var out strings.Builder
	slog.New(slog.NewJSONHandler(&out, nil)).Info("processed log object",
		processor.MetricAttrs("push-processor", processor.Summary{}, time.UnixMilli(0))...)
	var doc struct {
		AWS struct {
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name string }
			}
		} `json:"_aws"`
	}
	require.NoError(t, json.Unmarshal([]byte(out.String()), &doc))
	require.Len(t, doc.AWS.CloudWatchMetrics, 1)
	d := doc.AWS.CloudWatchMetrics[0]
	assert.Equal(t, processorMetricsNamespace, d.Namespace)
	assert.Equal(t, [][]string{{"FunctionName"}}, d.Dimensions, "one dimension set: one metric per name")
	var names []string
	for _, m := range d.Metrics {
		names = append(names, m.Name)
	}
	assert.Equal(t, processorMetricNames, names)
}

// TestKMSKeysShowTheirFirstYear: a key is priced at $1 a month; with
// rotation its item says when the first two rotations add $1 each.
func TestKMSKeysShowTheirFirstYear(t *testing.T) {
	const typ = "aws:kms/key:Key"
	e, err := Of(handPlan(
		res(typ, "plain", map[string]interface{}{"enableKeyRotation": false}),
		res(typ, "yearly", map[string]interface{}{"enableKeyRotation": true}),
		res(typ, "quarterly", map[string]interface{}{"enableKeyRotation": true, "rotationPeriodInDays": 90}),
	), "us-east-1")
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{
		typ + " plain: KMS key (no automatic rotation)": 1.00,
		typ + " yearly: " + kmsFirstYear:                1.00,
		// $1 + $1 from day 90, $1 + 2 × $1 from day 2 × 90
		typ + " quarterly: KMS key, its first 90 days (automatic rotation: $2.00/month from day 90, $3.00/month from day 180 on)": 1.00,
	}, linesOf(e))
}

// TestUnpricedInputsAreRefused: what the table or the plan cannot price
// is an error that names it, not a line at a guessed price.
func TestUnpricedInputsAreRefused(t *testing.T) {
	_, err := Of(planOf(t, "eu-west-1", nil), "eu-west-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no prices for eu-west-1: ops/cost/prices-us-east-1.json holds us-east-1 only")

	_, err = Of(planOf(t, "us-east-1", map[string]string{"instanceType": "m6a.large"}), "us-east-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no price for instance type m6a.large in ops/cost/prices-us-east-1.json; add it from https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, us-east-1)")

	const policy = "aws:autoscaling/policy:Policy"
	tracking := func(config map[string]interface{}) plan.Resource {
		return res(policy, "p", map[string]interface{}{"policyType": "TargetTrackingScaling", "targetTrackingConfiguration": config})
	}
	cpu := map[string]interface{}{"predefinedMetricType": "ASGAverageCPUUtilization"}
	for _, tc := range []struct {
		name string
		r    plan.Resource
		want string
	}{
		{"metric filter with dimensions", res("aws:cloudwatch/logMetricFilter:LogMetricFilter", "f", map[string]interface{}{
			"metricTransformation": map[string]interface{}{"namespace": "N", "name": "M", "value": "1", "defaultValue": "0",
				"dimensions": map[string]interface{}{"Status": "$.status"}}}),
			"LogMetricFilter f: a metric filter with dimensions makes a custom metric per value in the log lines"},
		{"scale-in disabled", tracking(map[string]interface{}{"predefinedMetricSpecification": cpu, "disableScaleIn": true}),
			"Policy p: disableScaleIn"},
		{"high resolution metric", tracking(map[string]interface{}{"customizedMetricSpecification": map[string]interface{}{
			"metrics": []interface{}{map[string]interface{}{"id": "m", "metricStat": map[string]interface{}{"period": 10, "stat": "Average",
				"metric": map[string]interface{}{"namespace": "N", "metricName": "M"}}}}}}),
			"Policy p: a period under 60 s makes high resolution alarms"},
		{"no metric", tracking(map[string]interface{}{"customizedMetricSpecification": map[string]interface{}{}}),
			"Policy p: target tracking on no metric"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Of(handPlan(tc.r), "us-east-1")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	// Other policy types act on alarms the program registers: no line.
	e, err := Of(handPlan(res(policy, "step", map[string]interface{}{"policyType": "StepScaling"})), "us-east-1")
	require.NoError(t, err)
	assert.Empty(t, e.Lines)
}

// TestPriceTableRefusesMissingPrices: a table without a price would price
// its lines at nothing; it is refused with the field's name.
func TestPriceTableRefusesMissingPrices(t *testing.T) {
	var table map[string]interface{}
	require.NoError(t, json.Unmarshal(pricesJSON, &table))
	edited := func(field string, v interface{}) []byte {
		c := map[string]interface{}{}
		for k, val := range table {
			c[k] = val
		}
		if v == nil {
			delete(c, field)
		} else {
			c[field] = v
		}
		out, err := json.Marshal(c)
		require.NoError(t, err)
		return out
	}
	_, err := parsePrices(edited("customMetricMonthly", nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "customMetricMonthly is missing or not above zero")
	_, err = parsePrices(edited("kmsChargedRotations", 0))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "kmsChargedRotations is missing or not above zero")
	_, err = parsePrices([]byte(`{"region": `))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cost: parse ops/cost/prices-us-east-1.json")
	_, err = parsePrices(pricesJSON)
	require.NoError(t, err, "the embedded table")
}

// TestPricesHaveSources: each price these lines use that the table's
// sources list has a page with its title, address and the date it was
// read, and every field a source names is in the table.
func TestPricesHaveSources(t *testing.T) {
	p, err := LoadPrices()
	require.NoError(t, err)
	var table map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(pricesJSON, &table))
	sourced := map[string]bool{}
	for _, s := range p.Sources {
		assert.NotEmpty(t, s.Title, s.URL)
		assert.Regexp(t, `^https://(aws\.amazon\.com|docs\.aws\.amazon\.com)/`, s.URL)
		_, err := time.Parse("2006-01-02", s.Read)
		assert.NoError(t, err, "%s: read date", s.URL)
		assert.NotEmpty(t, s.Says, s.URL)
		for _, f := range s.For {
			assert.Contains(t, table, f, "%s names a field of the table", s.URL)
			sourced[f] = true
		}
	}
	for _, f := range []string{"alarmMetricMonthly", "customMetricMonthly", "kmsKeyMonthly", "kmsRotationMonthly", "kmsChargedRotations"} {
		assert.True(t, sourced[f], "%s has a source", f)
	}
}

// TestTotalIsTheSumOfTheShownLines: the total adds the lines as shown, to
// the cent, without float drift.
func TestTotalIsTheSumOfTheShownLines(t *testing.T) {
	assert.Equal(t, 30.36, total([]Line{{Monthly: 15.18}, {Monthly: 15.18}}), "two t3.small lines, not round(2 × 15.184) = 30.37")
	assert.Equal(t, 0.3, total([]Line{{Monthly: 0.1}, {Monthly: 0.2}}), "0.1 + 0.2 is 0.30000000000000004 in floats")
	assert.Equal(t, 0.0, total(nil))
}

// TestUnknownTypesAreRefused: a resource type neither priced nor listed as
// free at no traffic is refused, naming it, never taken as free.
func TestUnknownTypesAreRefused(t *testing.T) {
	p := &plan.Plan{Resources: []plan.Resource{{Type: "aws:ecr/repository:Repository", Name: "mirror", Custom: true}}}
	_, err := Of(p, "us-east-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no price for resource type aws:ecr/repository:Repository (mirror)")
	p.Resources[0].Type = "aws:sqs/queue:Queue"
	e, err := Of(p, "us-east-1")
	require.NoError(t, err, "a listed type is free at no traffic")
	assert.Empty(t, e.Lines)
}

// TestUnpricedAndUnknownTypesAreToldApart: a type AWS has that the table
// does not price asks for its price; a name AWS does not have is named as
// such (a plan made by hand: the program refuses it before).
func TestUnpricedAndUnknownTypesAreToldApart(t *testing.T) {
	lt := func(typ string) plan.Resource {
		r := res("aws:ec2/launchTemplate:LaunchTemplate", "lt", map[string]interface{}{"instanceType": typ})
		r.ID = "lt-1"
		return r
	}
	instance := res("aws:ec2/instance:Instance", "api", map[string]interface{}{"launchTemplate": map[string]interface{}{"id": "lt-1"}})
	_, err := Of(handPlan(lt("m5d.large"), instance), "us-east-1")
	require.Error(t, err)
	assert.Equal(t, "cost: no price for instance type m5d.large in ops/cost/prices-us-east-1.json; add it from https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, us-east-1)", err.Error())
	_, err = Of(handPlan(lt("t3.smal"), instance), "us-east-1")
	require.Error(t, err)
	assert.Equal(t, "cost: t3.smal is not an EC2 instance type (AWS's list of 2026-11-20, program/stackconfig/awslists/ec2-instance-types.json, has no such name)", err.Error())

	redis := func(typ string) plan.Resource {
		return res("aws:elasticache/replicationGroup:ReplicationGroup", "redis", map[string]interface{}{"nodeType": typ, "numCacheClusters": 1})
	}
	_, err = Of(handPlan(redis("cache.r7g.large")), "us-east-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cost: no price for ElastiCache node type cache.r7g.large in ops/cost/prices-us-east-1.json; add it from")
	_, err = Of(handPlan(redis("cache.t4g.mirco")), "us-east-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cost: cache.t4g.mirco is not an ElastiCache node type")
}

// TestInstanceTypesAUserPicksArePriced: the families and sizes a user
// picks for the nodes have a price, each an EC2 instance type, and each
// price no source confirmed is marked so.
func TestInstanceTypesAUserPicksArePriced(t *testing.T) {
	p, err := LoadPrices()
	require.NoError(t, err)
	var wanted []string
	for _, family := range []string{"t3", "t4g"} {
		for _, size := range []string{"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"} {
			wanted = append(wanted, family+"."+size)
		}
	}
	for _, family := range []string{"m5", "m6i", "m7i", "c5", "c6i", "c7i", "r6i"} {
		for _, size := range []string{"large", "xlarge", "2xlarge"} {
			wanted = append(wanted, family+"."+size)
		}
	}
	for _, typ := range wanted {
		assert.Greater(t, p.InstanceHourly[typ], 0.0, "%s has a price", typ)
	}
	for typ := range p.InstanceHourly {
		assert.True(t, stackconfig.IsEC2InstanceType(typ), "%s is an EC2 instance type", typ)
	}
	require.NotEmpty(t, p.InstanceHourlyNotConfirmed.Note)
	_, err = time.Parse("2006-01-02", p.InstanceHourlyNotConfirmed.Added)
	assert.NoError(t, err)
	for _, typ := range p.InstanceHourlyNotConfirmed.Types {
		assert.Contains(t, p.InstanceHourly, typ, "a type marked not confirmed has a price")
	}
	// Within a family each size is twice the one before it, on AWS's page
	// as in this table: a typo in a price shows here.
	sizes := []string{"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"}
	for _, typ := range wanted {
		family, size, _ := strings.Cut(typ, ".")
		i := slices.Index(sizes, size)
		if prev, ok := p.InstanceHourly[family+"."+sizes[max(i-1, 0)]]; i > 0 && ok {
			assert.InEpsilon(t, 2*prev, p.InstanceHourly[typ], 0.002, "%s is twice %s.%s (to the table's rounding)", typ, family, sizes[i-1])
		}
	}
}
