"""What the installed botocore model offers, for tests of members newer than the oldest supported botocore."""
from __future__ import annotations

import pytest

from sagemock.core import service


def requires_member(operation: str, member: str) -> pytest.MarkDecorator:
    """Skip a test when the installed botocore model's `operation` has no input `member`."""
    members = service.operation(operation).input_shape.members
    return pytest.mark.skipif(member not in members,
                              reason=f"the installed botocore model's {operation} has no {member}")
