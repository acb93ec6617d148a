// Package cwlogs applies CloudWatch Logs JSON filter patterns to log events,
// so tests can check a metric filter against the lines it will see. It is a
// stand-in for CloudWatch, as small as the stack's patterns need: the
// syntax of "Filter pattern syntax for metric filters, subscription
// filters, filter log events, and Live Tail", section "Match terms in JSON
// log events" (CloudWatch Logs User Guide): { SELECTOR OPERATOR VALUE },
// selectors $.a.b, string comparisons = and != against a quoted string,
// numeric comparisons =, !=, <, >, <=, >= against a number, conditions
// joined by && and ||, grouped by parentheses. Arrays, wildcards, IS NULL,
// EXISTS and regular expressions are not modelled: a pattern using them is
// an error, never a guess.
package cwlogs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// MatchJSON reports whether the JSON log event matches pattern. An event
// that is not a JSON object matches no JSON pattern (CloudWatch skips it).
// A pattern outside the modelled syntax is an error.
func MatchJSON(pattern string, event []byte) (bool, error) {
	p := &parser{src: strings.TrimSpace(pattern)}
	if !strings.HasPrefix(p.src, "{") || !strings.HasSuffix(p.src, "}") {
		return false, fmt.Errorf("cwlogs: %q is not a JSON pattern { ... }", pattern)
	}
	p.src = p.src[1 : len(p.src)-1]
	cond, err := p.or()
	if err != nil {
		return false, err
	}
	if p.skip(); p.pos != len(p.src) {
		return false, fmt.Errorf("cwlogs: unexpected %q in %q", p.src[p.pos:], pattern)
	}
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(event)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return false, nil
	}
	return cond(doc), nil
}

type condition func(doc map[string]any) bool

type parser struct {
	src string
	pos int
}

func (p *parser) skip() {
	for p.pos < len(p.src) && unicode.IsSpace(rune(p.src[p.pos])) {
		p.pos++
	}
}

func (p *parser) eat(tok string) bool {
	p.skip()
	if strings.HasPrefix(p.src[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

// or: and ( "||" and )*
func (p *parser) or() (condition, error) {
	left, err := p.and()
	for err == nil && p.eat("||") {
		var right condition
		if right, err = p.and(); err == nil {
			l, r := left, right
			left = func(d map[string]any) bool { return l(d) || r(d) }
		}
	}
	return left, err
}

// and: term ( "&&" term )*
func (p *parser) and() (condition, error) {
	left, err := p.term()
	for err == nil && p.eat("&&") {
		var right condition
		if right, err = p.term(); err == nil {
			l, r := left, right
			left = func(d map[string]any) bool { return l(d) && r(d) }
		}
	}
	return left, err
}

// term: "(" or ")" | selector operator value
func (p *parser) term() (condition, error) {
	if p.eat("(") {
		c, err := p.or()
		if err == nil && !p.eat(")") {
			err = fmt.Errorf("cwlogs: missing ) in %q", p.src)
		}
		return c, err
	}
	if !p.eat("$.") {
		return nil, fmt.Errorf("cwlogs: want a selector $.field at %q", p.src[p.pos:])
	}
	start := p.pos
	for p.pos < len(p.src) && (p.src[p.pos] == '.' || p.src[p.pos] == '_' || unicode.IsLetter(rune(p.src[p.pos])) || unicode.IsDigit(rune(p.src[p.pos]))) {
		p.pos++
	}
	path := strings.Split(p.src[start:p.pos], ".")
	var op string
	for _, o := range []string{">=", "<=", "!=", "=", ">", "<"} {
		if p.eat(o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil, fmt.Errorf("cwlogs: want an operator after $.%s", strings.Join(path, "."))
	}
	p.skip()
	if p.pos < len(p.src) && p.src[p.pos] == '"' {
		end := strings.IndexByte(p.src[p.pos+1:], '"')
		if end < 0 || (op != "=" && op != "!=") {
			return nil, fmt.Errorf("cwlogs: a string compares with = or != only, quoted")
		}
		want := p.src[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
		return func(d map[string]any) bool {
			s, ok := lookup(d, path).(string)
			return ok && (s == want) == (op == "=")
		}, nil
	}
	start = p.pos
	for p.pos < len(p.src) && strings.ContainsRune("+-.0123456789eE", rune(p.src[p.pos])) {
		p.pos++
	}
	want, err := strconv.ParseFloat(p.src[start:p.pos], 64)
	if err != nil {
		return nil, fmt.Errorf("cwlogs: want a quoted string or a number at %q", p.src[start:])
	}
	return func(d map[string]any) bool {
		n, ok := lookup(d, path).(json.Number)
		if !ok {
			return false
		}
		got, err := n.Float64()
		return err == nil && compare(got, op, want)
	}, nil
}

func compare(got float64, op string, want float64) bool {
	switch op {
	case "=":
		return got == want
	case "!=":
		return got != want
	case ">":
		return got > want
	case "<":
		return got < want
	case ">=":
		return got >= want
	}
	return got <= want
}

// lookup follows path through nested objects; nil when it is not there.
func lookup(doc map[string]any, path []string) any {
	var v any = doc
	for _, name := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[name]
	}
	return v
}
