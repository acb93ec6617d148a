#!/bin/bash
# push-turnkey {{if .Connection}}connection{{else}}endpoint{{end}} node: runs '{{.Command}}' from {{.Image}} under systemd.
# crypto keys: {{.KeyFingerprint}}
set -euo pipefail

{{template "install-docker.sh"}}
install -d -m 0755 {{.Root}}/usr/local/lib/push-turnkey
cat > {{.Root}}/usr/local/lib/push-turnkey/start <<'START'
{{template "node-start.sh" .}}START
chmod 0755 {{.Root}}/usr/local/lib/push-turnkey/start

cat > {{.Root}}/etc/systemd/system/{{.Command}}.service <<'UNIT'
{{template "node.service" .}}UNIT
systemctl daemon-reload
systemctl enable --now {{.Command}}.service
