// Package artifact builds the Go programs the stack deploys (the processor
// Lambda and the Messages API) from this repository, during `pulumi up`,
// reproducibly: the same source gives byte-identical binaries and zips, so
// an unchanged program is never a diff.
package artifact

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Binary is a built program.
type Binary struct {
	Path   string // the file
	SHA256 string // hex digest of the file
	// SourceKey is the hex SHA-256 of what the build is made from, apart
	// from the Go toolchain (see SourceKey): two machines with different
	// Go versions build different files of the same SourceKey.
	SourceKey string
}

// ModuleRoot returns the directory of go.mod above dir.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("artifact: go.mod not found; run the program from the project directory")
		}
		dir = parent
	}
}

// Build compiles the main package pkg (e.g. "./services/cmd/processor") of the module
// at root for linux/goarch into root/.build/<name>-<goarch>: no cgo, paths
// trimmed, no VCS stamp, an empty build ID, so identical source gives an
// identical file. tags are build tags (e.g. "lambda.norpc").
func Build(ctx context.Context, root, pkg, goarch, name string, tags ...string) (Binary, error) {
	out := filepath.Join(root, ".build", name+"-"+goarch)
	key, err := SourceKey(ctx, root, pkg, goarch, tags...)
	if err != nil {
		return Binary{}, err
	}
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-o", out)
	if len(tags) > 0 {
		args = append(args, "-tags", joinTags(tags))
	}
	args = append(args, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return Binary{}, fmt.Errorf("artifact: go build %s for linux/%s: %w\n%s", pkg, goarch, err, stderr.String())
	}
	sum, err := fileSHA256(out)
	if err != nil {
		return Binary{}, err
	}
	return Binary{Path: out, SHA256: sum, SourceKey: key}, nil
}

// buildFlags are the flags of every build; they are part of SourceKey.
var buildFlags = []string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="}

// listFormat prints, per package pkg depends on outside the standard
// library: import path, module path, module version, whether the module
// is the main one, its directory, then its Go and embedded files.
const listFormat = `{{if not .Standard}}{{.ImportPath}}{{"\t"}}{{with .Module}}{{.Path}}{{"\t"}}{{.Version}}{{"\t"}}{{.Main}}{{"\t"}}{{.GoVersion}}{{end}}{{"\t"}}{{.Dir}}{{"\t"}}{{join .GoFiles " "}} {{join .EmbedFiles " "}}{{"\n"}}{{end}}`

// SourceKey is the hex SHA-256 of what a build of pkg for linux/goarch
// with tags is made from, apart from the Go toolchain: the target and
// build flags, and for each package pkg depends on outside the standard
// library, the bytes of its Go and embedded files when it is in the main
// module (or a module replaced by a directory), else its module's path and
// version (go.sum vouches for their content). The standard library and
// the compiler are left out, so a machine with another Go patch version
// gets the same key for the same source.
func SourceKey(ctx context.Context, root, pkg, goarch string, tags ...string) (string, error) {
	args := []string{"list", "-deps", "-f", listFormat}
	if len(tags) > 0 {
		args = append(args, "-tags", joinTags(tags))
	}
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	listing, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("artifact: go list %s for linux/%s: %w\n%s", pkg, goarch, err, stderr.String())
	}
	h := sha256.New()
	fmt.Fprintf(h, "linux/%s tags=%v flags=%q\n", goarch, tags, buildFlags)
	for line := range strings.Lines(string(listing)) {
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(f) != 7 {
			return "", fmt.Errorf("artifact: go list %s: unexpected line %q", pkg, line)
		}
		importPath, modPath, version, main, goVersion, dir, files := f[0], f[1], f[2], f[3], f[4], f[5], strings.Fields(f[6])
		if main != "true" && version != "" {
			fmt.Fprintf(h, "%s %s@%s\n", importPath, modPath, version)
			continue
		}
		// The main module's go version sets language semantics.
		fmt.Fprintf(h, "%s %s go%s\n", importPath, modPath, goVersion)
		for _, name := range files {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return "", fmt.Errorf("artifact: %w", err)
			}
			fmt.Fprintf(h, "%s %d\n", name, len(data))
			h.Write(data)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func joinTags(tags []string) string {
	s := tags[0]
	for _, t := range tags[1:] {
		s += "," + t
	}
	return s
}

// zipTime is the fixed modification time of every zip entry: the zip
// format's epoch, so the zip depends on the binary alone.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// LambdaZip writes bin as the executable "bootstrap" (mode 0755, as the
// provided.al2023 runtime runs it) into a zip beside it and returns the zip
// with its SHA-256 digest, base64 (Lambda's source_code_hash form).
func LambdaZip(bin Binary) (path, sourceCodeHash string, err error) {
	path = bin.Path + ".zip"
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: zipTime}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return "", "", fmt.Errorf("artifact: zip: %w", err)
	}
	f, err := os.Open(bin.Path)
	if err != nil {
		return "", "", fmt.Errorf("artifact: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return "", "", fmt.Errorf("artifact: zip %s: %w", bin.Path, err)
	}
	if err := zw.Close(); err != nil {
		return "", "", fmt.Errorf("artifact: zip: %w", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return "", "", fmt.Errorf("artifact: %w", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return path, base64.StdEncoding.EncodeToString(sum[:]), nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("artifact: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("artifact: read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
