package deploypolicy

import "strings"

// route53Page is Route 53's page of the Service Authorization Reference.
var route53Page = sar("amazonroute53")

// zone scopes to the hosted zone of the record (input zoneId; Route 53's
// ARNs have neither region nor account).
func zone(t Target, s Subject) []string {
	return []string{"arn:" + t.Partition + ":route53:::hostedzone/" + strings.TrimPrefix(s.str("zoneId"), "/hostedzone/")}
}

// changes scopes to the changes a record's change returns, whose IDs
// Route 53 chooses.
func changes(t Target, _ Subject) []string {
	return []string{"arn:" + t.Partition + ":route53:::change/*"}
}

var route53Entries = map[string]Entry{
	"aws:route53/record:Record": {Reference: []string{route53Page}, Provider: providerSource("route53/record.go"), Grants: []Grant{
		// Create, update and delete are one change call each, whose
		// status the provider waits on.
		{Op: Create, Actions: []string{"route53:ChangeResourceRecordSets", "route53:GetHostedZone"}, On: zone},
		{Op: Create, Actions: []string{"route53:GetChange"}, On: changes},
		{Op: Read, Actions: []string{"route53:ListResourceRecordSets"}, On: zone},
		{Op: Delete, Actions: []string{"route53:ChangeResourceRecordSets"}, On: zone},
	}},
}
