"""Input validation generated from the service model.

botocore checks only required members, types and minimums on the client; SageMaker checks every
constraint of the input shape on the server. This module compiles, once per shape, a checker
that walks a request the way AWS's validator does, collects every violation and reports them in
AWS's message form. It also turns wire timestamps into datetimes for the backends, so a request
is walked once. Nothing here touches state: a request that fails is rejected before any backend
runs.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from botocore.model import OperationModel, Shape

from . import compiled, newer
from .errors import SerializationError, ValidationError
from .patterns import matcher

#: Violations found so far: (path, value, constraint).
Problems = list[tuple[str, Any, str]]
Checker = Callable[[Any, str, Problems], Any]

_cache: dict[str, Checker] = {}
_operation_cache: dict[str, Checker] = {}


def request(operation: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    """Check `params` against the operation's input shape; return them with datetimes decoded."""
    key = operation.name if operation.metadata.get("protocol") != "rest-json" else \
        f"{operation.service_model.service_name}:{operation.name}"
    check = _operation_cache.get(key)
    if check is None:
        shape = operation.input_shape
        check = _operation_cache[key] = checker(shape) if shape is not None else _accept
    if not isinstance(params, dict):
        raise SerializationError("Start of structure or map found where not expected.")
    problems: Problems = []
    params = check(params, "", problems)
    if problems:
        raise ValidationError(message(problems))
    return params


def message(problems: Problems) -> str:
    count = len(problems)
    head = f"{count} validation error{'s' if count != 1 else ''} detected: "
    return head + "; ".join(
        f"Value {render(value)} at '{path}' failed to satisfy constraint: {constraint}"
        for path, value, constraint in problems
    )


def render(value: Any) -> str:
    """A value as AWS's (Java) validator prints it."""
    if value is None:
        return "null"
    return f"'{_java(value)}'"


def _java(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_java(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java(v)}" for k, v in value.items()) + "}"
    return str(value)


def member_path(parent: str, member: str) -> str:
    name = member[:1].lower() + member[1:]
    return f"{parent}.{name}" if parent else name


def request_path(dotted: str) -> str:
    """A request member's dotted path (`TransformResources.InstanceCount`) as this validator's
    messages name it (`transformResources.instanceCount`)."""
    path = ""
    for member in dotted.split("."):
        path = member_path(path, member)
    return path


def _accept(value: Any, path: str, problems: Problems) -> Any:
    return value


def checker(shape: Shape) -> Checker:
    """The compiled checker of a shape (shared by every member that uses the shape)."""
    return compiled.cached(_cache, shape, _COMPILERS, _compile_any)


def _type_error(value: Any, expected: str) -> SerializationError:
    return SerializationError(f"Expected {expected}, found {type(value).__name__} value {render(value)}.")


def _length_checks(shape: Shape) -> tuple[int | None, int | None]:
    limits = newer.limits(shape)
    low = limits.get("min")
    high = limits.get("max")
    return (int(low) if low else None, int(high) if high is not None else None)


def _check_size(value: Any, low: int | None, high: int | None, path: str, problems: Problems) -> None:
    """Length of a string, size of a list or map: AWS words all three as 'length'."""
    size = len(value)
    if low is not None and size < low:
        problems.append((path, value, f"Member must have length greater than or equal to {low}"))
    if high is not None and size > high:
        problems.append((path, value, f"Member must have length less than or equal to {high}"))


def _compile_string(shape: Shape) -> Checker:
    low, high = _length_checks(shape)
    pattern = shape.metadata.get("pattern")
    full_match = matcher(pattern) if pattern else None
    enum = frozenset(shape.enum) if shape.enum else None
    enum_text = "[" + ", ".join(shape.enum) + "]" if shape.enum else ""

    def check(value: Any, path: str, problems: Problems) -> Any:
        if type(value) is not str:
            raise _type_error(value, "a string")
        _check_size(value, low, high, path, problems)
        if enum is not None and value not in enum:
            problems.append((path, value, f"Member must satisfy enum value set: {enum_text}"))
        elif full_match is not None and full_match(value) is None:
            problems.append((path, value, f"Member must satisfy regular expression pattern: {pattern}"))
        return value

    return check


#: How botocore (and every AWS SDK) writes a float or double that is not finite in a JSON body:
#: as these strings (Smithy's JSON protocols), which AWS reads back as the number.
NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})


def _compile_number(shape: Shape) -> Checker:
    limits = newer.limits(shape)
    low = limits.get("min")
    high = limits.get("max")
    integral = shape.type_name in ("integer", "long")
    kinds = (int,) if integral else (int, float)

    def check(value: Any, path: str, problems: Problems) -> Any:
        if isinstance(value, bool) or not isinstance(value, kinds):
            if not integral and type(value) is str and value in NON_FINITE:
                return float(value)  # as AWS's JSON protocols send a double that is not a number
            raise _type_error(value, "an integer" if integral else "a number")
        if low is not None and value < low:
            problems.append((path, value, f"Member must have value greater than or equal to {_num(low)}"))
        if high is not None and value > high:
            problems.append((path, value, f"Member must have value less than or equal to {_num(high)}"))
        return value

    return check


def _num(limit: float) -> str:
    return str(int(limit)) if float(limit).is_integer() else str(limit)


def _compile_boolean(shape: Shape) -> Checker:
    def check(value: Any, path: str, problems: Problems) -> Any:
        if type(value) is not bool:
            raise _type_error(value, "a boolean")
        return value

    return check


def to_datetime(value: Any) -> _dt.datetime:
    """A wire timestamp (epoch seconds, or ISO-8601 text) as an aware UTC datetime."""
    if isinstance(value, bool):
        raise _type_error(value, "a timestamp")
    if isinstance(value, (int, float)):
        try:
            return _dt.datetime.fromtimestamp(value, _dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise _type_error(value, "a timestamp in range") from None
    if isinstance(value, str):
        try:
            parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                return _dt.datetime.fromtimestamp(float(value), _dt.timezone.utc)
            except (OverflowError, OSError, ValueError):
                raise _type_error(value, "a timestamp") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)
    if isinstance(value, _dt.datetime):
        return value
    raise _type_error(value, "a timestamp")


def _compile_timestamp(shape: Shape) -> Checker:
    def check(value: Any, path: str, problems: Problems) -> Any:
        return to_datetime(value)

    return check


def _compile_list(shape: Shape) -> Checker:
    low, high = _length_checks(shape)
    element = checker(shape.member)

    def check(value: Any, path: str, problems: Problems) -> Any:
        if type(value) is not list:
            raise _type_error(value, "a list")
        _check_size(value, low, high, path, problems)
        for index, item in enumerate(value):
            if item is None:
                problems.append((f"{path}.{index + 1}.member", None, "Member must not be null"))
                continue
            checked = element(item, f"{path}.{index + 1}.member", problems)
            if checked is not item:
                value[index] = checked
        return value

    return check


def _compile_map(shape: Shape) -> Checker:
    low, high = _length_checks(shape)
    key_check = checker(shape.key)
    value_check = checker(shape.value)

    def check(value: Any, path: str, problems: Problems) -> Any:
        if type(value) is not dict:
            raise _type_error(value, "a map")
        _check_size(value, low, high, path, problems)
        for key, item in value.items():
            key_check(key, f"{path}.key", problems)
            if item is None:
                problems.append((f"{path}.{key}", None, "Member must not be null"))
                continue
            checked = value_check(item, f"{path}.{key}", problems)
            if checked is not item:
                value[key] = checked
        return value

    return check


def _compile_structure(shape: Shape) -> Checker:
    # A member's checker is compiled when a request first carries the member: an input shape
    # can reach hundreds of shapes, and a test uses a few of them.
    shapes = shape.members
    members: dict[str, tuple[Checker, str]] = {}
    required = tuple(shape.required_members)

    def check(value: Any, path: str, problems: Problems) -> Any:
        if type(value) is not dict:
            raise _type_error(value, "a structure")
        for name in required:
            if value.get(name) is None:
                problems.append((f"{path}.{member_path('', name)}" if path else member_path("", name), None,
                                 "Member must not be null"))
        for name, item in value.items():
            if item is None:
                continue
            entry = members.get(name)
            if entry is None:
                member = shapes.get(name)
                if member is None:
                    continue
                entry = members[name] = (checker(member), member_path("", name))
            member_check, local = entry
            checked = member_check(item, f"{path}.{local}" if path else local, problems)
            if checked is not item:
                value[name] = checked
        return value

    return check


def _compile_any(shape: Shape) -> Checker:
    return _accept


_COMPILERS: dict[str, Callable[[Shape], Checker]] = {
    "string": _compile_string,
    "integer": _compile_number,
    "long": _compile_number,
    "float": _compile_number,
    "double": _compile_number,
    "boolean": _compile_boolean,
    "timestamp": _compile_timestamp,
    "list": _compile_list,
    "map": _compile_map,
    "structure": _compile_structure,
}
