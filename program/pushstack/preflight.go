package pushstack

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/program/components"
	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// Checked is a stack that passed preflight: every look-up made and every
// refusal passed, the programs of the processor tier built. Only preflight
// makes one, and only its methods register resources, so no resource can
// be registered before the checks (its fields are unexported).
type Checked struct {
	cfg      stackconfig.Config
	provider pulumi.ResourceOrInvokeOption // the explicit AWS provider (provider.go)
	target   target
	// retained is what earlier stacks of the prefix left (retained.go).
	retained     Retained
	keyParameter string   // the crypto key's SSM parameter
	bucketName   string   // the log bucket's name
	keys         []string // the crypto keys to store, newest first; nil to generate
	programs     Artifacts
	refreshes    *components.RefreshWait // the groups' after-update hooks wait with it
	apiWait      *components.APIWait     // the Messages API instance's after-create hook waits with it
}

// target is where the stack deploys, as the AWS provider reports it.
type target struct {
	account, partition, region, dnsSuffix string
	servicePrefix                         string   // the partition's reverse DNS prefix, for endpoint service names
	zones                                 []string // availability zones that need no opt-in
}

// preflight registers the explicit AWS provider (the look-ups go through
// it), then makes every look-up and refusal that needs the account: the
// deploy target, the Messages API's allowed security group, the stores an
// earlier stack left and their take-over, the crypto keys; and builds the
// processor tier's programs. Its errors name what to fix; on error nothing
// but the provider has been registered.
func preflight(ctx *pulumi.Context, cfg stackconfig.Config, r Runtime) (*Checked, error) {
	provider, err := newProvider(ctx)
	if err != nil {
		return nil, err
	}
	c := &Checked{cfg: cfg, provider: pulumi.Provider(provider)}
	if c.target, err = lookUpTarget(ctx, c.provider); err != nil {
		return nil, err
	}
	if err := cfg.CheckDeployTarget(c.target.partition, c.target.region); err != nil {
		return nil, err
	}
	if err := checkInstanceTypesOffered(ctx, cfg, c.target.region, c.provider); err != nil {
		return nil, err
	}
	if cfg.Processor && cfg.MessagesAPIAllowedSecurityGroup != "" {
		if err := checkAllowedSecurityGroup(ctx, cfg.MessagesAPIAllowedSecurityGroup, c.target.region, stackTags(ctx), c.provider); err != nil {
			return nil, err
		}
	}
	c.keyParameter = cfg.KeyParameterName()
	c.bucketName = stackconfig.LogBucketName(cfg.TablePrefix, c.target.account)
	if c.retained, err = findRetained(ctx, cfg, c.keyParameter, c.bucketName, c.provider); err != nil {
		return nil, err
	}
	if err := takeOver(cfg, ctx.Stack(), c.retained); err != nil {
		return nil, err
	}
	keys, warning, err := cryptoKeys(cfg, c.keyParameter, c.retained)
	if err != nil {
		return nil, err
	}
	c.keys = keys
	if warning != "" {
		_ = ctx.Log.Warn(warning, nil)
	}
	if cfg.Processor {
		apiArch := "amd64"
		if stackconfig.Arm64(cfg.MessagesAPIInstanceType) {
			apiArch = "arm64"
		}
		if c.programs, err = r.Build(ctx.Context(), apiArch); err != nil {
			return nil, err
		}
	}
	profile, _ := ctx.GetConfig("aws:profile")
	sdk := &sdkConfig{region: c.target.region, profile: profile}
	c.refreshes = r.RefreshWait
	if c.refreshes == nil {
		c.refreshes = &components.RefreshWait{API: sdkRefreshes{sdk}, Poll: 15 * time.Second, Timeout: components.RefreshTimeout}
	}
	c.apiWait = r.APIWait
	if c.apiWait == nil {
		c.apiWait = &components.APIWait{Logs: sdkLogs{sdk}, Poll: 10 * time.Second, Timeout: components.APIWaitTimeout}
	}
	return c, nil
}

// lookUpTarget reads the account, partition, region and availability
// zones through the provider.
func lookUpTarget(ctx *pulumi.Context, provider pulumi.InvokeOption) (target, error) {
	// Only the region's own zones: Local and Wavelength Zones need an
	// opt-in and have no Network Load Balancer or ElastiCache.
	zones, err := lookUp(ctx, "aws:index/getAvailabilityZones:getAvailabilityZones", "list availability zones", func() (*aws.GetAvailabilityZonesResult, error) {
		return aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
			State:   pulumi.StringRef("available"),
			Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
		}, provider)
	})
	if err != nil {
		return target{}, err
	}
	caller, err := lookUp(ctx, "aws:index/getCallerIdentity:getCallerIdentity", "read caller identity", func() (*aws.GetCallerIdentityResult, error) {
		return aws.GetCallerIdentity(ctx, nil, provider)
	})
	if err != nil {
		return target{}, err
	}
	partition, err := aws.GetPartition(ctx, nil, provider)
	if err != nil {
		return target{}, fmt.Errorf("read partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, provider)
	if err != nil {
		return target{}, fmt.Errorf("read region: %w", err)
	}
	return target{account: caller.AccountId, partition: partition.Partition, region: region.Name,
		dnsSuffix: partition.DnsSuffix, servicePrefix: partition.ReverseDnsPrefix, zones: zones.Names}, nil
}

// checkInstanceTypesOffered refuses an instance type of the config
// (instanceType, and messagesApiInstanceType with the processor tier) that
// EC2 does not offer in the region (DescribeInstanceTypeOfferings,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html):
// stackconfig knows only that AWS has the type somewhere.
func checkInstanceTypesOffered(ctx *pulumi.Context, cfg stackconfig.Config, region string, provider pulumi.InvokeOption) error {
	keys := map[string]string{"instanceType": cfg.InstanceType}
	if cfg.Processor {
		keys["messagesApiInstanceType"] = cfg.MessagesAPIInstanceType
	}
	var types []string
	for _, t := range keys {
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	offerings, err := lookUp(ctx, "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings", "list the instance types offered in "+region,
		func() (*ec2.GetInstanceTypeOfferingsResult, error) {
			return ec2.GetInstanceTypeOfferings(ctx, &ec2.GetInstanceTypeOfferingsArgs{
				Filters:      []ec2.GetInstanceTypeOfferingsFilter{{Name: "instance-type", Values: types}},
				LocationType: pulumi.StringRef("region"),
			}, provider)
		})
	if err != nil {
		return err
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		if t := keys[key]; !slices.Contains(offerings.InstanceTypes, t) {
			errs = append(errs, &stackconfig.Error{Key: key,
				Problem: fmt.Sprintf("%s is an EC2 instance type, but EC2 does not offer it in %s", t, region),
				Hint: fmt.Sprintf("pick one it offers; list them with: aws ec2 describe-instance-type-offerings --region %s --filters Name=instance-type,Values=%s.*",
					region, strings.SplitN(t, ".", 2)[0])})
		}
	}
	return errors.Join(errs...)
}
