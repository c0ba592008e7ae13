"""Every implemented operation refuses a request that breaks one constraint of its input shape with
`ValidationException` reporting that constraint at its path, and changes nothing (`harness.call`);
and the strategies that break requests break every kind of constraint.
"""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from sagemock.core import service
from tests.fuzz.conftest import selected
from tests.fuzz.harness import (
    OPERATIONS,
    World,
    call,
    fuzz_world,
)

__all__ = ["fuzz_world"]  # the module's fixture: each module builds its own world


BREAKABLE = [op for op in OPERATIONS if service.operation(op).input_shape is not None]


@pytest.mark.parametrize("operation", BREAKABLE)
@selected()
@given(data=st.data())
def test_requests_breaking_a_constraint_are_refused(fuzz_world: World, operation: str, data: st.DataObject):
    broken = fuzz_world.strategies.invalid(service.operation(operation).input_shape)
    if broken is None:
        pytest.skip(f"nothing in {operation}'s input can be broken")
    params, violation = data.draw(broken, label="request and violation")
    error = call(fuzz_world, operation, params)
    assert error is not None, f"accepted although it breaks {violation}"
    assert error.response["Error"]["Code"] == "ValidationException", error.response["Error"]
    assert violation.found_in(error.response["Error"]["Message"]), (violation, error.response["Error"]["Message"])


def test_the_invalid_strategies_plant_every_kind_of_violation(fuzz_world: World):
    """The strategies are honest: across the operations they break each kind of constraint."""
    kinds = {"Member must not be null", "Member must have length greater than or equal to",
             "Member must have length less than or equal to", "Member must satisfy regular expression pattern",
             "Member must satisfy enum value set", "Member must have value greater than or equal to",
             "Member must have value less than or equal to"}

    def breaker(operation: str) -> Any:
        return fuzz_world.strategies.invalid(service.operation(operation).input_shape)

    drawn = st.sampled_from(BREAKABLE).flatmap(lambda op: breaker(op) if breaker(op) is not None else st.nothing())
    # One search per kind, which stops at the first request breaking that kind: how many operations
    # there are does not change whether a rarer kind is reached.
    for kind in sorted(kinds):
        found = find(drawn, lambda pair, kind=kind: pair[1].constraint.startswith(kind),
                     settings=settings(selected(), max_examples=2000, database=None, phases=(Phase.generate,)))
        assert found[1].constraint.startswith(kind)
    skipped = [op for op in BREAKABLE if breaker(op) is None]
    assert len(skipped) < len(BREAKABLE) // 10, skipped
