package pushstack_test

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/components"
)

// The boot scripts (program/components/boot) run here as they are: the
// real config's parameters, rendered with Root at a directory that stands
// for the instance's file system, the instance's commands stubbed on PATH,
// and docker handed to a real Docker Engine, which creates the containers
// the scripts would run and starts none.

// bootConfigs are the configs whose boot scripts run here: each changes
// the node's start script (Firehose, the processor tier, TLS with its own
// host name, an image of the operator's).
var bootConfigs = map[string]map[string]string{
	"default":   configs["default"],
	"firehose":  configs["firehose"],
	"processor": configs["processor"],
	"tls":       {"domainName": "push.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"},
	"own image": {"autopushImage": "registry.example.com:5000/push/autopush", "autopushVersion": "1.58.4-fix"},
}

// configuredImage is the image reference a config names (README, config
// table: autopushImage and autopushVersion, default mozilla/autopush
// 1.58.4).
func configuredImage(config map[string]string) string {
	image, version := "mozilla/autopush", "1.58.4"
	if v := config["autopushImage"]; v != "" {
		image = v
	}
	if v := config["autopushVersion"]; v != "" {
		version = v
	}
	return image + ":" + version
}

// nodeCommands are the servers the node groups run.
var nodeCommands = map[string]string{"push-connection": "autopush", "push-endpoint": "autoendpoint"}

// nodeBoot is what node's boot script is rendered from in plan p, taken
// from the stack's own resources and outputs; the test fails unless the
// node's user data is UserData of it. So the scripts a test renders from
// it with another Root are the real config's.
func nodeBoot(t *testing.T, p *plan.Plan, node, image string) components.NodeBoot {
	t.Helper()
	key := one(t, p, "aws:ssm/parameter:Parameter", "crypto-key")
	// CryptoKey.Fingerprint: the first 16 hex digits of the SHA-256 of
	// the parameter's value.
	sum := sha256.Sum256([]byte(key.Inputs["value"].SecretValue().Element.StringValue()))
	endpoint, err := url.Parse(p.Outputs["endpointUrl"].Value.(string))
	require.NoError(t, err)
	port, err := strconv.Atoi(endpoint.Port())
	require.NoError(t, err, "the endpoint URL names its port")
	b := components.NodeBoot{
		Command:            nodeCommands[node],
		Image:              image,
		CryptoKeyParameter: str(t, key, "name"),
		RouterTable:        str(t, one(t, p, "aws:dynamodb/table:Table", "push-tables-router"), "name"),
		MessageTable:       str(t, one(t, p, "aws:dynamodb/table:Table", "push-tables-message"), "name"),
		LoadBalancerTag:    masked(one(t, p, "aws:lb/loadBalancer:LoadBalancer", "push"), "tags").(map[string]interface{})[components.LoadBalancerTagKey].(string),
		EndpointPort:       port,
		EndpointScheme:     endpoint.Scheme,
		KeyFingerprint:     hex.EncodeToString(sum[:8]),
		LogGroup:           str(t, one(t, p, "aws:cloudwatch/logGroup:LogGroup", node+"-logs"), "name"),
	}
	// Without a domain name the endpoint URL names the load balancer,
	// which the nodes look up by its tag.
	if endpoint.Hostname() != p.Outputs["loadBalancerDns"].Value {
		b.EndpointHost = endpoint.Hostname()
	}
	if streams := p.Find("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"); len(streams) > 0 {
		require.Len(t, streams, 1)
		b.DeliveryStream = str(t, streams[0], "name")
	}
	script, err := components.UserData(b)
	require.NoError(t, err)
	require.Equal(t, userData(t, p, node), script, "%s boots from the stack's own table, parameter, stream, log group and endpoint", node)
	return b
}

// The alarms the dashboard reports, by resource name: those that fire when
// the servers' log records stop reading as autopush 1.58.4 writes them,
// then those that fire when logs stop reaching the processor or it fails.
var (
	formatDriftAlarms = []string{"push-alarms-processor-malformed-records", "push-alarms-processor-unreadable-deliveries", "push-alarms-processor-no-readable-records"}
	pipelineAlarms    = []string{"push-alarms-log-delivery-failures", "push-alarms-log-stream-silent", "push-alarms-processor-errors", "push-alarms-processor-failed-events"}
)

// apiBoot is what the Messages API's boot script is rendered from in plan
// p (with the processor tier), as nodeBoot.
func apiBoot(t *testing.T, p *plan.Plan) components.APIBoot {
	t.Helper()
	binary := one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "push-processor-api-binary")
	b := components.APIBoot{
		Bucket:         str(t, binary, "bucket"),
		Key:            str(t, binary, "key"),
		TokenParameter: str(t, one(t, p, "aws:ssm/parameter:Parameter", "push-processor-redis-auth"), "name"),
		RedisAddress:   p.Outputs["redisEndpoint"].Value.(string),
		Table:          str(t, one(t, p, "aws:dynamodb/table:Table", "push-processor-messages"), "name"),
		LogGroup:       str(t, one(t, p, "aws:cloudwatch/logGroup:LogGroup", "push-processor-api-logs"), "name"),
	}
	for _, alarm := range formatDriftAlarms {
		b.FormatDriftAlarms = append(b.FormatDriftAlarms, str(t, one(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", alarm), "name"))
	}
	for _, alarm := range pipelineAlarms {
		b.PipelineAlarms = append(b.PipelineAlarms, str(t, one(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", alarm), "name"))
	}
	script, err := components.MessagesAPIUserData(b)
	require.NoError(t, err)
	require.Equal(t, userData(t, p, "push-processor-api"), script, "the API boots from the stack's own bucket, key, parameter, Redis, table, log group and alarms")
	return b
}

// The instance's metadata, as the metadata service answers it, and the
// load balancer the tagging API finds.
const (
	instanceRegion = "eu-west-3"
	instanceID     = "i-0abc"
	privateIP      = "10.20.0.5"
	lbARN          = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/push/0123456789abcdef"
)

// instanceBin holds the instance's commands the scripts call, stubbed:
// aws and curl (the metadata service) answer from files of the instance's
// state, dnf fails as told, useradd's users are the ones id, install -o
// and chown know, and docker goes to the real engine with run as create.
const instanceBin = "testdata/instance-bin"

// instance is a directory that stands for an instance's file system, and
// the stubs the scripts run with.
type instance struct {
	t     *testing.T
	root  string // the instance's "/": NodeBoot.Root, APIBoot.Root
	state string // the stubs' answers and logs
}

func newInstance(t *testing.T) *instance {
	t.Helper()
	// Not t.TempDir: its name carries the test's, and Root takes plain
	// names only.
	root, err := os.MkdirTemp("", "push-turnkey-root-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	// What Amazon Linux 2023 has before the boot script runs.
	for _, dir := range []string{"etc/systemd/system", "usr/bin", "usr/local/bin", "usr/local/lib", "run"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, dir), 0o755))
	}
	in := &instance{t: t, root: root, state: t.TempDir()}
	for _, dir := range []string{"bin", "aws", "imds/placement"} {
		require.NoError(t, os.MkdirAll(filepath.Join(in.state, dir), 0o755))
	}
	stubs, err := os.ReadDir(instanceBin)
	require.NoError(t, err)
	for _, stub := range stubs {
		script, err := os.ReadFile(filepath.Join(instanceBin, stub.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(in.state, "bin", stub.Name()), script, 0o755))
	}
	for path, value := range map[string]string{"placement/region": instanceRegion, "instance-id": instanceID, "local-ipv4": privateIP} {
		require.NoError(t, os.WriteFile(filepath.Join(in.state, "imds", path), []byte(value+"\n"), 0o600))
	}
	return in
}

// path is where the instance's path is here.
func (in *instance) path(p string) string { return filepath.Join(in.root, p) }

// answer makes the stubbed AWS CLI answer call ("ssm get-parameter") with
// text.
func (in *instance) answer(call, text string) {
	in.t.Helper()
	require.NoError(in.t, os.WriteFile(filepath.Join(in.state, "aws", strings.ReplaceAll(call, " ", "-")), []byte(text), 0o600))
}

// log is what the stub that writes name logged, one line each.
func (in *instance) log(name string) []string {
	data, _ := os.ReadFile(filepath.Join(in.state, name))
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// run runs the instance's executable file p as cloud-init or systemd
// would, with the stubs first on PATH.
func (in *instance) run(p string) (string, error) {
	cmd := exec.Command(in.path(p))
	docker, _ := exec.LookPath("docker")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(in.state, "bin")+":"+os.Getenv("PATH"),
		"STUB_STATE="+in.state, "REAL_DOCKER="+docker,
		"AWS_REGION=", "AWS_DEFAULT_REGION=", "AWS_CONFIG_FILE="+filepath.Join(in.state, "no-aws-config"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// userDataPath is where cloud-init keeps a user data script and runs it
// from (https://cloudinit.readthedocs.io/en/latest/reference/file_formats.html#user-data-script).
const userDataPath = "/var/lib/cloud/instance/scripts/part-001"

// boot runs userData as cloud-init does: as an executable file.
func (in *instance) boot(userData string) (string, error) {
	in.t.Helper()
	require.NoError(in.t, os.MkdirAll(filepath.Dir(in.path(userDataPath)), 0o755))
	require.NoError(in.t, os.WriteFile(in.path(userDataPath), []byte(userData), 0o700))
	return in.run(userDataPath)
}

// bootNode boots an instance with the user data of node in plan p,
// rendered for the instance, and answers AWS as a stack whose load
// balancer and stream exist, with one crypto key and the stack's tables.
func bootNode(t *testing.T, p *plan.Plan, node, image string) (*instance, components.NodeBoot) {
	t.Helper()
	return bootNodeAs(t, p, nodeBoot(t, p, node, image))
}

// bootNodeAs is bootNode with the user data of b.
func bootNodeAs(t *testing.T, p *plan.Plan, b components.NodeBoot) (*instance, components.NodeBoot) {
	t.Helper()
	in := newInstance(t)
	b.Root = in.root
	script, err := components.UserData(b)
	require.NoError(t, err)
	out, err := in.boot(script)
	require.NoError(t, err, "user data: %s", out)
	in.answer("resourcegroupstaggingapi get-resources", lbARN+"\n")
	in.answer("elbv2 describe-load-balancers", p.Outputs["loadBalancerDns"].Value.(string)+"\n")
	in.answer("firehose describe-delivery-stream", "ACTIVE\n")
	in.answer("ssm get-parameter", mockGeneratedKey()+"\n")
	in.answer("dynamodb list-tables", b.RouterTable+"\t"+b.MessageTable+"\n")
	return in, b
}

// apiBinary is the messages-api object the API instance downloads here.
const apiBinary = "the binary"

// bootAPI boots an instance with the Messages API's user data of plan p,
// rendered for the instance, and answers AWS as the stack does: the
// binary with its digest in the object's metadata, the Redis token.
func bootAPI(t *testing.T, p *plan.Plan) (*instance, components.APIBoot) {
	t.Helper()
	b := apiBoot(t, p)
	in := newInstance(t)
	b.Root = in.root
	script, err := components.MessagesAPIUserData(b)
	require.NoError(t, err)
	out, err := in.boot(script)
	require.NoError(t, err, "user data: %s", out)
	sum := sha256.Sum256([]byte(apiBinary))
	in.answer("s3api head-object", hex.EncodeToString(sum[:])+"\n")
	in.answer("s3 cp", apiBinary)
	in.answer("ssm get-parameter", "the-redis-token\n")
	return in, b
}

// Where the user data puts the scripts and units (the units' ExecStart
// and ExecStartPre).
const (
	nodeStart  = "/usr/local/lib/push-turnkey/start"
	apiPrepare = "/usr/local/lib/push-turnkey/messages-api-prepare"
	apiStart   = "/usr/local/lib/push-turnkey/messages-api-start"
)

func unitPath(name string) string { return "/etc/systemd/system/" + name + ".service" }

// engineLock keeps one test process at a time on the engine, from its
// first use until the process ends: the scripts name their containers
// (autopush, autoendpoint, messages-api), and the tests import and
// remove images by name.
var engineLock = sync.OnceValue(func() error {
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "push-turnkey-docker-engine.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	engineLockFile = f // never closed: closing would let go of the lock
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
})

var engineLockFile *os.File

// dockerEngine is the docker client, once a Docker Engine answers it; the
// test fails (never skips) without one.
func dockerEngine(t *testing.T) string {
	t.Helper()
	require.NoError(t, engineLock(), "lock the Docker Engine for this test process")
	docker, err := exec.LookPath("docker")
	require.NoError(t, err, "the docker client: scripts/test.sh installs docker.io")
	out, err := exec.Command(docker, "version", "--format", "{{.Server.Version}}").CombinedOutput()
	require.NoError(t, err, "a Docker Engine must answer (scripts/test.sh installs docker.io and starts dockerd): %s", out)
	return docker
}

// haveImage makes an empty image named ref unless the engine has one: no
// registry can be reached here, and creating a container reads no file
// of its image. It removes the image it made when the test ends, so that
// no empty image stands in for a real one later. Call it before
// removeContainer: cleanups run last first.
func haveImage(t *testing.T, docker, ref string) {
	t.Helper()
	if exec.Command(docker, "image", "inspect", ref).Run() == nil {
		return
	}
	var empty bytes.Buffer
	require.NoError(t, tar.NewWriter(&empty).Close())
	cmd := exec.Command(docker, "import", "-", ref)
	cmd.Stdin = &empty
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "docker import %s: %s", ref, out)
	t.Cleanup(func() { _ = exec.Command(docker, "image", "rm", ref).Run() })
}

// removeContainer removes the container name when the test ends; the
// scripts name theirs, so a test leaves none behind for the next.
func removeContainer(t *testing.T, docker, name string) {
	t.Cleanup(func() { _ = exec.Command(docker, "rm", "-f", name).Run() })
}

// container is what the engine made of a docker run line, as docker
// inspect shows it (the Engine API's ContainerInspect,
// https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Container/operation/ContainerInspect).
type container struct {
	Config struct {
		Image string
		Cmd   []string
		Env   []string
		User  string
	}
	HostConfig struct {
		NetworkMode string
		AutoRemove  bool
		LogConfig   struct {
			Type   string
			Config map[string]string
		}
		Ulimits []struct {
			Name       string
			Soft, Hard int64
		}
		Binds  []string
		Mounts []struct {
			Type, Source, Target string
			ReadOnly             bool
		}
		ReadonlyRootfs bool
		CapDrop        []string
		SecurityOpt    []string
	}
}

// inspect is the engine's container name.
func inspect(t *testing.T, docker, name string) container {
	t.Helper()
	out, err := exec.Command(docker, "container", "inspect", name).Output()
	require.NoError(t, err, "the engine created %s", name)
	var c []container
	require.NoError(t, json.Unmarshal(out, &c))
	require.Len(t, c, 1)
	return c[0]
}

// runArgs are the arguments the script gave docker run, one each.
func (in *instance) runArgs() []string { return in.log("docker-run.args") }

// shellcheck checks the file at path as bash, style findings included.
func shellcheck(t *testing.T, path string) {
	t.Helper()
	sc, err := exec.LookPath("shellcheck")
	require.NoError(t, err, "shellcheck is installed by scripts/test.sh")
	out, err := exec.Command(sc, "--shell=bash", "--severity=style", path).CombinedOutput()
	data, _ := os.ReadFile(path)
	assert.NoError(t, err, "shellcheck %s:\n%s\n--- script ---\n%s", path, out, data)
}

// verifyUnit runs systemd-analyze verify on the instance's unit file unit
// as systemd there would load it. It reports unknown sections and
// directives, dependencies that are missing, and commands in ExecStart=
// and the like that are not executable; --root reads the unit, the units
// it names and those commands under the instance's root; with
// --recursive-errors=yes a warning fails it too (systemd-analyze(1),
// verify). The instance has systemd's own units and the docker package's
// (here Debian's systemd and docker.io: the same upstream units), and the
// docker client ExecStop runs.
func (in *instance) verifyUnit(unit string) (string, error) {
	in.t.Helper()
	analyze, err := exec.LookPath("systemd-analyze")
	require.NoError(in.t, err, "systemd-analyze is installed by scripts/test.sh (Debian's systemd)")
	units := in.path("/usr/lib/systemd/system")
	if _, err := os.Stat(units); err != nil {
		require.NoError(in.t, os.MkdirAll(units, 0o755))
		out, err := exec.Command("cp", "-a", "/lib/systemd/system/.", units).CombinedOutput()
		require.NoError(in.t, err, "%s", out)
		require.FileExists(in.t, filepath.Join(units, "docker.service"), "Debian's docker.io installs docker.service")
		require.NoError(in.t, os.WriteFile(in.path("/usr/bin/docker"), []byte("#!/bin/sh\n"), 0o755))
	}
	out, err := exec.Command(analyze, "verify", "--recursive-errors=yes", "--man=no", "--root="+in.root, unit).CombinedOutput()
	return string(out), err
}

// TestBootUnitsPassSystemdAnalyzeVerify: each unit the user data writes
// loads, as the instance's systemd would load it, with the scripts the
// user data writes; a unit systemd would refuse fails the check.
func TestBootUnitsPassSystemdAnalyzeVerify(t *testing.T) {
	p := runPlan(t, configs["default"], nil)
	for node, command := range nodeCommands {
		t.Run(command, func(t *testing.T) {
			in, _ := bootNode(t, p, node, configuredImage(nil))
			out, err := in.verifyUnit(unitPath(command))
			assert.NoError(t, err, "%s", out)
			assert.Empty(t, out)
		})
	}
	t.Run("messages-api", func(t *testing.T) {
		in, _ := bootAPI(t, runPlan(t, configs["processor"], nil))
		out, err := in.verifyUnit(unitPath("messages-api"))
		assert.NoError(t, err, "%s", out)
		assert.Empty(t, out)
	})

	for name, tc := range map[string]struct {
		breakIt func(in *instance) error
		problem string
	}{
		"misspelt directive": {func(in *instance) error {
			unit, err := os.ReadFile(in.path(unitPath("autopush")))
			if err != nil {
				return err
			}
			return os.WriteFile(in.path(unitPath("autopush")), bytes.Replace(unit, []byte("RestartSec="), []byte("RestartSecs="), 1), 0o644)
		}, "Unknown key 'RestartSecs' in section [Service]"},
		"start script not executable": {func(in *instance) error { return os.Chmod(in.path(nodeStart), 0o644) },
			"Command " + nodeStart + " is not executable"},
		"no docker.service": {func(in *instance) error { return os.Remove(in.path("/usr/lib/systemd/system/docker.service")) },
			"Unit docker.service not found"},
	} {
		t.Run("refuses "+name, func(t *testing.T) {
			in, _ := bootNode(t, p, "push-connection", configuredImage(nil))
			_, err := in.verifyUnit(unitPath("autopush")) // sets up the instance's units
			require.NoError(t, err)
			require.NoError(t, tc.breakIt(in))
			out, err := in.verifyUnit(unitPath("autopush"))
			assert.Error(t, err, "%s", out)
			assert.Contains(t, out, tc.problem)
		})
	}
}

// TestDockerEngineAcceptsTheRunLines runs each start script to its docker
// run line, which a real Docker Engine takes as docker create: the
// client reads the --env-file (a VAR=VALUE a line,
// https://docs.docker.com/reference/cli/docker/container/run/#env), the
// engine checks the log driver's options, the --mount sources and the
// image, and the container it makes is the one the script means.
func TestDockerEngineAcceptsTheRunLines(t *testing.T) {
	docker := dockerEngine(t)
	for name, config := range bootConfigs {
		p := runPlan(t, config, nil)
		for node, command := range nodeCommands {
			t.Run(name+"/"+command, func(t *testing.T) {
				in, b := bootNode(t, p, node, configuredImage(config))
				haveImage(t, docker, b.Image)
				removeContainer(t, docker, command)
				out, err := in.run(nodeStart)
				require.NoError(t, err, "the engine takes the line: %s", out)

				c := inspect(t, docker, command)
				args := in.runArgs()
				image := indexOf(args, b.Image)
				require.Positive(t, image, "%q", args)
				assert.Equal(t, b.Image, c.Config.Image)
				assert.Equal(t, args[image+1:], c.Config.Cmd, "every argument after the image is the server's")
				assert.Equal(t, command, c.Config.Cmd[0])
				assert.Subset(t, c.Config.Env, []string{"CRYPTO_KEY=" + mockGeneratedKey(), "AWS_DEFAULT_REGION=" + instanceRegion},
					"the engine read the key from the env file")
				assert.Equal(t, "host", c.HostConfig.NetworkMode)
				assert.True(t, c.HostConfig.AutoRemove)
				require.Len(t, c.HostConfig.Ulimits, 1)
				assert.Equal(t, "nofile 1000000 1000000", c.HostConfig.Ulimits[0].Name+" "+
					strconv.FormatInt(c.HostConfig.Ulimits[0].Soft, 10)+" "+strconv.FormatInt(c.HostConfig.Ulimits[0].Hard, 10))
				assertLogsTo(t, c, b.LogGroup)
			})
		}
	}

	t.Run("processor/messages-api", func(t *testing.T) {
		in, b := bootAPI(t, runPlan(t, configs["processor"], nil))
		removeContainer(t, docker, "messages-api")
		bundle := in.path(canonicalCABundle)
		require.NoError(t, os.MkdirAll(filepath.Dir(bundle), 0o755))
		require.NoError(t, os.WriteFile(bundle, []byte("roots\n"), 0o644))
		out, err := in.run(apiPrepare)
		require.NoError(t, err, "%s", out)
		out, err = in.run(apiStart)
		require.NoError(t, err, "the engine takes the line: %s", out)

		c := inspect(t, docker, "messages-api")
		assert.Equal(t, "push-turnkey/empty", c.Config.Image)
		assert.Equal(t, []string{"/messages-api"}, c.Config.Cmd)
		assert.Equal(t, "1001:1001", c.Config.User, "the user useradd made")
		assert.Subset(t, c.Config.Env, []string{"AWS_REGION=" + instanceRegion, "LISTEN_ADDR=:8080", "REDIS_ADDRESS=" + b.RedisAddress,
			"REDIS_TLS=true", "REDIS_AUTH_TOKEN_FILE=/run/messages-api/redis-token", "MESSAGES_TABLE=" + b.Table,
			"FORMAT_DRIFT_ALARMS=" + strings.Join(b.FormatDriftAlarms, ","), "PIPELINE_ALARMS=" + strings.Join(b.PipelineAlarms, ",")})
		assert.Equal(t, "host", c.HostConfig.NetworkMode)
		assert.True(t, c.HostConfig.ReadonlyRootfs)
		assert.Equal(t, []string{"ALL"}, c.HostConfig.CapDrop)
		assert.Equal(t, []string{"no-new-privileges"}, c.HostConfig.SecurityOpt)
		assert.ElementsMatch(t, []string{in.path("/usr/local/bin/messages-api") + ":/messages-api:ro",
			in.path("/run/messages-api") + ":/run/messages-api:ro"}, c.HostConfig.Binds)
		require.Len(t, c.HostConfig.Mounts, 1)
		assert.Equal(t, bundle, c.HostConfig.Mounts[0].Source)
		assertLogsTo(t, c, b.LogGroup)
	})

	// The engine is no rubber stamp: it refuses an image it does not have
	// and a log option the awslogs driver does not take.
	p := runPlan(t, nil, nil)
	t.Run("refuses an image it does not have", func(t *testing.T) {
		b := nodeBoot(t, p, "push-endpoint", configuredImage(nil))
		b.Image = "push-turnkey/absent:0"
		in, _ := bootNodeAs(t, p, b)
		removeContainer(t, docker, "autoendpoint")
		out, err := in.run(nodeStart)
		assert.Error(t, err, "%s", out)
		assert.Contains(t, out, "No such image: push-turnkey/absent:0")
	})
	t.Run("refuses a log mode the driver does not take", func(t *testing.T) {
		in, b := bootNode(t, p, "push-endpoint", configuredImage(nil))
		haveImage(t, docker, b.Image)
		removeContainer(t, docker, "autoendpoint")
		out, err := in.run(nodeStart)
		require.NoError(t, err, "%s", out)
		_ = exec.Command(docker, "rm", "-f", "autoendpoint").Run()
		args := in.runArgs()
		mode := indexOf(args, "mode=non-blocking")
		require.Positive(t, mode)
		args[mode] = "mode=nonblocking"
		replay, err := exec.Command(docker, append([]string{"create", "--pull=never"}, args...)...).CombinedOutput()
		assert.Error(t, err, "%s", replay)
		assert.Contains(t, string(replay), "logging mode not supported: nonblocking")
	})
}

// assertLogsTo asserts that the container's output goes to the log group,
// a stream per instance, without blocking the server
// (https://docs.docker.com/engine/logging/drivers/awslogs/).
func assertLogsTo(t *testing.T, c container, group string) {
	t.Helper()
	assert.Equal(t, "awslogs", c.HostConfig.LogConfig.Type)
	assert.Equal(t, map[string]string{"awslogs-region": instanceRegion, "awslogs-group": group, "awslogs-stream": instanceID,
		"mode": "non-blocking", "max-buffer-size": "4m"}, c.HostConfig.LogConfig.Config)
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
