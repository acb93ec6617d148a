package fakeaws

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"fmt"
	"reflect"
	"slices"
	"strings"
)

// resourceType is everything the fake account knows of one AWS resource
// type. A new type the program uses is one entry in the aws_<service>.go
// file of its service; the tests of this package say which parts it
// lacks.
type resourceType struct {
	// args and state are the type's XxxArgs and XxxState of the
	// pulumi-aws Go SDK: the `pulumi:"..."` tags of their element types
	// are the real provider's input and output names, with their types.
	args, state sdkType

	// doc is the page the rules below are copied from, with the provider
	// version they were read for.
	doc source
	// replaceOnChanges are the input paths whose change forces a new
	// resource ("forces a new resource" on the page; ForceNew in the
	// Terraform schema it is generated from). A path is a top-level input
	// ("name") or a nested one with dots ("launchTemplate.id"); through a
	// list it applies to every element.
	replaceOnChanges []string
	// physicalName is the input that names the resource uniquely in its
	// account and region ("" for none): creating a second resource with
	// the same value fails with "already exists", as AWS does.
	physicalName string
	// autoName is the input pulumi-aws fills with "<logical name>-<7 hex
	// digits>" when the program leaves it out ("" for none), at most
	// autoNameMaxLength characters (0: no limit).
	autoName          string
	autoNameMaxLength int
	// upsert: creating the resource overwrites whatever is there (a bucket
	// setting: S3's Put* calls), so it never "already exists".
	upsert bool
	// exists is how the service words the creation of a second resource
	// with a name in use (%s: the name; "" for a generic wording), from
	// the error codes of its API reference.
	exists string

	// arn is the form of the resource's ARN as the page arnDoc states it
	// (the service's page of the AWS Service Authorization Reference), its
	// ${...} parts filled by make; "" for a type without an arn output.
	arn, arnDoc string
	// make adds to the state of a resource being made the outputs AWS
	// computes that the program reads, and returns the resource's ID.
	make func(m *made) string
	// refuseDelete returns why AWS refuses to delete o (nil: it does not).
	refuseDelete func(w *World, o *Object) error
	// updated changes the outputs an update computes anew (outs: the
	// outputs so far; preview: nothing is changed yet, so they are
	// unknown); nil for none.
	updated func(outs resource.PropertyMap, preview bool)
	// onUpdate does what an update from the inputs olds to news does in
	// the account besides the resource, or returns why AWS refuses it.
	onUpdate func(w *World, olds, news resource.PropertyMap) error
}

// source is where a copied rule comes from: a documentation page and the
// provider version it was read for.
type source struct {
	Page, Version string
}

// rulesVersion is the pulumi-aws version the rules of the aws_*.go files
// were read for. TestRulesNameTheirPageAndTheSDKVersion fails once the
// SDK in go.mod is another version: then each rule is read again on its
// page and this moves with it.
const rulesVersion = "6.83.4"

// registryPage is the pulumi-aws 6.x registry page of one type
// ("dynamodb/table"), read for rulesVersion.
func registryPage(path string) source {
	return source{Page: "https://www.pulumi.com/registry/packages/aws@6.x/api-docs/" + path + "/", Version: rulesVersion}
}

// serviceAuthorization is the AWS Service Authorization Reference page of
// one service ("amazondynamodb"), whose "Resource types" table states the
// form of each of its ARNs.
func serviceAuthorization(service string) string {
	return "https://docs.aws.amazon.com/service-authorization/latest/reference/list_" + service + ".html#" + service + "-resources-for-iam-policies"
}

// awsTypes are the AWS resource types the account models, by type token:
// one table per service, in the aws_<service>.go files.
var awsTypes = union(acmTypes, autoscalingTypes, cloudwatchTypes, dynamodbTypes, ec2Types, elasticacheTypes,
	iamTypes, kinesisTypes, kmsTypes, lambdaTypes, lbTypes, route53Types, s3Types, snsTypes, sqsTypes, ssmTypes, vpcTypes)

// modelledTwice lists the type tokens that more than one table models
// (TestEveryTypeIsModelledOnce keeps it empty).
var modelledTwice []string

func union(tables ...map[string]resourceType) map[string]resourceType {
	all := map[string]resourceType{}
	for _, table := range tables {
		for token, t := range table {
			if _, twice := all[token]; twice {
				modelledTwice = append(modelledTwice, token)
			}
			all[token] = t
		}
	}
	return all
}

// awsType returns what the account knows of typ, or an error that says
// where to add it.
func awsType(typ string) (resourceType, error) {
	t, ok := awsTypes[typ]
	if !ok {
		module, _, _ := strings.Cut(strings.TrimPrefix(typ, "aws:"), "/")
		return t, fmt.Errorf("fake aws: type %s is not modelled; add it to the %sTypes table of ops/fakeaws/aws_%s.go "+
			"(a new file's table also goes into awsTypes in ops/fakeaws/types.go)", typ, module, module)
	}
	return t, nil
}

// ReplaceOnChanges are the inputs of the resource type typ (a pulumi-aws
// or pulumi-random type token) whose change makes the provider replace
// the resource, as the fake account holds them (nested paths by their
// top-level input), sorted; nil for a type it does not model.
func ReplaceOnChanges(typ string) []string {
	var paths []string
	if t, ok := awsTypes[typ]; ok {
		paths = t.replaceOnChanges
	} else if t, ok := randomTypes[typ]; ok {
		paths = inputNames(t.args.ElementType())
	}
	var top []string
	for _, p := range paths {
		head, _, _ := strings.Cut(p, ".")
		top = append(top, head)
	}
	slices.Sort(top)
	return slices.Compact(top)
}

// inputNames are the `pulumi:"..."` names of a struct's fields.
func inputNames(typ reflect.Type) []string {
	var names []string
	for i := range typ.NumField() {
		if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("pulumi"), ","); name != "" {
			names = append(names, name)
		}
	}
	return names
}
