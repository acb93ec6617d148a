package pushstack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// StackTag is the tag every resource of the stack carries (the provider's
// default tags), naming the stack; a retained table keeps it after its
// stack is destroyed.
const StackTag = "stack"

// Retained is what exists in the account under the stack's table prefix:
// the stores a stack keeps on destroy (or when a tier is turned off). Each
// one found is imported instead of created, so a new stack on the prefix,
// or a tier turned on again, takes it over without "already exists"; each
// one missing is created. For a store this stack already manages, the
// import changes nothing.
type Retained struct {
	// Tables holds the names of the prefix's tables that exist.
	Tables map[string]bool
	// Owner is the stack tag of the prefix's tables ("" when there is no
	// table or no tag).
	Owner string
	// CryptoKeys are the keys of the crypto key parameter, current first
	// (secrets: never log them); nil when the parameter does not exist.
	CryptoKeys []string
	// LogBucket reports whether the log bucket exists.
	LogBucket bool
}

// findRetained looks the stores up through the stack's AWS provider:
// ListTables (dynamodb.GetTables) and the tables' tags, the parameter names
// under the prefix's path (undecrypted) and then the key parameter alone,
// decrypted, and HeadBucket (s3.LookupBucket) when the stack has a log
// bucket. Only a bucket the provider reports not found counts as absent;
// a refused or failing look-up is an error (lookUp), never "no store",
// since creating a store that exists fails halfway through an up.
func findRetained(ctx *pulumi.Context, cfg stackconfig.Config, keyParameter, bucket string, opts ...pulumi.InvokeOption) (Retained, error) {
	r := Retained{Tables: map[string]bool{}}
	tables, err := lookUp(ctx, "aws:dynamodb/getTables:getTables", "list DynamoDB tables", func() (*dynamodb.GetTablesResult, error) {
		return dynamodb.GetTables(ctx, opts...)
	})
	if err != nil {
		return r, err
	}
	for _, name := range []string{cfg.RouterTableName(), cfg.MessageTableName(), cfg.MessagesTableName()} {
		if !slices.Contains(tables.Names, name) {
			continue
		}
		r.Tables[name] = true
		if r.Owner == "" {
			t, err := lookUp(ctx, "aws:dynamodb/getTable:getTable", "read DynamoDB table "+name, func() (*dynamodb.LookupTableResult, error) {
				return dynamodb.LookupTable(ctx, &dynamodb.LookupTableArgs{Name: name}, opts...)
			})
			if err != nil {
				return r, err
			}
			r.Owner = t.Tags[StackTag]
		}
	}
	path := keyParameter[:strings.LastIndex(keyParameter, "/")+1]
	params, err := lookUp(ctx, "aws:ssm/getParametersByPath:getParametersByPath", "list SSM parameters under "+path, func() (*ssm.GetParametersByPathResult, error) {
		return ssm.GetParametersByPath(ctx, &ssm.GetParametersByPathArgs{Path: path, WithDecryption: pulumi.BoolRef(false)}, opts...)
	})
	if err != nil {
		return r, err
	}
	if slices.Contains(params.Names, keyParameter) {
		p, err := lookUp(ctx, "aws:ssm/getParameter:getParameter", "read SSM parameter "+keyParameter, func() (*ssm.LookupParameterResult, error) {
			return ssm.LookupParameter(ctx, &ssm.LookupParameterArgs{Name: keyParameter, WithDecryption: pulumi.BoolRef(true)}, opts...)
		})
		if err != nil {
			return r, err
		}
		r.CryptoKeys = strings.Split(p.Value, ",")
	}
	if cfg.Firehose {
		_, err := lookUp(ctx, "aws:s3/getBucket:getBucket", "look up S3 bucket "+bucket, func() (*s3.LookupBucketResult, error) {
			return s3.LookupBucket(ctx, &s3.LookupBucketArgs{Bucket: bucket}, opts...)
		})
		switch {
		case err == nil:
			r.LogBucket = true
		case !notFound(err):
			return r, err
		}
	}
	return r, nil
}

// takeOver refuses stores another stack still owns: a prefix's tables
// carry the stack tag of the stack that made (or last took over) them,
// and a stack takes them over only when that is itself, or the stack
// named by takeOverFrom (which the user says is gone). Without this a
// stack file copied from production would silently share its data.
func takeOver(cfg stackconfig.Config, stack string, r Retained) error {
	if r.Owner == "" || r.Owner == stack || r.Owner == cfg.TakeOverFrom {
		return nil
	}
	return &stackconfig.Error{Key: "takeOverFrom",
		Problem: fmt.Sprintf("the tables of prefix %s belong to stack %s (their %q tag); this stack takes them over only when told that %s is gone",
			cfg.TablePrefix, r.Owner, StackTag, r.Owner),
		Hint: fmt.Sprintf("once stack %s is destroyed: pulumi config set takeOverFrom %s; or choose another tablePrefix", r.Owner, r.Owner)}
}

// cryptoKeys chooses the keys the key parameter holds, current first: the
// config's when cryptoKey is set, else the retained parameter's, else nil
// (generate one). It refuses config that drops the key a retained
// parameter issues endpoints with (every endpoint issued under it would
// become undecodable), a retained key that is no Fernet key, and
// generating a key for tables that exist without their key parameter. It
// returns a warning when the config drops older keys of the parameter.
func cryptoKeys(cfg stackconfig.Config, parameter string, r Retained) (keys []string, warning string, err error) {
	for i, k := range r.CryptoKeys {
		if problem := stackconfig.FernetKeyProblem(k); problem != "" {
			return nil, "", fmt.Errorf("SSM parameter %s: key %d %s; repair the parameter or set cryptoKey", parameter, i, problem)
		}
	}
	if cfg.CryptoKey == "" {
		// The stack creates the key before these tables (PushTablesArgs.After).
		if r.CryptoKeys == nil && (r.Tables[cfg.RouterTableName()] || r.Tables[cfg.MessageTableName()]) {
			return nil, "", &stackconfig.Error{Key: "cryptoKey",
				Problem: fmt.Sprintf("is not set, and %s does not exist while the prefix's subscriber tables do: a new key would not decode their subscriptions", parameter),
				Hint:    "set the key of these tables: pulumi config set --secret cryptoKey <key> (an earlier stack's: pulumi stack output cryptoKey --show-secrets)"}
		}
		return r.CryptoKeys, "", nil
	}
	keys = append([]string{cfg.CryptoKey}, cfg.PreviousCryptoKeys...)
	if len(r.CryptoKeys) == 0 {
		return keys, "", nil
	}
	if !slices.Contains(keys, r.CryptoKeys[0]) {
		return nil, "", &stackconfig.Error{Key: "cryptoKey",
			Problem: fmt.Sprintf("leaves out the key that %s (kept from an earlier stack or run) issues endpoints with; every endpoint issued under it would become undecodable", parameter),
			Hint:    "keep it in the rotation: pulumi config set --secret --path 'previousCryptoKeys[0]' <that key>; or remove cryptoKey to use the parameter's keys: pulumi config rm cryptoKey"}
	}
	dropped := 0
	for _, k := range r.CryptoKeys[1:] {
		if !slices.Contains(keys, k) {
			dropped++
		}
	}
	if dropped > 0 {
		warning = fmt.Sprintf("cryptoKey and previousCryptoKeys drop %d older key(s) that %s holds: endpoints issued under them stop working", dropped, parameter)
	}
	return keys, warning, nil
}
