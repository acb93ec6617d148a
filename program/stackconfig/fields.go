package stackconfig

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// field is how one key's value is read into Config: its Pulumi.yaml type
// and its rule.
type field struct {
	// typ is the Pulumi.yaml type: "boolean", "integer", "string" or
	// "array" (of strings).
	typ string
	// read stores v in c and returns what is wrong with it, each problem
	// without the key (Parse adds it). A refused boolean, number or list
	// leaves c as it was, holding the default.
	read func(c *Config, v string) []string
}

// boolean reads "true" or "false" (strconv.ParseBool) into *to(c); with to
// nil the value is checked and kept nowhere.
func boolean(to func(*Config) *bool) field {
	return field{typ: "boolean", read: func(c *Config, v string) []string {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return []string{fmt.Sprintf("%q is not a boolean (true or false)", v)}
		}
		if to != nil {
			*to(c) = b
		}
		return nil
	}}
}

// nodeCount reads a node count up to MaxNodes. A negative count is refused
// with the group's other counts (nodeCounts).
func nodeCount(to func(*Config) *int) field {
	return field{typ: "integer", read: func(c *Config, v string) []string {
		n, err := strconv.Atoi(v)
		if err != nil || n > MaxNodes {
			return []string{fmt.Sprintf("%q is not a whole number from 0 to %d", v, MaxNodes)}
		}
		*to(c) = n
		return nil
	}}
}

// bounded reads a whole number from low to high; unit names it in the
// message.
func bounded(to func(*Config) *int, low, high int, unit string) field {
	return field{typ: "integer", read: func(c *Config, v string) []string {
		n, err := strconv.Atoi(v)
		if err != nil || n < low || n > high {
			return []string{fmt.Sprintf("%q is not a whole number of %s from %d to %d", v, unit, low, high)}
		}
		*to(c) = n
		return nil
	}}
}

// retentionDays reads a log retention in days, one of LogRetentionValues.
func retentionDays(to func(*Config) *int) field {
	return field{typ: "integer", read: func(c *Config, v string) []string {
		n, err := strconv.Atoi(v)
		if err != nil || !slices.Contains(LogRetentionValues, n) {
			values := make([]string, len(LogRetentionValues))
			for i, d := range LogRetentionValues {
				values[i] = strconv.Itoa(d)
			}
			return []string{fmt.Sprintf("%q is not a retention CloudWatch Logs accepts (days: %s)", v, strings.Join(values, ", "))}
		}
		*to(c) = n
		return nil
	}}
}

// text stores a string as it is, and checks it with rule (a value rule of
// values.go: "" for a good value, else the problem). A refused string is
// kept, so that the cross-key checks see the key as set.
func text(to func(*Config) *string, rule func(string) string) field {
	return field{typ: "string", read: func(c *Config, v string) []string {
		*to(c) = v
		if problem := rule(v); problem != "" {
			return []string{problem}
		}
		return nil
	}}
}

// optional is rule, but "" (not set) passes.
func optional(rule func(string) string) func(string) string {
	return func(v string) string {
		if v == UnsetString {
			return ""
		}
		return rule(v)
	}
}

// allowedCIDRs reads a JSON list of IPv4 CIDR blocks, as Pulumi passes an
// array config value, that may reach the Messages API: distinct, none
// wider than /8, and as many as its security group takes.
func allowedCIDRs(to func(*Config) *[]string) field {
	return field{typ: "array", read: func(c *Config, v string) []string {
		var list []string
		if err := json.Unmarshal([]byte(v), &list); err != nil {
			return []string{fmt.Sprintf("%q is not a list of CIDR blocks", v)}
		}
		*to(c) = list
		var problems []string
		seen := map[string]int{}
		for i, cidr := range list {
			prefix, err := netip.ParsePrefix(cidr)
			j, dup := seen[cidr]
			seen[cidr] = i
			switch {
			case dup:
				problems = append(problems, fmt.Sprintf("item %d, %q, repeats item %d", i, cidr, j))
			case err != nil || !prefix.Addr().Is4():
				problems = append(problems, fmt.Sprintf("item %d, %q, is not an IPv4 CIDR block", i, cidr))
			case prefix.Masked() != prefix:
				problems = append(problems, fmt.Sprintf("item %d, %q, has host bits set; the block is %s", i, cidr, prefix.Masked()))
			case prefix.Bits() < 8:
				problems = append(problems, fmt.Sprintf("item %d, %q, opens the internal API to a large part of the internet (at least /8)", i, cidr))
			case !private(prefix):
				problems = append(problems, fmt.Sprintf("item %d, %q, is not a private block (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10): "+
					"the Messages API speaks plain HTTP and carries proofs, so it stays internal; from outside, use the tunnel (pulumi stack output dashboardTunnel)", i, cidr))
			}
		}
		// The group also takes messagesApiAllowedSecurityGroup's rule, so the
		// limit is one fewer than AWS's. A quota raise is not visible here.
		if limit := MaxSecurityGroupInboundRules - 1; len(list) > limit {
			problems = append(problems, fmt.Sprintf(
				"has %d blocks; the Messages API's security group takes at most %d (AWS's default quota of %d inbound rules per security group, one kept for messagesApiAllowedSecurityGroup); allow a larger block instead",
				len(list), limit, MaxSecurityGroupInboundRules))
		}
		return problems
	}}
}

// privateBlocks are the IPv4 blocks no internet host has: RFC 1918's and
// RFC 6598's shared address space (carrier-grade NAT, some VPNs).
var privateBlocks = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("100.64.0.0/10")}

// private reports whether block lies inside one of privateBlocks.
func private(block netip.Prefix) bool {
	for _, p := range privateBlocks {
		if p.Bits() <= block.Bits() && p.Contains(block.Addr()) {
			return true
		}
	}
	return false
}

// fernetKeys reads a JSON list of Fernet keys; its problems never repeat a
// key.
func fernetKeys(to func(*Config) *[]string) field {
	return field{typ: "array", read: func(c *Config, v string) []string {
		var list []string
		if err := json.Unmarshal([]byte(v), &list); err != nil {
			return []string{"is not a list of Fernet keys"}
		}
		*to(c) = list
		var problems []string
		for i, k := range list {
			if problem := validFernetKey(k); problem != "" {
				problems = append(problems, fmt.Sprintf("item %d %s", i, problem))
			}
		}
		return problems
	}}
}
