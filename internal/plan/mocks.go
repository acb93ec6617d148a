package plan

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// MockAccountID is the AWS account the mocks answer with.
const MockAccountID = "123456789012"

// monitor answers the Pulumi SDK's mock monitor like AWS would: each
// resource gets an ID, an ARN and the computed fields this program reads;
// every value derives from the resource's name, so two runs with the same
// config see identical values. It records every registration.
type monitor struct {
	project, stack, region string

	mu        sync.Mutex
	resources []Resource
}

func (m *monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	r := m.region
	switch args.Token {
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"id":         r,
			"names":      []interface{}{r + "a", r + "b", r + "c"},
			"zoneIds":    []interface{}{"use1-az1", "use1-az2", "use1-az4"},
			"groupNames": []interface{}{r},
		}), nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"id":        MockAccountID,
			"accountId": MockAccountID,
			"arn":       "arn:aws:iam::" + MockAccountID + ":user/plan",
			"userId":    "AIDAPLAN",
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws",
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]interface{}{
			"id": r, "name": r, "region": r, "endpoint": "ec2." + r + ".amazonaws.com", "description": r,
		}), nil
	}
	return nil, fmt.Errorf("plan: no mock answer for invoke %s", args.Token)
}

func (m *monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	urn := m.urn(rpc.GetParent(), args.TypeToken, args.Name)
	res := Resource{
		URN:    urn,
		Type:   args.TypeToken,
		Name:   args.Name,
		Parent: rpc.GetParent(),
		Custom: args.Custom,
		Inputs: args.Inputs,
		Options: Options{
			RetainOnDelete:      rpc.GetRetainOnDelete(),
			Protect:             rpc.GetProtect(),
			DeleteBeforeReplace: rpc.GetDeleteBeforeReplace(),
			IgnoreChanges:       rpc.GetIgnoreChanges(),
			DependsOn:           dependencies(rpc.GetDependencies(), rpc.GetPropertyDependencies()),
			ImportID:            rpc.GetImportId(),
			Provider:            rpc.GetProvider(),
		},
	}
	m.mu.Lock()
	m.resources = append(m.resources, res)
	m.mu.Unlock()

	if !args.Custom {
		return "", args.Inputs, nil
	}
	state := args.Inputs.Copy()
	id := m.computed(args.TypeToken, args.Name, state)
	return id, state, nil
}

func (m *monitor) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// computed adds the outputs AWS would compute to state and returns the ID.
func (m *monitor) computed(typ, name string, state resource.PropertyMap) string {
	suffix := shortHash(typ + "/" + name)
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
	if !strings.HasPrefix(typ, "aws:") {
		sum := sha256.Sum256([]byte(m.stack + "/" + name))
		switch typ {
		case "random:index/randomBytes:RandomBytes":
			state["base64"] = resource.MakeSecret(resource.NewProperty(base64.StdEncoding.EncodeToString(sum[:])))
			state["hex"] = resource.MakeSecret(resource.NewProperty(hex.EncodeToString(sum[:])))
		case "random:index/randomPassword:RandomPassword":
			state["result"] = resource.MakeSecret(resource.NewProperty(hex.EncodeToString(sum[:])))
		}
		return name + "-" + suffix
	}

	// Auto-naming: Pulumi appends a random suffix to the logical name.
	if typ == "aws:s3/bucketV2:BucketV2" {
		if str("bucket") == "" {
			set("bucket", name+"-"+suffix)
		}
	} else if str("name") == "" {
		set("name", name+"-"+suffix)
	}
	resName := str("name")
	account, region := MockAccountID, m.region
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

// dependencies is every URN a registration waits for: the explicit
// DependsOn list and those reached through its inputs, sorted, once each.
func dependencies(explicit []string, byProperty map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies) []string {
	seen := map[string]bool{}
	var all []string
	add := func(urn string) {
		if urn != "" && !seen[urn] {
			seen[urn] = true
			all = append(all, urn)
		}
	}
	for _, u := range explicit {
		add(u)
	}
	for _, deps := range byProperty {
		for _, u := range deps.GetUrns() {
			add(u)
		}
	}
	sort.Strings(all)
	return all
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:7]
}
