"""SageMaker's wire protocol (AWS JSON 1.1), both ways.

Requests arrive as `POST /` with `X-Amz-Target: SageMaker.<Operation>` and a JSON body; answers
are JSON with `Content-Type: application/x-amz-json-1.1`, errors a JSON body with `__type` and
`message` and a 4xx/5xx status, each with an `x-amzn-RequestId` header. Nothing else in sagemock
knows about HTTP.
"""
from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping
from typing import Any

from .errors import SerializationError, ServiceError

CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "SageMaker."

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_loads = json.loads


def operation_from_target(headers: Mapping[str, Any]) -> str | None:
    target = headers.get("X-Amz-Target")
    if isinstance(target, bytes):
        target = target.decode()
    if not target or not target.startswith(TARGET_PREFIX):
        return None
    return target[len(TARGET_PREFIX):]


def parse_body(body: bytes | str | None) -> dict[str, Any]:
    if not body:
        return {}
    try:
        params = _loads(body)
    except ValueError:
        raise SerializationError("The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise SerializationError("Start of structure or map found where not expected.")
    return params


def request_id(source: random.Random) -> str:
    """A request id (UUID4 form) from the mock's seedable random source."""
    return str(uuid.UUID(int=source.getrandbits(128), version=4))


Rendered = tuple[int, dict[str, str], bytes]


def render(payload: dict[str, Any], rid: str) -> Rendered:
    body = _dumps(payload).encode()
    return 200, _headers(rid, body), body


def render_error(error: ServiceError, code: str, rid: str) -> Rendered:
    body = _dumps({"__type": code, "message": error.message}).encode()
    return error.status, _headers(rid, body), body


def _headers(rid: str, body: bytes) -> dict[str, str]:
    return {"x-amzn-RequestId": rid, "Content-Type": CONTENT_TYPE, "Content-Length": str(len(body))}
