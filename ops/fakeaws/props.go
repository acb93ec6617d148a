package fakeaws

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// unwrap drops secret markers: a value that became secret is the same
// value.
func unwrap(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return unwrap(v.SecretValue().Element)
	case v.IsArray():
		items := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, item := range v.ArrayValue() {
			items[i] = unwrap(item)
		}
		return resource.NewProperty(items)
	case v.IsObject():
		m := resource.PropertyMap{}
		for k, item := range v.ObjectValue() {
			m[k] = unwrap(item)
		}
		return resource.NewObjectProperty(m)
	}
	return v
}

// str is the string at key of props ("" when absent or no string).
func str(props resource.PropertyMap, key string) string {
	if v := unwrap(props[resource.PropertyKey(key)]); v.IsString() {
		return v.StringValue()
	}
	return ""
}

// equalValues compares two values; an unknown value may change anything.
func equalValues(a, b resource.PropertyValue) bool {
	if a.ContainsUnknowns() || b.ContainsUnknowns() {
		return false
	}
	return unwrap(a).DeepEquals(unwrap(b))
}

// atPath projects props onto a dotted path; through a list it projects
// every element.
func atPath(props resource.PropertyMap, path string) resource.PropertyValue {
	head, rest, nested := strings.Cut(path, ".")
	v := props[resource.PropertyKey(head)]
	if !nested {
		return v
	}
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	switch {
	case v.IsObject():
		return atPath(v.ObjectValue(), rest)
	case v.IsArray():
		items := make([]resource.PropertyValue, 0, len(v.ArrayValue()))
		for _, item := range v.ArrayValue() {
			for item.IsSecret() {
				item = item.SecretValue().Element
			}
			if item.IsObject() {
				items = append(items, atPath(item.ObjectValue(), rest))
			} else {
				items = append(items, resource.NewNullProperty())
			}
		}
		return resource.NewProperty(items)
	}
	return v
}
