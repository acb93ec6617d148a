package deploypolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// Version is the version of the IAM policy language
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
const Version = "2012-10-17"

// MaxManagedPolicySize is the most characters a customer managed policy
// may hold, white space not counted (IAM and AWS STS quotas:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const MaxManagedPolicySize = 6144

// Document is one IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document: always Allow.
type Statement struct {
	Sid       string    `json:"Sid"`
	Effect    string    `json:"Effect"`
	Action    []string  `json:"Action"`
	Resource  []string  `json:"Resource"`
	Condition Condition `json:"Condition,omitempty"`
}

// Size is the size of d as IAM counts it against MaxManagedPolicySize:
// its characters without white space (the policy holds none inside its
// strings).
func (d Document) Size() int {
	data, _ := json.Marshal(d)
	return len(data)
}

// entries are the resource types' entries, by type token: the tables of
// the aws_<service>.go files.
var entries = union(acmEntries, autoscalingEntries, cloudwatchEntries, dynamodbEntries, ec2Entries, elasticacheEntries,
	iamEntries, kinesisEntries, kmsEntries, lambdaEntries, lbEntries, route53Entries, s3Entries, snsEntries, sqsEntries,
	ssmEntries, vpcEntries, providerEntries)

func union(tables ...map[string]Entry) map[string]Entry {
	all := map[string]Entry{}
	for _, table := range tables {
		maps.Copy(all, table)
	}
	return all
}

// EntryFile is the file whose table holds the entry of a type token
// ("aws:dynamodb/table:Table": ops/deploypolicy/aws_dynamodb.go) or, when
// invoke is true, of a look-up's function token.
func EntryFile(token string, invoke bool) string {
	switch {
	case invoke:
		return "ops/deploypolicy/invokes.go"
	case strings.HasPrefix(token, "aws:"):
		module, _, _ := strings.Cut(strings.TrimPrefix(token, "aws:"), "/")
		return "ops/deploypolicy/aws_" + module + ".go"
	}
	return "ops/deploypolicy/providers.go"
}

// item is one subject of the plans with its entry.
type item struct {
	Subject
	entry Entry
	// retained: the stack never deletes the resource (RetainOnDelete).
	retained bool
}

// Check returns an error naming every resource type and look-up of the
// plans that has no entry, with the file to add it to; nil when each has
// one.
func Check(plans []*plan.Plan) error {
	_, err := items(plans)
	return err
}

// items are every custom resource and every look-up of the plans, each
// with its entry (Check's error when some have none).
func items(plans []*plan.Plan) ([]item, error) {
	var (
		all     []item
		missing []string
	)
	add := func(s Subject, retained, invoke bool) {
		table, what := entries, "resource type"
		if invoke {
			table, what = invokeEntries, "look-up"
		}
		e, ok := table[s.Type]
		if !ok {
			problem := fmt.Sprintf("%s %s has no entry: add what it calls to %s", what, s.Type, EntryFile(s.Type, invoke))
			if !slices.Contains(missing, problem) {
				missing = append(missing, problem)
			}
			return
		}
		all = append(all, item{Subject: s, entry: e, retained: retained})
	}
	for _, p := range plans {
		for _, r := range p.Resources {
			if r.Custom {
				add(Subject{Type: r.Type, Name: r.Name, Inputs: r.Inputs, Plan: p}, r.Options.RetainOnDelete, false)
			}
		}
		for _, i := range p.Invokes {
			add(Subject{Type: i.Token, Inputs: i.Args, Plan: p}, false, true)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, errors.New("deploy policy: " + strings.Join(missing, "; "))
	}
	return all, nil
}

// For is the policy of the stack the plans are of, deploying to t: every
// grant of every entry, for each resource and look-up, but the deletes of
// resources the stack retains (it never deletes them), as one document
// when it fits MaxManagedPolicySize, else as several that each do.
func For(plans []*plan.Plan, t Target) ([]Document, error) {
	all, err := items(plans)
	if err != nil {
		return nil, err
	}
	// condition (as JSON) -> action -> resources
	granted := map[string]map[string]map[string]bool{}
	conditions := map[string]Condition{}
	for _, it := range all {
		for _, g := range it.entry.Grants {
			if g.Op == Delete && it.retained {
				continue
			}
			var cond Condition
			if g.If != nil {
				var ok bool
				if cond, ok = g.If(it.Subject); !ok {
					continue
				}
			}
			resources := []string{"*"}
			if g.On != nil {
				if resources = g.On(t, it.Subject); len(resources) == 0 {
					return nil, fmt.Errorf("deploy policy: %s %s: no resource for %v (%s)",
						it.Type, it.Name, g.Actions, EntryFile(it.Type, it.Name == ""))
				}
			}
			key, _ := json.Marshal(cond)
			conditions[string(key)] = cond
			if granted[string(key)] == nil {
				granted[string(key)] = map[string]map[string]bool{}
			}
			for _, a := range g.Actions {
				if granted[string(key)][a] == nil {
					granted[string(key)][a] = map[string]bool{}
				}
				for _, r := range resources {
					granted[string(key)][a][r] = true
				}
			}
		}
	}
	return split(statements(granted, conditions)), nil
}

// statements groups the actions granted on the same resources under the
// same condition into one statement each, with unique Sids.
func statements(granted map[string]map[string]map[string]bool, conditions map[string]Condition) []Statement {
	var all []Statement
	for _, key := range slices.Sorted(maps.Keys(granted)) {
		byResources := map[string][]string{}
		for action, set := range granted[key] {
			resources := slices.Sorted(maps.Keys(set))
			if set["*"] {
				resources = []string{"*"}
			}
			k := strings.Join(resources, "\n")
			byResources[k] = append(byResources[k], action)
		}
		for _, k := range slices.Sorted(maps.Keys(byResources)) {
			actions := byResources[k]
			sort.Strings(actions)
			all = append(all, Statement{Effect: "Allow", Action: actions, Resource: strings.Split(k, "\n"), Condition: conditions[key]})
		}
	}
	used := map[string]int{}
	for i := range all {
		sid := sidOf(all[i])
		used[sid]++
		if used[sid] > 1 {
			sid += fmt.Sprint(used[sid])
		}
		all[i].Sid = sid
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Sid < all[j].Sid })
	return all
}

// sidOf names a statement by its actions' services and what it is on:
// "Ec2", "IamWhen" (under a condition), "NoResourceType" (for "*").
func sidOf(s Statement) string {
	if len(s.Resource) == 1 && s.Resource[0] == "*" {
		return "NoResourceType"
	}
	var services []string
	for _, a := range s.Action {
		prefix, _, _ := strings.Cut(a, ":")
		var camel string
		for _, part := range strings.Split(prefix, "-") {
			if part != "" {
				camel += strings.ToUpper(part[:1]) + part[1:]
			}
		}
		if !slices.Contains(services, camel) {
			services = append(services, camel)
		}
	}
	sid := strings.Join(services, "")
	if len(s.Condition) > 0 {
		sid += "When"
	}
	return sid
}

// split packs the statements into as few documents as first fit allows,
// each within MaxManagedPolicySize; a statement too big alone is cut
// into statements of fewer actions.
func split(all []Statement) []Document {
	var docs []Document
	fits := func(d Document, s Statement) bool {
		d.Statement = append(slices.Clone(d.Statement), s)
		return d.Size() <= MaxManagedPolicySize
	}
	var place func(s Statement)
	place = func(s Statement) {
		for i := range docs {
			if fits(docs[i], s) {
				docs[i].Statement = append(docs[i].Statement, s)
				return
			}
		}
		if fits(Document{Version: Version}, s) || len(s.Action) == 1 {
			docs = append(docs, Document{Version: Version, Statement: []Statement{s}})
			return
		}
		half := len(s.Action) / 2
		first, second := s, s
		first.Action, second.Action = s.Action[:half], s.Action[half:]
		second.Sid = s.Sid + "Part2"
		place(first)
		place(second)
	}
	for _, s := range all {
		place(s)
	}
	return docs
}
