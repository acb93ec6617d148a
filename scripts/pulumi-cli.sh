#!/usr/bin/env bash
# Builds the Pulumi CLI the engine test drives, once, into a cache outside
# the repository, and prints its root (the directory holding bin/pulumi).
# The version is pinned by tools/pulumi-cli/go.mod; it is stamped into the
# binary because the Automation API refuses a CLI without a version. It is
# built without optimisations or inlining (-N -l): it only drives the engine test, and
# compiling it is the largest part of a cold test run (about 7 minutes on
# 2 cores with them).
set -euo pipefail
cd "$(dirname "$0")/.."

version=v3.274.1
root="${PUSH_TURNKEY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/push-turnkey}/pulumi-$version"
if [ ! -x "$root/bin/pulumi" ]; then
  mkdir -p "$root/bin"
  echo "building the Pulumi CLI $version into $root (once; minutes)" >&2
  started=$SECONDS
  (cd tools/pulumi-cli && go build -o "$root/bin/pulumi.partial" \
    -gcflags "all=-N -l" -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  mv "$root/bin/pulumi.partial" "$root/bin/pulumi"
  echo "built the Pulumi CLI in $((SECONDS - started))s" >&2
fi
got=$("$root/bin/pulumi" version)
if [ "$got" != "$version" ]; then
  echo "$root/bin/pulumi is $got, want $version; delete it to rebuild" >&2
  exit 1
fi
echo "$root"
