"""The pytest plugin (registered through the `pytest11` entry point).

Fixtures:
    sagemaker_mock: an active `MockSageMaker`, fresh for each test.
    sagemaker_client: a boto3 SageMaker client bound to it (us-east-1 unless the marker says).

Marker:
    @pytest.mark.sagemock(account_id=..., region=..., strict=..., seed=..., transitions=...)
    configures both fixtures for one test (any `MockSageMaker` argument is accepted).

Ini option:
    sagemock_strict = true   check every response against its output shape (ShapeError).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from . import mock as _mock
from .core.state import DEFAULT_ACCOUNT, DEFAULT_REGION
from .mock import MockSageMaker


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("sagemock_strict", type="bool", default=False,
                  help="sagemock: fail a test when a mocked response does not match its output shape")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sagemock(account_id=..., region=..., strict=..., seed=..., transitions=...): "
        "configure the sagemaker_mock and sagemaker_client fixtures",
    )
    if config.getini("sagemock_strict"):
        _mock.defaults["strict"] = True


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("sagemock")
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError("@pytest.mark.sagemock takes keyword arguments only")
    return dict(marker.kwargs)


@pytest.fixture
def sagemaker_mock(request: pytest.FixtureRequest) -> Iterator[MockSageMaker]:
    """An active SageMaker mock with empty state, stopped after the test."""
    with MockSageMaker(**_marker_options(request)) as mock:
        yield mock


@pytest.fixture
def sagemaker_client(sagemaker_mock: MockSageMaker) -> Any:
    """A boto3 SageMaker client that the mock answers, in the marker's account and region."""
    import boto3

    config = sagemaker_mock.config
    return boto3.client(
        "sagemaker",
        region_name=config.region,
        # An access key id of twelve digits selects that account in the mock.
        aws_access_key_id=config.account_id,
        aws_secret_access_key="sagemock",
    )


__all__ = ["DEFAULT_ACCOUNT", "DEFAULT_REGION", "sagemaker_client", "sagemaker_mock"]
