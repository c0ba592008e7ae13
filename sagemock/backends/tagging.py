"""AddTags, DeleteTags and ListTags, for every resource a store holds (the rules are `core.tags`)."""
from __future__ import annotations

from typing import Any

from ..core import service
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.pagination import offset_page
from ..core.tags import apply, as_list, check_keys


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
