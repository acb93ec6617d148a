package components

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AMI parameters: the public SSM parameters of the latest Amazon Linux 2023
// image. The launch template resolves them at launch ("resolve:ssm:"), so a
// new AMI never shows up as a diff; an instance refresh picks it up.
const (
	AmiParameterX86   = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
	AmiParameterArm64 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
	// RootVolumeGiB is the encrypted gp3 root volume of each node.
	RootVolumeGiB = 20
	// WebsocketIdleTimeoutSeconds keeps idle client websockets open through
	// the Network Load Balancer's plain TCP listener (its default is 350
	// s). A TLS listener's idle timeout is 350 s and can't be modified
	// (docs.aws.amazon.com/elasticloadbalancing/latest/network/
	// update-idle-timeout.html), so it is set on TCP listeners only and
	// AutoPingIntervalSeconds keeps websockets busy instead.
	WebsocketIdleTimeoutSeconds = 1200
	// AutoPingIntervalSeconds is the connection nodes' --auto_ping_interval:
	// the server pings each idle websocket this often, well under the 350 s
	// after which a TLS listener drops an idle flow (autopush never pings
	// by default, and Firefox pings every 30 minutes; reference:
	// autopush.md, runtime behaviour).
	AutoPingIntervalSeconds = 240
	// HealthCheckGraceSeconds is how long a new node may take to boot
	// (install Docker, pull the PyPy-based image, start) before failing
	// load balancer health checks gets it replaced.
	HealthCheckGraceSeconds = 600
	// LoadBalancerTagKey tags the load balancer with
	// PushServiceArgs.LoadBalancerTag.
	LoadBalancerTagKey = "push-turnkey-load-balancer"
	// InstanceWarmupSeconds is how long a new node's metrics are left out
	// of scaling decisions: a cold boot with the image pull takes minutes.
	InstanceWarmupSeconds = 300
	// CapacityTimeout is how long pulumi up waits for a new group's nodes
	// to be healthy behind the load balancer (the provider's
	// waitForCapacityTimeout): a cold boot with margin.
	CapacityTimeout = "20m"
	// StatusPath answers 200 on both servers' ports (reference:
	// autopush.md, health).
	StatusPath = "/status"
	// With TLS the load balancer serves wss:// on the standard HTTPS port,
	// so browsers need no port in the push server URL, and https:// for
	// WebPush on TLSEndpointPort.
	TLSWebsocketPort = 443
	TLSEndpointPort  = 8443
	// TLSPolicy is the load balancer's TLS policy: TLS 1.3 and 1.2 only.
	TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
)

// Capacity sizes one Auto Scaling group: Min <= Desired <= Max.
type Capacity struct {
	Min, Desired, Max int
}

// PushService runs the autopush connection nodes and endpoint nodes, each an
// Auto Scaling group behind one internet-facing Network Load Balancer.
type PushService struct {
	pulumi.ResourceState

	// PushServerURL is the websocket URL clients connect to, "ws://<nlb>:8080/".
	PushServerURL pulumi.StringOutput `pulumi:"pushServerUrl"`
	// EndpointURL is the WebPush endpoint base URL, "http://<nlb>:8082/".
	EndpointURL     pulumi.StringOutput `pulumi:"endpointUrl"`
	LoadBalancerDNS pulumi.StringOutput `pulumi:"loadBalancerDns"`
	// Security groups, for tiers that must reach or be reached by the nodes.
	InternalRouterSecurityGroupID pulumi.StringOutput `pulumi:"internalRouterSecurityGroupId"`
	ConnectionNodeSecurityGroupID pulumi.StringOutput `pulumi:"connectionNodeSecurityGroupId"`
	EndpointNodeSecurityGroupID   pulumi.StringOutput `pulumi:"endpointNodeSecurityGroupId"`
	// LoadBalancerZoneID is the load balancer's canonical hosted zone, for
	// alias records.
	LoadBalancerZoneID pulumi.StringOutput `pulumi:"loadBalancerZoneId"`
	// LoadBalancerArnSuffix and TargetGroupArnSuffixes ("connection",
	// "endpoint") are the load balancer's CloudWatch dimensions.
	LoadBalancerArnSuffix  pulumi.StringOutput            `pulumi:"loadBalancerArnSuffix"`
	TargetGroupArnSuffixes map[string]pulumi.StringOutput `pulumi:"-"`
	// LogGroupNames ("connection", "endpoint") are the nodes' log groups,
	// known once they exist.
	LogGroupNames map[string]pulumi.StringOutput `pulumi:"-"`
	// GroupNames ("connection", "endpoint") are the node types' Auto
	// Scaling groups, named by the provider (the resource name and a
	// random suffix): an operator watches their instance refreshes by
	// them.
	GroupNames map[string]pulumi.StringOutput `pulumi:"-"`
}

// PushServiceArgs wires the service to the network, tables, key and logs.
type PushServiceArgs struct {
	VpcID     pulumi.StringInput
	SubnetIDs pulumi.StringArrayInput // public subnets, one per zone

	Image        string // "<repository>:<tag>", validated config
	InstanceType string
	Arm64        bool // picks the arm64 AMI for Graviton instance types
	Connection   Capacity
	Endpoint     Capacity
	// SSHKeyName and SSHAllowedCIDR are both set or both "".
	SSHKeyName, SSHAllowedCIDR string

	RouterTableName, RouterTableArn   pulumi.StringInput
	MessageTableName, MessageTableArn pulumi.StringInput
	CryptoKeyParameterName            pulumi.StringInput
	CryptoKeyParameterArn             pulumi.StringInput
	CryptoKeyFingerprint              pulumi.StringInput
	// DeliveryStreamName and DeliveryStreamArn are nil without Firehose.
	// Give the name as a plain string (the config's): the start script
	// waits for the stream, so the nodes need not.
	DeliveryStreamName, DeliveryStreamArn pulumi.StringInput

	// LoadBalancerTag is the value of the load balancer's
	// LoadBalancerTagKey tag, unique in the account and region (the
	// table prefix): the nodes find the load balancer by it.
	LoadBalancerTag string

	// Scaling is what a node group with Min < Max tracks.
	Scaling Scaling

	// Logs and LogGroupNames ("connection" and "endpoint" to a name) are
	// the nodes' log groups, which the servers' output goes to.
	Logs          LogSettings
	LogGroupNames map[string]string

	// Partition, Region and AccountID scope the instance role's policy.
	Partition, Region, AccountID string
	// InstanceTags are set on every node instance and its volume at
	// launch: the provider's default tags reach the groups, not the
	// instances they launch.
	InstanceTags map[string]string

	// CertificateArn (an ACM certificate, or nil) turns on TLS: the load
	// balancer then listens for wss:// and https:// only, and the servers
	// hand out https:// endpoints for DomainName, which must be set too.
	CertificateArn pulumi.StringInput
	DomainName     string

	// Refreshes, when set, watches each group's instance refresh after an
	// update that changed its launch template (an after-update hook), so
	// `pulumi up` ends when the new nodes serve, or fails saying where to
	// look. An interface, not an input: the hook calls the AWS API.
	Refreshes *RefreshWait
}

// statusCheck is the target groups' health check: GET /status on the
// node's own port, 200.
func statusCheck() *lb.TargetGroupHealthCheckArgs {
	return &lb.TargetGroupHealthCheckArgs{
		Protocol: pulumi.String("HTTP"), Path: pulumi.String(StatusPath), Matcher: pulumi.String("200"),
	}
}

// UnhealthyNodesHint is the error pulumi up adds when an Auto Scaling group
// (resource name group) failed, most often because its nodes never became
// healthy: where to look (the server's output in logGroup, a node's
// journal), and what usually keeps the server from starting.
func UnhealthyNodesHint(group, command, image, region, logGroup string) string {
	return fmt.Sprintf("%s failed. If its nodes did not become healthy behind the load balancer within %s: "+
		"the server's output is in CloudWatch Logs (aws logs tail %s --region %s --since 1h). "+
		"On a node (aws ssm start-session --region %s --target <instance id>, or the EC2 console's Session Manager): "+
		"sudo journalctl -u %s -b shows the start script's errors, and /var/log/cloud-init-output.log the boot. "+
		"Usual causes: the image %s cannot be pulled (name, tag, a private registry, no route to the internet), "+
		"the crypto key parameter is unreadable, or a stray <tablePrefix>_message* table (named in the journal).",
		group, CapacityTimeout, logGroup, region, region, command, image)
}

// NewPushService registers the security groups, instance role, load
// balancer, launch templates and Auto Scaling groups of both node types.
func NewPushService(ctx *pulumi.Context, name string, args *PushServiceArgs, opts ...pulumi.ResourceOption) (*PushService, error) {
	tls := args.CertificateArn != nil
	if tls && args.DomainName == "" {
		return nil, fmt.Errorf("push service %s: TLS needs the domain name the certificate is for", name)
	}
	s := &PushService{TargetGroupArnSuffixes: map[string]pulumi.StringOutput{}, LogGroupNames: map[string]pulumi.StringOutput{},
		GroupNames: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(Project+":service:PushService", name, s, opts...); err != nil {
		return nil, err
	}
	b := &serviceBuild{ctx: ctx, name: name, args: args, parent: pulumi.Parent(s), tls: tls, logGroups: map[string]*cloudwatch.LogGroup{}}
	var err error
	if b.groups, err = newNodeSecurityGroups(ctx, name, args, b.parent); err != nil {
		return nil, err
	}
	var logGroupArns []pulumi.StringInput
	for _, role := range []string{"connection", "endpoint"} {
		g, err := newLogGroup(ctx, name+"-"+role+"-logs", args.LogGroupNames[role], args.Logs, b.parent)
		if err != nil {
			return nil, err
		}
		b.logGroups[role] = g
		s.LogGroupNames[role] = g.Name
		logGroupArns = append(logGroupArns, g.Arn)
	}
	if b.profile, err = newNodeRole(ctx, name, args, logGroupArns, b.parent); err != nil {
		return nil, err
	}
	if b.nlb, err = b.newLoadBalancer(); err != nil {
		return nil, err
	}
	for _, n := range b.nodeTypes() {
		suffix, group, err := b.newNodeType(n)
		if err != nil {
			return nil, err
		}
		s.TargetGroupArnSuffixes[n.role] = suffix
		s.GroupNames[n.role] = group
	}
	return s, b.finish(s)
}

// serviceBuild is one NewPushService under way.
type serviceBuild struct {
	ctx       *pulumi.Context
	name      string
	args      *PushServiceArgs
	parent    pulumi.ResourceOption
	tls       bool
	groups    *nodeSecurityGroups
	logGroups map[string]*cloudwatch.LogGroup // by node type
	profile   *iam.InstanceProfile
	nlb       *lb.LoadBalancer
}

func (b *serviceBuild) newLoadBalancer() (*lb.LoadBalancer, error) {
	nlb, err := lb.NewLoadBalancer(b.ctx, b.name, &lb.LoadBalancerArgs{
		LoadBalancerType:             pulumi.String("network"),
		Internal:                     pulumi.Bool(false),
		Subnets:                      b.args.SubnetIDs,
		EnableCrossZoneLoadBalancing: pulumi.Bool(true),
		// Only the load balancer faces the internet; the nodes admit their
		// push ports from this group alone. (A load balancer made without a
		// group can never get one: this is set from the start.)
		SecurityGroups: pulumi.StringArray{b.groups.loadBalancer.ID()},
		// The nodes find it by this tag (NodeBoot.LoadBalancerTag).
		Tags: pulumi.StringMap{LoadBalancerTagKey: pulumi.String(b.args.LoadBalancerTag)},
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("load balancer: %w", err)
	}
	return nlb, nil
}

// nodeType is what differs between connection and endpoint nodes.
type nodeType struct {
	role, command string
	port, tlsPort int
	health        *lb.TargetGroupHealthCheckArgs
	groups        pulumi.StringArray
	capacity      Capacity
	idleTimeout   int
}

func (b *serviceBuild) nodeTypes() []nodeType {
	return []nodeType{
		{
			role: "connection", command: "autopush", port: WebsocketPort, tlsPort: TLSWebsocketPort,
			// The websocket port answers GET /status too.
			health: statusCheck(),
			// Connection nodes carry the internal router group too: a node
			// that takes over a client tells the client's old node on its
			// router port.
			groups:   pulumi.StringArray{b.groups.connection.ID(), b.groups.internalRouter.ID()},
			capacity: b.args.Connection, idleTimeout: WebsocketIdleTimeoutSeconds,
		},
		{
			role: "endpoint", command: "autoendpoint", port: EndpointPort, tlsPort: TLSEndpointPort,
			health: statusCheck(),
			// Endpoint nodes carry the internal router group: it admits them
			// to the connection nodes' router port.
			groups:   pulumi.StringArray{b.groups.endpoint.ID(), b.groups.internalRouter.ID()},
			capacity: b.args.Endpoint,
		},
	}
}

// newNodeType registers one node type: its target group and listener,
// launch template, Auto Scaling group and scaling policies. It returns the
// target group's ARN suffix and the group's name.
func (b *serviceBuild) newNodeType(n nodeType) (pulumi.StringOutput, pulumi.StringOutput, error) {
	nodeName := b.name + "-" + n.role
	tg, err := b.newTargetAndListener(n, nodeName)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, err
	}
	template, err := newLaunchTemplate(b.ctx, nodeName, launchSpec{
		instanceType: b.args.InstanceType, arm64: b.args.Arm64, keyName: b.args.SSHKeyName,
		profile: b.profile, groups: n.groups, userData: b.userData(n), tags: b.args.InstanceTags,
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, err
	}
	group, err := b.newNodeGroup(n, nodeName, tg, template)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, err
	}
	if n.capacity.Min < n.capacity.Max {
		if err := newScalingPolicies(b.ctx, nodeName, group, n.role == "connection", b.args.Scaling, b.nlb.ArnSuffix, tg.ArnSuffix, b.parent); err != nil {
			return pulumi.StringOutput{}, pulumi.StringOutput{}, err
		}
	}
	return tg.ArnSuffix, group.Name, nil
}

func (b *serviceBuild) newTargetAndListener(n nodeType, nodeName string) (*lb.TargetGroup, error) {
	tg, err := lb.NewTargetGroup(b.ctx, nodeName, &lb.TargetGroupArgs{
		VpcId:               b.args.VpcID,
		Port:                pulumi.Int(n.port),
		Protocol:            pulumi.String("TCP"),
		TargetType:          pulumi.String("instance"),
		DeregistrationDelay: pulumi.Int(30),
		HealthCheck:         n.health,
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("target group %s: %w", nodeName, err)
	}
	listenerName := nodeName
	listener := &lb.ListenerArgs{
		LoadBalancerArn: b.nlb.Arn,
		Port:            pulumi.Int(n.port),
		Protocol:        pulumi.String("TCP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: tg.Arn,
		}},
	}
	if b.tls {
		// TLS ends at the load balancer; nodes keep their plain ports.
		listenerName = nodeName + "-tls"
		listener.Port = pulumi.Int(n.tlsPort)
		listener.Protocol = pulumi.String("TLS")
		listener.CertificateArn = b.args.CertificateArn
		listener.SslPolicy = pulumi.String(TLSPolicy)
	}
	if n.idleTimeout > 0 && !b.tls {
		listener.TcpIdleTimeoutSeconds = pulumi.Int(n.idleTimeout)
	}
	if _, err := lb.NewListener(b.ctx, listenerName, listener, b.parent); err != nil {
		return nil, fmt.Errorf("listener %s: %w", listenerName, err)
	}
	return tg, nil
}

// userData is the node type's start script, base64. The public address
// the servers put into push endpoint URLs is the domain name with TLS,
// else the load balancer's DNS name, which the nodes look up at start so
// that they boot while it is being made.
func (b *serviceBuild) userData(n nodeType) pulumi.StringOutput {
	args := b.args
	endpointHost := ""
	endpointPort, endpointScheme := EndpointPort, "http"
	if b.tls {
		endpointHost = args.DomainName
		endpointPort, endpointScheme = TLSEndpointPort, "https"
	}
	streamName := args.DeliveryStreamName
	if streamName == nil {
		streamName = pulumi.String("")
	}
	command, logGroup := n.command, args.LogGroupNames[n.role]
	return pulumi.All(args.CryptoKeyParameterName, args.RouterTableName,
		args.MessageTableName, streamName, args.CryptoKeyFingerprint).ApplyT(func(v []interface{}) (string, error) {
		script, err := UserData(NodeBoot{
			Command:            command,
			Image:              args.Image,
			EndpointHost:       endpointHost,
			LoadBalancerTag:    args.LoadBalancerTag,
			EndpointPort:       endpointPort,
			EndpointScheme:     endpointScheme,
			CryptoKeyParameter: v[0].(string),
			RouterTable:        v[1].(string),
			MessageTable:       v[2].(string),
			DeliveryStream:     v[3].(string),
			KeyFingerprint:     v[4].(string),
			LogGroup:           logGroup,
		})
		return base64.StdEncoding.EncodeToString([]byte(script)), err
	}).(pulumi.StringOutput)
}

// waitForRefresh is a group's after-update hook: when the update changed
// the launch template, it waits for the instance refresh the provider
// started; one that fails or never finishes fails the up, saying where to
// look and how to go back. A refresh it cannot watch is a warning.
func (b *serviceBuild) waitForRefresh(command, logGroup string) pulumi.ResourceHookFunction {
	return func(h *pulumi.ResourceHookArgs) error {
		if h.OldInputs["launchTemplate"].DeepEquals(h.NewInputs["launchTemplate"]) {
			return nil
		}
		group := string(h.ID)
		_ = b.ctx.Log.Info(fmt.Sprintf("waiting for the instance refresh of %s: new nodes must pass the health check before old ones go", group), nil)
		err := b.args.Refreshes.Wait(b.ctx.Context(), group)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, ErrCannotWatch):
			_ = b.ctx.Log.Warn(fmt.Sprintf("%v; watch it: aws autoscaling describe-instance-refreshes --auto-scaling-group-name %s", err, group), nil)
			return nil
		}
		return fmt.Errorf("%v. The old nodes keep serving: a refresh replaces a node only once its replacement is healthy; "+
			"but the group now starts new nodes from the changed launch template. To go back, set what you changed "+
			"(autopushVersion, instanceType, ...) back and run pulumi up. %s",
			err, UnhealthyNodesHint(h.Name, command, b.args.Image, b.args.Region, logGroup))
	}
}

// newNodeGroup registers the node type's Auto Scaling group, with the
// error hook that says where to look when its nodes never get healthy,
// and the after-update hook that waits for its instance refresh.
func (b *serviceBuild) newNodeGroup(n nodeType, nodeName string, tg *lb.TargetGroup, template *ec2.LaunchTemplate) (*autoscaling.Group, error) {
	command, logGroup := n.command, b.args.LogGroupNames[n.role]
	unhealthy, err := b.ctx.RegisterErrorHook(nodeName+"-unhealthy", func(h *pulumi.ErrorHookArgs) (bool, error) {
		if h.FailedOperation == "create" || h.FailedOperation == "update" {
			_ = b.ctx.Log.Error(UnhealthyNodesHint(h.Name, command, b.args.Image, b.args.Region, logGroup), nil)
		}
		return false, nil // waiting again would not help
	})
	if err != nil {
		return nil, fmt.Errorf("auto scaling group %s: %w", nodeName, err)
	}
	hooks := &pulumi.ResourceHookBinding{OnError: []*pulumi.ErrorHook{unhealthy}}
	if b.args.Refreshes != nil {
		rolled, err := b.ctx.RegisterResourceHook(nodeName+"-rolled", b.waitForRefresh(command, logGroup), nil)
		if err != nil {
			return nil, fmt.Errorf("auto scaling group %s: %w", nodeName, err)
		}
		hooks.AfterUpdate = []*pulumi.ResourceHook{rolled}
	}
	groupOpts := []pulumi.ResourceOption{b.parent, pulumi.ResourceHooks(hooks),
		// The servers' log driver needs the group when they start.
		pulumi.DependsOn([]pulumi.Resource{b.logGroups[n.role]})}
	var termination pulumi.StringArray
	if n.capacity.Min < n.capacity.Max {
		// The policies own the desired count once the group exists.
		groupOpts = append(groupOpts, pulumi.IgnoreChanges([]string{"desiredCapacity"}))
		if n.role == "connection" {
			// Clients stay on the node they reached; the newest node
			// holds the fewest, so scaling in drops the fewest.
			termination = pulumi.StringArray{pulumi.String("NewestInstance")}
		}
	}
	group, err := autoscaling.NewGroup(b.ctx, nodeName, &autoscaling.GroupArgs{
		MinSize:                pulumi.Int(n.capacity.Min),
		DesiredCapacity:        pulumi.Int(n.capacity.Desired),
		MaxSize:                pulumi.Int(n.capacity.Max),
		VpcZoneIdentifiers:     b.args.SubnetIDs,
		TargetGroupArns:        pulumi.StringArray{tg.Arn},
		HealthCheckType:        pulumi.String("ELB"),
		HealthCheckGracePeriod: pulumi.Int(HealthCheckGraceSeconds),
		// New nodes count for scaling only after their boot.
		DefaultInstanceWarmup: pulumi.Int(InstanceWarmupSeconds),
		TerminationPolicies:   termination,
		// Creating the group waits until this many nodes pass the load
		// balancer's health check (at least one, so that up means a
		// working service), else fails after CapacityTimeout.
		MinElbCapacity:         pulumi.Int(max(n.capacity.Min, 1)),
		WaitForCapacityTimeout: pulumi.String(CapacityTimeout),
		LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{
			Id:      template.ID(),
			Version: template.LatestVersion.ApplyT(strconv.Itoa).(pulumi.StringOutput),
		},
		// A new launch template version rolls through the group: new
		// nodes come up healthy before old ones go, so new nodes that
		// never get healthy (a bad image) replace none. No AutoRollback:
		// AWS supports none for a template whose image is an SSM
		// parameter (RefreshPreferences.AutoRollback), and the provider
		// moves the group to the new version before the refresh starts
		// (terraform-provider-aws issue 34189), so there is nothing older
		// to roll back to.
		InstanceRefresh: &autoscaling.GroupInstanceRefreshArgs{
			Strategy: pulumi.String("Rolling"),
			Preferences: &autoscaling.GroupInstanceRefreshPreferencesArgs{
				MinHealthyPercentage: pulumi.Int(100),
				MaxHealthyPercentage: pulumi.Int(200),
			},
		},
		Tags: autoscaling.GroupTagArray{&autoscaling.GroupTagArgs{
			Key: pulumi.String("Name"), Value: pulumi.String(nodeName), PropagateAtLaunch: pulumi.Bool(true),
		}},
	}, groupOpts...)
	if err != nil {
		return nil, fmt.Errorf("auto scaling group %s: %w", nodeName, err)
	}
	return group, nil
}

// finish sets the service's outputs.
func (b *serviceBuild) finish(s *PushService) error {
	s.LoadBalancerDNS = b.nlb.DnsName
	s.LoadBalancerArnSuffix = b.nlb.ArnSuffix
	if b.tls {
		s.PushServerURL = pulumi.Sprintf("wss://%s/", b.args.DomainName).ToStringOutput()
		s.EndpointURL = pulumi.Sprintf("https://%s:%d/", b.args.DomainName, TLSEndpointPort).ToStringOutput()
	} else {
		s.PushServerURL = pulumi.Sprintf("ws://%s:%d/", b.nlb.DnsName, WebsocketPort)
		s.EndpointURL = pulumi.Sprintf("http://%s:%d/", b.nlb.DnsName, EndpointPort)
	}
	s.LoadBalancerZoneID = b.nlb.ZoneId
	s.InternalRouterSecurityGroupID = b.groups.internalRouter.ID().ToStringOutput()
	s.ConnectionNodeSecurityGroupID = b.groups.connection.ID().ToStringOutput()
	s.EndpointNodeSecurityGroupID = b.groups.endpoint.ID().ToStringOutput()
	return b.ctx.RegisterResourceOutputs(s, pulumi.Map{
		"pushServerUrl":                 s.PushServerURL,
		"endpointUrl":                   s.EndpointURL,
		"loadBalancerDns":               s.LoadBalancerDNS,
		"loadBalancerArnSuffix":         s.LoadBalancerArnSuffix,
		"loadBalancerZoneId":            s.LoadBalancerZoneID,
		"internalRouterSecurityGroupId": s.InternalRouterSecurityGroupID,
		"connectionNodeSecurityGroupId": s.ConnectionNodeSecurityGroupID,
		"endpointNodeSecurityGroupId":   s.EndpointNodeSecurityGroupID,
	})
}

type nodeSecurityGroups struct {
	loadBalancer, internalRouter, connection, endpoint *ec2.SecurityGroup
}

// newNodeSecurityGroups registers the load balancer's group (its listener
// ports open to the internet) and the seed's groups: internal router (a
// marker carried by every node), connection node (8080 from the load
// balancer, 8081 from the internal router group) and endpoint node (8082
// from the load balancer); SSH only when configured.
func newNodeSecurityGroups(ctx *pulumi.Context, name string, args *PushServiceArgs, parent pulumi.ResourceOption) (*nodeSecurityGroups, error) {
	group := func(suffix, description string) (*ec2.SecurityGroup, error) {
		sg, err := ec2.NewSecurityGroup(ctx, name+"-"+suffix, &ec2.SecurityGroupArgs{
			VpcId:       args.VpcID,
			Description: pulumi.String(description),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("security group %s: %w", suffix, err)
		}
		return sg, nil
	}
	var g nodeSecurityGroups
	var err error
	if g.loadBalancer, err = group("load-balancer", "Push load balancer: the public push ports"); err != nil {
		return nil, err
	}
	if g.internalRouter, err = group("internal-router", "Members may reach connection nodes on the internal router port"); err != nil {
		return nil, err
	}
	if g.connection, err = group("connection", "Push connection nodes"); err != nil {
		return nil, err
	}
	if g.endpoint, err = group("endpoint", "Push endpoint nodes"); err != nil {
		return nil, err
	}
	if err := g.ingressRules(ctx, name, args, parent); err != nil {
		return nil, err
	}
	return &g, g.egressRules(ctx, name, parent)
}

// groupRule admits (or lets out) one TCP port of group, from a CIDR or
// from the members of source.
type groupRule struct {
	name   string
	group  *ec2.SecurityGroup
	port   int
	cidr   string
	source *ec2.SecurityGroup
}

func (g *nodeSecurityGroups) ingressRules(ctx *pulumi.Context, name string, args *PushServiceArgs, parent pulumi.ResourceOption) error {
	publicWebsocket, publicEndpoint := WebsocketPort, EndpointPort
	if args.CertificateArn != nil {
		publicWebsocket, publicEndpoint = TLSWebsocketPort, TLSEndpointPort
	}
	rules := []groupRule{
		{"public-websocket", g.loadBalancer, publicWebsocket, "0.0.0.0/0", nil},
		{"public-endpoint", g.loadBalancer, publicEndpoint, "0.0.0.0/0", nil},
		{"connection-websocket", g.connection, WebsocketPort, "", g.loadBalancer},
		{"connection-router", g.connection, RouterPort, "", g.internalRouter},
		{"endpoint-http", g.endpoint, EndpointPort, "", g.loadBalancer},
	}
	if args.SSHKeyName != "" && args.SSHAllowedCIDR != "" {
		rules = append(rules,
			groupRule{"connection-ssh", g.connection, 22, args.SSHAllowedCIDR, nil},
			groupRule{"endpoint-ssh", g.endpoint, 22, args.SSHAllowedCIDR, nil})
	}
	for _, r := range rules {
		ingress := &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: r.group.ID(),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(r.port),
			ToPort:          pulumi.Int(r.port),
		}
		if r.source != nil {
			ingress.ReferencedSecurityGroupId = r.source.ID()
		} else {
			ingress.CidrIpv4 = pulumi.String(r.cidr)
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-"+r.name, ingress, parent); err != nil {
			return fmt.Errorf("ingress rule %s: %w", r.name, err)
		}
	}
	return nil
}

func (g *nodeSecurityGroups) egressRules(ctx *pulumi.Context, name string, parent pulumi.ResourceOption) error {
	// The load balancer forwards to the nodes and checks their health.
	for _, r := range []groupRule{
		{"load-balancer-to-connection", g.loadBalancer, WebsocketPort, "", g.connection},
		{"load-balancer-to-endpoint", g.loadBalancer, EndpointPort, "", g.endpoint},
	} {
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-"+r.name, &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: r.group.ID(), IpProtocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(r.port), ToPort: pulumi.Int(r.port), ReferencedSecurityGroupId: r.source.ID(),
		}, parent); err != nil {
			return fmt.Errorf("egress rule %s: %w", r.name, err)
		}
	}
	// Nodes pull images and call AWS APIs over the internet; endpoint nodes
	// reach connection nodes' router port inside the VPC.
	for _, e := range []struct {
		suffix string
		group  *ec2.SecurityGroup
	}{{"connection", g.connection}, {"endpoint", g.endpoint}} {
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-"+e.suffix+"-egress", &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: e.group.ID(),
			IpProtocol:      pulumi.String("-1"),
			CidrIpv4:        pulumi.String("0.0.0.0/0"),
		}, parent); err != nil {
			return fmt.Errorf("egress rule %s: %w", e.suffix, err)
		}
	}
	return nil
}

// newNodeRole registers the nodes' role and instance profile. The role may
// read and write exactly the two push tables, read the crypto key parameter,
// put records on the delivery stream (with Firehose) and hold Session
// Manager sessions.
func newNodeRole(ctx *pulumi.Context, name string, args *PushServiceArgs, logGroupArns []pulumi.StringInput, parent pulumi.ResourceOption) (*iam.InstanceProfile, error) {
	inputs := []interface{}{args.RouterTableArn, args.MessageTableArn, args.CryptoKeyParameterArn,
		pulumi.StringArray(logGroupArns).ToStringArrayOutput()}
	if args.DeliveryStreamArn != nil {
		inputs = append(inputs, args.DeliveryStreamArn)
	}
	policy := pulumi.All(inputs...).ApplyT(func(v []interface{}) string {
		statements := []Statement{
			{
				Sid:    "PushTables",
				Effect: "Allow",
				// What the server calls, and nothing else (reference:
				// autopush.md, runtime behaviour).
				Action: []string{
					"dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
					"dynamodb:Query", "dynamodb:UpdateItem",
				},
				Resource: []string{v[0].(string), v[1].(string)},
			},
			{
				// autopush finds its message table by listing tables at
				// start, even with --no_table_rotation; ListTables has no
				// resource types (AWS Service Authorization Reference).
				Sid:      "PushTableDiscovery",
				Effect:   "Allow",
				Action:   []string{"dynamodb:ListTables"},
				Resource: []string{"*"},
			},
			{Sid: "CryptoKey", Effect: "Allow", Action: []string{"ssm:GetParameter"}, Resource: []string{v[2].(string)}},
		}
		statements = append(statements, logWriterStatement(v[3].([]string)...), Statement{
			// The start script finds the load balancer's DNS name; neither
			// action has resource-level permissions (Service Authorization
			// Reference: Resource Groups Tagging API, Elastic Load
			// Balancing V2).
			Sid: "LoadBalancerLookup", Effect: "Allow", Resource: []string{"*"},
			Action: []string{"tag:GetResources", "elasticloadbalancing:DescribeLoadBalancers"},
		})
		statements = append(statements, sessionManagerStatements(args.Partition, args.Region, args.AccountID)...)
		if len(v) > 4 {
			statements = append(statements, Statement{
				Sid:    "LogDelivery",
				Effect: "Allow",
				// The server's only Firehose call, and the start script's
				// wait for the stream.
				Action:   []string{"firehose:PutRecordBatch", "firehose:DescribeDeliveryStream"},
				Resource: []string{v[4].(string)},
			})
		}
		return PolicyDocument(statements...)
	}).(pulumi.StringOutput)
	role, _, err := newServiceRole(ctx, name+"-node", "ec2.amazonaws.com", "", policy, parent)
	if err != nil {
		return nil, err
	}
	profile, err := iam.NewInstanceProfile(ctx, name+"-node", &iam.InstanceProfileArgs{Role: role.Name}, parent)
	if err != nil {
		return nil, fmt.Errorf("instance profile: %w", err)
	}
	return profile, nil
}

// launchSpec is what differs between the launch templates of the stack.
type launchSpec struct {
	instanceType string
	arm64        bool   // picks the arm64 AMI
	keyName      string // "" for no key pair
	profile      *iam.InstanceProfile
	groups       pulumi.StringArrayInput // nil when a network interface carries them
	userData     pulumi.StringInput      // base64
	tags         map[string]string       // for the instance and its volumes, besides Name
}

// newLaunchTemplate registers a launch template: AL2023 AMI resolved at
// launch, IMDSv2 required, encrypted root volume.
func newLaunchTemplate(ctx *pulumi.Context, name string, spec launchSpec, parent pulumi.ResourceOption) (*ec2.LaunchTemplate, error) {
	ami := AmiParameterX86
	if spec.arm64 {
		ami = AmiParameterArm64
	}
	tags := pulumi.StringMap{"Name": pulumi.String(name)}
	for k, v := range spec.tags {
		tags[k] = pulumi.String(v)
	}
	lt := &ec2.LaunchTemplateArgs{
		ImageId:              pulumi.String("resolve:ssm:" + ami),
		InstanceType:         pulumi.String(spec.instanceType),
		IamInstanceProfile:   &ec2.LaunchTemplateIamInstanceProfileArgs{Arn: spec.profile.Arn},
		VpcSecurityGroupIds:  spec.groups,
		UserData:             spec.userData,
		UpdateDefaultVersion: pulumi.Bool(true),
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"),
			HttpTokens:   pulumi.String("required"),
			// Containers run with host networking, so one hop is enough and
			// nothing behind a bridge can reach the instance credentials.
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(RootVolumeGiB),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: tags},
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: tags},
		},
	}
	if spec.keyName != "" {
		lt.KeyName = pulumi.String(spec.keyName)
	}
	template, err := ec2.NewLaunchTemplate(ctx, name, lt, parent)
	if err != nil {
		return nil, fmt.Errorf("launch template %s: %w", name, err)
	}
	return template, nil
}
