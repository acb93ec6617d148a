package stackconfig

import (
	"fmt"
	"strings"
)

// autopush takes as its message table the alphabetically last table whose
// name starts with the configured message table name (reference
// autopush.md, "Runtime behaviour": autopush/db.py), and a node of this
// stack refuses to start while another table's name starts with
// <prefix>_message (README, "What the stack creates"). Two stacks in one
// account and region collide when one's message table name starts
// another's table name. The rules below find the prefixes that make such a
// collision with a stack whose prefix a user could well pick.

// messageTablesOfOtherStacks warns of a tablePrefix whose tables another
// plausible stack's nodes would take for their message table, or whose
// message table name starts a table of another plausible stack:
//
//   - the prefix holds "_message" after a prefix Q ("push_message" after
//     "push"): every table of this stack starts with Q_message, the message
//     table name of a stack whose prefix is Q, so that stack's nodes stop;
//   - the prefix ends in "_push" after a prefix Q ("prod_push"): this
//     stack's message table name, Q_push_message, starts Q_push_messages,
//     the push messages table of a stack whose prefix is Q with
//     processor=true, so this stack's nodes stop.
func messageTablesOfOtherStacks(_ string, _ map[string]string, c Config) []string {
	p := c.TablePrefix
	if validTablePrefix(p) != "" {
		return nil
	}
	var warnings []string
	for k := strings.Index(p, "_message"); k > 0; {
		if other := p[:k]; validTablePrefix(other) == "" {
			warnings = append(warnings, fmt.Sprintf(
				"%s:tablePrefix %q gives table names (%s, %s) that start with %q, the message table name of %s: autopush takes the alphabetically last table whose name starts with its message table name, so in the same account and region that stack's nodes refuse to start while this stack's tables exist; if such a stack may share them, pick another prefix: pulumi config set tablePrefix %s",
				Namespace, p, c.RouterTableName(), c.MessageTableName(), other+"_message", stackWithPrefix(other), collisionFreePrefix(strings.ReplaceAll(p, "_message", "-message"))))
		}
		next := strings.Index(p[k+1:], "_message")
		if next < 0 {
			break
		}
		k += 1 + next
	}
	if other, ok := strings.CutSuffix(p, "_push"); ok && validTablePrefix(other) == "" {
		warnings = append(warnings, fmt.Sprintf(
			"%s:tablePrefix %q gives the message table name %q, which starts %q, the push messages table of %s with processor=true: autopush takes the alphabetically last table whose name starts with its message table name, so in the same account and region this stack's nodes refuse to start while that table exists; if such a stack may share them, pick another prefix: pulumi config set tablePrefix %s",
			Namespace, p, c.MessageTableName(), Config{TablePrefix: other}.MessagesTableName(), stackWithPrefix(other), collisionFreePrefix(other+"-push")))
	}
	return warnings
}

// stackWithPrefix names the stack that has prefix: "a stack whose
// tablePrefix is "push"", and for a prefix DefaultTablePrefix makes, the
// stack that gets it without setting one.
func stackWithPrefix(prefix string) string {
	name := fmt.Sprintf("a stack whose tablePrefix is %q", prefix)
	if stack, ok := strings.CutPrefix(prefix, "push-"); ok && stack != "" && DefaultTablePrefix(stack) == prefix {
		name += fmt.Sprintf(" (the default of stack %q)", stack)
	}
	return name
}

// collisionFreePrefix is example when it is a good prefix these rules do
// not warn of, else "push_prod".
func collisionFreePrefix(example string) string {
	c := Config{TablePrefix: example}
	if validTablePrefix(example) != "" || len(messageTablesOfOtherStacks("", nil, c)) > 0 {
		return "push_prod"
	}
	return example
}
