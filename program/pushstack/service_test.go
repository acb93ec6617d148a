package pushstack_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/components"
)

// TestUserDataPassesShellcheck checks each node's user data, and the
// start script it writes, as files.
func TestUserDataPassesShellcheck(t *testing.T) {
	for name, config := range configs {
		p := runPlan(t, config, nil)
		for node := range nodeCommands {
			t.Run(name+"/"+node, func(t *testing.T) {
				script := userData(t, p, node)
				require.True(t, strings.HasPrefix(script, "#!/bin/bash\n"), "cloud-init runs user data as a script only with a shebang")
				path := filepath.Join(t.TempDir(), "user-data")
				require.NoError(t, os.WriteFile(path, []byte(script), 0o600))
				shellcheck(t, path)
				in, _ := bootNode(t, p, node, configuredImage(config))
				shellcheck(t, in.path(nodeStart))
			})
		}
	}
}

// TestNodesRunTheConfiguredServer: each node's start script runs the
// configured image and server against the stack's tables, with the
// stack's key in a root-only file on tmpfs, as the engine takes the line.
func TestNodesRunTheConfiguredServer(t *testing.T) {
	docker := dockerEngine(t)
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			p := runPlan(t, config, map[string]string{})
			for node, command := range nodeCommands {
				in, b := bootNode(t, p, node, configuredImage(config))
				assert.Equal(t, "push-test_router", b.RouterTable)
				assert.Equal(t, "push-test_message", b.MessageTable)
				assert.Equal(t, "/push-turnkey/push-test/crypto-key", b.CryptoKeyParameter)
				assert.Equal(t, "push-test", b.LoadBalancerTag, "the load balancer carries the tag the nodes look it up by")
				haveImage(t, docker, b.Image)
				removeContainer(t, docker, command)
				out, err := in.run(nodeStart)
				require.NoError(t, err, "%s", out)
				assert.Contains(t, in.log("aws.log"), "resourcegroupstaggingapi get-resources --region "+instanceRegion+
					" --resource-type-filters elasticloadbalancing:loadbalancer --tag-filters Key="+components.LoadBalancerTagKey+
					",Values=push-test --query ResourceTagMappingList[0].ResourceARN --output text")
				assert.Contains(t, in.log("aws.log"), "ssm get-parameter --region "+instanceRegion+
					" --name /push-turnkey/push-test/crypto-key --with-decryption --query Parameter.Value --output text")

				c := inspect(t, docker, command)
				assert.Equal(t, "mozilla/autopush:1.58.4", c.Config.Image)
				run := strings.Join(c.Config.Cmd, " ")
				assert.True(t, strings.HasPrefix(run, command+" "), run)
				assert.Contains(t, run, " --router_tablename push-test_router --message_tablename push-test_message --no_table_rotation ")
				assert.Contains(t, run, " --endpoint_hostname "+p.Outputs["loadBalancerDns"].Value.(string)+" --endpoint_port 8082 --endpoint_scheme http ")
				assert.Equal(t, "host", c.HostConfig.NetworkMode)
				// The key only ever goes to a root-only file on tmpfs.
				assert.Contains(t, c.Config.Env, "CRYPTO_KEY="+mockGeneratedKey())
				assert.Contains(t, in.log("docker-run.args"), in.path("/run/push-turnkey/secrets.env"), "--env-file")
				info, err := os.Stat(in.path("/run/push-turnkey/secrets.env"))
				require.NoError(t, err)
				assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "root-only")
				if node == "push-connection" {
					assert.Contains(t, run, " --hostname "+privateIP+" --router_hostname "+privateIP+" ")
				} else {
					assert.NotContains(t, run, "--router_hostname")
				}
				if firehoseOn(name) {
					assert.Contains(t, run, " --firehose_stream_name push-test-push-logs ")
					assert.True(t, strings.HasSuffix(run, " --log_level debug"), "delivery events are logged at debug: %s", run)
				} else {
					assert.NotContains(t, run, "firehose")
					assert.True(t, strings.HasSuffix(run, " --log_level info"), run)
				}
			}
		})
	}
	p := runPlan(t, map[string]string{"autopushImage": "registry.example.com:5000/push/autopush", "autopushVersion": "1.58.4-fix"}, nil)
	// nodeBoot fails unless the user data names the operator's image.
	nodeBoot(t, p, "push-endpoint", "registry.example.com:5000/push/autopush:1.58.4-fix")
}

// TestNodeRefusesToStartWithoutTheCryptoKey runs the start script with
// the parameter's value stubbed: a missing or malformed key stops the
// start before the server runs; good keys become CRYPTO_KEY in the
// server's environment, several in the list form, newest first.
func TestNodeRefusesToStartWithoutTheCryptoKey(t *testing.T) {
	p := runPlan(t, nil, nil)
	docker := dockerEngine(t)
	k1, k2 := mockGeneratedKey(), base64.URLEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name, value string
		awsFails    bool
		want        string // CRYPTO_KEY, "" for a refused start
	}{
		{"one key", k1, false, k1},
		{"rotation", k1 + "," + k2, false, "[" + k1 + ", " + k2 + "]"},
		{"unreadable", "", true, ""},
		{"empty", "", false, ""},
		{"aws says None", "None", false, ""},
		{"cut key", k1[:43], false, ""},
		{"trailing comma", k1 + ",", false, ""},
		{"space", k1 + ", " + k2, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, b := bootNode(t, p, "push-connection", configuredImage(nil))
			haveImage(t, docker, b.Image)
			removeContainer(t, docker, "autopush")
			in.answer("ssm get-parameter", tc.value+"\n")
			if tc.awsFails {
				require.NoError(t, os.Remove(filepath.Join(in.state, "aws", "ssm-get-parameter")))
			}
			out, err := in.run(nodeStart)
			secrets := in.path("/run/push-turnkey/secrets.env")
			if tc.want == "" {
				require.Error(t, err, "start must fail: %s", out)
				assert.Contains(t, out, "crypto key '/push-turnkey/push-test/crypto-key' is unreadable or not a list of Fernet keys; not starting autopush")
				assert.NoFileExists(t, secrets)
				assert.Empty(t, in.runArgs(), "the server did not start")
				return
			}
			require.NoError(t, err, "%s", out)
			env, err := os.ReadFile(secrets)
			require.NoError(t, err)
			assert.Equal(t, "CRYPTO_KEY="+tc.want+"\nAWS_DEFAULT_REGION="+instanceRegion+"\n", string(env))
			info, err := os.Stat(secrets)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "root-only")
			assert.Contains(t, inspect(t, docker, "autopush").Config.Env, "CRYPTO_KEY="+tc.want, "Docker reads the key as the server needs it")
		})
	}
}

func TestPreviousCryptoKeysReachTheParameter(t *testing.T) {
	current := base64.URLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	old := mockGeneratedKey()
	p := runPlan(t, nil, map[string]string{"cryptoKey": current, "previousCryptoKeys": `["` + old + `"]`})
	param := one(t, p, "aws:ssm/parameter:Parameter", "crypto-key")
	require.True(t, param.Inputs["value"].IsSecret())
	assert.Equal(t, current+","+old, param.Inputs["value"].SecretValue().Element.StringValue())
	assert.Equal(t, current, p.Outputs["cryptoKey"].Value, "the output is the current key")
	assert.False(t, containsAny(plainStrings(p), old), "an old key appears in plain text")

	_, err := plan.Run(stackFor(map[string]string{"previousCryptoKeys": `["` + old + `"]`}, map[string]string{"cryptoKey": current}))
	assert.ErrorContains(t, err, "config push-turnkey:previousCryptoKeys: is stored in plain text")
}

// TestSubnetsAreInTheRegionsOwnZones: the mock region has an opted-in
// Local Zone; no subnet may land there.
func TestSubnetsAreInTheRegionsOwnZones(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	subnets := p.Find("aws:ec2/subnet:Subnet")
	require.NotEmpty(t, subnets)
	for _, s := range subnets {
		assert.Regexp(t, `^us-east-1[a-z]$`, str(t, s, "availabilityZone"), s.Name)
	}
}

func TestLaunchTemplates(t *testing.T) {
	p := runPlan(t, nil, nil)
	for _, lt := range p.Find("aws:ec2/launchTemplate:LaunchTemplate") {
		assert.Equal(t, "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", str(t, lt, "imageId"))
		assert.Equal(t, "t3.small", str(t, lt, "instanceType"))
		meta := masked(lt, "metadataOptions").(map[string]interface{})
		assert.Equal(t, "required", meta["httpTokens"], "IMDSv2 required")
		assert.Equal(t, float64(1), meta["httpPutResponseHopLimit"])
		volumes := masked(lt, "blockDeviceMappings").([]interface{})
		require.Len(t, volumes, 1)
		ebs := volumes[0].(map[string]interface{})["ebs"].(map[string]interface{})
		assert.Equal(t, "true", ebs["encrypted"])
		assert.Equal(t, "gp3", ebs["volumeType"])
		// The provider's default tags reach the groups, not the instances
		// they launch: the template tags them.
		specs := map[string]interface{}{}
		for _, s := range masked(lt, "tagSpecifications").([]interface{}) {
			spec := s.(map[string]interface{})
			specs[spec["resourceType"].(string)] = spec["tags"]
		}
		for _, kind := range []string{"instance", "volume"} {
			assert.Equal(t, map[string]interface{}{"Name": lt.Name, "project": "push-turnkey", "stack": "test", "managed-by": "pulumi"},
				specs[kind], "%s tags of %s", kind, lt.Name)
		}
	}
	p = runPlan(t, map[string]string{"instanceType": "t4g.medium", "autopushImage": "ghcr.io/example/autopush", "autopushImageArchitecture": "arm64"}, nil)
	for _, lt := range p.Find("aws:ec2/launchTemplate:LaunchTemplate") {
		assert.Equal(t, "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", str(t, lt, "imageId"),
			"Graviton types get the arm64 image")
	}
}

func TestAutoScalingGroups(t *testing.T) {
	p := runPlan(t, map[string]string{
		"connectionNodesMin": "2", "connectionNodesDesired": "3", "connectionNodesMax": "6",
		"endpointNodesMin": "1", "endpointNodesDesired": "2", "endpointNodesMax": "4",
	}, nil)
	subnets := []interface{}{}
	for _, s := range p.Find("aws:ec2/subnet:Subnet") {
		subnets = append(subnets, s.ID)
	}
	for name, want := range map[string][3]float64{"push-connection": {2, 3, 6}, "push-endpoint": {1, 2, 4}} {
		g := one(t, p, "aws:autoscaling/group:Group", name)
		assert.Equal(t, want, [3]float64{masked(g, "minSize").(float64), masked(g, "desiredCapacity").(float64), masked(g, "maxSize").(float64)}, name)
		assert.ElementsMatch(t, subnets, masked(g, "vpcZoneIdentifiers"), "%s spans both public subnets", name)
		assert.Equal(t, "ELB", str(t, g, "healthCheckType"))
		assert.Equal(t, float64(components.HealthCheckGraceSeconds), masked(g, "healthCheckGracePeriod"))
		// up waits until the group's minimum is healthy behind the load
		// balancer, for a cold boot's time.
		assert.Equal(t, want[0], masked(g, "minElbCapacity"), name)
		assert.Equal(t, "20m", str(t, g, "waitForCapacityTimeout"))
		assert.Equal(t, []string{name + "-unhealthy"}, g.Options.ErrorHooks, "%s: a failed create says where to look", name)
		assert.Equal(t, []string{name + "-rolled"}, g.Options.AfterUpdateHooks, "%s: an update waits for its instance refresh", name)
		refresh := masked(g, "instanceRefresh").(map[string]interface{})
		assert.Equal(t, "Rolling", refresh["strategy"])
		assert.Equal(t, float64(100), refresh["preferences"].(map[string]interface{})["minHealthyPercentage"],
			"a refresh never drops below the desired capacity")
		assert.NotContains(t, refresh["preferences"], "autoRollback",
			"no rollback AWS cannot make to a launch template with an SSM parameter image")
		tg := one(t, p, "aws:lb/targetGroup:TargetGroup", name)
		arns := masked(g, "targetGroupArns").([]interface{})
		require.Len(t, arns, 1)
		assert.Equal(t, output(t, tg, "arn"), arns[0], "%s registers with its own target group", name)
	}
}

func TestLoadBalancerRoutesPublicPorts(t *testing.T) {
	p := runPlan(t, nil, nil)
	nlb := one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push")
	assert.Equal(t, "network", str(t, nlb, "loadBalancerType"))
	assert.Equal(t, false, masked(nlb, "internal"))
	assert.Len(t, masked(nlb, "subnets"), 2)
	for name, port := range map[string]float64{"push-connection": 8080, "push-endpoint": 8082} {
		tg := one(t, p, "aws:lb/targetGroup:TargetGroup", name)
		assert.Equal(t, port, masked(tg, "port"))
		assert.Equal(t, "TCP", str(t, tg, "protocol"))
		listener := one(t, p, "aws:lb/listener:Listener", name)
		assert.Equal(t, port, masked(listener, "port"))
		action := masked(listener, "defaultActions").([]interface{})[0].(map[string]interface{})
		assert.Equal(t, "forward", action["type"])
		assert.Equal(t, output(t, tg, "arn"), action["targetGroupArn"])
		assert.Contains(t, listener.Options.DependsOn, tg.URN)
	}
	health := func(name string) map[string]interface{} {
		return masked(one(t, p, "aws:lb/targetGroup:TargetGroup", name), "healthCheck").(map[string]interface{})
	}
	for _, node := range []string{"push-connection", "push-endpoint"} {
		assert.Equal(t, map[string]interface{}{"protocol": "HTTP", "path": "/status", "matcher": "200"}, health(node),
			"both servers answer GET /status with 200 on their own port")
	}
	assert.Equal(t, float64(1200), masked(one(t, p, "aws:lb/listener:Listener", "push-connection"), "tcpIdleTimeoutSeconds"),
		"a TCP listener keeps idle websockets longer than its 350 s default")

	// AWS refuses an idle timeout on a TLS listener (fixed at 350 s): the
	// server's pings keep those websockets alive instead.
	p = runPlan(t, map[string]string{"domainName": "push.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}, nil)
	for _, l := range p.Find("aws:lb/listener:Listener") {
		assert.Nil(t, masked(l, "tcpIdleTimeoutSeconds"), "%s is a TLS listener", l.Name)
	}
}

// TestServersRunAsAWSNeedsThem: --no_aws (the servers' own metadata
// lookups use IMDSv1, which the nodes refuse), and pings of idle
// websockets well under the load balancer's 350 s.
func TestServersRunAsAWSNeedsThem(t *testing.T) {
	p := runPlan(t, nil, nil)
	docker := dockerEngine(t)
	for node, command := range nodeCommands {
		in, b := bootNode(t, p, node, configuredImage(nil))
		haveImage(t, docker, b.Image)
		removeContainer(t, docker, command)
		out, err := in.run(nodeStart)
		require.NoError(t, err, "%s", out)
		args := inspect(t, docker, command).Config.Cmd
		assert.Contains(t, args, "--no_aws", command)
		ping := indexOf(args, "--auto_ping_interval")
		if command == "autoendpoint" {
			assert.Equal(t, -1, ping, "autoendpoint has no such flag")
			continue
		}
		require.Positive(t, ping, "the connection node pings idle websockets")
		seconds, err := strconv.Atoi(args[ping+1])
		require.NoError(t, err)
		assert.True(t, seconds > 0 && seconds < 350, "ping interval %d s must be under the 350 s idle timeout", seconds)
	}
}

// TestBootRetriesThePackageInstall runs the user data with dnf failing:
// two failures are retried, after 15 and 30 s; five stop the boot before
// it writes or enables anything.
func TestBootRetriesThePackageInstall(t *testing.T) {
	p := runPlan(t, nil, nil)
	for failures, sleeps := range map[int][]string{0: nil, 2: {"15", "30"}, 5: {"15", "30", "45", "60"}} {
		t.Run(strconv.Itoa(failures), func(t *testing.T) {
			b := nodeBoot(t, p, "push-endpoint", configuredImage(nil))
			in := newInstance(t)
			b.Root = in.root
			script, err := components.UserData(b)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(in.state, "dnf-failures"), []byte(strconv.Itoa(failures)), 0o600))
			out, err := in.boot(script)
			assert.Equal(t, sleeps, in.log("sleep.log"))
			if failures == 5 {
				assert.Error(t, err, "five failures must stop the boot: %s", out)
				assert.Contains(t, out, "installing docker failed 5 times")
				assert.NoFileExists(t, in.path(nodeStart))
				assert.Empty(t, in.log("systemctl.log"))
				return
			}
			require.NoError(t, err, "%s", out)
			assert.Len(t, in.log("dnf.log"), failures+1)
			assert.FileExists(t, in.path(nodeStart))
			assert.Equal(t, []string{"enable --now docker", "daemon-reload", "enable --now autoendpoint.service"}, in.log("systemctl.log"))
		})
	}
}

// TestNodeRefusesAStrayMessageTable runs the start script with the
// account's tables stubbed: autopush would take the alphabetically last
// table whose name starts with the message table's (reference:
// autopush.md).
func TestNodeRefusesAStrayMessageTable(t *testing.T) {
	p := runPlan(t, nil, nil)
	docker := dockerEngine(t)
	for tables, stray := range map[string]string{
		"push-test_router\tpush-test_message":                            "",
		"other_message\tpush-test_message\tpush-test_push_messages":      "",
		"push-test_message\tpush-test_message_2019_05\tpush-test_router": "push-test_message_2019_05",
		"push-test_message_x_router\tpush-test_message":                  "push-test_message_x_router",
	} {
		in, b := bootNode(t, p, "push-connection", configuredImage(nil))
		haveImage(t, docker, b.Image)
		removeContainer(t, docker, "autopush")
		in.answer("dynamodb list-tables", tables+"\n")
		out, err := in.run(nodeStart)
		if stray == "" {
			assert.NoError(t, err, "%s: %s", tables, out)
			continue
		}
		assert.Error(t, err, "%s: the server must not start", tables)
		assert.Contains(t, out, "table "+stray+" starts with 'push-test_message'")
		assert.Empty(t, in.runArgs(), "the server did not start")
	}
}

// TestKeyRotationRollsTheNodes: a change of the keys in the parameter
// changes every node's launch template (so the groups roll), without any
// key in the user data.
func TestKeyRotationRollsTheNodes(t *testing.T) {
	k1 := base64.URLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	k2 := mockGeneratedKey()
	before := runPlan(t, nil, map[string]string{"cryptoKey": k1})
	after := runPlan(t, nil, map[string]string{"cryptoKey": k2, "previousCryptoKeys": `["` + k1 + `"]`})
	same := runPlan(t, nil, map[string]string{"cryptoKey": k1})
	for _, node := range []string{"push-connection", "push-endpoint"} {
		assert.NotEqual(t, userData(t, before, node), userData(t, after, node), "%s must roll on a rotation", node)
		assert.Equal(t, userData(t, before, node), userData(t, same, node), "%s must not roll without one", node)
		for _, k := range []string{k1, k2} {
			assert.NotContains(t, userData(t, after, node), k)
		}
	}
}

// TestStartScriptFindsTheLoadBalancer: until the load balancer exists
// (the tagging API finds nothing) the server does not start and systemd
// tries again; then its DNS name goes into the endpoint URLs.
func TestStartScriptFindsTheLoadBalancer(t *testing.T) {
	p := runPlan(t, nil, nil)
	docker := dockerEngine(t)
	for name, answer := range map[string]string{"nothing tagged": "None\n", "tagging API fails": ""} {
		in, _ := bootNode(t, p, "push-endpoint", configuredImage(nil))
		if answer == "" {
			require.NoError(t, os.Remove(filepath.Join(in.state, "aws", "resourcegroupstaggingapi-get-resources")))
		} else {
			in.answer("resourcegroupstaggingapi get-resources", answer)
		}
		out, err := in.run(nodeStart)
		assert.Error(t, err, "%s: no load balancer yet: %s", name, out)
		assert.Contains(t, out, "no load balancer tagged "+components.LoadBalancerTagKey+"=push-test yet; not starting autoendpoint", name)
		assert.Empty(t, in.runArgs(), "%s: the server did not start", name)
	}

	in, b := bootNode(t, p, "push-endpoint", configuredImage(nil))
	haveImage(t, docker, b.Image)
	removeContainer(t, docker, "autoendpoint")
	out, err := in.run(nodeStart)
	require.NoError(t, err, out)
	assert.Contains(t, in.log("aws.log"), "elbv2 describe-load-balancers --region "+instanceRegion+" --load-balancer-arns "+lbARN+
		" --query LoadBalancers[0].DNSName --output text", "the DNS name of the load balancer the tag found")
	dns := p.Outputs["loadBalancerDns"].Value.(string)
	run := strings.Join(inspect(t, docker, "autoendpoint").Config.Cmd, " ")
	assert.Contains(t, run, " --endpoint_hostname "+dns+" --endpoint_port 8082 ")
	assert.Contains(t, run, " --hostname "+dns+" ")
}

// TestStartScriptWaitsForTheDeliveryStream: the server's Firehose sender
// ends on its first error (reference: autopush.md), so with Firehose the
// server starts only once the stream is ACTIVE.
func TestStartScriptWaitsForTheDeliveryStream(t *testing.T) {
	p := runPlan(t, configs["firehose"], nil)
	docker := dockerEngine(t)
	for status, problem := range map[string]string{
		"":         "delivery stream 'push-test-push-logs' is not found, not ACTIVE yet; not starting autopush",
		"CREATING": "delivery stream 'push-test-push-logs' is CREATING, not ACTIVE yet; not starting autopush",
		"ACTIVE":   "",
	} {
		in, b := bootNode(t, p, "push-connection", configuredImage(nil))
		if status == "" {
			require.NoError(t, os.Remove(filepath.Join(in.state, "aws", "firehose-describe-delivery-stream")))
		} else {
			in.answer("firehose describe-delivery-stream", status+"\n")
		}
		if problem != "" {
			out, err := in.run(nodeStart)
			assert.Error(t, err, "stream %q: %s", status, out)
			assert.Contains(t, out, problem)
			assert.Empty(t, in.runArgs(), "stream %q: the server did not start", status)
			continue
		}
		haveImage(t, docker, b.Image)
		removeContainer(t, docker, "autopush")
		out, err := in.run(nodeStart)
		require.NoError(t, err, out)
		assert.Contains(t, strings.Join(inspect(t, docker, "autopush").Config.Cmd, " "), " --firehose_stream_name push-test-push-logs ")
	}
}

// TestNodesLaunchWhileTheLoadBalancerIsMade: neither the launch templates
// nor the groups wait for the load balancer (the nodes look its name up),
// so the first `pulumi up` makes both at once; only the listeners do.
func TestNodesLaunchWhileTheLoadBalancerIsMade(t *testing.T) {
	for name, config := range configs {
		p := runPlan(t, config, nil)
		nlb := one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push")
		for _, typ := range []string{"aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group"} {
			for _, r := range p.Find(typ) {
				assert.NotContains(t, r.Options.DependsOn, nlb.URN, "%s: %s %s waits for the load balancer", name, typ, r.Name)
			}
		}
		for _, l := range p.Find("aws:lb/listener:Listener") {
			assert.Contains(t, l.Options.DependsOn, nlb.URN, l.Name)
		}
	}
}
