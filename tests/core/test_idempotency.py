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


# -- issue 16: what a record keeps, and for how long ----------------------------------------------


def test_a_token_is_honoured_for_the_lifetime_the_model_states():
    assert idempotency.lifetime().total_seconds() == 8 * 3600  # "This token is valid for 8 hours"
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        first = c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-3")
        mock.advance(8 * 3600 - 60)
        assert c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-3")[
            "ModelPackageArn"] == first["ModelPackageArn"]
        mock.advance(120)  # the token has expired: the same request is a new one
        again = c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-3")
        assert again["ModelPackageArn"].endswith("/g/2")


def test_a_record_keeps_a_digest_of_the_request_not_the_request():
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g", ModelPackageGroupDescription="d" * 1024)
        c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-4",
                               ModelPackageDescription="x" * 1024)
        [store] = mock.state.stores.values()
        digest, answer, _when = store.idempotency[("CreateModelPackage", "t-4")]
        assert len(digest) == 64 and "x" * 100 not in repr(store.idempotency)
        assert answer["ModelPackageArn"].endswith("/g/1")


def test_a_store_keeps_at_most_the_documented_number_of_records(monkeypatch):
    monkeypatch.setattr(idempotency, "MAX_RECORDS", 5)
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        for index in range(8):
            c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken=f"b-{index}")
        [store] = mock.state.stores.values()
        assert [token for _operation, token in store.idempotency] == [f"b-{index}" for index in range(3, 8)]
        # The oldest token was dropped: its request now runs again.
        assert c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="b-0")[
            "ModelPackageArn"].endswith("/g/9")
