"""Resource-based policies: the JSON documents SageMaker keeps on a resource (a model package
group's, an endpoint's) for other accounts, checked once here for every family that holds one.

sagemock does not evaluate IAM: a policy is kept as given and answered back. What SageMaker refuses
of a policy before keeping it is checked: it must be a JSON policy document with a Statement.
"""
from __future__ import annotations

import json
from typing import Any

from .errors import ValidationError


def check(policy: str, *, ascii_only: bool = False) -> dict[str, Any]:
    """The policy document a request gives, parsed; ValidationException where it is not JSON, not a
    policy document with a `Statement`, or (where the resource says so: PutEndpointPolicy's
    "The policy can contain only ASCII characters") holds a character that is not ASCII."""
    if ascii_only and not policy.isascii():
        raise ValidationError("The resource policy can contain only ASCII characters.")
    try:
        parsed = json.loads(policy)
    except ValueError:
        raise ValidationError("The resource policy is not valid JSON.") from None
    if not isinstance(parsed, dict) or "Statement" not in parsed:
        raise ValidationError("The resource policy must be a JSON policy document with a Statement.")
    return parsed
