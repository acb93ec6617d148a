package stackconfig

import (
	"fmt"
	"strconv"
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
	sshKeysTogether,
}

// warningRules find what does not stop the run, in the order the program
// logs it. They get the stack name and the values as Parse got them.
var warningRules = []func(stack string, raw map[string]string, c Config) []string{
	cutTablePrefix,
	adoptExistingHasNoEffect,
	keysOfTiersOff,
	prefixNamesOfTiersOff,
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
// unless 0 <= Min <= Desired <= Max and Desired >= 1; it names the first
// count out of order.
func nodeCounts(prefix string, n NodeCounts) []error {
	switch {
	case n.Min < 0:
		return []error{refusal(prefix+"Min", fmt.Sprintf("%d is negative", n.Min), "1")}
	case n.Desired < 1:
		return []error{refusal(prefix+"Desired", fmt.Sprintf("%d leaves the tier without nodes; at least 1 is needed", n.Desired), "1")}
	case n.Desired < n.Min:
		return []error{refusal(prefix+"Desired", fmt.Sprintf("%d is below %sMin (%d)", n.Desired, prefix, n.Min), strconv.Itoa(n.Min))}
	case n.Max < n.Desired:
		return []error{refusal(prefix+"Max", fmt.Sprintf("%d is below %sDesired (%d)", n.Max, prefix, n.Desired), strconv.Itoa(n.Desired))}
	}
	return nil
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
