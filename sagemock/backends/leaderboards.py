"""Leaderboards: candidates (your models) ranked by the evaluation metrics added to them.

A leaderboard (`leaderboard/<name>`: "The leaderboard name must be unique in your account in the
current Region") holds candidates. AddCandidate both adds a candidate and adds results to one:
"SageMaker derives the CandidateId from the configuration, so the same configuration always
produces the same CandidateId on a leaderboard" (here: a digest of the canonical configuration),
and a known candidate gains the request's results, takes its labels if given and keeps its display
name. ListCandidates shows, per criterion, "the metrics from the candidate's most recent evaluation
run" (the latest `RecordedAt`) and sorts by creation time, by one of those metrics, or by default
by CandidateId. A leaderboard with candidates is not deleted ("DeleteLeaderboard returns a
ConflictException error"). Candidates are kept in their leaderboard's document (`_candidates`).

The leaderboard is a declared resource (`core.resource`): Create, List and Delete are generated
from the model, named by `Name` and read by `Arn` (`named_by=`). GetLeaderboard is written here,
since it answers the leaderboard's tags as they are now; the candidates' operations are written
here too: they are not the pattern of one noun.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..core import tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceLimitExceeded, ResourceNotFound, ServiceError, ValidationError
from ..core.pagination import digest, offset_page
from ..core.resource import Resource, Rule, not_found

Document = dict[str, Any]
KIND = "leaderboard"
CANDIDATES = "_candidates"
#: The most results a candidate holds: GetCandidate's `EvaluationResults` is at most 100 long.
MAX_RESULTS = 100
#: The Dimensions keys LeaderboardCustomerModelConfig supports -> the form of their values.
_KNOWLEDGE_BASE = re.compile(r"arn:(aws|aws-cn|aws-us-gov):bedrock:[a-z0-9-]+:[0-9]{12}:knowledge-base/[A-Za-z0-9]{10}"
                             r"(:[0-9a-f]{12})?")
_PROMPT = re.compile(r"arn:(aws|aws-cn|aws-us-gov):bedrock:[a-z0-9-]+:[0-9]{12}:prompt/[A-Za-z0-9]{10}:[0-9]{1,5}")
_RESULTS = re.compile(r"[1-9][0-9]?|100")
_RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,8}[1-9])?Z")
DIMENSIONS: dict[str, Any] = {
    "RAG_KNOWLEDGE_BASE_ARN": _KNOWLEDGE_BASE.fullmatch,
    "RAG_NUMBER_OF_RESULTS": _RESULTS.fullmatch,
    "RAG_PROMPT_TEMPLATE_ARN": _PROMPT.fullmatch,
    "RAG_KNOWLEDGE_BASE_LAST_MODIFIED_TIME": _RFC3339_UTC.fullmatch,
    "PROMPT_TEMPLATE_ARN": lambda value: 20 <= len(value) <= 2048,
}


class ResourceAlreadyExists(ServiceError):
    """CreateLeaderboard's error for a name in use (it declares ResourceAlreadyExists)."""

    code = "ResourceAlreadyExists"
    always = False


def _dimensions(config: Document) -> None:
    """LeaderboardCustomerModelConfig's rules for Dimensions (its documentation, in order)."""
    given: dict[str, str] = {}
    for dimension in config.get("Dimensions") or []:
        key, value = dimension["Key"], dimension["Value"]
        if key not in DIMENSIONS:
            raise ValidationError(f"Dimension key {key} is not supported: use one of {', '.join(DIMENSIONS)}.")
        if key in given:
            raise ValidationError(f"Dimension key {key} appears more than once: each key can appear only once.")
        if not DIMENSIONS[key](value):
            raise ValidationError(f"The value of dimension {key} is not in the form its documentation states: {value}")
        given[key] = value
    if ("RAG_KNOWLEDGE_BASE_ARN" in given) != ("RAG_NUMBER_OF_RESULTS" in given):
        raise ValidationError("You must specify RAG_KNOWLEDGE_BASE_ARN and RAG_NUMBER_OF_RESULTS together.")
    for key in ("RAG_PROMPT_TEMPLATE_ARN", "RAG_KNOWLEDGE_BASE_LAST_MODIFIED_TIME"):
        if key in given and "RAG_KNOWLEDGE_BASE_ARN" not in given:
            raise ValidationError(f"Dimension {key} requires RAG_KNOWLEDGE_BASE_ARN.")
    template = config.get("PromptTemplateArn")
    if "PROMPT_TEMPLATE_ARN" in given and template is not None and given["PROMPT_TEMPLATE_ARN"] != template:
        raise ValidationError("PROMPT_TEMPLATE_ARN and PromptTemplateArn must have the same value.")


def candidate_id(config: Document) -> str:
    """The same configuration, the same id: a digest of its identifying members, in a canonical
    order (dimensions in any order are the same candidate)."""
    model = dict(config.get("CustomerModelConfig") or {})
    model["Dimensions"] = sorted((item["Key"], item["Value"]) for item in model.get("Dimensions") or [])
    return hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()[:32]


def latest_results(candidate: Document) -> list[Document]:
    """Per criterion (in the order first reported), the result of the most recent run."""
    latest: dict[str, Document] = {}
    for result in candidate["EvaluationResults"]:
        held = latest.get(result["CriterionName"])
        if held is None or result["RecordedAt"] >= held["RecordedAt"]:
            latest[result["CriterionName"]] = result
    return [{key: result.get(key) for key in ("CriterionName", "Metrics", "SourceId", "RecordedAt")}
            for result in latest.values()]


def _metric(candidate: Document, criterion: str, metric: str) -> float | None:
    for result in latest_results(candidate):
        if result["CriterionName"] == criterion:
            value = result["Metrics"].get(metric)
            return float(value) if value is not None else None
    return None


def _empty(params: Params, ctx: Context) -> None:
    """A leaderboard with candidates is not deleted (ConflictException)."""
    board = ctx.store.table(KIND).require(ctx, params["Arn"])
    if board[CANDIDATES]:
        raise ConflictError(f"Leaderboard {board['Arn']} has {len(board[CANDIDATES])} candidates: delete its "
                            "candidates first with DeleteCandidate.")


def _no_candidates(document: Document, params: Params, ctx: Context) -> None:
    document[CANDIDATES] = {}


LEADERBOARD = Resource(
    "Leaderboard",
    kind=KIND,
    # The operations declare ResourceNotFound; AWS's wording is not published.
    missing=not_found("Leaderboard {arn} does not exist."),
    # "If a leaderboard with the same name already exists, CreateLeaderboard returns a
    # ResourceAlreadyExists error." (CreateLeaderboard); the wording is sagemock's.
    duplicate=lambda arn: ResourceAlreadyExists(f"Leaderboard {arn} already exists."),
    named_by="Name",
    # ListLeaderboards has no SortBy and states no order: the oldest first, as created (sagemock's).
    default_sort=("CreationTime", "Ascending"),
    # ListLeaderboards' LastModifiedTime: the last time a candidate was added, changed or deleted.
    undescribed={"LastModifiedTime": "_LastModifiedTime"},
    rules=(Rule(_empty, "DeleteLeaderboard: 'You can't delete a leaderboard that has candidates. [...] If the "
                "leaderboard still has candidates, DeleteLeaderboard returns a ConflictException error.'",
                claims=("You can't delete a leaderboard that has candidates",), on=("delete",)),),
    waivers={"must be unique in your account in the current Region": "claimed by the engine's duplicate check "
             "(ResourceAlreadyExists)",
             "You can't change the list after you create the leaderboard": "the model has no UpdateLeaderboard: "
             "nothing can change it"},
    on_create=_no_candidates,
    example={"Name": "chat-models", "Type": "CUSTOMER_MODEL", "Description": "chat models",
             "RequiredMetrics": [{"CriterionName": "quality", "MetricNames": ["accuracy"]}]},
)


class Leaderboards(Backend):
    boards = LEADERBOARD.table()

    # -- leaderboards -----------------------------------------------------------------------------

    @operation
    def get_leaderboard(self, params: Params, ctx: Context) -> Document:
        """Written here: GetLeaderboard answers the leaderboard's tags as they are now."""
        board = self.boards.require(ctx, params["Arn"])
        return {**board, "Tags": tags.as_list(ctx.store, board["Arn"])}

    # -- candidates -------------------------------------------------------------------------------

    @operation
    def add_candidate(self, params: Params, ctx: Context) -> Document:
        board = self.boards.require(ctx, params["LeaderboardArn"])
        config = params["CandidateConfig"]
        if config.get("CustomerModelConfig") is None:
            raise ValidationError(f"CandidateConfig must give CustomerModelConfig: leaderboard {board['Name']} is "
                                  f"of type {board['Type']}.")
        _dimensions(config["CustomerModelConfig"])
        ident = candidate_id(config)
        candidate = board[CANDIDATES].get(ident)
        held = len(candidate["EvaluationResults"]) if candidate is not None else 0
        if held + len(params["EvaluationResults"]) > MAX_RESULTS:
            raise ResourceLimitExceeded(f"Candidate {ident} would hold more than {MAX_RESULTS} evaluation results "
                                        f"({held} held, {len(params['EvaluationResults'])} added).")
        now = ctx.now
        # "IngestedAt: ... SageMaker sets this value. If you specify it in AddCandidate, SageMaker ignores it."
        results = [{**result, "IngestedAt": now} for result in params["EvaluationResults"]]
        if candidate is None:
            candidate = {"CandidateId": ident, "LeaderboardArn": board["Arn"], "CandidateConfig": config,
                         "EvaluationResults": [], "CreationTime": now}
            if params.get("DisplayName") is not None:
                candidate["DisplayName"] = params["DisplayName"]
            board[CANDIDATES][ident] = candidate
        if params.get("Labels") is not None:
            candidate["Labels"] = params["Labels"]
        candidate["EvaluationResults"].extend(results)
        candidate["LastModifiedTime"] = board["_LastModifiedTime"] = now
        return {"CandidateId": ident}

    def _candidate(self, params: Params, ctx: Context) -> tuple[Document, Document]:
        board = self.boards.require(ctx, params["LeaderboardArn"])
        candidate = board[CANDIDATES].get(params["CandidateId"])
        if candidate is None:
            raise ResourceNotFound(f"Candidate {params['CandidateId']} does not exist on leaderboard {board['Arn']}.")
        return board, candidate

    @operation
    def get_candidate(self, params: Params, ctx: Context) -> Document:
        return self._candidate(params, ctx)[1]

    @operation
    def delete_candidate(self, params: Params, ctx: Context) -> Document:
        board, candidate = self._candidate(params, ctx)
        del board[CANDIDATES][candidate["CandidateId"]]
        board["_LastModifiedTime"] = ctx.now
        return {}

    @operation
    def list_candidates(self, params: Params, ctx: Context) -> Document:
        board = self.boards.require(ctx, params["LeaderboardArn"])
        sort_by, metric = params.get("SortBy"), params.get("SortMetric")
        if sort_by == "METRIC" and metric is None:
            raise ValidationError("If you specify METRIC for SortBy, you must also specify SortMetric.")
        filters = params.get("Filters") or {}
        found = [candidate for candidate in board[CANDIDATES].values()
                 if all((candidate["CandidateConfig"]["CustomerModelConfig"].get(member) == value)
                        for member, value in filters.items() if value is not None)]
        descending = (params.get("SortOrder") or "DESCENDING") == "DESCENDING"  # "The default is DESCENDING"
        if sort_by == "METRIC":
            assert metric is not None
            scored = [(score, candidate) for candidate in found
                      if (score := _metric(candidate, metric["CriterionName"], metric["MetricName"])) is not None]
            scored.sort(key=lambda pair: (pair[0], pair[1]["CandidateId"]), reverse=descending)
            found = [candidate for _, candidate in scored]
        elif sort_by == "CREATION_TIME":
            found.sort(key=lambda candidate: (candidate["CreationTime"], candidate["CandidateId"]), reverse=descending)
        else:  # "If you don't specify SortBy, the candidates are sorted by CandidateId."
            found.sort(key=lambda candidate: candidate["CandidateId"], reverse=descending)
        # A token given with other Filters, SortBy, SortMetric or SortOrder "returns a ValidationException error".
        page, token = offset_page(found, params, 20, digest(params))  # MaxResults: "The default is 20."
        return {"Items": [{**{key: candidate.get(key) for key in ("CandidateId", "DisplayName", "Labels",
                                                                  "CandidateConfig")},
                           "EvaluationResults": latest_results(candidate)} for candidate in page],
                "NextToken": token}
