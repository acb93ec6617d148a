package components

import (
	"bytes"
	"fmt"
	"regexp"
	"text/template"
)

// MessagesAPIPort is the Messages API's port (the seed's PushMessagesNode
// port).
const MessagesAPIPort = 8080

// APIBoot describes what the Messages API instance runs; MessagesAPIUserData
// renders it. None of it is secret: the Redis auth token is read from SSM
// on the instance.
type APIBoot struct {
	// Bucket and Key locate the messages-api binary. The key is the
	// program's source key, so it stays the same when another Go version
	// builds the same source, and the instance does not roll.
	Bucket, Key string
	// TokenParameter is the SSM SecureString parameter with the Redis
	// auth token.
	TokenParameter string
	RedisAddress   string // "host:port"
	Table          string // the push messages table
	// LogGroup is the CloudWatch log group the API's output goes to.
	LogGroup string
}

var safeWord = regexp.MustCompile(`^[A-Za-z0-9_./:-]+$`)

// MessagesAPIUserData renders the boot script (bash) of the Messages API
// instance: it installs Docker and a systemd unit that runs the binary in
// an empty image, so that its output goes to LogGroup as the push
// servers' does (Docker's awslogs driver). The unit's start step fetches
// the binary
// from S3 (unless the one of Key is there), checks it against the SHA-256
// in the object's metadata, and reads the
// Redis auth token from SSM into a file on tmpfs only the API can read. A
// failed step (IAM not yet propagated, say) fails the start, and systemd
// tries again.
func MessagesAPIUserData(b APIBoot) (string, error) {
	for name, v := range map[string]string{"bucket": b.Bucket, "key": b.Key, "token parameter": b.TokenParameter,
		"redis address": b.RedisAddress, "table": b.Table, "log group": b.LogGroup} {
		if !safeWord.MatchString(v) {
			return "", fmt.Errorf("messages api user data: %s %q has characters a boot script must not carry", name, v)
		}
	}
	var out bytes.Buffer
	if err := apiUserDataTemplate.Execute(&out, struct {
		APIBoot
		Port           int
		DigestMetadata string
	}{b, MessagesAPIPort, APIBinaryDigestMetadata}); err != nil {
		return "", fmt.Errorf("messages api user data: %w", err)
	}
	return out.String(), nil
}

var apiUserDataTemplate = template.Must(template.New("api-user-data").Parse(`#!/bin/bash
# push-turnkey Messages API instance.
set -euo pipefail

useradd --system --no-create-home --shell /sbin/nologin messages-api
` + installDocker + `
install -d -m 0755 /usr/local/lib/push-turnkey
cat > /usr/local/lib/push-turnkey/messages-api-prepare <<'PREPARE'
#!/bin/bash
# Installs the messages-api binary of this stack and writes the Redis auth
# token where only messages-api can read it, or fails so that systemd does
# not start the API and tries again.
set -euo pipefail
# The instance's AWS CLI has no default region: every aws call names the
# instance's own, from the instance metadata (IMDSv2).
imds=http://169.254.169.254/latest
token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$imds/api/token")
region=$(curl -fsS -H "X-aws-ec2-metadata-token: $token" "$imds/meta-data/placement/region")
bin=/usr/local/bin/messages-api
installed=/usr/local/lib/push-turnkey/messages-api.key
if [ ! -x "$bin" ] || [ "$(cat "$installed" 2>/dev/null)" != '{{.Key}}' ]; then
  tmp=$(mktemp)
  # The object's metadata holds the digest of its bytes (S3's own checksum
  # of a multipart upload is not one of the whole file).
  want=$(aws s3api head-object --region "$region" --bucket '{{.Bucket}}' --key '{{.Key}}' --query 'Metadata.{{.DigestMetadata}}' --output text)
  aws s3 cp --region "$region" --only-show-errors 's3://{{.Bucket}}/{{.Key}}' "$tmp"
  if ! echo "$want  $tmp" | sha256sum --check --status; then
    echo "push-turnkey: s3://{{.Bucket}}/{{.Key}} does not match its sha256 metadata ($want); not starting the API" >&2
    rm -f "$tmp"
    exit 1
  fi
  install -m 0755 "$tmp" "$bin"
  rm -f "$tmp"
  echo '{{.Key}}' > "$installed"
fi
umask 077
install -d -m 0700 -o messages-api /run/messages-api
aws ssm get-parameter --region "$region" --name '{{.TokenParameter}}' --with-decryption \
  --query Parameter.Value --output text > /run/messages-api/redis-token
chown messages-api /run/messages-api/redis-token
# The binary is static: an image without files runs it.
docker image inspect push-turnkey/empty >/dev/null 2>&1 ||
  tar -cf - -T /dev/null | docker import - push-turnkey/empty >/dev/null
PREPARE
chmod 0755 /usr/local/lib/push-turnkey/messages-api-prepare

cat > /usr/local/lib/push-turnkey/messages-api-start <<'START'
#!/bin/bash
# Runs the API as messages-api, with nothing of the host but the binary,
# its token, the CA certificates and the network.
set -euo pipefail
` + instanceMetadata + `docker rm -f messages-api >/dev/null 2>&1 || true
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
ca=/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem
roots=()
if [ -f "$ca" ]; then
  roots=(--mount "type=bind,source=$ca,target=/etc/ssl/certs/ca-certificates.crt,readonly")
else
  echo "push-turnkey: $ca is not a file; the Messages API uses the CA roots built into it" >&2
fi
exec docker run --rm --name messages-api --network host \
  --user "$(id -u messages-api):$(id -g messages-api)" \
  --read-only --cap-drop ALL --security-opt no-new-privileges \
  -v /usr/local/bin/messages-api:/messages-api:ro \
  -v /run/messages-api:/run/messages-api:ro \
  "${roots[@]}" \
  -e AWS_REGION="$region" -e LISTEN_ADDR=:{{.Port}} -e REDIS_ADDRESS='{{.RedisAddress}}' -e REDIS_TLS=true \
  -e REDIS_AUTH_TOKEN_FILE=/run/messages-api/redis-token -e MESSAGES_TABLE='{{.Table}}' \
  ` + awslogsOptions + ` \
  push-turnkey/empty /messages-api
START
chmod 0755 /usr/local/lib/push-turnkey/messages-api-start

cat > /etc/systemd/system/messages-api.service <<'UNIT'
[Unit]
Description=push-turnkey Messages API
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target
StartLimitIntervalSec=0

[Service]
ExecStartPre=/usr/local/lib/push-turnkey/messages-api-prepare
ExecStart=/usr/local/lib/push-turnkey/messages-api-start
ExecStop=/usr/bin/docker stop messages-api
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now messages-api.service
`))
