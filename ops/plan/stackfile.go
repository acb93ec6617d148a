package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// Project is the part of Pulumi.yaml the plan reads: the declared config
// keys with their types and defaults.
type Project struct {
	Name   string                   `yaml:"name"`
	Config map[string]ProjectConfig `yaml:"config"`
}

// ProjectConfig is one declared config key of Pulumi.yaml.
type ProjectConfig struct {
	Type        string      `yaml:"type"`
	Description string      `yaml:"description"`
	Default     interface{} `yaml:"default"`
	Secret      bool        `yaml:"secret"`
}

// ReadProject parses dir/Pulumi.yaml.
func ReadProject(dir string) (Project, error) {
	var p Project
	data, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return p, fmt.Errorf("read project: %w", err)
	}
	if err := yaml.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("parse Pulumi.yaml: %w", err)
	}
	return p, nil
}

// Setting is one `pulumi config set`: Pair is "key=value", the key bare (in
// the project's namespace) or qualified ("aws:region").
type Setting struct {
	Pair   string
	Secret bool // as with --secret
}

// LoadStack builds the Stack the Pulumi CLI would hand the program: the
// defaults declared in dir/Pulumi.yaml, then dir/Pulumi.<name>.yaml (a
// missing file is an empty stack, as for `pulumi stack init`), then the
// settings in order. Encrypted values in the stack file cannot be decrypted
// offline: such a key must be given again as a secret setting.
func LoadStack(dir, name string, settings []Setting) (Stack, error) {
	stack := Stack{Name: name, Config: map[string]string{}}
	if !stackNameRe.MatchString(name) {
		return stack, fmt.Errorf("%q is not a stack name Pulumi takes: 1 to 100 letters, digits, '_', '.', '-'", name)
	}
	project, err := ReadProject(dir)
	if err != nil {
		return stack, err
	}
	for key, decl := range project.Config {
		if decl.Default != nil {
			value, err := configString(decl.Default)
			if err != nil {
				return stack, fmt.Errorf("Pulumi.yaml default of %s: %w", key, err)
			}
			stack.Config[qualify(key)] = value
		}
	}

	file := filepath.Join(dir, "Pulumi."+name+".yaml")
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		if near := nearStacks(dir, name); len(near) > 0 {
			return stack, fmt.Errorf("stack %q has no file Pulumi.%s.yaml, but %s; a typo would plan the defaults instead of your config (to plan a new stack %q, create an empty Pulumi.%s.yaml)",
				name, name, strings.Join(near, ", "), name, name)
		}
		stack.Warnings = append(stack.Warnings, fmt.Sprintf(
			"there is no Pulumi.%s.yaml: this is Pulumi.yaml's defaults and the -config values, not a stack's config; make the stack and set its config first (pulumi stack init %s, pulumi config set ...)",
			name, name))
		data = nil
	} else if err != nil {
		return stack, fmt.Errorf("read stack %s: %w", name, err)
	}
	var doc struct {
		Config map[string]interface{} `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return stack, fmt.Errorf("parse %s: %w", file, err)
	}
	encrypted := map[string]bool{}
	fileValues := map[string]string{} // every key of the file: "" for an encrypted value
	for key, raw := range doc.Config {
		if !strings.Contains(key, ":") {
			return stack, fmt.Errorf("%s: config key %q has no namespace; write %s:%s", file, key, stackconfig.Namespace, key)
		}
		fileValues[key] = ""
		if raw == nil {
			return stack, fmt.Errorf("%s: config %s has no value", file, key)
		}
		if m, ok := raw.(map[string]interface{}); ok && len(m) == 1 && m["secure"] != nil {
			encrypted[key] = true
			continue
		}
		value, err := configString(raw)
		if err != nil {
			return stack, fmt.Errorf("%s: config %s: %w", file, key, err)
		}
		stack.Config[key] = value
		fileValues[key] = value
	}
	isEncrypted := func(key string) bool { return encrypted[key] }
	if err := misplaced(filepath.Base(file), fileValues, isEncrypted); err != nil {
		return stack, err
	}
	set := map[string]string{} // the keys of this namespace the stack sets, bare
	for key, value := range fileValues {
		if bare, ok := strings.CutPrefix(key, stackconfig.Namespace+":"); ok {
			set[bare] = value
		}
	}

	for _, setting := range settings {
		key, value, ok := strings.Cut(setting.Pair, "=")
		if !ok || key == "" {
			return stack, fmt.Errorf("config %q: want key=value", setting.Pair)
		}
		if base, index, isPath := listItem(key); isPath {
			// As `pulumi config set --path 'key[i]' value`.
			list, err := setItem(stack.Config[qualify(base)], index, value)
			if err != nil {
				return stack, fmt.Errorf("config %q: %w", setting.Pair, err)
			}
			key, value = base, list
		}
		key = qualify(key)
		if err := misplaced("-config", map[string]string{key: value}, func(string) bool { return setting.Secret }); err != nil {
			return stack, err
		}
		stack.Config[key] = value
		if bare, ok := strings.CutPrefix(key, stackconfig.Namespace+":"); ok {
			set[bare] = value
		}
		delete(encrypted, key)
		stack.SecretKeys = slices.DeleteFunc(stack.SecretKeys, func(k string) bool { return k == key })
		if setting.Secret {
			stack.SecretKeys = append(stack.SecretKeys, key)
		}
	}
	for key := range encrypted {
		return stack, fmt.Errorf("config %s in %s is encrypted and the offline plan cannot decrypt it; give it with -secret %s=<value>", key, file, key)
	}
	stack.Warnings = append(stack.Warnings, stackconfig.SetKeyWarnings(set)...)
	return stack, nil
}

// misplaced refuses the keys of config (from where: the stack file's name,
// or -config) that are meant for this program but in another namespace
// (stackconfig.MisplacedKeys), each on a line of its own.
func misplaced(where string, config map[string]string, isSecret func(key string) bool) error {
	errs := stackconfig.MisplacedKeys(config, isSecret)
	for i, err := range errs {
		errs[i] = fmt.Errorf("%s: %w", where, err)
	}
	return errors.Join(errs...)
}

// stackNameRe is what Pulumi takes as a stack name (pulumi stack init).
var stackNameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// nearStacks names the stack files of dir whose stack names differ from
// name only in case, or have its length and differ in at most two letters
// ("dve", "dav"): likely typos ("did you mean -stack dev
// (Pulumi.dev.yaml)"). A longer or shorter name ("dev2", "dev-1") is
// another stack.
func nearStacks(dir, name string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var near []string
	for _, f := range files {
		other := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml")
		if strings.EqualFold(other, name) || (len(other) == len(name) && editDistance(strings.ToLower(other), strings.ToLower(name)) <= 2) {
			near = append(near, fmt.Sprintf("did you mean -stack %s (%s)?", other, filepath.Base(f)))
		}
	}
	return near
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var listItemRe = regexp.MustCompile(`^(.+)\[([0-9]+)\]$`)

// listItem splits "key[i]" into key and i.
func listItem(key string) (base string, index int, ok bool) {
	m := listItemRe.FindStringSubmatch(key)
	if m == nil {
		return "", 0, false
	}
	index, err := strconv.Atoi(m[2])
	return m[1], index, err == nil
}

// setItem sets item index of the JSON list of strings list ("" for none)
// to value; index may be the list's length, to append.
func setItem(list string, index int, value string) (string, error) {
	var items []string
	if list != "" {
		if err := json.Unmarshal([]byte(list), &items); err != nil {
			return "", fmt.Errorf("the value so far, %s, is not a list", list)
		}
	}
	switch {
	case index < len(items):
		items[index] = value
	case index == len(items):
		items = append(items, value)
	default:
		return "", fmt.Errorf("item %d of a list of %d: set the items in order", index, len(items))
	}
	data, err := json.Marshal(items)
	return string(data), err
}

func qualify(key string) string {
	if strings.Contains(key, ":") {
		return key
	}
	return stackconfig.Namespace + ":" + key
}

// configString turns a YAML config value into the string Pulumi hands the
// program: scalars as text, objects and lists as JSON.
func configString(v interface{}) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool, int, int64, float64:
		return fmt.Sprint(v), nil
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return "", fmt.Errorf("not a config value: %w", err)
		}
		return string(data), nil
	}
}
