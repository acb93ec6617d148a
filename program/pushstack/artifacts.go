package pushstack

import (
	"context"

	"github.com/push-turnkey/push-turnkey/program/artifact"
)

// Artifacts are the programs of this repository the processor tier
// deploys.
type Artifacts struct {
	// ProcessorZip is the Lambda zip of services/cmd/processor (linux/arm64);
	// ProcessorSourceKey the source key of that build (artifact.SourceKey).
	ProcessorZip, ProcessorSourceKey string
	// API is services/cmd/messages-api for the Messages API instance's architecture.
	API artifact.Binary
}

// ArtifactBuilder makes the Artifacts; apiArch is the Messages API's
// GOARCH ("amd64" or "arm64").
type ArtifactBuilder func(ctx context.Context, apiArch string) (Artifacts, error)

// BuildArtifacts compiles the two programs from the module the program
// runs in, reproducibly (package artifact).
func BuildArtifacts(ctx context.Context, apiArch string) (Artifacts, error) {
	root, err := artifact.ModuleRoot(".")
	if err != nil {
		return Artifacts{}, err
	}
	lambdaBin, err := artifact.Build(ctx, root, "./services/cmd/processor", "arm64", "processor", "lambda.norpc")
	if err != nil {
		return Artifacts{}, err
	}
	zip, _, err := artifact.LambdaZip(lambdaBin)
	if err != nil {
		return Artifacts{}, err
	}
	api, err := artifact.Build(ctx, root, "./services/cmd/messages-api", apiArch, "messages-api")
	if err != nil {
		return Artifacts{}, err
	}
	return Artifacts{ProcessorZip: zip, ProcessorSourceKey: lambdaBin.SourceKey, API: api}, nil
}
