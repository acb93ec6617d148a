package pushstack

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// offeringsAccount answers DescribeInstanceTypeOfferings with the types
// it offers among those asked for, and records what was asked.
type offeringsAccount struct {
	offered []string
	asked   []resource.PropertyMap
}

func (a *offeringsAccount) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return args.Name + "-id", args.Inputs, nil
}

func (a *offeringsAccount) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token != "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings" {
		return nil, fmt.Errorf("unexpected look-up %s", args.Token)
	}
	a.asked = append(a.asked, args.Args)
	var types []interface{}
	for _, f := range args.Args["filters"].ArrayValue() {
		for _, v := range f.ObjectValue()["values"].ArrayValue() {
			for _, o := range a.offered {
				if o == v.StringValue() {
					types = append(types, o)
				}
			}
		}
	}
	return resource.NewPropertyMapFromMap(map[string]interface{}{"id": "eu-south-2", "instanceTypes": types}), nil
}

// TestInstanceTypesTheRegionLacksAreRefused: a type AWS has, but not in
// the region the stack deploys to, is refused at deploy, naming the key,
// the region and how to list what it offers; the Messages API's type only
// with the processor tier.
func TestInstanceTypesTheRegionLacksAreRefused(t *testing.T) {
	check := func(cfg stackconfig.Config, offered ...string) (*offeringsAccount, error) {
		account := &offeringsAccount{offered: offered}
		var checkErr error
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{})
			if err != nil {
				return err
			}
			checkErr = checkInstanceTypesOffered(ctx, cfg, "eu-south-2", pulumi.Provider(provider))
			return nil
		}, pulumi.WithMocks("push-turnkey", "dev", account))
		require.NoError(t, err)
		return account, checkErr
	}
	core := stackconfig.Config{InstanceType: "m7i.large", MessagesAPIInstanceType: "t4g.micro"}
	account, err := check(core, "m7i.large")
	require.NoError(t, err)
	require.Len(t, account.asked, 1)
	assert.Equal(t, map[string]interface{}{
		"filters":      []interface{}{map[string]interface{}{"name": "instance-type", "values": []interface{}{"m7i.large"}}},
		"locationType": "region",
	}, account.asked[0].Mappable(), "the Messages API's type only with the processor tier")

	_, err = check(core, "t3.small")
	require.Error(t, err)
	var cfgErr *stackconfig.Error
	require.ErrorAs(t, err, &cfgErr)
	assert.Equal(t, "config push-turnkey:instanceType: m7i.large is an EC2 instance type, but EC2 does not offer it in eu-south-2 (pick one it offers; list them with: aws ec2 describe-instance-type-offerings --region eu-south-2 --filters Name=instance-type,Values=m7i.*)", err.Error())

	processor := core
	processor.Processor = true
	_, err = check(processor, "m7i.large")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:messagesApiInstanceType: t4g.micro is an EC2 instance type, but EC2 does not offer it in eu-south-2")
	assert.NotContains(t, err.Error(), "push-turnkey:instanceType:")
	_, err = check(processor)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "push-turnkey:instanceType: ")
	assert.Contains(t, err.Error(), "push-turnkey:messagesApiInstanceType: ")
}
