"""Tags: one store per account-region keeps every resource's tags by ARN.

Families call `apply` with a create request's `Tags` and `forget` when a resource goes (through
`Store.unindex`); `AddTags`, `DeleteTags` and `ListTags` work on any ARN the store holds, which is
also where Search reads `Tags.<key>`.
"""
from __future__ import annotations

from typing import Any

from . import service
from .backend import Backend, Params, operation
from .context import Context
from .errors import ValidationError
from .pagination import offset_page
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


class Tags(Backend):
    """AddTags, DeleteTags and ListTags, for every resource the store holds."""

    def _require(self, arn: str) -> None:
        if arn not in self.store.taggable:
            raise ValidationError(f"Resource {arn} does not exist or is not taggable.")

    @operation
    def add_tags(self, params: Params, ctx: Context) -> dict[str, Any]:
        arn = params["ResourceArn"]
        self._require(arn)
        tags = params["Tags"]
        apply(self.store, arn, tags)
        return {"Tags": [{"Key": tag["Key"], "Value": tag["Value"]} for tag in tags]}

    @operation
    def delete_tags(self, params: Params, ctx: Context) -> dict[str, Any]:
        arn = params["ResourceArn"]
        self._require(arn)
        check_keys(params["TagKeys"])
        current = self.store.tags.get(arn, {})
        for key in params["TagKeys"]:
            current.pop(key, None)
        return {}

    @operation
    def list_tags(self, params: Params, ctx: Context) -> dict[str, Any]:
        arn = params["ResourceArn"]
        self._require(arn)
        # No default page size is documented; the model's minimum MaxResults is the natural one.
        smallest = service.operation("ListTags").input_shape.members["MaxResults"].metadata["min"]
        page, token = offset_page(as_list(self.store, arn), params, default_max=int(smallest))
        return {"Tags": page, "NextToken": token}
