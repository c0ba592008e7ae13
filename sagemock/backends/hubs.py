"""JumpStart private hubs: curated collections of models and notebooks an administrator shares.

A hub is a declared resource (`core.resource`): CreateHub, DescribeHub, ListHubs, UpdateHub and
DeleteHub are derived from the model. A hub walks Creating -> InService, Updating -> InService and
Deleting -> gone (each with its failure status, through `mock.fail_next("hub")`). What a hub holds,
its hub content (models, notebooks, references to the SageMaker public hub's models, in numbered
versions), is kept by the family in `hub_contents`, reached here only through the store: a hub
that holds content is not deleted, as AWS's guide says ("Before deleting a private hub, you must
first remove any content in that hub"). The rules, each with its source, and the choices made
where AWS is silent are in docs/hubs.md.
"""
from __future__ import annotations

from typing import Any

from ..core.backend import Backend, Params
from ..core.context import Context
from ..core.errors import ResourceInUse, ServiceError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, in_use, not_found

Document = dict[str, Any]
KIND, CONTENT_KIND = "hub", "hub-content"
#: The statuses no operation is running in: a delete waits for one of these.
SETTLED = ("InService", "CreateFailed", "UpdateFailed", "DeleteFailed")

LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="HubStatus",
    status_shape="HubStatus",
    paths={"create": ("Creating", "InService"), "update": ("Updating", "InService"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Creating", "CreateFailed"), "update": ("Updating", "UpdateFailed"),
                   "delete": ("Deleting", "DeleteFailed")},
    name_key="HubName",
    accepts={"delete": SETTLED},
    stamps_modified=True,
)


def _refusal(trigger: str, status: str, accepted: tuple[str, ...]) -> ServiceError:
    """DeleteHub declares ResourceInUse: a hub another operation is still working on."""
    return ResourceInUse(f"The hub is {status}: it can be deleted only when it is {' or '.join(accepted)}.")


def _empty(params: Params, ctx: Context) -> None:
    """AWS's guide, "Delete a private hub": "Before deleting a private hub, you must first remove
    any content in that hub." DeleteHub declares ResourceInUse for it."""
    hub = ctx.store.table(KIND).require(ctx, params["HubName"])
    held = [content for content in ctx.store.table(CONTENT_KIND).live(ctx) if content["HubArn"] == hub["HubArn"]]
    if held:
        first = held[0]
        raise ResourceInUse(f"Hub {hub['HubName']} holds {len(held)} hub content version(s) (the first "
                            f"{first['HubContentType']} {first['HubContentName']} {first['HubContentVersion']}): "
                            "remove the content of a hub before deleting it.")


def _computed(document: Document, params: Params, ctx: Context) -> None:
    """What AWS fills in: the storage configuration (answered even when none was given: the
    SageMaker Python SDK reads `DescribeHub(...)["S3StorageConfig"]` unguarded) and the owner the
    `AccountIdOwner` sort reads (a hub is always its caller's account's)."""
    document.setdefault("S3StorageConfig", {})
    document["_owner"] = ctx.account


HUB = Resource(
    "Hub",
    kind=KIND,
    # DescribeHub declares ResourceNotFound, CreateHub ResourceInUse; AWS's wording is not published.
    missing=not_found("Hub {arn} does not exist."),
    duplicate=in_use("Hub {arn} already exists."),
    lifecycle=LIFECYCLE,
    refusal=_refusal,
    sort_members={"AccountIdOwner": "_owner"},
    # ListHubs states no default order; sagemock lists the newest first, as most SageMaker Lists do.
    default_sort=("CreationTime", "Descending"),
    on_create=_computed,
    waivers={"Sort hubs by either name or creation time": "describes SortBy: every value of the model's enum sorts "
             "(HubStatus and AccountIdOwner too)"},
    rules=(Rule(_empty, "AWS's guide, 'Delete a private hub': 'Before deleting a private hub, you must first "
                "remove any content in that hub.'", on=("delete",)),),
    example={"HubName": "curated-models", "HubDescription": "Models approved for the data science team",
             "HubDisplayName": "Curated models", "HubSearchKeywords": ["approved"],
             "S3StorageConfig": {"S3OutputPath": "s3://sagemaker-hubs-us-east-1-123456789012/curated-models"}},
)


class Hubs(Backend):
    hubs = HUB.table()
