"""Output shaping: a backend's document becomes exactly what the output shape declares.

Backends keep resources as their Describe documents, with private fields (names starting with
`_`) beside them. On the way out this module drops the private fields and anything the shape does
not declare, drops `None`, turns datetimes into the epoch seconds AWS's JSON protocol sends, and
fills a required member that is missing with an empty value of its type. In strict mode (on in
sagemock's own tests, opt-in for users) an undeclared member, a missing required member, a value of
the wrong type or a value outside the enum raises `ShapeError` instead: a mock that drifts from
the service model fails loudly.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from . import compiled
from . import newer as newer_members

Emitter = Callable[[Any, bool], Any]

_cache: dict[str, Emitter] = {}


class ShapeError(AssertionError):
    """A response that does not match its output shape (strict mode).

    The path to the offending member is assembled on the way up (`within`), so the common case,
    a response that fits, never builds path strings.
    """

    def __init__(self, problem: str, path: tuple[str, ...] = ()):
        self.problem = problem
        self.path = path
        super().__init__(f"{''.join(path)}: {problem}" if path else problem)

    def within(self, segment: str) -> ShapeError:
        return ShapeError(self.problem, (segment, *self.path))


def output(shape: Shape | None, document: dict[str, Any] | None, strict: bool) -> dict[str, Any]:
    if shape is None:
        if strict and document:
            raise ShapeError(f"the operation has no output, but the backend returned {sorted(document)}")
        return {}
    try:
        shaped: dict[str, Any] = emitter(shape)(document or {}, strict)
    except ShapeError as error:
        raise error.within(shape.name) from None
    return shaped


def project(document: dict[str, Any], shape: Shape) -> dict[str, Any]:
    """The members of `document` that `shape` declares (a List summary from a Describe document)."""
    members = shape.members
    if len(members) < len(document):  # (a summary of a large document: look up the few members)
        return {key: document[key] for key in members if key in document}
    return {key: value for key, value in document.items() if key in members}


def emitter(shape: Shape) -> Emitter:
    return compiled.cached(_cache, shape, _COMPILERS, _compile_passthrough)


def _wrong(value: Any, expected: str) -> ShapeError:
    return ShapeError(f"expected {expected}, got {type(value).__name__} {value!r}")


def empty_value(shape: Shape) -> Any:
    return {"structure": {}, "list": [], "map": {}, "string": "", "boolean": False,
            "timestamp": 0.0}.get(shape.type_name, 0)


#: A scalar member's loose emit gives back the value itself when the value is of this type.
_PLAIN = {"string": str, "boolean": bool, "integer": int, "long": int, "float": float, "double": float}


def _compile_structure(shape: Shape) -> Emitter:
    # A member's emitter is compiled when a response first carries the member (output shapes
    # reach hundreds of shapes; a process answers with a few of them).
    shapes = shape.members
    members: dict[str, Emitter] = {}
    # Out of strict mode a scalar of its member's own type goes out as it is, so a member that
    # holds one is copied without a call: most of a response's members, at a third of the cost.
    plain = {name: _PLAIN[member.type_name] for name, member in shapes.items() if member.type_name in _PLAIN}
    plain_type = plain.get
    required = tuple((name, member) for name, member in shapes.items() if name in shape.required_members)
    newer = newer_members.tolerated(shape.name)
    relaxed = newer_members.required_only_in_older(shape.name)

    def emit(value: Any, strict: bool) -> Any:
        if type(value) is not dict:
            if strict:
                raise _wrong(value, f"a {shape.name} structure")
            return {}
        out = {}
        for key, item in value.items():
            if item is None:
                continue
            if not strict and type(item) is plain_type(key):
                out[key] = item
                continue
            if key[0] == "_":
                continue
            member = members.get(key)
            if member is None:
                member_shape = shapes.get(key)
                if member_shape is None:
                    if strict and key not in newer:
                        raise ShapeError(f"{key} is not a member of {shape.name}")
                    continue
                member = members[key] = emitter(member_shape)
            try:
                out[key] = member(item, strict)
            except ShapeError as error:
                raise error.within(f".{key}") from None
        for name, member_shape in required:
            if name not in out and name not in relaxed:
                if strict:
                    raise ShapeError(f"{name} is required by {shape.name} but missing")
                out[name] = empty_value(member_shape)
        return out

    return emit


def _compile_list(shape: Shape) -> Emitter:
    element = emitter(shape.member)

    def emit(value: Any, strict: bool) -> Any:
        if not isinstance(value, (list, tuple)):
            if strict:
                raise _wrong(value, "a list")
            return []
        try:
            return [element(item, strict) for item in value]
        except ShapeError as error:
            index = next(i for i, item in enumerate(value) if _fails(element, item))
            raise error.within(f"[{index}]") from None

    return emit


def _fails(element: Emitter, item: Any) -> bool:
    try:
        element(item, True)
    except ShapeError:
        return True
    return False


def _compile_map(shape: Shape) -> Emitter:
    element = emitter(shape.value)

    def emit(value: Any, strict: bool) -> Any:
        if type(value) is not dict:
            if strict:
                raise _wrong(value, "a map")
            return {}
        out = {}
        for key, item in value.items():
            try:
                out[key] = element(item, strict)
            except ShapeError as error:
                raise error.within(f".{key}") from None
        return out

    return emit


def _compile_string(shape: Shape) -> Emitter:
    enum = frozenset(shape.enum) if shape.enum else None

    def emit(value: Any, strict: bool) -> Any:
        if type(value) is not str:
            if strict:
                raise _wrong(value, "a string")
            return str(value)
        if strict and enum is not None and value not in enum:
            raise ShapeError(f"{value!r} is not in the {shape.name} enum")
        return value

    return emit


def _compile_timestamp(shape: Shape) -> Emitter:
    def emit(value: Any, strict: bool) -> Any:
        if isinstance(value, _dt.datetime):
            return value.timestamp()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if strict:
            raise _wrong(value, "a datetime")
        return value

    return emit


def _compile_number(shape: Shape) -> Emitter:
    integral = shape.type_name in ("integer", "long")

    def emit(value: Any, strict: bool) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integral and not isinstance(value, int)):
            if strict:
                raise _wrong(value, "an integer" if integral else "a number")
        return value

    return emit


def _compile_boolean(shape: Shape) -> Emitter:
    def emit(value: Any, strict: bool) -> Any:
        if type(value) is not bool:
            if strict:
                raise _wrong(value, "a boolean")
            return bool(value)
        return value

    return emit


def _compile_passthrough(shape: Shape) -> Emitter:
    def emit(value: Any, strict: bool) -> Any:
        return value

    return emit


_COMPILERS: dict[str, Callable[[Shape], Emitter]] = {
    "structure": _compile_structure,
    "list": _compile_list,
    "map": _compile_map,
    "string": _compile_string,
    "timestamp": _compile_timestamp,
    "integer": _compile_number,
    "long": _compile_number,
    "float": _compile_number,
    "double": _compile_number,
    "boolean": _compile_boolean,
}
