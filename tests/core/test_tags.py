"""Tags through boto3: Tags on create, AddTags / ListTags / DeleteTags on the registry's resources."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:latest"
ARN_PATTERN = "arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+"


def error_of(excinfo) -> tuple[str, str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def make_group(client, **extra) -> str:
    return client.create_model_package_group(ModelPackageGroupName="g", **extra)["ModelPackageGroupArn"]


def make_unversioned(client, **extra) -> str:
    spec = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"], "SupportedTransformInstanceTypes": ["ml.m5.large"],
            "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"]}
    return client.create_model_package(ModelPackageName="solo", InferenceSpecification=spec,
                                       **extra)["ModelPackageArn"]


def make_algorithm(client, **extra) -> str:
    spec = {"TrainingImage": IMAGE, "SupportedTrainingInstanceTypes": ["ml.m5.large"],
            "TrainingChannels": [{"Name": "train", "SupportedContentTypes": ["text/csv"],
                                  "SupportedInputModes": ["File"]}]}
    return client.create_algorithm(AlgorithmName="algo", TrainingSpecification=spec, **extra)["AlgorithmArn"]


MAKERS = {"group": make_group, "unversioned-package": make_unversioned, "algorithm": make_algorithm}


def as_dict(tags):
    return {tag["Key"]: tag["Value"] for tag in tags}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_tags_on_create_then_add_list_delete(sagemaker_client, kind):
    arn = MAKERS[kind](sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}, {"Key": "env", "Value": "dev"}])
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "ml"}, {"Key": "env", "Value": "dev"}]
    added = sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"},
                                                            {"Key": "cost", "Value": ""}])
    assert added["Tags"] == [{"Key": "env", "Value": "prod"}, {"Key": "cost", "Value": ""}]
    assert as_dict(sagemaker_client.list_tags(ResourceArn=arn)["Tags"]) == {"team": "ml", "env": "prod", "cost": ""}
    deleted = sagemaker_client.delete_tags(ResourceArn=arn, TagKeys=["team", "not-there"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert as_dict(sagemaker_client.list_tags(ResourceArn=arn)["Tags"]) == {"env": "prod", "cost": ""}


def test_resource_without_tags_lists_none(sagemaker_client):
    arn = make_group(sagemaker_client)
    listed = sagemaker_client.list_tags(ResourceArn=arn)
    assert listed["Tags"] == [] and "NextToken" not in listed


def test_versioned_package_takes_no_tags(sagemaker_client):
    make_group(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    spec = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"]}
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=spec,
                                              Tags=[{"Key": "k", "Value": "v"}])
    assert error_of(err)[0] == "ValidationException"
    assert error_of(err)[2] == 400


def test_fifty_tags_is_the_limit(sagemaker_client):
    arn = make_group(sagemaker_client, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(49)])
    sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "k49", "Value": "v"}])
    listed = sagemaker_client.list_tags(ResourceArn=arn, MaxResults=50)
    assert len(listed["Tags"]) == 50 and "NextToken" not in listed
    with pytest.raises(ClientError) as err:
        sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "v"}])
    assert error_of(err)[0] == "ValidationException"
    assert "one-more" not in as_dict(sagemaker_client.list_tags(ResourceArn=arn)["Tags"])
    # Overwriting an existing key does not count against the limit.
    sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "k0", "Value": "changed"}])
    assert as_dict(sagemaker_client.list_tags(ResourceArn=arn)["Tags"])["k0"] == "changed"


def test_more_than_fifty_in_one_request(sagemaker_client):
    arn = make_group(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("1 validation error detected: Value '[")
    assert message.endswith("at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == []


def test_rejected_add_changes_nothing(sagemaker_client):
    arn = make_group(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    bad_requests = [
        # AWS's words: aws/sagemaker-python-sdk#1301 and #3608.
        ([{"Key": "ok", "Value": "v"}, {"Key": "aws:reserved", "Value": "v"}],
         "System prefix 'aws:' reserved for AWS usage in tag key: aws:reserved"),
        ([{"Key": "dup", "Value": "1"}, {"Key": "dup", "Value": "2"}], "Duplicate tag key"),
        ([{"Key": "ok", "Value": "v"}, {"Key": "bad\u0000key", "Value": "v"}], None),
    ]
    for tags, message in bad_requests:
        with pytest.raises(ClientError) as err:
            sagemaker_client.add_tags(ResourceArn=arn, Tags=tags)
        assert error_of(err)[0] == "ValidationException"
        assert message is None or error_of(err)[1] == message
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_delete_tags_refuses_aws_keys(sagemaker_client):
    """"ValidationException ... DeleteTags operation: System prefix 'aws:' reserved for AWS usage in tag
    key: aws:cloudformation:stack-name" (aws/sagemaker-python-sdk#1301)."""
    arn = make_group(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_tags(ResourceArn=arn, TagKeys=["team", "aws:cloudformation:stack-name"])
    assert error_of(err) == ("ValidationException", "System prefix 'aws:' reserved for AWS usage in tag key: "
                             "aws:cloudformation:stack-name", 400)
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_tag_paths_in_validation_errors(sagemaker_client):
    arn = make_group(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "ok", "Value": "v"}, {"Key": "k" * 129, "Value": "v"}])
    assert error_of(err)[1] == (
        f"1 validation error detected: Value '{'k' * 129}' at 'tags.2.member.key' failed to satisfy constraint: "
        "Member must have length less than or equal to 128")


def test_missing_resource(sagemaker_client):
    missing = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package-group/ghost"
    calls = [
        lambda: sagemaker_client.list_tags(ResourceArn=missing),
        lambda: sagemaker_client.add_tags(ResourceArn=missing, Tags=[{"Key": "k", "Value": "v"}]),
        lambda: sagemaker_client.delete_tags(ResourceArn=missing, TagKeys=["k"]),
    ]
    for call in calls:
        with pytest.raises(ClientError) as err:
            call()
        code, message, status = error_of(err)
        assert (code, status) == ("ValidationException", 400)
        assert missing in message


def test_bad_resource_arn(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_tags(ResourceArn="not-an-arn")
    assert error_of(err) == (
        "ValidationException",
        "1 validation error detected: Value 'not-an-arn' at 'resourceArn' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {ARN_PATTERN}",
        400,
    )


def test_deleted_resource_forgets_its_tags(sagemaker_client):
    arn = make_group(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    sagemaker_client.delete_model_package_group(ModelPackageGroupName="g")
    with pytest.raises(ClientError):
        sagemaker_client.list_tags(ResourceArn=arn)
    make_group(sagemaker_client)
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == []


def test_tags_are_per_account(sagemaker_mock):
    mine = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="111111111111",
                        aws_secret_access_key="x")
    theirs = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="222222222222",
                          aws_secret_access_key="x")
    arn = make_group(mine, Tags=[{"Key": "team", "Value": "ml"}])
    make_group(theirs)
    with pytest.raises(ClientError) as err:  # the other account cannot reach (or tag) my group
        theirs.add_tags(ResourceArn=arn, Tags=[{"Key": "team", "Value": "theirs"}])
    assert error_of(err)[0] == "ValidationException"
    assert mine.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_rejected_create_leaves_no_tags(sagemaker_client):
    with pytest.raises(ClientError):
        make_group(sagemaker_client, Tags=[{"Key": "aws:x", "Value": "v"}])
    with pytest.raises(ClientError):
        sagemaker_client.describe_model_package_group(ModelPackageGroupName="g")
    arn = make_group(sagemaker_client)
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == []
