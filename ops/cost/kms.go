package cost

import (
	"fmt"
	"strings"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// kmsDefaultRotationDays is the rotation period, in days, of a key with
// automatic rotation on and no rotationPeriodInDays: AWS KMS rotates the
// key material about 365 days after rotation is enabled and every year
// thereafter (AWS KMS API Reference, EnableKeyRotation,
// https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html).
const kmsDefaultRotationDays = 365

// kmsKey prices a KMS key. A key with automatic rotation costs more after
// its first rotations: each of the first KMSChargedRotations rotations
// adds KMSRotationMonthly, later ones nothing (AWS KMS pricing,
// https://aws.amazon.com/kms/pricing/; the cap since April 2024, AWS
// Security Blog, "The curious case of faster AWS KMS symmetric key
// rotation"). The estimate is of a new stack, so the line is the price
// until the first rotation, and its item says when and to what it rises
// (for the default period: $2 a month after a year, $3 after two). One
// line per key, not one per year: a total that changes with the stack's
// age would not be the stack's cost now.
func (c *pricer) kmsKey(r plan.Resource) {
	key := c.prices.KMSKeyMonthly
	if !boolean(r.Inputs, "enableKeyRotation") {
		c.add(r, "KMS key (no automatic rotation)", key)
		return
	}
	days := int(num(r.Inputs, "rotationPeriodInDays"))
	if days == 0 {
		days = kmsDefaultRotationDays
	}
	steps := make([]string, 0, c.prices.KMSChargedRotations)
	for i := 1; i <= c.prices.KMSChargedRotations; i++ {
		steps = append(steps, fmt.Sprintf("$%.2f/month from day %d", key+float64(i)*c.prices.KMSRotationMonthly, i*days))
	}
	c.add(r, fmt.Sprintf("KMS key, its first %d days (automatic rotation: %s on)", days, strings.Join(steps, ", ")), key)
}
