package fakeaws

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AccountID is the fake account's ID: the caller identity every look-up
// answers with and the account every made-up ARN names.
const AccountID = "123456789012"

// Partition is the fake account's partition (the commercial regions).
const Partition = "aws"

// Account is the fake AWS account: what exists in it (its World, kept by
// its Store), the settings of the provider that uses it (region, default
// tags), and the rules by which it answers look-ups and makes, reads,
// changes and deletes resources. The offline plan and the fake provider
// plugin both drive one of these.
type Account struct {
	store Store

	mu          sync.Mutex
	region      string
	defaultTags resource.PropertyMap
}

// NewAccount returns the account whose world store keeps. It is in
// us-east-1 until Configure says otherwise.
func NewAccount(store Store) *Account {
	return &Account{store: store, region: "us-east-1", defaultTags: resource.PropertyMap{}}
}

// Configure takes the AWS provider's settings (its inputs; an object or a
// list may come as JSON text, as the engine passes config): the region
// and the default tags. Like the real provider it refuses, before
// anything is read or changed, credentials of an account outside a
// non-empty allowedAccountIds.
func (a *Account) Configure(settings resource.PropertyMap) error {
	region := unwrap(settings["region"])
	tags := decodedSetting(settings["defaultTags"])
	allowed := decodedSetting(settings["allowedAccountIds"])
	if allowed.IsArray() && len(allowed.ArrayValue()) > 0 && !slices.ContainsFunc(allowed.ArrayValue(), func(v resource.PropertyValue) bool {
		return unwrap(v).IsString() && unwrap(v).StringValue() == AccountID
	}) {
		return fmt.Errorf("AWS account ID not allowed: %s", AccountID)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if region.IsString() && region.StringValue() != "" {
		a.region = region.StringValue()
	}
	if tags.IsObject() {
		if inner := unwrap(tags.ObjectValue()["tags"]); inner.IsObject() {
			a.defaultTags = inner.ObjectValue()
		}
	}
	return nil
}

// decodedSetting is a provider setting as a value: config values of
// objects and lists arrive as JSON text.
func decodedSetting(v resource.PropertyValue) resource.PropertyValue {
	v = unwrap(v)
	if !v.IsString() {
		return v
	}
	var decoded interface{}
	if err := json.Unmarshal([]byte(v.StringValue()), &decoded); err != nil {
		return v
	}
	return resource.NewPropertyValue(decoded)
}

// Region is the region the account answers in.
func (a *Account) Region() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.region
}

// TagsAll is what pulumi-aws computes as a resource's tagsAll: the
// provider's default tags overlaid with the resource's own (its tags
// input, own; null for none).
func (a *Account) TagsAll(own resource.PropertyValue) resource.PropertyValue {
	a.mu.Lock()
	all := a.defaultTags.Copy()
	a.mu.Unlock()
	return overlayTags(all, own)
}

func overlayTags(all resource.PropertyMap, own resource.PropertyValue) resource.PropertyValue {
	if all == nil {
		all = resource.PropertyMap{}
	}
	if own = unwrap(own); own.IsObject() {
		for k, v := range own.ObjectValue() {
			all[k] = v
		}
	}
	return resource.NewObjectProperty(all)
}
