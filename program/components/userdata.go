package components

import (
	"bytes"
	"fmt"
	"text/template"
)

// Ports of the autopush servers (reference: autopush.md).
const (
	WebsocketPort = 8080 // connection node, public: client websockets
	RouterPort    = 8081 // connection node, internal: endpoint nodes deliver here
	EndpointPort  = 8082 // endpoint node, public: WebPush requests from app servers
)

// NodeBoot describes what one node type runs; UserData renders it into the
// instance's boot script. Every field is validated config or an AWS name,
// and none is a secret: the crypto key is read from SSM on the node.
type NodeBoot struct {
	// Command is "autopush" (connection node) or "autoendpoint" (endpoint node).
	Command string
	// Image is the container image reference, "<repository>:<tag>".
	Image string
	// CryptoKeyParameter is the SSM SecureString parameter with the Fernet key.
	CryptoKeyParameter string
	RouterTable        string
	MessageTable       string
	// EndpointHost, EndpointPort and EndpointScheme form the public address
	// put into the push endpoint URLs the servers hand out. An empty
	// EndpointHost is the DNS name of the load balancer tagged
	// LoadBalancerTagKey=LoadBalancerTag, looked up at every start.
	EndpointHost    string
	LoadBalancerTag string
	EndpointPort    int
	EndpointScheme  string
	// DeliveryStream is the Firehose delivery stream for every log line, or "".
	DeliveryStream string
	// KeyFingerprint names the crypto keys in the parameter (CryptoKey.
	// Fingerprint): a new one changes the user data, and so rolls the node.
	KeyFingerprint string
	// LogGroup is the CloudWatch log group the server's output goes to,
	// one stream per instance.
	LogGroup string
}

// AutoPingInterval is the connection node's --auto_ping_interval, seconds.
func (b NodeBoot) AutoPingInterval() int { return AutoPingIntervalSeconds }

// Connection reports whether the node is a connection node.
func (b NodeBoot) Connection() bool { return b.Command == "autopush" }

// LogLevel is the server log level: delivery events are logged at debug and
// never reach Firehose at info (reference: autopush.md).
func (b NodeBoot) LogLevel() string {
	if b.DeliveryStream != "" {
		return "debug"
	}
	return "info"
}

// UserData renders the boot script (bash) of a node. It installs Docker and
// a systemd unit that, at every start, reads the crypto key from SSM into a
// root-only file on tmpfs and refuses to start the server when the key is
// missing or malformed (the server would otherwise invent its own key).
// The server's output goes to LogGroup through Docker's awslogs driver,
// non-blocking: when CloudWatch Logs is slow, lines beyond a 4 MB buffer
// are dropped rather than stalling the server on a write to stdout.
func UserData(b NodeBoot) (string, error) {
	if b.Command != "autopush" && b.Command != "autoendpoint" {
		return "", fmt.Errorf("user data: unknown command %q (want autopush or autoendpoint)", b.Command)
	}
	if b.EndpointHost == "" && b.LoadBalancerTag == "" {
		return "", fmt.Errorf("user data for %s: neither an endpoint host nor a load balancer tag", b.Command)
	}
	if b.LogGroup == "" {
		return "", fmt.Errorf("user data for %s: no log group", b.Command)
	}
	var out bytes.Buffer
	if err := userDataTemplate.Execute(&out, b); err != nil {
		return "", fmt.Errorf("user data for %s: %w", b.Command, err)
	}
	return out.String(), nil
}

// installDocker is the boot step both kinds of instance share: Docker from
// the distribution, the install retried (a mirror can fail once).
const installDocker = `# A mirror can fail once: retry before giving up on the boot.
for attempt in 1 2 3 4 5; do
  dnf install -y docker && break
  if [ "$attempt" -eq 5 ]; then
    echo "push-turnkey: installing docker failed 5 times" >&2
    exit 1
  fi
  sleep $((attempt * 15))
done
systemctl enable --now docker
`

// instanceMetadata starts every start script: an IMDSv2 token, meta to
// read a metadata path, and the instance's region and ID (which
// awslogsOptions use).
const instanceMetadata = `imds=http://169.254.169.254/latest
token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$imds/api/token")
meta() { curl -fsS -H "X-aws-ec2-metadata-token: $token" "$imds/meta-data/$1"; }
region=$(meta placement/region)
instance=$(meta instance-id)
`

// awslogsOptions are the Docker log options of every container the stack
// runs: the awslogs driver to the template's .LogGroup, a stream per
// instance ($instance, $region in the start script), non-blocking with a
// 4 MB buffer (https://docs.docker.com/engine/logging/drivers/awslogs/).
const awslogsOptions = `--log-driver awslogs --log-opt awslogs-region="$region" --log-opt awslogs-group='{{.LogGroup}}' \
  --log-opt awslogs-stream="$instance" --log-opt mode=non-blocking --log-opt max-buffer-size=4m`

var userDataTemplate = template.Must(template.New("user-data").Parse(`#!/bin/bash
# push-turnkey {{if .Connection}}connection{{else}}endpoint{{end}} node: runs '{{.Command}}' from {{.Image}} under systemd.
# crypto keys: {{.KeyFingerprint}}
set -euo pipefail

` + installDocker + `
install -d -m 0755 /usr/local/lib/push-turnkey
cat > /usr/local/lib/push-turnkey/start <<'START'
#!/bin/bash
# Starts {{.Command}} with the stack's crypto key, or fails so systemd retries.
set -euo pipefail
` + instanceMetadata + `{{- if .Connection}}
private_ip=$(meta local-ipv4)
{{- end}}
{{- if .EndpointHost}}
endpoint_host='{{.EndpointHost}}'
{{- else}}
# The load balancer is made while the nodes boot: find its DNS name by its
# tag, or fail so that systemd tries again until it exists.
lb_arn=$(aws resourcegroupstaggingapi get-resources --region "$region" \
  --resource-type-filters elasticloadbalancing:loadbalancer \
  --tag-filters 'Key=` + LoadBalancerTagKey + `,Values={{.LoadBalancerTag}}' \
  --query 'ResourceTagMappingList[0].ResourceARN' --output text) || lb_arn=
if [[ -z $lb_arn || $lb_arn == None ]]; then
  echo "push-turnkey: no load balancer tagged ` + LoadBalancerTagKey + `={{.LoadBalancerTag}} yet; not starting {{.Command}}" >&2
  exit 1
fi
endpoint_host=$(aws elbv2 describe-load-balancers --region "$region" --load-balancer-arns "$lb_arn" \
  --query 'LoadBalancers[0].DNSName' --output text)
{{- end}}
{{- if .DeliveryStream}}
# The stream is made while the nodes boot, and the server's Firehose sender
# ends for good on its first error: start only once the stream is ACTIVE.
status=$(aws firehose describe-delivery-stream --region "$region" --delivery-stream-name '{{.DeliveryStream}}' \
  --query DeliveryStreamDescription.DeliveryStreamStatus --output text) || status=
if [[ $status != ACTIVE ]]; then
  echo "push-turnkey: delivery stream '{{.DeliveryStream}}' is ${status:-not found}, not ACTIVE yet; not starting {{.Command}}" >&2
  exit 1
fi
{{- end}}
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
install -d -m 0700 /run/push-turnkey
printf 'CRYPTO_KEY=%s\nAWS_DEFAULT_REGION=%s\n' "$keys" "$region" > /run/push-turnkey/secrets.env
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
  ` + awslogsOptions + ` \
  --env-file /run/push-turnkey/secrets.env \
  '{{.Image}}' {{.Command}} \
  --router_tablename '{{.RouterTable}}' --message_tablename '{{.MessageTable}}' --no_table_rotation \
  --no_aws \
  --endpoint_hostname "$endpoint_host" --endpoint_port {{.EndpointPort}} --endpoint_scheme {{.EndpointScheme}} \
  {{if .Connection}}--hostname "$private_ip" --router_hostname "$private_ip" --auto_ping_interval {{.AutoPingInterval}}{{else}}--hostname "$endpoint_host"{{end}} \
  {{- if .DeliveryStream}}
  --firehose_stream_name '{{.DeliveryStream}}' \
  {{- end}}
  --log_level {{.LogLevel}}
START
chmod 0755 /usr/local/lib/push-turnkey/start

cat > /etc/systemd/system/{{.Command}}.service <<'UNIT'
[Unit]
Description=push-turnkey {{.Command}}
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target
StartLimitIntervalSec=0

[Service]
ExecStart=/usr/local/lib/push-turnkey/start
ExecStop=/usr/bin/docker stop {{.Command}}
Restart=always
RestartSec=10

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now {{.Command}}.service
`))
