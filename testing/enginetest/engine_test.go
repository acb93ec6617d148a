package enginetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/fakeaws"
	"github.com/push-turnkey/push-turnkey/program/artifact"
	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/program/pushstack"
)

// CLIRootEnv names the directory holding bin/pulumi, the Pulumi CLI the
// test drives (scripts/pulumi-cli.sh builds it and prints it).
const CLIRootEnv = "PULUMI_CLI_ROOT"

// CLIVersion is the CLI the test is written against.
const CLIVersion = "v3.274.1"

// engine is one copy of the repository's project and stack files, with a
// local file backend, a passphrase, the fake provider plugins on PATH and
// a fake account, all in a temporary directory.
type engine struct {
	dir, state string
	cmd        auto.PulumiCommand
	cli        string // the pulumi binary cmd runs
	env        map[string]string
	// refreshes answers the groups' after-update hooks (refreshes_test.go),
	// which wait as refreshWait says (a test may shorten its Timeout
	// before it makes its stack).
	refreshes   *refreshHolder
	refreshWait *components.RefreshWait
	// apiLogs answers the Messages API instance's after-create hook
	// (apiwait_test.go), which waits as apiWait says.
	apiLogs *accountLogs
	apiWait *components.APIWait
}

func newEngine(t *testing.T) *engine {
	t.Helper()
	root, err := artifact.ModuleRoot(".")
	require.NoError(t, err)
	cliRoot := os.Getenv(CLIRootEnv)
	if cliRoot == "" {
		home, err := os.UserCacheDir()
		require.NoError(t, err)
		cliRoot = filepath.Join(home, "push-turnkey", "pulumi-"+CLIVersion)
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: cliRoot})
	require.NoError(t, err, "the Pulumi CLI %s is needed in %s: build it with bash scripts/pulumi-cli.sh (scripts/test.sh does), or set %s", CLIVersion, cliRoot, CLIRootEnv)

	dir := t.TempDir()
	e := &engine{dir: filepath.Join(dir, "project"), state: filepath.Join(dir, "aws-account.json"), cmd: cmd,
		cli: filepath.Join(cliRoot, "bin", "pulumi")}
	for _, sub := range []string{"project", "backend", "home", "bin"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, sub), 0o755))
	}
	for _, name := range []string{"Pulumi.yaml", "Pulumi.dev.yaml"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(e.dir, name), data, 0o644))
	}

	plugin := filepath.Join(dir, "bin", "pulumi-resource-fake")
	build := exec.Command("go", "build", "-o", plugin, "./testing/pulumi-resource-fake")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "build the fake provider plugins: %s", out)
	for _, name := range []string{"pulumi-resource-aws", "pulumi-resource-random"} {
		require.NoError(t, os.Symlink(plugin, filepath.Join(dir, "bin", name)))
	}

	e.env = map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + filepath.Join(dir, "backend"),
		"PULUMI_CONFIG_PASSPHRASE":                    "engine test passphrase",
		"PULUMI_HOME":                                 filepath.Join(dir, "home"),
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PATH":               filepath.Join(dir, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		fakeaws.StateFileEnv: e.state,
	}
	e.refreshes = &refreshHolder{api: newAccountRefreshes(t, e, "")}
	e.refreshWait = &components.RefreshWait{API: e.refreshes, Poll: 20 * time.Millisecond, Timeout: 20 * time.Second}
	e.apiLogs = &accountLogs{e: e}
	e.apiWait = &components.APIWait{Logs: e.apiLogs, Poll: 20 * time.Millisecond, Timeout: 3 * time.Second}
	return e
}

// stack runs `pulumi stack init <name>` in the copied project, with the
// program run inline (the Automation API serves it to the CLI, so no Go
// language host is needed) and validated by the engine like any program.
func (e *engine) stack(t *testing.T, name string) auto.Stack {
	t.Helper()
	program := pushstack.ProgramWith(pushstack.Runtime{Build: pushstack.BuildArtifacts, RefreshWait: e.refreshWait, APIWait: e.apiWait})
	s, err := auto.NewStackInlineSource(context.Background(), name, "push-turnkey", program,
		auto.WorkDir(e.dir), auto.Pulumi(e.cmd), auto.EnvVars(e.env), auto.SecretsProvider("passphrase"))
	require.NoError(t, err, "pulumi stack init %s", name)
	return s
}

// world is the fake account as it is now.
func (e *engine) world(t *testing.T) *fakeaws.World {
	t.Helper()
	w, err := fakeaws.Load(e.state)
	require.NoError(t, err)
	return w
}

// edit changes the fake account as a user of it would (outside Pulumi).
func (e *engine) edit(t *testing.T, fn func(w *fakeaws.World) error) {
	t.Helper()
	require.NoError(t, fakeaws.Update(e.state, fn))
}

// steps records the engine's resource steps of one operation: URN -> op.
type steps struct {
	mu  sync.Mutex
	ops map[string][]apitype.StepEventMetadata
}

func (s *steps) collect(ch <-chan events.EngineEvent) {
	for ev := range ch {
		if ev.ResourcePreEvent == nil {
			continue
		}
		m := ev.ResourcePreEvent.Metadata
		s.mu.Lock()
		s.ops[m.URN] = append(s.ops[m.URN], m)
		s.mu.Unlock()
	}
}

// up runs `pulumi up` and returns the steps the engine took.
func up(t *testing.T, s auto.Stack) (auto.UpResult, *steps) {
	t.Helper()
	ch := make(chan events.EngineEvent)
	rec := &steps{ops: map[string][]apitype.StepEventMetadata{}}
	done := make(chan struct{})
	go func() { rec.collect(ch); close(done) }()
	res, err := s.Up(context.Background(), optup.EventStreams(ch))
	<-done
	require.NoError(t, err, "pulumi up on %s", s.Name())
	return res, rec
}

// expectNoChanges runs `pulumi preview --expect-no-changes`.
func expectNoChanges(t *testing.T, s auto.Stack) {
	t.Helper()
	_, err := s.Preview(context.Background(), optpreview.ExpectNoChanges())
	require.NoError(t, err, "pulumi preview --expect-no-changes on %s", s.Name())
}

func setConfig(t *testing.T, s auto.Stack, values map[string]string) {
	t.Helper()
	for k, v := range values {
		require.NoError(t, s.SetConfig(context.Background(), k, auto.ConfigValue{Value: v}), "pulumi config set %s", k)
	}
}

func destroy(t *testing.T, s auto.Stack) {
	t.Helper()
	_, err := s.Destroy(context.Background(), optdestroy.Remove())
	require.NoError(t, err, "pulumi destroy --remove on %s", s.Name())
}

// exported is `pulumi stack export` (secrets as the state keeps them).
func (e *engine) exported(t *testing.T, s auto.Stack) string {
	t.Helper()
	var env []string
	for k, v := range e.env {
		env = append(env, k+"="+v)
	}
	stdout, stderr, code, err := e.cmd.Run(context.Background(), e.dir, nil, nil, nil, env, "stack", "export", "--stack", s.Name())
	require.NoError(t, err, "pulumi stack export: exit %d: %s", code, stderr)
	return stdout
}

func outputString(t *testing.T, res auto.UpResult, key string) string {
	t.Helper()
	out, ok := res.Outputs[key]
	require.True(t, ok, "output %s", key)
	s, ok := out.Value.(string)
	require.True(t, ok, "output %s is %T", key, out.Value)
	return s
}

// stateful names, per fake-account type, the stores of prefix that must
// outlive every upgrade and destroy.
func stateful(prefix string) map[string][]string {
	bucket := prefix + "-logs-" + fakeaws.AccountID
	return map[string][]string{
		"aws:dynamodb/table:Table":                                                                   {prefix + "_message", prefix + "_push_messages", prefix + "_router"},
		"aws:ssm/parameter:Parameter":                                                                {"/push-turnkey/" + prefix + "/crypto-key"},
		"aws:s3/bucketV2:BucketV2":                                                                   {bucket},
		"aws:s3/bucketPolicy:BucketPolicy":                                                           {bucket},
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     {bucket},
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     {bucket},
		"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               {bucket},
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {bucket},
	}
}

// creations maps each stateful store of prefix present in w to the serial
// of its creation, "<type> <name or id>" -> serial.
func creations(w *fakeaws.World, prefix string) map[string]int {
	out := map[string]int{}
	for typ, ids := range stateful(prefix) {
		for _, o := range w.OfType(typ) {
			id := o.ID
			if o.Name != "" {
				id = o.Name
			}
			if slices.Contains(ids, id) {
				out[typ+" "+id] = o.Created
			}
		}
	}
	return out
}

// stores are the logical names of the stores (retained resources whose
// data must survive) among the program's resources.
var stores = []string{"push-tables-router", "push-tables-message", "push-processor-messages", "crypto-key", "push-logs"}

// statefulSteps lists the engine steps that replaced a store, or deleted
// one other than by dropping it from the state while keeping it (retain on
// delete): "<op> <urn>".
func (s *steps) statefulSteps() []string {
	var bad []string
	for urn, events := range s.ops {
		if _, ok := stateful("x")[urnType(urn)]; !ok || !slices.Contains(stores, urnName(urn)) {
			continue
		}
		for _, ev := range events {
			switch ev.Op {
			case apitype.OpDelete:
				if ev.Old == nil || !ev.Old.RetainOnDelete {
					bad = append(bad, fmt.Sprintf("%s %s", ev.Op, urn))
				}
			case apitype.OpReplace, apitype.OpCreateReplacement, apitype.OpDeleteReplaced,
				apitype.OpDiscardReplaced, apitype.OpImportReplacement:
				bad = append(bad, fmt.Sprintf("%s %s", ev.Op, urn))
			}
		}
	}
	slices.Sort(bad)
	return bad
}

// opsOf returns the ops of the resources whose URN ends with suffix.
func (s *steps) opsOf(suffix string) []apitype.OpType {
	var ops []apitype.OpType
	for urn, events := range s.ops {
		if strings.HasSuffix(urn, suffix) {
			for _, ev := range events {
				ops = append(ops, ev.Op)
			}
		}
	}
	return ops
}

func urnName(urn string) string {
	parts := strings.Split(urn, "::")
	return parts[len(parts)-1]
}

func urnType(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	types := strings.Split(parts[2], "$")
	return types[len(types)-1]
}
