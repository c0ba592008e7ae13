"""Model cards: versioned documentation of a model, and the jobs that export a card to PDF.

A card is kept as the list of its versions, each the document DescribeModelCard returns for that
version; the last one is the latest. Versions start at 1. Updating the content adds a version;
updating only the status changes the latest version in place, because AWS documents a version as
"immutable across all attributes other than the model card status". A card's export jobs live
beside it (ARN `model-card/<card>/export-job/<job>`) and go when the card goes.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..core import arns, service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceNotFound, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.pagination import Listing
from ..core.searchable import Provider, own_tags, provide
from ..core.state import Store
from ..core.table import Table
from .card_content import metadata_only

Document = dict[str, Any]

def _export_entered(document: Document, status: str, store: Any, now: Any) -> None:
    """Stamp each status change; a finished job points at its PDF, a failed one says why."""
    document["LastModifiedAt"] = now
    document.pop("ExportArtifacts", None)
    document.pop("FailureReason", None)
    if status == "Completed":
        output = document["OutputConfig"]["S3OutputPath"].rstrip("/")
        pdf = f"{output}/{document['ModelCardName']}/{document['ModelCardExportJobName']}.pdf"
        document["ExportArtifacts"] = {"S3ExportArtifacts": pdf}
    elif status == "Failed":
        document["FailureReason"] = (f"Failed to export version {document['ModelCardVersion']} of model card "
                                     f"{document['ModelCardName']} to {document['OutputConfig']['S3OutputPath']}.")


def _export_gone(document: Document, status: str, store: Any, now: Any) -> None:
    store.table("model-card/export-job").remove(document)


EXPORT_LIFECYCLE = Lifecycle(
    resource_type="model-card/export-job",
    status_key="Status",
    status_shape="ModelCardExportJobStatus",
    paths={"create": ("InProgress", "Completed")},
    on_enter=_export_entered,
    on_gone=_export_gone,
)

CARD_LISTING = Listing(
    sort_keys={"Name": "ModelCardName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Ascending", id_key="ModelCardArn",
    name_key="ModelCardName", status_key="ModelCardStatus", status_param="ModelCardStatus",
)
VERSION_LISTING = Listing(
    sort_keys={"Version": "ModelCardVersion"},
    default_sort="Version", default_order="Ascending", id_key="ModelCardArn",
    status_key="ModelCardStatus", status_param="ModelCardStatus",
)
EXPORT_LISTING = Listing(
    sort_keys={"Name": "ModelCardExportJobName", "CreationTime": "CreatedAt", "Status": "Status"},
    default_sort="CreationTime", default_order="Ascending", id_key="ModelCardExportJobArn",
    name_key="ModelCardExportJobName", status_key="Status", time_keys={"CreationTime": "CreatedAt"},
    name_param="ModelCardExportJobNameContains", status_param="StatusEquals",
)


def _card_not_found(arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"Model card {arn} does not exist.")


def _job_not_found(arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"Model card export job {arn} does not exist.")


def versions_of(card: Document) -> list[Document]:
    """A card's versions, oldest first: the table holds the latest, which keeps the older ones
    (`_history`), so the card is one document wherever the store reaches it."""
    return [*card.get("_history", ()), card]


class ModelCards(Backend):
    #: Card name -> its latest version (the older ones in its `_history`).
    cards = Table.of("model-card", arn="ModelCardArn", name="ModelCardName", missing=_card_not_found)
    #: Export job ARN -> its Describe document (CreateModelCardExportJob takes no Tags).
    jobs = Table.of("model-card/export-job", arn="ModelCardExportJobArn", name="ModelCardExportJobName",
                    missing=_job_not_found, lifecycle=EXPORT_LIFECYCLE, taggable=False, keyed_by_arn=True)

    # -- model cards --------------------------------------------------------------------------

    def _versions(self, ctx: Context, name_or_arn: str) -> list[Document]:
        """The versions of the card a request names by name or ARN."""
        return versions_of(self.cards.require(ctx, name_or_arn))

    @staticmethod
    def _version(versions: list[Document], number: int | None) -> Document:
        """One version of a card (the latest if `number` is None)."""
        if number is None:
            return versions[-1]
        if 1 <= number <= len(versions):
            return versions[number - 1]
        raise ResourceNotFound(f"Model card {versions[-1]['ModelCardArn']} has no version {number}: "
                               f"its versions are 1 to {len(versions)}.")

    @operation
    def create_model_card(self, params: Params, ctx: Context) -> Document:
        name = params["ModelCardName"]
        arn = ctx.arn("model-card", name)
        if self.cards.key(name) in self.cards:
            raise ConflictError(f"Model card {arn} already exists.")
        tags.check(params.get("Tags"))
        _check_content(params["Content"])
        document: Document = {
            "ModelCardArn": arn,
            "ModelCardName": name,
            "ModelCardVersion": 1,
            "Content": params["Content"],
            "ModelCardStatus": params["ModelCardStatus"],
            "SecurityConfig": params.get("SecurityConfig"),
            "CreationTime": ctx.now,
            "CreatedBy": ctx.user_for("model-card"),
            "LastModifiedTime": ctx.now,
            "LastModifiedBy": ctx.user_for("model-card"),
            "_version_created": ctx.now,
        }
        self.cards.add(document, params.get("Tags"))
        return {"ModelCardArn": arn}

    @operation
    def describe_model_card(self, params: Params, ctx: Context) -> Document:
        versions = self._versions(ctx, params["ModelCardName"])
        document = self._version(versions, params.get("ModelCardVersion"))
        if params.get("IncludedData") == "MetadataOnly":
            return {**document, "Content": metadata_only(document["Content"])}
        return document

    @operation
    def list_model_cards(self, params: Params, ctx: Context) -> Document:
        page, token = CARD_LISTING.walk(self.cards, ctx, params)
        summary = service.shape("ModelCardSummary")
        return {"ModelCardSummaries": [shape.project(document, summary) for document in page], "NextToken": token}

    @operation
    def update_model_card(self, params: Params, ctx: Context) -> Document:
        content, status = params.get("Content"), params.get("ModelCardStatus")
        if content is not None and status is not None:
            raise ValidationError("You cannot update both model card content and model card status in a single call.")
        versions = self._versions(ctx, params["ModelCardName"])
        latest = versions[-1]
        if content is None and status is None:  # AWS states no refusal: nothing changes, no version is added
            return {"ModelCardArn": latest["ModelCardArn"]}
        if status is not None:
            latest.update(ModelCardStatus=status, LastModifiedTime=ctx.now, LastModifiedBy=ctx.user_for("model-card"))
            return {"ModelCardArn": latest["ModelCardArn"]}
        assert content is not None  # one of the two is given, and it is not the status
        _check_content(content)
        earlier = {key: value for key, value in latest.items() if key != "_history"}
        document = {**earlier, "ModelCardVersion": len(versions) + 1, "Content": content,
                    "LastModifiedTime": ctx.now, "LastModifiedBy": ctx.user_for("model-card"),
                    "_version_created": ctx.now, "_history": [*versions[:-1], earlier]}
        self.cards.replace(document)
        return {"ModelCardArn": document["ModelCardArn"]}

    @operation
    def delete_model_card(self, params: Params, ctx: Context) -> None:
        """Deletion is immediate: the card, its versions, tags and export jobs go at once."""
        versions = self._versions(ctx, params["ModelCardName"])
        name = versions[-1]["ModelCardName"]
        for job in [job for job in self.jobs.values() if job["ModelCardName"] == name]:
            self.jobs.remove(job)
        self.cards.remove(versions[-1])
        return None

    @operation
    def list_model_card_versions(self, params: Params, ctx: Context) -> Document:
        versions = self._versions(ctx, params["ModelCardName"])
        summaries = [_version_summary(document) for document in versions]
        page, token = VERSION_LISTING.run(summaries, params)
        return {"ModelCardVersionSummaryList": page, "NextToken": token}

    # -- export jobs --------------------------------------------------------------------------

    @operation
    def create_model_card_export_job(self, params: Params, ctx: Context) -> Document:
        versions = self._versions(ctx, params["ModelCardName"])
        card = self._version(versions, params.get("ModelCardVersion"))
        name = card["ModelCardName"]
        job_name = params["ModelCardExportJobName"]
        arn = ctx.arn("model-card", f"{name}/export-job/{job_name}")
        if arn in self.jobs:
            raise ConflictError(f"Model card export job {arn} already exists.")
        document: Document = {
            "ModelCardExportJobName": job_name,
            "ModelCardExportJobArn": arn,
            "ModelCardName": name,
            "ModelCardVersion": card["ModelCardVersion"],
            "OutputConfig": {"S3OutputPath": params["OutputConfig"]["S3OutputPath"]},
            "CreatedAt": ctx.now,
            "LastModifiedAt": ctx.now,
        }
        EXPORT_LIFECYCLE.begin(document, "create", ctx)
        self.jobs.put(document)
        return {"ModelCardExportJobArn": arn}

    @operation
    def describe_model_card_export_job(self, params: Params, ctx: Context) -> Document:
        given = params["ModelCardExportJobArn"]
        resource = arns.resolve(given, "model-card", ctx.region, ctx.account)
        document: Document | None = self.jobs.get(ctx.arn("model-card", resource)) if resource else None
        if document is None or not EXPORT_LIFECYCLE.observe(document, ctx):
            raise _job_not_found(given)
        return document

    @operation
    def list_model_card_export_jobs(self, params: Params, ctx: Context) -> Document:
        """The jobs of one card; a card that does not exist has none (the operation declares no error)."""
        name, version = params["ModelCardName"], params.get("ModelCardVersion")
        selected = []
        for document in self.jobs.values():
            if document["ModelCardName"] != name or version is not None and document["ModelCardVersion"] != version:
                continue
            if EXPORT_LIFECYCLE.observe(document, ctx):
                selected.append(document)
        page, token = EXPORT_LISTING.run(selected, params)
        summary = service.shape("ModelCardExportJobSummary")
        return {"ModelCardExportJobSummaries": [shape.project(document, summary) for document in page],
                "NextToken": token}


def _check_content(content: str) -> None:
    """Content is a model card JSON document: a JSON object (its schema is not enforced)."""
    try:
        parsed = json.loads(content)
    except ValueError as error:
        raise ValidationError(f"The model card content is not valid JSON: {error}.") from None
    if not isinstance(parsed, dict):
        raise ValidationError(f"The model card content must be a JSON object, not a JSON {type(parsed).__name__}.")


def _version_summary(document: Document) -> Document:
    """A version as ListModelCardVersions shows it: CreationTime is when that version was made."""
    summary = shape.project(document, service.shape("ModelCardVersionSummary"))
    summary["CreationTime"] = document["_version_created"]
    return summary


def _card_content(path: tuple[str, str]) -> Callable[[Store, Document], Any]:
    """A ModelCard record member read from the card's JSON content (e.g. model_overview.model_id)."""
    section, key = path

    def read(store: Store, document: Document) -> Any:
        try:
            value = json.loads(document.get("Content") or "{}").get(section)
        except (ValueError, AttributeError):
            return None
        found = value.get(key) if isinstance(value, dict) else None
        return found if isinstance(found, str) else None

    return read


provide(Provider("ModelCard", "ModelCard", "ModelCardArn",
                 lambda store: store.table("model-card").values(),
                 computed={"Tags": own_tags("ModelCardArn"),
                           "ModelId": _card_content(("model_overview", "model_id")),
                           "RiskRating": _card_content(("intended_uses", "risk_rating")),
                           "ModelPackageGroupName": _card_content(("model_package_details",
                                                                   "model_package_group_name"))},
                 family="ModelCards", kind="model-card", table="model-card"))
