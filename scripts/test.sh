#!/usr/bin/env bash
# The project's one test command: installs what the tests need (Debian's
# packages shellcheck, redis-server, python3, systemd, docker.io and
# firefox-esr, dynalite from npm, the Pulumi CLI built from the Go module
# proxy), starts dockerd
# unless a Docker Engine answers, then vets, fuzzes, benchmarks once and
# tests. The tests start their own redis-server and dynalite. Each phase
# says when it starts and how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
phase_name=""
phase_start=0
summary=()
# phase NAME: ends the running phase (printing its time) and starts NAME.
phase() {
  if [ -n "$phase_name" ]; then
    local took=$((SECONDS - phase_start))
    echo "==> $phase_name: ${took}s"
    summary+=("$(printf '%5ss  %s' "$took" "$phase_name")")
  fi
  phase_name=$1
  phase_start=$SECONDS
  [ -z "$phase_name" ] || echo "==> $phase_name"
}

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
install_log=$(mktemp)
cli_out=$(mktemp)
dockerd_pid=
cleanup() {
  rm -f "$install_log" "$cli_out"
  # A Docker Engine this run started stops with it.
  [ -z "$dockerd_pid" ] || "${sudo[@]}" kill "$dockerd_pid" 2>/dev/null || true
}
trap cleanup EXIT
install_packages() {
  # apt's own output goes to a log, shown only when it fails.
  if ! { "${sudo[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@"; } >"$install_log" 2>&1; then
    cat "$install_log" >&2
    echo "installing $* failed" >&2
    exit 1
  fi
}

phase "Debian packages and dynalite"
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
# firefox-esr: testing/browsertest runs a real Firefox, headless, against
# the push service stand-in.
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
# chromium: testing/dashboardtest drives it (chromedp) through the
# developer dashboard the Messages API serves.
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  install_packages "${missing[@]}"
fi
# dockerd starts in the background while the checks below run, and stops
# when this script ends (one already running is left alone).
dockerd_log=${TMPDIR:-/tmp}/push-turnkey-dockerd.log
if ! docker info >/dev/null 2>&1; then
  "${sudo[@]}" dockerd >"$dockerd_log" 2>&1 &
  dockerd_pid=$!
fi
# dynalite serves the DynamoDB API; its lock file pins it.
[ -x tools/dynalite/node_modules/.bin/dynalite ] ||
  npm ci --prefix tools/dynalite --no-audit --no-fund --loglevel=error
# web-push (npm) makes the VAPID tokens a developer proves a key with.
[ -d tools/webpush/node_modules/web-push ] ||
  npm ci --prefix tools/webpush --no-audit --no-fund --loglevel=error
# axe-core (npm) checks the developer dashboard's accessibility.
[ -f tools/axe/node_modules/axe-core/axe.min.js ] ||
  npm ci --prefix tools/axe --no-audit --no-fund --loglevel=error

# The engine test (testing/enginetest) drives the real Pulumi CLI: built
# once from the Go module proxy and cached outside the repository. A cold
# build takes minutes, so it runs alongside the other checks (its lines
# start with [pulumi-cli]) and the engine test runs last.
{ bash scripts/pulumi-cli.sh >"$cli_out" 2> >(sed -u 's/^/[pulumi-cli] /' >&2); } &
cli_pid=$!

phase "gofmt and go vet (a first run compiles the dependencies: minutes)"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...

phase "fuzzing the log reader, 2 x 15s"
# The log record reader takes any bytes, and senders shape the records.
go test -run '^$' -fuzz '^FuzzReader$' -fuzztime 15s ./services/pushlog
go test -run '^$' -fuzz '^FuzzFastPathAgreesWithFullDecode$' -fuzztime 15s ./services/pushlog

phase "waiting for the Docker Engine"
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && break
  sleep 1
done
if ! docker info >/dev/null 2>&1; then
  cat "$dockerd_log" >&2
  echo "the Docker Engine did not answer within 60 s" >&2
  exit 1
fi

phase "unit, mock and service tests, each benchmark once"
# Benchmarks run once so they keep working (they are not timed tests).
mapfile -t packages < <(go list ./... | grep -v '/testing/enginetest$')
go test -count=1 -bench . -benchtime 1x "${packages[@]}"

phase "waiting for the Pulumi CLI build"
if ! wait "$cli_pid"; then
  echo "building the Pulumi CLI failed" >&2
  exit 1
fi
PULUMI_CLI_ROOT=$(cat "$cli_out")
export PULUMI_CLI_ROOT

phase "engine tests: the program through the real Pulumi CLI (about 7 minutes)"
# -v shows each test as it starts; the rest of its output only on failure.
go test -count=1 -v ./testing/enginetest 2>&1 | tee "${TMPDIR:-/tmp}/push-turnkey-enginetest.log" |
  grep --line-buffered -E '^(=== RUN|--- (PASS|FAIL)|PASS|FAIL|ok )' || true
if ! grep -q '^ok ' "${TMPDIR:-/tmp}/push-turnkey-enginetest.log"; then
  cat "${TMPDIR:-/tmp}/push-turnkey-enginetest.log" >&2
  exit 1
fi

phase ""
echo "==> all passed in $((SECONDS - started))s:"
printf '%s\n' "${summary[@]}"
