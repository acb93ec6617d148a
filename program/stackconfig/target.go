package stackconfig

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// CheckDeployTarget checks what depends on where the stack really deploys,
// which only the AWS provider knows at run time (aws:region may be unset
// and come from AWS_REGION or the profile): certificateArn must be of the
// partition ("aws", "aws-cn") and region of the deployment. It returns a
// *Error or nil.
func (c Config) CheckDeployTarget(partition, region string) error {
	// Through a variable of type *Error, nil would be a non-nil error.
	if err := certificateTarget(c.CertificateArn, partition, region, "the AWS provider"); err != nil {
		return err
	}
	return nil
}

// certificateTarget refuses a certificate ARN of another partition or
// region than the deployment's ("" skips a check): a load balancer takes
// ACM certificates of its own region only.
func certificateTarget(arn, partition, region, source string) *Error {
	if !certificateArnRe.MatchString(arn) {
		return nil // refused elsewhere, or not set
	}
	parts := strings.Split(arn, ":")
	example := fmt.Sprintf("arn:%s:acm:%s:<account>:certificate/<id>", or(partition, parts[1]), or(region, parts[3]))
	switch {
	case partition != "" && parts[1] != partition:
		return &Error{Key: "certificateArn", Example: example,
			Problem: fmt.Sprintf("is in the partition %s, but the stack deploys to %s (from %s)", parts[1], partition, source)}
	case region != "" && parts[3] != region:
		return &Error{Key: "certificateArn", Example: example,
			Problem: fmt.Sprintf("is in %s, but the stack deploys to %s (from %s); a load balancer takes certificates of its own region", parts[3], region, source)}
	}
	return nil
}

func or(v, otherwise string) string {
	if v != "" {
		return v
	}
	return otherwise
}

var regionRe = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]+$`)

// regionProblem returns a *Error when region, set and not "", is not one
// of AWS's Regions (a dated list: a newer region goes into its file
// first), with the nearest names, else nil.
func regionProblem(region string) *Error {
	if region == "" || slices.Contains(regionNames(), region) {
		return nil
	}
	near := nearest(region, regionNames(), 2)
	example := or(first(near), "us-east-1")
	if !regionRe.MatchString(strings.ToLower(region)) {
		return &Error{Key: "aws:region", Problem: fmt.Sprintf("%q is not an AWS region name;%s", region, or(didYouMean(near), " names read like us-east-1")), Example: example}
	}
	return &Error{Key: "aws:region", Example: example,
		Problem: fmt.Sprintf("%q is not an AWS Region: AWS's list %s has no such region;%s",
			region, regionsList.cite(), or(didYouMean(near), " a region AWS opened since goes into that file first"))}
}

// RegionProblem is what is wrong with a region an operator command is
// given (as regionProblem, without the config key), or "".
func RegionProblem(region string) string {
	if err := regionProblem(region); err != nil {
		return err.Problem
	}
	return ""
}
