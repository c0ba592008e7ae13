"""Every implemented operation, fuzzed with requests drawn from its botocore input shape.

The requests go through a boto3 client that does not validate them (`parameter_validation=False`),
so the mock's own server-side rules answer, inside a mock holding a small world of existing
resources (`world.py`) that the drawn names and ARNs sometimes hit. Properties:

- a request that satisfies its input shape is answered with a success (whose output shape strict
  mode checks) or a `ClientError` whose code the operation may answer: one it declares, or
  `ValidationException`; never a schema refusal, never another exception;
- a request that breaks one constraint is refused with `ValidationException` reporting that
  constraint at its path;
- a refused request, and a successful read, leave the state as it was (`mock.snapshot()`); the
  state a successful write leaves goes through a JSON snapshot and back unchanged;
- an operation with an idempotency token answers a repeated request with its first answer and
  does nothing twice, and refuses the token with another request.

CI runs the bounded `ci` profile; `HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz` explores
(see `conftest.py`).
"""
from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from sagemock import mock_sagemaker
from sagemock.core import backend, idempotency, service, snapshot
from sagemock.core.lifecycle import READING
from sagemock.core.resource import prose_limits
from sagemock.core.state import State
from tests.fuzz import examples, world
from tests.fuzz.conftest import selected
from tests.fuzz.outcomes import OUTCOMES
from tests.fuzz.strategies import ShapeStrategies

OPERATIONS = backend.implemented()
SEED = 20240501
#: The text of a refusal by the input-shape validator (a valid request must never get one).
SCHEMA_REFUSAL = "failed to satisfy constraint: Member must"


@functools.cache
def declared_prose_limits() -> frozenset[tuple[str, str]]:
    """Limits the API reference states in prose, which AWS answers in the validator's words (and the
    model does not declare): (operation, the member's path as the message names it), as the declared
    rules that refuse them say (`Rule.refuses`)."""
    backend.load_all()
    return frozenset(prose_limits())


class World:
    """The world's snapshot, strategies that know its names, and a mock to restore it into."""

    def __init__(self, mock: Any) -> None:
        self.client = world.client()
        self.mock = mock
        self.handles = world.build(world.client(validate=True), mock)
        self.examples = examples.examples(self.handles)
        self.snapshot = mock.snapshot()
        names = [arn for store in mock.state.stores.values() for arn in store.resources]
        self.strategies = ShapeStrategies(world.identifiers(names), world.DOCUMENTS)
        mock.restore(self.snapshot)
        assert mock.snapshot() == self.snapshot  # so each example compares with this document
        #: Whether the mock is known to hold the world as it is (an example compared its state with
        #: the world's snapshot and found them equal): the next example then need not restore it.
        self.pristine = True

    def reset(self) -> None:
        """Put the world back into the mock, unless the last example was seen to leave it as it was
        (a restore costs more than the request: skipping it halves the fuzz tests' time)."""
        if not self.pristine:
            self.mock.restore(self.snapshot)
        self.pristine = False


@pytest.fixture(scope="module")
def fuzz_world() -> Iterator[World]:
    """One mock for the module: each example restores the world into it (faster than a new mock)."""
    with mock_sagemaker(seed=SEED) as mock:
        yield World(mock)


def allowed_codes(operation: str) -> frozenset[str]:
    return service.declared_errors(operation) | {"ValidationException"}


def call(fuzz_world: World, operation: str, params: dict[str, Any]) -> ClientError | None:
    """Send the request against the world; the error it was refused with, or None."""
    mock = fuzz_world.mock
    fuzz_world.reset()
    before = fuzz_world.snapshot
    if operation in examples.SETUP:  # the world as this operation's example needs it
        for needed, needed_params in examples.SETUP[operation]:
            getattr(fuzz_world.client, xform_name(needed))(**needed_params)
        before = mock.snapshot()
    try:
        getattr(fuzz_world.client, xform_name(operation))(**params)
    except ClientError as error:
        assert error.response["Error"]["Code"] in allowed_codes(operation), error.response["Error"]
        assert mock.snapshot() == before, f"{operation} was refused but changed the state"
        fuzz_world.pristine = before is fuzz_world.snapshot
        return error
    after = mock.snapshot()
    if operation.startswith(READING):
        assert after == before, f"{operation} reads, yet changed the state"
        fuzz_world.pristine = before is fuzz_world.snapshot
    else:  # what the request wrote survives a snapshot through JSON and back
        text = json.dumps(after, allow_nan=False)
        rebuilt = State(mock.config)
        snapshot.load(rebuilt, json.loads(text))
        assert json.dumps(snapshot.dump(rebuilt), allow_nan=False) == text
    return None


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_example_succeeds(fuzz_world: World, operation: str):
    """Every implemented operation succeeds with a request that meets AWS's prose rules and references."""
    assert operation in fuzz_world.examples, f"tests/fuzz/examples.py has no example of {operation}"
    error = call(fuzz_world, operation, copy.deepcopy(fuzz_world.examples[operation]))
    assert error is None, error.response["Error"]


def test_every_operation_is_fuzzed():
    assert len(OPERATIONS) >= 100
    assert "CreateModelPackageGroup" in OPERATIONS


def grown(fuzz_world: World, operation: str) -> st.SearchStrategy[dict[str, Any]]:
    """The operation's example with up to two of its other members drawn valid: requests that meet the
    prose rules and references often, and reach the paths of the members the example leaves out."""
    example = fuzz_world.examples[operation]
    shape = service.operation(operation).input_shape
    others = sorted(name for name in (shape.members if shape is not None else ()) if name not in example)
    if not others:
        return st.just(copy.deepcopy(example))
    chosen = st.lists(st.sampled_from(others), max_size=2, unique=True)
    return chosen.flatmap(lambda names: st.fixed_dictionaries(
        {name: fuzz_world.strategies.valid(shape.members[name]) for name in names})).map(
        lambda extra: {**copy.deepcopy(example), **extra})


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


TOKENED = [op for op in OPERATIONS if idempotency.token_member(op) is not None]


def send(fuzz_world: World, operation: str, params: dict[str, Any]) -> tuple[str, Any]:
    """("ok", the answer without its metadata) or (the error code, the message)."""
    try:
        answer = getattr(fuzz_world.client, xform_name(operation))(**copy.deepcopy(params))
    except ClientError as error:
        assert error.response["Error"]["Code"] in allowed_codes(operation), error.response["Error"]
        return error.response["Error"]["Code"], error.response["Error"]["Message"]
    answer.pop("ResponseMetadata", None)
    return "ok", answer


@pytest.mark.parametrize("operation", TOKENED)
@selected()
@given(data=st.data())
def test_a_repeated_token_replays_the_first_answer(fuzz_world: World, operation: str, data: st.DataObject):
    """The same token and request: the first answer again, nothing done twice; the same token with
    another request: a conflict (`ValidationException` where none is declared), nothing done."""
    shape = service.operation(operation).input_shape
    member = idempotency.token_member(operation)
    token = data.draw(fuzz_world.strategies.valid(shape.members[member]), label="token")
    params = {**data.draw(fuzz_world.strategies.valid(shape), label="request"), member: token}
    fuzz_world.reset()
    first = send(fuzz_world, operation, params)
    after_first = fuzz_world.mock.snapshot()
    assert send(fuzz_world, operation, params) == first
    assert fuzz_world.mock.snapshot() == after_first
    if first[0] != "ok":
        return  # a refused request does not spend its token
    other = {**data.draw(fuzz_world.strategies.valid(shape), label="another request"), member: token}
    if other == params:
        return
    code, _message = send(fuzz_world, operation, other)
    assert code == ("ConflictException" if "ConflictException" in service.declared_errors(operation)
                    else "ValidationException")
    assert fuzz_world.mock.snapshot() == after_first


_PAGING = world.client()  # one client: making one per operation cost seconds at every collection
PAGED = [op for op in OPERATIONS if _PAGING.can_paginate(xform_name(op))]


def walk(fuzz_world: World, operation: str, params: dict[str, Any], page_size: int) -> tuple[str, Any]:
    """Every page of a List operation, merged; or the error code it was refused with."""
    paginator = fuzz_world.client.get_paginator(xform_name(operation))
    try:
        merged = paginator.paginate(**copy.deepcopy(params), PaginationConfig={"PageSize": page_size})
        return "ok", merged.build_full_result()
    except ClientError as error:
        return error.response["Error"]["Code"], None


@pytest.mark.parametrize("operation", PAGED)
@selected()
@given(data=st.data())
def test_pages_add_up_to_the_whole_list(fuzz_world: World, operation: str, data: st.DataObject):
    """Walked one item a page, a List answers the items of one big page, in the same order."""
    shape = service.operation(operation).input_shape
    params = {name: value for name, value in data.draw(fuzz_world.strategies.valid(shape), label="request").items()
              if name not in ("NextToken", "MaxResults")}
    fuzz_world.reset()
    limit = shape.members["MaxResults"].metadata if "MaxResults" in shape.members else {}
    whole = walk(fuzz_world, operation, params, int(limit.get("max", 100)))
    assert walk(fuzz_world, operation, params, int(limit.get("min", 1))) == whole


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
