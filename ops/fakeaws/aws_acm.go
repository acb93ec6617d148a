package fakeaws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

var acmTypes = map[string]resourceType{
	"aws:acm/certificate:Certificate": {
		args: acm.CertificateArgs{}, state: acm.CertificateState{},
		doc:              registryPage("acm/certificate"),
		replaceOnChanges: []string{"certificateAuthorityArn", "domainName", "keyAlgorithm", "subjectAlternativeNames", "validationMethod", "validationOptions"},
		arn:              "arn:${Partition}:acm:${Region}:${Account}:certificate/${CertificateId}",
		arnDoc:           serviceAuthorization("awscertificatemanager"),
		make:             makeCertificate,
	},
	"aws:acm/certificateValidation:CertificateValidation": {
		args: acm.CertificateValidationArgs{}, state: acm.CertificateValidationState{},
		doc:              registryPage("acm/certificatevalidation"),
		replaceOnChanges: []string{"certificateArn", "validationRecordFqdns"},
		make:             byID("", ""),
	},
}

// makeCertificate: the certificate's ARN is its ID, and DNS validation
// asks for one CNAME record per domain.
func makeCertificate(m *made) string {
	arn := m.arnOf("CertificateId", m.uuid())
	m.set("arn", arn)
	domain := m.str("domainName")
	m.state["domainValidationOptions"] = resource.NewProperty([]resource.PropertyValue{
		resource.NewObjectProperty(resource.PropertyMap{
			"domainName":          resource.NewProperty(domain),
			"resourceRecordName":  resource.NewProperty("_" + m.suffix + "." + domain + "."),
			"resourceRecordType":  resource.NewProperty("CNAME"),
			"resourceRecordValue": resource.NewProperty("_" + m.suffix + ".acm-validations.aws."),
		}),
	})
	return arn
}
