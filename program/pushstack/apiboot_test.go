package pushstack_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Messages API instance's scripts (components/boot/messages-api-*),
// run on an instance of boot_test.go.

// TestAPIPrepareCallsAWSInTheInstancesRegion runs the prepare step with
// aws stubbed as the instance has it, without a default region: each aws
// call must name the region the metadata service gives, and a binary
// whose bytes do not match the digest in the object's metadata is not
// installed.
func TestAPIPrepareCallsAWSInTheInstancesRegion(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	for name, tc := range map[string]struct {
		tampered  bool   // the object's metadata names another digest
		installed bool   // the binary of the key is there already
		calls     string // the aws commands called, in order
		problem   string // "" when the step succeeds
	}{
		"first start": {calls: "s3api head-object, s3 cp, ssm get-parameter"},
		"restart":     {tampered: true, installed: true, calls: "ssm get-parameter"},
		"tampered":    {tampered: true, calls: "s3api head-object, s3 cp", problem: "does not match its sha256 metadata"},
	} {
		t.Run(name, func(t *testing.T) {
			in, b := bootAPI(t, p)
			docker := dockerEngine(t)
			if tc.tampered {
				in.answer("s3api head-object", strings.Repeat("0", 64)+"\n")
			}
			// The prepare step makes the image the API runs in.
			_ = exec.Command(docker, "rm", "-f", "messages-api").Run()
			_ = exec.Command(docker, "image", "rm", "push-turnkey/empty").Run()
			bin, key := in.path("/usr/local/bin/messages-api"), in.path("/usr/local/lib/push-turnkey/messages-api.key")
			if tc.installed {
				require.NoError(t, os.WriteFile(bin, []byte("installed"), 0o755))
				require.NoError(t, os.WriteFile(key, []byte(b.Key+"\n"), 0o600))
			}

			out, err := in.run(apiPrepare)
			var commands []string
			for _, call := range in.log("aws.log") {
				assert.Contains(t, call, "--region "+instanceRegion, "every aws call names the instance's region")
				f := strings.Fields(call)
				commands = append(commands, f[0]+" "+f[1])
			}
			assert.Equal(t, tc.calls, strings.Join(commands, ", "), "%s", out)
			binary, statErr := os.ReadFile(bin)
			if tc.problem != "" {
				assert.Error(t, err, "%s", out)
				assert.Contains(t, out, tc.problem)
				assert.Error(t, statErr, "a tampered binary is not installed")
				return
			}
			require.NoError(t, err, "%s", out)
			if tc.installed {
				assert.Equal(t, "installed", string(binary), "the binary of the key is kept")
			} else {
				assert.Equal(t, apiBinary, string(binary), "installed")
				installed, err := os.ReadFile(key)
				require.NoError(t, err)
				assert.Equal(t, b.Key+"\n", string(installed), "the next start keeps it")
			}
			token, err := os.ReadFile(in.path("/run/messages-api/redis-token"))
			require.NoError(t, err)
			assert.Equal(t, "the-redis-token\n", string(token))
			info, err := os.Stat(in.path("/run/messages-api/redis-token"))
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
			assert.Equal(t, []string{"messages-api " + in.path("/run/messages-api/redis-token")}, in.log("chown.log"),
				"only messages-api reads the token")
			assert.NoError(t, exec.Command(docker, "image", "inspect", "push-turnkey/empty").Run(), "the empty image the API runs in is there")
		})
	}
}

// canonicalCABundle is the CA bundle update-ca-trust extracts for TLS
// server authentication on Amazon Linux and the other Red Hat family
// releases; /etc/pki/tls/certs/ca-bundle.crt is only a compatibility link
// to it (update-ca-trust(8),
// https://unix.com/man-page/centos/8/update-ca-trust/).
const canonicalCABundle = "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"

// TestAPIStartMountsTheCABundleOnlyIfItIsAFile runs the start step after
// the prepare step, on the real Docker Engine: the host's canonical CA
// bundle is bind-mounted read-only where Go looks first, with --mount
// (which fails rather than create a missing source), and only when it is
// a file; else nothing is mounted there and the binary's own roots serve.
func TestAPIStartMountsTheCABundleOnlyIfItIsAFile(t *testing.T) {
	p := runPlan(t, configs["processor"], nil)
	const target = "/etc/ssl/certs/ca-certificates.crt" // Go's first (crypto/x509/root_linux.go)
	for name, host := range map[string]func(path string) error{
		"a file":      func(path string) error { return os.WriteFile(path, []byte("roots\n"), 0o644) },
		"missing":     func(string) error { return nil },
		"a directory": func(path string) error { return os.Mkdir(path, 0o755) },
	} {
		t.Run(name, func(t *testing.T) {
			in, _ := bootAPI(t, p)
			docker := dockerEngine(t)
			removeContainer(t, docker, "messages-api")
			bundle := in.path(canonicalCABundle)
			require.NoError(t, os.MkdirAll(filepath.Dir(bundle), 0o755))
			require.NoError(t, host(bundle))
			out, err := in.run(apiPrepare)
			require.NoError(t, err, "%s", out)
			out, err = in.run(apiStart)
			require.NoError(t, err, "the engine takes the line: %s", out)
			c := inspect(t, docker, "messages-api")
			var mounted []string
			for _, m := range c.HostConfig.Mounts {
				if m.Target == target {
					mounted = append(mounted, m.Type+" "+m.Source+" readonly="+map[bool]string{true: "yes", false: "no"}[m.ReadOnly])
				}
			}
			if name == "a file" {
				assert.Equal(t, []string{"bind " + bundle + " readonly=yes"}, mounted)
				return
			}
			assert.Empty(t, mounted, "nothing at %s: Docker would make an empty directory of a missing source", target)
			assert.Contains(t, out, "uses the CA roots built into it")
		})
	}
}
