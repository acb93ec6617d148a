package pushstack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/internal/stackconfig"
)

// Retained is what exists in the account under the stack's table prefix:
// the stores a stack keeps on destroy (or when a tier is turned off). Each
// one found is imported instead of created, so a new stack on the prefix,
// or a tier turned on again, takes it over without "already exists"; each
// one missing is created. For a store this stack already manages, the
// import changes nothing.
type Retained struct {
	// Tables holds the names of the prefix's tables that exist.
	Tables map[string]bool
	// CryptoKeys are the keys of the crypto key parameter, current first
	// (secrets: never log them); nil when the parameter does not exist.
	CryptoKeys []string
	// LogBucket reports whether the log bucket exists.
	LogBucket bool
}

// findRetained looks the stores up through the stack's AWS provider:
// ListTables (dynamodb.GetTables), GetParametersByPath on the prefix's
// parameter path (decrypted), and HeadBucket (s3.LookupBucket) when the
// stack has a log bucket. A bucket lookup that fails counts as no bucket:
// creating it then fails with "already exists" if it does exist, and
// nothing is lost.
func findRetained(ctx *pulumi.Context, cfg stackconfig.Config, keyParameter, bucket string, opts ...pulumi.InvokeOption) (Retained, error) {
	r := Retained{Tables: map[string]bool{}}
	tables, err := dynamodb.GetTables(ctx, opts...)
	if err != nil {
		return r, fmt.Errorf("list DynamoDB tables: %w", err)
	}
	for _, name := range tables.Names {
		if name == cfg.RouterTableName() || name == cfg.MessageTableName() || name == cfg.MessagesTableName() {
			r.Tables[name] = true
		}
	}
	path := keyParameter[:strings.LastIndex(keyParameter, "/")+1]
	params, err := ssm.GetParametersByPath(ctx, &ssm.GetParametersByPathArgs{
		Path: path, WithDecryption: pulumi.BoolRef(true),
	}, opts...)
	if err != nil {
		return r, fmt.Errorf("list SSM parameters under %s: %w", path, err)
	}
	if i := slices.Index(params.Names, keyParameter); i >= 0 && i < len(params.Values) {
		r.CryptoKeys = strings.Split(params.Values[i], ",")
	}
	if cfg.Firehose {
		if _, err := s3.LookupBucket(ctx, &s3.LookupBucketArgs{Bucket: bucket}, opts...); err == nil {
			r.LogBucket = true
		} else {
			_ = ctx.Log.Debug(fmt.Sprintf("log bucket %s not found, so it is created: %v", bucket, err), nil)
		}
	}
	return r, nil
}

// cryptoKeys chooses the keys the key parameter holds, current first: the
// config's when cryptoKey is set, else the retained parameter's, else nil
// (generate one). Config that drops the key a retained parameter issues
// endpoints with is refused: every endpoint issued under it would become
// undecodable.
func cryptoKeys(cfg stackconfig.Config, parameter string, retained []string) ([]string, error) {
	if cfg.CryptoKey == "" {
		return retained, nil
	}
	keys := append([]string{cfg.CryptoKey}, cfg.PreviousCryptoKeys...)
	if len(retained) > 0 && !slices.Contains(keys, retained[0]) {
		return nil, &stackconfig.Error{Key: "cryptoKey",
			Problem: fmt.Sprintf("leaves out the key that %s (kept from an earlier stack or run) issues endpoints with; every endpoint issued under it would become undecodable", parameter),
			Hint:    "keep it in the rotation: pulumi config set --secret --path 'previousCryptoKeys[0]' <that key>; or remove cryptoKey to use the parameter's keys: pulumi config rm cryptoKey"}
	}
	return keys, nil
}
