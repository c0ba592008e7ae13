"""Algorithms: training (and optionally inference) images packaged for reuse and Marketplace.

An algorithm is validated by SageMaker after creation (Pending -> InProgress -> Completed, one
ValidationStatuses item per validation profile); model packages may be built from one through
`SourceAlgorithmSpecification`.
"""
from __future__ import annotations

from typing import Any

from ..core import arns, service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing

Document = dict[str, Any]


#: A resource's status -> the status of each of its validation (and scan) items.
_ITEM_STATUS = {"Pending": "NotStarted", "InProgress": "InProgress", "Completed": "Completed", "Failed": "Failed"}


def follow_status(items: list[Document], status: str, failure: str) -> None:
    """Validation items (of an algorithm or a model package) move with their resource's status."""
    item_status = _ITEM_STATUS.get(status)
    if item_status is None:
        return
    for item in items:
        item["Status"] = item_status
        if item_status == "Failed":
            item.setdefault("FailureReason", failure)


def _entered(document: Document, status: str, store: Any, now: Any) -> None:
    follow_status(document["AlgorithmStatusDetails"].get("ValidationStatuses", []), status,
                  document.get("_failure_reason", "Algorithm validation failed."))


def _gone(document: Document, status: str, store: Any, now: Any) -> None:
    store.backend(Algorithms).algorithms.pop(document["AlgorithmName"], None)
    store.unindex(document["AlgorithmArn"])


LIFECYCLE = Lifecycle(
    resource_type="algorithm",
    status_key="AlgorithmStatus",
    status_shape="AlgorithmStatus",
    paths={"create": ("Pending", "InProgress", "Completed"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Pending", "InProgress", "Failed")},
    failure_key=None,
    name_key="AlgorithmName",
    on_enter=_entered,
    on_gone=_gone,
)
LISTING = Listing(
    sort_keys={"Name": "AlgorithmName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Ascending", id_key="AlgorithmArn", name_key="AlgorithmName",
)


class Algorithms(Backend):
    def __init__(self, store: Any):
        super().__init__(store)
        self.algorithms: dict[str, Document] = {}

    def require(self, ctx: Context, name_or_arn: str) -> Document | None:
        """The algorithm a request names; one of another account (Marketplace) is taken on trust."""
        parsed = arns.parse(name_or_arn)
        if parsed is not None and parsed.account != ctx.account:
            return None
        return self.find(ctx, self.algorithms, name_or_arn, "algorithm",
                         lambda arn: ValidationError(f"Algorithm {arn} does not exist."), LIFECYCLE)

    @operation
    def create_algorithm(self, params: Params, ctx: Context) -> Document:
        name = params["AlgorithmName"]
        arn = ctx.arn("algorithm", name)
        if name in self.algorithms:
            raise ValidationError(f"Algorithm {arn} already exists.")
        tags.check(params.get("Tags"))
        _check_training_specification(params["TrainingSpecification"])
        profiles = (params.get("ValidationSpecification") or {}).get("ValidationProfiles") or []
        document: Document = {
            "AlgorithmName": name,
            "AlgorithmArn": arn,
            "AlgorithmDescription": params.get("AlgorithmDescription"),
            "CreationTime": ctx.now,
            "TrainingSpecification": params["TrainingSpecification"],
            "InferenceSpecification": params.get("InferenceSpecification"),
            "ValidationSpecification": params.get("ValidationSpecification"),
            "CertifyForMarketplace": params.get("CertifyForMarketplace", False),
            "AlgorithmStatusDetails": {
                "ValidationStatuses": [{"Name": profile["ProfileName"], "Status": "NotStarted"}
                                       for profile in profiles],
                "ImageScanStatuses": [],
            },
        }
        LIFECYCLE.begin(document, "create", ctx)
        self.keep(self.algorithms, name, arn, document, params.get("Tags"))
        return {"AlgorithmArn": arn}

    @operation
    def describe_algorithm(self, params: Params, ctx: Context) -> Document:
        document = self.require(ctx, params["AlgorithmName"])
        if document is None:
            raise ValidationError(f"Algorithm {params['AlgorithmName']} does not exist.")
        return document

    @operation
    def list_algorithms(self, params: Params, ctx: Context) -> Document:
        # Observing may finish a deletion, which removes the algorithm: iterate over a copy.
        live = LIFECYCLE.live(self.algorithms.values(), ctx)
        page, token = LISTING.run(live, params)
        summary = service.shape("AlgorithmSummary")
        return {"AlgorithmSummaryList": [shape.project(document, summary) for document in page], "NextToken": token}

    @operation
    def delete_algorithm(self, params: Params, ctx: Context) -> None:
        document = self.require(ctx, params["AlgorithmName"])
        assert document is not None  # a name (the input pattern) is always of this account
        LIFECYCLE.begin(document, "delete", ctx)
        return None


def _check_training_specification(specification: Document) -> None:
    """The rules TrainingSpecification states in words rather than in its shape."""
    names = set()
    for hyperparameter in specification.get("SupportedHyperParameters") or ():
        if hyperparameter["Name"] in names:
            raise ValidationError(f"Hyperparameter names must be unique: {hyperparameter['Name']} is repeated.")
        names.add(hyperparameter["Name"])
        if hyperparameter.get("IsRequired") and hyperparameter.get("DefaultValue") is not None:
            raise ValidationError(f"Hyperparameter {hyperparameter['Name']} has a default value, so it cannot "
                                  "be required.")
    # (Repeated TrainingChannels names are kept: ChannelSpecification states no rule against them.)
