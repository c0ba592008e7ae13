"""Idempotency tokens (`ClientToken`, `ClientRequestToken`), honoured once for every operation.

A request that carries a token the store has already seen for the same operation gets the first
answer again and runs nothing; the same token with different parameters is a conflict. botocore
fills `idempotencyToken` members with a fresh UUID when the caller does not, so only deliberate
repeats (a retry loop, an SDK re-sending a step) meet the ledger.
"""
from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from . import service
from .errors import ConflictError

if TYPE_CHECKING:
    from .state import Store

TOKEN_MEMBERS = ("ClientToken", "ClientRequestToken")


@functools.cache
def token_member(operation: str) -> str | None:
    """The input member that carries the operation's idempotency token, if it has one."""
    shape = service.operation(operation).input_shape
    if shape is None:
        return None
    names: list[str] = [name for name, member in shape.members.items()
                         if member.metadata.get("idempotencyToken") or name in TOKEN_MEMBERS]
    return names[0] if names else None


def _fingerprint(params: dict[str, Any], member: str) -> str:
    return json.dumps({k: v for k, v in params.items() if k != member}, sort_keys=True, default=str)


def replay(store: Store, operation: str, member: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """The answer already given to this token, or None if the token is new."""
    seen = store.idempotency.get((operation, params[member]))
    if seen is None:
        return None
    fingerprint, answer = seen
    if fingerprint != _fingerprint(params, member):
        raise ConflictError(f"The {member} {params[member]} was already used for a {operation} request "
                            "with different parameters.")
    return answer


def record(store: Store, operation: str, member: str, params: dict[str, Any], answer: dict[str, Any]) -> None:
    store.idempotency[(operation, params[member])] = (_fingerprint(params, member), answer)
