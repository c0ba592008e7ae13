"""Hub content: the models, notebooks and model references a JumpStart private hub holds.

Hub content does not fit the engine's one-name pattern: it is keyed by its hub, its type
(`Model`, `Notebook`, `ModelReference`, `DataSet`, `JsonDoc`), its name and a semantic version
("1.0.0"), and a request that leaves the version out names the latest. Its operations are written
here, over a core Table keyed as its ARN ends (`hub-content/<hub>/<type>/<name>/<version>`), with a
status machine of its own (Importing -> Available, Deleting -> gone, each with its failure status,
through `mock.fail_next("hub-content", name=...)`). The hubs themselves are the `hubs` family's,
reached through the store.

A model reference (`CreateHubContentReference`) adds a model of the SageMaker public hub to a
private hub: sagemock cannot read the public hub (its catalogue is AWS's), so a reference keeps
what it was given (the public content's ARN, the minimum version) and answers no document of the
public model's. The rules, each with its source, and the choices made where AWS is silent are in
docs/hubs.md.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from ..core import tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceNotFound, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.searchable import Provider, own_tags, provide
from ..core.state import Store
from ..core.table import Table

Document = dict[str, Any]
KIND, HUB_KIND = "hub-content", "hub"
REFERENCE = "ModelReference"
#: The statuses no operation is running in: an update or a delete waits for one of these
#: (UpdateHubContent and DeleteHubContent declare ResourceInUse).
SETTLED = ("Available", "ImportFailed", "DeleteFailed")
#: The members ImportHubContent keeps as given, which DescribeHubContent answers.
_IMPORTED = ("HubContentDisplayName", "HubContentDescription", "HubContentMarkdown", "HubContentDocument",
             "SupportStatus", "HubContentSearchKeywords", "DocumentSchemaVersion")
#: UpdateHubContent: "specify at least one of the following fields to update".
_UPDATABLE = ("HubContentDescription", "HubContentDisplayName", "HubContentMarkdown", "HubContentSearchKeywords",
              "SupportStatus")
#: The members of a `HubContentInfo` (ListHubContents, ListHubContentVersions).
_SUMMARY = ("HubContentName", "HubContentArn", "SageMakerPublicHubContentArn", "HubContentVersion", "HubContentType",
            "DocumentSchemaVersion", "HubContentDisplayName", "HubContentDescription", "SupportStatus",
            "HubContentSearchKeywords", "HubContentStatus", "CreationTime")
#: A version when a request gives none: the first semantic version (UpdateHubContentReference's
#: MinVersion: "To support all versions of a model, set the value to 1.0.0").
FIRST_VERSION = "1.0.0"
#: The schema version of the document sagemock answers for a model reference (whose public
#: document it cannot read): the first schema version.
REFERENCE_SCHEMA = "1.0.0"


def version_key(version: str) -> tuple[int, ...]:
    """A semantic version as numbers, for ordering: "1.10.0" after "1.9.3". The model's pattern
    (`\\d{1,4}.\\d{1,4}.\\d{1,4}`) admits any separator, so the numbers are what count."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def _gone(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    store.table(KIND).remove(document)


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="HubContentStatus",
    status_shape="HubContentStatus",
    paths={"create": ("Importing", "Available"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Importing", "ImportFailed"), "delete": ("Deleting", "DeleteFailed")},
    name_key="HubContentName",
    accepts={"delete": SETTLED},
    on_gone=_gone,
)


def _listing(default_sort: str) -> Listing:
    """ListHubContents and ListHubContentVersions state no default order; sagemock lists by
    creation time, newest first, as most SageMaker Lists do. Their time filters are "created
    before/after the time specified" (exclusive)."""
    return Listing(sort_keys={"HubContentName": "HubContentName", "CreationTime": "CreationTime",
                              "HubContentStatus": "HubContentStatus"},
                   default_sort=default_sort, default_order="Descending", id_key="HubContentArn",
                   name_key="HubContentName")


CONTENTS_LISTING = _listing("CreationTime")
VERSIONS_LISTING = _listing("CreationTime")


def _missing(arn: str) -> ResourceNotFound:
    # The operations declare ResourceNotFound; AWS's wording is not published.
    return ResourceNotFound(f"Hub content {arn} does not exist.")


class HubContents(Backend):
    #: By what the content's ARN ends in: `<hub>/<type>/<name>/<version>`.
    contents = Table.of(KIND, arn="HubContentArn", name="HubContentName", lifecycle=LIFECYCLE, missing=_missing)

    # -- finding ----------------------------------------------------------------------------------

    def _hub(self, ctx: Context, name_or_arn: str) -> Document:
        """The hub a request names by name or ARN (the SageMaker public hub is not one sagemock
        holds: ResourceNotFound, as for any hub that does not exist)."""
        return ctx.store.table(HUB_KIND).require(ctx, name_or_arn)

    def _filed(self, ctx: Context, hub: Document, content_type: str, name: str = "") -> list[Document]:
        """The live versions of one hub content (with no `name`, of every content of the type),
        found by bisecting the table's index on the ARN, whose path starts with the hub, type and
        name: a request costs what the content it names holds, not what the whole table holds."""
        prefix = ctx.arn(KIND, f"{hub['HubName']}/{content_type}/{name + '/' if name else ''}")
        index = self.contents.ordered("HubContentArn", "HubContentArn")
        low = index.before(([1, prefix], -1, ""))
        high = index.through(([1, prefix + "\uffff"], float("inf"), ""))
        return LIFECYCLE.live(index.documents[low:high], ctx)

    def _versions(self, ctx: Context, hub: Document, content_type: str, name: str) -> list[Document]:
        """The live versions of one hub content, oldest version first."""
        found = self._filed(ctx, hub, content_type, name)
        return sorted(found, key=lambda content: version_key(content["HubContentVersion"]))

    def _content(self, ctx: Context, params: Params, version: str | None) -> Document:
        """The version a request names, or (with none) the latest version."""
        hub = self._hub(ctx, params["HubName"])
        content_type, name = params["HubContentType"], params["HubContentName"]
        versions = self._versions(ctx, hub, content_type, name)
        if version is not None:
            versions = [found for found in versions if version_key(found["HubContentVersion"]) == version_key(version)]
        if not versions:
            path = "/".join((hub["HubName"], content_type, name, *([version] if version is not None else [])))
            raise _missing(ctx.arn(KIND, path))
        return versions[-1]

    @staticmethod
    def _settled(content: Document, doing: str) -> None:
        status = content["HubContentStatus"]
        if status not in SETTLED:
            raise ResourceInUse(f"Hub content {content['HubContentName']} {content['HubContentVersion']} is {status}: "
                                f"it can be {doing} only when it is {' or '.join(SETTLED)}.")

    def _hold(self, ctx: Context, hub: Document, content_type: str, name: str, version: str,
              members: Document, tag_list: list[dict[str, str]] | None) -> Document:
        """A new version of a hub content, held and set on its way (Importing -> Available)."""
        earlier = self._versions(ctx, hub, content_type, name)
        document: Document = {
            "HubContentName": name,
            "HubContentArn": ctx.arn(KIND, f"{hub['HubName']}/{content_type}/{name}/{version}"),
            "HubContentVersion": version,
            "HubContentType": content_type,
            "HubName": hub["HubName"],
            "HubArn": hub["HubArn"],
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
            # The summaries' OriginalCreationTime (DescribeHubContent does not answer it): when the
            # content's first version was created.
            "_original": earlier[0]["_original"] if earlier else ctx.now,
            "CreatedBy": ctx.user_for(KIND),
            "LastModifiedBy": ctx.user_for(KIND),
            **members,
        }
        self.contents.add(document, tag_list)
        LIFECYCLE.begin(document, "create", ctx)
        return document

    # -- content -----------------------------------------------------------------------------------

    @operation
    def import_hub_content(self, params: Params, ctx: Context) -> Document:
        """A version of a model, notebook, data set or JSON document, in a hub. A version given
        again is refused (ResourceInUse, which the operation declares); with none, the first."""
        hub = self._hub(ctx, params["HubName"])
        content_type, name = params["HubContentType"], params["HubContentName"]
        version = params.get("HubContentVersion") or FIRST_VERSION
        taken = [found for found in self._versions(ctx, hub, content_type, name)
                 if version_key(found["HubContentVersion"]) == version_key(version)]
        if taken:
            raise ResourceInUse(f"Hub content {taken[0]['HubContentArn']} already exists.")
        tags.check(params.get("Tags"))
        members = {member: params[member] for member in _IMPORTED if member in params}
        document = self._hold(ctx, hub, content_type, name, version, members, params.get("Tags"))
        return {"HubArn": hub["HubArn"], "HubContentArn": document["HubContentArn"]}

    @operation
    def describe_hub_content(self, params: Params, ctx: Context) -> Document:
        return self._content(ctx, params, params.get("HubContentVersion"))

    @operation
    def list_hub_contents(self, params: Params, ctx: Context) -> Document:
        """The latest version of each hub content of one type in a hub (ListHubContentVersions
        lists them all)."""
        hub = self._hub(ctx, params["HubName"])
        latest: dict[str, Document] = {}
        for content in self._filed(ctx, hub, params["HubContentType"]):
            held = latest.get(content["HubContentName"])
            if held is None or version_key(content["HubContentVersion"]) > version_key(held["HubContentVersion"]):
                latest[content["HubContentName"]] = content
        found = self._schema_at_most(list(latest.values()), params.get("MaxSchemaVersion"))
        page, token = CONTENTS_LISTING.run(found, params)
        return {"HubContentSummaries": [_summary(content) for content in page], "NextToken": token}

    @operation
    def list_hub_content_versions(self, params: Params, ctx: Context) -> Document:
        """Every version of one hub content; `MinVersion` is "the lower bound of the hub content
        versions to list" and `MaxSchemaVersion` "the upper bound of the hub content schema
        version" (both inclusive). A content with no version is ResourceNotFound (the SageMaker
        Python SDK's `get_hub_model_version` expects a ClientError for a model not in the hub)."""
        hub = self._hub(ctx, params["HubName"])
        versions = self._versions(ctx, hub, params["HubContentType"], params["HubContentName"])
        if not versions:
            path = f"{hub['HubName']}/{params['HubContentType']}/{params['HubContentName']}"
            raise _missing(ctx.arn(KIND, path))
        least = params.get("MinVersion")
        if least is not None:
            versions = [found for found in versions if version_key(found["HubContentVersion"]) >= version_key(least)]
        found = self._schema_at_most(versions, params.get("MaxSchemaVersion"))
        page, token = VERSIONS_LISTING.run(found, params)
        return {"HubContentSummaries": [_summary(content) for content in page], "NextToken": token}

    @staticmethod
    def _schema_at_most(contents: list[Document], most: str | None) -> list[Document]:
        if most is None:
            return contents
        return [found for found in contents if version_key(found["DocumentSchemaVersion"]) <= version_key(most)]

    @operation
    def update_hub_content(self, params: Params, ctx: Context) -> Document:
        """The metadata of one version of a model or notebook."""
        if params["HubContentType"] == REFERENCE:
            raise ValidationError("UpdateHubContent does not update a ModelReference: only specify a Model or "
                                  "Notebook resource for this API. To update a ModelReference, use the "
                                  "UpdateHubContentReference API instead.")
        if not any(member in params for member in _UPDATABLE):
            raise ValidationError("In addition to the required request fields, specify at least one of the following "
                                  f"fields to update: {', '.join(_UPDATABLE)}.")
        content = self._content(ctx, params, params["HubContentVersion"])
        self._settled(content, "updated")
        for member in _UPDATABLE:
            if member in params:
                content[member] = params[member]
        content["LastModifiedTime"] = ctx.now
        content["LastModifiedBy"] = ctx.user_for(KIND)
        return {"HubArn": content["HubArn"], "HubContentArn": content["HubContentArn"]}

    @operation
    def delete_hub_content(self, params: Params, ctx: Context) -> Document:
        content = self._content(ctx, params, params["HubContentVersion"])
        self._settled(content, "deleted")
        LIFECYCLE.begin(content, "delete", ctx)
        return {}

    # -- references to the SageMaker public hub's models --------------------------------------------

    @operation
    def create_hub_content_reference(self, params: Params, ctx: Context) -> Document:
        """A model of the SageMaker public hub, added to a private hub under its own name (or
        `HubContentName`). The public hub is AWS's: its content is taken on trust, as the
        model's pattern admits it."""
        hub = self._hub(ctx, params["HubName"])
        public = params["SageMakerPublicHubContentArn"]
        name = params.get("HubContentName") or public.rstrip("/").rsplit("/", 1)[-1]
        if not re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", name):
            raise ValidationError(f"The public hub content's name {name!r} is not a valid HubContentName: give "
                                  "HubContentName.")
        taken = self._versions(ctx, hub, REFERENCE, name)
        if taken:
            raise ResourceInUse(f"Hub content {taken[-1]['HubContentArn']} already exists.")
        tags.check(params.get("Tags"))
        members: Document = {"SageMakerPublicHubContentArn": public, "DocumentSchemaVersion": REFERENCE_SCHEMA,
                             # The public model's document is AWS's: sagemock answers an empty one.
                             "HubContentDocument": "{}"}
        if params.get("MinVersion") is not None:
            members["ReferenceMinVersion"] = params["MinVersion"]
        version = params.get("MinVersion") or FIRST_VERSION
        document = self._hold(ctx, hub, REFERENCE, name, version, members, params.get("Tags"))
        return {"HubArn": hub["HubArn"], "HubContentArn": document["HubContentArn"]}

    def _reference(self, ctx: Context, params: Params, operation_name: str) -> Document:
        if params["HubContentType"] != REFERENCE:
            raise ValidationError(f"{operation_name} acts on a ModelReference only, not a {params['HubContentType']}: "
                                  "to change a Model or Notebook resource, use the UpdateHubContent or "
                                  "DeleteHubContent API instead.")
        return self._content(ctx, params, None)

    @operation
    def update_hub_content_reference(self, params: Params, ctx: Context) -> Document:
        """A reference's minimum version of the public model (`MinVersion`)."""
        reference = self._reference(ctx, params, "UpdateHubContentReference")
        self._settled(reference, "updated")
        if params.get("MinVersion") is not None:
            reference["ReferenceMinVersion"] = params["MinVersion"]
        reference["LastModifiedTime"] = ctx.now
        reference["LastModifiedBy"] = ctx.user_for(KIND)
        return {"HubArn": reference["HubArn"], "HubContentArn": reference["HubContentArn"]}

    @operation
    def delete_hub_content_reference(self, params: Params, ctx: Context) -> Document:
        """A reference taken out of its hub, every version of it."""
        reference = self._reference(ctx, params, "DeleteHubContentReference")
        hub = self._hub(ctx, params["HubName"])
        for version in self._versions(ctx, hub, REFERENCE, reference["HubContentName"]):
            self.contents.remove(version)
        return {}


def _summary(content: Document) -> Document:
    found = {member: content[member] for member in _SUMMARY if member in content}
    found["OriginalCreationTime"] = content["_original"]
    return found


provide(Provider("HubContent", "HubContent", "HubContentArn", lambda store: store.table(KIND).values(),
                 lifecycle=LIFECYCLE, computed={"Tags": own_tags("HubContentArn")},
                 family="HubContents", kind=KIND, table=KIND))
