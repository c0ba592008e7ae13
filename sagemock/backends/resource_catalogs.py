"""ListResourceCatalogs: the account's SageMaker resource catalogs, which AWS RAM shares for
Feature Store's cross-account discoverability.

AWS documents one catalog: "The feature group catalog, DefaultFeatureGroupCatalog, contains all
feature group entities owned by the resource owner account" (Share your feature group catalog, in
the SageMaker developer guide), with the ARN `arn:aws:sagemaker:<region>:<account>:sagemaker-catalog/
DefaultFeatureGroupCatalog`. Every account has it. Its CreationTime is not published: sagemock answers
the creation time of the account's first feature group still held (the catalog's first entity), or,
in an account with none, the time of the request (a List changes no state, so nothing is kept).
"""
from __future__ import annotations

from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.pagination import Listing

Document = dict[str, Any]

DEFAULT_CATALOG = "DefaultFeatureGroupCatalog"
#: ResourceCatalog.Description is required; AWS's wording for the default catalog is not published.
DESCRIPTION = "The catalog of the feature groups the account owns."
_LISTING = Listing(sort_keys={"CreationTime": "CreationTime"}, default_sort="CreationTime",
                   default_order="Descending", id_key="ResourceCatalogArn", name_key="ResourceCatalogName")


class ResourceCatalogs(Backend):
    @operation
    def list_resource_catalogs(self, params: Params, ctx: Context) -> Document:
        """The default feature group catalog, filtered (NameContains, the creation time window),
        sorted and paged as the model's List operations are."""
        groups = [document["CreationTime"] for document in ctx.store.table("feature-group").live(ctx)]
        created = min(groups) if groups else ctx.now
        catalogs = [{"ResourceCatalogArn": ctx.arn("sagemaker-catalog", DEFAULT_CATALOG),
                     "ResourceCatalogName": DEFAULT_CATALOG, "Description": DESCRIPTION,
                     "CreationTime": created}]
        page, token = _LISTING.run(catalogs, params)
        return {"ResourceCatalogs": page, "NextToken": token}
