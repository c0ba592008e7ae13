"""The data-plane services' wire protocol (AWS rest-json), both ways.

SageMaker itself speaks AWS JSON 1.1 (`core.protocol`); the services SageMaker flows call at run
time (sagemaker-runtime, sagemaker-metrics, sagemaker-featurestore-runtime) speak rest-json: the
operation is the request's method and path (its `http.requestUri`), and each input member sits
where its shape's `location` says: a label of the path (`uri`), the query string (`querystring`),
a header (`header`), or the body, which is either one `payload` member (InvokeEndpoint's raw
`Body` blob) or a JSON object of the members with no location. Answers mirror it: members with a
header location become headers, a blob payload is the body as is, an event-stream payload is
binary event-stream frames (`core.eventstream`), anything else is JSON; the status is the
operation's `responseCode` (202 for InvokeEndpointAsync). Errors carry the code in the
`x-amzn-ErrorType` header (where botocore's rest-json parser reads it first) and in `__type`, the
text in `message`, and the error shape's own members (ModelError's `OriginalStatusCode`, ...) beside
them, where botocore's modeled-error parse finds them.

Only what the data-plane models use is handled: string, integer, boolean, list and timestamp
values in headers and query strings; anything else in a body.
"""
from __future__ import annotations

import base64
import datetime as _dt
import functools
import json
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from botocore.model import OperationModel, Shape

from . import eventstream, service, shape
from .errors import SerializationError, ServiceError
from .protocol import Headers, Rendered, parse_body

EVENT_STREAM = "application/vnd.amazon.eventstream"
JSON_TYPE = "application/json"
BLOB_TYPE = "application/octet-stream"


# -- which operation ------------------------------------------------------------------------------

_LABEL = re.compile(r"\\\{([A-Za-z0-9_]+)(\\\+)?\\\}")


@functools.cache
def _routes(service_name: str) -> dict[str, tuple[str, re.Pattern[str]]]:
    """Operation -> (method, path pattern with a group per URI label) of a rest-json service."""
    routes = {}
    model = service.model(service_name)
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = re.escape(http["requestUri"].split("?", 1)[0])
        pattern = _LABEL.sub(lambda found: f"(?P<{found.group(1)}>{'.+' if found.group(2) else '[^/]+'})", path)
        routes[name] = (http["method"], re.compile(pattern + "/?"))
    return routes


def match(service_name: str, method: str, path: str) -> str | None:
    """The operation of a rest-json service a request's method and path name, if any."""
    for name, (wanted, pattern) in _routes(service_name).items():
        if wanted == method and pattern.fullmatch(path):
            return name
    return None


# -- requests -------------------------------------------------------------------------------------

@functools.cache
def _plan(operation: OperationModel) -> tuple[tuple[tuple[str, str, str, Shape], ...], str | None, bool]:
    """How a request of the operation travels, read once from its input shape: (member, location,
    wire name, shape) for each member with a location; the payload member; whether other members
    ride in a JSON body."""
    input_shape = operation.input_shape
    if input_shape is None:
        return (), None, False
    payload = input_shape.serialization.get("payload")
    placed = []
    in_body = False
    for name, member in input_shape.members.items():
        location = member.serialization.get("location")
        if location in ("uri", "querystring", "header"):
            wire = member.serialization.get("name", name)
            placed.append((name, location, wire, member))
        elif name != payload:
            in_body = True
    return tuple(placed), payload, in_body


def parse(operation: OperationModel, url: str, headers: Headers, body: bytes | str | None) -> dict[str, Any]:
    """The input members of a rest-json request, each read from where its shape says it travels."""
    placed, payload, in_body = _plan(operation)
    params: dict[str, Any] = {}
    if placed:
        split = urlsplit(url)
        found = _routes(operation.service_model.service_name)[operation.name][1].fullmatch(split.path)
        labels = found.groupdict() if found is not None else {}
        query = parse_qs(split.query, keep_blank_values=True) if split.query else {}
        for name, location, wire, member in placed:
            if location == "uri":
                if wire in labels:
                    params[name] = unquote(labels[wire])
            elif location == "querystring":
                if wire in query:
                    values = query[wire]
                    params[name] = ([_scalar(member.member, value, name) for value in values]
                                    if member.type_name == "list" else _scalar(member, values[0], name))
            else:
                value = headers.get(wire)  # (botocore's and the server's headers ignore case)
                if value is not None:
                    text = value.decode() if isinstance(value, bytes) else str(value)
                    params[name] = ([_scalar(member.member, item.strip(), name) for item in text.split(",")]
                                    if member.type_name == "list" else _scalar(member, text, name))
    if payload is not None:
        member = operation.input_shape.members[payload]
        raw = body.encode() if isinstance(body, str) else (body or b"")
        if member.type_name == "blob":
            if raw:
                params[payload] = raw
        elif member.type_name == "string":
            if raw:
                params[payload] = raw.decode()
        elif raw:
            params[payload] = parse_body(raw)
    elif in_body:
        params.update(parse_body(body))
    return params


def _scalar(member: Shape, text: str, name: str) -> Any:
    """A header or query-string value as the member's type."""
    kind = member.type_name
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise SerializationError(f"The value {text!r} of {name} is not an integer.") from None
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            raise SerializationError(f"The value {text!r} of {name} is not a number.") from None
    if kind == "boolean":
        if text not in ("true", "false"):
            raise SerializationError(f"The value {text!r} of {name} is not a boolean.")
        return text == "true"
    return text


# -- answers --------------------------------------------------------------------------------------

def shaped(operation: OperationModel, result: dict[str, Any] | None, strict: bool) -> dict[str, Any]:
    """A backend's answer as the output shape declares it (`core.shape`), an event-stream payload
    (a list of events, each a one-member dict of the stream's union) shaped event by event."""
    output = operation.output_shape
    stream = _event_stream(operation)
    if stream is None or not result or result.get(stream) is None:
        return shape.output(output, result, strict)
    events = result[stream]
    rest = shape.output(output, {**result, stream: {}}, strict)  # (the stream's union is shaped per event)
    assert output is not None
    emit = shape.emitter(output.members[stream])
    rest[stream] = [emit(item, strict) for item in events]
    return rest


@functools.cache
def _event_stream(operation: OperationModel) -> str | None:
    """The output member that is an event stream, if the operation answers one."""
    output = operation.output_shape
    payload = output.serialization.get("payload") if output is not None else None
    if payload is not None and output is not None and output.members[payload].serialization.get("eventstream"):
        return str(payload)
    return None


def render(operation: OperationModel, answer: dict[str, Any], rid: str) -> Rendered:
    """A shaped answer as status, headers and body."""
    status = int(operation.http.get("responseCode", 200))
    headers = {"x-amzn-RequestId": rid}
    output = operation.output_shape
    if output is None:
        return status, {**headers, "Content-Type": JSON_TYPE, "Content-Length": "2"}, b"{}"
    payload = output.serialization.get("payload")
    body_members: dict[str, Any] = {}
    for name, member in output.members.items():
        value = answer.get(name)
        if value is None:
            continue
        location = member.serialization.get("location")
        if location == "header":
            headers[member.serialization.get("name", name)] = _header_text(value)
        elif location == "statusCode":
            status = int(value)
        elif name != payload:
            body_members[member.serialization.get("name", name)] = value
    if payload is None:
        body = _json(body_members)
        content_type = JSON_TYPE
    else:
        member = output.members[payload]
        value = answer.get(payload)
        if member.serialization.get("eventstream"):
            body = b"".join(_frame(member, item) for item in value or ())
            content_type = EVENT_STREAM
        elif member.type_name == "blob":
            body = bytes(value or b"")
            content_type = BLOB_TYPE
        elif member.type_name == "string":
            body = (value or "").encode()
            content_type = "text/plain"
        else:
            body = _json(value or {})
            content_type = JSON_TYPE
    if not any(key.lower() == "content-type" for key in headers):
        headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    return status, headers, body


def render_error(error: ServiceError, code: str, rid: str) -> Rendered:
    """An error as rest-json services answer one: the code in `x-amzn-ErrorType` and `__type`, the
    text in `message`, the error shape's modeled members (`ServiceError.fields`) beside them."""
    body = _json({"__type": code, "message": error.message, **error.fields})
    return error.status, {"x-amzn-RequestId": rid, "x-amzn-ErrorType": code, "Content-Type": JSON_TYPE,
                          "Content-Length": str(len(body))}, body


def _header_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return value.strftime("%a, %d %b %Y %H:%M:%S GMT")
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def _frame(stream: Shape, item: dict[str, Any]) -> bytes:
    """One event of a stream (a one-member dict of its union) as an event-stream message."""
    ((kind, value),) = item.items()
    member = stream.members[kind]
    if member.metadata.get("exception"):
        return eventstream.exception(kind, _json(value))
    for name, part in member.members.items():
        if part.serialization.get("eventpayload"):
            content = value.get(name)
            if part.type_name == "blob":
                return eventstream.event(kind, bytes(content or b""), BLOB_TYPE)
            if part.type_name == "string":
                return eventstream.event(kind, (content or "").encode(), "text/plain")
            return eventstream.event(kind, _json(content or {}), JSON_TYPE)
    return eventstream.event(kind, _json(value), JSON_TYPE)


def _default(value: Any) -> Any:
    """What JSON cannot write as is: a blob (base64, as rest-json sends blobs) or a datetime."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, _dt.datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON")


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_default).encode


def _json(value: Any) -> bytes:
    return _encode(value).encode("utf-8", "backslashreplace")
