package stackconfig

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

var updatePulumiYAML = flag.Bool("update-pulumi-yaml", false, "rewrite Pulumi.yaml's config block from keyTable")

const pulumiYAML = "../../Pulumi.yaml"

// TestPulumiYAMLDeclaresTheKeyTable: Pulumi.yaml declares exactly
// keyTable's keys, in its order, each with its type, default and
// description and nothing else (no `secret:`: the engine refuses a default
// on a secret key). The file is parsed as YAML and each declaration
// compared with what the table means. With -update-pulumi-yaml the config
// block is first rewritten from the table (go generate does so).
func TestPulumiYAMLDeclaresTheKeyTable(t *testing.T) {
	if *updatePulumiYAML {
		require.NoError(t, writeProjectConfig(pulumiYAML))
	}
	data, err := os.ReadFile(pulumiYAML)
	require.NoError(t, err)
	var project struct {
		Name   string    `yaml:"name"`
		Config yaml.Node `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(data, &project))
	require.Equal(t, Namespace, project.Name)
	require.Equal(t, yaml.MappingNode, project.Config.Kind, "Pulumi.yaml has a config: block")

	var declared []string
	for i := 0; i+1 < len(project.Config.Content); i += 2 {
		name := project.Config.Content[i].Value
		declared = append(declared, name)
		var decl map[string]interface{}
		require.NoError(t, project.Config.Content[i+1].Decode(&decl), name)
		k, ok := spec(name)
		if !assert.True(t, ok, "Pulumi.yaml declares %s, which keyTable does not (regenerate: go generate ./program/stackconfig)", name) {
			continue
		}
		want := map[string]interface{}{"type": k.value.typ, "default": defaultAsYAML(t, k), "description": k.description}
		if k.value.typ == "array" {
			want["items"] = map[string]interface{}{"type": "string"}
		}
		assert.Equal(t, want, decl, "Pulumi.yaml's declaration of %s differs from keyTable's (regenerate: go generate ./program/stackconfig)", name)
	}
	assert.Equal(t, Keys, declared, "Pulumi.yaml declares keyTable's keys in its order (regenerate: go generate ./program/stackconfig)")
}

// defaultAsYAML is k's default as YAML decodes Pulumi.yaml's value of its
// type: a bool, an int, a string or a list.
func defaultAsYAML(t *testing.T, k keySpec) interface{} {
	switch k.value.typ {
	case "boolean":
		b, err := strconv.ParseBool(k.def)
		require.NoError(t, err, k.name)
		return b
	case "integer":
		n, err := strconv.Atoi(k.def)
		require.NoError(t, err, k.name)
		return n
	case "array":
		list := []interface{}{}
		require.NoError(t, json.Unmarshal([]byte(k.def), &list), k.name)
		return list
	}
	return k.def
}

// writeProjectConfig replaces the config block of the Pulumi.yaml at path
// with keyTable's declarations, keeping the rest of the file.
func writeProjectConfig(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	top := doc.Content[0]
	config := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range keyTable {
		config.Content = append(config.Content, str(k.name), declaration(k))
	}
	replaced := false
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "config" {
			top.Content[i+1], replaced = config, true
		}
	}
	if !replaced {
		top.Content = append(top.Content, str("config"), config)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// declaration is k's entry of Pulumi.yaml's config block.
func declaration(k keySpec) *yaml.Node {
	decl := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("type"), str(k.value.typ)}}
	var def *yaml.Node
	switch k.value.typ {
	case "boolean":
		def = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: k.def}
	case "integer":
		def = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: k.def}
	case "array":
		decl.Content = append(decl.Content, str("items"), &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("type"), str("string")}})
		def = &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		var items []string
		_ = json.Unmarshal([]byte(k.def), &items) // a bad list fails the check that follows
		for _, item := range items {
			def.Content = append(def.Content, str(item))
		}
	default:
		def = str(k.def)
	}
	description := str(k.description)
	if strings.Contains(k.description, ": ") || strings.Contains(k.description, " #") {
		// Plain YAML cannot hold it; double quotes read better than the
		// encoder's '...''...'.
		description.Style = yaml.DoubleQuotedStyle
	}
	return &yaml.Node{Kind: yaml.MappingNode, Content: append(decl.Content, str("default"), def, str("description"), description)}
}

func str(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	if v == "" {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}
