package fakeaws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
)

// cloudwatchTypes are CloudWatch's and CloudWatch Logs' types (module
// cloudwatch of pulumi-aws).
var cloudwatchTypes = map[string]resourceType{
	"aws:cloudwatch/dashboard:Dashboard": {
		args: cloudwatch.DashboardArgs{}, state: cloudwatch.DashboardState{},
		doc:              registryPage("cloudwatch/dashboard"),
		replaceOnChanges: []string{"dashboardName"},
		// PutDashboard overwrites a dashboard of the same name rather than
		// failing; the fake reports the clash, which would otherwise be a
		// silent takeover.
		physicalName: "dashboardName",
		arn:          "arn:${Partition}:cloudwatch::${Account}:dashboard/${DashboardName}",
		arnDoc:       serviceAuthorization("amazoncloudwatch"),
		make: func(m *made) string {
			m.set("dashboardArn", m.arnOf("DashboardName", m.name()))
			return m.name()
		},
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		args: cloudwatch.LogGroupArgs{}, state: cloudwatch.LogGroupState{},
		doc:               registryPage("cloudwatch/loggroup"),
		replaceOnChanges:  []string{"logGroupClass", "name", "namePrefix"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		exists:            "ResourceAlreadyExistsException: The specified log group already exists",
		arn:               "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}",
		arnDoc:            serviceAuthorization("amazoncloudwatchlogs"),
		make:              byName("LogGroupName"),
	},
	"aws:cloudwatch/logMetricFilter:LogMetricFilter": {
		args: cloudwatch.LogMetricFilterArgs{}, state: cloudwatch.LogMetricFilterState{},
		doc: registryPage("cloudwatch/logmetricfilter"),
		// PutMetricFilter updates a filter of the same name in place; the
		// name is unique within its log group.
		replaceOnChanges:  []string{"logGroupName", "name"},
		autoName:          "name",
		autoNameMaxLength: 255,
		make:              func(m *made) string { return m.name() },
	},
	"aws:cloudwatch/logStream:LogStream": {
		args: cloudwatch.LogStreamArgs{}, state: cloudwatch.LogStreamState{},
		doc:              registryPage("cloudwatch/logstream"),
		replaceOnChanges: []string{"logGroupName", "name"},
		// A stream name is unique only within its log group.
		autoName:          "name",
		autoNameMaxLength: 255,
		arn:               "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}",
		arnDoc:            serviceAuthorization("amazoncloudwatchlogs"),
		make: func(m *made) string {
			m.set("arn", m.arnOf("LogGroupName", m.str("logGroupName"), "LogStreamName", m.name()))
			return m.name()
		},
	},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {
		args: cloudwatch.MetricAlarmArgs{}, state: cloudwatch.MetricAlarmState{},
		doc: registryPage("cloudwatch/metricalarm"),
		// Terraform alarm_name; every other input goes through PutMetricAlarm.
		replaceOnChanges: []string{"name"},
		// PutMetricAlarm overwrites an alarm of the same name; the fake
		// reports the clash instead, as for Dashboard.
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		arn:               "arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:${AlarmName}",
		arnDoc:            serviceAuthorization("amazoncloudwatch"),
		make:              byName("AlarmName"),
	},
}
