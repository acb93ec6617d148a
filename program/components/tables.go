package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PushTables holds the DynamoDB tables the push servers read and write. Both
// are retained when the stack is destroyed: they hold every subscriber.
type PushTables struct {
	pulumi.ResourceState

	RouterTableName  pulumi.StringOutput `pulumi:"routerTableName"`
	RouterTableArn   pulumi.StringOutput `pulumi:"routerTableArn"`
	MessageTableName pulumi.StringOutput `pulumi:"messageTableName"`
	MessageTableArn  pulumi.StringOutput `pulumi:"messageTableArn"`
}

// PushTablesArgs names the tables. Names are plain strings: they are also
// the import IDs when Adopt is set.
type PushTablesArgs struct {
	RouterTableName  string // "<tablePrefix>_router"
	MessageTableName string // "<tablePrefix>_message"
	// DeletionProtection turns on DynamoDB deletion protection for both.
	DeletionProtection pulumi.BoolInput
	// AdoptRouter and AdoptMessage import the table of that name, which
	// exists in the account (retained by an earlier stack), instead of
	// creating it.
	AdoptRouter, AdoptMessage bool
	// After (the crypto key) is created first, so the tables never exist
	// without the key that decodes their subscriptions.
	After pulumi.Resource
}

// NewPushTables registers the router and message tables with the key schema
// of autopush 1.58 (reference: autopush.md): router keyed by uaid; message
// keyed by uaid and chidmessageid, expiring on the "expiry" attribute.
func NewPushTables(ctx *pulumi.Context, name string, args *PushTablesArgs, opts ...pulumi.ResourceOption) (*PushTables, error) {
	t := &PushTables{}
	if err := ctx.RegisterComponentResource(Project+":storage:PushTables", name, t, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(t)}
	if args.After != nil {
		child = append(child, pulumi.DependsOn([]pulumi.Resource{args.After}))
	}
	router, err := newRetainedTable(ctx, name+"-router", tableSpec{
		name: args.RouterTableName, hashKey: "uaid", deletionProtection: args.DeletionProtection, adopt: args.AdoptRouter,
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("router table: %w", err)
	}
	message, err := newRetainedTable(ctx, name+"-message", tableSpec{
		name: args.MessageTableName, hashKey: "uaid", rangeKey: "chidmessageid", ttlAttribute: "expiry",
		deletionProtection: args.DeletionProtection, adopt: args.AdoptMessage,
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("message table: %w", err)
	}
	t.RouterTableName, t.RouterTableArn = router.Name, router.Arn
	t.MessageTableName, t.MessageTableArn = message.Name, message.Arn
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{
		"routerTableName":  t.RouterTableName,
		"routerTableArn":   t.RouterTableArn,
		"messageTableName": t.MessageTableName,
		"messageTableArn":  t.MessageTableArn,
	})
}

// tableSpec describes a table keyed by string attributes.
type tableSpec struct {
	name               string
	hashKey, rangeKey  string // rangeKey "" for none
	ttlAttribute       string // "" for no TTL
	deletionProtection pulumi.BoolInput
	adopt              bool // import the existing table of this name
}

// newRetainedTable registers a table with on-demand billing, point-in-time
// recovery and encryption at rest, retained on delete: `pulumi destroy` and
// replacements leave the data in place.
func newRetainedTable(ctx *pulumi.Context, name string, spec tableSpec, opts ...pulumi.ResourceOption) (*dynamodb.Table, error) {
	args := &dynamodb.TableArgs{
		Name:        pulumi.String(spec.name),
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String(spec.hashKey),
		Attributes: dynamodb.TableAttributeArray{
			&dynamodb.TableAttributeArgs{Name: pulumi.String(spec.hashKey), Type: pulumi.String("S")},
		},
		PointInTimeRecovery:       &dynamodb.TablePointInTimeRecoveryArgs{Enabled: pulumi.Bool(true)},
		ServerSideEncryption:      &dynamodb.TableServerSideEncryptionArgs{Enabled: pulumi.Bool(true)},
		DeletionProtectionEnabled: spec.deletionProtection,
	}
	if spec.rangeKey != "" {
		args.RangeKey = pulumi.String(spec.rangeKey)
		args.Attributes = append(args.Attributes.(dynamodb.TableAttributeArray),
			&dynamodb.TableAttributeArgs{Name: pulumi.String(spec.rangeKey), Type: pulumi.String("S")})
	}
	if spec.ttlAttribute != "" {
		args.Ttl = &dynamodb.TableTtlArgs{AttributeName: pulumi.String(spec.ttlAttribute), Enabled: pulumi.Bool(true)}
	}
	return dynamodb.NewTable(ctx, name, args, retained(opts, spec.adopt, spec.name)...)
}

// retained are the options of a store of user data: kept on delete, and
// imported by ID (its name) instead of created when adopt is set, so a new
// stack takes over what an earlier one left. The engine imports only a
// resource its state does not hold under that ID; for one it already
// manages the option changes nothing (pkg/resource/deploy/step_generator.go,
// isImport), so adopt may be set whenever the store exists.
func retained(base []pulumi.ResourceOption, adopt bool, id string) []pulumi.ResourceOption {
	opts := append(append([]pulumi.ResourceOption{}, base...), pulumi.RetainOnDelete(true))
	if adopt {
		opts = append(opts, pulumi.Import(pulumi.ID(id)))
	}
	return opts
}
