package pulumicli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Deployment is the stack's state as `pulumi stack export` prints it:
// its schema version, the features it uses, and the deployment itself
// (secrets as ciphertext), kept as JSON so nothing the CLI wrote is lost
// on the way back (Import).
type Deployment struct {
	Version    int             `json:"version,omitempty"`
	Features   []string        `json:"features,omitempty"`
	Deployment json.RawMessage `json:"deployment,omitempty"`
}

// Export returns the stack's state: `pulumi stack export`.
func (c *CLI) Export(ctx context.Context) (Deployment, error) {
	out, err := c.quiet(ctx, "", "stack", "export", "--stack", c.Stack)
	if err != nil {
		return Deployment{}, err
	}
	var d Deployment
	if err := json.Unmarshal(out, &d); err != nil {
		return Deployment{}, fmt.Errorf("pulumi stack export: not the JSON it prints (%v)", errorKind(err))
	}
	return d, nil
}

// Import replaces the stack's state with d: `pulumi stack import --file`,
// from a file readable only by this user, removed afterwards.
func (c *CLI) Import(ctx context.Context, d Deployment) error {
	dir, err := os.MkdirTemp("", "pulumi-state-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	file := filepath.Join(dir, "state.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return err
	}
	_, err = c.quiet(ctx, "", "stack", "import", "--stack", c.Stack, "--file", file)
	return err
}

// Cancel removes the stack's lock, which a killed `pulumi up` leaves
// behind (on Pulumi Cloud it cancels the update the service still holds
// open): `pulumi cancel --yes`. Run it only when no other command is
// working on the stack.
func (c *CLI) Cancel(ctx context.Context) error {
	_, err := c.quiet(ctx, "", "cancel", "--yes", "--stack", c.Stack)
	return err
}

// Refresh reads every resource of the state from the account: `pulumi
// refresh --yes --skip-preview`, its progress to Progress.
func (c *CLI) Refresh(ctx context.Context) error {
	return c.loud(ctx, "refresh", "--yes", "--skip-preview", "--non-interactive", "--stack", c.Stack)
}
