"""What the installed botocore model offers, for tests of members newer than the oldest supported botocore."""
from __future__ import annotations

import re

import pytest

from sagemock.core import service


def requires_member(operation: str, member: str) -> pytest.MarkDecorator:
    """Skip a test when the installed botocore model's `operation` has no input `member`."""
    members = service.operation(operation).input_shape.members
    return pytest.mark.skipif(member not in members,
                              reason=f"the installed botocore model's {operation} has no {member}")


def requires_optional(operation: str, member: str) -> pytest.MarkDecorator:
    """Skip a test that leaves out an input `member` older models require (botocore 1.35 requires
    CreateProject's ServiceCatalogProvisioningDetails, for one)."""
    required = member in service.operation(operation).input_shape.required_members
    return pytest.mark.skipif(required, reason=f"the installed botocore model's {operation} requires {member}")


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
