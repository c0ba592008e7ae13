"""Idempotency tokens and paging, over every implemented operation that has them:

- an operation with an idempotency token answers a repeated request with its first answer and does
  nothing twice, and refuses the token with another request;
- walked one item a page, a List answers the items of one big page, in the same order.
"""
from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from sagemock.core import idempotency, service
from tests.fuzz import world
from tests.fuzz.conftest import selected
from tests.fuzz.harness import (
    OPERATIONS,
    World,
    allowed_codes,
    fuzz_world,
)

__all__ = ["fuzz_world"]  # the module's fixture: each module builds its own world


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
