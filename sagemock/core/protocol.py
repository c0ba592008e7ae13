"""SageMaker's wire protocol (AWS JSON 1.1), both ways.

Requests arrive as `POST /` with `X-Amz-Target: SageMaker.<Operation>` and a JSON body; answers
are JSON with `Content-Type: application/x-amz-json-1.1`, errors a JSON body with `__type` and
`message` and a 4xx/5xx status, each with an `x-amzn-RequestId` header. Nothing else in sagemock
knows about HTTP.

A body is refused, before anything runs, when it is not a JSON object, when it nests deeper than
`MAX_DEPTH` levels, or when a string in it holds a lone UTF-16 surrogate (`"\\udcff"`, the escape
JSON allows for text that is not Unicode): those are text no answer could ever carry back.
"""
from __future__ import annotations

import json
import random
import re
from typing import Any, Protocol

from .errors import SerializationError, ServiceError, ValidationError

#: How deeply a request body may nest. The deepest request the model allows is about a hundred
#: levels (a SearchExpression of its documented 50 nested SubExpressions); everything else stays
#: within a dozen. AWS documents no limit; this one leaves room for every valid request and keeps
#: parsing and validating clear of Python's recursion limit.
MAX_DEPTH = 256


class Headers(Protocol):
    """The request headers: botocore's HeadersDict or the server's `email.message.Message`."""

    def get(self, name: str, default: Any = None) -> Any: ...

    def __contains__(self, name: str, /) -> bool: ...


CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "SageMaker."

# Answers are trees (no document holds itself), so the encoder need not look for cycles: a quarter
# of the encoding's cost on a page of summaries.
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
_dumps_ascii = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
_loads = json.loads


def operation_from_target(headers: Headers) -> str | None:
    target = headers.get("X-Amz-Target")
    if isinstance(target, bytes):
        target = target.decode()
    if not isinstance(target, str) or not target.startswith(TARGET_PREFIX):
        return None
    return target[len(TARGET_PREFIX):]


def parse_body(body: bytes | str | None) -> dict[str, Any]:
    if not body:
        return {}
    try:
        text = body.decode() if isinstance(body, bytes) else body
    except ValueError:
        raise SerializationError("The request body is not valid JSON.") from None
    if text.count("[") + text.count("{") > MAX_DEPTH:  # only then can it be too deep: measure
        depth = _depth(text)
        if depth > MAX_DEPTH:
            raise SerializationError(f"The request body is nested {depth} levels deep; sagemock reads bodies "
                                     f"nested at most {MAX_DEPTH} levels deep.")
    try:
        params = _loads(text)
    except ValueError:  # JSONDecodeError
        raise SerializationError("The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise SerializationError("Start of structure or map found where not expected.")
    if _SURROGATE_ESCAPE.search(text) or (isinstance(body, str) and _LONE_SURROGATE.search(text)):
        _refuse_lone_surrogates(params)
    return params


_STRINGS = re.compile(r'"(?:[^"\\]+|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def _depth(text: str) -> int:
    """How deeply a JSON text nests (brackets inside strings do not count)."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    depth = deepest = 0
    for bracket in brackets:
        if bracket in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


#: A JSON escape of a UTF-16 surrogate. A pair of them decodes to one character; a lone one
#: stays a surrogate, which no UTF-8 text (and so no answer) can hold.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_lone_surrogates(params: dict[str, Any]) -> None:
    """AWS's ValidationException for every string of the request that holds a lone surrogate."""
    from .validate import member_path, message

    problems = []
    pending: list[tuple[str, Any]] = [("", params)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            for name, item in value.items():
                if isinstance(name, str) and _LONE_SURROGATE.search(name):
                    problems.append((path or "request", _escaped(name), "Member names must be valid Unicode"))
                pending.append((member_path(path, str(name)), item))
        elif isinstance(value, list):
            pending.extend((f"{path}.{index + 1}.member", item) for index, item in enumerate(value))
        elif isinstance(value, str) and _LONE_SURROGATE.search(value):
            problems.append((path, _escaped(value),
                             "Member must contain only valid Unicode characters (it holds an unpaired surrogate)"))
    if problems:
        problems.sort(key=lambda problem: problem[0])
        raise ValidationError(message(problems))


def _escaped(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


_VERSION_4 = (0x4 << 76) | (0x2 << 62)
_CLEAR = ~((0xF << 76) | (0x3 << 62))


def request_id(source: random.Random) -> str:
    """A request id (UUID4 form) from the mock's seedable random source."""
    bits = f"{(source.getrandbits(128) & _CLEAR) | _VERSION_4:032x}"
    return f"{bits[:8]}-{bits[8:12]}-{bits[12:16]}-{bits[16:20]}-{bits[20:]}"


Rendered = tuple[int, dict[str, str], bytes]


def render(payload: dict[str, Any], rid: str) -> Rendered:
    body = _encoded(payload)
    return 200, _headers(rid, body), body


def render_error(error: ServiceError, code: str, rid: str) -> Rendered:
    body = _encoded({"__type": code, "message": error.message})
    return error.status, _headers(rid, body), body


def _encoded(payload: dict[str, Any]) -> bytes:
    """The payload as UTF-8 JSON; text that UTF-8 cannot hold (a lone surrogate, which a snapshot
    or a backend could still carry) is sent as JSON's `\\uXXXX` escape rather than failing."""
    try:
        return _dumps(payload).encode()
    except UnicodeEncodeError:
        return _dumps_ascii(payload).encode()


def _headers(rid: str, body: bytes) -> dict[str, str]:
    return {"x-amzn-RequestId": rid, "Content-Type": CONTENT_TYPE, "Content-Length": str(len(body))}
