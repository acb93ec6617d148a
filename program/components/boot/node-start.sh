#!/bin/bash
# Starts {{.Command}} with the stack's crypto key, or fails so systemd retries.
set -euo pipefail
{{template "instance-metadata.sh" -}}
{{if .Connection -}}
private_ip=$(meta local-ipv4)
{{end -}}
{{if .EndpointHost -}}
endpoint_host='{{.EndpointHost}}'
{{else -}}
# The load balancer is made while the nodes boot: find its DNS name by its
# tag, or fail so that systemd tries again until it exists.
lb_arn=$(aws resourcegroupstaggingapi get-resources --region "$region" \
  --resource-type-filters elasticloadbalancing:loadbalancer \
  --tag-filters 'Key={{loadBalancerTagKey}},Values={{.LoadBalancerTag}}' \
  --query 'ResourceTagMappingList[0].ResourceARN' --output text) || lb_arn=
if [[ -z $lb_arn || $lb_arn == None ]]; then
  echo "push-turnkey: no load balancer tagged {{loadBalancerTagKey}}={{.LoadBalancerTag}} yet; not starting {{.Command}}" >&2
  exit 1
fi
endpoint_host=$(aws elbv2 describe-load-balancers --region "$region" --load-balancer-arns "$lb_arn" \
  --query 'LoadBalancers[0].DNSName' --output text)
{{end -}}
{{if .DeliveryStream -}}
# The stream is made while the nodes boot, and the server's Firehose sender
# ends for good on its first error: start only once the stream is ACTIVE.
status=$(aws firehose describe-delivery-stream --region "$region" --delivery-stream-name '{{.DeliveryStream}}' \
  --query DeliveryStreamDescription.DeliveryStreamStatus --output text) || status=
if [[ $status != ACTIVE ]]; then
  echo "push-turnkey: delivery stream '{{.DeliveryStream}}' is ${status:-not found}, not ACTIVE yet; not starting {{.Command}}" >&2
  exit 1
fi
{{end -}}
# The parameter holds the current key, then any previous keys, comma
# separated; the server takes them newest first.
keys=$(aws ssm get-parameter --region "$region" --name '{{.CryptoKeyParameter}}' \
  --with-decryption --query Parameter.Value --output text) || keys=
if ! [[ $keys =~ ^[A-Za-z0-9_-]{43}=(,[A-Za-z0-9_-]{43}=)*$ ]]; then
  echo "push-turnkey: crypto key '{{.CryptoKeyParameter}}' is unreadable or not a list of Fernet keys; not starting {{.Command}}" >&2
  exit 1
fi
if [[ $keys == *,* ]]; then
  keys="[${keys//,/, }]" # several keys: the list form of CRYPTO_KEY
fi
umask 077
install -d -m 0700 {{.Root}}/run/push-turnkey
printf 'CRYPTO_KEY=%s\nAWS_DEFAULT_REGION=%s\n' "$keys" "$region" > {{.Root}}/run/push-turnkey/secrets.env
unset keys
# The server takes the alphabetically last table whose name starts with
# the message table's name, even with --no_table_rotation: refuse to start
# when another one exists, naming it.
tables=$(aws dynamodb list-tables --region "$region" --query TableNames --output text)
for table in $tables; do
  if [[ $table == '{{.MessageTable}}'* && $table != '{{.MessageTable}}' ]]; then
    echo "push-turnkey: table $table starts with '{{.MessageTable}}', so {{.Command}} would use it as its message table; rename or delete it, or change tablePrefix; not starting {{.Command}}" >&2
    exit 1
  fi
done
docker rm -f {{.Command}} >/dev/null 2>&1 || true
exec docker run --rm --name {{.Command}} --network host \
  --ulimit nofile=1000000:1000000 \
  {{template "awslogs-options" .}} \
  --env-file {{.Root}}/run/push-turnkey/secrets.env \
  '{{.Image}}' {{.Command}} \
  --router_tablename '{{.RouterTable}}' --message_tablename '{{.MessageTable}}' --no_table_rotation \
  --no_aws \
  --endpoint_hostname "$endpoint_host" --endpoint_port {{.EndpointPort}} --endpoint_scheme {{.EndpointScheme}} \
  {{if .Connection}}--hostname "$private_ip" --router_hostname "$private_ip" --auto_ping_interval {{.AutoPingInterval}}{{else}}--hostname "$endpoint_host"{{end}} \
  {{- if .DeliveryStream}}
  --firehose_stream_name '{{.DeliveryStream}}' \
  {{- end}}
  --log_level {{.LogLevel}}
