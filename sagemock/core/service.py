"""The botocore SageMaker service model, loaded once per process.

Every shape, limit, enum and declared error sagemock enforces comes from here, never from a
hand-written copy, so a newer botocore brings its newer rules with it.

Decoding the model's JSON takes about a quarter of a second, and the SageMaker client that sends
the first request has already done it: the interception hook hands that client's model to
`adopt`, so a process holds one copy. Only a process with no client (the server) loads its own.
"""
from __future__ import annotations

import functools
import re
import threading

from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME = "sagemaker"
_lock = threading.Lock()
_model: ServiceModel | None = None


def model() -> ServiceModel:
    """The installed botocore's SageMaker model (a client's, or loaded on first use)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import botocore.session

                _model = botocore.session.get_session().get_service_model(SERVICE_NAME)
    return _model


def adopt(client_model: ServiceModel) -> None:
    """Use a SageMaker client's model as ours, if none is loaded yet (it is the same JSON)."""
    global _model
    if _model is None and client_model.service_name == SERVICE_NAME:
        with _lock:
            if _model is None:
                _model = client_model


@functools.cache
def operation(name: str) -> OperationModel:
    return model().operation_model(name)


@functools.cache
def operation_names() -> frozenset[str]:
    return frozenset(model().operation_names)


@functools.cache
def declared_errors(name: str) -> frozenset[str]:
    return frozenset(shape.name for shape in operation(name).error_shapes)


@functools.cache
def shape(name: str) -> Shape:
    """A named shape; one object per name, so its member tables are computed once."""
    return model().shape_for(name)


def max_of(shape_name: str) -> int:
    """The `max` the model sets on a shape (a list's or map's size, a string's length, a number)."""
    return int(shape(shape_name).metadata["max"])


def enum_values(shape_name: str) -> tuple[str, ...]:
    return tuple(shape(shape_name).enum)


def max_results_limit(operation_name: str) -> int | None:
    """The `max` the model sets on an operation's MaxResults member, if it has one."""
    members = operation(operation_name).input_shape.members
    member = members.get("MaxResults")
    if member is None:
        return None
    limit = member.metadata.get("max")
    return int(limit) if limit is not None else None


@functools.cache
def echoed_members(create: str, describe: str, exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The members of a Create request that its Describe returns as given (read from the model)."""
    described = operation(describe).output_shape.members
    return tuple(name for name in operation(create).input_shape.members
                 if name in described and name not in exclude)


_DEFAULT = re.compile(r"(?:default value is|defaults to) (?:<code>)?([\w.-]+?)(?:</code>|\.?<| GB)")


@functools.cache
def documents_default(operation_name: str, member: str) -> bool:
    """Whether the installed model states a default for an input member (older models may not)."""
    found = operation(operation_name).input_shape.members.get(member)
    return found is not None and _DEFAULT.search(found.documentation or "") is not None


def documented_default(operation_name: str, member: str) -> str:
    """The default an input member's documentation states ("The default value is X").

    Some defaults exist only in the model's prose; reading them from it keeps them current. A
    member whose documentation states none is a programming error, not a request error.
    """
    found = operation(operation_name).input_shape.members.get(member)
    match = _DEFAULT.search(found.documentation or "") if found is not None else None
    if match is None:
        raise LookupError(f"the model documents no default for {operation_name}.{member}")
    return match.group(1)
