package deploypolicy

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// reference is testdata/service-authorization.txt: the Service
// Authorization Reference's actions and resource types of the services
// the policy uses.
type reference struct {
	pages     map[string]string // service prefix -> page URL
	actions   map[string]refAction
	resources map[string][]string // "<prefix> <resource type>" -> ARN forms
}

// refAction is one action of the reference.
type refAction struct {
	resourceTypes []string // without the "*" of required ones
	conditions    []string // its iam: condition keys
	dependent     []string
}

func readReference(t *testing.T) reference {
	t.Helper()
	f, err := os.Open("testdata/service-authorization.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ref := reference{pages: map[string]string{}, actions: map[string]refAction{}, resources: map[string][]string{}}
	scan := bufio.NewScanner(f)
	scan.Buffer(nil, 1<<20)
	for scan.Scan() {
		line := scan.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		switch fields[0] {
		case "page":
			ref.pages[fields[1]] = fields[2]
		case "resource":
			key := fields[1] + " " + fields[2]
			ref.resources[key] = append(ref.resources[key], fields[3])
		case "action":
			var a refAction
			list := &a.resourceTypes
			for _, f := range fields[2:] {
				switch f {
				case "|":
					list = &a.conditions
				case ">":
					list = &a.dependent
				default:
					*list = append(*list, strings.TrimSuffix(f, "*"))
				}
			}
			ref.actions[fields[1]] = a
		default:
			t.Fatalf("service-authorization.txt: a line of unknown kind: %q", line)
		}
	}
	if err := scan.Err(); err != nil {
		t.Fatal(err)
	}
	return ref
}

// arnForms are the ARN forms of the resource types action accepts.
func (r reference) arnForms(action string) []string {
	prefix, _, _ := strings.Cut(action, ":")
	var forms []string
	for _, rt := range r.actions[action].resourceTypes {
		forms = append(forms, r.resources[prefix+" "+rt]...)
	}
	return forms
}

var placeholder = regexp.MustCompile(`\$\{[^}]*\}`)

// arnParts splits an ARN (or pattern) into its partition, service,
// region, account and resource, which IAM matches each on its own: a
// wildcard does not reach across them.
func arnParts(arn string) []string {
	parts := strings.SplitN(arn, ":", 6)
	for len(parts) < 6 {
		parts = append(parts, "")
	}
	return parts[1:]
}

// globIntersect reports whether some ARN matches both patterns: a and b
// with "*" for any run of characters and "?" for one ("${...}" of a
// reference form is any run too), part by part.
func globIntersect(a, b string) bool {
	a = strings.ReplaceAll(a, AccountVariable, "000000000000")
	pa, pb := arnParts(placeholder.ReplaceAllString(a, "*")), arnParts(placeholder.ReplaceAllString(b, "*"))
	for i := range pa {
		if !partIntersect(pa[i], pb[i]) {
			return false
		}
	}
	return true
}

// partIntersect is globIntersect of one part.
func partIntersect(a, b string) bool {
	memo := map[[2]int]bool{}
	seen := map[[2]int]bool{}
	var match func(i, j int) bool
	match = func(i, j int) bool {
		k := [2]int{i, j}
		if seen[k] {
			return memo[k]
		}
		seen[k] = true
		var ok bool
		switch {
		case i == len(a) && j == len(b):
			ok = true
		case i < len(a) && a[i] == '*':
			ok = match(i+1, j) || (j < len(b) && match(i, j+1))
		case j < len(b) && b[j] == '*':
			ok = match(i, j+1) || (i < len(a) && match(i+1, j))
		case i < len(a) && j < len(b):
			ok = (a[i] == b[j] || a[i] == '?' || b[j] == '?') && match(i+1, j+1)
		}
		memo[k] = ok
		return ok
	}
	return match(0, 0)
}

// globMatch reports whether the IAM resource pattern matches arn, as IAM
// matches it ("*": any run, "?": one character), part by part.
func globMatch(pattern, arn string) bool {
	pp, pa := arnParts(pattern), arnParts(arn)
	for i := range pp {
		re := regexp.QuoteMeta(pp[i])
		re = strings.ReplaceAll(re, `\*`, `.*`)
		re = strings.ReplaceAll(re, `\?`, `.`)
		if !regexp.MustCompile("^" + re + "$").MatchString(pa[i]) {
			return false
		}
	}
	return true
}

func TestGlobs(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"arn:aws:s3:::bucket", "arn:${Partition}:s3:::${BucketName}", true},
		{"arn:aws:s3:::bucket", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", false},
		{"arn:aws:s3:::bucket/artifacts/*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", true},
		{"arn:aws:ec2:us-east-1:1:*", "arn:${Partition}:ec2:${Region}:${Account}:vpc/${VpcId}", true},
		{"arn:aws:ec2:us-east-1:1:*", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", false},
		{"arn:aws:iam::1:role/push-node-???????", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", true},
		{"arn:aws:iam::1:role/push-node-???????", "arn:${Partition}:iam::${Account}:instance-profile/${Name}", false},
		{"arn:aws:ec2:us-east-1::image/*", "arn:${Partition}:ec2:${Region}::image/${ImageId}", true},
		{"arn:aws:ec2:us-east-1:1:*", "arn:${Partition}:ec2:${Region}::image/${ImageId}", false},
	} {
		if got := globIntersect(c.a, c.b); got != c.want {
			t.Errorf("globIntersect(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if !globMatch("arn:aws:iam::1:role/push-node-???????", "arn:aws:iam::1:role/push-node-2ae54fb") {
		t.Error("? matches one character each")
	}
	if globMatch("arn:aws:iam::1:role/push-node-???????", "arn:aws:iam::1:role/push-node-2ae54fb0") {
		t.Error("seven ? match seven characters only")
	}
	if globMatch("arn:aws:ec2:*", "arn:aws:ec2:us-east-1:1:vpc/x") {
		t.Error("a wildcard does not reach across an ARN's parts")
	}
}
