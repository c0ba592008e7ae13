"""The botocore service models sagemock answers for, each loaded once per process.

Every shape, limit, enum and declared error sagemock enforces comes from here, never from a
hand-written copy, so a newer botocore brings its newer rules with it.

SageMaker itself (`SERVICE_NAME`, the default of every function here) is the control plane. Beside
it sagemock intercepts the data-plane services SageMaker flows call (`DATA_PLANE`): each has its
own model, protocol (rest-json) and errors, and is answered by families that declare the service
they serve (`Backend.SERVICE`).

Decoding a model's JSON takes time (about a quarter of a second for SageMaker's), and the client that
sends the first request has already done it: the interception hook hands that client's model to
`adopt`, so a process holds one copy of each. Only a process with no client (the server) loads its own,
and only for the services it is asked about.
"""
from __future__ import annotations

import functools
import re
import threading

from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME = "sagemaker"
#: The data-plane services intercepted beside SageMaker (botocore's names, which are also the
#: token of their events: `before-send.sagemaker-runtime.InvokeEndpoint`).
DATA_PLANE = ("sagemaker-runtime", "sagemaker-metrics", "sagemaker-featurestore-runtime")
SERVICES = (SERVICE_NAME, *DATA_PLANE)
_lock = threading.Lock()
#: Service name -> its model, as adopted from a client or loaded.
_models: dict[str, ServiceModel] = {}


def model(service_name: str = SERVICE_NAME) -> ServiceModel:
    """The installed botocore's model of a service (a client's, or loaded on first use)."""
    found = _models.get(service_name)
    if found is None:
        if service_name not in SERVICES:
            raise LookupError(f"sagemock does not serve {service_name!r}")
        with _lock:
            found = _models.get(service_name)
            if found is None:
                import botocore.session

                found = botocore.session.get_session().get_service_model(service_name)
                _keep(found)
    return found


def adopted(service_name: str = SERVICE_NAME) -> bool:
    """Whether the model of a service is in hand (a client's was adopted, or it was loaded)."""
    return service_name in _models


def adopt(client_model: ServiceModel) -> None:
    """Use a client's model as ours for its service, if none is loaded yet (it is the same JSON)."""
    name = client_model.service_name
    if name not in _models and name in SERVICES:
        with _lock:
            if name not in _models:
                _keep(client_model)


def _keep(found: ServiceModel) -> None:
    """Hold a model as its service's (under `_lock`); a data-plane model's compiled shapes are kept
    apart from SageMaker's, whose names they share."""
    if found.service_name != SERVICE_NAME:
        from . import compiled

        compiled.namespace(found._shape_resolver, f"{found.service_name}:")
    _models[found.service_name] = found


@functools.cache
def operation_in(service_name: str, name: str) -> OperationModel:
    """An operation of any served service (`operation` is SageMaker's)."""
    return model(service_name).operation_model(name)


@functools.cache
def operation_names_in(service_name: str) -> frozenset[str]:
    return frozenset(model(service_name).operation_names)


@functools.cache
def declared_errors_in(service_name: str, name: str) -> frozenset[str]:
    return frozenset(shape.name for shape in operation_in(service_name, name).error_shapes)


@functools.cache
def label(service_name: str) -> str:
    """A service's name as AWS writes it (the model's serviceId: "SageMaker Runtime")."""
    return "SageMaker" if service_name == SERVICE_NAME else str(model(service_name).metadata["serviceId"])


@functools.cache
def validation_code(service_name: str) -> str:
    """The code a service answers bad input with: `ValidationError` where its model declares that
    shape (sagemaker-runtime, sagemaker-featurestore-runtime), else AWS's usual `ValidationException`."""
    return "ValidationError" if "ValidationError" in model(service_name).shape_names else "ValidationException"


@functools.cache
def protocol(service_name: str) -> str:
    """The wire protocol of a service, as its model's metadata names it (`json`, `rest-json`)."""
    return str(model(service_name).metadata["protocol"])


@functools.cache
def operation(name: str) -> OperationModel:
    return model().operation_model(name)


@functools.cache
def operation_names() -> frozenset[str]:
    return frozenset(model().operation_names)


def declared_errors(name: str) -> frozenset[str]:
    return declared_errors_in(SERVICE_NAME, name)


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
def echoed_members(create: str, describe: str, exclude: tuple[str, ...] = (),
                   within: str | None = None) -> tuple[str, ...]:
    """The members of a Create request that its Describe returns as given (read from the model):
    among the answer's members, or `within` the member that wraps the resource (DescribeWorkforce's
    `Workforce`)."""
    described = operation(describe).output_shape
    members = (described.members[within] if within is not None else described).members
    return tuple(name for name in operation(create).input_shape.members
                 if name in members and name not in exclude)


_DEFAULT = re.compile(r"(?:default value is|defaults to) (?:<code>)?([\w.-]+?)(?:</code>|\.?<| GB)")


@functools.cache
def documents_default(operation_name: str, member: str) -> bool:
    """Whether the installed model states a default for an input member (older models may not)."""
    found = operation(operation_name).input_shape.members.get(member)
    return found is not None and _DEFAULT.search(found.documentation or "") is not None


#: How a List's MaxResults states its page size: "The default value is 10", "The default is 20",
#: "This value defaults to 10", "(50 by default)".
_PAGE_SIZE = re.compile(r"(?:[Dd]efault(?: value)? is|defaults to) (\d+)\b|\((\d+) by default\)")


@functools.cache
def documented_page_size(operation_name: str) -> int | None:
    """The page a List answers when MaxResults is not given, where its documentation states one."""
    found = operation(operation_name).input_shape.members.get("MaxResults")
    match = _PAGE_SIZE.search(found.documentation or "") if found is not None else None
    return int(match.group(1) or match.group(2)) if match is not None else None


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
