// Package fakeaws is the one made-up AWS account that the offline plan
// and the mock tests (ops/plan, under the Pulumi SDK's mock monitor) and
// the engine tests (through the fake aws and random provider plugins,
// testing/pulumi-resource-fake) answer from, so every look-up has one
// answer and every made-up ID, ARN and computed output one form.
//
// Account is the account: the resources that exist in it (World, kept by
// a Store: in memory for the plan, in a file that outlives stacks for the
// engine tests), the invoke answers (lookups.go), what AWS computes when a
// resource is made (the types' make functions), and the rules it holds: a
// name in use "already exists", a protected table or a bucket with
// objects refuses deletion, Read returns what exists (for import), a
// change of a replace-forcing input replaces. Two thin adapters drive it:
// ops/plan's mock monitor, and Provider (the provider protocol the engine
// speaks to a plugin).
//
// What comes from something no one here wrote, rather than from us:
//   - the input, output and look-up argument and result types: the
//     pulumi-aws and pulumi-random Go SDKs, by reflection (schema.go);
//   - the names the provider makes up for unnamed resources: the SDK's
//     resource.NewUniqueName with the engine's random seed, as the bridged
//     provider calls it (naming.go);
//   - which inputs of a random resource force a new value: all of them
//     (random.go, from the SDK's input types).
//
// What is copied from documentation, each entry naming its page: the
// replace, naming and error rules of each AWS type (the aws_*.go files,
// from the pulumi-aws registry page of the version the SDK is, checked by
// TestRulesNameTheirPageAndTheSDKVersion), and the form of each type's
// ARN (from the service's page of the AWS Service Authorization
// Reference).
//
// A new AWS resource type is one entry in the aws_<service>.go file of its
// service (see resourceType); the tests say what is missing.
package fakeaws
