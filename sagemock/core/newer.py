"""Members sagemock writes that older botocore models lack, so that one backend serves them all.

Backends keep resources as the Describe documents of the newest model sagemock knows. Under an older
installed model (sagemock supports botocore back to 1.35, August 2024), output shaping drops what
that model does not declare, as AWS's older clients never see it. Strict mode (sagemock's own tests)
refuses any undeclared member, to catch a backend that writes a wrong one; the members listed here
are the expected exceptions: declared by newer models, absent from older ones. A test checks, under
the newest model, that every one of them is declared where it is listed, so the list cannot hide a
typo.
"""
from __future__ import annotations

from typing import Any

from botocore.model import Shape

#: Output shape -> members of it that models older than sagemock's newest lack.
NEWER_MEMBERS: dict[str, frozenset[str]] = {
    # Pipeline versions (botocore 1.36, November 2024).
    "DescribePipelineExecutionResponse": frozenset({"PipelineVersionId"}),
    "UpdatePipelineResponse": frozenset({"PipelineVersionId"}),
    "PipelineExecution": frozenset({"PipelineVersionId"}),
}


def tolerated(shape_name: str) -> frozenset[str]:
    """What strict shaping lets the installed model's `shape_name` drop without complaint: the
    members listed here, and those the oldest supported model lacks (`newer_members`, generated)."""
    from .newer_members import MISSING_FROM_OLDEST

    return NEWER_MEMBERS.get(shape_name, frozenset()) | MISSING_FROM_OLDEST.get(shape_name, frozenset())


def required_only_in_older(shape_name: str) -> frozenset[str]:
    """Members of `shape_name` an older installed model requires and the reference model leaves
    optional (botocore 1.35's ListClusterNodesResponse.NextToken): left out when a backend has
    none, as the reference model allows (an empty NextToken would keep a paginator asking)."""
    from .newer_members import REQUIRED_ONLY_IN_OLDEST

    return REQUIRED_ONLY_IN_OLDEST.get(shape_name, frozenset())


def bounds(shape_name: str) -> dict[str, int]:
    """Bounds (min, max) the reference model declares on input shape `shape_name` and an older
    installed model lacks (botocore 1.35's ClusterInstanceCount has no maximum): AWS enforces them
    whatever client sends the request, so validation applies them under every model."""
    from .newer_members import BOUNDS_ONLY_IN_NEWEST

    return BOUNDS_ONLY_IN_NEWEST.get(shape_name, {})


def limits(shape: Shape) -> dict[str, Any]:
    """The installed model's metadata of `shape` (min, max, pattern...), with the bounds only newer
    models declare (`bounds`): what validation enforces."""
    extra = bounds(shape.name)
    return {**extra, **shape.metadata} if extra else shape.metadata
