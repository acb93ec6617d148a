package stackconfig

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A stack file key in another namespace than the project's
// ("pushturnkey:firehose") is no error to the engine, which hands every
// key of the stack to the program, and this program reads only its own
// namespace: such a key would be ignored without a word.

// maxNamespaceEdits is how far, in edits of its letters and digits (case
// and '-', '_', '.' ignored), a namespace may be from Namespace to be
// taken for a misspelling of it.
const maxNamespaceEdits = 2

// MisplacedKeys refuses each key of config (qualified keys, "ns:key", as
// the engine hands them to the program) that is meant for this program but
// in another namespace: one whose namespace is a misspelling of Namespace
// ("pushturnkey", "push_turnkey", "push-turnky"), or whose name is one of
// Keys ("push:firehose"). Each *Error names the key, the key it should be
// and the commands that move it; isSecret(key) keeps a secret's value out
// of them. Keys are checked in sorted order.
func MisplacedKeys(config map[string]string, isSecret func(key string) bool) []error {
	var errs []error
	for _, qualified := range slices.Sorted(maps.Keys(config)) {
		ns, key, ok := strings.Cut(qualified, ":")
		if !ok || ns == Namespace {
			continue
		}
		_, ours := spec(key)
		if ns == "aws" && !ours && !slices.Contains(awsSettings, key) {
			// The program hands the provider only the settings it has
			// (pushstack.providerArgs): any other is silently unused.
			errs = append(errs, &Error{Key: qualified,
				Problem: "is not a setting of the AWS provider, so it would be ignored;" + didYouMean(prefixed("aws:", nearest(key, awsSettings, 2))),
				Hint:    "see " + awsConfigPage + "; remove it: pulumi config rm " + qualified})
			continue
		}
		if !ours && !misspelledNamespace(ns) {
			continue
		}
		meant := key
		if !ours {
			meant = first(nearest(key, Keys, 2))
		}
		problem := fmt.Sprintf("is in the namespace %q, which this program does not read (its keys are in %q), so it would be ignored", ns, Namespace)
		if meant == "" {
			errs = append(errs, &Error{Key: qualified,
				Problem: problem + "; and " + key + " is not a key of this program (known: " + strings.Join(Keys, ", ") + ")",
				Hint:    "remove it: pulumi config rm " + qualified})
			continue
		}
		errs = append(errs, &Error{Key: qualified,
			Problem: fmt.Sprintf("%s; did you mean %s:%s?", problem, Namespace, meant),
			Hint:    fmt.Sprintf("move it: pulumi config rm %s, then %s", qualified, setCommand(meant, config[qualified], isSecret(qualified)))})
	}
	return errs
}

// awsConfigPage documents every aws:* setting.
const awsConfigPage = "https://www.pulumi.com/registry/packages/aws/installation-configuration/"

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// misspelledNamespace reports whether ns, not Namespace, is near it.
func misspelledNamespace(ns string) bool {
	return editDistance(namespaceLetters(ns), namespaceLetters(Namespace)) <= maxNamespaceEdits
}

func namespaceLetters(ns string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("-_. ", r) {
			return -1
		}
		return r
	}, strings.ToLower(ns))
}

// plainValue is a value a shell takes as one word without quotes.
var plainValue = regexp.MustCompile(`^[A-Za-z0-9._/:@+=,-]{1,100}$`)

// setCommand says how to set key (in this namespace) to value: the key's
// own hint for a secret or a list (which never repeats the value), else
// the `pulumi config set`, with <value> for a value the shell would split.
func setCommand(key, value string, secret bool) string {
	s, _ := spec(key)
	list := strings.HasPrefix(value, "[") || strings.HasPrefix(value, "{")
	switch {
	case (secret || list) && s.hint != "":
		return s.hint
	case secret:
		return "pulumi config set --secret " + key + " <value>"
	case list || !plainValue.MatchString(value):
		return "pulumi config set " + key + " <value>"
	}
	return "pulumi config set " + key + " " + value
}

// stackConfig is every config key of the running stack, qualified, with
// its value, as the engine hands them to the program: the Go language host
// passes them all, of every namespace, as the JSON object in the
// environment variable pulumi.EnvConfig (pulumi-language-go, constructEnv),
// which is where pulumi.Run reads them; the SDK's Context offers them only
// key by key. Only keys the Context holds with the same value are kept, so
// a variable left from another run counts for nothing. Under the Pulumi
// SDK's mocks and with the Automation API's inline programs the variable
// is not set: then it returns nil.
func stackConfig(ctx *pulumi.Context) map[string]string {
	var all map[string]string
	if err := json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &all); err != nil {
		return nil
	}
	held := map[string]string{}
	for k, v := range all {
		if got, ok := ctx.GetConfig(k); ok && got == v {
			held[k] = v
		}
	}
	return held
}
