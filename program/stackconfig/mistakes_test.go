package stackconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The mistakes of a new user's first stack (issue 17): each is refused, or
// warned of, before any resource, naming the key and the fix.

// openssl runs the shell command with openssl, or skips the test when
// openssl is not installed.
func openssl(t *testing.T, command string) string {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	out, err := exec.Command("sh", "-c", command).Output()
	require.NoError(t, err, command)
	return strings.TrimSpace(string(out))
}

// TestOpensslKeyIsRefusedWithTheFix: `openssl rand -base64 32` prints
// standard base64, which a Fernet key is not; the message says so, never
// repeats the key, and the command it gives makes keys that are accepted.
func TestOpensslKeyIsRefusedWithTheFix(t *testing.T) {
	var key string
	for range 100 { // a key holds '+' or '/' with a probability of 1 - (62/64)^43 ≈ 0.75
		if key = openssl(t, "openssl rand -base64 32"); strings.ContainsAny(key, "+/") {
			break
		}
	}
	require.True(t, strings.ContainsAny(key, "+/"), "openssl printed a key with '+' or '/'")
	require.Len(t, key, 44)
	_, err := Parse("dev", map[string]string{"cryptoKey": key})
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "config push-turnkey:cryptoKey: is standard base64 (it holds '+' or '/', as `openssl rand -base64 32` prints it); a Fernet key is URL-safe base64, with '-' for '+' and '_' for '/' (make one with: openssl rand -base64 32 | tr '+/' '-_')")
	assert.NotContains(t, msg, key, "a secret is never repeated")

	_, err = Parse("dev", map[string]string{"previousCryptoKeys": fmt.Sprintf("[%q]", key), "cryptoKey": openssl(t, MakeFernetKey)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:previousCryptoKeys: item 0 is standard base64")

	for range 20 {
		made := openssl(t, MakeFernetKey)
		assert.Empty(t, validFernetKey(made), "the command's key is a Fernet key")
	}
	assert.Contains(t, validFernetKey(strings.TrimSuffix(openssl(t, MakeFernetKey), "=")), "not 43 (make one with: "+MakeFernetKey+")")
}

// TestNodeCountsAreRefusedInOneRound: every count out of order in a group
// is named at once, and setting each to the value its message offers makes
// a group that passes: one round, not one per count.
func TestNodeCountsAreRefusedInOneRound(t *testing.T) {
	_, err := Parse("dev", map[string]string{"connectionNodesMin": "3", "connectionNodesMax": "2"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:connectionNodesDesired: 1 is below connectionNodesMin (3) (example: pulumi config set connectionNodesDesired 3)")
	assert.Contains(t, err.Error(), "config push-turnkey:connectionNodesMax: 2 is below connectionNodesMin (3) (example: pulumi config set connectionNodesMax 3)")

	example := regexp.MustCompile(`config push-turnkey:(\S+): .*\(example: pulumi config set (\S+) (\S+)\)`)
	counts := []int{-1, 0, 1, 2, 5}
	for _, min := range counts {
		for _, desired := range counts {
			for _, max := range counts {
				raw := map[string]string{"endpointNodesMin": strconv.Itoa(min), "endpointNodesDesired": strconv.Itoa(desired), "endpointNodesMax": strconv.Itoa(max)}
				_, err := Parse("dev", raw)
				valid := min >= 0 && desired >= 1 && min <= desired && desired <= max
				if valid {
					assert.NoError(t, err, raw)
					continue
				}
				require.Error(t, err, raw)
				for _, line := range strings.Split(err.Error(), "\n") {
					m := example.FindStringSubmatch(line)
					require.NotNil(t, m, line)
					require.Equal(t, m[1], m[2])
					raw[m[2]] = m[3]
				}
				_, err = Parse("dev", raw)
				assert.NoError(t, err, "min %d, desired %d, max %d: the offered values, all at once, make a valid group", min, desired, max)
			}
		}
	}
}

// TestAutopushTagWithoutV: mozilla/autopush's tags are plain version
// numbers (reference autopush.md: the last release 1.58.4, the seed's tag
// 1.14.2), so a leading "v" names no image; another image's tags may.
func TestAutopushTagWithoutV(t *testing.T) {
	for _, tag := range []string{"v1.58.4", "V1.58.4", "v1.14.2"} {
		_, err := Parse("dev", map[string]string{"autopushVersion": tag})
		require.Error(t, err, tag)
		bare := tag[1:]
		assert.Contains(t, err.Error(), fmt.Sprintf(`config push-turnkey:autopushVersion: %q starts with %q, but the tags of mozilla/autopush have none (its last release is tagged 1.58.4)`, tag, tag[:1]))
		assert.Contains(t, err.Error(), "(example: pulumi config set autopushVersion "+bare+")")
		_, err = Parse("dev", map[string]string{"autopushVersion": bare})
		assert.NoError(t, err, bare)
	}
	_, err := Parse("dev", map[string]string{"autopushImage": "ghcr.io/example/autopush", "autopushVersion": "v1.2.3"})
	assert.NoError(t, err, "another image's tags may start with v")
	_, err = Parse("dev", map[string]string{"autopushVersion": "v"})
	assert.NoError(t, err, "a tag that is only v has no version to offer; the pull fails at deploy")
	for _, tag := range []string{"latest", "Latest"} {
		_, err = Parse("dev", map[string]string{"autopushVersion": tag})
		assert.ErrorContains(t, err, "moves with each release", tag)
		assert.ErrorContains(t, err, "(example: pulumi config set autopushVersion 1.58.4)", tag)
	}
}

// TestTakeOverFromItselfIsRefused: takeOverFrom names another, destroyed
// stack.
func TestTakeOverFromItselfIsRefused(t *testing.T) {
	_, err := Parse("dev", map[string]string{"takeOverFrom": "dev"})
	require.Error(t, err)
	assert.Equal(t, "config push-turnkey:takeOverFrom: names this stack, dev; it names another, destroyed stack whose retained tables, key and bucket (under this tablePrefix) this stack takes over, and a stack keeps its own without it (remove it: pulumi config rm takeOverFrom)", err.Error())
	_, err = Parse("dev", map[string]string{"takeOverFrom": "old-dev"})
	assert.NoError(t, err)
}

// autopushMessageTable is the table autopush takes as its message table
// among tables, as reference autopush.md states it: of the names that
// start with the configured message table name, the alphabetically last.
func autopushMessageTable(tables []string, configured string) string {
	var matching []string
	for _, name := range tables {
		if strings.HasPrefix(name, configured) {
			matching = append(matching, name)
		}
	}
	sort.Strings(matching)
	if len(matching) == 0 {
		return ""
	}
	return matching[len(matching)-1]
}

// tablesOf are the DynamoDB tables of a stack with prefix and the processor
// tier (README, "What the stack creates").
func tablesOf(prefix string) []string {
	c := Config{TablePrefix: prefix}
	return []string{c.RouterTableName(), c.MessageTableName(), c.MessagesTableName()}
}

// TestPrefixesThatStopAnotherStacksNodesWarn: for each prefix, the other
// stacks named in its warnings really collide with it by autopush's rule
// (one's message table name starts a table of the other, so a node of one
// of them sees a stray table), and a prefix without a warning collides
// with none of the prefixes it could be confused with.
func TestPrefixesThatStopAnotherStacksNodesWarn(t *testing.T) {
	collides := func(a, b string) bool {
		for _, pair := range [][2]string{{a, b}, {b, a}} {
			own := Config{TablePrefix: pair[0]}.MessageTableName()
			if autopushMessageTable(append(tablesOf(pair[0]), tablesOf(pair[1])...), own) != own {
				return true
			}
			for _, other := range tablesOf(pair[1]) {
				if strings.HasPrefix(other, own) {
					return true // the node's start script refuses a stray table
				}
			}
		}
		return false
	}
	named := regexp.MustCompile(`(?:the message table name|the push messages table) of a stack whose tablePrefix is "([^"]+)"`)
	for prefix, others := range map[string][]string{
		"push_message":         {"push"},
		"push-dev_message":     {"push-dev"},
		"a_message_b_message":  {"a", "a_message_b"},
		"prod_push":            {"prod"},
		"push_messages_x_push": {"push", "push_messages_x"},
		"push_prod":            nil,
		"push-dev":             nil,
		"messages":             nil,
		"message":              nil,
	} {
		t.Run(prefix, func(t *testing.T) {
			c, err := Parse("dev", map[string]string{"tablePrefix": prefix})
			require.NoError(t, err, "a warning, not a refusal")
			var got []string
			for _, w := range c.Warnings {
				for _, m := range named.FindAllStringSubmatch(w, -1) {
					got = append(got, m[1])
				}
				assert.Contains(t, w, "push-turnkey:tablePrefix "+strconv.Quote(prefix))
				assert.Contains(t, w, "refuse to start")
				fix := regexp.MustCompile(`pulumi config set tablePrefix (\S+)$`).FindStringSubmatch(w)
				require.NotNil(t, fix, w)
				fixed, err := Parse("dev", map[string]string{"tablePrefix": fix[1]})
				require.NoError(t, err)
				assert.Empty(t, fixed.Warnings, "the prefix offered, %s, warns of nothing", fix[1])
			}
			slices.Sort(got)
			assert.Equal(t, others, got)
			for _, other := range others {
				assert.True(t, collides(prefix, other), "%s and %s collide by autopush's rule", prefix, other)
			}
			// The prefixes a prefix could be confused with: itself cut
			// before each '_', and with "_message" or "_push" added.
			var near []string
			for i, r := range prefix {
				if r == '_' {
					near = append(near, prefix[:i])
				}
			}
			near = append(near, prefix+"_message", prefix+"_push")
			for _, other := range near {
				if validTablePrefix(other) == "" && !slices.Contains(others, other) {
					warned := false
					if o, err := Parse("dev", map[string]string{"tablePrefix": other}); err == nil {
						for _, w := range o.Warnings {
							warned = warned || strings.Contains(w, strconv.Quote(prefix))
						}
					}
					assert.True(t, !collides(prefix, other) || warned, "%s and %s collide: one of them is warned", prefix, other)
				}
			}
		})
	}
}

// TestMisplacedKeysAreRefused: a key meant for this program in another
// namespace is refused with the key it should be; the keys of other
// programs (the providers') are left alone.
func TestMisplacedKeysAreRefused(t *testing.T) {
	plain := func(string) bool { return false }
	for key, want := range map[string]string{
		"pushturnkey:firehose":   `config pushturnkey:firehose: is in the namespace "pushturnkey", which this program does not read (its keys are in "push-turnkey"), so it would be ignored; did you mean push-turnkey:firehose? (move it: pulumi config rm pushturnkey:firehose, then pulumi config set firehose true)`,
		"push_turnkey:firehose":  "did you mean push-turnkey:firehose?",
		"Push-Turnkey:firehose":  "did you mean push-turnkey:firehose?",
		"push-turnky:firehose":   "did you mean push-turnkey:firehose?",
		"pushturnkey:firehoze":   "did you mean push-turnkey:firehose?",
		"push:firehose":          "did you mean push-turnkey:firehose?",
		"aws:processor":          "did you mean push-turnkey:processor?",
		"pushturnkey:sizeOfFoo":  "and sizeOfFoo is not a key of this program (known: firehose, processor,",
		"pushturnkey:tablePrefx": "did you mean push-turnkey:tablePrefix? (move it: pulumi config rm pushturnkey:tablePrefx, then pulumi config set tablePrefix true)",
	} {
		errs := MisplacedKeys(map[string]string{key: "true"}, plain)
		require.Len(t, errs, 1, key)
		var cfgErr *Error
		require.ErrorAs(t, errs[0], &cfgErr)
		assert.Equal(t, key, cfgErr.QualifiedKey())
		assert.Contains(t, errs[0].Error(), want)
	}
	for _, key := range []string{"aws:region", "aws:profile", "random:seed", "myteam:owner", "push-turnkey:firehose", "push-turnkey:firehoze"} {
		assert.Empty(t, MisplacedKeys(map[string]string{key: "x"}, plain), key)
	}
	secret := func(k string) bool { return k == "pushturnkey:cryptoKey" }
	errs := MisplacedKeys(map[string]string{"pushturnkey:cryptoKey": "i_CYcNKa2YXrF_7V1Y-2MFfoEl7b6KX55y_9uvOKfJQ="}, secret)
	require.Len(t, errs, 1)
	assert.NotContains(t, errs[0].Error(), "i_CYcNKa2YXrF", "a secret is never repeated")
	assert.Contains(t, errs[0].Error(), "pulumi config set --secret cryptoKey")
}

// mocks register nothing and answer no look-up: Load makes neither.
type mocks struct{}

func (mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return args.Name, args.Inputs, nil
}

func (mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("no look-up expected: %s", args.Token)
}

// loadWith runs Load for stack "dev" with config (qualified keys), as the
// SDK gets it from the engine.
func loadWith(config map[string]string) (Config, error) {
	var c Config
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		c, err = Load(ctx)
		return err
	}, pulumi.WithMocks(Namespace, "dev", mocks{}), func(info *pulumi.RunInfo) { info.Config = config })
	return c, err
}

// TestLoadRefusesMisplacedKeysTheEngineHandsOver: the Go language host
// hands the program every key of the stack, of every namespace, as the
// JSON object in PULUMI_CONFIG (pulumi-language-go, constructEnv), from
// which the SDK fills its config; Load reads the keys from there and
// refuses a misplaced one. Without the variable (inline programs, mocks)
// it cannot see them.
func TestLoadRefusesMisplacedKeysTheEngineHandsOver(t *testing.T) {
	config := map[string]string{"aws:region": "us-east-1", "push-turnkey:tablePrefix": "push-dev", "pushturnkey:firehose": "true"}
	_, err := loadWith(config)
	require.NoError(t, err, "without PULUMI_CONFIG the program sees only the keys it asks for")

	data, err := json.Marshal(config)
	require.NoError(t, err)
	t.Setenv(pulumi.EnvConfig, string(data))
	_, err = loadWith(config)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config pushturnkey:firehose: is in the namespace \"pushturnkey\"")
	assert.Contains(t, err.Error(), "did you mean push-turnkey:firehose?")

	delete(config, "pushturnkey:firehose")
	c, err := loadWith(config)
	require.NoError(t, err, "a variable with keys the run does not hold counts for nothing")
	assert.Equal(t, "push-dev", c.TablePrefix)
	var cfgErr *Error
	assert.False(t, errors.As(err, &cfgErr))
}

// TestProcessorWithFirehoseOffWarns: processor=true turns firehose on, so
// a stack that also sets firehose=false is warned; only the keys a stack
// sets show it (the engine passes the default firehose=false to every
// stack that does not).
func TestProcessorWithFirehoseOffWarns(t *testing.T) {
	assert.Equal(t, []string{"push-turnkey:processor needs firehose; firehose is on: remove firehose=false (pulumi config rm firehose) or set it true (pulumi config set firehose true)"},
		SetKeyWarnings(map[string]string{"processor": "true", "firehose": "false"}))
	for _, set := range []map[string]string{
		{"processor": "true"}, {"processor": "true", "firehose": "true"}, {"processor": "false", "firehose": "false"}, {"firehose": "false"}, nil,
	} {
		assert.Empty(t, SetKeyWarnings(set), set)
	}
}
