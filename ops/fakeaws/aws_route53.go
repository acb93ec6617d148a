package fakeaws

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
)

var route53Types = map[string]resourceType{
	"aws:route53/record:Record": {
		args: route53.RecordArgs{}, state: route53.RecordState{},
		doc: registryPage("route53/record"),
		// type and setIdentifier changes are applied as one change batch.
		// A record is identified by zone, name, type and setIdentifier
		// together, and pulumi-aws does not autoname it.
		replaceOnChanges: []string{"name", "zoneId"},
		make: func(m *made) string {
			m.set("fqdn", strings.TrimSuffix(m.str("name"), "."))
			return m.generated("")
		},
	},
}
