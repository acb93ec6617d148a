package deploypolicy

// acmPage is Certificate Manager's page of the Service Authorization
// Reference.
var acmPage = sar("awscertificatemanager")

// certificates scopes to the account's certificates of the region: a
// certificate's ID is chosen by ACM.
func certificates(t Target, _ Subject) []string { return []string{t.regional("acm", "certificate/*")} }

var acmEntries = map[string]Entry{
	"aws:acm/certificate:Certificate": {Reference: []string{acmPage}, Provider: providerSource("acm/certificate.go"), Grants: []Grant{
		{Op: Create, Actions: []string{"acm:RequestCertificate"}},
		{Op: Read, Actions: []string{"acm:DescribeCertificate"}, On: certificates},
		{Op: Update, Actions: []string{"acm:UpdateCertificateOptions"}, On: certificates},
		{Op: Tag, Actions: []string{"acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:ListTagsForCertificate"}, On: certificates},
		{Op: Delete, Actions: []string{"acm:DeleteCertificate"}, On: certificates},
	}},
	// Waits until the certificate is issued; deleting it calls nothing.
	"aws:acm/certificateValidation:CertificateValidation": {Reference: []string{acmPage},
		Provider: providerSource("acm/certificate_validation.go"), Grants: []Grant{
			{Op: Create, Actions: []string{"acm:DescribeCertificate"}, On: certificates},
		}},
}
