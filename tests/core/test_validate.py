"""Input validation generated from the service model, as AWS reports it."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.exceptions import ClientError

from sagemock import mock_sagemaker
from sagemock.core import service, validate
from sagemock.core.errors import SerializationError, ValidationError


def check(operation: str, params: dict) -> dict:
    return validate.request(service.operation(operation), params)


def test_a_valid_request_passes_unchanged():
    params = {"ModelPackageGroupName": "ok-name", "Tags": [{"Key": "team", "Value": "ml"}]}
    assert check("CreateModelPackageGroup", dict(params)) == params


def test_length_and_pattern_are_both_reported_in_aws_form():
    pattern = service.shape("EntityName").metadata["pattern"]
    with pytest.raises(ValidationError) as err:
        check("CreateModelPackageGroup", {"ModelPackageGroupName": "bad_name" * 10})
    assert err.value.message == (
        "2 validation errors detected: "
        f"Value '{'bad_name' * 10}' at 'modelPackageGroupName' failed to satisfy constraint: "
        "Member must have length less than or equal to 63; "
        f"Value '{'bad_name' * 10}' at 'modelPackageGroupName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    )


def test_missing_required_member_is_null():
    with pytest.raises(ValidationError) as err:
        check("CreateModelPackageGroup", {})
    assert err.value.message == (
        "1 validation error detected: Value null at 'modelPackageGroupName' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_enum_message_lists_the_model_values():
    with pytest.raises(ValidationError) as err:
        check("ListModelPackages", {"SortOrder": "Sideways"})
    values = ", ".join(service.enum_values("SortOrder"))
    assert err.value.message.endswith(f"Member must satisfy enum value set: [{values}]")
    assert "at 'sortOrder'" in err.value.message


def test_numeric_range_from_the_model():
    limit = service.max_results_limit("ListModelPackages")
    with pytest.raises(ValidationError) as err:
        check("ListModelPackages", {"MaxResults": limit + 1})
    assert f"Member must have value less than or equal to {limit}" in err.value.message


def test_nested_list_members_use_the_member_path():
    spec = {"Containers": [{"Image": "ok"}, {"Image": "x" * 256}]}
    with pytest.raises(ValidationError) as err:
        check("CreateModelPackage", {"ModelPackageGroupName": "g", "InferenceSpecification": spec})
    assert "at 'inferenceSpecification.containers.2.member.image'" in err.value.message


def test_list_size_limit_comes_from_the_model():
    cap = service.shape("InferenceSpecification").members["Containers"].metadata["max"]
    spec = {"Containers": [{"Image": "img"}] * (cap + 1)}
    with pytest.raises(ValidationError) as err:
        check("CreateModelPackage", {"ModelPackageGroupName": "g", "InferenceSpecification": spec})
    assert f"at 'inferenceSpecification.containers' failed to satisfy constraint: " \
           f"Member must have length less than or equal to {cap}" in err.value.message


def test_unicode_property_patterns_are_understood():
    # Tag keys use Java's \p{L}: letters of any script pass, control characters do not.
    check("AddTags", {"ResourceArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g",
                      "Tags": [{"Key": "équipe-模型", "Value": "ok"}]})
    with pytest.raises(ValidationError) as err:
        check("AddTags", {"ResourceArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g",
                          "Tags": [{"Key": "bad\u0007key", "Value": "ok"}]})
    assert "at 'tags.1.member.key'" in err.value.message


def test_predefined_classes_are_ascii_as_in_java():
    """Java's \\d is [0-9] and its \\s [ \\t\\n\\x0B\\f\\r], unlike Python's Unicode classes."""
    role = "arn:aws:iam::\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662:role/r"
    with pytest.raises(ValidationError) as err:  # RoleArn: arn:aws[a-z\-]*:iam::\d{12}:role/?...
        check("CreateModel", {"ModelName": "m", "ExecutionRoleArn": role})
    assert "at 'executionRoleArn' failed to satisfy constraint: Member must satisfy regular expression" \
           in err.value.message
    # ModelPackageArn ends in [\S]{1,2048}: U+001F is no whitespace to Java.
    check("BatchDescribeModelPackage", {"ModelPackageArnList": [
        "arn:aws:sagemaker:us-east-1:123456789012:model-package/g\u001f"]})


def test_wrong_types_are_serialization_errors():
    with pytest.raises(SerializationError):
        check("ListModelPackages", {"MaxResults": "ten"})
    with pytest.raises(SerializationError):
        check("CreateModelPackageGroup", {"ModelPackageGroupName": ["list"]})


def test_timestamps_are_decoded_for_backends():
    params = check("ListModelPackages", {"CreationTimeAfter": 1700000000, "CreationTimeBefore": "2024-01-01T00:00:00Z"})
    assert params["CreationTimeAfter"] == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
    assert params["CreationTimeBefore"] == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


@mock_sagemaker
def test_through_boto3_a_rejected_call_changes_nothing():
    client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    with pytest.raises(ClientError) as err:
        client.create_model_package_group(ModelPackageGroupName="g", ModelPackageGroupDescription="d" * 1025)
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "at 'modelPackageGroupDescription'" in err.value.response["Error"]["Message"]
    assert client.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
