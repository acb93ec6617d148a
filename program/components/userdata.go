package components

import "fmt"

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
	// Root goes before every path of the instance's file system that the
	// scripts write or hand to Docker: "" on an instance; a test's own
	// directory, so that the scripts run there as they are. The unit
	// files name the instance's paths (systemd-analyze verify --root
	// reads them under a root).
	Root string
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

// UserData renders the boot script (bash) of a node, boot/node-user-data.sh.
// It installs Docker and a systemd unit that, at every start, reads the
// crypto key from SSM into a root-only file on tmpfs and refuses to start
// the server when the key is missing or malformed (the server would
// otherwise invent its own key). The server's output goes to LogGroup
// through Docker's awslogs driver, non-blocking: when CloudWatch Logs is
// slow, lines beyond a 4 MB buffer are dropped rather than stalling the
// server on a write to stdout.
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
	script, err := renderBoot("node-user-data.sh", b.Root, b)
	if err != nil {
		return "", fmt.Errorf("user data for %s: %w", b.Command, err)
	}
	return script, nil
}
