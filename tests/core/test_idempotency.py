"""Idempotency tokens are honoured for every operation that has one."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from sagemock import mock_sagemaker
from sagemock.core import idempotency

SPEC = {"Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"}]}


def client():
    return boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")


def test_token_members_come_from_the_model():
    assert idempotency.token_member("CreateModelPackage") == "ClientToken"
    assert idempotency.token_member("CreatePipeline") == "ClientRequestToken"
    assert idempotency.token_member("DescribeModelPackage") is None


@mock_sagemaker
def test_same_token_same_request_returns_the_first_answer():
    c = client()
    c.create_model_package_group(ModelPackageGroupName="g")
    first = c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-1")
    again = c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-1")
    assert first["ModelPackageArn"] == again["ModelPackageArn"]
    assert len(c.list_model_packages(ModelPackageGroupName="g")["ModelPackageSummaryList"]) == 1


@mock_sagemaker
def test_same_token_different_request_is_a_conflict_and_changes_nothing():
    c = client()
    c.create_model_package_group(ModelPackageGroupName="g")
    c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-1")
    with pytest.raises(c.exceptions.ConflictException) as err:
        c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-1",
                               ModelPackageDescription="different")
    assert "t-1" in err.value.response["Error"]["Message"]
    assert len(c.list_model_packages(ModelPackageGroupName="g")["ModelPackageSummaryList"]) == 1


@mock_sagemaker
def test_tokens_filled_by_botocore_make_each_call_new():
    c = client()
    c.create_model_package_group(ModelPackageGroupName="g")
    arns = {c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)["ModelPackageArn"]
            for _ in range(3)}
    assert len(arns) == 3


@mock_sagemaker
def test_a_failed_call_does_not_spend_its_token():
    c = client()
    with pytest.raises(ClientError):
        c.create_model_package(ModelPackageGroupName="missing", InferenceSpecification=SPEC, ClientToken="t-2")
    c.create_model_package_group(ModelPackageGroupName="missing")
    arn = c.create_model_package(ModelPackageGroupName="missing", InferenceSpecification=SPEC, ClientToken="t-2")
    assert arn["ModelPackageArn"].endswith("/missing/1")
