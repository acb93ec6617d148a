package stackconfig

import (
	"fmt"
	"strings"
)

// Error is a rejected config value. Its message names the key, what is wrong
// and a value that would be accepted.
type Error struct {
	// Key is a key of this program without the namespace ("tablePrefix"),
	// or another namespace's key in full ("aws:region").
	Key     string
	Problem string
	// Example is a good value; Hint, when set, replaces the example with a
	// whole command (for secrets and unknown keys).
	Example string
	Hint    string
}

// QualifiedKey is the key as `pulumi config` shows it.
func (e *Error) QualifiedKey() string {
	if strings.Contains(e.Key, ":") {
		return e.Key
	}
	return Namespace + ":" + e.Key
}

// Error reads "config <qualified key>: <problem> (example: pulumi config
// set <key> <example>)", or the hint in the parentheses.
func (e *Error) Error() string {
	hint := e.Hint
	if hint == "" {
		hint = "example: pulumi config set " + e.Key + " " + e.Example
	}
	return fmt.Sprintf("config %s: %s (%s)", e.QualifiedKey(), e.Problem, hint)
}
