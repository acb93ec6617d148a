package components

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// FernetKeyBytes is the length of the random part of a Fernet key; its
// URL-safe base64 form with padding is 44 characters (Fernet spec).
const FernetKeyBytes = 32

// CryptoKey is the autopush crypto key: the Fernet key that encrypts push
// endpoint URLs. It lives in an SSM SecureString parameter that nodes read
// at boot. Losing it makes every stored subscription undecodable.
type CryptoKey struct {
	pulumi.ResourceState

	// Key is the Fernet key, a secret.
	Key pulumi.StringOutput `pulumi:"key"`
	// ParameterName and ParameterArn name the SSM parameter holding Key.
	ParameterName pulumi.StringOutput `pulumi:"parameterName"`
	ParameterArn  pulumi.StringOutput `pulumi:"parameterArn"`
	// Stored is the parameter resource, for resources that must not exist
	// before the key is stored (DependsOn): a component's children are not
	// all known when another resource registers, the parameter is.
	Stored pulumi.Resource
	// Fingerprint changes whenever the parameter's keys do: the first 16
	// hex digits of their SHA-256, not a secret. Nodes carry it in their
	// launch template, so a rotation rolls them.
	Fingerprint pulumi.StringOutput `pulumi:"fingerprint"`
}

// CryptoKeyArgs chooses the key.
type CryptoKeyArgs struct {
	// Key is the Fernet key to use: the cryptoKey config, or the current
	// key of the parameter an earlier stack retained. nil uses the
	// generated key.
	Key pulumi.StringInput
	// Generate registers FernetKeyBytes random bytes (pulumi-random) as a
	// key. Set it whenever cryptoKey is not configured, even when Key comes
	// from a retained parameter: the stack that generated the key then
	// registers the same resources on every run.
	Generate bool
	// ParameterName is the SSM parameter path, e.g. "/push-turnkey/push-dev/crypto-key";
	// a plain string, it is also the import ID when Adopt is set.
	ParameterName string
	// Adopt imports the parameter, which exists in the account (retained
	// by an earlier stack); its value must then be the same keys.
	Adopt bool
	// PreviousKeys (a secret, or nil) are keys the servers still accept
	// after Key, comma separated, newest first: endpoints issued under an
	// old key keep working after a rotation.
	PreviousKeys pulumi.StringInput
}

// NewCryptoKey registers the key (generated unless given) and its SSM
// SecureString parameter ("<key>[,<previous key>...]"), encrypted with the
// account's aws/ssm KMS key and retained on delete like the tables whose
// endpoints it decrypts.
func NewCryptoKey(ctx *pulumi.Context, name string, args *CryptoKeyArgs, opts ...pulumi.ResourceOption) (*CryptoKey, error) {
	k := &CryptoKey{}
	if err := ctx.RegisterComponentResource(Project+":security:CryptoKey", name, k, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(k)

	key := args.Key
	if args.Generate {
		bytes, err := random.NewRandomBytes(ctx, name, &random.RandomBytesArgs{
			Length: pulumi.Int(FernetKeyBytes),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("random bytes: %w", err)
		}
		if key == nil {
			key = bytes.Base64.ApplyT(FernetKeyFromBase64).(pulumi.StringOutput)
		}
	}
	if key == nil {
		return nil, fmt.Errorf("crypto key %s: no key given and none generated", name)
	}
	k.Key = pulumi.ToSecret(key).(pulumi.StringOutput)

	value := k.Key
	if args.PreviousKeys != nil {
		value = pulumi.Sprintf("%s,%s", k.Key, args.PreviousKeys)
	}
	param, err := ssm.NewParameter(ctx, name, &ssm.ParameterArgs{
		Name:        pulumi.String(args.ParameterName),
		Type:        pulumi.String("SecureString"),
		Value:       pulumi.ToSecret(value).(pulumi.StringOutput),
		Description: pulumi.String("autopush crypto key (Fernet); nodes refuse to start without it"),
	}, retained([]pulumi.ResourceOption{parent}, args.Adopt, args.ParameterName)...) // without the key every subscription is lost
	if err != nil {
		return nil, fmt.Errorf("ssm parameter: %w", err)
	}
	k.ParameterName = param.Name
	k.ParameterArn = param.Arn
	k.Stored = param
	// A digest of 256-bit random keys reveals nothing of them.
	k.Fingerprint = pulumi.Unsecret(value.ApplyT(func(v string) string {
		sum := sha256.Sum256([]byte(v))
		return hex.EncodeToString(sum[:8])
	})).(pulumi.StringOutput)
	return k, ctx.RegisterResourceOutputs(k, pulumi.Map{
		"key":           k.Key,
		"parameterName": k.ParameterName,
		"parameterArn":  k.ParameterArn,
		"fingerprint":   k.Fingerprint,
	})
}

// FernetKeyFromBase64 turns standard base64 (pulumi-random's base64 output)
// into the URL-safe alphabet Fernet keys use; the padding stays.
func FernetKeyFromBase64(std string) string {
	return strings.NewReplacer("+", "-", "/", "_").Replace(std)
}
