"""Code a user writes against sagemock's public API; `mypy --strict` must accept it as is.

Not a test module (pytest does not collect it): tests/test_typing.py type-checks it together
with the package, so a signature that loses its types (a decorator returning Any, say) fails.
"""
from __future__ import annotations

import json
import unittest
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3

from sagemock import MockSageMaker, ServiceError, ShapeError, SnapshotError, mock_sagemaker
from sagemock.server import ThreadedServer

if TYPE_CHECKING:
    from typing_extensions import assert_type


@mock_sagemaker
def plain() -> int:
    return 1


@mock_sagemaker
def add(left: int, right: int = 0) -> int:
    return left + right


@mock_sagemaker(seed=1, transitions="reads")
async def coroutine(name: str) -> str:
    return name


@mock_sagemaker
class Suite(unittest.TestCase):
    def test_it(self) -> None:
        pass


def context_manager() -> dict[str, Any]:
    with mock_sagemaker(strict=True) as mock:
        client = boto3.client("sagemaker", region_name="us-east-1")
        client.create_model_package_group(ModelPackageGroupName="g")
        mock.advance(10)
        mock.fail("DescribeModelPackageGroup", "ThrottlingException", times=2)
        document: dict[str, Any] = mock.snapshot()
        mock.restore(json.loads(json.dumps(document)))
        operations: list[str] = mock.implemented_operations()
        assert operations
        return document


def started() -> MockSageMaker:
    mock = mock_sagemaker()
    mock.start()
    mock.stop()
    return mock


def server() -> str:
    with ThreadedServer(state_file="state.json") as srv:
        srv.reset()
        srv.restore(srv.snapshot())
        url: str = srv.url
        return url


def errors(error: Exception) -> str:
    if isinstance(error, (ServiceError, ShapeError, SnapshotError)):
        return str(error)
    return ""


if TYPE_CHECKING:
    # The decorator keeps what it decorates: no Any leaks into the user's code.
    assert_type(plain(), int)
    # ... and its parameters (ParamSpec): a wrong argument is a type error, not a runtime one.
    assert_type(plain, Callable[[], int])
    assert_type(add(1, right=2), int)
    # mypy --strict reports an unused ignore: the ignores below prove the arguments are checked.
    add("1")  # type: ignore[arg-type]
    add(1, wrong=2)  # type: ignore[call-arg]

    async def awaits() -> None:
        assert_type(await coroutine("name"), str)
    assert_type(Suite, type[Suite])
    assert_type(mock_sagemaker(), MockSageMaker)
    assert_type(started().active, bool)


def studio_user(mock: MockSageMaker) -> None:
    with mock.act_as_studio_user("d-abcdefghijkl", "alice") as user:
        profile: str = user["UserProfileArn"]
        del profile
