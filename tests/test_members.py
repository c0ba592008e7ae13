"""Every input member of every implemented operation is honoured, refused, or ignored on the record.

An operation that accepts a member and does nothing with it answers a user who sends it as if it had
worked. For each operation of the installed model that sagemock implements, and each of its input
members, the operation's example request (`tests/fuzz/examples.py`) is sent with the member added (or,
for an optional member the example has, taken away). The member counts as honoured when the backend
reads it, or when its presence changes the answer, the error or the state. A member that does neither
must be in the operation's ledger (`@operation(ignores={member: reason})`), and a member in the ledger
must do neither, so the ledger can be trusted. A newer botocore that adds a member fails this test
until the member is implemented or put in the ledger with its reason.
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.model import Shape
from hypothesis import HealthCheck, find, settings

from sagemock import mock_sagemaker
from sagemock.core import backend, dispatch, service
from sagemock.core.patterns import matcher
from tests.fuzz import examples, world
from tests.fuzz.strategies import ShapeStrategies

_QUIET = settings(database=None, max_examples=200, suppress_health_check=list(HealthCheck))


class Reads(dict):  # type: ignore[type-arg]
    """Request parameters that note which members the backend reads."""

    def __init__(self, params: dict[str, Any], seen: set[str]):
        super().__init__(params)
        self.seen = seen

    def __getitem__(self, key: str) -> Any:
        self.seen.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return super().__contains__(key)

    def pop(self, key: str, *default: Any) -> Any:
        self.seen.add(key)
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return super().setdefault(key, default)


class Probe:
    """The fuzz world in a mock, with the backend's reads of each request recorded."""

    def __init__(self, mock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mock = mock
        self.seen: set[str] = set()
        handles = world.build(world.client(validate=True), mock)
        self.examples = examples.examples(handles)
        self.snapshot = mock.snapshot()
        #: The world as `send` answers a state, and whether the mock holds it as it is now.
        self.world = json.dumps(self.snapshot, sort_keys=True, default=str)
        self.pristine = False
        names = [arn for store in mock.state.stores.values() for arn in store.resources]
        self.strategies = ShapeStrategies(world.identifiers(names), world.DOCUMENTS)
        #: Texts a string member often takes, tried before drawing one (drawing costs a second a shape).
        self.texts = ["x", "fuzz-x1", "1", world.DATA, world.IMAGE, world.ROLE, "{}", *sorted(set(names)),
                      *(name.rsplit("/", 1)[-1] for name in sorted(set(names)))]
        self.client = world.client()
        self._patterns: dict[str, str] = {}
        real = backend.lookup

        def lookup(operation: str) -> Any:
            found = real(operation)
            if found is None:
                return None
            cls, method = found

            @functools.wraps(method)  # keeps the method's ledger (`backend.ignored_members` reads it)
            def reading(self_: Any, params: dict[str, Any], ctx: Any) -> Any:
                return method(self_, Reads(params, self.seen), ctx)

            return cls, reading

        monkeypatch.setattr(dispatch.backend, "lookup", lookup)

    def send(self, operation: str, params: dict[str, Any]) -> tuple[str, str]:
        """(what came back, the state after), the state restored first."""
        if not self.pristine:  # a restore costs more than the request: skipped when nothing changed
            self.mock.restore(self.snapshot)
        for needed, needed_params in examples.SETUP.get(operation, ()):  # the world as the example needs it
            getattr(self.client, xform_name(needed))(**needed_params)
        self.seen.clear()
        try:
            answer = getattr(self.client, xform_name(operation))(**copy.deepcopy(params))
            answer.pop("ResponseMetadata", None)
            outcome = "ok " + json.dumps(answer, sort_keys=True, default=str)
        except ClientError as error:
            outcome = f"{error.response['Error']['Code']} {error.response['Error']['Message']}"
        after = json.dumps(self.mock.snapshot(), sort_keys=True, default=str)
        self.pristine = after == self.world
        return outcome, after

    def value(self, shape: Shape) -> Any:
        """A small valid value of a shape, the same in every run."""
        kind = shape.type_name
        if kind == "structure":
            return {name: self.value(member) for name, member in shape.members.items()
                    if name in shape.required_members}
        if kind == "list":
            return [self.value(shape.member) for _ in range(max(int(shape.metadata.get("min", 1)), 1))]
        if kind == "map":
            return {self.value(shape.key): self.value(shape.value)}
        if kind == "boolean":
            return True
        if kind in ("integer", "long"):
            return max(int(shape.metadata.get("min", 1)), 1) if shape.metadata.get("max", 2) >= 1 else 0
        if kind in ("float", "double"):
            return float(shape.metadata.get("min", 1.0))
        if kind == "timestamp":
            return dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
        if shape.enum:
            return shape.enum[0]
        if shape.name not in self._patterns:
            low, high = int(shape.metadata.get("min", 0)), int(shape.metadata.get("max", 1 << 20))
            pattern = shape.metadata.get("pattern", "")
            fits = matcher(pattern) if pattern else (lambda _: True)
            texts = [text for text in [*self.texts, *_guesses(pattern)] if low <= len(text) <= high and fits(text)]
            self._patterns[shape.name] = texts[0] if texts else find(self.strategies.valid(shape), lambda _: True,
                                                                     settings=_QUIET)
        return self._patterns[shape.name]


def _guesses(pattern: str) -> list[str]:
    """Texts a pattern's own words suggest: its literal alternatives (`(notebook-al1-v1|...)`) and
    ARNs of the resource types it names (`...:[0-9]{12}:training-plan/.*`)."""
    literal = [word for group in re.findall(r"\(((?:[\w.-]+\|)+[\w.-]+)\)", pattern) for word in group.split("|")]
    arns = [f"arn:aws:sagemaker:{world.REGION}:{world.ACCOUNT}:{kind}/{'fuzz-resource-' * 4}{'/Model/x/1.0.0' * hub}"
            for kind in re.findall(r":([a-z][a-z-]*)(?:\\)?/", pattern) for hub in (0, 1)]
    return [*literal, *arns]


@pytest.fixture(scope="module")
def probe() -> Iterator[Probe]:
    with pytest.MonkeyPatch.context() as monkeypatch, mock_sagemaker(seed=7) as mock:
        yield Probe(mock, monkeypatch)


def honoured(probe: Probe, operation: str, member: str, shape: Shape) -> bool | None:
    """Whether the member makes a difference (None: a required member the example must keep)."""
    example = probe.examples[operation]
    if member in example:
        if member in shape.required_members:
            return None
        variant = {key: value for key, value in example.items() if key != member}
    else:
        variant = {**example, member: probe.value(shape.members[member])}
    outcome, state = probe.send(operation, variant)
    if member in probe.seen:
        return True
    return (outcome, state) != probe.send(operation, example)


OPERATIONS = [operation for operation in backend.implemented() if service.operation(operation).input_shape]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_input_member_is_honoured_or_ignored_on_the_record(probe: Probe, operation: str):
    shape = service.operation(operation).input_shape
    ledger = backend.ignored_members(operation)
    assert set(ledger) <= set(shape.members), f"{operation}'s ledger names members the model lacks"
    silent, listed_but_used = [], []
    for member in shape.members:
        verdict = honoured(probe, operation, member, shape)
        if verdict is False and member not in ledger:
            silent.append(member)
        elif verdict and member in ledger:
            listed_but_used.append(member)
    assert not silent, (f"{operation} accepts {', '.join(silent)} and does nothing with it: implement it, refuse "
                        "it with AWS's reason, or list it in @operation(ignores=...) with the reason")
    assert not listed_but_used, f"{operation}'s ledger lists {', '.join(listed_but_used)}, which it uses"
