#!/bin/bash
# Runs the API as messages-api, with nothing of the host but the binary,
# its token, the CA certificates and the network.
set -euo pipefail
{{template "instance-metadata.sh" -}}
docker rm -f messages-api >/dev/null 2>&1 || true
# The host's CA roots, where the API's Go runtime looks first. The bundle
# update-ca-trust extracts for TLS server authentication is
# /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem; the classic
# /etc/pki/tls/certs/ca-bundle.crt is only a compatibility link to it,
# which newer releases drop (update-ca-trust(8),
# https://unix.com/man-page/centos/8/update-ca-trust/; the link:
# https://herongyang.com/PKI/Linux-CentOS-update-ca-trust-Command.html).
# Mounted only if it is a file, and with --mount, which fails on a missing
# source where -v would create an empty directory in its place
# (https://docs.docker.com/engine/storage/bind-mounts/, "Differences
# between -v and --mount behavior"); without it, the roots built into the
# binary serve (x509roots/fallback in services/cmd/messages-api).
ca={{.Root}}/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem
roots=()
if [ -f "$ca" ]; then
  roots=(--mount "type=bind,source=$ca,target=/etc/ssl/certs/ca-certificates.crt,readonly")
else
  echo "push-turnkey: $ca is not a file; the Messages API uses the CA roots built into it" >&2
fi
exec docker run --rm --name messages-api --network host \
  --user "$(id -u messages-api):$(id -g messages-api)" \
  --read-only --cap-drop ALL --security-opt no-new-privileges \
  -v {{.Root}}/usr/local/bin/messages-api:/messages-api:ro \
  -v {{.Root}}/run/messages-api:/run/messages-api:ro \
  "${roots[@]}" \
  -e AWS_REGION="$region" -e LISTEN_ADDR=:{{messagesAPIPort}} -e REDIS_ADDRESS='{{.RedisAddress}}' -e REDIS_TLS=true \
  -e REDIS_AUTH_TOKEN_FILE=/run/messages-api/redis-token -e MESSAGES_TABLE='{{.Table}}' \
  -e FORMAT_DRIFT_ALARMS='{{join .FormatDriftAlarms ","}}' -e PIPELINE_ALARMS='{{join .PipelineAlarms ","}}' \
  {{template "awslogs-options" .}} \
  push-turnkey/empty /messages-api
