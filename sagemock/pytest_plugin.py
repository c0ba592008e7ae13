"""The pytest plugin (registered through the `pytest11` entry point).

Fixtures:
    sagemaker_mock: an active `MockSageMaker`, fresh for each test.
    sagemaker_client: a boto3 SageMaker client bound to it (us-east-1 unless the marker says).

Marker:
    @pytest.mark.sagemock(account_id=..., region=..., strict=..., seed=..., transitions=...)
    configures both fixtures for one test (any `MockSageMaker` argument is accepted); on a test
    that uses neither fixture it activates the mock for the test (its fixtures included).

Ini option:
    sagemock_strict = true   check every response against its output shape (ShapeError).

Every pytest run loads this module wherever sagemock is installed, so it imports nothing beyond
pytest: sagemock itself loads when a fixture or marker is first used. It also guards against
leaks: an activation begun in a test (or a function-scoped fixture) and still active after the
test's teardown is marked, and the next activation retires it with a `SagemockWarning`, so every
`sagemaker_mock` starts empty.
"""
from __future__ import annotations

import sys
import weakref
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .core.state import State
    from .mock import MockSageMaker

MARKER = "sagemock"
MOCK_FIXTURE = "sagemaker_mock"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("sagemock_strict", type="bool", default=False,
                  help="sagemock: fail a test when a mocked response does not match its output shape")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sagemock(account_id=..., region=..., strict=..., seed=..., transitions=...): "
        "configure the sagemaker_mock and sagemaker_client fixtures, or mock SageMaker for a test "
        "that uses neither",
    )
    if config.getini("sagemock_strict"):
        from . import mock

        mock.defaults["strict"] = True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked `sagemock` that asks for no sagemock fixture gets `sagemaker_mock` first."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is not None and MOCK_FIXTURE not in names and item.get_closest_marker(MARKER) is not None:
            names.insert(0, MOCK_FIXTURE)


# -- leaks ----------------------------------------------------------------------------------------

#: Activations begun while a fixture of a broader scope than the function was set up: they are
#: meant to outlive a test (a module-scoped mock, a decorated class's setup_class).
_lasting: weakref.WeakSet[State] = weakref.WeakSet()


def _active() -> list[State]:
    """The active mocks' states (none if sagemock was never activated in this process)."""
    intercept = sys.modules.get("sagemock.core.intercept")
    return list(intercept.active) if intercept is not None else []


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any]) -> Generator[None, None, None]:
    if fixturedef.scope == "function":
        yield
        return
    before = _active()
    yield
    for state in _active():
        if not any(state is seen for seen in before):
            _lasting.add(state)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown() -> Generator[None, None, None]:
    yield
    leaked = [state for state in _active() if state not in _lasting]
    if leaked:
        from . import mock

        mock.mark_leaked(leaked)


# -- fixtures -------------------------------------------------------------------------------------

def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError("@pytest.mark.sagemock takes keyword arguments only")
    return dict(marker.kwargs)


@pytest.fixture
def sagemaker_mock(request: pytest.FixtureRequest) -> Iterator[MockSageMaker]:
    """An active SageMaker mock with empty state, stopped after the test."""
    from .mock import MockSageMaker

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


__all__ = ["sagemaker_client", "sagemaker_mock"]
