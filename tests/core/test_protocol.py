"""Request bodies sagemock refuses before anything runs: text no answer could carry back, and
nesting deeper than any valid request (issue 16, defects 4 and 7)."""
from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from sagemock import mock_sagemaker
from sagemock.core import protocol
from sagemock.core.errors import SerializationError, ValidationError


def client():
    return boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")


@mock_sagemaker
def test_a_lone_surrogate_in_a_value_that_passes_validation_is_refused_and_not_stored():
    """Python makes `\\udcff` of an undecodable file name. Stored, it would break every later
    Describe and List of the resource: no answer can carry it."""
    c = client()
    with pytest.raises(ClientError) as refused:
        c.create_pipeline(PipelineName="p", PipelineDescription="from /data/caf\udcff.json",
                          PipelineDefinition='{"Version": "2020-12-01", "Steps": []}',
                          RoleArn="arn:aws:iam::123456789012:role/r")
    error = refused.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == ("1 validation error detected: Value 'from /data/caf\\udcff.json' at "
                                "'pipelineDescription' failed to satisfy constraint: Member must contain only valid "
                                "Unicode characters (it holds an unpaired surrogate)")
    assert c.list_pipelines()["PipelineSummaries"] == []


@mock_sagemaker
def test_a_lone_surrogate_in_a_value_that_fails_validation_is_a_validation_exception():
    """Before: a raw UnicodeEncodeError escaped the boto3 call (the message quoted the value)."""
    c = client()
    with pytest.raises(ClientError) as refused:
        c.create_model_package_group(ModelPackageGroupName="g\udcff")
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "modelPackageGroupName" in refused.value.response["Error"]["Message"]


@mock_sagemaker
def test_surrogate_pairs_are_ordinary_text():
    c = client()
    c.create_model_package_group(ModelPackageGroupName="g", ModelPackageGroupDescription="rocket \U0001F680")
    described = c.describe_model_package_group(ModelPackageGroupName="g")
    assert described["ModelPackageGroupDescription"] == "rocket \U0001F680"


def test_nesting_is_measured_outside_strings():
    deep_text = json.dumps({"Description": "[" * 10_000})
    assert protocol.parse_body(deep_text.encode()) == {"Description": "[" * 10_000}
    with pytest.raises(SerializationError, match=f"at most {protocol.MAX_DEPTH} levels"):
        protocol.parse_body(b'{"a": ' + b"[" * protocol.MAX_DEPTH + b"]" * protocol.MAX_DEPTH + b"}")
    at_limit = b'{"a": ' + b"[" * (protocol.MAX_DEPTH - 1) + b"]" * (protocol.MAX_DEPTH - 1) + b"}"
    assert protocol.parse_body(at_limit)["a"]


def test_the_deepest_valid_search_expression_is_within_the_limit():
    """50 nested SubExpressions, the most the model's documentation allows, nest about 100 deep."""
    expression: dict = {"Filters": [{"Name": "ModelPackageGroupName", "Operator": "Equals", "Value": "x"}]}
    for _ in range(49):
        expression = {"SubExpressions": [expression]}
    body = json.dumps({"Resource": "ModelPackageGroup", "SearchExpression": expression})
    assert protocol.parse_body(body)["Resource"] == "ModelPackageGroup"


def test_lone_surrogates_are_found_wherever_they_are():
    body = json.dumps({"Tags": [{"Key": "k", "Value": "v\udc80"}], "Name": "ok"})
    with pytest.raises(ValidationError, match=r"Value 'v\\udc80' at 'tags.1.member.value'"):
        protocol.parse_body(body.encode())
