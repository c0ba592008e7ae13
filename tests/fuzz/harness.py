"""What the fuzz tests of every operation share: the world in one mock, the requests' sending and
the checks every answer must pass (see the test modules: test_operations, test_refusals,
test_tokens_and_pages).

The requests go through a boto3 client that does not validate them (`parameter_validation=False`),
so the mock's own server-side rules answer, inside a mock holding a small world of existing
resources (`world.py`) that the drawn names and ARNs sometimes hit. Every answer is checked:

- a refusal is a code the operation may answer (one it declares, or `ValidationException`) and
  leaves the state as it was, as does a successful read (the stores' structures compared with a
  copy of them from before, `snapshot.live_contents`: the same test as comparing snapshots,
  at a fraction of the cost, since no JSON document is made);
- the state a successful write leaves goes through a JSON snapshot and back unchanged.
"""
from __future__ import annotations

import copy
import functools
import json
import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import strategies as st

from sagemock import mock_sagemaker
from sagemock.core import backend, service, snapshot
from sagemock.core.lifecycle import READING
from sagemock.core.resource import prose_limits
from sagemock.core.state import State
from tests.fuzz import examples, world
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
        #: The world's state as the stores hold it, pickled: unpickled, a copy of it that shares
        #: nothing with the mock (pickle keeps what is shared within it, as a restore must).
        self.pickled = pickle.dumps(snapshot.live_contents(mock.state), protocol=pickle.HIGHEST_PROTOCOL)
        self.contents = pickle.loads(self.pickled)
        #: Whether the mock is known to hold the world as it is (an example compared its state with
        #: the world's snapshot and found them equal): the next example then need not restore it.
        self.pristine = True

    def reset(self) -> None:
        """Put the world back into the mock, unless the last example was seen to leave it as it was
        (a restore costs more than the request: skipping it halves the fuzz tests' time). The world
        goes back from a copy of the stores it held (unpickled), which needs neither decoding nor the
        checks a snapshot from elsewhere gets (`mock.restore` of the world's snapshot is tested once,
        above)."""
        if not self.pristine:
            snapshot.replace(self.mock.state, pickle.loads(self.pickled), 0, check=False)
        self.pristine = False


def allowed_codes(operation: str) -> frozenset[str]:
    return service.declared_errors(operation) | {"ValidationException"}


def call(fuzz_world: World, operation: str, params: dict[str, Any]) -> ClientError | None:
    """Send the request against the world; the error it was refused with, or None."""
    mock = fuzz_world.mock
    fuzz_world.reset()
    before = fuzz_world.contents
    if operation in examples.SETUP:  # the world as this operation's example needs it
        for needed, needed_params in examples.SETUP[operation]:
            getattr(fuzz_world.client, xform_name(needed))(**needed_params)
        before = pickle.loads(pickle.dumps(snapshot.live_contents(mock.state), protocol=pickle.HIGHEST_PROTOCOL))
    try:
        getattr(fuzz_world.client, xform_name(operation))(**params)
    except ClientError as error:
        assert error.response["Error"]["Code"] in allowed_codes(operation), error.response["Error"]
        assert snapshot.live_contents(mock.state) == before, f"{operation} was refused but changed the state"
        fuzz_world.pristine = before is fuzz_world.contents
        return error
    if operation.startswith(READING):
        assert snapshot.live_contents(mock.state) == before, f"{operation} reads, yet changed the state"
        fuzz_world.pristine = before is fuzz_world.contents
    else:  # what the request wrote survives a snapshot through JSON and back
        after = mock.snapshot()
        text = json.dumps(after, allow_nan=False)
        rebuilt = State(mock.config)
        snapshot.load(rebuilt, json.loads(text))
        assert json.dumps(snapshot.dump(rebuilt), allow_nan=False) == text
    return None


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



@pytest.fixture(scope="module")
def fuzz_world() -> Iterator[World]:
    """One mock for a test module: each example restores the world into it (faster than a new mock)."""
    with mock_sagemaker(seed=SEED) as mock:
        yield World(mock)
