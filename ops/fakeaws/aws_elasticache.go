package fakeaws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

var elasticacheTypes = map[string]resourceType{
	"aws:elasticache/replicationGroup:ReplicationGroup": {
		args: elasticache.ReplicationGroupArgs{}, state: elasticache.ReplicationGroupState{},
		doc: registryPage("elasticache/replicationgroup"),
		// authToken, engineVersion, nodeType, numCacheClusters, securityGroupIds
		// and transitEncryptionEnabled are modified in place; engine and
		// engineVersion replace only on a downgrade (CustomizeDiff).
		replaceOnChanges: []string{
			"atRestEncryptionEnabled", "dataTieringEnabled", "globalReplicationGroupId", "kmsKeyId",
			"networkType", "port", "replicationGroupId", "securityGroupNames", "snapshotArns",
			"snapshotName", "subnetGroupName",
		},
		physicalName: "replicationGroupId",
		// pulumi-aws lower-cases it too, which is not modelled.
		autoName:          "replicationGroupId",
		autoNameMaxLength: 40,
		arn:               "arn:${Partition}:elasticache:${Region}:${Account}:replicationgroup:${ReplicationGroupId}",
		arnDoc:            serviceAuthorization("amazonelasticache"),
		make:              makeReplicationGroup,
	},
	"aws:elasticache/subnetGroup:SubnetGroup": {
		args: elasticache.SubnetGroupArgs{}, state: elasticache.SubnetGroupState{},
		doc: registryPage("elasticache/subnetgroup"),
		// description and subnetIds go through ModifyCacheSubnetGroup.
		replaceOnChanges:  []string{"name"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		arn:               "arn:${Partition}:elasticache:${Region}:${Account}:subnetgroup:${SubnetGroupName}",
		arnDoc:            serviceAuthorization("amazonelasticache"),
		make:              byName("SubnetGroupName"),
	},
}

// makeReplicationGroup: the group is known by its ID; its primary endpoint
// is master.<group>.<id>.<region code>.cache.amazonaws.com (the form
// ElastiCache gives a group with in-transit encryption: "Finding
// connection endpoints", ElastiCache User Guide), and its one node is
// <group>-001, as ElastiCache names a group's nodes.
func makeReplicationGroup(m *made) string {
	group := m.name()
	m.set("primaryEndpointAddress", "master."+group+"."+m.suffix+"."+regionCode(m.region)+".cache.amazonaws.com")
	m.set("arn", m.arnOf("ReplicationGroupId", group))
	m.state["memberClusters"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(group + "-001")})
	return group
}
