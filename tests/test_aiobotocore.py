"""aiobotocore's async clients are intercepted like botocore's sync ones."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from sagemock import mock_sagemaker

from .model_support import unimplemented_list_operation

aiobotocore_session = pytest.importorskip("aiobotocore.session", reason="aiobotocore is in the aio extra (CI runs it)")

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def client(**config: Any) -> Any:
    from botocore.config import Config

    return aiobotocore_session.get_session().create_client(
        "sagemaker", config=Config(**config) if config else None, **CREDENTIALS)


def test_calls_errors_and_pages():
    async def scenario() -> None:
        async with client() as sm:
            arn = (await sm.create_model_package_group(ModelPackageGroupName="churn"))["ModelPackageGroupArn"]
            described = await sm.describe_model_package_group(ModelPackageGroupName="churn")
            assert described["ModelPackageGroupArn"] == arn
            assert described["CreationTime"].tzinfo is not None  # parsed by botocore, as from AWS
            with pytest.raises(ClientError) as missing:
                await sm.describe_model_package_group(ModelPackageGroupName="missing")
            assert missing.value.response["Error"]["Code"] == "ValidationException"
            assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
            for index in range(5):
                await sm.create_model_package_group(ModelPackageGroupName=f"g{index}")
            names = []
            async for page in sm.get_paginator("list_model_package_groups").paginate(
                    SortBy="Name", PaginationConfig={"PageSize": 2}):
                names += [g["ModelPackageGroupName"] for g in page["ModelPackageGroupSummaryList"]]
            assert names == ["churn", "g0", "g1", "g2", "g3", "g4"]

    with mock_sagemaker():
        asyncio.run(scenario())


def test_a_decorated_coroutine_function():
    @mock_sagemaker
    async def scenario() -> str:
        async with client() as sm:
            await sm.create_experiment(ExperimentName="exp")
            return (await sm.describe_experiment(ExperimentName="exp"))["ExperimentName"]

    assert asyncio.run(scenario()) == "exp"


def test_waiters_finish():
    async def scenario() -> None:
        async with client() as sm:
            await sm.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium",
                                              RoleArn="arn:aws:iam::123456789012:role/sm")
            await sm.get_waiter("notebook_instance_in_service").wait(
                NotebookInstanceName="nb", WaiterConfig={"Delay": 0.01, "MaxAttempts": 5})
            await sm.stop_notebook_instance(NotebookInstanceName="nb")
            await sm.get_waiter("notebook_instance_stopped").wait(
                NotebookInstanceName="nb", WaiterConfig={"Delay": 0.01, "MaxAttempts": 5})
            status = (await sm.describe_notebook_instance(NotebookInstanceName="nb"))["NotebookInstanceStatus"]
            assert status == "Stopped"

    with mock_sagemaker(transitions="reads"):
        asyncio.run(scenario())


def test_concurrent_tasks_lose_no_writes():
    async def scenario() -> list[int]:
        async with client(max_pool_connections=20) as sm:
            await sm.create_model_package_group(ModelPackageGroupName="shared")
            await asyncio.gather(*(sm.create_model_package(ModelPackageGroupName="shared", InferenceSpecification=SPEC)
                                   for _ in range(40)))
            versions: list[int] = []
            async for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName="shared"):
                versions += [p["ModelPackageVersion"] for p in page["ModelPackageSummaryList"]]
            return versions

    with mock_sagemaker():
        assert sorted(asyncio.run(scenario())) == list(range(1, 41))


def test_injected_throttling_is_retried():
    async def scenario(mock: Any) -> int:
        async with client(retries={"mode": "standard", "max_attempts": 3}) as sm:
            await sm.create_model_package_group(ModelPackageGroupName="g")
            mock.fail("DescribeModelPackageGroup", "ThrottlingException", "Rate exceeded", times=1)
            described = await sm.describe_model_package_group(ModelPackageGroupName="g")
            return int(described["ResponseMetadata"]["RetryAttempts"])

    with mock_sagemaker() as mock:
        assert asyncio.run(scenario(mock)) == 1


def test_a_client_created_before_the_mock_started():
    async def scenario() -> None:
        async with client() as sm:
            with mock_sagemaker():
                await sm.create_model_package_group(ModelPackageGroupName="early")
                listed = await sm.list_model_package_groups()
                assert [g["ModelPackageGroupName"] for g in listed["ModelPackageGroupSummaryList"]] == ["early"]

    asyncio.run(scenario())


def test_an_unimplemented_operation_never_leaves_the_process():
    operation = unimplemented_list_operation()

    async def scenario() -> None:
        async with client() as sm:
            with pytest.raises(ClientError) as refused:
                await getattr(sm, xform_name(operation))()
            assert refused.value.response["Error"]["Code"] == "NotImplemented"
            assert operation in refused.value.response["Error"]["Message"]

    with mock_sagemaker():
        asyncio.run(scenario())
