package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// TestPulumiYamlDeclaresEveryKeyWithTheProgramsDefault keeps Pulumi.yaml
// and the program in step: the same keys, each with a description, a type
// that fits its default, and a default that, handed to the program as the
// engine hands it, gives the config of a stack that sets nothing.
func TestPulumiYamlDeclaresEveryKeyWithTheProgramsDefault(t *testing.T) {
	project, err := ReadProject("../..")
	require.NoError(t, err)
	assert.Equal(t, "push-turnkey", project.Name)

	declared := make([]string, 0, len(project.Config))
	for k := range project.Config {
		declared = append(declared, k)
	}
	keys := append([]string(nil), stackconfig.Keys...)
	sort.Strings(declared)
	sort.Strings(keys)
	require.Equal(t, keys, declared)

	plain := func(string) bool { return false }
	bare, err := stackconfig.ParseStack("dev", nil, "us-east-1", plain)
	require.NoError(t, err)
	for key, decl := range project.Config {
		assert.NotEmpty(t, decl.Description, "%s has a description", key)
		// The engine refuses a secret key's default: it is stored in plain
		// text, then fails "must be encrypted as it's secret". The program
		// checks secrecy itself (stackconfig.ParseStack).
		assert.False(t, decl.Secret && decl.Default != nil, "%s is declared secret with a default", key)
		types := map[string]string{"bool": "boolean", "int": "integer", "string": "string", "[]interface {}": "array"}
		assert.Equal(t, types[fmt.Sprintf("%T", decl.Default)], decl.Type, "type of %s fits its default %v", key, decl.Default)

		value, err := configString(decl.Default)
		require.NoError(t, err, key)
		got, err := stackconfig.ParseStack("dev", map[string]string{key: value}, "us-east-1", plain)
		require.NoError(t, err, "Pulumi.yaml's default of %s", key)
		assert.Equal(t, bare, got, "Pulumi.yaml's default of %s, %q, is the program's", key, value)
	}
}

// TestUnsetDefaultsMeanNotSet: a stack given every Pulumi.yaml default, as
// the engine gives them, plans exactly like a stack given none.
func TestUnsetDefaultsMeanNotSet(t *testing.T) {
	withDefaults, err := LoadStack("../..", "unset", nil)
	require.NoError(t, err)
	withDefaults.Config["aws:region"] = "us-east-1"
	bare := Stack{Name: "unset", Config: map[string]string{"aws:region": "us-east-1"}}
	a, err := Run(withDefaults)
	require.NoError(t, err)
	b, err := Run(bare)
	require.NoError(t, err)
	require.Equal(t, len(b.Resources), len(a.Resources))
	for i := range a.Resources {
		assert.Equal(t, b.Resources[i].URN, a.Resources[i].URN)
		assert.Equal(t, Masked(resource.NewObjectProperty(b.Resources[i].Inputs)), Masked(resource.NewObjectProperty(a.Resources[i].Inputs)), a.Resources[i].URN)
	}
}

func TestLoadStack(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
	}
	write("Pulumi.yaml", `name: push-turnkey
runtime: go
config:
  firehose:
    type: boolean
    default: false
  instanceType:
    type: string
    default: t3.small
  connectionNodesMax:
    type: integer
    default: 1
`)
	write("Pulumi.prod.yaml", `config:
  aws:region: eu-west-1
  aws:defaultTags:
    tags:
      team: push
  push-turnkey:firehose: true
  push-turnkey:connectionNodesMax: 4
  push-turnkey:cryptoKey:
    secure: v1:AAAABBBB
`)
	_, err := LoadStack(dir, "prod", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "push-turnkey:cryptoKey")
	assert.Contains(t, err.Error(), "-secret")

	s, err := LoadStack(dir, "prod", []Setting{
		{Pair: "instanceType=t3.medium"}, {Pair: "aws:region=eu-central-1"},
		{Pair: "cryptoKey=i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=", Secret: true},
	})
	require.NoError(t, err)
	assert.Equal(t, "prod", s.Name)
	assert.Equal(t, map[string]string{
		"aws:region":                      "eu-central-1",
		"aws:defaultTags":                 `{"tags":{"team":"push"}}`,
		"push-turnkey:firehose":           "true",
		"push-turnkey:instanceType":       "t3.medium",
		"push-turnkey:connectionNodesMax": strconv.Itoa(4),
		"push-turnkey:cryptoKey":          "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=",
	}, s.Config)
	assert.Equal(t, []string{"push-turnkey:cryptoKey"}, s.SecretKeys)

	_, err = LoadStack(dir, "prod", []Setting{{Pair: "firehose"}})
	assert.ErrorContains(t, err, `"firehose": want key=value`)

	// The last setting of a key wins, plain or secret.
	s, err = LoadStack(dir, "prod", []Setting{{Pair: "cryptoKey=a", Secret: true}, {Pair: "cryptoKey=b"}})
	require.NoError(t, err)
	assert.Equal(t, "b", s.Config["push-turnkey:cryptoKey"])
	assert.Empty(t, s.SecretKeys)

	// A stack without a file is an empty stack with the project defaults.
	s, err = LoadStack(dir, "staging", nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"push-turnkey:firehose": "false", "push-turnkey:instanceType": "t3.small", "push-turnkey:connectionNodesMax": "1",
	}, s.Config)

	write("Pulumi.empty.yaml", "config:\n  push-turnkey:tablePrefix:\n")
	_, err = LoadStack(dir, "empty", nil)
	assert.ErrorContains(t, err, "config push-turnkey:tablePrefix has no value")
	write("Pulumi.bare.yaml", "config:\n  firehose: true\n")
	_, err = LoadStack(dir, "bare", nil)
	assert.ErrorContains(t, err, `config key "firehose" has no namespace`)
	write("Pulumi.broken.yaml", "config: [\n")
	_, err = LoadStack(dir, "broken", nil)
	assert.ErrorContains(t, err, "parse")
}

func TestMistypedStackNameIsRefused(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: push-turnkey\nruntime: go\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config:\n  push-turnkey:firehose: true\n"), 0o600))
	for _, typo := range []string{"Dev", "DEV", "dve", "dav"} {
		_, err := LoadStack(dir, typo, nil)
		require.Error(t, err, typo)
		assert.Contains(t, err.Error(), `stack "`+typo+`" has no file Pulumi.`+typo+`.yaml, but did you mean -stack dev (Pulumi.dev.yaml)?`)
		assert.Contains(t, err.Error(), "create an empty Pulumi."+typo+".yaml")
	}
	// A name far from every stack file, or longer than one, is a new
	// stack, planned with the defaults.
	for _, other := range []string{"production", "dev2", "dev-1"} {
		s, err := LoadStack(dir, other, nil)
		require.NoError(t, err, other)
		assert.Empty(t, s.Config, other)
	}
	// Pulumi refuses these names: so does the plan.
	for _, bad := range []string{"../dev", "a b", ""} {
		_, err := LoadStack(dir, bad, nil)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "is not a stack name Pulumi takes")
	}
}

// TestListItemsByPath: -config 'key[i]=value' sets one item of a list, as
// `pulumi config set --path` does.
func TestListItemsByPath(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: push-turnkey\nruntime: go\nconfig:\n  messagesApiAllowedCidrs:\n    type: array\n    default: []\n"), 0o600))
	s, err := LoadStack(dir, "new", []Setting{
		{Pair: "messagesApiAllowedCidrs[0]=10.30.0.0/16"}, {Pair: "messagesApiAllowedCidrs[1]=10.40.0.0/16"},
		{Pair: "messagesApiAllowedCidrs[0]=10.50.0.0/16"},
		{Pair: "previousCryptoKeys[0]=i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ=", Secret: true},
	})
	require.NoError(t, err)
	assert.Equal(t, `["10.50.0.0/16","10.40.0.0/16"]`, s.Config["push-turnkey:messagesApiAllowedCidrs"])
	assert.Equal(t, `["i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="]`, s.Config["push-turnkey:previousCryptoKeys"])
	assert.Equal(t, []string{"push-turnkey:previousCryptoKeys"}, s.SecretKeys)
	_, err = LoadStack(dir, "new", []Setting{{Pair: "messagesApiAllowedCidrs[2]=10.30.0.0/16"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "item 2 of a list of 0: set the items in order")
}

// TestMisplacedKeysOfTheStackFileAreRefused: a stack file key in another
// namespace than the project's is no error to the engine, and the program
// would never read it; the plan refuses it, naming the file and the key it
// should be, as it does a -config setting.
func TestMisplacedKeysOfTheStackFileAreRefused(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
	}
	write("Pulumi.yaml", "name: push-turnkey\nruntime: go\nconfig:\n  firehose:\n    type: boolean\n    default: false\n")
	write("Pulumi.dev.yaml", "config:\n  aws:region: us-east-1\n  pushturnkey:firehose: \"true\"\n  push_turnkey:cryptoKey:\n    secure: v1:AAAABBBB\n")
	_, err := LoadStack(dir, "dev", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Pulumi.dev.yaml: config pushturnkey:firehose: is in the namespace "pushturnkey", which this program does not read (its keys are in "push-turnkey"), so it would be ignored; did you mean push-turnkey:firehose? (move it: pulumi config rm pushturnkey:firehose, then pulumi config set firehose true)`)
	assert.Contains(t, err.Error(), "Pulumi.dev.yaml: config push_turnkey:cryptoKey: ")
	assert.Contains(t, err.Error(), "did you mean push-turnkey:cryptoKey? (move it: pulumi config rm push_turnkey:cryptoKey, then set an existing key with: pulumi config set --secret cryptoKey")

	write("Pulumi.dev.yaml", "config:\n  aws:region: us-east-1\n  push-turnkey:firehose: \"true\"\n")
	_, err = LoadStack(dir, "dev", nil)
	require.NoError(t, err)
	_, err = LoadStack(dir, "dev", []Setting{{Pair: "pushturnkey:processor=true"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-config: config pushturnkey:processor: ")
	assert.Contains(t, err.Error(), "did you mean push-turnkey:processor?")
}

// TestProcessorWithFirehoseFalseIsWarned: the plan of a stack that sets
// processor=true and firehose=false, in its file or with -config, has
// Firehose and says why; the default firehose=false is no setting.
func TestProcessorWithFirehoseFalseIsWarned(t *testing.T) {
	dir := t.TempDir()
	project, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o600))
	write := func(text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config:\n  aws:region: us-east-1\n"+text), 0o600))
	}
	const warning = "push-turnkey:processor needs firehose; firehose is on: remove firehose=false (pulumi config rm firehose) or set it true (pulumi config set firehose true)"
	for _, tc := range []struct {
		file     string
		settings []Setting
		warned   bool
	}{
		{"  push-turnkey:processor: \"true\"\n  push-turnkey:firehose: \"false\"\n", nil, true},
		{"  push-turnkey:processor: \"true\"\n", []Setting{{Pair: "firehose=false"}}, true},
		{"  push-turnkey:processor: \"true\"\n", nil, false},
		{"  push-turnkey:processor: \"true\"\n  push-turnkey:firehose: \"false\"\n", []Setting{{Pair: "firehose=true"}}, false},
	} {
		write(tc.file)
		s, err := LoadStack(dir, "dev", tc.settings)
		require.NoError(t, err)
		s.Artifacts = StandInArtifacts(filepath.Join(t.TempDir(), "artifacts"))
		p, err := Run(s)
		require.NoError(t, err)
		assert.Equal(t, tc.warned, slices.Contains(p.Warnings, warning), "%s %v: %v", tc.file, tc.settings, p.Warnings)
		assert.NotEmpty(t, p.Find("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"), "processor turns firehose on")
	}
}

// TestAStackWithoutAFileSaysSo: a plan (or deploy policy) of a stack
// with no stack file is of the defaults, which the warning says.
func TestAStackWithoutAFileSaysSo(t *testing.T) {
	s, err := LoadStack("../..", "prod", nil)
	require.NoError(t, err)
	require.NotEmpty(t, s.Warnings)
	assert.Contains(t, s.Warnings[0], "there is no Pulumi.prod.yaml: this is Pulumi.yaml's defaults")
	s, err = LoadStack("../..", "dev", nil)
	require.NoError(t, err)
	for _, w := range s.Warnings {
		assert.NotContains(t, w, "there is no Pulumi.dev.yaml")
	}
}
