package stackconfig

import (
	"fmt"
	"strconv"
	"strings"
)

// crossKeyChecks are the rules that read more than one key, in the order
// their problems are reported. They run after every key was read: a refused
// boolean, number or list holds its default there, a refused string its
// value (so the key counts as set). Each returns *Error values.
var crossKeyChecks = []func(Config) []error{
	connectionNodeCounts,
	endpointNodeCounts,
	tlsKeysTogether,
	rotationKeys,
	prefixNames,
	imageRunsOnInstanceType,
	tagOfTheDefaultImage,
	sshKeysTogether,
}

// warningRules find what does not stop the run, in the order the program
// logs it. They get the stack name and the values as Parse got them.
var warningRules = []func(stack string, raw map[string]string, c Config) []string{
	cutTablePrefix,
	messageTablesOfOtherStacks,
	adoptExistingHasNoEffect,
	keysOfTiersOff,
	prefixNamesOfTiersOff,
}

// PlainPushServerWarning is said by every plan and `pulumi up` of a stack
// without TLS: Firefox takes a push server only over wss:// (a ws:// one
// only with the testing pref dom.push.testing.allowInsecureServerURL;
// testing/browsertest), so such a stack is for tests and the smoke
// command, not for browsers.
const PlainPushServerWarning = "no domainName: the push service speaks plain ws:// and http://, which Firefox refuses for push " +
	"(it needs wss://): fine for testing and go run ./cmd/smoke, not for browsers; for real use set domainName " +
	"with hostedZoneId (the stack requests the certificate) or certificateArn (pulumi config set domainName push.example.com)"

// plainPushServer is PlainPushServerWarning for a stack without TLS.
func plainPushServer(c Config) []string {
	if c.TLS() {
		return nil
	}
	return []string{PlainPushServerWarning}
}

// refusal is a problem with key whose message offers example.
func refusal(key, problem, example string) *Error {
	return &Error{Key: key, Problem: problem, Example: example}
}

// processorImpliesFirehose turns the Firehose tier on with the processor,
// which reads the Firehose log objects.
func processorImpliesFirehose(c *Config) {
	if c.Processor {
		c.Firehose = true
	}
}

func connectionNodeCounts(c Config) []error { return nodeCounts("connectionNodes", c.ConnectionNodes) }
func endpointNodeCounts(c Config) []error   { return nodeCounts("endpointNodes", c.EndpointNodes) }

// nodeCounts refuses counts of one group (keys <prefix>Min, Desired, Max)
// unless 0 <= Min <= Desired <= Max and Desired >= 1. It names every count
// out of order at once, each with the value that, with the others' named
// values, gives a valid group: Min at least 0, Desired at least Min and 1,
// Max at least Desired.
func nodeCounts(prefix string, n NodeCounts) []error {
	minimum := max(n.Min, 0)
	desired := max(n.Desired, minimum, 1)
	maximum := max(n.Max, desired)
	var errs []error
	if n.Min < 0 {
		errs = append(errs, refusal(prefix+"Min", fmt.Sprintf("%d is negative", n.Min), strconv.Itoa(minimum)))
	}
	switch {
	case n.Desired < 1:
		errs = append(errs, refusal(prefix+"Desired", fmt.Sprintf("%d leaves the tier without nodes; at least 1 is needed", n.Desired), strconv.Itoa(desired)))
	case n.Desired < n.Min:
		errs = append(errs, refusal(prefix+"Desired", fmt.Sprintf("%d is below %sMin (%d)", n.Desired, prefix, n.Min), strconv.Itoa(desired)))
	}
	switch {
	case n.Max < n.Desired && n.Desired >= n.Min:
		errs = append(errs, refusal(prefix+"Max", fmt.Sprintf("%d is below %sDesired (%d)", n.Max, prefix, n.Desired), strconv.Itoa(maximum)))
	case n.Max < n.Min:
		errs = append(errs, refusal(prefix+"Max", fmt.Sprintf("%d is below %sMin (%d)", n.Max, prefix, n.Min), strconv.Itoa(maximum)))
	case n.Max < maximum:
		errs = append(errs, refusal(prefix+"Max", fmt.Sprintf("%d is below %d, the least %sDesired can be", n.Max, maximum, prefix), strconv.Itoa(maximum)))
	}
	return errs
}

// tagOfTheDefaultImage refuses "latest", and a tag with a leading "v", for
// DefaultAutopushImage: its tags are plain version numbers (reference
// autopush.md: the last release is 1.58.4; the seed pins 1.14.2), so the
// nodes could not pull the image, and `pulumi up` would wait for healthy
// nodes until the groups' capacity timeout.
func tagOfTheDefaultImage(c Config) []error {
	if strings.EqualFold(c.AutopushVersion, "latest") {
		// A moving tag: nodes started on different days would run
		// different servers, and no up would notice a new release.
		return []error{refusal("autopushVersion", fmt.Sprintf(
			"%q moves with each release: nodes started at different times would run different servers, and pulumi up would not roll them when it moves; pin a release (the last of %s is %s)",
			c.AutopushVersion, DefaultAutopushImage, DefaultAutopushVersion), DefaultAutopushVersion)}
	}
	bare := strings.TrimLeft(c.AutopushVersion, "vV")
	if c.AutopushImage != DefaultAutopushImage || bare == c.AutopushVersion || validTag(bare) != "" || bare == "" {
		return nil
	}
	return []error{refusal("autopushVersion", fmt.Sprintf(
		"%q starts with %q, but the tags of %s have none (its last release is tagged %s): the nodes could not pull the image, and `pulumi up` would wait for healthy nodes until it times out; write the tag without it",
		c.AutopushVersion, c.AutopushVersion[:len(c.AutopushVersion)-len(bare)], DefaultAutopushImage, DefaultAutopushVersion), bare)}
}

// takeOverFromItself refuses takeOverFrom naming the stack itself: it
// names a destroyed stack whose stores this one takes over, and a stack
// finds its own stores without it.
func takeOverFromItself(stack string, c Config) []error {
	if c.TakeOverFrom == "" || c.TakeOverFrom != stack {
		return nil
	}
	return []error{&Error{Key: "takeOverFrom", Problem: fmt.Sprintf(
		"names this stack, %s; it names another, destroyed stack whose retained tables, key and bucket (under this tablePrefix) this stack takes over, and a stack keeps its own without it", stack),
		Hint: "remove it: pulumi config rm takeOverFrom"}}
}

// tlsKeysTogether: domainName goes with certificateArn or hostedZoneId, and
// each of those with domainName.
func tlsKeysTogether(c Config) []error {
	switch {
	case c.CertificateArn != "" && c.DomainName == "":
		return []error{refusal("domainName", "must be set with certificateArn: the servers put it into the endpoint URLs they hand out", "push.example.com")}
	case c.HostedZoneID != "" && c.DomainName == "":
		return []error{refusal("domainName", "must be set with hostedZoneId: it names the record to create", "push.example.com")}
	case c.DomainName != "" && c.CertificateArn == "" && c.HostedZoneID == "":
		return []error{refusal("hostedZoneId", "must be set with domainName unless certificateArn is: TLS needs a certificate, and the stack can only request and validate one in a hosted zone", "Z0123456789ABCDEFGHIJ")}
	}
	return nil
}

// rotationKeys: previousCryptoKeys needs cryptoKey, and no key appears
// twice. Messages never repeat a key.
func rotationKeys(c Config) []error {
	var errs []error
	if len(c.PreviousCryptoKeys) > 0 && c.CryptoKey == "" {
		errs = append(errs, &Error{Key: "previousCryptoKeys", Problem: "needs cryptoKey: a rotation names the new key and keeps the old ones",
			Hint: "set the current key with: pulumi config set --secret cryptoKey <44-character key>"})
	}
	seen := map[string]int{}
	for i, k := range c.PreviousCryptoKeys {
		if k == c.CryptoKey {
			errs = append(errs, &Error{Key: "previousCryptoKeys", Problem: fmt.Sprintf("item %d repeats cryptoKey", i), Hint: previousKeysHint})
		}
		if j, dup := seen[k]; dup {
			errs = append(errs, &Error{Key: "previousCryptoKeys", Problem: fmt.Sprintf("item %d repeats item %d", i, j), Hint: previousKeysHint})
		}
		seen[k] = i
	}
	return errs
}

// imageRunsOnInstanceType refuses an instance type the image cannot run on,
// and an architecture the default image is not built for. A value its own
// key's rule refuses is not checked again here.
func imageRunsOnInstanceType(c Config) []error {
	arch := c.AutopushImageArchitecture
	if validInstanceType(c.InstanceType) != "" || validArchitecture(arch) != "" {
		return nil
	}
	switch {
	case c.AutopushImage == DefaultAutopushImage && arch != DefaultAutopushImageArchitecture:
		return []error{refusal("autopushImageArchitecture", fmt.Sprintf("is %s, but %s is built for amd64 only; set it only with your own image (autopushImage)", arch, DefaultAutopushImage), DefaultAutopushImageArchitecture)}
	case c.Arm64() && arch == "amd64":
		image := "the image " + c.AutopushImage
		if c.AutopushImage == DefaultAutopushImage {
			image = DefaultAutopushImage + ", built for amd64 only,"
		}
		return []error{refusal("instanceType", fmt.Sprintf("%s is a Graviton (arm64) type and %s cannot run there; with your own arm64 or multi-arch image, set autopushImage and autopushImageArchitecture", c.InstanceType, image), DefaultInstanceType)}
	case !c.Arm64() && arch == "arm64":
		return []error{refusal("instanceType", fmt.Sprintf("%s is an x86 type and the image is arm64 (autopushImageArchitecture); pick a Graviton type", c.InstanceType), "t4g.small")}
	}
	return nil
}

// sshKeysTogether: SSH needs both sshKeyName and sshAllowedCidr.
func sshKeysTogether(c Config) []error {
	switch {
	case c.SSHKeyName != "" && c.SSHAllowedCIDR == "":
		return []error{refusal("sshAllowedCidr", "must be set when sshKeyName is set (SSH needs both)", "203.0.113.0/24")}
	case c.SSHKeyName == "" && c.SSHAllowedCIDR != "":
		return []error{refusal("sshKeyName", "must be set when sshAllowedCidr is set (SSH needs both)", "my-key")}
	}
	return nil
}

// cutTablePrefix warns when tablePrefix is not set and the stack name had
// to be cut to make it: stacks whose names start alike would share stores.
func cutTablePrefix(stack string, raw map[string]string, c Config) []string {
	if _, set := raw["tablePrefix"]; set || len(DefaultTablePrefix(stack)) >= len("push-"+stack) {
		return nil
	}
	return []string{fmt.Sprintf("%s:tablePrefix is not set, so it is %q, from the stack name cut to %d characters: another stack whose name starts alike would get the same tables, key and bucket; set it: pulumi config set tablePrefix <prefix>",
		Namespace, c.TablePrefix, MaxTablePrefixLength)}
}

// adoptExistingHasNoEffect warns of adoptExisting=true, the switch of the
// release before take-over was automatic.
func adoptExistingHasNoEffect(_ string, raw map[string]string, _ Config) []string {
	// A value that is no boolean was refused by the key's own rule.
	if adopt, err := strconv.ParseBool(raw["adoptExisting"]); err != nil || !adopt {
		return nil
	}
	return []string{Namespace + ":adoptExisting is no longer needed and has no effect: every stack takes over the tables, key parameter and log bucket its tablePrefix names, when they exist (a destroyed stack's with takeOverFrom; remove it: pulumi config rm adoptExisting)"}
}

// keysOfTiersOff warns of each key of a tier that is off (keySpec.tier),
// set to another value than its default: the engine passes Pulumi.yaml's
// default of a key not set, so only another value counts as set.
func keysOfTiersOff(_ string, raw map[string]string, c Config) []string {
	var warnings []string
	for _, k := range keyTable {
		if v, set := raw[k.name]; set && v != k.def && !c.enabled(k.tier) {
			on := tierKey[k.tier]
			warnings = append(warnings, fmt.Sprintf("%s:%s has no effect without %s=true (set %s, or remove it: pulumi config rm %s)",
				Namespace, k.name, on, on, k.name))
		}
	}
	return warnings
}

// warnings runs warningRules.
func warnings(stack string, raw map[string]string, c Config) []string {
	var all []string
	for _, rule := range warningRules {
		all = append(all, rule(stack, raw, c)...)
	}
	return all
}

// SetKeyWarnings are the warnings only the keys a stack sets itself show
// (set: its keys of this namespace, bare, as in its stack file and
// `pulumi config set`), not the program: the engine hands the program
// Pulumi.yaml's default of every key the stack leaves out
// (pkg/workspace/config.go, mergeConfig), so the program cannot tell
// firehose=false set from firehose left out. The offline plan reads the
// stack file and warns of them.
func SetKeyWarnings(set map[string]string) []string {
	processor, errP := strconv.ParseBool(set["processor"])
	firehose, errF := strconv.ParseBool(set["firehose"])
	if errP != nil || errF != nil || !processor || firehose {
		return nil
	}
	return []string{Namespace + ":processor needs firehose; firehose is on: remove firehose=false (pulumi config rm firehose) or set it true (pulumi config set firehose true)"}
}
