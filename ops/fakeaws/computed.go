package fakeaws

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Computed adds to state (the inputs of a new resource of type typ with
// logical name name) the outputs AWS computes that the program reads, and
// returns the resource's ID. suffix makes generated names and IDs unique:
// the offline plan passes a hash of the name (two runs agree), the fake
// provider a fresh random value (two creations differ, as in AWS).
func Computed(typ, name, suffix, region, account string, state resource.PropertyMap) string {
	str := func(key string) string {
		if v, ok := state[resource.PropertyKey(key)]; ok {
			if v.IsSecret() {
				v = v.SecretValue().Element
			}
			if v.IsString() {
				return v.StringValue()
			}
		}
		return ""
	}
	set := func(key, value string) { state[resource.PropertyKey(key)] = resource.NewProperty(value) }
	// Auto-naming: Pulumi appends a random suffix to the logical name.
	if typ == "aws:s3/bucketV2:BucketV2" {
		if str("bucket") == "" {
			set("bucket", name+"-"+suffix)
		}
	} else if str("name") == "" {
		set("name", name+"-"+suffix)
	}
	resName := str("name")
	arn := func(service, rest string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, account, rest)
	}
	id := name + "-" + suffix
	switch typ {
	case "aws:dynamodb/table:Table":
		set("arn", arn("dynamodb", "table/"+resName))
		id = resName
	case "aws:ssm/parameter:Parameter":
		set("arn", arn("ssm", "parameter/"+strings.TrimPrefix(resName, "/")))
		id = resName
	case "aws:s3/bucketV2:BucketV2":
		set("arn", "arn:aws:s3:::"+str("bucket"))
		id = str("bucket")
	case "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketVersioningV2:BucketVersioningV2",
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2":
		// A bucket's settings are known by the bucket's name (their import
		// IDs on the pulumi-aws registry pages).
		id = str("bucket")
	case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
		set("arn", arn("firehose", "deliverystream/"+resName))
	case "aws:iam/role:Role":
		set("arn", fmt.Sprintf("arn:aws:iam::%s:role/%s", account, resName))
		id = resName
	case "aws:iam/instanceProfile:InstanceProfile":
		set("arn", fmt.Sprintf("arn:aws:iam::%s:instance-profile/%s", account, resName))
		id = resName
	case "aws:cloudwatch/logGroup:LogGroup":
		set("arn", arn("logs", "log-group:"+resName))
		id = resName
	case "aws:lb/loadBalancer:LoadBalancer":
		set("arn", arn("elasticloadbalancing", "loadbalancer/net/"+resName+"/"+suffix))
		set("arnSuffix", "net/"+resName+"/"+suffix)
		set("zoneId", "Z26RNL4JYFTOTI") // the NLB hosted zone of us-east-1
		set("dnsName", resName+"-"+suffix+".elb."+region+".amazonaws.com")
		id = str("arn")
	case "aws:lb/targetGroup:TargetGroup":
		set("arn", arn("elasticloadbalancing", "targetgroup/"+resName+"/"+suffix))
		set("arnSuffix", "targetgroup/"+resName+"/"+suffix)
		id = str("arn")
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		state["prefixListId"] = resource.NewProperty("pl-" + suffix)
		id = "vpce-" + suffix
	case "aws:ec2/eip:Eip":
		set("allocationId", "eipalloc-"+suffix)
		id = "eipalloc-" + suffix
	case "aws:ec2/networkInterface:NetworkInterface":
		sum := sha256.Sum256([]byte(name))
		set("privateIp", fmt.Sprintf("10.20.%d.%d", sum[0]%16, 4+sum[1]%250))
		id = "eni-" + suffix
	case "aws:elasticache/replicationGroup:ReplicationGroup":
		set("primaryEndpointAddress", "master."+resName+"."+suffix+".use1.cache.amazonaws.com")
		set("arn", arn("elasticache", "replicationgroup:"+resName))
		// ElastiCache names a group's nodes <group id>-001, -002, ...
		state["memberClusters"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resName + "-001")})
		id = resName
	case "aws:lambda/function:Function":
		set("arn", arn("lambda", "function:"+resName))
		id = resName
	case "aws:acm/certificate:Certificate":
		set("arn", fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s-0000-0000-0000-000000000000", region, account, suffix+"0"))
		domain := str("domainName")
		state["domainValidationOptions"] = resource.NewProperty([]resource.PropertyValue{
			resource.NewObjectProperty(resource.PropertyMap{
				"domainName":          resource.NewProperty(domain),
				"resourceRecordName":  resource.NewProperty("_" + suffix + "." + domain + "."),
				"resourceRecordType":  resource.NewProperty("CNAME"),
				"resourceRecordValue": resource.NewProperty("_" + suffix + ".acm-validations.aws."),
			}),
		})
		id = str("arn")
	case "aws:route53/record:Record":
		set("fqdn", strings.TrimSuffix(str("name"), "."))
	case "aws:sns/topic:Topic":
		set("arn", arn("sns", resName))
		id = str("arn")
	case "aws:sqs/queue:Queue":
		set("arn", arn("sqs", resName))
		set("url", "https://sqs."+region+".amazonaws.com/"+account+"/"+resName)
		id = str("url")
	case "aws:ec2/launchTemplate:LaunchTemplate":
		state["latestVersion"] = resource.NewProperty(1.0)
		id = "lt-" + suffix
	default:
		module := strings.Split(strings.TrimPrefix(typ, "aws:"), "/")[0]
		set("arn", arn(module, module+"/"+id))
	}
	return id
}
