// Command push-turnkey is the Pulumi program of the push stack: run it with
// `pulumi up`. The program body lives in internal/pushstack.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/internal/pushstack"
)

func main() {
	pulumi.Run(pushstack.Program)
}
