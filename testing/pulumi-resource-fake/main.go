// Command pulumi-resource-fake is the fake pulumi-aws and pulumi-random
// plugin of the engine tests: fakeaws.Provider, the provider protocol over
// the fake AWS account the offline plan answers from too. Install it on
// PATH under both plugin names, pulumi-resource-aws and
// pulumi-resource-random: the name it runs under picks the package. The aws
// one keeps its account in the file named by FAKE_AWS_STATE.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
)

func main() {
	pkg := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-resource-")
	p, err := fakeaws.NewProvider(pkg, os.Getenv(fakeaws.StateFileEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := provider.Main(pkg, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) { return p, nil }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
