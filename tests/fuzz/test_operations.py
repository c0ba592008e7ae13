"""Every implemented operation, fuzzed with valid requests drawn from its botocore input shape.

Properties (the checks every answer passes are in `harness.py`):

- every operation succeeds with its example (`examples.py`), a request that meets AWS's prose rules
  and references by construction;
- a request that satisfies its input shape is answered with a success (whose output shape strict
  mode checks) or a `ClientError` whose code the operation may answer; never a schema refusal,
  never another exception.

The refusals of broken requests are in `test_refusals.py`, idempotency tokens and paging in
`test_tokens_and_pages.py`: three modules, so that xdist's workers share them (one worker runs a
whole file). CI runs the bounded `ci` profile; `HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz`
explores (see `conftest.py`).
"""
from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sagemock.core import service
from tests.fuzz.conftest import selected
from tests.fuzz.harness import (
    OPERATIONS,
    SCHEMA_REFUSAL,
    World,
    call,
    declared_prose_limits,
    fuzz_world,
    grown,
)
from tests.fuzz.outcomes import OUTCOMES

__all__ = ["fuzz_world"]  # the module's fixture: each module builds its own world


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_example_succeeds(fuzz_world: World, operation: str):
    """Every implemented operation succeeds with a request that meets AWS's prose rules and references."""
    assert operation in fuzz_world.examples, f"tests/fuzz/examples.py has no example of {operation}"
    error = call(fuzz_world, operation, copy.deepcopy(fuzz_world.examples[operation]))
    assert error is None, error.response["Error"]


def test_every_operation_is_fuzzed():
    assert len(OPERATIONS) >= 100
    assert "CreateModelPackageGroup" in OPERATIONS


@pytest.mark.parametrize("operation", OPERATIONS)
@selected()
@given(data=st.data())
def test_valid_requests_get_a_success_or_an_allowed_error(fuzz_world: World, operation: str, data: st.DataObject):
    """Requests grown from the example (three draws in four) or drawn from the input shape alone."""
    shape = service.operation(operation).input_shape
    drawn = fuzz_world.strategies.valid(shape) if shape is not None else st.just({})
    params = data.draw(st.integers(0, 3).flatmap(lambda pick: drawn if pick == 3 else grown(fuzz_world, operation)),
                       label="request")
    error = call(fuzz_world, operation, params)
    OUTCOMES[operation][error is None] += 1
    if error is not None:
        message = error.response["Error"]["Message"]
        if not any(where == operation and f"at '{path}' failed" in message for where, path in declared_prose_limits()):
            assert SCHEMA_REFUSAL not in message, error.response["Error"]
