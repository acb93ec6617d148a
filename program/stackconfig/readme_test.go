package stackconfig

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMEConfigTableListsEveryKeyWithItsDefault: the README's config
// table (under "## Config") has a row for every key of keyTable and for no
// other key of the namespace, and each row's default column says what the
// table does: the default in backticks, or unsetMeans for a key whose
// default means "not set". A row may name keys that share a stem,
// "`connectionNodesMin` / `Desired` / `Max`", with one default each.
func TestREADMEConfigTableListsEveryKeyWithItsDefault(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	rows := readmeConfigRows(t, string(data))
	require.NotEmpty(t, rows, "the README has a config table under ## Config")

	for _, k := range keyTable {
		want := k.unsetMeans
		if !isUnset(k.def) {
			want = "`" + k.def + "`"
		}
		got, listed := rows[k.name]
		if assert.True(t, listed, "the README's config table lists %s", k.name) {
			assert.Equal(t, want, got, "the README's default of %s", k.name)
		}
	}
	for key := range rows {
		_, known := spec(key)
		assert.True(t, known, "the README's config table lists %s, which keyTable does not declare", key)
	}
}

// readmeConfigRows maps each key of this namespace in the README's config
// table to its default column; rows of other namespaces (aws:*) are left
// out.
func readmeConfigRows(t *testing.T, readme string) map[string]string {
	_, section, found := strings.Cut(readme, "\n## Config\n")
	require.True(t, found, "the README has a section ## Config")
	section, _, _ = strings.Cut(section, "\n## ")
	rows := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "| "), " |"), " | ")
		if !strings.HasPrefix(line, "| `") || len(cells) < 3 || strings.Contains(cells[0], ":") {
			continue
		}
		keys := strings.Split(cells[0], " / ")
		defaults := []string{cells[1]}
		if len(keys) > 1 {
			defaults = strings.Split(cells[1], " / ")
			require.Len(t, defaults, len(keys), "one default for each key of the row %q", cells[0])
		}
		first := strings.Trim(keys[0], "`")
		stem := lastWord.ReplaceAllString(first, "")
		for i, key := range keys {
			key = strings.Trim(key, "`")
			if i > 0 {
				key = stem + key // `Desired` after `connectionNodesMin`
			}
			require.NotContains(t, rows, key, "the README lists %s twice", key)
			rows[key] = defaults[i]
		}
	}
	return rows
}

// lastWord is the last word of a camel-case key ("Min" of
// "connectionNodesMin").
var lastWord = regexp.MustCompile(`[A-Z][a-z]*$`)
