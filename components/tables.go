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

// PushTablesArgs names the tables.
type PushTablesArgs struct {
	RouterTableName  pulumi.StringInput // "<tablePrefix>_router"
	MessageTableName pulumi.StringInput // "<tablePrefix>_message"
	// DeletionProtection turns on DynamoDB deletion protection for both.
	DeletionProtection pulumi.BoolInput
}

// NewPushTables registers the router and message tables with the key schema
// of autopush 1.58 (reference: autopush.md): router keyed by uaid; message
// keyed by uaid and chidmessageid, expiring on the "expiry" attribute.
// On-demand billing, point-in-time recovery and encryption at rest on both.
func NewPushTables(ctx *pulumi.Context, name string, args *PushTablesArgs, opts ...pulumi.ResourceOption) (*PushTables, error) {
	t := &PushTables{}
	if err := ctx.RegisterComponentResource(Project+":storage:PushTables", name, t, opts...); err != nil {
		return nil, err
	}
	// Retained: `pulumi destroy` and replacements leave the data in place.
	keep := []pulumi.ResourceOption{pulumi.Parent(t), pulumi.RetainOnDelete(true)}

	router, err := dynamodb.NewTable(ctx, name+"-router", &dynamodb.TableArgs{
		Name:        args.RouterTableName,
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String("uaid"),
		Attributes: dynamodb.TableAttributeArray{
			&dynamodb.TableAttributeArgs{Name: pulumi.String("uaid"), Type: pulumi.String("S")},
		},
		PointInTimeRecovery:       &dynamodb.TablePointInTimeRecoveryArgs{Enabled: pulumi.Bool(true)},
		ServerSideEncryption:      &dynamodb.TableServerSideEncryptionArgs{Enabled: pulumi.Bool(true)},
		DeletionProtectionEnabled: args.DeletionProtection,
	}, keep...)
	if err != nil {
		return nil, fmt.Errorf("router table: %w", err)
	}
	message, err := dynamodb.NewTable(ctx, name+"-message", &dynamodb.TableArgs{
		Name:        args.MessageTableName,
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String("uaid"),
		RangeKey:    pulumi.String("chidmessageid"),
		Attributes: dynamodb.TableAttributeArray{
			&dynamodb.TableAttributeArgs{Name: pulumi.String("uaid"), Type: pulumi.String("S")},
			&dynamodb.TableAttributeArgs{Name: pulumi.String("chidmessageid"), Type: pulumi.String("S")},
		},
		Ttl: &dynamodb.TableTtlArgs{
			AttributeName: pulumi.String("expiry"),
			Enabled:       pulumi.Bool(true),
		},
		PointInTimeRecovery:       &dynamodb.TablePointInTimeRecoveryArgs{Enabled: pulumi.Bool(true)},
		ServerSideEncryption:      &dynamodb.TableServerSideEncryptionArgs{Enabled: pulumi.Bool(true)},
		DeletionProtectionEnabled: args.DeletionProtection,
	}, keep...)
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
