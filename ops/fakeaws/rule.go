package fakeaws

// TypeRule is what the fake provider knows of one pulumi-aws resource type
// beyond its input schema (which comes from the pulumi-aws Go SDK): which
// input changes force a replacement, which input is the resource's name in
// the account (so a second one "already exists"), and which input the
// provider names itself when the program leaves it out. Each rule cites the
// pulumi-aws registry page (or the Terraform AWS provider schema it is
// generated from) that states it.
type TypeRule struct {
	// ReplaceOnChanges are input property paths whose change forces a new
	// resource ("forces a new resource" on the registry page; ForceNew in
	// the Terraform schema). A path is a top-level property ("name") or a
	// nested one with dots ("extendedS3Configuration.bucketArn"); a nested
	// path under a list applies to every element ("attributes.name").
	ReplaceOnChanges []string
	// PhysicalName is the input property that names the resource uniquely
	// in its account and region ("" for none): creating a second resource
	// with the same value fails with "already exists", as AWS does.
	PhysicalName string
	// AutoName is the input property the provider fills with
	// "<logical name>-<7 hex digits>" when the program leaves it out (""
	// for none), cut to AutoNameMaxLength characters when that is set.
	AutoName          string
	AutoNameMaxLength int
	// Upsert: creating the resource replaces whatever is there (a bucket
	// setting: S3's Put* calls), so it never "already exists"; the
	// setting keeps its identity.
	Upsert bool
	// Doc is the page the rule comes from.
	Doc string
}
