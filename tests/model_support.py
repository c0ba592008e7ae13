"""What the installed botocore model offers, for tests of members newer than the oldest supported botocore."""
from __future__ import annotations

import re
from typing import Any

import pytest

from sagemock.core import service


def requires_member(operation: str, member: str, service_name: str = "sagemaker") -> pytest.MarkDecorator:
    """Skip a test when the installed botocore model's `operation` (of `service_name`) has no input `member`."""
    members = service.operation_in(service_name, operation).input_shape.members
    return pytest.mark.skipif(member not in members,
                              reason=f"the installed botocore model's {operation} has no {member}")


def requires_shape_member(shape: str, *members: str) -> pytest.MarkDecorator:
    """Skip a test when the installed model's `shape` (nested in a request) lacks any of `members`."""
    missing = sorted(set(members) - set(service.shape(shape).members))
    return pytest.mark.skipif(bool(missing), reason=f"the installed botocore model's {shape} has no {missing}")


def requires_optional(operation: str, member: str) -> pytest.MarkDecorator:
    """Skip a test that leaves out an input `member` older models require (botocore 1.35 requires
    CreateProject's ServiceCatalogProvisioningDetails, for one)."""
    required = member in service.operation(operation).input_shape.required_members
    return pytest.mark.skipif(required, reason=f"the installed botocore model's {operation} requires {member}")


def requires_optional_in(shape: str, member: str) -> pytest.MarkDecorator:
    """Skip a test that leaves out a `member` of a nested request `shape` older models require
    (botocore 1.35 requires ClusterEbsVolumeConfig's VolumeSizeInGB, for one)."""
    required = member in service.shape(shape).required_members
    return pytest.mark.skipif(required, reason=f"the installed botocore model's {shape} requires {member}")


def requires_enum_value(shape: str, value: str) -> pytest.MarkDecorator:
    """Skip a test when the installed model's enum `shape` lacks `value`."""
    return pytest.mark.skipif(value not in service.enum_values(shape),
                              reason=f"the installed botocore model's {shape} has no {value}")


def declared(shape: str, *members: str) -> set[str]:
    """Which of `members` the installed model's `shape` declares (for answers newer models extend)."""
    return set(members) & set(service.shape(shape).members)


def newest_matching(shape: str, candidates: list[str]) -> str:
    """The last of `candidates` the installed model's `shape` pattern accepts (newer models accept more)."""
    pattern = re.compile(service.shape(shape).metadata["pattern"])
    return [candidate for candidate in candidates if pattern.fullmatch(candidate)][-1]


def requires_output_member(operation: str, member: str) -> pytest.MarkDecorator:
    """Skip a test when the installed model's `operation` answers no `member`."""
    members = service.operation(operation).output_shape.members
    return pytest.mark.skipif(member not in members,
                              reason=f"the installed botocore model's {operation} answers no {member}")


def requires_operation(operation: str, service_name: str = "sagemaker") -> pytest.MarkDecorator:
    """Skip a test when the installed botocore model (of `service_name`) has no `operation`."""
    names = service.model(service_name).operation_names
    return pytest.mark.skipif(operation not in names,
                              reason=f"the installed botocore model of {service_name} has no {operation}")


def unimplemented_list_operation() -> str:
    """A List operation of the installed model that sagemock does not implement and that takes no
    required member (computed: families keep arriving, so no one name stays unimplemented)."""
    from sagemock.core import backend

    done = set(backend.implemented())
    return next(name for name in sorted(service.operation_names())
                if name.startswith("List") and name not in done
                and not service.operation(name).input_shape.required_members)


def requires_waiter_success_on(waiter: str, error_code: str) -> pytest.MarkDecorator:
    """Skip a test when the installed botocore's `waiter` does not succeed on `error_code`, the error
    AWS answers (botocore 1.35's ImageDeleted waits for a ResourceNotFoundException AWS never sends)."""
    import botocore.session

    acceptors = botocore.session.get_session().get_waiter_model("sagemaker").get_waiter(waiter).acceptors
    succeeds = any(acceptor.state == "success" and acceptor.matcher == "error" and acceptor.expected == error_code
                   for acceptor in acceptors)
    return pytest.mark.skipif(not succeeds, reason=f"the installed botocore's {waiter} waiter never succeeds on "
                                                   f"{error_code}, the error AWS answers")


def fitted_name(declared_resource: Any, name: str) -> str:
    """`name` as the declared resource's Create takes it (`Resource.fitted_name`)."""
    return str(declared_resource.fitted_name(name))
