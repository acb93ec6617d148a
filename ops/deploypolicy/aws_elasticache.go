package deploypolicy

// elasticachePage is ElastiCache's page of the Service Authorization
// Reference.
var elasticachePage = sar("amazonelasticache")

// elasticacheTags are ElastiCache's tagging calls (tags_gen.go).
var elasticacheTags = Grant{Op: Tag, Actions: []string{"elasticache:AddTagsToResource", "elasticache:RemoveTagsFromResource",
	"elasticache:ListTagsForResource"}, On: anyOf("elasticache")}

// A replication group creates clusters and uses the default parameter
// group, whose names AWS chooses: the grants cover the account's
// ElastiCache resources of the region.
var elasticacheEntries = map[string]Entry{
	"aws:elasticache/replicationGroup:ReplicationGroup": {Reference: []string{elasticachePage, iamPage},
		Provider: providerSource("elasticache/replication_group.go"), Grants: []Grant{
			{Op: Create, Actions: []string{"elasticache:CreateReplicationGroup"}, On: anyOf("elasticache")},
			serviceLinkedRole("elasticache.amazonaws.com"),
			{Op: Read, Actions: []string{"elasticache:DescribeReplicationGroups", "elasticache:DescribeCacheClusters"}, On: anyOf("elasticache")},
			{Op: Update, Actions: []string{"elasticache:ModifyReplicationGroup"}, On: anyOf("elasticache")},
			elasticacheTags,
			{Op: Delete, Actions: []string{"elasticache:DeleteReplicationGroup"}, On: anyOf("elasticache")},
		}},
	"aws:elasticache/subnetGroup:SubnetGroup": {Reference: []string{elasticachePage}, Provider: providerSource("elasticache/subnet_group.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"elasticache:CreateCacheSubnetGroup"}, On: anyOf("elasticache")},
		{Op: Read, Actions: []string{"elasticache:DescribeCacheSubnetGroups"}, On: anyOf("elasticache")},
		{Op: Update, Actions: []string{"elasticache:ModifyCacheSubnetGroup"}, On: anyOf("elasticache")},
		elasticacheTags,
		{Op: Delete, Actions: []string{"elasticache:DeleteCacheSubnetGroup"}, On: anyOf("elasticache")},
	}},
}
