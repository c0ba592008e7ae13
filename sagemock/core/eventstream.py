"""AWS's binary event-stream framing (`application/vnd.amazon.eventstream`), the writing side.

A streamed answer (InvokeEndpointWithResponseStream's `Body`) is a run of messages, each framed as
botocore's reader (`botocore.eventstream`) expects it:

    total length (uint32) | headers length (uint32) | CRC32 of those 8 bytes (uint32)
    headers | payload | CRC32 of everything before it (uint32)

and each header as name length (uint8), name, value type (uint8), value. The values sagemock
writes are strings (type 7: uint16 length + UTF-8), booleans (0 true, 1 false) and 32-bit integers
(type 4). Every integer is big-endian.
"""
from __future__ import annotations

import struct
from binascii import crc32

#: Header value types (the event-stream specification's numbering).
_TRUE, _FALSE, _INT32, _STRING = 0, 1, 4, 7
_PRELUDE = struct.Struct(">II")
_UINT32 = struct.Struct(">I")

HeaderValue = str | bool | int


def header(name: str, value: HeaderValue) -> bytes:
    """One header as the frame carries it."""
    encoded_name = name.encode()
    head = bytes((len(encoded_name),)) + encoded_name
    if isinstance(value, bool):
        return head + bytes((_TRUE if value else _FALSE,))
    if isinstance(value, int):
        return head + bytes((_INT32,)) + struct.pack(">i", value)
    text = value.encode()
    return head + bytes((_STRING,)) + struct.pack(">H", len(text)) + text


def message(headers: dict[str, HeaderValue], payload: bytes) -> bytes:
    """One framed message: prelude, its CRC, headers, payload, and the message CRC."""
    encoded = b"".join(header(name, value) for name, value in headers.items())
    total = _PRELUDE.size + 4 + len(encoded) + len(payload) + 4
    prelude = _PRELUDE.pack(total, len(encoded))
    framed = prelude + _UINT32.pack(crc32(prelude)) + encoded + payload
    return framed + _UINT32.pack(crc32(framed))


def event(event_type: str, payload: bytes, content_type: str) -> bytes:
    """An event message (`:message-type` event) of one member of the stream's union."""
    return message({":message-type": "event", ":event-type": event_type, ":content-type": content_type}, payload)


def exception(exception_type: str, payload: bytes) -> bytes:
    """A modeled error of the stream (`:message-type` exception), its members as JSON."""
    return message({":message-type": "exception", ":exception-type": exception_type,
                    ":content-type": "application/json"}, payload)
