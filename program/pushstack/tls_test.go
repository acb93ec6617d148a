package pushstack_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/ops/plan"
	"github.com/push-turnkey/push-turnkey/program/pushstack"
)

const testCertificate = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"

// listeners maps each listener's port to its protocol and certificate.
func listeners(t *testing.T, p *plan.Plan) map[float64][2]string {
	got := map[float64][2]string{}
	for _, l := range p.Find("aws:lb/listener:Listener") {
		cert, _ := masked(l, "certificateArn").(string)
		got[masked(l, "port").(float64)] = [2]string{str(t, l, "protocol"), cert}
		if str(t, l, "protocol") == "TLS" {
			assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", str(t, l, "sslPolicy"))
		}
	}
	return got
}

func TestTLSWithAGivenCertificate(t *testing.T) {
	p := runPlan(t, map[string]string{"certificateArn": testCertificate, "domainName": "push.example.com"}, nil)
	assert.Equal(t, map[float64][2]string{443: {"TLS", testCertificate}, 8443: {"TLS", testCertificate}}, listeners(t, p),
		"TLS only: no plain listeners")
	assert.Equal(t, "wss://push.example.com/", p.Outputs["pushServerUrl"].Value)
	assert.Equal(t, "https://push.example.com:8443/", p.Outputs["endpointUrl"].Value)
	docker := dockerEngine(t)
	for node, command := range nodeCommands {
		in, b := bootNode(t, p, node, configuredImage(nil))
		assert.Equal(t, "push.example.com", b.EndpointHost)
		haveImage(t, docker, b.Image)
		removeContainer(t, docker, command)
		out, err := in.run(nodeStart)
		require.NoError(t, err, "%s", out)
		assert.Contains(t, strings.Join(inspect(t, docker, command).Config.Cmd, " "),
			" --endpoint_hostname push.example.com --endpoint_port 8443 --endpoint_scheme https ")
		for _, call := range in.log("aws.log") {
			assert.NotContains(t, call, "resourcegroupstaggingapi", "with TLS the host is the domain name: no look-up")
		}
	}
	// The listeners forward to the nodes' plain ports.
	for name, port := range map[string]float64{"push-connection": 8080, "push-endpoint": 8082} {
		assert.Equal(t, port, masked(one(t, p, "aws:lb/targetGroup:TargetGroup", name), "port"))
	}
	assert.Empty(t, p.Find("aws:acm/certificate:Certificate"), "a given certificate is used as it is")
	assert.Empty(t, p.Find("aws:route53/record:Record"), "no hosted zone, no record")
}

func TestTLSWithACertificateTheStackRequests(t *testing.T) {
	p := runPlan(t, map[string]string{"domainName": "push.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}, nil)
	cert := one(t, p, "aws:acm/certificate:Certificate", "push-certificate")
	assert.Equal(t, "push.example.com", str(t, cert, "domainName"))
	assert.Equal(t, "DNS", str(t, cert, "validationMethod"))

	validation := one(t, p, "aws:route53/record:Record", "push-certificate-validation")
	assert.Equal(t, "Z0123456789ABCDEFGHIJ", str(t, validation, "zoneId"))
	assert.Equal(t, "CNAME", str(t, validation, "type"))
	assert.True(t, strings.HasSuffix(str(t, validation, "name"), ".push.example.com."))
	check := one(t, p, "aws:acm/certificateValidation:CertificateValidation", "push-certificate")
	assert.Contains(t, check.Options.DependsOn, validation.URN)

	// The listeners use the certificate once validated.
	certArn := str(t, check, "certificateArn")
	for _, l := range p.Find("aws:lb/listener:Listener") {
		assert.Equal(t, certArn, str(t, l, "certificateArn"))
		assert.Contains(t, l.Options.DependsOn, check.URN, "listeners wait for the validation")
	}

	alias := one(t, p, "aws:route53/record:Record", "push-domain")
	assert.Equal(t, "push.example.com", str(t, alias, "name"))
	assert.Equal(t, "A", str(t, alias, "type"))
	aliases := masked(alias, "aliases").([]interface{})
	require.Len(t, aliases, 1)
	assert.Equal(t, "Z26RNL4JYFTOTI", aliases[0].(map[string]interface{})["zoneId"])
	assert.Contains(t, aliases[0].(map[string]interface{})["name"], ".elb.us-east-1.amazonaws.com")
	assert.Equal(t, "wss://push.example.com/", p.Outputs["pushServerUrl"].Value)
}

func TestTLSConfigErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		config map[string]string
		key    string
	}{
		"certificate without domain": {map[string]string{"certificateArn": testCertificate}, "domainName"},
		"domain without certificate": {map[string]string{"domainName": "push.example.com"}, "hostedZoneId"},
		"zone without domain":        {map[string]string{"hostedZoneId": "Z0123456789ABCDEFGHIJ"}, "domainName"},
		"bad certificate":            {map[string]string{"certificateArn": "my-cert", "domainName": "push.example.com"}, "certificateArn"},
		"bad domain":                 {map[string]string{"certificateArn": testCertificate, "domainName": "Push Server"}, "domainName"},
		"bad zone":                   {map[string]string{"domainName": "push.example.com", "hostedZoneId": "zone-1"}, "hostedZoneId"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := plan.Run(stackFor(tc.config, nil))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "config push-turnkey:"+tc.key+": ")
		})
	}
}

func TestTLSChangesKeepStatefulResources(t *testing.T) {
	base := runPlan(t, configs["firehose"], nil)
	for _, tls := range []map[string]string{
		{"firehose": "true", "certificateArn": testCertificate, "domainName": "push.example.com"},
		{"firehose": "true", "domainName": "push.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"},
	} {
		on := runPlan(t, tls, nil)
		assertKept(t, base, on, tiersOf["firehose"])
		assertKept(t, on, base, tiersOf["firehose"])
	}
}

// TestCertificateOfAnotherRegionThanTheProvidersIsRefused: without
// aws:region the provider takes the region from the environment
// (AWS_REGION, the profile); the program checks the certificate against
// that region before it registers anything but the provider.
func TestCertificateOfAnotherRegionThanTheProvidersIsRefused(t *testing.T) {
	stack := stackFor(map[string]string{"domainName": "push.example.com",
		"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"}, nil)
	delete(stack.Config, "aws:region") // the mock provider's region is then us-east-1
	p, err := plan.RunProgram(stack, pushstack.Program)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config push-turnkey:certificateArn: is in eu-west-1, but the stack deploys to us-east-1 (from the AWS provider)")
	for _, r := range p.Resources {
		assert.Equal(t, "pulumi:providers:aws", r.Type, "nothing but the provider is registered: %s", r.URN)
	}
}
