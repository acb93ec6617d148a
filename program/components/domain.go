package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Certificate is an ACM certificate for the push service's domain,
// validated through DNS records in a Route 53 hosted zone, so a user with a
// hosted zone needs no other step.
type Certificate struct {
	pulumi.ResourceState

	// Arn is the certificate, usable once validated.
	Arn pulumi.StringOutput `pulumi:"arn"`
}

// CertificateArgs names the domain and its zone.
type CertificateArgs struct {
	DomainName   string // e.g. "push.example.com"
	HostedZoneID string // the Route 53 zone holding it
}

// NewCertificate requests the certificate, writes its validation record and
// waits for ACM to issue it.
func NewCertificate(ctx *pulumi.Context, name string, args *CertificateArgs, opts ...pulumi.ResourceOption) (*Certificate, error) {
	c := &Certificate{}
	if err := ctx.RegisterComponentResource(Project+":dns:Certificate", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	cert, err := acm.NewCertificate(ctx, name, &acm.CertificateArgs{
		DomainName:       pulumi.String(args.DomainName),
		ValidationMethod: pulumi.String("DNS"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	option := cert.DomainValidationOptions.Index(pulumi.Int(0))
	record, err := route53.NewRecord(ctx, name+"-validation", &route53.RecordArgs{
		ZoneId:         pulumi.String(args.HostedZoneID),
		Name:           option.ResourceRecordName().Elem(),
		Type:           option.ResourceRecordType().Elem(),
		Records:        pulumi.StringArray{option.ResourceRecordValue().Elem()},
		Ttl:            pulumi.Int(300),
		AllowOverwrite: pulumi.Bool(true), // a re-created certificate reuses the same record
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("certificate validation record: %w", err)
	}
	validation, err := acm.NewCertificateValidation(ctx, name, &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: pulumi.StringArray{record.Fqdn},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("certificate validation: %w", err)
	}
	c.Arn = validation.CertificateArn
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"arn": c.Arn})
}

// DomainAlias points the push service's domain at its load balancer.
type DomainAlias struct {
	pulumi.ResourceState
}

// DomainAliasArgs names the record and its target.
type DomainAliasArgs struct {
	DomainName, HostedZoneID string
	// LoadBalancerDNS and LoadBalancerZoneID are the target's DNS name and
	// canonical hosted zone.
	LoadBalancerDNS, LoadBalancerZoneID pulumi.StringInput
}

// NewDomainAlias registers an A alias record for the domain.
func NewDomainAlias(ctx *pulumi.Context, name string, args *DomainAliasArgs, opts ...pulumi.ResourceOption) (*DomainAlias, error) {
	d := &DomainAlias{}
	if err := ctx.RegisterComponentResource(Project+":dns:DomainAlias", name, d, opts...); err != nil {
		return nil, err
	}
	if _, err := route53.NewRecord(ctx, name, &route53.RecordArgs{
		ZoneId: pulumi.String(args.HostedZoneID),
		Name:   pulumi.String(args.DomainName),
		Type:   pulumi.String("A"),
		Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
			Name:                 args.LoadBalancerDNS,
			ZoneId:               args.LoadBalancerZoneID,
			EvaluateTargetHealth: pulumi.Bool(true),
		}},
	}, pulumi.Parent(d)); err != nil {
		return nil, fmt.Errorf("alias record: %w", err)
	}
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{})
}
