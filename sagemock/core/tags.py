"""Tags: one store per account-region keeps every resource's tags by ARN.

Families call `apply` with a create request's `Tags` (through `Table.add`), and a resource's tags
go with it (`Store.unindex`); the `tagging` family answers `AddTags`, `DeleteTags` and `ListTags`
on any ARN the store holds, which is also where Search reads `Tags.<key>`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import service
from .errors import ValidationError

if TYPE_CHECKING:
    from .state import Store


def max_tags() -> int:
    """How many tags a resource may carry: the model's cap on a TagList."""
    return int(service.shape("TagList").metadata["max"])


def check(tags: list[dict[str, str]] | None) -> None:
    """Reject what AWS rejects in a request's tag list beyond the shape: duplicates, `aws:` keys."""
    if not tags:
        return
    keys = [tag["Key"] for tag in tags]
    if len(set(keys)) != len(keys):
        # "Tag keys must be unique per resource" (Tag.Key); AWS's words: "Duplicate tag key"
        # (aws/sagemaker-python-sdk#3608).
        raise ValidationError("Duplicate tag key")
    check_keys(keys)


def check_keys(keys: list[str]) -> None:
    """`aws:` keys are AWS's: "System prefix 'aws:' reserved for AWS usage in tag key: <key>"
    (AddTags and DeleteTags alike, aws/sagemaker-python-sdk#1301)."""
    for key in keys:
        if key.lower().startswith("aws:"):
            raise ValidationError(f"System prefix 'aws:' reserved for AWS usage in tag key: {key}")


def apply(store: Store, arn: str, tags: list[dict[str, str]] | None) -> None:
    check(tags)
    merged = dict(store.tags.get(arn, {}))
    for tag in tags or ():
        merged[tag["Key"]] = tag["Value"]
    if len(merged) > max_tags():
        raise ValidationError(f"Cannot add more than {max_tags()} tags to resource {arn}.")
    store.tags[arn] = merged


def replace(store: Store, arn: str, tags: list[dict[str, str]]) -> None:
    """Give a resource exactly these tags (an update whose Tags replace the resource's set)."""
    check(tags)
    if len(tags) > max_tags():
        raise ValidationError(f"Cannot add more than {max_tags()} tags to resource {arn}.")
    store.tags[arn] = {tag["Key"]: tag["Value"] for tag in tags}


def as_list(store: Store, arn: str) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in store.tags.get(arn, {}).items()]
