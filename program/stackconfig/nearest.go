package stackconfig

import (
	"fmt"
	"slices"
	"strings"
)

// maxSuggestions is how many names a "did you mean" offers at most.
const maxSuggestions = 3

// nearest returns the names closest to v (case ignored) within maxEdits
// edits (Levenshtein distance), closest first, then in the order of names:
// at most maxSuggestions, or only the name v is in other case.
func nearest(v string, names []string, maxEdits int) []string {
	type candidate struct {
		name  string
		edits int
	}
	v = strings.ToLower(v)
	var found []candidate
	for _, name := range names {
		if d := editDistance(v, strings.ToLower(name)); d <= maxEdits {
			found = append(found, candidate{name, d})
		}
	}
	slices.SortStableFunc(found, func(a, b candidate) int { return a.edits - b.edits })
	if len(found) > 0 && found[0].edits == 0 {
		found = found[:1] // the name in other case
	}
	var out []string
	for _, c := range found {
		if len(out) == maxSuggestions {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// didYouMean is " did you mean a, b or c?", or "" for no names.
func didYouMean(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(" did you mean %s?", names[0])
	}
	return fmt.Sprintf(" did you mean %s or %s?", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
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
