#!/bin/bash
# push-turnkey Messages API instance.
set -euo pipefail

useradd --system --no-create-home --shell /sbin/nologin messages-api
{{template "install-docker.sh"}}
install -d -m 0755 {{.Root}}/usr/local/lib/push-turnkey
cat > {{.Root}}/usr/local/lib/push-turnkey/messages-api-prepare <<'PREPARE'
{{template "messages-api-prepare.sh" .}}PREPARE
chmod 0755 {{.Root}}/usr/local/lib/push-turnkey/messages-api-prepare

cat > {{.Root}}/usr/local/lib/push-turnkey/messages-api-start <<'START'
{{template "messages-api-start.sh" .}}START
chmod 0755 {{.Root}}/usr/local/lib/push-turnkey/messages-api-start

cat > {{.Root}}/etc/systemd/system/messages-api.service <<'UNIT'
{{template "messages-api.service" .}}UNIT
systemctl daemon-reload
systemctl enable --now messages-api.service
