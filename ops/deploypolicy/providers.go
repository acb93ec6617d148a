package deploypolicy

// stsPage is STS's page of the Service Authorization Reference.
var stsPage = sar("awssecuritytokenservice")

// providerEntries are the provider resources: the AWS provider checks its
// credentials and learns the account when it is configured
// (sts:GetCallerIdentity, which the reference lists with no resource
// type); the random provider computes locally.
var providerEntries = map[string]Entry{
	"pulumi:providers:aws": {Reference: []string{stsPage}, Provider: providerSource("sts/caller_identity_data_source.go"),
		Grants: []Grant{{Op: Read, Actions: []string{"sts:GetCallerIdentity"}}}},
	"pulumi:providers:random":                    {None: "a provider of local values"},
	"random:index/randomBytes:RandomBytes":       {None: "pulumi-random draws the bytes locally"},
	"random:index/randomPassword:RandomPassword": {None: "pulumi-random draws the password locally"},
}
