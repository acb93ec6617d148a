#!/usr/bin/env bash
# The project's one test command: installs what the tests need (Debian's
# packages shellcheck and redis-server, dynalite from npm, the Pulumi CLI
# built from the Go module proxy), then vets, benchmarks once and tests.
# The tests start their own redis-server and dynalite.
set -euo pipefail
cd "$(dirname "$0")/.."

install_packages() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}
missing=()
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v redis-server >/dev/null || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] || install_packages "${missing[@]}"
# dynalite serves the DynamoDB API; its lock file pins it.
[ -x tools/dynalite/node_modules/.bin/dynalite ] ||
  npm ci --prefix tools/dynalite --no-audit --no-fund --loglevel=error

# The engine test (internal/enginetest) drives the real Pulumi CLI: built
# once from the Go module proxy and cached outside the repository.
PULUMI_CLI_ROOT=$(bash scripts/pulumi-cli.sh)
export PULUMI_CLI_ROOT

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
# The log record reader takes any bytes: fuzz it briefly on every run.
go test -run '^$' -fuzz '^FuzzReader$' -fuzztime 15s ./pushlog
# Benchmarks are not timed tests: run each once so they keep working.
go test -count=1 -run '^$' -bench . -benchtime 1x ./...
go test -count=1 ./...
