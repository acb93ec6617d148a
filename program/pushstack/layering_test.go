package pushstack_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLayering: the imports of every package's non-test files follow the
// map (ARCHITECTURE.md): the program imports no service, operator library
// or harness; services import only services; nothing but the harness and
// tests imports the harness.
func TestLayering(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	require.NoError(t, err)
	const module = "github.com/push-turnkey/push-turnkey"
	part := func(pkg string) string {
		rel, ok := strings.CutPrefix(pkg, module)
		if !ok {
			return "" // the standard library or another module
		}
		if rel == "" {
			return "entry"
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(rel, "/"), "/")
		return first
	}
	allowed := map[string][]string{
		"entry":    {"program"},
		"program":  {"program"},
		"services": {"services"},
		"ops":      {"ops", "program", "services"},
		"cmd":      {"ops", "services"},
		"testing":  {"testing", "ops", "program", "services"},
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Greater(t, len(lines), 20, "go list listed the module's packages")
	for _, line := range lines {
		fields := strings.Fields(line)
		from := part(fields[0])
		may, known := allowed[from]
		require.True(t, known, "%s is in no part of the map (program, services, cmd, ops, testing)", fields[0])
		for _, imp := range fields[1:] {
			if to := part(imp); to != "" {
				assert.Contains(t, may, to, "%s imports %s", fields[0], imp)
			}
		}
	}
}
