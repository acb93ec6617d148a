package fakeaws

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// randomDigits is how many random hex digits pulumi-aws appends to the
// logical name of a resource the program leaves unnamed (its
// tfbridge.AutoName with a "-" separator and Randlen 7).
const randomDigits = 7

// SeedDigits are the random digits the bridged provider draws for a
// resource's name from the random seed the engine passes to Check: the
// SDK's resource.NewUniqueName, which pulumi-terraform-bridge's
// ComputeAutoNameDefault calls with that seed. The same seed gives the
// same digits, as the engine relies on.
func SeedDigits(seed []byte) (string, error) {
	return resource.NewUniqueName(seed, "", randomDigits, 0, nil)
}

// HashDigits are random-looking digits that depend only on text: the
// offline plan's stand-in for the engine's seed, so two runs of a plan
// agree (the first seven hex digits of its SHA-256).
func HashDigits(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])[:randomDigits]
}

// RandomDigits are fresh random digits: every creation in the engine tests
// gets its own, as AWS makes every ID anew.
func RandomDigits() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:randomDigits]
}

// autoName is the name pulumi-aws gives a resource of logical name logical
// whose name the program leaves out: the logical name, "-", and digits.
// Whether it may be longer than max (when max > 0) is decided by
// resource.NewUniqueName itself, whose error the provider reports.
func autoName(logical string, max int, digits string) (string, error) {
	if _, err := resource.NewUniqueName(nil, logical+"-", len(digits), max, nil); err != nil {
		return "", err
	}
	return logical + "-" + digits, nil
}
