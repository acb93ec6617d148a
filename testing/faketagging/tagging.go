// Package faketagging stands in for the one Resource Groups Tagging API
// call cmd/recover makes, GetResources, over the fake account
// (ops/fakeaws), where no such service can run: as small as that call and
// as strict as its reference
// (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html):
// at most 50 TagFilters, each a Key of 1 to 128 characters and at most 20
// Values (a resource matches a filter when its tag has one of the values,
// or any value when none are given, and must match every filter);
// ResourcesPerPage 1 to 100 (default 100 here; the reference gives none);
// a PaginationToken it did not hand out is an InvalidParameterException.
// It lists every resource of the account with tags and an ARN, in the
// region its client asks about.
package faketagging

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
)

// Service answers from the fake account kept in the state file at Path.
type Service struct {
	Path   string
	Region string // the region of the ARNs it makes up
	// Calls counts GetResources calls.
	Calls int
}

// arnForms gives the ARN of a type whose provider outputs have no "arn"
// (Service Authorization Reference, Amazon EC2, resource types), by ID.
var arnForms = map[string]string{
	"aws:ec2/natGateway:NatGateway": "arn:aws:ec2:%s:%s:natgateway/%s",
}

// GetResources lists the tagged resources matching in's TagFilters.
func (s *Service) GetResources(_ context.Context, in *tagging.GetResourcesInput, _ ...func(*tagging.Options)) (*tagging.GetResourcesOutput, error) {
	s.Calls++
	if err := check(in); err != nil {
		return nil, err
	}
	w, err := fakeaws.Load(s.Path)
	if err != nil {
		return nil, err
	}
	var all []types.ResourceTagMapping
	for _, key := range slices.Sorted(maps.Keys(w.Resources)) {
		o := w.Resources[key]
		outs, err := fakeaws.Props(o.Outputs)
		if err != nil {
			return nil, err
		}
		tags := tagsOf(outs["tagsAll"])
		arn := plain(outs["arn"])
		if form, ok := arnForms[o.Type]; ok && arn == "" {
			arn = fmt.Sprintf(form, s.Region, fakeaws.AccountID, o.ID)
		}
		if len(tags) == 0 || arn == "" || !matches(tags, in.TagFilters) {
			continue
		}
		m := types.ResourceTagMapping{ResourceARN: aws.String(arn)}
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			m.Tags = append(m.Tags, types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
		}
		all = append(all, m)
	}
	from := 0
	if t := aws.ToString(in.PaginationToken); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n <= 0 || n > len(all) {
			return nil, &types.InvalidParameterException{Message: aws.String("the pagination token is not valid")}
		}
		from = n
	}
	size := 100
	if in.ResourcesPerPage != nil {
		size = int(*in.ResourcesPerPage)
	}
	out := &tagging.GetResourcesOutput{ResourceTagMappingList: all[from:min(from+size, len(all))], PaginationToken: aws.String("")}
	if from+size < len(all) {
		out.PaginationToken = aws.String(strconv.Itoa(from + size))
	}
	return out, nil
}

func check(in *tagging.GetResourcesInput) error {
	bad := func(msg string) error { return &types.InvalidParameterException{Message: aws.String(msg)} }
	if len(in.TagFilters) > 50 {
		return bad("TagFilters: at most 50")
	}
	for _, f := range in.TagFilters {
		if k := aws.ToString(f.Key); len(k) < 1 || len(k) > 128 {
			return bad("TagFilters.Key: 1 to 128 characters")
		}
		if len(f.Values) > 20 {
			return bad("TagFilters.Values: at most 20")
		}
	}
	if n := in.ResourcesPerPage; n != nil && (*n < 1 || *n > 100) {
		return bad("ResourcesPerPage: 1 to 100")
	}
	return nil
}

func matches(tags map[string]string, filters []types.TagFilter) bool {
	for _, f := range filters {
		v, ok := tags[aws.ToString(f.Key)]
		if !ok || (len(f.Values) > 0 && !slices.Contains(f.Values, v)) {
			return false
		}
	}
	return true
}

func tagsOf(v resource.PropertyValue) map[string]string {
	out := map[string]string{}
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsObject() {
		return out
	}
	for k, t := range v.ObjectValue() {
		if s := plain(t); s != "" {
			out[string(k)] = s
		}
	}
	return out
}

func plain(v resource.PropertyValue) string {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}
