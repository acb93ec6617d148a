// Package pulumicli runs the Pulumi CLI for the operator commands, as a
// user would in the project's directory: a stack's config and outputs,
// whether it exists and what its state holds, preview and up. A secret
// reaches the CLI on its standard input, never on its command line (where
// other users of the machine could read it), and the output of a command
// that shows secrets never goes into an error.
package pulumicli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// CLI is the Pulumi CLI working on one stack of one project.
type CLI struct {
	// Binary is the pulumi executable ("pulumi": the one on PATH).
	Binary string
	// Dir is the project's directory, the one holding Pulumi.yaml.
	Dir string
	// Stack is the stack's name.
	Stack string
	// Env is added to this process's environment for every command
	// (the tests' backend and passphrase); nil adds nothing.
	Env []string
	// Progress receives what preview and up print as they go; nil
	// discards it.
	Progress io.Writer
}

// ConfigValue is one config value as `pulumi config --json` prints it.
type ConfigValue struct {
	// Value is the value as text (a list or map as JSON).
	Value string `json:"value"`
	// ObjectValue is a list or map value, decoded; nil for a scalar.
	ObjectValue json.RawMessage `json:"objectValue"`
	// Secret reports whether the stack file holds it encrypted.
	Secret bool `json:"secret"`
}

// Config returns the stack's config by full key ("push-turnkey:cryptoKey",
// "aws:region"), secrets decrypted: `pulumi config --json --show-secrets`.
// Keys the stack does not set are absent. The values are secrets: never
// print them.
func (c *CLI) Config(ctx context.Context) (map[string]ConfigValue, error) {
	out, err := c.quiet(ctx, "", "config", "--json", "--show-secrets", "--stack", c.Stack)
	if err != nil {
		return nil, err
	}
	config := map[string]ConfigValue{}
	if err := json.Unmarshal(out, &config); err != nil {
		return nil, fmt.Errorf("pulumi config --json: not the JSON it prints (%v)", errorKind(err))
	}
	return config, nil
}

// SetSecret sets the config path (e.g. "push-turnkey:previousCryptoKeys[1]")
// to value, encrypted with the stack's secrets provider: `pulumi config
// set --path --secret <path>`, the value on standard input.
func (c *CLI) SetSecret(ctx context.Context, path, value string) error {
	if value == "" {
		return fmt.Errorf("pulumi config set %s: refusing an empty value", path)
	}
	_, err := c.quiet(ctx, value, "config", "set", "--stack", c.Stack, "--path", "--secret", path)
	return err
}

// Remove removes the config path: `pulumi config rm --path <path>`.
func (c *CLI) Remove(ctx context.Context, path string) error {
	_, err := c.quiet(ctx, "", "config", "rm", "--stack", c.Stack, "--path", path)
	return err
}

// Outputs returns the stack's outputs as JSON values, secrets shown:
// `pulumi stack output --json --show-secrets`. Never print them whole.
func (c *CLI) Outputs(ctx context.Context) (map[string]json.RawMessage, error) {
	out, err := c.quiet(ctx, "", "stack", "output", "--json", "--show-secrets", "--stack", c.Stack)
	if err != nil {
		return nil, err
	}
	outputs := map[string]json.RawMessage{}
	if err := json.Unmarshal(out, &outputs); err != nil {
		return nil, fmt.Errorf("pulumi stack output --json: not the JSON it prints (%v)", errorKind(err))
	}
	return outputs, nil
}

// Exists reports whether the project has the stack in the current
// backend: `pulumi stack ls --json` (a name may be qualified,
// "org/project/stack").
func (c *CLI) Exists(ctx context.Context) (bool, error) {
	out, err := c.quiet(ctx, "", "stack", "ls", "--json")
	if err != nil {
		return false, err
	}
	var stacks []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(out, &stacks); err != nil {
		return false, fmt.Errorf("pulumi stack ls --json: %w", err)
	}
	for _, s := range stacks {
		if s.Name == c.Stack || s.Name[strings.LastIndex(s.Name, "/")+1:] == c.Stack {
			return true, nil
		}
	}
	return false, nil
}

// Resources returns the types of the resources the stack's state holds,
// other than the stack itself and its providers: `pulumi stack export`.
// A destroyed stack holds none.
func (c *CLI) Resources(ctx context.Context) ([]string, error) {
	out, err := c.quiet(ctx, "", "stack", "export", "--stack", c.Stack)
	if err != nil {
		return nil, err
	}
	var state struct {
		Deployment struct {
			Resources []struct {
				URN  string `json:"urn"`
				Type string `json:"type"`
			} `json:"resources"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal(out, &state); err != nil {
		return nil, fmt.Errorf("pulumi stack export: %w", err)
	}
	var types []string
	for _, r := range state.Deployment.Resources {
		if r.Type == "pulumi:pulumi:Stack" || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		types = append(types, r.Type)
	}
	return types, nil
}

// PreviewNoChanges runs `pulumi preview --expect-no-changes`: an error
// when the stack's program and config would change anything.
func (c *CLI) PreviewNoChanges(ctx context.Context) error {
	return c.loud(ctx, "preview", "--expect-no-changes", "--non-interactive", "--stack", c.Stack)
}

// Up runs `pulumi up --yes --skip-preview`, its progress to Progress.
func (c *CLI) Up(ctx context.Context) error {
	return c.loud(ctx, "up", "--yes", "--skip-preview", "--non-interactive", "--stack", c.Stack)
}

func (c *CLI) command(ctx context.Context, args ...string) *exec.Cmd {
	bin := c.Binary
	if bin == "" {
		bin = "pulumi"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = c.Dir
	if c.Env != nil {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	return cmd
}

// quiet runs a command that prints what the caller reads (perhaps
// secrets), with stdin on its standard input; an error carries its
// standard error only.
func (c *CLI) quiet(ctx context.Context, stdin string, args ...string) ([]byte, error) {
	cmd := c.command(ctx, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, failure(args, err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// loud runs a command whose output the operator watches (no secrets:
// the engine masks them).
func (c *CLI) loud(ctx context.Context, args ...string) error {
	cmd := c.command(ctx, args...)
	progress := c.Progress
	if progress == nil {
		progress = io.Discard
	}
	var stderr bytes.Buffer
	cmd.Stdout = progress
	cmd.Stderr = io.MultiWriter(progress, &stderr)
	if err := cmd.Run(); err != nil {
		return failure(args, err, stderr.String())
	}
	return nil
}

// failure names the command (its flags and keys, never a value: values
// go on standard input) and what it said on standard error.
func failure(args []string, err error, stderr string) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return fmt.Errorf("pulumi %s: exit %d: %s", strings.Join(args, " "), exit.ExitCode(), strings.TrimSpace(stderr))
	}
	return fmt.Errorf("pulumi %s (is the Pulumi CLI on PATH?): %w", strings.Join(args, " "), err)
}

// errorKind describes a JSON error without quoting the input, which may
// hold secrets.
func errorKind(err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("syntax error at byte %d", syntax.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Sprintf("a %s where %s was expected", typ.Value, typ.Type)
	}
	return "unreadable"
}
