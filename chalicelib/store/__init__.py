"""The one door to DynamoDB. Nothing outside this package imports PynamoDB or parses AWS error codes.

`ports` says what the use cases need (one Protocol per aggregate); one module per aggregate
implements it on DynamoDB, `dynamo.DynamoStore` bundles them, `memory` is the in-memory twin.
"""
