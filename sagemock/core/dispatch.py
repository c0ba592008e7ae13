"""The pipeline every request goes through, from the interception hook or the server alike.

parse -> context -> validate -> backend method (under the store's lock) -> shape -> render.
Any `ServiceError` on the way becomes AWS's error answer with the code the operation declares;
a request that fails validation never reaches a backend, so it changes nothing.

SageMaker's requests and the data-plane services' (`service.DATA_PLANE`) take the same path; only
parsing and rendering follow each service's protocol (AWS JSON 1.1 in `protocol`, rest-json in
`rest_json`), and errors take the service's own codes (`service.validation_code`).
"""
from __future__ import annotations

import logging
from typing import Any

from . import backend, idempotency, protocol, rest_json, service, shape, validate
from .context import Context, credential_scope, region_from_host
from .errors import NotImplementedOperation, ServiceError, UnknownOperation
from .identity import account_for
from .lifecycle import READING
from .state import State

log = logging.getLogger("sagemock")


def handle(state: State, operation: str, body: bytes | str | None, headers: protocol.Headers,
           url: str, service_name: str = service.SERVICE_NAME) -> protocol.Rendered:
    """Answer one request to a served service as (status, headers, body)."""
    rid = protocol.request_id(state.random)
    if service_name == service.SERVICE_NAME:
        try:
            result = _run(state, operation, body, headers, url)
        except ServiceError as error:
            declared = service.declared_errors(operation) if operation in service.operation_names() else frozenset()
            code = error.code_for(declared)
            log.debug("%s -> %s: %s", operation, code, error.message)
            return protocol.render_error(error, code, rid)
        return protocol.render(result, rid)
    try:
        result = _run(state, operation, body, headers, url, service_name)
    except ServiceError as error:
        known = operation in service.operation_names_in(service_name)
        code = error.code_for(service.declared_errors_in(service_name, operation) if known else frozenset())
        if code == "ValidationException":
            code = service.validation_code(service_name)
        log.debug("%s %s -> %s: %s", service_name, operation, code, error.message)
        return rest_json.render_error(error, code, rid)
    return rest_json.render(service.operation_in(service_name, operation), result, rid)


def changes_state(state: State, operation: str, service_name: str = service.SERVICE_NAME) -> bool:
    """Whether a successful `operation` may have changed the resources: every write, and in the
    slower transition modes every read too (a read moves lifecycles on). The state file saves
    after exactly these. A data-plane family lists the operations that only read (`Backend.READS`)."""
    if service_name != service.SERVICE_NAME:
        found = backend.lookup(operation, service_name)
        reads = found is not None and operation in found[0].READS
    else:
        reads = operation.startswith(READING)
    return not reads or state.config.transitions != "instant"


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
         url: str, service_name: str = service.SERVICE_NAME) -> dict[str, Any]:
    sagemaker = service_name == service.SERVICE_NAME
    if operation not in service.operation_names_in(service_name):  # (the lookup also finds snake_case names)
        raise UnknownOperation(f"Operation {operation} is not a {service.label(service_name)} operation.")
    found = backend.lookup(operation) if sagemaker else backend.lookup(operation, service_name)
    if found is None:
        raise NotImplementedOperation(operation, service.label(service_name))
    if state.injected:
        injected = state.take_injected(operation)
        if injected is not None:
            raise ServiceError(injected.message, code=injected.code, status=injected.status)
    if sagemaker:
        op_model = service.operation(operation)
        params = validate.request(op_model, protocol.parse_body(body))
    else:
        op_model = service.operation_in(service_name, operation)
        params = validate.request(op_model, rest_json.parse(op_model, url, headers, body))
    access_key, region = credential_scope(headers)
    if region is None:
        region = region_from_host(url) or state.config.region
    store = state.store(account_for(access_key, state.config.account_id), region)
    cls, method = found
    token = idempotency.token_member(operation) if sagemaker else None
    if token is not None and not params.get(token):
        token = None
    # (As `changes_state` says, with the family already at hand.)
    writes = not (operation.startswith(READING) if sagemaker else operation in cls.READS)
    changing = writes or state.config.transitions != "instant"
    with store.lock:
        # An incremental state file saves what this request reaches (`changelog`).
        store.log.recording = changing and state.tracking
        store.changing = changing  # (tables note what they hand out: `Table.note`)
        try:
            now = state.clock.now()
            if token is not None:
                answer = idempotency.replay(store, operation, token, params, now)
                if answer is not None:
                    return answer
            ctx = Context(state, store, operation, access_key, headers, now)
            result = method(store.backend(cls), params, ctx)
            if writes:
                store.changed(cls.__name__)  # a write that went through: derived views are stale
            if changing:
                state.note_change()
            answer = (shape.output(op_model.output_shape, result, state.config.strict) if sagemaker
                      else rest_json.shaped(op_model, result, state.config.strict))
            if token is not None:
                idempotency.record(store, operation, token, params, answer, now)
            return answer
        finally:
            store.log.recording = store.changing = False
