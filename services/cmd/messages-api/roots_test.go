package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// amazonTrustRoots are the root CAs of Amazon Trust Services, which AWS
// endpoints chain to, by the SHA-256 of their Subject Public Key Info, as
// https://www.amazontrust.com/repository/ lists them ("Root CAs").
var amazonTrustRoots = map[string]string{
	"Amazon Root CA 1": "fbe3018031f9586bcbf41727e417b7d1c45c2f47f93be372a17b96b50757d5a2",
	"Amazon Root CA 2": "7f4296fc5b6a4e3b35d3c369623e364ab1af381d8fa7121533c9d6c633ea2461",
	"Amazon Root CA 3": "36abc32656acfc645c61b71613c4bf21c787f5cabbee48348d58597803d7abc9",
	"Amazon Root CA 4": "f7ecded5c66047d28ed6466b543c40e0743abe81d109254dcf845d4c2c7853c5",
	"Starfield Services Root Certificate Authority - G2": "2b071c59a0a0ae76b0eadb2bad23bad4580b69c3601b630c2eaf0613afa83f92",
}

const rootsFile = "testdata/amazon-trust-roots.pem"

// checkRootsEnv, set to a PEM file, makes the test binary run checkRoots
// instead of the tests.
const checkRootsEnv = "MESSAGES_API_TEST_CHECK_ROOTS"

// checkRoots verifies each certificate of file against the system roots
// and prints "<common name>\tok" or
// "<common name>\t<error>" for each; testdata/rootcheck does the same
// without the fallback roots import. It returns the exit code.
func checkRoots(file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		// No Roots: the system's, as crypto/tls verifies a server
		// without RootCAs.
		_, err = cert.Verify(x509.VerifyOptions{})
		if err == nil {
			fmt.Printf("%s\tok\n", cert.Subject.CommonName)
		} else {
			fmt.Printf("%s\t%v\n", cert.Subject.CommonName, err)
		}
	}
	return 0
}

// TestRootsFixtureIsAmazonTrustServices: the fixture holds exactly the
// roots the Amazon Trust Services repository lists, by their key.
func TestRootsFixtureIsAmazonTrustServices(t *testing.T) {
	data, err := os.ReadFile(rootsFile)
	require.NoError(t, err)
	got := map[string]string{}
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		cert, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
		got[cert.Subject.CommonName] = hex.EncodeToString(sum[:])
		assert.Equal(t, cert.Subject.String(), cert.Issuer.String(), "%s is self-signed", cert.Subject.CommonName)
	}
	assert.Equal(t, amazonTrustRoots, got)
}

// TestFallbackRootsWithoutSystemRoots: in the API's container, a host
// without the CA bundle leaves /etc/ssl/certs/ca-certificates.crt an empty
// directory (what Docker creates for a missing bind source). With
// SSL_CERT_FILE and SSL_CERT_DIR pointing at an empty directory, a program
// sees no system roots: the control (testdata/rootcheck) cannot verify the
// Amazon Trust Services roots. This package's test binary, which links
// main.go and so its fallback roots import, verifies every one.
func TestFallbackRootsWithoutSystemRoots(t *testing.T) {
	empty := t.TempDir()
	noRoots := append(os.Environ(), "SSL_CERT_FILE="+empty, "SSL_CERT_DIR="+empty)
	roots, err := filepath.Abs(rootsFile)
	require.NoError(t, err)

	control := filepath.Join(t.TempDir(), "rootcheck")
	build := exec.Command("go", "build", "-o", control, "./testdata/rootcheck")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "build the control: %s", out)
	cmd := exec.Command(control, roots)
	cmd.Env = noRoots
	out, err = cmd.Output()
	require.NoError(t, err)
	withoutFallback := results(t, out)
	require.Len(t, withoutFallback, len(amazonTrustRoots))
	for name, result := range withoutFallback {
		assert.Contains(t, result, "x509: ", "without the fallback, %s has no root to verify against", name)
	}

	self, err := os.Executable()
	require.NoError(t, err)
	cmd = exec.Command(self)
	cmd.Env = append(noRoots, checkRootsEnv+"="+roots)
	out, err = cmd.Output()
	require.NoError(t, err)
	withFallback := results(t, out)
	require.Len(t, withFallback, len(amazonTrustRoots))
	for name := range amazonTrustRoots {
		assert.Equal(t, "ok", withFallback[name], "the binary's own roots verify %s", name)
	}
}

// results parses checkRoots's output: common name to "ok" or the error.
func results(t *testing.T, out []byte) map[string]string {
	t.Helper()
	got := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		name, result, ok := strings.Cut(sc.Text(), "\t")
		require.True(t, ok, "line %q", sc.Text())
		got[name] = result
	}
	return got
}
