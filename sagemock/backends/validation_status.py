"""Validation statuses: the items of an algorithm's or a model package's validation (and image
scan) that move with their resource's status.

Shared by the algorithms and registry families (neither imports the other): SageMaker validates
both kinds of resource with the same profile machinery, so an item is NotStarted while its
resource is Pending, and InProgress, Completed or Failed with it.
"""
from __future__ import annotations

from typing import Any

Document = dict[str, Any]

#: A resource's status -> the status of each of its validation (and scan) items.
ITEM_STATUS = {"Pending": "NotStarted", "InProgress": "InProgress", "Completed": "Completed", "Failed": "Failed"}


def follow_status(items: list[Document], status: str, failure: str) -> None:
    """Validation items move with their resource's status; a failed one says why."""
    item_status = ITEM_STATUS.get(status)
    if item_status is None:
        return
    for item in items:
        item["Status"] = item_status
        if item_status == "Failed":
            item.setdefault("FailureReason", failure)
