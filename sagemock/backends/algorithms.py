"""Algorithms: training (and optionally inference) images packaged for reuse and Marketplace.

A declared resource (`core.resource`): Create, Describe, List and Delete are derived from the
model. An algorithm is validated by SageMaker after creation (Pending -> InProgress -> Completed,
one ValidationStatuses item per validation profile) and deleted through Deleting; training jobs
and model packages name one through `store.table("algorithm").require_own(...)`.
"""
from __future__ import annotations

from typing import Any

from ..core.backend import Backend, Params
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, invalid
from .validation_status import follow_status

Document = dict[str, Any]


def _entered(document: Document, status: str, store: Any, now: Any) -> None:
    follow_status(document["AlgorithmStatusDetails"].get("ValidationStatuses", []), status,
                  document.get("_failure_reason", "Algorithm validation failed."))


LIFECYCLE = Lifecycle(
    resource_type="algorithm",
    status_key="AlgorithmStatus",
    status_shape="AlgorithmStatus",
    paths={"create": ("Pending", "InProgress", "Completed"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Pending", "InProgress", "Failed")},
    failure_key=None,
    name_key="AlgorithmName",
    on_enter=_entered,
)


def _status_details(document: Document, params: Params, ctx: Context) -> None:
    """What AWS fills in: one validation status per validation profile, no image scans yet."""
    document.setdefault("CertifyForMarketplace", False)
    profiles = (params.get("ValidationSpecification") or {}).get("ValidationProfiles") or []
    document["AlgorithmStatusDetails"] = {
        "ValidationStatuses": [{"Name": profile["ProfileName"], "Status": "NotStarted"} for profile in profiles],
        "ImageScanStatuses": [],
    }


def _training_specification(params: Params, ctx: Context) -> None:
    _check_training_specification(params["TrainingSpecification"])


ALGORITHM = Resource(
    "Algorithm",
    kind="algorithm",
    missing=invalid("Algorithm {arn} does not exist."),  # amazon-sagemaker-examples#3923
    duplicate=invalid("Algorithm {arn} already exists."),
    lifecycle=LIFECYCLE,
    rules=(Rule(_training_specification, "HyperParameterSpecification: 'The name must be unique.' and 'If a "
                "default value is specified, a hyperparameter cannot be required.'",
                claims=("must be unique", "cannot be required")),),
    on_create=_status_details,
    waivers={
        "CreateAlgorithm.ValidationSpecification": "validation jobs are not run: the profiles are kept as given, and "
        "each one's status follows the algorithm's (the same rules are enforced for training jobs themselves)",
        "This is required if the algorithm supports automatic model tuning": "hyperparameter tuning is checked "
        "against the algorithm by tuning jobs, not when the algorithm is created",
        "buyers can't request more than one instance": "Marketplace buyers are not modelled",
        "The allowed input mode, either FILE or PIPE": "the model's enum checks it",
    },
    example={"AlgorithmName": "xgb", "TrainingSpecification": {
        "TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1",
        "SupportedTrainingInstanceTypes": ["ml.m5.large"],
        "TrainingChannels": [{"Name": "train", "SupportedContentTypes": ["text/csv"],
                              "SupportedInputModes": ["File"]}]}},
)


class Algorithms(Backend):
    algorithms = ALGORITHM.table()


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
