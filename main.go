// Command push-turnkey is the Pulumi program of the push stack: run it with
// `pulumi up`. The program body lives in program/pushstack.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/program/pushstack"
)

func main() {
	pulumi.Run(pushstack.Program)
}
