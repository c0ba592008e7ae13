"""Idempotency tokens (`ClientToken`, `ClientRequestToken`), honoured once for every operation.

A request that carries a token the store has already seen for the same operation gets the first
answer again and runs nothing; the same token with different parameters is a conflict. botocore
fills `idempotencyToken` members with a fresh UUID when the caller does not, so only deliberate
repeats (a retry loop, an SDK re-sending a step) meet the ledger.

A record keeps what a replay needs and no more: a digest of the request (every member but the
token, unknown members included) and the answer given. Records are honoured for `lifetime()`
hours, the only lifetime SageMaker's model states for a token, and a store keeps at most
`MAX_RECORDS` of them (the oldest go first), so a long-running server's records stay bounded
however many requests carry tokens.
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from . import service
from .errors import ConflictError

if TYPE_CHECKING:
    from .state import Store

TOKEN_MEMBERS = ("ClientToken", "ClientRequestToken")

#: The most records a store keeps. AWS states no such bound; it keeps a long-running server's
#: memory and state file from growing with every request that carries a token (botocore sends
#: one with every call of an operation that has a token member).
MAX_RECORDS = 10_000

#: (digest of the request, the answer given, when: None for records restored from a format-1
#: snapshot, which did not say).
Record = tuple[str, dict[str, Any], _dt.datetime | None]


@functools.cache
def token_member(operation: str) -> str | None:
    """The input member that carries the operation's idempotency token, if it has one."""
    shape = service.operation(operation).input_shape
    if shape is None:
        return None
    names: list[str] = [name for name, member in shape.members.items()
                         if member.metadata.get("idempotencyToken") or name in TOKEN_MEMBERS]
    return names[0] if names else None


#: The lifetime newer models state (BatchAddClusterNodes' ClientToken: "This token is valid for 8
#: hours"), for the older models sagemock supports, which state none (botocore 1.35 has no
#: BatchAddClusterNodes): the service is the same whichever botocore a client has; only the
#: documentation is newer.
DOCUMENTED_LIFETIME = _dt.timedelta(hours=8)


@functools.cache
def lifetime() -> _dt.timedelta:
    """How long a token is honoured: "This token is valid for 8 hours" (BatchAddClusterNodes'
    ClientToken, the one token of the model whose documentation gives a lifetime; the others are
    silent, and the same lifetime is applied to them). A model that states none gets the lifetime
    newer ones state; one that states a different one is followed."""
    for name in sorted(service.operation_names()):
        member = token_member(name)
        if member is None:
            continue
        doc = service.operation(name).input_shape.members[member].documentation or ""
        found = re.search(r"valid for (\d+) hours", doc)
        if found:
            return _dt.timedelta(hours=int(found.group(1)))
    return DOCUMENTED_LIFETIME


def digest_text(canonical: str) -> str:
    """The digest kept for a request's canonical JSON (see `_canonical`)."""
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(params: dict[str, Any], member: str) -> str:
    return json.dumps({k: v for k, v in params.items() if k != member}, sort_keys=True, default=str)


def replay(store: Store, operation: str, member: str, params: dict[str, Any],
           now: _dt.datetime) -> dict[str, Any] | None:
    """The answer already given to this token, or None if the token is new (or has expired)."""
    key = (operation, params[member])
    seen: Record | None = store.idempotency.get(key)
    if seen is None:
        return None
    digest, answer, when = seen
    if when is not None and now - when >= lifetime():
        del store.idempotency[key]
        return None
    if digest != digest_text(_canonical(params, member)):
        raise ConflictError(f"The {member} {params[member]} was already used for a {operation} request "
                            "with different parameters.")
    return answer


def record(store: Store, operation: str, member: str, params: dict[str, Any], answer: dict[str, Any],
           now: _dt.datetime) -> None:
    records = store.idempotency
    records[(operation, params[member])] = (digest_text(_canonical(params, member)), answer, now)
    while len(records) > MAX_RECORDS:
        del records[next(iter(records))]  # dicts keep insertion order: the oldest first
    # Drop the expired records at the front too, so an idle ledger does not keep them.
    expiry = lifetime()
    while records:
        oldest = next(iter(records))
        when = records[oldest][2]
        if when is None or now - when < expiry:
            break
        del records[oldest]
