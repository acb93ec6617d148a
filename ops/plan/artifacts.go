package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/push-turnkey/push-turnkey/program/artifact"
	"github.com/push-turnkey/push-turnkey/program/pushstack"
)

// StandInArtifacts makes small stand-ins for the processor tier's programs
// in dir, so that tests of what the program registers do not cross-compile
// two programs on every run: a real Lambda zip (package artifact) holding
// a text "bootstrap", and a text "binary", each named and hashed as the
// real ones are. The tests of the real builds use pushstack.BuildArtifacts.
func StandInArtifacts(dir string) pushstack.ArtifactBuilder {
	return func(_ context.Context, apiArch string) (pushstack.Artifacts, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return pushstack.Artifacts{}, fmt.Errorf("stand-in artifacts: %w", err)
		}
		write := func(name string) (artifact.Binary, error) {
			path := filepath.Join(dir, name)
			content := []byte("stand-in for " + name + "\n")
			if err := os.WriteFile(path, content, 0o644); err != nil {
				return artifact.Binary{}, fmt.Errorf("stand-in artifacts: %w", err)
			}
			sum := sha256.Sum256(content)
			// A stand-in's source is its name: a key per program and
			// architecture, as artifact.SourceKey gives.
			key := sha256.Sum256([]byte(name))
			return artifact.Binary{Path: path, SHA256: hex.EncodeToString(sum[:]), SourceKey: hex.EncodeToString(key[:])}, nil
		}
		processor, err := write("processor-arm64")
		if err != nil {
			return pushstack.Artifacts{}, err
		}
		zip, _, err := artifact.LambdaZip(processor)
		if err != nil {
			return pushstack.Artifacts{}, err
		}
		api, err := write("messages-api-" + apiArch)
		if err != nil {
			return pushstack.Artifacts{}, err
		}
		return pushstack.Artifacts{ProcessorZip: zip, ProcessorSourceKey: processor.SourceKey, API: api}, nil
	}
}
