package fakeaws

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// made is one resource being made in the account: what a type's make
// reads and writes.
type made struct {
	typ     string
	rt      resourceType
	logical string // the logical name
	// suffix are the digits its made-up IDs end in: fresh random ones in
	// the engine tests, the hash of its type and name in the offline plan
	// (so two runs agree).
	suffix string
	region string
	// state holds its inputs; make adds its outputs.
	state resource.PropertyMap
	err   error
}

// str is a string input or output ("" when absent).
func (m *made) str(key string) string { return str(m.state, key) }

// set sets a string output.
func (m *made) set(key, value string) {
	m.state[resource.PropertyKey(key)] = resource.NewProperty(value)
}

// name is the resource's physical name (its type's physicalName, else its
// autoName input).
func (m *made) name() string {
	if m.rt.physicalName != "" {
		return m.str(m.rt.physicalName)
	}
	return m.str(m.rt.autoName)
}

// generated is a made-up ID: prefix and the suffix ("eni-1a2b3c4"), or
// with no prefix the logical name, "-" and the suffix.
func (m *made) generated(prefix string) string {
	if prefix == "" {
		return m.logical + "-" + m.suffix
	}
	return prefix + m.suffix
}

// uuid is a made-up UUID, 8-4-4-4-12 hex digits (the suffix, then zeros):
// the form of a KMS key ID, an ACM certificate ID, an Auto Scaling group
// ID.
func (m *made) uuid() string { return m.suffix + "0-0000-0000-0000-000000000000" }

// arnOf is the resource's ARN: the type's form with ${Partition},
// ${Region}, ${Account} and the given name-value pairs filled in. A part
// left unfilled, or a type without a form, is an error of the creation.
func (m *made) arnOf(pairs ...string) string {
	if m.rt.arn == "" || len(pairs)%2 != 0 {
		m.fail(fmt.Errorf("fake aws: %s has no ARN form for %v", m.typ, pairs))
		return ""
	}
	arn := renderARN(m.rt.arn, m.region, AccountID, pairs...)
	if strings.Contains(arn, "${") {
		m.fail(fmt.Errorf("fake aws: the ARN of %s leaves a part unfilled: %s", m.typ, arn))
	}
	return arn
}

// renderARN fills an ARN form: ${Partition}, ${Region} (region),
// ${Account} (account), and the given name-value pairs.
func renderARN(form, region, account string, pairs ...string) string {
	all := []string{"${Partition}", Partition, "${Region}", region, "${Account}", account}
	for i := 0; i+1 < len(pairs); i += 2 {
		all = append(all, "${"+pairs[i]+"}", pairs[i+1])
	}
	return strings.NewReplacer(all...).Replace(form)
}

func (m *made) fail(err error) {
	if m.err == nil {
		m.err = err
	}
}

// byName is the make of a type whose ID is its physical name and whose
// ARN form has one part, filled with that name; part "" for a type without
// an ARN.
func byName(part string) func(m *made) string {
	return func(m *made) string {
		if part != "" {
			m.set("arn", m.arnOf(part, m.name()))
		}
		return m.name()
	}
}

// byID is the make of a type whose ID is made up (prefix: see generated)
// and whose ARN form has one part, filled with that ID; part "" for a
// type without an ARN.
func byID(prefix, part string) func(m *made) string {
	return func(m *made) string {
		id := m.generated(prefix)
		if part != "" {
			m.set("arn", m.arnOf(part, id))
		}
		return id
	}
}
