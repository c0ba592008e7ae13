"""SageMaker Pipelines: pipelines, their versions, and executions that walk their steps.

A pipeline is kept as the document DescribePipeline returns, with its versions beside it (each
version holds the definition it was created with). An execution is kept as the document
DescribePipelineExecution returns, with the definition it runs and one document per step that has
started (a `PipelineExecutionStep`).

An execution walks the definition's steps in dependency order: a step starts once every step it
depends on has succeeded, whether the dependency is declared (`DependsOn`) or comes from data (any
`{"Get": "Steps.<name>..."}` in its arguments, also inside `Std:Join` and `Std:JsonGet`). Each
step walks its own status machine (Starting -> Executing -> Succeeded, instantly by default, one
status per read or per `transition_seconds` in the slower modes), so by default an execution has
reached its end before the next read. Callback steps wait in Executing for
SendPipelineExecutionStepSuccess/Failure with their `CallbackToken`; Fail steps fail with their
`ErrorMessage`; Condition steps evaluate their conditions against the execution's parameters and
follow `IfSteps` or `ElseSteps` (the other branch does not run). `mock.fail_next(STEP_KIND,
name="<step name>")` makes that step fail; the execution then fails.

Training, Processing, Transform, Tuning, Model, RegisterModel and check steps create the resource
their arguments describe, through the owning family's Create operation (`pipeline_steps`), with
their expressions and property references evaluated against the resources earlier steps created;
such a step stays Executing while its job runs and ends as the job ends (`_follow`).

What AWS documents or shows, and sagemock enforces (sources in docs/pipelines.md):

* A duplicate pipeline name is a `ValidationException` whose message says "Pipeline names must be
  unique within an AWS account and region" (matched by AWS's own SDK examples and the SageMaker
  Python SDK's `upsert`). Names are unique regardless of case: SageMaker keys a pipeline by its
  lower-cased name (its ARN appears lower-cased in List answers and in failure messages).
* DeletePipeline "Deletes a pipeline if there are no running instances of the pipeline ... When
  you delete a pipeline, all instances of the pipeline are deleted."
* UpdatePipeline makes a new version when it changes the definition; aliases "can be specified
  only when the update changes the pipeline definition", are unique within the pipeline, at most
  10 on a version, and "can't consist of numbers only".
* Execution ARNs are `pipeline/<name>/execution/<12 lowercase alphanumerics>`, the default display
  name is `execution-<creation time in epoch milliseconds>`, a failed step fails the execution
  with "Step failure: One or multiple steps failed.", and the definition's
  `PipelineExperimentConfig` names the experiment (the lower-cased pipeline name by default) and
  the trial (the execution id).
* StopPipelineExecution: "A pipeline execution won't stop while a callback step is running": the
  execution stays Stopping until the callback step is released.

Where AWS is silent, the choices are sagemock's (see docs/pipelines.md).
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import re
import string
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..core import arns, artifacts, s3, service, shape, tags, updates
from ..core.backend import Backend, Params, operation
from ..core.context import ALNUM, Context
from ..core.errors import ConflictError, ResourceNotFound, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing, digest, offset_page
from ..core.searchable import Provider, own_tags, provide
from ..core.state import next_sequence
from ..core.table import Table
from . import pipeline_steps
from .pipeline_steps import CREATES, Creates

Document = dict[str, Any]

RESOURCE_TYPE = "pipeline"
#: The kinds `mock.fail_next` and `mock.set_status` know (as `arns.kind` names nested resources).
EXECUTION_KIND = "pipeline/execution"
STEP_KIND = "pipeline/execution/step"

_STEP_FAILURE = "Step failure: One or multiple steps failed."

#: The statuses an execution ends in, and those a step ends in.
EXECUTION_DONE = frozenset(("Succeeded", "Failed", "Stopped", "CompletedWithFailures"))
STEP_DONE = frozenset(("Succeeded", "Failed", "Stopped"))
#: The parameter types of the definition schema, and how a request's text becomes a value.
PARAMETER_TYPES = ("String", "Integer", "Float", "Boolean")
#: Step types whose job sagemock does not create (see `pipeline_steps.CREATES` for those it does):
#: the `Metadata` member naming it, the ARN's resource type and the longest name the job type accepts.
JOB_METADATA = {
    "AutoML": ("AutoMLJob", "automl-job", 32),
}
#: Execution variables a definition can read (`{"Get": "Execution.<name>"}`).
EXECUTION_VARIABLES = ("PipelineExecutionId", "PipelineExecutionArn", "PipelineName", "PipelineArn",
                       "StartDateTime", "CurrentDateTime", "TrainingJobName", "ProcessingJobName")
_OUTPUT_PARAMETER = re.compile(r"^Steps\.([A-Za-z0-9\-_]+)\.OutputParameters\[['\"](.+)['\"]\]$")


# -- lifecycles ------------------------------------------------------------------------------

def _pipeline_gone(document: Document, status: str, store: Any, now: Any) -> None:
    store.backend(Pipelines)._forget(document)


PIPELINE = Lifecycle(
    resource_type=RESOURCE_TYPE,
    status_key="PipelineStatus",
    status_shape="PipelineStatus",
    # DeletePipeline walks Deleting -> gone where the model has Deleting, else goes at once.
    paths={"create": ("Active",), "delete": ("Deleting", GONE), "delete-now": (GONE,)},
    accepts={"update": ("Active",), "start": ("Active",), "delete": ("Active",)},
    on_gone=_pipeline_gone,
)


def _execution_entered(document: Document, status: str, store: Any, now: Any) -> None:
    document["LastModifiedTime"] = now
    if status != "Failed":
        document.pop("FailureReason", None)


EXECUTION = Lifecycle(
    resource_type=EXECUTION_KIND,
    status_key="PipelineExecutionStatus",
    status_shape="PipelineExecutionStatus",
    # The execution's own statuses follow its steps (see Pipelines._advance); each trigger enters
    # one status. A failure planned for the execution itself (`fail_next("pipeline/execution")`)
    # fails it as it starts, before any step runs.
    paths={"start": ("Executing",), "retry": ("Executing",), "stop": ("Stopping",), "stopped": ("Stopped",),
           "succeed": ("Succeeded",), "fail": ("Failed",)},
    failure_paths={"start": ("Executing", "Failed")},
    failure_key="FailureReason",
    name_key="_pipeline_name",
    accepts={"stop": ("Executing",), "retry": ("Failed",)},
    on_enter=_execution_entered,
)


def _step_entered(document: Document, status: str, store: Any, now: Any) -> None:
    if status == "Starting":
        document["StartTime"] = now
        document.pop("EndTime", None)
    if status in STEP_DONE:
        document["EndTime"] = now
    if status != "Failed":
        document.pop("FailureReason", None)


STEP = Lifecycle(
    resource_type=STEP_KIND,
    status_key="StepStatus",
    status_shape="StepStatus",
    paths={
        "run": ("Starting", "Executing", "Succeeded"),
        "wait": ("Starting", "Executing"),  # a callback step, until its token comes back
        "fail-step": ("Starting", "Executing", "Failed"),  # a Fail step
        "succeed": ("Succeeded",),
        "fail": ("Failed",),
        "stop": ("Stopping", "Stopped"),
        "stopped": ("Stopped",),
    },
    failure_paths={"run": ("Starting", "Executing", "Failed"), "wait": ("Starting", "Executing", "Failed")},
    failure_key="FailureReason",
    name_key="StepName",
    on_enter=_step_entered,
)

#: ListPipelines: "The default is CreatedTime"; ListPipelineExecutions likewise (newest first, as
#: AWS answers); ListPipelineExecutionSteps: "The default is CreatedTime" (newest first).
PIPELINE_LISTING = Listing(sort_keys={"Name": "PipelineName", "CreationTime": "CreationTime"},
                           default_sort="CreationTime", default_order="Descending", id_key="PipelineArn")
EXECUTION_LISTING = Listing(sort_keys={"CreationTime": "CreationTime", "PipelineExecutionArn": "PipelineExecutionArn"},
                            default_sort="CreationTime", default_order="Descending", id_key="PipelineExecutionArn")
VERSION_LISTING = Listing(sort_keys={"CreationTime": "CreationTime"}, default_sort="CreationTime",
                          default_order="Descending", id_key="PipelineVersionId")
STEP_LISTING = Listing(sort_keys={"CreationTime": "StartTime"}, default_sort="CreationTime",
                       default_order="Descending", id_key="StepName")


def _execution_missing(arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"Pipeline execution '{arn}' does not exist.")


def _has(shape_name: str, member: str) -> bool:
    """Whether the installed model's shape has `member` (newer members are left out otherwise)."""
    return member in service.shape(shape_name).members


class Pipelines(Backend):
    #: Names are unique regardless of case: keyed by the lower-cased name (`arns.key`), and an ARN
    #: is matched in any case (ARNs carry only lower-case letters outside the name).
    pipelines = Table.of(RESOURCE_TYPE, arn="PipelineArn", name="PipelineName", lifecycle=PIPELINE,
                         missing=lambda arn: ResourceNotFound(f"Pipeline '{arn}' does not exist."))
    #: "<lower-cased name>/execution/<id>" -> Describe document. StartPipelineExecution takes no Tags.
    executions = Table.of("pipeline/execution", arn="PipelineExecutionArn", name="PipelineExecutionArn",
                          lifecycle=EXECUTION, missing=_execution_missing, taggable=False)

    def __init__(self, store: Any):
        super().__init__(store)
        self.callbacks: dict[str, tuple[str, str]] = {}  # callback token -> (execution key, step name)

    # -- pipelines ------------------------------------------------------------------------------

    def _pipeline(self, ctx: Context, name_or_arn: str) -> Document:
        return self.pipelines.require(ctx, name_or_arn)

    @operation
    def create_pipeline(self, params: Params, ctx: Context) -> Document:
        name = params["PipelineName"]
        arn = ctx.arn(RESOURCE_TYPE, name)
        existing = self.pipelines.get(name.lower())
        if existing is not None and PIPELINE.observe(existing, ctx):
            raise ValidationError("Pipeline names must be unique within an AWS account and region. Pipeline "
                                  f"{existing['PipelineArn']} already exists.")
        tags.check(params.get("Tags"))
        aliases = params.get("PipelineVersionAliases") or []
        _check_aliases(aliases, taken={})
        text, parsed = self._definition(params, ctx, required=True)
        assert text is not None and parsed is not None
        version = _version(arn, 1, ctx, text, parsed, aliases)
        document: Document = {
            "PipelineArn": arn,
            "PipelineName": name,
            "PipelineDisplayName": params.get("PipelineDisplayName") or name,
            "PipelineDefinition": text,
            "PipelineDescription": params.get("PipelineDescription"),
            "RoleArn": params["RoleArn"],
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
            "CreatedBy": ctx.user_for("pipeline"),
            "LastModifiedBy": ctx.user_for("pipeline"),
            "ParallelismConfiguration": params.get("ParallelismConfiguration"),
            "_versions": [version],
        }
        PIPELINE.begin(document, "create", ctx)
        self.pipelines.add(document, params.get("Tags"))
        return {"PipelineArn": arn}

    def _definition(self, params: Params, ctx: Context, required: bool) -> tuple[str | None, Document | None]:
        """The definition a Create or Update request gives, as (text, parsed), checked."""
        text, location = params.get("PipelineDefinition"), params.get("PipelineDefinitionS3Location")
        if text is not None and location is not None:
            raise ValidationError("Specify either PipelineDefinition or PipelineDefinitionS3Location, not both.")
        if text is None and location is None:
            if required:
                raise ValidationError("Either PipelineDefinition or PipelineDefinitionS3Location must be specified.")
            return None, None
        if location is not None:
            text = _read_s3(location, ctx.region)
        assert text is not None
        return text, parse_definition(text)

    @operation
    def describe_pipeline(self, params: Params, ctx: Context) -> Document:
        document = self._pipeline(ctx, params["PipelineName"])
        version = _chosen_version(document, params)
        return {**document, **_version_view(version)}

    @operation
    def list_pipelines(self, params: Params, ctx: Context) -> Document:
        prefix = (params.get("PipelineNamePrefix") or "").lower()
        where = []
        if prefix:
            where.append(lambda document: document["PipelineName"].lower().startswith(prefix))
        if params.get("ManagedBy") == "AWS":  # sagemock's pipelines are all the caller's (CUSTOMER)
            where.append(lambda document: False)
        page, token = PIPELINE_LISTING.walk(self.pipelines, ctx, params, where)
        summary = service.shape("PipelineSummary")
        summaries = []
        for document in page:
            item = shape.project(document, summary)
            item["LastExecutionTime"] = document.get("LastRunTime")
            summaries.append(item)
        return {"PipelineSummaries": summaries, "NextToken": token}

    @operation
    def update_pipeline(self, params: Params, ctx: Context) -> Document:
        document = self._pipeline(ctx, params["PipelineName"])
        PIPELINE.guard(document, "update", _refuse(document, "updated"))
        text, parsed = self._definition(params, ctx, required=False)
        versions = document["_versions"]
        latest = versions[-1]
        changed = parsed is not None and parsed != latest["_parsed"]
        aliases = params.get("PipelineVersionAliases") or []
        if aliases and not changed:
            raise ValidationError("PipelineVersionAliases can be specified only when the update changes the "
                                  "pipeline definition. To change the aliases of an existing version, use "
                                  "UpdatePipelineVersion.")
        _check_aliases(aliases, taken=_aliases_by_version(document))
        # Every rule holds: apply the request.
        for member in ("PipelineDisplayName", "PipelineDescription", "RoleArn", "ParallelismConfiguration"):
            if member in params:
                document[member] = params[member]
        if changed:
            assert text is not None and parsed is not None
            versions.append(_version(document["PipelineArn"], latest["PipelineVersionId"] + 1, ctx, text, parsed,
                                     aliases))
            document["PipelineDefinition"] = text
        updates.touch(document, ctx, "pipeline")
        return {"PipelineArn": document["PipelineArn"], "PipelineVersionId": versions[-1]["PipelineVersionId"]}

    @operation
    def delete_pipeline(self, params: Params, ctx: Context) -> Document:
        document = self._pipeline(ctx, params["PipelineName"])
        PIPELINE.guard(document, "delete", _refuse(document, "deleted"))
        running = [execution["PipelineExecutionArn"] for execution in self._executions_of(document, ctx)
                   if execution["PipelineExecutionStatus"] in ("Executing", "Stopping")]
        if running:
            raise ConflictError(f"Pipeline {document['PipelineArn']} cannot be deleted while it has running "
                                f"executions ({', '.join(running)}). Stop them with StopPipelineExecution first.")
        deleting = "Deleting" in service.enum_values("PipelineStatus")
        PIPELINE.begin(document, "delete" if deleting else "delete-now", ctx)
        return {"PipelineArn": document["PipelineArn"]}

    def _forget(self, document: Document) -> None:
        """A pipeline goes, and with it its executions ("all instances of the pipeline are deleted")."""
        key = document["PipelineName"].lower()
        self.pipelines.remove(document)
        for execution in [execution for execution in self.executions.values() if execution["_pipeline_key"] == key]:
            self.executions.remove(execution)
            self._forget_tokens(execution)

    # -- versions -------------------------------------------------------------------------------

    @operation
    def list_pipeline_versions(self, params: Params, ctx: Context) -> Document:
        document = self._pipeline(ctx, params["PipelineName"])
        page, token = VERSION_LISTING.run(document["_versions"], params)
        summary = service.shape("PipelineVersionSummary")
        return {"PipelineVersionSummaries": [shape.project(version, summary) for version in page], "NextToken": token}

    @operation
    def update_pipeline_version(self, params: Params, ctx: Context) -> Document:
        document = self._pipeline(ctx, params["PipelineArn"])
        PIPELINE.guard(document, "update", _refuse(document, "updated"))
        version = _version_by_id(document, params["PipelineVersionId"])
        operations = params.get("PipelineVersionAliasOperations") or {}
        added, removed = operations.get("Add") or [], operations.get("Remove") or []
        current = list(version.get("PipelineVersionAliases") or [])  # (removing an alias it lacks: a no-op)
        taken = {alias: owner for alias, owner in _aliases_by_version(document).items()
                 if owner != version["PipelineVersionId"]}
        _check_aliases(added, taken)
        result = [alias for alias in current if alias not in removed] + [a for a in added if a not in current]
        cap = service.max_of("PipelineVersionAliasList") if added else len(result)  # (the shape exists if added)
        if len(result) > cap:
            raise ValidationError(f"A pipeline version can have at most {cap} aliases; this update would leave "
                                  f"version {version['PipelineVersionId']} with {len(result)}.")
        for member in ("PipelineVersionDisplayName", "PipelineVersionDescription"):
            if member in params:
                version[member] = params[member]
        if operations:
            version["PipelineVersionAliases"] = result or None
        updates.touch(version, ctx, "pipeline")
        updates.touch(document, ctx, "pipeline")
        return {"PipelineArn": document["PipelineArn"], "PipelineVersionId": version["PipelineVersionId"]}

    # -- executions -----------------------------------------------------------------------------

    def _execution(self, ctx: Context, arn: str) -> Document:
        parsed = arns.parse(arn)
        pipeline_name = parsed.resource.split("/", 1)[0] if parsed else ""
        pipeline = self.pipelines.get(pipeline_name.lower())
        if pipeline is not None and not PIPELINE.observe(pipeline, ctx):  # a read that completes a deletion
            raise _execution_missing(arn)
        document = self.executions.find(ctx, arn)
        if document is None:
            raise _execution_missing(arn)
        self._advance(document, ctx)
        return document

    def _executions_of(self, pipeline: Document, ctx: Context) -> list[Document]:
        key = pipeline["PipelineName"].lower()
        found = [execution for execution in self.executions.values() if execution["_pipeline_key"] == key]
        found = EXECUTION.live(found, ctx)
        for execution in found:
            self._advance(execution, ctx)
        return found

    @operation
    def start_pipeline_execution(self, params: Params, ctx: Context) -> Document:
        pipeline = self._pipeline(ctx, params["PipelineName"])
        PIPELINE.guard(pipeline, "start", _refuse(pipeline, "started"))
        if params.get("RoleArn"):
            raise ValidationError("RoleArn can be specified only to start an execution of a pipeline that Amazon Web "
                                  f"Services manages; pipeline {pipeline['PipelineArn']} uses its own role.")
        version = _chosen_version(pipeline, params)
        definition = version["_parsed"]
        values, listed = _parameter_values(definition, params.get("PipelineParameters") or [])
        selective = params.get("SelectiveExecutionConfig")
        plan = _plan(definition)
        if selective is not None:
            self._check_selective(ctx, pipeline, selective, plan)
        # Every rule holds: the execution starts.
        execution_id = ctx.random_id(12)
        arn = f"{pipeline['PipelineArn']}/execution/{execution_id}"
        document: Document = {
            "PipelineArn": pipeline["PipelineArn"],
            "PipelineExecutionArn": arn,
            "PipelineExecutionDisplayName": (params.get("PipelineExecutionDisplayName")
                                             or f"execution-{int(ctx.now.timestamp() * 1000)}"),
            "PipelineExecutionDescription": params.get("PipelineExecutionDescription"),
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
            "CreatedBy": ctx.user_for(EXECUTION_KIND),
            "LastModifiedBy": ctx.user_for(EXECUTION_KIND),
            "ParallelismConfiguration": (params.get("ParallelismConfiguration")
                                         or pipeline.get("ParallelismConfiguration")),
            "SelectiveExecutionConfig": selective,
            "PipelineVersionId": version["PipelineVersionId"],
            "_pipeline_key": pipeline["PipelineName"].lower(),
            "_pipeline_name": pipeline["PipelineName"],
            "_id": execution_id,
            "_definition": version["_definition"],
            "_definition_time": version["CreationTime"],
            "_parsed": definition,
            "_parameters": values,
            "_parameter_list": listed,
            "_plan": plan,
            "_steps": {},
            "_skipped": [],
            "_outputs": {},
        }
        if params.get("MlflowExperimentName"):
            document["MLflowConfig"] = {"MlflowExperimentName": params["MlflowExperimentName"]}
        if selective is not None:
            selected = {step["StepName"] for step in selective["SelectedSteps"]}
            document["_bypassed"] = [name for name in plan if name not in selected]
        experiment = _experiment_config(definition, document)
        if experiment:
            document["PipelineExperimentConfig"] = experiment
        self.executions.put(document)
        pipeline["LastRunTime"] = ctx.now
        version["LastExecutionPipelineExecutionArn"] = arn
        EXECUTION.begin(document, "start", ctx)
        if "_failure_reason" in document or document["PipelineExecutionStatus"] == "Failed":
            document["_doomed"] = True  # a failure planned for the execution itself: no step runs
        self._advance(document, ctx)
        return {"PipelineExecutionArn": arn}

    def _check_selective(self, ctx: Context, pipeline: Document, selective: Document, plan: dict[str, Any]) -> None:
        unknown = [step["StepName"] for step in selective["SelectedSteps"] if step["StepName"] not in plan]
        if unknown:
            raise ValidationError(f"SelectiveExecutionConfig selects steps the pipeline definition does not have: "
                                  f"{', '.join(unknown)}.")
        source_arn = selective.get("SourcePipelineExecutionArn")
        if source_arn:
            source = self._execution(ctx, source_arn)
            if source["_pipeline_key"] != pipeline["PipelineName"].lower():
                raise ValidationError(f"The source execution {source_arn} is not an execution of pipeline "
                                      f"{pipeline['PipelineArn']}.")
            if source["PipelineExecutionStatus"] not in ("Succeeded", "Failed"):
                raise ValidationError(f"The source execution {source_arn} is {source['PipelineExecutionStatus']}: "
                                      "a selective execution reuses an execution that Succeeded or Failed.")

    @operation
    def describe_pipeline_execution(self, params: Params, ctx: Context) -> Document:
        document = self._execution(ctx, params["PipelineExecutionArn"])
        aliases = self._version_aliases(document)
        if aliases and _has("DescribePipelineExecutionResponse", "PipelineVersionAliases"):
            return {**document, "PipelineVersionAliases": aliases}
        return document

    def _version_aliases(self, execution: Document) -> list[str]:
        pipeline = self.pipelines.get(execution["_pipeline_key"])
        if pipeline is None:
            return []
        for version in pipeline["_versions"]:
            if version["PipelineVersionId"] == execution["PipelineVersionId"]:
                return list(version.get("PipelineVersionAliases") or [])
        return []

    @operation
    def list_pipeline_executions(self, params: Params, ctx: Context) -> Document:
        pipeline = self._pipeline(ctx, params["PipelineName"])
        selected = self._executions_of(pipeline, ctx)
        if params.get("PipelineVersionAlias"):
            version = _chosen_version(pipeline, {"PipelineVersionAlias": params["PipelineVersionAlias"]})
            selected = [e for e in selected if e["PipelineVersionId"] == version["PipelineVersionId"]]
        page, token = EXECUTION_LISTING.run(selected, params)
        summary = service.shape("PipelineExecutionSummary")
        summaries = []
        for document in page:
            item = shape.project(document, summary)
            item["StartTime"] = document["CreationTime"]
            item["PipelineExecutionFailureReason"] = document.get("FailureReason")
            aliases = self._version_aliases(document)
            if aliases and "PipelineVersionAliases" in summary.members:
                item["PipelineVersionAliases"] = aliases
            summaries.append(item)
        return {"PipelineExecutionSummaries": summaries, "NextToken": token}

    @operation
    def list_pipeline_parameters_for_execution(self, params: Params, ctx: Context) -> Document:
        document = self._execution(ctx, params["PipelineExecutionArn"])
        page, token = offset_page(document["_parameter_list"], params, default_max=10, query=digest(params))
        return {"PipelineParameters": page, "NextToken": token}

    @operation
    def describe_pipeline_definition_for_execution(self, params: Params, ctx: Context) -> Document:
        document = self._execution(ctx, params["PipelineExecutionArn"])
        return {"PipelineDefinition": document["_definition"], "CreationTime": document["_definition_time"]}

    @operation
    def update_pipeline_execution(self, params: Params, ctx: Context) -> Document:
        document = self._execution(ctx, params["PipelineExecutionArn"])
        for member in ("PipelineExecutionDescription", "PipelineExecutionDisplayName", "ParallelismConfiguration"):
            if member in params:
                document[member] = params[member]
        updates.touch(document, ctx, EXECUTION_KIND)
        self._advance(document, ctx)  # a larger parallelism may let waiting steps start
        return {"PipelineExecutionArn": document["PipelineExecutionArn"]}

    @operation
    def stop_pipeline_execution(self, params: Params, ctx: Context) -> Document:
        """Executing -> Stopping -> Stopped; a running callback step holds the execution in Stopping
        until it is released, a running Lambda step runs to its end."""
        document = self._execution(ctx, params["PipelineExecutionArn"])
        EXECUTION.guard(document, "stop", _refuse_execution(document, "stopped"))
        document.pop("_doomed", None)
        document.pop("_failure_reason", None)
        EXECUTION.begin(document, "stop", ctx)
        for step in document["_steps"].values():
            if step["StepStatus"] in STEP_DONE or step["_type"] in ("Callback", "Lambda"):
                continue
            if step.get("_child"):  # the job it runs is stopped too
                pipeline_steps.stop(ctx, CREATES[step["_type"]], step["_child"])
            STEP.begin(step, "stop", ctx)
        updates.touch(document, ctx, EXECUTION_KIND)
        self._advance(document, ctx)
        return {"PipelineExecutionArn": document["PipelineExecutionArn"]}

    @operation
    def retry_pipeline_execution(self, params: Params, ctx: Context) -> Document:
        """From Failed only: the failed steps run again (AttemptCount + 1), then the steps after them."""
        document = self._execution(ctx, params["PipelineExecutionArn"])
        EXECUTION.guard(document, "retry", _refuse_execution(document, "retried"))
        pipeline = self.pipelines.get(document["_pipeline_key"])
        if pipeline is not None and pipeline["PipelineStatus"] != "Active":
            raise ConflictError(f"Pipeline {pipeline['PipelineArn']} is {pipeline['PipelineStatus']}: its executions "
                                "cannot be retried.")
        if params.get("ParallelismConfiguration"):
            document["ParallelismConfiguration"] = params["ParallelismConfiguration"]
        document.pop("_doomed", None)
        EXECUTION.begin(document, "retry", ctx)
        updates.touch(document, ctx, EXECUTION_KIND)
        for name, step in list(document["_steps"].items()):
            if step["StepStatus"] in ("Failed", "Stopped"):
                self._forget_step_token(step)
                self._run_step(document, name, ctx, ctx.now, attempt=step["AttemptCount"] + 1)
        self._advance(document, ctx)
        return {"PipelineExecutionArn": document["PipelineExecutionArn"]}

    @operation
    def list_pipeline_execution_steps(self, params: Params, ctx: Context) -> Document:
        if not params.get("PipelineExecutionArn"):  # optional in the model: without it there is nothing to list
            return {"PipelineExecutionSteps": []}
        document = self._execution(ctx, params["PipelineExecutionArn"])
        page, token = STEP_LISTING.run(document["_steps"].values(), params)
        step_shape = service.shape("PipelineExecutionStep")
        return {"PipelineExecutionSteps": [shape.project(step, step_shape) for step in page], "NextToken": token}

    # -- callback steps -------------------------------------------------------------------------

    def _callback(self, ctx: Context, token: str) -> tuple[Document, Document]:
        found = self.callbacks.get(token)
        execution = self.executions.get(found[0]) if found else None
        if found is None or execution is None:
            raise ResourceNotFound(f"No callback step is waiting for callback token {token}.")
        execution = self._execution(ctx, execution["PipelineExecutionArn"])
        step = execution["_steps"][found[1]]
        if step["StepStatus"] not in ("Starting", "Executing"):
            raise ConflictError(f"Callback step {step['StepName']} of pipeline execution "
                                f"{execution['PipelineExecutionArn']} is {step['StepStatus']}: it no longer waits "
                                f"for callback token {token}.")
        return execution, step

    @operation
    def send_pipeline_execution_step_success(self, params: Params, ctx: Context) -> Document:
        execution, step = self._callback(ctx, params["CallbackToken"])
        outputs = params.get("OutputParameters") or []  # kept as sent, declared by the step or not
        step["Metadata"]["Callback"]["OutputParameters"] = outputs
        execution["_outputs"][step["StepName"]] = {output["Name"]: output["Value"] for output in outputs}
        self._forget_step_token(step)
        STEP.begin(step, "succeed", ctx)
        self._advance(execution, ctx)
        return {"PipelineExecutionArn": execution["PipelineExecutionArn"]}

    @operation
    def send_pipeline_execution_step_failure(self, params: Params, ctx: Context) -> Document:
        execution, step = self._callback(ctx, params["CallbackToken"])
        self._forget_step_token(step)
        step["_failure_reason"] = params.get("FailureReason") or "The callback step was reported failed."
        STEP.begin(step, "fail", ctx)
        self._advance(execution, ctx)
        return {"PipelineExecutionArn": execution["PipelineExecutionArn"]}

    def _forget_step_token(self, step: Document) -> None:
        token = ((step.get("Metadata") or {}).get("Callback") or {}).get("CallbackToken")
        if token:
            self.callbacks.pop(token, None)

    def _forget_tokens(self, execution: Document) -> None:
        for step in execution["_steps"].values():
            self._forget_step_token(step)

    # -- the walk -------------------------------------------------------------------------------

    def all_versions(self) -> list[Document]:
        """Every version of every pipeline, with the last execution's name and status (for Search)."""
        found = []
        for pipeline in self.pipelines.values():
            for version in pipeline["_versions"]:
                record = dict(version)
                last = self.executions.get(_execution_key(version.get("LastExecutionPipelineExecutionArn")))
                if last is not None:
                    record["LastExecutedPipelineExecutionArn"] = last["PipelineExecutionArn"]
                    record["LastExecutedPipelineExecutionDisplayName"] = last.get("PipelineExecutionDisplayName")
                    record["LastExecutedPipelineExecutionStatus"] = last["PipelineExecutionStatus"]
                found.append(record)
        return found

    def live_executions(self, ctx: Context) -> list[Document]:
        """Every execution brought up to date (its steps walked as a read would), for Search."""
        for execution in list(self.executions.values()):
            self._advance(execution, ctx)
        return list(self.executions.values())

    def _advance(self, execution: Document, ctx: Context) -> None:
        """Bring an execution's steps up to date, start the steps now ready, and settle the
        execution's status once nothing runs any more."""
        status = execution["PipelineExecutionStatus"]
        steps: dict[str, Document] = execution["_steps"]
        if status in EXECUTION_DONE:
            self._settle(execution, ctx)
            return
        observed: set[str] = set()  # each step is read once per request, however many passes it takes
        while True:
            for name, step in steps.items():
                if step["StepStatus"] not in STEP_DONE and name not in observed:
                    observed.add(name)
                    STEP.observe(step, ctx)
                    if step.get("_child"):
                        self._follow(step, ctx)
            finished = [step for step in steps.values() if step["StepStatus"] in STEP_DONE and not step["_handled"]]
            for step in finished:
                self._finished(execution, step, ctx)
            started = False
            if execution["PipelineExecutionStatus"] == "Executing" and not execution.get("_doomed"):
                started = self._start_ready(execution, ctx)
            if not finished and not started:
                break
        if execution.get("_doomed") or any(step["StepStatus"] not in STEP_DONE for step in steps.values()):
            return
        ended = max([step["_end"] for step in steps.values()] or [ctx.now])
        at = _at(ctx, min(ended, ctx.now))
        if execution["PipelineExecutionStatus"] == "Stopping":
            EXECUTION.begin(execution, "stopped", at)
        elif any(step["StepStatus"] in ("Failed", "Stopped") for step in steps.values()):
            execution["_failure_reason"] = _STEP_FAILURE
            EXECUTION.begin(execution, "fail", at)
        else:
            EXECUTION.begin(execution, "succeed", at)

    def _settle(self, execution: Document, ctx: Context) -> None:
        """An execution put into a final status by the test (`mock.set_status`): its running steps end too."""
        status = execution["PipelineExecutionStatus"]
        for step in execution["_steps"].values():
            if step["StepStatus"] in STEP_DONE:
                continue
            self._forget_step_token(step)
            if status == "Succeeded":
                STEP.begin(step, "succeed", ctx)
            elif status == "Failed":
                step["_failure_reason"] = execution.get("FailureReason") or _STEP_FAILURE
                STEP.begin(step, "fail", ctx)
            else:
                STEP.begin(step, "stopped", ctx)
            step["_handled"] = True
            step["_end"] = ctx.now

    def _finished(self, execution: Document, step: Document, ctx: Context) -> None:
        step["_handled"] = True
        due = step.get("_due")
        step["_end"] = min(due, ctx.now) if due is not None else ctx.now
        step["EndTime"] = step["_end"]
        self._forget_step_token(step)
        if step["StepStatus"] == "Succeeded" and step["_type"] == "Condition":
            outcome = step["_outcome"]
            step["Metadata"] = {"Condition": {"Outcome": "True" if outcome else "False"}}
            plan = execution["_plan"]
            other = "Else" if outcome else "If"
            skipped = execution["_skipped"]
            for name, info in plan.items():
                if info["parent"] == [step["StepName"], other] and name not in skipped:
                    skipped.append(name)

    def _start_ready(self, execution: Document, ctx: Context) -> bool:
        plan: dict[str, Any] = execution["_plan"]
        steps: dict[str, Document] = execution["_steps"]
        skipped: list[str] = execution["_skipped"]
        bypassed = set(execution.get("_bypassed") or ())
        if any(step["StepStatus"] in ("Failed", "Stopped") for step in steps.values()):
            return False  # after a failure no new step starts; the running ones finish
        limit = (execution.get("ParallelismConfiguration") or {}).get("MaxParallelExecutionSteps")
        running = sum(1 for step in steps.values() if step["StepStatus"] not in STEP_DONE)
        started = False
        for name, info in plan.items():
            if name in steps or name in skipped or name in bypassed:
                continue
            waits_on = list(info["deps"]) + ([info["parent"][0]] if info["parent"] else [])
            if any(dep in skipped for dep in waits_on):
                skipped.append(name)  # it reads from (or follows) a step that does not run
                started = True
                continue
            done = [steps.get(dep) for dep in waits_on if dep not in bypassed]
            if not all(step is not None and step["StepStatus"] == "Succeeded" and step["_handled"] for step in done):
                continue
            if limit is not None and running >= limit:
                break
            at = max([step["_end"] for step in done if step is not None] or [execution["CreationTime"]])
            self._run_step(execution, name, ctx, min(at, ctx.now), attempt=1)
            running += 1
            started = True
        return started

    def _run_step(self, execution: Document, name: str, ctx: Context, at: _dt.datetime, attempt: int) -> None:
        """Start step `name` (at `at`, which is earlier than now when a slow walk catches up)."""
        definition = execution["_plan"][name]["definition"]
        kind = definition.get("Type", "")
        step: Document = {
            "StepName": name,
            "StepDisplayName": definition.get("DisplayName"),
            "StepDescription": definition.get("Description"),
            "AttemptCount": attempt,
            "Metadata": {},
            "_type": kind,
            "_definition": definition,
            "_handled": False,
            "_seq": next_sequence(),
        }
        selective = execution.get("SelectiveExecutionConfig") or {}
        if selective.get("SourcePipelineExecutionArn"):
            step["SelectiveExecutionResult"] = {"SourcePipelineExecutionArn": selective["SourcePipelineExecutionArn"]}
        env = _Environment(execution, ctx.now, self._properties(execution, ctx),
                           lambda uri: artifacts.read(ctx.region, uri))
        trigger = "run"
        creates = CREATES.get(kind)
        if creates is not None:
            trigger = "wait"  # until the resource it creates is done (see _follow)
        elif kind in JOB_METADATA:
            member, resource_type, longest = JOB_METADATA[kind]
            job = _job_name(execution["_id"], name, longest, ctx)
            step["Metadata"] = {member: {"Arn": ctx.arn(resource_type, job)}}
        elif kind == "Callback":
            token = ctx.random_id(10, ALNUM)
            callback: Document = {"CallbackToken": token}
            if definition.get("SqsQueueUrl"):
                callback["SqsQueueUrl"] = definition["SqsQueueUrl"]
            step["Metadata"] = {"Callback": callback}
            key = f"{execution['_pipeline_key']}/execution/{execution['_id']}"
            self.callbacks[token] = (key, name)
            trigger = "wait"
        elif kind == "Lambda" and definition.get("FunctionArn"):
            step["Metadata"] = {"Lambda": {"Arn": definition["FunctionArn"]}}
        elif kind == "EMR":
            arguments = definition.get("Arguments") or {}
            emr: Document = {"StepId": "s-" + ctx.random_id(13, string.ascii_uppercase + string.digits),
                             "StepName": name}
            if isinstance(arguments.get("ClusterId"), str):
                emr["ClusterId"] = arguments["ClusterId"]
            step["Metadata"] = {"EMR": emr}
        elif kind == "Fail":
            message = (definition.get("Arguments") or {}).get("ErrorMessage", "")
            text = env.text(message)
            step["Metadata"] = {"Fail": {"ErrorMessage": text}}
            step["_failure_reason"] = text
            trigger = "fail-step"
        elif kind == "Condition":
            step["_outcome"] = env.conditions((definition.get("Arguments") or {}).get("Conditions") or [])
        execution["_steps"][name] = step
        started = _at(ctx, at)
        STEP.begin(step, trigger, started)
        if creates is not None and step["StepStatus"] != "Failed" and "_failure_reason" not in step:
            trigger = self._create(execution, step, creates, env, started)
        if ctx.state.config.transitions == "seconds" and trigger != "wait":
            ticks = len(STEP.paths[trigger]) - 1
            step["_due"] = at + _dt.timedelta(seconds=ticks * ctx.state.config.transition_seconds)


    # -- the resources steps create -------------------------------------------------------------

    def _create(self, execution: Document, step: Document, creates: Creates, env: _Environment,
                ctx: Context) -> str:
        """Create the resource a step describes (a step the test made fail creates none); the
        step's trigger: "wait" while the resource runs, "fail-step" when it could not be created."""
        definition = step["_definition"]
        name = _job_name(execution["_id"], step["StepName"], creates.longest, ctx)
        try:
            arguments = env.resolve(definition.get("Arguments") or {})
            check = {member: env.resolve(definition[member]) for member in pipeline_steps.CHECK_MEMBERS
                     if member in definition}
        except _Unknown as unknown:
            reason = (f"Step {step['StepName']} reads {unknown}, which sagemock cannot evaluate: a property file "
                      "(Std:JsonGet), a property its step's resource does not have, or an unknown variable.")
            return self._refused(step, reason, ctx)
        try:
            arn = pipeline_steps.create(ctx, creates, pipeline_steps.request(creates, arguments, name))
        except ServiceError as error:
            return self._refused(step, pipeline_steps.refusal(creates.create, error), ctx)
        step["_child"] = arn
        step["Metadata"] = pipeline_steps.metadata(creates, check, arn)
        return "wait"

    @staticmethod
    def _refused(step: Document, reason: str, ctx: Context) -> str:
        """The step fails as AWS fails it when the service refuses its request: no resource and
        empty `Metadata`."""
        step["_failure_reason"] = reason
        STEP.begin(step, "fail-step", ctx)
        return "fail-step"

    def _follow(self, step: Document, ctx: Context) -> None:
        """A step that created a job stays Executing while the job runs, and ends as it ends: a
        failed or stopped job fails the step with the job's `FailureReason`."""
        if step["StepStatus"] != "Executing" or STEP.in_transition(step):
            return
        creates = CREATES[step["_type"]]
        status, child = pipeline_steps.status(ctx, creates, step["_child"])
        if child is not None and status not in pipeline_steps.SUCCEEDED | pipeline_steps.FAILED:
            return  # still running
        ended = child.get(creates.end_key) if child is not None and creates.end_key else None
        executing = step["StartTime"]  # when the step entered Executing (one transition after Starting)
        if ctx.state.config.transitions == "seconds":
            executing += _dt.timedelta(seconds=ctx.state.config.transition_seconds)
        end = ctx.now if not isinstance(ended, _dt.datetime) else max(min(ended, ctx.now), min(executing, ctx.now))
        step["_due"] = end
        if child is not None and status in pipeline_steps.SUCCEEDED:
            STEP.begin(step, "succeed", _at(ctx, end))
            return
        if child is None:
            reason = f"{step['_child']} no longer exists."
        else:
            reason = child.get("FailureReason") or f"{step['_child']} is {status}."
        step["_failure_reason"] = reason
        STEP.begin(step, "fail", _at(ctx, end))

    def _properties(self, execution: Document, ctx: Context) -> PropertyReader:
        """Reads an earlier step's properties: the Describe answer of the resource it created."""
        def read(step_name: str, path: str) -> Any:
            step = execution["_steps"].get(step_name)
            if step is None or not step.get("_child") or step["StepStatus"] != "Succeeded":
                raise _Unknown(f"Steps.{step_name}.{path}")
            described = pipeline_steps.properties(ctx, CREATES[step["_type"]], step["_child"])
            try:
                return pipeline_steps.read(described, path)
            except _Unknown:
                raise _Unknown(f"Steps.{step_name}.{path}") from None
        return read


# -- definitions -----------------------------------------------------------------------------

def parse_definition(text: str) -> Document:
    """The parsed pipeline definition, checked as SageMaker checks it before storing it."""
    try:
        parsed = json.loads(text)
    except ValueError as error:
        raise ValidationError(f"The pipeline definition is not valid JSON: {error}.") from None
    if not isinstance(parsed, dict):
        raise ValidationError("The pipeline definition must be a JSON object with a Steps list.")
    if not isinstance(parsed.get("Steps"), list):
        raise ValidationError("The pipeline definition has no Steps: it must have a Steps list.")
    declared = _declared_parameters(parsed)
    plan = _plan(parsed)
    for name, info in plan.items():
        for reference in _references(info["definition"], condition_body=info["definition"].get("Type") == "Condition"):
            head, _, rest = reference.partition(".")
            if head == "Parameters" and rest not in declared:
                raise ValidationError(f"Step {name} refers to parameter {rest!r}, which the definition does not "
                                      "declare in Parameters.")
            # An `Execution.X` sagemock does not know is a value it cannot know (as a job's property):
            # AWS may add variables, and refusing them would be stricter than AWS.
    _check_acyclic(plan)
    return parsed


def _declared_parameters(definition: Document) -> dict[str, Document]:
    parameters = definition.get("Parameters") or []
    if not isinstance(parameters, list):
        raise ValidationError("The pipeline definition's Parameters must be a list.")
    declared: dict[str, Document] = {}
    for parameter in parameters:
        if not isinstance(parameter, dict) or not isinstance(parameter.get("Name"), str):
            raise ValidationError("Every parameter of the pipeline definition needs a Name.")
        name = parameter["Name"]
        if name in declared:
            raise ValidationError(f"The pipeline definition declares parameter {name} twice.")
        kind = parameter.get("Type", "String")
        if kind not in PARAMETER_TYPES:
            raise ValidationError(f"Parameter {name} has Type {kind!r}; the parameter types are "
                                  f"{', '.join(PARAMETER_TYPES)}.")
        if "DefaultValue" in parameter and parameter["DefaultValue"] is not None:
            _typed(name, kind, parameter["DefaultValue"], default=True)
        declared[name] = parameter
    return declared


def _plan(definition: Document) -> dict[str, Any]:
    """Every step of the definition (those inside condition branches too), in definition order,
    with the steps it depends on and the condition branch it belongs to."""
    plan: dict[str, Any] = {}

    def add(steps: Any, parent: list[str] | None) -> None:
        if not isinstance(steps, list):
            raise ValidationError("Steps, IfSteps and ElseSteps must be lists of steps.")
        for step in steps:
            if not isinstance(step, dict) or not isinstance(step.get("Name"), str) or not step.get("Name"):
                raise ValidationError("Every step of the pipeline definition needs a Name.")
            name = step["Name"]
            if not re.fullmatch(r"[A-Za-z0-9\-_]{1,64}", name):
                raise ValidationError(f"Step name {name!r} is not valid: use 1 to 64 letters, digits, hyphens and "
                                      "underscores.")
            if not isinstance(step.get("Type"), str):
                raise ValidationError(f"Step {name} has no Type.")
            if name in plan:
                raise ValidationError(f"The pipeline definition has two steps named {name}: step names must be unique.")
            plan[name] = {"definition": step, "parent": parent, "deps": []}
            if step["Type"] == "Condition":
                arguments = step.get("Arguments") or {}
                add(arguments.get("IfSteps") or [], [name, "If"])
                add(arguments.get("ElseSteps") or [], [name, "Else"])

    add(definition["Steps"], None)
    for name, info in plan.items():
        step = info["definition"]
        depends_on = step.get("DependsOn") or []
        if not isinstance(depends_on, list) or not all(isinstance(dep, str) for dep in depends_on):
            raise ValidationError(f"DependsOn of step {name} must be a list of step names.")
        deps = list(depends_on)
        for reference in _references(step, condition_body=step["Type"] == "Condition"):
            head, _, rest = reference.partition(".")
            if head == "Steps":
                deps.append(re.split(r"[.\[]", rest, maxsplit=1)[0])
        for dep in deps:
            if dep not in plan:
                raise ValidationError(f"Step {name} depends on step {dep!r}, which the pipeline definition does not "
                                      "have.")
            if dep == name:
                raise ValidationError(f"Step {name} depends on itself.")
        info["deps"] = list(dict.fromkeys(deps))
    return plan


def _references(step: Document, condition_body: bool) -> Iterator[str]:
    """Every `{"Get": "..."}` path in a step, leaving out the steps nested in a condition's branches."""
    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, dict):
            if isinstance(value.get("Get"), str) and len(value) == 1:
                yield value["Get"]
                return
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    for key, value in step.items():
        if key == "Arguments" and condition_body and isinstance(value, dict):
            yield from walk({k: v for k, v in value.items() if k not in ("IfSteps", "ElseSteps")})
        elif key not in ("Name", "Type", "DependsOn"):
            yield from walk(value)


def _check_acyclic(plan: dict[str, Any]) -> None:
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in done:
            return
        if name in visiting:
            cycle = path[path.index(name):] + [name]
            raise ValidationError(f"The pipeline definition's steps depend on each other in a cycle: "
                                  f"{' -> '.join(cycle)}.")
        visiting.add(name)
        info = plan[name]
        for dep in info["deps"] + ([info["parent"][0]] if info["parent"] else []):
            visit(dep, path + [name])
        visiting.discard(name)
        done.add(name)

    for name in plan:
        visit(name, [])


def _typed(name: str, kind: str, value: Any, default: bool = False) -> Any:
    """A parameter value as its declared type (a request's text, or a definition's default)."""
    where = f"The default value of parameter {name}" if default else f"The value of parameter {name}"
    if kind == "String":
        if not isinstance(value, str):
            raise ValidationError(f"{where} must be a String, not {value!r}.")
        if not value and not default:  # AWS: [string "" is too short (length: 0, required minimum: 1)]
            raise ValidationError(f'{where} is invalid: [string "" is too short (length: 0, required minimum: 1)]')
        return value
    if kind == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ValidationError(f"{where} must be a Boolean (true or false), not {value!r}.")
    if isinstance(value, bool):
        raise ValidationError(f"{where} must be a{'n' if kind == 'Integer' else ''} {kind}, not {value!r}.")
    if kind == "Integer":
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            return int(value)
        raise ValidationError(f"{where} must be an Integer, not {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{where} must be a Float, not {value!r}.") from None
    if not math.isfinite(number):
        raise ValidationError(f"{where} must be a finite Float, not {value!r}.")
    return number


def _parameter_values(definition: Document, given: list[Document]) -> tuple[dict[str, Any], list[Document]]:
    """Every declared parameter's value for an execution, the request's else the default: typed (for
    conditions) and as ListPipelineParametersForExecution shows it (the text given, or the default)."""
    declared = _declared_parameters(definition)
    names = [parameter["Name"] for parameter in given]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(f"PipelineParameters names {', '.join(repeated)} more than once.")
    # A parameter the definition does not declare is ignored (AWS states no refusal) and not listed.
    values = {parameter["Name"]: parameter["Value"] for parameter in given}
    result: dict[str, Any] = {}
    listed: list[Document] = []
    for name, parameter in declared.items():
        kind = parameter.get("Type", "String")
        if name in values:
            value = _typed(name, kind, values[name])
            listed.append({"Name": name, "Value": values[name]})
        elif parameter.get("DefaultValue") is not None:
            value = _typed(name, kind, parameter["DefaultValue"], default=True)
            listed.append({"Name": name, "Value": _as_text(parameter["DefaultValue"])})
        else:
            raise ValidationError(f"Parameter {name} has no default value: give it a value in PipelineParameters.")
        allowed = parameter.get("EnumValues")
        if allowed and value not in allowed:
            raise ValidationError(f"The value of parameter {name} must be one of {', '.join(map(str, allowed))}, "
                                  f"not {value!r}.")
        result[name] = value
    return result, listed


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: `Std:JsonGet`'s reference to a processing step's property file.
_PROPERTY_FILE = re.compile(r"Steps\.([^.]+)\.PropertyFiles\.(.+)")
#: A value the mock cannot know (a property file, a property the resource does not have).
_Unknown = pipeline_steps.Unknown
#: Reads a property of an earlier step's resource: (step name, property path) -> value.
PropertyReader = Callable[[str, str], Any]


def _no_properties(step: str, path: str) -> Any:
    raise _Unknown(f"Steps.{step}.{path}")


class _Environment:
    """What an expression of the definition can read while an execution runs."""

    def __init__(self, execution: Document, now: _dt.datetime, properties: PropertyReader = _no_properties,
                 files: Callable[[str], bytes | None] = lambda uri: None):
        self.execution = execution
        self.now = now
        self.properties = properties
        self.files = files

    def variable(self, name: str) -> Any:
        execution = self.execution
        known = {
            "PipelineExecutionId": execution["_id"],
            "PipelineExecutionArn": execution["PipelineExecutionArn"],
            "PipelineName": execution["_pipeline_name"],
            "PipelineArn": execution["PipelineArn"],
            "StartDateTime": execution["CreationTime"].isoformat(),
            "CurrentDateTime": self.now.isoformat(),
        }
        if name not in known:
            raise _Unknown(f"Execution.{name}")
        return known[name]

    def resolve(self, value: Any) -> Any:
        """A step's arguments with every expression in them evaluated (raises `_Unknown` for one
        that reads what the mock cannot know)."""
        if isinstance(value, dict):
            if len(value) == 1 and next(iter(value)) in ("Get", "Std:Join", "Std:JsonGet"):
                return self.value(value)
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    def value(self, expression: Any) -> Any:
        if isinstance(expression, (str, int, float, bool)) or expression is None:
            return expression
        if isinstance(expression, list):
            return [self.value(item) for item in expression]
        if not isinstance(expression, dict):
            raise _Unknown
        if "Get" in expression and len(expression) == 1:
            path = expression["Get"]
            head, _, rest = str(path).partition(".")
            if head == "Parameters" and rest in self.execution["_parameters"]:
                return self.execution["_parameters"][rest]
            if head == "Execution" and rest in EXECUTION_VARIABLES:
                return self.variable(rest)
            match = _OUTPUT_PARAMETER.match(str(path))
            if match and match.group(2) in self.execution["_outputs"].get(match.group(1), {}):
                return self.execution["_outputs"][match.group(1)][match.group(2)]
            if head == "Steps" and not match:
                step, _, where = rest.partition(".")
                return self.properties(step, where)
            raise _Unknown(str(path))
        if "Std:Join" in expression and len(expression) == 1:
            join = expression["Std:Join"]
            return str(join.get("On", "")).join(_as_text(self.value(item)) for item in join.get("Values") or [])
        if "Std:JsonGet" in expression and len(expression) == 1:
            return self.json_get(expression["Std:JsonGet"])
        raise _Unknown(json.dumps(expression, default=str))

    def json_get(self, spec: Any) -> Any:
        """`Std:JsonGet`: a value in a JSON file an earlier step wrote, named by a property file of a
        processing step (`{"PropertyFile": {"Get": "Steps.<step>.PropertyFiles.<name>"}, "Path": ...}`:
        the file at `FilePath` under the S3Uri of the step's output `OutputName`) or by `S3Uri`. The
        file is read from S3 as a processing job's outputs put it there (`mock.set_job_artifact`);
        `Path` is read as a JSON path (`regression_metrics.mse.value`, `a[0].b`)."""
        if not isinstance(spec, dict) or not isinstance(spec.get("Path"), str):
            raise _Unknown(json.dumps(spec, default=str))
        if "PropertyFile" in spec:
            reference = spec["PropertyFile"]
            path = reference.get("Get") if isinstance(reference, dict) else None
            match = _PROPERTY_FILE.fullmatch(str(path))
            step = self.execution["_steps"].get(match.group(1)) if match else None
            if step is None or match is None:
                raise _Unknown(str(path))
            declared = {item.get("PropertyFileName"): item for item in step["_definition"].get("PropertyFiles") or []}
            found = declared.get(match.group(2))
            if found is None:
                raise _Unknown(str(path))
            folder = self.properties(match.group(1), f"ProcessingOutputConfig.Outputs['{found['OutputName']}']"
                                                      ".S3Output.S3Uri")
            uri = f"{str(folder).rstrip('/')}/{str(found['FilePath']).lstrip('/')}"
        else:
            uri = _as_text(self.value(spec.get("S3Uri")))
        body = self.files(uri)
        if body is None:
            raise _Unknown(uri)
        try:
            import jmespath

            value = jmespath.search(spec["Path"].removeprefix("$."), json.loads(body))
        except (ValueError, jmespath.exceptions.JMESPathError):
            raise _Unknown(f"{uri} at {spec['Path']}") from None
        if value is None:
            raise _Unknown(f"{uri} at {spec['Path']}")
        return value

    def text(self, expression: Any) -> str:
        try:
            value = self.value(expression)
        except _Unknown:
            return json.dumps(expression)
        return _as_text(value)

    def conditions(self, conditions: list[Any]) -> bool:
        """The outcome of a condition step: all its conditions hold. One that reads a value the mock
        cannot know (a property file, a property the step's resource does not have) makes the
        outcome True."""
        try:
            return all(self.condition(condition) for condition in conditions)
        except _Unknown:
            return True

    def condition(self, condition: Any) -> bool:
        if not isinstance(condition, dict):
            raise _Unknown
        kind = condition.get("Type")
        if kind == "Not":
            return not self.condition(condition.get("Expression"))
        if kind == "Or":
            return any(self.condition(item) for item in condition.get("Conditions") or [])
        if kind == "In":
            query = self.value(condition.get("QueryValue"))
            return any(_equal(query, self.value(item)) for item in condition.get("Values") or [])
        compare: dict[str, Callable[[Any, Any], bool]] = {
            "Equals": _equal,
            "GreaterThan": lambda a, b: bool(a > b),
            "GreaterThanOrEqualTo": lambda a, b: bool(a >= b),
            "LessThan": lambda a, b: bool(a < b),
            "LessThanOrEqualTo": lambda a, b: bool(a <= b),
        }
        if kind not in compare:
            raise _Unknown
        left, right = _comparable(self.value(condition.get("LeftValue")), self.value(condition.get("RightValue")))
        try:
            return compare[kind](left, right)
        except TypeError:
            raise _Unknown from None


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    """Numbers compare as numbers, also when one side is a number written as text."""
    numbers = (int, float)
    if isinstance(left, numbers) and not isinstance(left, bool) and isinstance(right, str):
        try:
            return left, float(right)
        except ValueError:
            return str(left), right
    if isinstance(right, numbers) and not isinstance(right, bool) and isinstance(left, str):
        try:
            return float(left), right
        except ValueError:
            return left, str(right)
    return left, right


def _equal(left: Any, right: Any) -> bool:
    left, right = _comparable(left, right)
    return bool(left == right)


def _experiment_config(definition: Document, execution: Document) -> Document | None:
    """PipelineExperimentConfig as the definition states it (the SageMaker Python SDK writes the
    pipeline name and the execution id); the experiment name is lower-cased as SageMaker names it."""
    config = definition.get("PipelineExperimentConfig")
    if not isinstance(config, dict):
        return None
    env = _Environment(execution, execution["CreationTime"])
    result: Document = {}
    for member in ("ExperimentName", "TrialName"):
        if member in config:
            try:
                value = _as_text(env.value(config[member]))
            except _Unknown:
                continue
            result[member] = value.lower() if member == "ExperimentName" else value
    return result or None


def _at(ctx: Context, moment: _dt.datetime) -> Context:
    """The request's context, seen at `moment` (a step that started or ended between two reads)."""
    return ctx if moment >= ctx.now else dataclasses.replace(ctx, now=moment)


def _job_name(execution_id: str, step: str, longest: int, ctx: Context) -> str:
    """`pipelines-<execution id>-<step name>-<10 random>`, cut to what the job type accepts."""
    suffix = ctx.random_id(10, ALNUM)
    safe = re.sub(r"[^A-Za-z0-9-]", "-", step)
    prefix = f"pipelines-{execution_id}-{safe}" if longest > 32 else f"{execution_id}-{safe}"
    return f"{prefix[:longest - 11].rstrip('-')}-{suffix}"


# -- versions --------------------------------------------------------------------------------

def _execution_key(arn: str | None) -> str:
    """The key executions are kept under, from an execution ARN (`<name>/execution/<id>`)."""
    parsed = arns.parse(arn) if arn else None
    return parsed.resource.lower() if parsed else ""


def _version(arn: str, number: int, ctx: Context, text: str, parsed: Document, aliases: list[str]) -> Document:
    return {
        "PipelineArn": arn,
        "PipelineVersionId": number,
        "CreationTime": ctx.now,
        "CreatedBy": ctx.user_for("pipeline"),
        "LastModifiedTime": ctx.now,
        "LastModifiedBy": ctx.user_for("pipeline"),
        "PipelineVersionAliases": list(aliases) or None,
        "_definition": text,
        "_parsed": parsed,
        "_seq": next_sequence(),
    }


def _version_view(version: Document) -> Document:
    """The version's members of DescribePipeline."""
    view = {"PipelineDefinition": version["_definition"]}
    for member in ("PipelineVersionDisplayName", "PipelineVersionDescription", "PipelineVersionAliases"):
        if version.get(member):
            view[member] = version[member]
    return view


def _version_by_id(pipeline: Document, version_id: int) -> Document:
    versions: list[Document] = pipeline["_versions"]
    for version in versions:
        if version["PipelineVersionId"] == version_id:
            return version
    raise ResourceNotFound(f"Pipeline {pipeline['PipelineArn']} has no version {version_id}.")


def _chosen_version(pipeline: Document, params: Params) -> Document:
    """The version a request names by PipelineVersionId or PipelineVersionAlias (else the latest)."""
    version_id, alias = params.get("PipelineVersionId"), params.get("PipelineVersionAlias")
    if version_id is not None and alias is not None:
        raise ValidationError("Specify either PipelineVersionId or PipelineVersionAlias, not both.")
    if version_id is not None:
        return _version_by_id(pipeline, version_id)
    versions: list[Document] = pipeline["_versions"]
    if alias is not None:
        for version in versions:
            if alias in (version.get("PipelineVersionAliases") or ()):
                return version
        raise ResourceNotFound(f"No version of pipeline {pipeline['PipelineArn']} has the alias {alias}.")
    return versions[-1]


def _aliases_by_version(pipeline: Document) -> dict[str, int]:
    return {alias: version["PipelineVersionId"] for version in pipeline["_versions"]
            for alias in version.get("PipelineVersionAliases") or ()}


def _check_aliases(aliases: Iterable[str], taken: dict[str, int]) -> None:
    aliases = list(aliases)
    repeated = sorted({alias for alias in aliases if aliases.count(alias) > 1})
    if repeated:
        raise ValidationError(f"The aliases {', '.join(repeated)} are given more than once.")
    for alias in aliases:
        if alias.isdigit():
            raise ValidationError(f"Alias {alias} is not valid: an alias can't consist of numbers only.")
        if alias in taken:
            raise ValidationError(f"Alias {alias} is already assigned to version {taken[alias]}: an alias must be "
                                  "unique within the pipeline. Remove it from that version first "
                                  "(UpdatePipelineVersion).")


def _refuse(pipeline: Document, verb: str) -> Callable[[str, tuple[str, ...]], ServiceError]:
    return lambda status, accepted: ConflictError(
        f"Pipeline {pipeline['PipelineArn']} is {status}: it can be {verb} only when it is {' or '.join(accepted)}.")


def _refuse_execution(execution: Document, verb: str) -> Callable[[str, tuple[str, ...]], ServiceError]:
    return lambda status, accepted: ConflictError(
        f"Pipeline execution {execution['PipelineExecutionArn']} is {status}: only an execution that is "
        f"{' or '.join(accepted)} can be {verb}.")


# -- reading a definition from S3 ------------------------------------------------------------

def _read_s3(location: Document, region: str) -> str:
    """The text of a definition in S3, read through whatever serves S3 in the test (moto's
    `mock_aws`; `core.s3`); nothing is ever sent to AWS."""
    bucket, key = location["Bucket"], location["ObjectKey"]
    where = f"s3://{bucket}/{key}" + (f"?versionId={location['VersionId']}" if location.get("VersionId") else "")
    try:
        body = s3.get(bucket, key, region, location.get("VersionId"))
    except s3.NothingServesS3:
        raise ValidationError(f"The pipeline definition could not be read from {where}: nothing serves S3 in this "
                              "test (start moto's mock_aws, or another S3 mock, around this call). sagemock "
                              "never sends requests to AWS.") from None
    except s3.S3Error as error:
        raise ValidationError(f"The pipeline definition could not be read from {where}: {error.code}: "
                              f"{error.message}") from None
    try:
        text: str = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"The pipeline definition at {where} is not UTF-8 text.") from None
    longest = service.max_of("PipelineDefinition")
    if not text or len(text) > longest:
        raise ValidationError(f"The pipeline definition at {where} must be 1 to {longest} characters long; it is "
                              f"{len(text)}.")
    return text


provide(Provider("Pipeline", "Pipeline", "PipelineArn",
                 lambda store: store.table(RESOURCE_TYPE).values(), PIPELINE,
                 {"Tags": own_tags("PipelineArn")}, family="Pipelines", kind="pipeline", table=RESOURCE_TYPE))
provide(Provider("PipelineExecution", "PipelineExecution", "PipelineExecutionArn",
                 lambda store: store.table("pipeline/execution").values(),
                 computed={"PipelineParameters": lambda store, document: document["_parameter_list"]},
                 family="Pipelines", kind="pipeline/execution",
                 live=lambda store, ctx: store.backend(Pipelines).live_executions(ctx)))
provide(Provider("PipelineVersion", "PipelineVersion", "PipelineArn",
                 lambda store: store.backend(Pipelines).all_versions(),
                 family="Pipelines", kind="pipeline", live=lambda store, ctx: store.backend(Pipelines).all_versions()))
