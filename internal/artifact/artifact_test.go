package artifact

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuildsAreReproducible(t *testing.T) {
	root, err := ModuleRoot(".")
	require.NoError(t, err)
	ctx := context.Background()
	a, err := Build(ctx, root, "./cmd/processor", "arm64", "test-processor", "lambda.norpc")
	require.NoError(t, err)
	zipA, hashA, err := LambdaZip(a)
	require.NoError(t, err)
	dataA, err := os.ReadFile(zipA)
	require.NoError(t, err)

	require.NoError(t, os.Remove(a.Path))
	b, err := Build(ctx, root, "./cmd/processor", "arm64", "test-processor", "lambda.norpc")
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
