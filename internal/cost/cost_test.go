package cost

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/internal/plan"
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

// TestREADMETotalsAreThePlans: the README's cost table states the totals
// this package computes for the same configs, so the two cannot drift.
func TestREADMETotalsAreThePlans(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	stated := map[string]float64{}
	for _, m := range regexp.MustCompile(`(?m)^\| \*\*total, ([^*]+)\*\*.*\| \*\*\$([0-9.]+)\*\* \|$`).FindAllStringSubmatch(string(readme), -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		require.NoError(t, err)
		stated[m[1]] = v
	}
	configs := map[string]map[string]string{
		"default config":                  {},
		"firehose=true":                   {"firehose": "true"},
		"processor=true":                  {"processor": "true"},
		"processor=true, natGateway=true": {"processor": "true", "natGateway": "true"},
	}
	require.Len(t, stated, len(configs), "the README states a total per config: %v", stated)
	for label, config := range configs {
		e, err := Of(planOf(t, "us-east-1", config), "us-east-1")
		require.NoError(t, err)
		assert.Equal(t, stated[label], e.Total, "README total, %s", label)
	}
}

// TestEveryPricedResourceHasItsLines: the default plan's priced
// resources, each priced from the table (not from numbers written here).
func TestEveryPricedResourceHasItsLines(t *testing.T) {
	prices, err := LoadPrices()
	require.NoError(t, err)
	e, err := Of(planOf(t, "us-east-1", nil), "us-east-1")
	require.NoError(t, err)
	assert.Equal(t, "us-east-1", e.Region)
	assert.Equal(t, "2026-12-01", e.PricesDate)
	hours := prices.HoursPerMonth
	month := func(hourly float64) float64 { return round(hourly * hours) }
	want := map[string]float64{
		"aws:autoscaling/group:Group push-connection: 1 × t3.small instance":                                  month(prices.InstanceHourly["t3.small"]),
		"aws:autoscaling/group:Group push-connection: 1 × 20 GiB gp3 volume":                                  round(20 * prices.GP3GBMonth),
		"aws:autoscaling/group:Group push-connection: 1 × public IPv4 address":                                month(prices.PublicIPv4Hourly),
		"aws:autoscaling/group:Group push-endpoint: 1 × t3.small instance":                                    month(prices.InstanceHourly["t3.small"]),
		"aws:autoscaling/group:Group push-endpoint: 1 × 20 GiB gp3 volume":                                    round(20 * prices.GP3GBMonth),
		"aws:autoscaling/group:Group push-endpoint: 1 × public IPv4 address":                                  month(prices.PublicIPv4Hourly),
		"aws:lb/loadBalancer:LoadBalancer push: Network Load Balancer (no LCU at no traffic)":                 month(prices.NetworkLoadBalancerHourly),
		"aws:lb/loadBalancer:LoadBalancer push: 2 × public IPv4 address (one per zone)":                       round(2 * prices.PublicIPv4Hourly * hours),
		"aws:kms/key:Key push-alarms: KMS key":                                                                prices.KMSKeyMonthly,
		"aws:kms/key:Key push-logs-key: KMS key":                                                              prices.KMSKeyMonthly,
		"aws:cloudwatch/metricAlarm:MetricAlarm push-alarms-unhealthy-connection-nodes: alarm on 1 metric(s)": prices.AlarmMetricMonthly,
		"aws:cloudwatch/metricAlarm:MetricAlarm push-alarms-unhealthy-endpoint-nodes: alarm on 1 metric(s)":   prices.AlarmMetricMonthly,
		"aws:cloudwatch/dashboard:Dashboard push-dashboard: dashboard (an account's first three are free)":    prices.DashboardMonthly,
	}
	got := map[string]float64{}
	total := 0.0
	for _, l := range e.Lines {
		got[l.Resource+": "+l.Item] = l.Monthly
		total += l.Monthly
	}
	assert.Equal(t, want, got)
	assert.Equal(t, round(total), e.Total)
}

// TestAlarmsArePricedPerMetric: a metric math alarm costs one alarm
// metric per metric it reads (CloudWatch pricing), its expression nothing.
func TestAlarmsArePricedPerMetric(t *testing.T) {
	e, err := Of(planOf(t, "us-east-1", map[string]string{"firehose": "true"}), "us-east-1")
	require.NoError(t, err)
	for _, l := range e.Lines {
		if l.Resource == "aws:cloudwatch/metricAlarm:MetricAlarm push-alarms-log-stream-silent" {
			assert.Equal(t, "alarm on 4 metric(s)", l.Item, "two healthy-host counts, flows and incoming records")
			return
		}
	}
	t.Fatal("no line for the silence alarm")
}

func TestUnpricedRegionsAndTypesAreRefused(t *testing.T) {
	_, err := Of(planOf(t, "eu-west-1", nil), "eu-west-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no prices for eu-west-1: internal/cost/prices-us-east-1.json holds us-east-1 only")

	_, err = Of(planOf(t, "us-east-1", map[string]string{"instanceType": "m6a.large"}), "us-east-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no price for instance type m6a.large in internal/cost/prices-us-east-1.json")
}
