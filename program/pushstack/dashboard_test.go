package pushstack_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/testing/cwlogs"
	"github.com/push-turnkey/push-turnkey/testing/logfixture"
)

type dashboardBody struct {
	Widgets []struct {
		Type       string `json:"type"`
		X, Y       int
		Width      int `json:"width"`
		Height     int `json:"height"`
		Properties struct {
			Title   string          `json:"title"`
			Region  string          `json:"region"`
			Metrics [][]interface{} `json:"metrics"`
		} `json:"properties"`
	} `json:"widgets"`
}

// TestDashboardPerTier: one dashboard, named in an output, with widgets
// for the tiers that exist, each valid as the CloudWatch API Reference's
// "Dashboard Body Structure and Syntax" states: a 24-column grid, metric
// rows of namespace, metric name, then dimension name and value pairs and
// at most one options object.
func TestDashboardPerTier(t *testing.T) {
	core := []string{"Healthy and unhealthy nodes per type", "Load balancer: active and new connections",
		"Load balancer: processed bytes", "DynamoDB: consumed capacity per table", "DynamoDB: throttled requests per table"}
	firehose := append(append([]string{}, core...), "Endpoint: WebPush requests, 4xx and 5xx", "Firehose: incoming records and delivery to S3")
	want := map[string][]string{
		"default":  core,
		"firehose": firehose,
		"processor": append(append([]string{}, firehose...), "Processor: invocations and errors", "Processor: duration (ms)",
			"Processor: deliveries read", "Redis: CPU and memory (percent)"),
	}
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			p := runPlan(t, config, nil)
			dash := one(t, p, "aws:cloudwatch/dashboard:Dashboard", "push-dashboard")
			assert.Equal(t, "push-test-push", str(t, dash, "dashboardName"))
			assert.Equal(t, "push-test-push", p.Outputs["dashboardName"].Value)
			var body dashboardBody
			require.NoError(t, json.Unmarshal([]byte(str(t, dash, "dashboardBody")), &body))
			var titles []string
			dims := map[string]map[string]bool{}
			for _, w := range body.Widgets {
				titles = append(titles, w.Properties.Title)
				assert.Equal(t, "metric", w.Type)
				assert.True(t, w.X >= 0 && w.Width >= 1 && w.X+w.Width <= 24, "%s fits the 24-column grid", w.Properties.Title)
				assert.True(t, w.Height >= 1 && w.Height <= 1000, w.Properties.Title)
				assert.Equal(t, "us-east-1", w.Properties.Region)
				require.NotEmpty(t, w.Properties.Metrics, w.Properties.Title)
				for _, row := range w.Properties.Metrics {
					strs := row
					if _, options := row[len(row)-1].(map[string]interface{}); options {
						strs = row[:len(row)-1]
					}
					require.GreaterOrEqual(t, len(strs), 2, "%v: namespace and metric name", row)
					require.Zero(t, (len(strs)-2)%2, "%v: dimension name and value pairs", row)
					for i := 2; i < len(strs); i += 2 {
						name, value := strs[i].(string), strs[i+1].(string)
						if dims[name] == nil {
							dims[name] = map[string]bool{}
						}
						dims[name][value] = true
					}
				}
			}
			assert.ElementsMatch(t, want[name], titles)

			// The dimensions name the stack's own resources.
			nlb := one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push")
			assert.Equal(t, map[string]bool{output(t, nlb, "arnSuffix"): true}, dims["LoadBalancer"])
			tgs := map[string]bool{}
			for _, tg := range p.Find("aws:lb/targetGroup:TargetGroup") {
				tgs[output(t, tg, "arnSuffix")] = true
			}
			assert.Equal(t, tgs, dims["TargetGroup"])
			tables := map[string]bool{"push-test_router": true, "push-test_message": true}
			if name == "processor" {
				tables["push-test_push_messages"] = true
				assert.Equal(t, map[string]bool{"push-test-push-processor": true}, dims["FunctionName"])
				redis := one(t, p, "aws:elasticache/replicationGroup:ReplicationGroup", "push-processor")
				assert.Equal(t, map[string]bool{redis.Outputs["memberClusters"].ArrayValue()[0].StringValue(): true}, dims["CacheClusterId"], "the group's one node")
			} else {
				assert.NotContains(t, dims, "FunctionName")
				assert.NotContains(t, dims, "CacheClusterId")
			}
			assert.Equal(t, tables, dims["TableName"])
			if firehoseOn(name) {
				assert.Equal(t, map[string]bool{"push-test-push-logs": true}, dims["DeliveryStreamName"])
			} else {
				assert.NotContains(t, dims, "DeliveryStreamName")
				assert.Empty(t, p.Find("aws:cloudwatch/logMetricFilter:LogMetricFilter"), "no request lines at info level")
			}
		})
	}
}

// TestEndpointRequestFilters: the request widgets count autoendpoint's
// "Request timings" lines on its log group: each filter the plan
// registers, applied to lines as the server writes them to stdout (the
// Firehose record without its 0x1E; logfixture), counts what its metric
// names and nothing else.
func TestEndpointRequestFilters(t *testing.T) {
	p := runPlan(t, configs["firehose"], nil)
	filters := map[string]string{}
	for _, f := range p.Find("aws:cloudwatch/logMetricFilter:LogMetricFilter") {
		assert.Equal(t, "/push-turnkey/push-test/endpoint", str(t, f, "logGroupName"))
		tr := masked(f, "metricTransformation").(map[string]interface{})
		assert.Equal(t, components.EndpointMetricsNamespace, tr["namespace"])
		assert.Equal(t, "1", tr["value"])
		assert.Equal(t, "0", tr["defaultValue"], "no requests is 0, not missing")
		filters[tr["name"].(string)] = str(t, f, "pattern")
	}
	require.Len(t, filters, 3)

	// Lines of one endpoint node: requests answered 201, 410, 413 and 503,
	// and a line that is not a request's timings.
	push := logfixture.Push{Time: 1796108707.7714929, SenderKey: vapidKeyText, MessageID: "a", BodyLength: 10, TTL: logfixture.TTL(60)}
	var lines [][]byte
	for _, status := range []int{201, 410, 413, 503} {
		var o logfixture.Object
		o.RequestTimings(push, status)
		lines = append(lines, bytes.TrimPrefix(bytes.TrimSpace(o.Plain()), []byte{0x1E}))
	}
	var other logfixture.Object
	other.Hello(1796108707, logfixture.Client{UAIDHash: "x"})
	lines = append(lines, bytes.TrimPrefix(bytes.TrimSpace(other.Plain()), []byte{0x1E}))

	counts := map[string]int{}
	for name, pattern := range filters {
		for _, line := range lines {
			match, err := cwlogs.MatchJSON(pattern, line)
			require.NoError(t, err, "%s: %s", name, pattern)
			if match {
				counts[name]++
			}
		}
	}
	assert.Equal(t, map[string]int{"Requests": 4, "Requests4xx": 2, "Requests5xx": 1}, counts)
}

// vapidKeyText is a VAPID public key as a sender writes it.
const vapidKeyText = "BNNL5ZaTfK81qhXOx23-wewhigUeFb632jN6LvRWCFH1ubQr77FE_9qV1FuojuRmHP42zmf34rXgW80OvUVDgTk"
