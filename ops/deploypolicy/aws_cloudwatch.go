package deploypolicy

// logsPage and cloudwatchPage are CloudWatch Logs' and CloudWatch's pages
// of the Service Authorization Reference.
var (
	logsPage       = sar("amazoncloudwatchlogs")
	cloudwatchPage = sar("amazoncloudwatch")
)

// logGroup scopes to the log group named by the input key, as a group
// ("log-group:<name>") and with what is in it ("log-group:<name>:*", the
// form several Logs actions are authorized on).
func logGroup(key string) Scope {
	return func(t Target, s Subject) []string {
		group := "log-group:" + s.str(key)
		return []string{t.regional("logs", group), t.regional("logs", group+":*")}
	}
}

// alarm scopes to the alarm itself.
func alarm(t Target, s Subject) []string {
	return []string{t.regional("cloudwatch", "alarm:"+s.physical("name"))}
}

// alarmOrFormer scopes to the alarm and to the one it replaces on a stack
// made before alarms were named after the table prefix: that one had the
// name pulumi-aws made of its logical name, which the upgrade's `pulumi
// up` (or a refresh) reads, tags included, and deletes.
func alarmOrFormer(t Target, s Subject) []string {
	scopes := alarm(t, s)
	if s.str("name") != "" {
		scopes = append(scopes, t.regional("cloudwatch", "alarm:"+s.Name+autoSuffix))
	}
	return scopes
}

// dashboard scopes to the dashboard itself (a dashboard's ARN has no
// region).
func dashboard(t Target, s Subject) []string {
	return []string{"arn:" + t.Partition + ":cloudwatch::" + AccountVariable + ":dashboard/" + s.str("dashboardName")}
}

var cloudwatchEntries = map[string]Entry{
	// Encrypted with the stack's key, whose key policy lets CloudWatch
	// Logs use it: no KMS permission of the caller.
	"aws:cloudwatch/logGroup:LogGroup": {Reference: []string{logsPage}, Provider: providerSource("logs/group.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"logs:CreateLogGroup", "logs:PutRetentionPolicy"}, On: logGroup("name")},
		// DescribeLogGroups lists the account's groups: the reference
		// gives it no resource type.
		{Op: Read, Actions: []string{"logs:DescribeLogGroups"}},
		// The Messages API instance's after-create hook reads the API's
		// group for its first line (components.APIWait).
		{Op: Read, Actions: []string{"logs:FilterLogEvents"}, On: logGroup("name")},
		{Op: Update, Actions: []string{"logs:DeleteRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey"}, On: logGroup("name")},
		// The 5.14 source tags with TagLogGroup and friends; later
		// versions with TagResource and friends.
		{Op: Tag, Actions: []string{"logs:ListTagsLogGroup", "logs:TagLogGroup", "logs:UntagLogGroup",
			"logs:ListTagsForResource", "logs:TagResource", "logs:UntagResource"}, On: logGroup("name")},
		{Op: Delete, Actions: []string{"logs:DeleteLogGroup"}, On: logGroup("name")},
	}},
	"aws:cloudwatch/logStream:LogStream": {Reference: []string{logsPage}, Provider: providerSource("logs/stream.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"logs:CreateLogStream"}, On: logGroup("logGroupName")},
		{Op: Read, Actions: []string{"logs:DescribeLogStreams"}, On: logGroup("logGroupName")},
		{Op: Delete, Actions: []string{"logs:DeleteLogStream"}, On: logGroup("logGroupName")},
	}},
	"aws:cloudwatch/logMetricFilter:LogMetricFilter": {Reference: []string{logsPage}, Provider: providerSource("logs/metric_filter.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"logs:PutMetricFilter"}, On: logGroup("logGroupName")},
		{Op: Read, Actions: []string{"logs:DescribeMetricFilters"}, On: logGroup("logGroupName")},
		{Op: Delete, Actions: []string{"logs:DeleteMetricFilter"}, On: logGroup("logGroupName")},
	}},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {Reference: []string{cloudwatchPage}, Provider: providerSource("cloudwatch/metric_alarm.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"cloudwatch:PutMetricAlarm"}, On: alarm},
		{Op: Read, Actions: []string{"cloudwatch:DescribeAlarms"}, On: alarmOrFormer},
		{Op: Tag, Actions: []string{"cloudwatch:ListTagsForResource", "cloudwatch:TagResource", "cloudwatch:UntagResource"}, On: alarmOrFormer},
		{Op: Delete, Actions: []string{"cloudwatch:DeleteAlarms"}, On: alarmOrFormer},
	}},
	"aws:cloudwatch/dashboard:Dashboard": {Reference: []string{cloudwatchPage}, Provider: providerSource("cloudwatch/dashboard.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"cloudwatch:PutDashboard"}, On: dashboard},
		{Op: Read, Actions: []string{"cloudwatch:GetDashboard"}, On: dashboard},
		{Op: Delete, Actions: []string{"cloudwatch:DeleteDashboards"}, On: dashboard},
	}},
}
