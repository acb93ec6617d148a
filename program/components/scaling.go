package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Scaling is what the node groups track when their Min < Max. Target
// tracking scales out when any policy asks and in only when all agree
// (EC2 Auto Scaling User Guide, "Multiple dynamic scaling policies").
type Scaling struct {
	// CPUPercent is the average CPU utilization both node types are kept
	// near (predefined metric ASGAverageCPUUtilization).
	CPUPercent int
	// ConnectionsPerNode is the number of client connections per healthy
	// connection node the connection group is kept near. Idle websockets
	// cost memory and descriptors, not CPU, so CPU alone would never
	// scale out a node full of quiet clients.
	ConnectionsPerNode int
}

// ConnectionsPerNodeExpression is the metric math of the connection
// policy: the load balancer's concurrent flows over the connection
// nodes in service. ActiveFlowCount has no target group dimension
// (Network Load Balancer guide, "CloudWatch metrics"), so it counts the
// endpoint listener's flows too; app servers' requests are few and short
// next to clients' websockets.
const ConnectionsPerNodeExpression = "flows / FILL(nodes, 1)"

// newScalingPolicies registers the target tracking policies of one node
// group: CPU for both types, connections per node for connection nodes
// (lbSuffix and tgSuffix are the load balancer's and the group's target
// group's CloudWatch dimensions).
func newScalingPolicies(ctx *pulumi.Context, nodeName string, group *autoscaling.Group, connection bool, s Scaling,
	lbSuffix, tgSuffix pulumi.StringInput, parent pulumi.ResourceOption) error {
	if _, err := autoscaling.NewPolicy(ctx, nodeName+"-cpu", &autoscaling.PolicyArgs{
		AutoscalingGroupName: group.Name,
		PolicyType:           pulumi.String("TargetTrackingScaling"),
		TargetTrackingConfiguration: &autoscaling.PolicyTargetTrackingConfigurationArgs{
			PredefinedMetricSpecification: &autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs{
				PredefinedMetricType: pulumi.String("ASGAverageCPUUtilization"),
			},
			TargetValue: pulumi.Float64(float64(s.CPUPercent)),
		},
	}, parent); err != nil {
		return fmt.Errorf("scaling policy %s-cpu: %w", nodeName, err)
	}
	if !connection {
		return nil
	}
	type (
		query     = autoscaling.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricArgs
		stat      = autoscaling.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatArgs
		metric    = autoscaling.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatMetricArgs
		dimension = autoscaling.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArgs
		dims      = autoscaling.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArray
	)
	nlbMetric := func(id, name string, d dims) *query {
		return &query{Id: pulumi.String(id), ReturnData: pulumi.Bool(false), MetricStat: &stat{
			Stat:   pulumi.String("Average"),
			Metric: &metric{Namespace: pulumi.String("AWS/NetworkELB"), MetricName: pulumi.String(name), Dimensions: d},
		}}
	}
	lb := &dimension{Name: pulumi.String("LoadBalancer"), Value: lbSuffix}
	if _, err := autoscaling.NewPolicy(ctx, nodeName+"-connections", &autoscaling.PolicyArgs{
		AutoscalingGroupName: group.Name,
		PolicyType:           pulumi.String("TargetTrackingScaling"),
		TargetTrackingConfiguration: &autoscaling.PolicyTargetTrackingConfigurationArgs{
			CustomizedMetricSpecification: &autoscaling.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationArgs{
				Metrics: autoscaling.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricArray{
					nlbMetric("flows", "ActiveFlowCount", dims{lb}),
					nlbMetric("nodes", "HealthyHostCount", dims{lb, &dimension{Name: pulumi.String("TargetGroup"), Value: tgSuffix}}),
					&query{Id: pulumi.String("connections"), Expression: pulumi.String(ConnectionsPerNodeExpression),
						Label: pulumi.String("client connections per connection node"), ReturnData: pulumi.Bool(true)},
				},
			},
			TargetValue: pulumi.Float64(float64(s.ConnectionsPerNode)),
		},
	}, parent); err != nil {
		return fmt.Errorf("scaling policy %s-connections: %w", nodeName, err)
	}
	return nil
}
