package fakeaws

import (
	"strings"
)

// zone is an Availability Zone or Local Zone of the account's region.
type zone struct {
	name, id, group string
	// optIn is its opt-in-status: opt-in-not-required, or opted-in.
	optIn string
}

// zonesOf are the zones the account has in region, in the order
// DescribeAvailabilityZones lists them (by name): one Local Zone the
// account opted in to, as it may in us-east-1 (us-east-1-bos-1a,
// use1-bos1-az1), and three Availability Zones, which need no opt-in.
// Zone IDs are <region code>-az<n> (AZ IDs, AWS RAM User Guide:
// https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html).
func zonesOf(region string) []zone {
	code := regionCode(region)
	return []zone{
		{region + "-bos-1a", code + "-bos1-az1", region + "-bos-1", "opted-in"},
		{region + "a", code + "-az1", region, "opt-in-not-required"},
		{region + "b", code + "-az2", region, "opt-in-not-required"},
		{region + "c", code + "-az4", region, "opt-in-not-required"},
	}
}

// regionCode is the short code AWS gives a region in zone IDs and
// ElastiCache endpoints: "us-east-1" is use1, "ap-southeast-2" apse2,
// "eu-central-1" euc1 (the country part, each compass word by its first
// letter, the number).
func regionCode(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	direction := strings.NewReplacer("north", "n", "south", "s", "east", "e", "west", "w", "central", "c").Replace(parts[1])
	return parts[0] + direction + parts[2]
}
