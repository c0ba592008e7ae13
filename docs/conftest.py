"""The docs' Python code blocks run in the test suite (Sybil), page by page, like a notebook.

Every ```python block of every page under docs/ runs, in order, in one namespace per page, with
the suite's configuration (strict output checking) and none of the machine's AWS credentials: a
reader's machine may have none. A test a block defines (`def test_...`, `class Test...`) is run
too, as pytest would run it, with sagemock's fixtures and marker; a test that needs fixtures of
its own (a moto set-up, say) is only defined. A block that cannot run on its own (an excerpt of
a module, a server started elsewhere) says so with `<!-- skip: next -->` just above it, which
the rendered page does not show; `<!-- invisible-code-block: python -->` blocks hold set-up a
reader does not need to see. A ```mermaid block that follows a block which made a `diagram` must
show that very diagram.
"""
from __future__ import annotations

import asyncio
import inspect
import sys
import unittest
from collections.abc import Iterator
from typing import Any

import pytest
from sybil import Example, Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.markdown import CodeBlockParser, SkipParser

CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                        "AWS_PROFILE", "AWS_DEFAULT_PROFILE")
FIXTURES = {"sagemaker_mock", "sagemaker_client"}

_evaluate = PythonEvaluator()


def _run_function(function: Any) -> None:
    parameters = set(inspect.signature(function).parameters)
    if not parameters <= FIXTURES:
        return  # it needs fixtures of its own: defined, not run
    marks = [mark for mark in getattr(function, "pytestmark", []) if mark.name == "sagemock"]
    if not parameters and not marks:
        result = function()
        if inspect.iscoroutine(result):
            asyncio.run(result)
        return
    import boto3

    from sagemock import mock_sagemaker

    options: dict[str, Any] = {}
    for mark in marks:
        options.update(mark.kwargs)
    with mock_sagemaker(**options) as mock:  # the fixtures, or the marker alone, as the plugin does
        config = mock.config
        client = boto3.client("sagemaker", region_name=config.region, aws_access_key_id=config.account_id,
                              aws_secret_access_key="sagemock")
        given = {"sagemaker_mock": mock, "sagemaker_client": client}
        function(**{name: given[name] for name in parameters})


def _run_class(cls: type) -> None:
    if issubclass(cls, unittest.TestCase):
        result = unittest.TestResult()
        unittest.defaultTestLoader.loadTestsFromTestCase(cls).run(result)
        problems = result.errors + result.failures
        assert not problems, problems[0][1]
        return
    for name in sorted(dir(cls)):
        if not name.startswith("test") or not callable(getattr(cls, name)):
            continue
        test = cls()
        if hasattr(test, "setup_method"):
            test.setup_method(getattr(test, name))
        try:
            getattr(test, name)()
        finally:
            if hasattr(test, "teardown_method"):
                test.teardown_method(getattr(test, name))


def run_block(example: Example) -> None:
    """Run a block, then the tests it defines."""
    before = dict(example.namespace)
    _evaluate(example)
    for name, value in list(example.namespace.items()):
        if not name.lower().startswith("test") or before.get(name) is value:
            continue
        if inspect.isclass(value):
            _run_class(value)
        elif inspect.isfunction(value) and getattr(value, "__module__", None) != "pytest":
            _run_function(value)


def check_drawing(example: Example) -> None:
    """A ```mermaid block right after a block that made a `diagram` shows exactly that diagram."""
    diagram = example.namespace.pop("diagram", None)
    if diagram is not None:
        assert str(diagram) == example.parsed, f"the page shows another diagram than the code draws:\n{diagram}"


@pytest.fixture(scope="module")
def _no_machine_credentials(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The page runs as on a machine with no AWS configuration at all."""
    empty = tmp_path_factory.mktemp("aws")
    patch = pytest.MonkeyPatch()
    for name in CREDENTIAL_VARIABLES:
        patch.delenv(name, raising=False)
    patch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield
    patch.undo()


def _stop_what_the_page_left_running(namespace: dict[str, Any]) -> None:
    """A page may end with a mock started by hand: stop it, as the reader's process would end."""
    mock_module = sys.modules.get("sagemock.mock")
    if mock_module is None:
        return
    for value in namespace.values():
        if isinstance(value, mock_module.MockSageMaker):
            while value.active:
                value.stop()


pytest_collect_file = Sybil(
    parsers=[CodeBlockParser(language="python", evaluator=run_block),
             CodeBlockParser(language="mermaid", evaluator=check_drawing), SkipParser()],
    patterns=["*.md"],
    fixtures=["_no_machine_credentials"],
    teardown=_stop_what_the_page_left_running,
).pytest()
