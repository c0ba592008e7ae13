"""SageMaker's wire protocol (AWS JSON 1.1), both ways.

Requests arrive as `POST /` with `X-Amz-Target: SageMaker.<Operation>` and a JSON body; answers
are JSON with `Content-Type: application/x-amz-json-1.1`, errors a JSON body with `__type` and
`message` and a 4xx/5xx status, each with an `x-amzn-RequestId` header. Nothing else in sagemock
knows about HTTP.
"""
from __future__ import annotations

import json
import random
from typing import Any, Protocol

from .errors import SerializationError, ServiceError


class Headers(Protocol):
    """The request headers: botocore's HeadersDict or the server's `email.message.Message`."""

    def get(self, name: str, default: Any = None) -> Any: ...

    def __contains__(self, name: str, /) -> bool: ...


CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "SageMaker."

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
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
        params = _loads(body.decode() if isinstance(body, bytes) else body)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        raise SerializationError("The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise SerializationError("Start of structure or map found where not expected.")
    return params


_VERSION_4 = (0x4 << 76) | (0x2 << 62)
_CLEAR = ~((0xF << 76) | (0x3 << 62))


def request_id(source: random.Random) -> str:
    """A request id (UUID4 form) from the mock's seedable random source."""
    bits = f"{(source.getrandbits(128) & _CLEAR) | _VERSION_4:032x}"
    return f"{bits[:8]}-{bits[8:12]}-{bits[12:16]}-{bits[16:20]}-{bits[20:]}"


Rendered = tuple[int, dict[str, str], bytes]


def render(payload: dict[str, Any], rid: str) -> Rendered:
    body = _dumps(payload).encode()
    return 200, _headers(rid, body), body


def render_error(error: ServiceError, code: str, rid: str) -> Rendered:
    body = _dumps({"__type": code, "message": error.message}).encode()
    return error.status, _headers(rid, body), body


def _headers(rid: str, body: bytes) -> dict[str, str]:
    return {"x-amzn-RequestId": rid, "Content-Type": CONTENT_TYPE, "Content-Length": str(len(body))}
