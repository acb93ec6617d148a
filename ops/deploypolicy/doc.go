// Package deploypolicy writes the IAM policy a user needs to run `pulumi
// up`, `pulumi refresh` and `pulumi destroy` of one stack, from what the
// program registers and looks up in the offline plan (ops/plan).
//
// The facts are data, one table per AWS service in the aws_<service>.go
// files, keyed by the pulumi-aws type token (the types of
// ops/fakeaws/aws_<service>.go), and invokes.go for the look-ups: each
// entry grants the IAM actions the pulumi-aws provider (the Terraform AWS
// provider underneath) calls to create, read, update, tag and delete a
// resource of the type, each on the resources the stack's names allow
// (scope.go), and names where the calls were read: the provider's source
// file of the resource and the AWS Service Authorization Reference page of
// each service, which names the actions and the resource types each
// accepts. A type or look-up without an entry fails For with the file to
// edit.
//
// For renders one policy document, or several when one would exceed the
// size IAM allows a managed policy (policy.go).
package deploypolicy
