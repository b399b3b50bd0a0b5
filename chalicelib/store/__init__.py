"""The one door to DynamoDB. Nothing outside this package imports PynamoDB or parses AWS error codes."""
