package cost

// freeAtNoTraffic are the resource types the stack makes that cost nothing
// while no traffic flows (their charges are per request, per GB or per
// stored byte, all zero at no traffic, or they have no charge at all). A
// type neither priced nor listed here is refused, never taken as free.
// Sources: the AWS pricing page of each service (aws.amazon.com/<service>/
// pricing), read 2026-12-07.
var freeAtNoTraffic = map[string]string{
	"aws:acm/certificate:Certificate":                                "public ACM certificates are free",
	"aws:acm/certificateValidation:CertificateValidation":            "a wait, no AWS resource",
	"aws:cloudwatch/logGroup:LogGroup":                               "per GB ingested and stored",
	"aws:cloudwatch/logStream:LogStream":                             "per GB ingested and stored",
	"aws:dynamodb/table:Table":                                       "on-demand: per request and per GB stored",
	"aws:ec2/internetGateway:InternetGateway":                        "no charge; data transfer per GB",
	"aws:ec2/launchTemplate:LaunchTemplate":                          "no charge; the instances it launches are priced",
	"aws:ec2/networkInterface:NetworkInterface":                      "no charge; its public address, if any, is an Eip line",
	"aws:ec2/routeTable:RouteTable":                                  "no charge",
	"aws:ec2/routeTableAssociation:RouteTableAssociation":            "no charge",
	"aws:ec2/securityGroup:SecurityGroup":                            "no charge",
	"aws:ec2/subnet:Subnet":                                          "no charge",
	"aws:ec2/vpc:Vpc":                                                "no charge",
	"aws:ec2/vpcEndpoint:VpcEndpoint":                                "gateway endpoints (S3, DynamoDB) have no charge; the stack makes no interface endpoint",
	"aws:elasticache/subnetGroup:SubnetGroup":                        "no charge; the nodes are priced",
	"aws:iam/instanceProfile:InstanceProfile":                        "IAM has no charge",
	"aws:iam/role:Role":                                              "IAM has no charge",
	"aws:iam/rolePolicy:RolePolicy":                                  "IAM has no charge",
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":      "per GB ingested",
	"aws:lambda/function:Function":                                   "per request and GB-second; its custom metrics are priced",
	"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": "no charge",
	"aws:lambda/permission:Permission":                               "no charge",
	"aws:lb/listener:Listener":                                       "no charge; the load balancer's hours are priced",
	"aws:lb/targetGroup:TargetGroup":                                 "no charge",
	"aws:route53/record:Record":                                      "no charge per record; alias queries to a load balancer are free",
	"aws:s3/bucketNotification:BucketNotification":                   "no charge",
	"aws:s3/bucketObjectv2:BucketObjectv2":                           "per GB stored: cents for the settings object and the binaries",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":         "no charge",
	"aws:s3/bucketPolicy:BucketPolicy":                               "no charge",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":         "no charge",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "SSE-S3 has no charge",
	"aws:s3/bucketV2:BucketV2":                                  "per GB stored and per request",
	"aws:s3/bucketVersioningV2:BucketVersioningV2":              "no charge; old versions are stored bytes",
	"aws:sns/topic:Topic":                                       "per request and delivery",
	"aws:sns/topicSubscription:TopicSubscription":               "per delivery",
	"aws:sqs/queue:Queue":                                       "per request",
	"aws:ssm/parameter:Parameter":                               "standard parameters have no charge",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   "no charge",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "no charge",
	"random:index/randomBytes:RandomBytes":                      "not an AWS resource",
	"random:index/randomPassword:RandomPassword":                "not an AWS resource",
}
