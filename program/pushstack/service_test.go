package pushstack_test

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/components"
)

func TestUserDataPassesShellcheck(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	require.NoError(t, err, "shellcheck is installed by scripts/test.sh")
	for name, config := range configs {
		p := runPlan(t, config, nil)
		for _, node := range []string{"push-connection", "push-endpoint"} {
			t.Run(name+"/"+node, func(t *testing.T) {
				script := userData(t, p, node)
				require.True(t, strings.HasPrefix(script, "#!/bin/bash\n"), "cloud-init runs user data as a script only with a shebang")
				dir := t.TempDir()
				checkFile(t, shellcheck, filepath.Join(dir, "user-data.sh"), script)
				// The start script is a heredoc inside the user data:
				// shellcheck does not look into it, so check it on its own.
				checkFile(t, shellcheck, filepath.Join(dir, "start.sh"), heredoc(t, script, "START"))
			})
		}
	}
}

func checkFile(t *testing.T, shellcheck, path, script string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(script), 0o600))
	out, err := exec.Command(shellcheck, "--shell=bash", "--severity=style", path).CombinedOutput()
	assert.NoError(t, err, "shellcheck %s:\n%s\n--- script ---\n%s", filepath.Base(path), out, script)
}

// heredoc returns the body of the quoted heredoc "<<'name'" in script.
func heredoc(t *testing.T, script, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<<'` + name + `'\n(.*?)\n` + name + `\n`).FindStringSubmatch(script)
	require.NotNil(t, m, "heredoc %s in user data", name)
	return m[1] + "\n"
}

func TestNodesRunTheConfiguredServer(t *testing.T) {
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			p := runPlan(t, config, map[string]string{})
			nlb := one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push")
			tag := masked(nlb, "tags").(map[string]interface{})[components.LoadBalancerTagKey]
			assert.Equal(t, "push-test", tag, "the load balancer carries the tag the nodes look it up by")
			for node, command := range map[string]string{"push-connection": "autopush", "push-endpoint": "autoendpoint"} {
				start := heredoc(t, userData(t, p, node), "START")
				run := start[strings.Index(start, "exec docker run"):]
				assert.Contains(t, run, "'mozilla/autopush:1.58.4' "+command+" ")
				assert.Contains(t, run, "--router_tablename 'push-test_router' --message_tablename 'push-test_message' --no_table_rotation")
				assert.Contains(t, run, `--endpoint_hostname "$endpoint_host" --endpoint_port 8082 --endpoint_scheme http`)
				assert.Contains(t, start, "--tag-filters 'Key="+components.LoadBalancerTagKey+",Values=push-test'")
				assert.Contains(t, run, "--network host")
				assert.Contains(t, start, "--name '/push-turnkey/push-test/crypto-key'")
				// The key only ever goes to a root-only file on tmpfs.
				assert.Contains(t, start, "umask 077")
				assert.Contains(t, start, "> /run/push-turnkey/secrets.env")
				assert.Contains(t, run, "--env-file /run/push-turnkey/secrets.env")
				if node == "push-connection" {
					assert.Contains(t, run, `--router_hostname "$private_ip"`)
				} else {
					assert.NotContains(t, run, "--router_hostname")
				}
				if firehoseOn(name) {
					assert.Contains(t, run, "--firehose_stream_name 'push-test-push-logs'")
					assert.Contains(t, run, "--log_level debug", "delivery events are logged at debug")
				} else {
					assert.NotContains(t, run, "firehose")
					assert.Contains(t, run, "--log_level info")
				}
			}
		})
	}
	p := runPlan(t, map[string]string{"autopushImage": "registry.example.com:5000/push/autopush", "autopushVersion": "1.58.4-fix"}, nil)
	assert.Contains(t, userData(t, p, "push-endpoint"), "'registry.example.com:5000/push/autopush:1.58.4-fix' autoendpoint")
}

// TestNodeRefusesToStartWithoutTheCryptoKey runs the start script's key
// step in bash, with aws stubbed: a missing or malformed key stops the
// start before the server runs; good keys become CRYPTO_KEY, several in
// the list form, newest first.
func TestNodeRefusesToStartWithoutTheCryptoKey(t *testing.T) {
	p := runPlan(t, nil, nil)
	start := heredoc(t, userData(t, p, "push-connection"), "START")
	from, to := strings.Index(start, "keys=$(aws ssm"), strings.Index(start, "unset keys")
	require.True(t, from >= 0 && to > from, "the key step is in the start script")
	require.Less(t, to, strings.Index(start, "exec docker run"), "the key step comes before the server starts")
	assert.Contains(t, start, "set -euo pipefail")

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
			dir := t.TempDir()
			stub := "aws() { if [ -n \"${AWS_FAILS:-}\" ]; then return 254; fi; printf '%s\\n' \"$VALUE\"; }\nregion=us-east-1\nset -euo pipefail\n"
			script := stub + strings.ReplaceAll(start[from:to], "/run/push-turnkey", dir+"/run")
			cmd := exec.Command("bash", "-c", script)
			cmd.Env = append(os.Environ(), "VALUE="+tc.value)
			if tc.awsFails {
				cmd.Env = append(cmd.Env, "AWS_FAILS=1")
			}
			out, err := cmd.CombinedOutput()
			if tc.want == "" {
				require.Error(t, err, "start must fail: %s", out)
				assert.Contains(t, string(out), "not starting autopush")
				assert.NoFileExists(t, dir+"/run/secrets.env")
				return
			}
			require.NoError(t, err, "%s", out)
			env, err := os.ReadFile(dir + "/run/secrets.env")
			require.NoError(t, err)
			assert.Equal(t, "CRYPTO_KEY="+tc.want+"\nAWS_DEFAULT_REGION=us-east-1\n", string(env))
			info, err := os.Stat(dir + "/run/secrets.env")
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "root-only")
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
		subnets = append(subnets, s.Name+"-"+shortID(s))
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
		refresh := masked(g, "instanceRefresh").(map[string]interface{})
		assert.Equal(t, "Rolling", refresh["strategy"])
		assert.Equal(t, float64(100), refresh["preferences"].(map[string]interface{})["minHealthyPercentage"],
			"a refresh never drops below the desired capacity")
		assert.Equal(t, true, refresh["preferences"].(map[string]interface{})["autoRollback"],
			"a refresh whose nodes never get healthy rolls back")
		tg := one(t, p, "aws:lb/targetGroup:TargetGroup", name)
		arns := masked(g, "targetGroupArns").([]interface{})
		require.Len(t, arns, 1)
		assert.Contains(t, arns[0], ":targetgroup/"+tg.Name+"-"+shortID(tg)+"/", "%s registers with its own target group", name)
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
		assert.Contains(t, action["targetGroupArn"], "targetgroup/"+name+"-"+shortID(tg)+"/")
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
	for node, command := range map[string]string{"push-connection": "autopush", "push-endpoint": "autoendpoint"} {
		start := heredoc(t, userData(t, p, node), "START")
		run := start[strings.Index(start, "exec docker run"):]
		assert.Contains(t, run, " --no_aws ", command)
		if command == "autopush" {
			m := regexp.MustCompile(`--auto_ping_interval (\d+)`).FindStringSubmatch(run)
			require.NotNil(t, m, "the connection node pings idle websockets")
			seconds, _ := strconv.Atoi(m[1])
			assert.True(t, seconds > 0 && seconds < 350, "ping interval %d s must be under the 350 s idle timeout", seconds)
		} else {
			assert.NotContains(t, run, "auto_ping", "autoendpoint has no such flag")
		}
	}
}

// TestBootRetriesThePackageInstall runs the user data's install step with
// dnf stubbed: two failures are retried, five stop the boot.
func TestBootRetriesThePackageInstall(t *testing.T) {
	script := userData(t, runPlan(t, nil, nil), "push-endpoint")
	from, to := strings.Index(script, "for attempt in"), strings.Index(script, "systemctl enable --now docker")
	require.True(t, from >= 0 && to > from, "the install step is in the user data")
	for failures, wantOK := range map[int]bool{0: true, 2: true, 5: false} {
		dir := t.TempDir()
		stub := fmt.Sprintf("set -euo pipefail\nsleep() { :; }\ndnf() { n=$(cat %[1]s/n 2>/dev/null || echo 0); echo $((n + 1)) > %[1]s/n; [ \"$n\" -ge %[2]d ]; }\n", dir, failures)
		out, err := exec.Command("bash", "-c", stub+script[from:to]+"echo installed\n").CombinedOutput()
		if wantOK {
			assert.NoError(t, err, "%d failures: %s", failures, out)
			assert.Contains(t, string(out), "installed")
		} else {
			assert.Error(t, err, "%d failures must stop the boot: %s", failures, out)
			assert.Contains(t, string(out), "installing docker failed")
		}
	}
}

// TestNodeRefusesAStrayMessageTable runs the start script's table check
// with aws stubbed: autopush would take the alphabetically last table
// whose name starts with the message table's (reference: autopush.md).
func TestNodeRefusesAStrayMessageTable(t *testing.T) {
	start := heredoc(t, userData(t, runPlan(t, nil, nil), "push-connection"), "START")
	from, to := strings.Index(start, "tables=$(aws dynamodb list-tables"), strings.Index(start, "docker rm -f")
	require.True(t, from >= 0 && to > from, "the table check is in the start script")
	require.Less(t, to, strings.Index(start, "exec docker run"), "the check comes before the server starts")
	for tables, stray := range map[string]string{
		"push-test_router\tpush-test_message":                            "",
		"other_message\tpush-test_message\tpush-test_push_messages":      "",
		"push-test_message\tpush-test_message_2019_05\tpush-test_router": "push-test_message_2019_05",
		"push-test_message_x_router\tpush-test_message":                  "push-test_message_x_router",
	} {
		stub := "set -euo pipefail\nregion=us-east-1\naws() { printf '" + tables + "\\n'; }\n"
		out, err := exec.Command("bash", "-c", stub+start[from:to]+"echo server-started\n").CombinedOutput()
		if stray == "" {
			assert.NoError(t, err, "%s: %s", tables, out)
			continue
		}
		assert.Error(t, err, "%s: the server must not start", tables)
		assert.Contains(t, string(out), "table "+stray+" starts with 'push-test_message'")
		assert.NotContains(t, string(out), "server-started")
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

// runStart runs a node's whole start script in bash with curl, aws and
// docker stubbed: the tagging API answers lbARN, the stream's status is
// streamStatus. It returns the output, docker's arguments and the error.
func runStart(t *testing.T, start, lbARN, streamStatus string) (out, ran string, err error) {
	t.Helper()
	const dns = "push-0123456.elb.us-east-1.amazonaws.com"
	dir := t.TempDir()
	stub := fmt.Sprintf(`curl() { case "$*" in *api/token*) echo token;; *placement/region*) echo us-east-1;; *instance-id*) echo i-0abc;; *) echo 10.20.0.5;; esac; }
aws() {
  case "$1 $2" in
    "resourcegroupstaggingapi get-resources") echo '%s';;
    "elbv2 describe-load-balancers") [[ "$*" == *'%s'* ]] && echo '%s';;
    "firehose describe-delivery-stream") echo '%s';;
    "ssm get-parameter") echo 'i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=';;
    "dynamodb list-tables") printf 'push-test_router\tpush-test_message\n';;
  esac
}
install() { :; }
export -f curl aws install
export PATH=%s/bin:$PATH
`, lbARN, lbARN, dns, streamStatus, dir)
	// exec runs a program, not a function: docker is a stub on PATH.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "bin"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bin", "docker"),
		[]byte("#!/bin/sh\necho \"$*\" >> "+filepath.Join(dir, "docker")+"\n"), 0o755))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "run"), 0o700))
	script := strings.ReplaceAll(start, "/run/push-turnkey", filepath.Join(dir, "run")) // no /run here
	output, err := exec.Command("bash", "-c", stub+script).CombinedOutput()
	docker, _ := os.ReadFile(filepath.Join(dir, "docker"))
	return string(output), string(docker), err
}

const lbARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/push/0123456789abcdef"

// TestStartScriptFindsTheLoadBalancer: until the load balancer exists
// (the tagging API finds nothing) the server does not start and systemd
// tries again; then its DNS name goes into the endpoint URLs.
func TestStartScriptFindsTheLoadBalancer(t *testing.T) {
	start := heredoc(t, userData(t, runPlan(t, nil, nil), "push-endpoint"), "START")
	out, ran, err := runStart(t, start, "None", "")
	assert.Error(t, err, "no load balancer yet: %s", out)
	assert.Contains(t, out, "no load balancer tagged "+components.LoadBalancerTagKey+"=push-test yet; not starting autoendpoint")
	assert.NotContains(t, ran, "run", "the server did not start")

	out, ran, err = runStart(t, start, lbARN, "")
	require.NoError(t, err, out)
	assert.Contains(t, ran, "--endpoint_hostname push-0123456.elb.us-east-1.amazonaws.com --endpoint_port 8082")
	assert.Contains(t, ran, "--hostname push-0123456.elb.us-east-1.amazonaws.com")
}

// TestStartScriptWaitsForTheDeliveryStream: the server's Firehose sender
// ends on its first error (reference: autopush.md), so with Firehose the
// server starts only once the stream is ACTIVE.
func TestStartScriptWaitsForTheDeliveryStream(t *testing.T) {
	start := heredoc(t, userData(t, runPlan(t, configs["firehose"], nil), "push-connection"), "START")
	for status, starts := range map[string]bool{"": false, "CREATING": false, "ACTIVE": true} {
		out, ran, err := runStart(t, start, lbARN, status)
		if !starts {
			assert.Error(t, err, "stream %q: %s", status, out)
			assert.Contains(t, out, "delivery stream 'push-test-push-logs' is ")
			assert.NotContains(t, ran, "run", "stream %q: the server did not start", status)
			continue
		}
		require.NoError(t, err, out)
		assert.Contains(t, ran, "--firehose_stream_name push-test-push-logs")
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
