"""The pipeline every request goes through, from the interception hook or the server alike.

parse -> context -> validate -> backend method (under the store's lock) -> shape -> render.
Any `ServiceError` on the way becomes AWS's error answer with the code the operation declares;
a request that fails validation never reaches a backend, so it changes nothing.
"""
from __future__ import annotations

import logging
from typing import Any

from . import backend, idempotency, protocol, service, shape, validate
from .context import Context, credential_scope, region_from_host
from .errors import NotImplementedOperation, ServiceError, UnknownOperation
from .identity import account_for
from .lifecycle import READING
from .state import State

log = logging.getLogger("sagemock")


def handle(state: State, operation: str, body: bytes | str | None, headers: protocol.Headers,
           url: str) -> protocol.Rendered:
    """Answer one SageMaker request as (status, headers, body)."""
    rid = protocol.request_id(state.random)
    try:
        result = _run(state, operation, body, headers, url)
    except ServiceError as error:
        declared = service.declared_errors(operation) if operation in service.operation_names() else frozenset()
        code = error.code_for(declared)
        log.debug("%s -> %s: %s", operation, code, error.message)
        return protocol.render_error(error, code, rid)
    return protocol.render(result, rid)


def changes_state(state: State, operation: str) -> bool:
    """Whether a successful `operation` may have changed the resources: every write, and in the
    slower transition modes every read too (a read moves lifecycles on). The state file saves
    after exactly these."""
    return not operation.startswith(READING) or state.config.transitions != "instant"


def call(ctx: Context, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run another operation as part of the one `ctx` serves, as SageMaker does when one resource
    makes others (a tuning job launches training jobs, and stops them).

    The request is checked against the operation's input shape as a client's would be, and answered
    by the family that implements it, in the same store, under the lock already held, at the same
    time; the answer comes back unshaped. A family reaches another's behaviour this way without
    importing it. An error is raised as the inner operation raised it: families check every rule
    before they change anything, so a refused inner request changes nothing either.
    """
    found = backend.lookup(operation)
    if found is None:
        raise NotImplementedOperation(operation)
    cls, method = found
    checked = validate.request(service.operation(operation), params)
    inner = Context(ctx.state, ctx.store, operation, ctx.access_key, ctx.headers, ctx.now)
    result = method(ctx.store.backend(cls), checked, inner)
    if not operation.startswith(READING):
        ctx.store.changed(cls.__name__)
    return result or {}


def _run(state: State, operation: str, body: bytes | str | None, headers: protocol.Headers,
         url: str) -> dict[str, Any]:
    if operation not in service.operation_names():  # (the lookup below also finds snake_case names)
        raise UnknownOperation(f"Operation {operation} is not a SageMaker operation.")
    found = backend.lookup(operation)
    if found is None:
        raise NotImplementedOperation(operation)
    if state.injected:
        injected = state.take_injected(operation)
        if injected is not None:
            raise ServiceError(injected.message, code=injected.code, status=injected.status)
    op_model = service.operation(operation)
    params = validate.request(op_model, protocol.parse_body(body))
    access_key, region = credential_scope(headers)
    if region is None:
        region = region_from_host(url) or state.config.region
    store = state.store(account_for(access_key, state.config.account_id), region)
    cls, method = found
    token = idempotency.token_member(operation)
    if token is not None and not params.get(token):
        token = None
    changing = changes_state(state, operation)
    with store.lock:
        # An incremental state file saves what this request reaches (`changelog`).
        store.log.recording = changing and state.tracking
        try:
            now = state.clock.now()
            if token is not None:
                answer = idempotency.replay(store, operation, token, params, now)
                if answer is not None:
                    return answer
            ctx = Context(state, store, operation, access_key, headers, now)
            result = method(store.backend(cls), params, ctx)
            if not operation.startswith(READING):  # a write that went through: derived views are stale
                store.changed(cls.__name__)
            if changing:
                state.note_change()
            answer = shape.output(op_model.output_shape, result, state.config.strict)
            if token is not None:
                idempotency.record(store, operation, token, params, answer, now)
            return answer
        finally:
            store.log.recording = False
