package deploypolicy

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// Op is the step of a resource's life a grant serves.
type Op int

// The steps: `pulumi up` creates and updates, `pulumi refresh` (and the
// provider after every create and update, and an import) reads, `pulumi
// destroy` (and a replacement) deletes.
const (
	Create Op = iota
	Read
	Update
	Tag // the provider's tagging calls (tags on create, update and read)
	Delete
)

// Grant is some actions on the resources a scope gives.
type Grant struct {
	Op Op
	// Actions are "<service prefix>:<action>", as the Service Authorization
	// Reference names them.
	Actions []string
	// On gives the resources (ARN patterns) of one resource or look-up;
	// nil is "*", only for actions the reference lists with no resource
	// type (the tests hold it).
	On Scope
	// If, when set, gives the condition the grant holds under for one
	// subject; false leaves the subject out of the grant.
	If func(s Subject) (Condition, bool)
}

// Condition is a statement's IAM Condition block: operator, key, values.
type Condition map[string]map[string][]string

// always is an If that holds c for every subject.
func always(c Condition) func(Subject) (Condition, bool) {
	return func(Subject) (Condition, bool) { return c, true }
}

// Scope gives the ARN patterns a grant covers for one subject in target t.
type Scope func(t Target, s Subject) []string

// Subject is what a grant is for: one registration of the plan, or one
// look-up (then Name is "" and Inputs are its arguments).
type Subject struct {
	Type   string // the type or function token
	Name   string // the logical name
	Inputs resource.PropertyMap
	// Plan is the whole plan, for a scope that follows a reference to
	// another resource (a role by its name).
	Plan *plan.Plan
}

// Entry is what one resource type, or one look-up, needs.
type Entry struct {
	// Reference are the Service Authorization Reference pages of the
	// services whose actions Grants name.
	Reference []string
	// Provider is the Terraform AWS provider source the calls were read
	// in (file and version, see providerSource); "" when they are taken
	// from the reference and the API reference only.
	Provider string
	Grants   []Grant
	// None says why an entry grants nothing (no AWS call): "" when it
	// grants something.
	None string
}

// sar is the Service Authorization Reference page of one service (the
// page name, "list_<page>.html").
func sar(page string) string {
	return "https://docs.aws.amazon.com/service-authorization/latest/reference/list_" + page + ".html"
}

// providerVersion is the Terraform AWS provider whose source the entries'
// calls were read in: the fork pulumi-aws builds from
// (github.com/pulumi/terraform-provider-aws), branch patched-v5.14.0. The
// SDK pinned in go.mod (pulumi-aws 6.83.4) builds from a later 5.x: calls
// added since are not in these lists unless an entry says so.
const providerVersion = "patched-v5.14.0"

// providerSource names the file of a resource in the provider's source:
// internal/service/<path>.
func providerSource(path string) string {
	return "github.com/pulumi/terraform-provider-aws@" + providerVersion + " internal/service/" + path
}
