package fakeaws

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
)

var dynamodbTypes = map[string]resourceType{
	"aws:dynamodb/table:Table": {
		args: dynamodb.TableArgs{}, state: dynamodb.TableState{},
		doc: registryPage("dynamodb/table"),
		// restoreSourceName and restoreSourceTableArn force a new table
		// through ForceNewIfChange, unless the new value is empty.
		replaceOnChanges:  []string{"hashKey", "localSecondaryIndexes", "name", "rangeKey", "restoreDateTime", "restoreSourceName", "restoreSourceTableArn", "restoreToLatestTime"},
		physicalName:      "name",
		autoName:          "name",
		autoNameMaxLength: 255,
		exists:            "ResourceInUseException: Table already exists: %s",
		arn:               "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
		arnDoc:            serviceAuthorization("amazondynamodb"),
		make:              byName("TableName"),
		refuseDelete:      refuseProtectedTable,
	},
}

// refuseProtectedTable: DeleteTable fails on a table with deletion
// protection (DynamoDB API reference, DeleteTable).
func refuseProtectedTable(_ *World, o *Object) error {
	ins, err := Props(o.Inputs)
	if err != nil {
		return err
	}
	if v := unwrap(ins["deletionProtectionEnabled"]); v.IsBool() && v.BoolValue() {
		return fmt.Errorf("deleting DynamoDB Table (%s): ValidationException: Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.", o.ID)
	}
	return nil
}
