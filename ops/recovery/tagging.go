package recovery

import (
	"context"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
)

// TaggingAPI is the one call of the Resource Groups Tagging API that
// TaggingAccount makes.
type TaggingAPI interface {
	GetResources(ctx context.Context, in *tagging.GetResourcesInput, opts ...func(*tagging.Options)) (*tagging.GetResourcesOutput, error)
}

// TaggingAccount lists tagged resources with GetResources
// (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html):
// one TagFilter per tag (a resource must match every filter), 100
// resources a page, every page.
type TaggingAccount struct{ API TaggingAPI }

// Tagged lists the region's resources carrying every tag of tags.
func (a TaggingAccount) Tagged(ctx context.Context, tags map[string]string) ([]Tagged, error) {
	in := &tagging.GetResourcesInput{ResourcesPerPage: aws.Int32(100)}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		in.TagFilters = append(in.TagFilters, types.TagFilter{Key: aws.String(k), Values: []string{tags[k]}})
	}
	var all []Tagged
	for {
		out, err := a.API.GetResources(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, m := range out.ResourceTagMappingList {
			t := Tagged{ARN: aws.ToString(m.ResourceARN), Tags: map[string]string{}}
			for _, tag := range m.Tags {
				t.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
			all = append(all, t)
		}
		if aws.ToString(out.PaginationToken) == "" {
			return all, nil
		}
		in.PaginationToken = out.PaginationToken
	}
}
