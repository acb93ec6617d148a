#!/usr/bin/env bash
# The project's one test command: installs what the tests need (Debian's
# packages shellcheck, redis-server, python3, systemd and docker.io, dynalite
# from npm, the Pulumi CLI built from the Go module proxy), starts dockerd
# unless a Docker Engine answers, then vets, benchmarks once and tests.
# The tests start their own redis-server and dynalite.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
install_packages() {
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}
missing=()
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v redis-server >/dev/null || missing+=(redis-server)
# python3: the pushlog tests check its base64 decoding against Python's.
command -v python3 >/dev/null || missing+=(python3)
# The boot script tests check the units the scripts write with
# systemd-analyze verify, and their docker run lines with a real Docker
# Engine (docker create, nothing runs).
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v dockerd >/dev/null || missing+=(docker.io)
[ ${#missing[@]} -eq 0 ] || install_packages "${missing[@]}"
# dockerd starts in the background while the checks below run, and is
# left running for later test runs.
dockerd_log=${TMPDIR:-/tmp}/push-turnkey-dockerd.log
if ! docker info >/dev/null 2>&1; then
  "${sudo[@]}" dockerd >"$dockerd_log" 2>&1 &
fi
# dynalite serves the DynamoDB API; its lock file pins it.
[ -x tools/dynalite/node_modules/.bin/dynalite ] ||
  npm ci --prefix tools/dynalite --no-audit --no-fund --loglevel=error

# The engine test (testing/enginetest) drives the real Pulumi CLI: built
# once from the Go module proxy and cached outside the repository. A cold
# build takes minutes, so it runs alongside the other checks and the engine
# test runs last.
cli_out=$(mktemp)
cli_err=$(mktemp)
trap 'rm -f "$cli_out" "$cli_err"' EXIT
bash scripts/pulumi-cli.sh >"$cli_out" 2>"$cli_err" &
cli_pid=$!

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
# The log record reader takes any bytes, and senders shape the records:
# fuzz both briefly on every run.
go test -run '^$' -fuzz '^FuzzReader$' -fuzztime 15s ./services/pushlog
go test -run '^$' -fuzz '^FuzzFastPathAgreesWithFullDecode$' -fuzztime 15s ./services/pushlog
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && break
  sleep 1
done
if ! docker info >/dev/null 2>&1; then
  cat "$dockerd_log" >&2
  echo "the Docker Engine did not answer within 60 s" >&2
  exit 1
fi
# The tests, and each benchmark once so they keep working (benchmarks are
# not timed tests), in one pass.
mapfile -t packages < <(go list ./... | grep -v '/testing/enginetest$')
go test -count=1 -bench . -benchtime 1x "${packages[@]}"

if ! wait "$cli_pid"; then
  cat "$cli_err" >&2
  echo "building the Pulumi CLI failed" >&2
  exit 1
fi
cat "$cli_err" >&2
PULUMI_CLI_ROOT=$(cat "$cli_out")
export PULUMI_CLI_ROOT
go test -count=1 ./testing/enginetest
