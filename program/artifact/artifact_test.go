package artifact

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuildsAreReproducible(t *testing.T) {
	root, err := ModuleRoot(".")
	require.NoError(t, err)
	ctx := context.Background()
	a, err := Build(ctx, root, "./services/cmd/processor", "arm64", "test-processor", "lambda.norpc")
	require.NoError(t, err)
	zipA, hashA, err := LambdaZip(a)
	require.NoError(t, err)
	dataA, err := os.ReadFile(zipA)
	require.NoError(t, err)

	require.NoError(t, os.Remove(a.Path))
	b, err := Build(ctx, root, "./services/cmd/processor", "arm64", "test-processor", "lambda.norpc")
	require.NoError(t, err)
	assert.Equal(t, a.SHA256, b.SHA256, "same source, same binary")
	zipB, hashB, err := LambdaZip(b)
	require.NoError(t, err)
	dataB, err := os.ReadFile(zipB)
	require.NoError(t, err)
	assert.Equal(t, hashA, hashB)
	assert.Equal(t, dataA, dataB, "byte-identical zips")

	zr, err := zip.OpenReader(zipB)
	require.NoError(t, err)
	defer zr.Close()
	require.Len(t, zr.File, 1)
	assert.Equal(t, "bootstrap", zr.File[0].Name)
	assert.Equal(t, os.FileMode(0o755), zr.File[0].Mode().Perm(), "the runtime executes bootstrap")
	rc, err := zr.File[0].Open()
	require.NoError(t, err)
	head := make([]byte, 20)
	_, err = io.ReadFull(rc, head)
	require.NoError(t, err)
	rc.Close()
	assert.Equal(t, []byte{0x7f, 'E', 'L', 'F'}, head[:4], "an ELF binary")
	assert.Equal(t, byte(0xb7), head[18], "for arm64 (EM_AARCH64)")
}

func TestBuildErrorsCarryTheCompilerOutput(t *testing.T) {
	root, err := ModuleRoot(".")
	require.NoError(t, err)
	_, err = Build(context.Background(), root, "./cmd/no-such-program", "amd64", "nothing")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "./cmd/no-such-program")
}

// TestSourceKeyFollowsTheSourceOnly: a tiny module whose program imports
// one package of its own; the key changes with that package's source and
// the target, not with a file the program does not import.
func TestSourceKeyFollowsTheSourceOnly(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, name), []byte(text), 0o644))
	}
	write("go.mod", "module example.com/m\n\ngo 1.26\n")
	write("cmd/app/main.go", "package main\n\nimport \"example.com/m/lib\"\n\nfunc main() { println(lib.Name) }\n")
	write("lib/lib.go", "package lib\n\nconst Name = \"a\"\n")
	write("other/other.go", "package other\n\nconst X = 1\n")
	ctx := context.Background()
	key := func(goarch string) string {
		k, err := SourceKey(ctx, root, "./cmd/app", goarch)
		require.NoError(t, err)
		require.Regexp(t, `^[0-9a-f]{64}$`, k)
		return k
	}
	base := key("amd64")
	assert.Equal(t, base, key("amd64"), "same source, same key")
	assert.NotEqual(t, base, key("arm64"), "another target")

	write("other/other.go", "package other\n\nconst X = 2\n")
	write("README.md", "changed\n")
	assert.Equal(t, base, key("amd64"), "files the program does not build from")

	write("lib/lib.go", "package lib\n\nconst Name = \"b\"\n")
	assert.NotEqual(t, base, key("amd64"), "a package the program imports")

	bin, err := Build(ctx, root, "./cmd/app", "amd64", "app")
	require.NoError(t, err)
	assert.Equal(t, key("amd64"), bin.SourceKey, "Build reports the key of what it built")
}

// TestSourceKeyIsTheSameUnderAnotherGo: another machine's Go (the
// approved go1.27.3 from the module proxy, as `go` fetches it for
// GOTOOLCHAIN) compiles other bytes from the same source; the key of the
// Messages API, which names its S3 object and so its instance's user
// data, must not change with it.
func TestSourceKeyIsTheSameUnderAnotherGo(t *testing.T) {
	root, err := ModuleRoot(".")
	require.NoError(t, err)
	ctx := context.Background()
	here, err := SourceKey(ctx, root, "./services/cmd/messages-api", "arm64")
	require.NoError(t, err)
	t.Setenv("GOTOOLCHAIN", "go1.27.3")
	version, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	require.NoError(t, err)
	require.Equal(t, "go1.27.3", strings.TrimSpace(string(version)), "the other Go runs")
	require.NotEqual(t, runtime.Version(), "go1.27.3")
	there, err := SourceKey(ctx, root, "./services/cmd/messages-api", "arm64")
	require.NoError(t, err)
	assert.Equal(t, here, there)
}
