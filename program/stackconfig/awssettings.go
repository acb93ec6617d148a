package stackconfig

import (
	"reflect"
	"slices"
	"unicode"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
)

// AWSSetting is the config name of an aws.ProviderArgs field, as the
// provider's schema names its config: "AllowedAccountIds" is
// aws:allowedAccountIds.
func AWSSetting(field string) string {
	r := []rune(field)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// awsSettings are the names of every aws:* setting (aws.ProviderArgs of
// the pulumi-aws SDK the program is built with), sorted.
var awsSettings = func() []string {
	t := reflect.TypeFor[aws.ProviderArgs]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		names = append(names, AWSSetting(t.Field(i).Name))
	}
	slices.Sort(names)
	return names
}()
