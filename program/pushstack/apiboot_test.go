package pushstack_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Messages API instance's scripts (components/apiboot.go), run in bash
// with the instance's commands stubbed on PATH.

// imdsStub answers as the instance metadata service does with IMDSv2
// required (the launch template's httpTokens): a token from PUT
// /latest/api/token with a TTL header, then each GET with the token in
// X-aws-ec2-metadata-token; a GET without it is refused (401, which
// curl -f turns into exit 22)
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html).
const imdsStub = `#!/bin/bash
case "$*" in
*"-X PUT "*"X-aws-ec2-metadata-token-ttl-seconds: "*" http://169.254.169.254/latest/api/token") echo imds-token ;;
*"X-aws-ec2-metadata-token: imds-token "*/latest/meta-data/placement/region) echo eu-west-3 ;;
*"X-aws-ec2-metadata-token: imds-token "*/latest/meta-data/instance-id) echo i-0abc ;;
*) echo "curl: (22) The requested URL returned error: 401" >&2; exit 22 ;;
esac
`

// awsStub is the AWS CLI as the instance has it: no default region
// (no config file, no AWS_REGION), so a call without --region fails as
// the CLI does ("You must specify a region."). Each call is logged.
const awsStub = `#!/bin/bash
printf '%s\n' "$*" >> "$STUB_DIR/aws.log"
region=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[i]}" = --region ]; then region=${args[i + 1]:-}; fi
done
if [ -z "$region" ]; then
  echo 'You must specify a region. You can also configure your region by running "aws configure".' >&2
  exit 253
fi
case "$1 $2" in
"s3api head-object") cat "$STUB_DIR/digest" ;;
"s3 cp") cp "$STUB_DIR/object" "${@: -1}" ;;
"ssm get-parameter") echo the-redis-token ;;
*) echo "unexpected aws call: $*" >&2; exit 2 ;;
esac
`

// stubs writes the instance's commands into dir/bin: aws, curl (the
// metadata service), docker (logs its arguments, one a line), and id and
// chown, for the messages-api user this machine has not.
func stubs(t *testing.T, dir string) {
	t.Helper()
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.MkdirAll(bin, 0o755))
	for name, script := range map[string]string{
		"aws":    awsStub,
		"curl":   imdsStub,
		"docker": "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"$STUB_DIR/docker-$1.args\"\n",
		"id":     "#!/bin/bash\necho 1001\n",
		"chown":  "#!/bin/bash\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755))
	}
}

// runStubbed runs script in bash with the stubs of dir first on PATH.
func runStubbed(dir, script string) ([]byte, error) {
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"), "STUB_DIR="+dir,
		"AWS_REGION=", "AWS_DEFAULT_REGION=", "AWS_CONFIG_FILE="+filepath.Join(dir, "no-aws-config"))
	return cmd.CombinedOutput()
}

// TestAPIPrepareCallsAWSInTheInstancesRegion runs the whole prepare step
// with aws stubbed as the instance has it, without a default region: each
// aws call must name the region the metadata service gives, and a binary
// whose bytes do not match the digest in the object's metadata is not
// installed.
func TestAPIPrepareCallsAWSInTheInstancesRegion(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	prepare := heredoc(t, userData(t, p, "push-processor-api"), "PREPARE")
	key := str(t, one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "push-processor-api-binary"), "key")
	content := "the binary"
	sum := sha256.Sum256([]byte(content))
	for name, tc := range map[string]struct {
		digest    string
		installed bool   // the binary of the key is there already
		calls     string // the aws commands called, in order
		problem   string // "" when the step succeeds
	}{
		"first start": {digest: hex.EncodeToString(sum[:]),
			calls: "s3api head-object, s3 cp, ssm get-parameter"},
		"restart": {digest: strings.Repeat("0", 64), installed: true,
			calls: "ssm get-parameter"},
		"tampered": {digest: strings.Repeat("0", 64),
			calls: "s3api head-object, s3 cp", problem: "does not match its sha256 metadata"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			stubs(t, dir)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "digest"), []byte(tc.digest+"\n"), 0o600))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "object"), []byte(content), 0o600))
			script := strings.NewReplacer(
				"/usr/local/bin/messages-api", dir+"/messages-api",
				"/usr/local/lib/push-turnkey/messages-api.key", dir+"/key",
				"/run/messages-api", dir+"/run",
				"-o messages-api ", "", // the user this machine has not
			).Replace(prepare)
			if tc.installed {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "messages-api"), []byte("installed"), 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "key"), []byte(key+"\n"), 0o600))
			}

			out, err := runStubbed(dir, script)
			log, _ := os.ReadFile(filepath.Join(dir, "aws.log"))
			calls := strings.Split(strings.TrimSpace(string(log)), "\n")
			var commands []string
			for _, call := range calls {
				assert.Contains(t, call, "--region eu-west-3", "every aws call names the instance's region")
				f := strings.Fields(call)
				commands = append(commands, f[0]+" "+f[1])
			}
			assert.Equal(t, tc.calls, strings.Join(commands, ", "), "%s", out)
			binary, statErr := os.ReadFile(filepath.Join(dir, "messages-api"))
			if tc.problem != "" {
				assert.Error(t, err, "%s", out)
				assert.Contains(t, string(out), tc.problem)
				assert.Error(t, statErr, "a tampered binary is not installed")
				return
			}
			require.NoError(t, err, "%s", out)
			if tc.installed {
				assert.Equal(t, "installed", string(binary), "the binary of the key is kept")
			} else {
				assert.Equal(t, content, string(binary), "installed")
			}
			token, err := os.ReadFile(filepath.Join(dir, "run", "redis-token"))
			require.NoError(t, err)
			assert.Equal(t, "the-redis-token\n", string(token))
		})
	}
}

// canonicalCABundle is the CA bundle update-ca-trust extracts for TLS
// server authentication on Amazon Linux and the other Red Hat family
// releases; /etc/pki/tls/certs/ca-bundle.crt is only a compatibility link
// to it (update-ca-trust(8),
// https://unix.com/man-page/centos/8/update-ca-trust/).
const canonicalCABundle = "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"

// TestAPIStartMountsTheCABundleOnlyIfItIsAFile runs the start step with
// docker stubbed: the host's canonical CA bundle is bind-mounted read-only
// where Go looks first, with --mount (which fails rather than create a
// missing source), and only when it is a file; else nothing is mounted
// there and the binary's own roots serve.
func TestAPIStartMountsTheCABundleOnlyIfItIsAFile(t *testing.T) {
	start := heredoc(t, userData(t, runPlan(t, configs["processor"], nil), "push-processor-api"), "START")
	require.Contains(t, start, canonicalCABundle)
	const target = "/etc/ssl/certs/ca-certificates.crt" // Go's first (crypto/x509/root_linux.go)
	for name, host := range map[string]func(path string) error{
		"a file":      func(path string) error { return os.WriteFile(path, []byte("roots\n"), 0o644) },
		"missing":     func(string) error { return nil },
		"a directory": func(path string) error { return os.Mkdir(path, 0o755) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			stubs(t, dir)
			bundle := filepath.Join(dir, "tls-ca-bundle.pem")
			require.NoError(t, host(bundle))
			out, err := runStubbed(dir, strings.ReplaceAll(start, canonicalCABundle, bundle))
			require.NoError(t, err, "%s", out)
			data, err := os.ReadFile(filepath.Join(dir, "docker-run.args"))
			require.NoError(t, err, "docker run ran: %s", out)
			args := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			assert.Equal(t, []string{"push-turnkey/empty", "/messages-api"}, args[len(args)-2:])

			var mounted []string // the arguments that mount something at target
			for i, arg := range args {
				if strings.Contains(arg, target) {
					mounted = append(mounted, args[i-1], arg)
				}
			}
			if name == "a file" {
				assert.Equal(t, []string{"--mount", "type=bind,source=" + bundle + ",target=" + target + ",readonly"}, mounted)
				return
			}
			assert.Empty(t, mounted, "nothing at %s: Docker would make an empty directory of a missing source", target)
			assert.Contains(t, string(out), "uses the CA roots built into it")
		})
	}
}
