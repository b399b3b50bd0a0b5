"""The import bucket, where staff drop stage-import CSVs, and the upload event that runs the import."""

from __future__ import annotations

from infra.template.stage import StageConfig, Template, _keep_in_production, _tags, import_bucket_name


def _import_upload_event() -> Template:
    """SAM makes the bucket's notification and the permission to invoke the function from it."""
    return {
        "Type": "S3",
        "Properties": {
            "Bucket": {"Ref": "ImportBucket"},
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "imports/"}]}},
        },
    }


def _import_bucket(stage: StageConfig) -> Template:
    """Where staff drop stage-import CSVs (`imports/`); the import function writes rejected rows
    to `imports-rejected/`. These files hold whole NIKs: private, TLS only, kept 30 days."""
    bucket_arn = {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::loket-{stage.name}-imports-${{AWS::AccountId}}"}
    objects_arn = {
        "Fn::Sub": f"arn:${{AWS::Partition}}:s3:::loket-{stage.name}-imports-${{AWS::AccountId}}/*"
    }
    expire = [
        {"Id": f"expire-{prefix.rstrip('/')}", "Status": "Enabled", "Prefix": prefix, "ExpirationInDays": 30}
        for prefix in ("imports/", "imports-rejected/")
    ]
    return {
        "ImportBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": _keep_in_production(stage),
            "UpdateReplacePolicy": _keep_in_production(stage),
            "Properties": {
                "BucketName": import_bucket_name(stage.name),
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
                "LifecycleConfiguration": {
                    "Rules": [
                        *expire,
                        {
                            "Id": "abort-uploads",
                            "Status": "Enabled",
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                        },
                    ]
                },
                "Tags": _tags(stage),
            },
        },
        "ImportBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "ImportBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [bucket_arn, objects_arn],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                },
            },
        },
    }
