#!/usr/bin/env bash
# The project's one test command: installs what the tests need (Debian's
# shellcheck), then vets, tests and runs each benchmark once.
set -euo pipefail
cd "$(dirname "$0")/.."

install_packages() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}
command -v shellcheck >/dev/null || install_packages shellcheck

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
# Benchmarks are not timed tests: run each once so they keep working.
go test -count=1 -run '^$' -bench . -benchtime 1x ./...
go test -count=1 ./...
