"""What a test can do through the mock object: errors, time, snapshots."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock import mock_sagemaker


def client(**config):
    return boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s",
                        config=Config(**config) if config else None)


def test_injected_throttling_is_retried_by_botocore():
    with mock_sagemaker() as mock:
        c = client(retries={"mode": "standard", "max_attempts": 3})
        c.create_model_package_group(ModelPackageGroupName="g")
        mock.fail("DescribeModelPackageGroup", "ThrottlingException", "Rate exceeded", times=1)
        response = c.describe_model_package_group(ModelPackageGroupName="g")
        assert response["ResponseMetadata"]["RetryAttempts"] == 1
        assert response["ModelPackageGroupName"] == "g"


def test_injected_error_reaches_the_caller_when_retries_run_out():
    with mock_sagemaker() as mock:
        c = client(retries={"mode": "standard", "max_attempts": 1})
        mock.fail("CreateModelPackageGroup", "ResourceLimitExceeded", "You have exceeded a limit", times=None)
        for _ in range(2):
            with pytest.raises(ClientError) as err:
                c.create_model_package_group(ModelPackageGroupName="g")
            assert err.value.response["Error"] == {"Code": "ResourceLimitExceeded",
                                                   "Message": "You have exceeded a limit"}


def test_injected_error_is_per_operation():
    with mock_sagemaker() as mock:
        mock.fail("DescribeModelPackageGroup", "InternalFailure", status=500, times=None)
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")  # other operations still work
        assert c.list_model_package_groups()["ModelPackageGroupSummaryList"][0]["ModelPackageGroupName"] == "g"


def test_times_come_from_freezegun():
    with freeze_time("2024-02-03T04:05:06Z"), mock_sagemaker():
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        created = c.describe_model_package_group(ModelPackageGroupName="g")["CreationTime"]
        assert created == dt.datetime(2024, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)


def test_snapshot_and_restore():
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="kept")
        saved = mock.snapshot()
        c.create_model_package_group(ModelPackageGroupName="dropped")
        c.delete_model_package_group(ModelPackageGroupName="kept")
        mock.restore(saved)
        names = [g["ModelPackageGroupName"] for g in c.list_model_package_groups()["ModelPackageGroupSummaryList"]]
        assert names == ["kept"]
        c.add_tags(ResourceArn=c.describe_model_package_group(ModelPackageGroupName="kept")["ModelPackageGroupArn"],
                   Tags=[{"Key": "k", "Value": "v"}])


def test_reset_forgets_everything():
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        mock.reset()
        assert c.list_model_package_groups()["ModelPackageGroupSummaryList"] == []


def test_controls_need_an_active_mock():
    mock = mock_sagemaker()
    with pytest.raises(RuntimeError, match="not active"):
        mock.advance(1)


def test_seed_makes_generated_ids_repeatable():
    with mock_sagemaker(seed=7) as mock:
        first = [mock.state.random.random() for _ in range(3)]
        mock.seed(7)
        assert [mock.state.random.random() for _ in range(3)] == first


def test_seed_makes_request_ids_repeatable():
    def request_ids():
        with mock_sagemaker(seed=42):
            c = client()
            return [c.list_model_package_groups()["ResponseMetadata"]["RequestId"] for _ in range(2)]

    first = request_ids()
    assert first == request_ids()
    assert first[0] != first[1]
