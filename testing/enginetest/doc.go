// Package enginetest runs the push-turnkey program through the real Pulumi
// CLI and engine (the Automation API, with the program inline) on copies of
// the repository's Pulumi.yaml and Pulumi.dev.yaml, against the fake AWS
// and random provider plugins of package fakeaws. It checks what the engine
// does with the program: config validation, state, retain, import, the
// lifecycle the README promises. Its tests need the Pulumi CLI that
// scripts/pulumi-cli.sh builds.
package enginetest
