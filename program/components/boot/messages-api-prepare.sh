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
bin={{.Root}}/usr/local/bin/messages-api
installed={{.Root}}/usr/local/lib/push-turnkey/messages-api.key
if [ ! -x "$bin" ] || [ "$(cat "$installed" 2>/dev/null)" != '{{.Key}}' ]; then
  tmp=$(mktemp)
  # The object's metadata holds the digest of its bytes (S3's own checksum
  # of a multipart upload is not one of the whole file).
  want=$(aws s3api head-object --region "$region" --bucket '{{.Bucket}}' --key '{{.Key}}' --query 'Metadata.{{binaryDigestMetadata}}' --output text)
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
install -d -m 0700 -o messages-api {{.Root}}/run/messages-api
aws ssm get-parameter --region "$region" --name '{{.TokenParameter}}' --with-decryption \
  --query Parameter.Value --output text > {{.Root}}/run/messages-api/redis-token
chown messages-api {{.Root}}/run/messages-api/redis-token
# The binary is static: an image without files runs it.
docker image inspect push-turnkey/empty >/dev/null 2>&1 ||
  tar -cf - -T /dev/null | docker import - push-turnkey/empty >/dev/null
