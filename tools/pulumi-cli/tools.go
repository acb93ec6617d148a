//go:build tools

// Package pulumicli only pins the Pulumi CLI's module for the build.
package pulumicli

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
