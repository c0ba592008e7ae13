"""Experiments: experiments, the trials they hold, and the trial components trials share.

An experiment holds trials; a trial belongs to exactly one experiment, named when it is created
("A trial is part of a single SageMaker experiment", CreateTrial). Trial components stand alone
and join trials through AssociateTrialComponent, many to many ("A trial component can be
associated with multiple trials"). Each resource is kept as the document its Describe operation
returns; an association is kept on both ends (`_components` on the trial, `_trials` on the
component, in association order).

What AWS documents and sagemock enforces (API reference and the botocore model):

* Names "must be unique in your Amazon Web Services account and [are] not case-sensitive"
  (CreateExperiment / CreateTrial / CreateTrialComponent): a name that differs only in case is
  taken, and every operation finds a resource by its name in any case. A duplicate is a
  ValidationException whose message says "already exists", as the SageMaker Python SDK expects
  (`sagemaker.experiments._utils.is_already_exist_error`).
* "If DisplayName isn't specified, ExperimentName [TrialName, TrialComponentName] is displayed."
* Parameters: "Only one of NumberValue or StringValue can be specified"
  (TrialComponentParameterValue).
* UpdateTrialComponent merges Parameters, InputArtifacts and OutputArtifacts: "Existing
  hyperparameters are replaced if the trial component is updated with an identical hyperparameter
  key"; `*ToRemove` removes keys. The model's caps (TrialComponentParameters,
  TrialComponentArtifacts) apply to the merged maps.
* Delete order: DeleteExperiment: "All trials associated with the experiment must be deleted
  first"; DeleteTrial: "All trial components that make up the trial must be deleted first";
  DeleteTrialComponent: "A trial component must be disassociated from all trials before the trial
  component can be deleted". The Delete operations declare only ResourceNotFound, so a refusal is
  a ValidationException.
* ListTrialComponents: "If you specify ExperimentName, you can't filter by SourceArn or
  TrialName" (and likewise for the other two).
* Every List sorts by CreationTime Descending with 10 results a page unless asked otherwise.

Where AWS is silent, the choices are sagemock's (see docs/experiments.md): associating a pair that
is already associated succeeds and changes nothing (the SageMaker Python SDK re-associates a run's
component on every `Run.init`); disassociating a pair that is not associated is ResourceNotFound;
Associate and Disassociate stamp LastModifiedTime/By on both the trial and the component; a key
both set and removed in one UpdateTrialComponent is refused. Parameters and artifacts are kept as
maps, empty ones too, as AWS returns them.
"""
from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..core import service, shape, tags, updates
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceNotFound, ValidationError
from ..core.pagination import Listing
from ..core.searchable import Provider, own_tags, provide
from ..core.state import Store
from ..core.table import Table

Document = dict[str, Any]

EXPERIMENT = "experiment"
TRIAL = "experiment-trial"
COMPONENT = "experiment-trial-component"

EXPERIMENT_LISTING = Listing(
    sort_keys={"Name": "ExperimentName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Descending", id_key="ExperimentArn",
)
TRIAL_LISTING = Listing(
    sort_keys={"Name": "TrialName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Descending", id_key="TrialArn",
)
COMPONENT_LISTING = Listing(
    sort_keys={"Name": "TrialComponentName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Descending", id_key="TrialComponentArn",
)

#: ListTrialComponents' filters of which a request may give one at most.
EXCLUSIVE_FILTERS = ("ExperimentName", "TrialName", "SourceArn")
#: UpdateTrialComponent's merged maps and the request member that removes keys from each.
MERGED_MAPS = (("Parameters", "ParametersToRemove"), ("InputArtifacts", "InputArtifactsToRemove"),
               ("OutputArtifacts", "OutputArtifactsToRemove"))


def _not_found(kind: str) -> Callable[[str], ResourceNotFound]:
    """The error a lookup answers when nothing has the name: ResourceNotFound (declared by each)."""
    return lambda arn: ResourceNotFound(f"{kind} '{arn}' does not exist.")


class Experiments(Backend):
    # Each table keys its documents by the lower-cased name: these names ignore case.
    experiments = Table.of(EXPERIMENT, arn="ExperimentArn", name="ExperimentName",
                           missing=_not_found("Experiment"))
    trials = Table.of(TRIAL, arn="TrialArn", name="TrialName", missing=_not_found("Trial"))
    components = Table.of(COMPONENT, arn="TrialComponentArn", name="TrialComponentName",
                          missing=_not_found("Trial component"))

    # -- lookups ----------------------------------------------------------------------------

    def _experiment(self, ctx: Context, name: str) -> Document:
        return self.experiments.require(ctx, name)

    def _trial(self, ctx: Context, name: str) -> Document:
        return self.trials.require(ctx, name)

    def _component(self, ctx: Context, name_or_arn: str) -> Document:
        return self.components.require(ctx, name_or_arn)

    def _trials_of(self, experiment: Document) -> list[Document]:
        key = experiment["ExperimentName"].lower()
        return [trial for trial in self.trials.values() if trial["ExperimentName"].lower() == key]

    def _create(self, table: Table, kind: str, resource_type: str, name: str,
                ctx: Context, params: Params) -> str:
        """The ARN a new resource gets, once its name is known to be free (in any case) and its tags valid."""
        arn = ctx.arn(resource_type, name)
        existing = table.get(name.lower())
        if existing is not None:
            taken = existing[f"{kind.title().replace(' ', '')}Arn"]
            raise ValidationError(f"{kind} '{taken}' already exists.")
        tags.check(params.get("Tags"))
        return arn

    def _register(self, table: Table, document: Document, arn: str, name: str, params: Params) -> None:
        table.add(document, params.get("Tags"))

    def _forget(self, table: Table, name: str, arn: str) -> None:
        """A resource goes, and with it its tags and its lineage associations."""
        document = table.get(name.lower())
        if document is not None:
            table.remove(document)
        self.store.owner("artifact").forget(arn)

    # -- experiments ------------------------------------------------------------------------

    @operation
    def create_experiment(self, params: Params, ctx: Context) -> Document:
        name = params["ExperimentName"]
        arn = self._create(self.experiments, "Experiment", EXPERIMENT, name, ctx, params)
        document: Document = {
            "ExperimentName": name,
            "ExperimentArn": arn,
            "DisplayName": params.get("DisplayName") or name,
            "Description": params.get("Description") or None,
            "CreationTime": ctx.now,
            "CreatedBy": ctx.user_for(EXPERIMENT),
            "LastModifiedTime": ctx.now,
            "LastModifiedBy": ctx.user_for(EXPERIMENT),
        }
        self._register(self.experiments, document, arn, name, params)
        return {"ExperimentArn": arn}

    @operation
    def describe_experiment(self, params: Params, ctx: Context) -> Document:
        return self._experiment(ctx, params["ExperimentName"])

    @operation
    def list_experiments(self, params: Params, ctx: Context) -> Document:
        page, token = EXPERIMENT_LISTING.walk(self.experiments, ctx, params)
        return {"ExperimentSummaries": _summaries(page, "ExperimentSummary", "ExperimentSource"),
                "NextToken": token}

    @operation
    def update_experiment(self, params: Params, ctx: Context) -> Document:
        document = self._experiment(ctx, params["ExperimentName"])
        if "DisplayName" in params:
            document["DisplayName"] = params["DisplayName"]
        if "Description" in params:  # an empty description removes it
            document["Description"] = params["Description"] or None
        updates.touch(document, ctx, EXPERIMENT)
        return {"ExperimentArn": document["ExperimentArn"]}

    @operation
    def delete_experiment(self, params: Params, ctx: Context) -> Document:
        document = self._experiment(ctx, params["ExperimentName"])
        trials = self._trials_of(document)
        if trials:
            names = ", ".join(sorted(trial["TrialName"] for trial in trials))
            raise ValidationError(
                f"Experiment '{document['ExperimentArn']}' cannot be deleted: it has {len(trials)} trial(s) "
                f"({names}). All trials associated with the experiment must be deleted first.")
        self._forget(self.experiments, document["ExperimentName"], document["ExperimentArn"])
        return {"ExperimentArn": document["ExperimentArn"]}

    # -- trials -----------------------------------------------------------------------------

    @operation
    def create_trial(self, params: Params, ctx: Context) -> Document:
        name = params["TrialName"]
        arn = self._create(self.trials, "Trial", TRIAL, name, ctx, params)
        experiment = self._experiment(ctx, params["ExperimentName"])
        document: Document = {
            "TrialName": name,
            "TrialArn": arn,
            "DisplayName": params.get("DisplayName") or name,
            "ExperimentName": experiment["ExperimentName"],
            "CreationTime": ctx.now,
            "CreatedBy": ctx.user_for(TRIAL),
            "LastModifiedTime": ctx.now,
            "LastModifiedBy": ctx.user_for(TRIAL),
            "MetadataProperties": params.get("MetadataProperties"),
            "_components": [],
        }
        self._register(self.trials, document, arn, name, params)
        return {"TrialArn": arn}

    @operation
    def describe_trial(self, params: Params, ctx: Context) -> Document:
        return self._trial(ctx, params["TrialName"])

    @operation
    def list_trials(self, params: Params, ctx: Context) -> Document:
        if not params.get("ExperimentName") and not params.get("TrialComponentName"):
            page, token = TRIAL_LISTING.walk(self.trials, ctx, params)
            return {"TrialSummaries": _summaries(page, "TrialSummary", "TrialSource"), "NextToken": token}
        selected: Iterable[Document] = self.trials.values()
        if params.get("ExperimentName"):
            selected = self._trials_of(self._experiment(ctx, params["ExperimentName"]))
        if params.get("TrialComponentName"):
            component = self._component(ctx, params["TrialComponentName"])
            linked = set(component["_trials"])
            selected = [trial for trial in selected if trial["TrialName"].lower() in linked]
        page, token = TRIAL_LISTING.run(selected, params)
        return {"TrialSummaries": _summaries(page, "TrialSummary", "TrialSource"), "NextToken": token}

    @operation
    def update_trial(self, params: Params, ctx: Context) -> Document:
        document = self._trial(ctx, params["TrialName"])
        if "DisplayName" in params:
            document["DisplayName"] = params["DisplayName"]
        updates.touch(document, ctx, TRIAL)
        return {"TrialArn": document["TrialArn"]}

    @operation
    def delete_trial(self, params: Params, ctx: Context) -> Document:
        document = self._trial(ctx, params["TrialName"])
        if document["_components"]:
            names = ", ".join(self.components[key]["TrialComponentName"] for key in document["_components"])
            raise ValidationError(
                f"Trial '{document['TrialArn']}' cannot be deleted: {len(document['_components'])} trial "
                f"component(s) are associated with it ({names}). Disassociate them first.")
        self._forget(self.trials, document["TrialName"], document["TrialArn"])
        return {"TrialArn": document["TrialArn"]}

    # -- trial components -------------------------------------------------------------------

    @operation
    def create_trial_component(self, params: Params, ctx: Context) -> Document:
        name = params["TrialComponentName"]
        arn = self._create(self.components, "Trial component", COMPONENT, name, ctx, params)
        _check_parameters(params.get("Parameters"))
        document: Document = {
            "TrialComponentName": name,
            "TrialComponentArn": arn,
            "DisplayName": params.get("DisplayName") or name,
            "Status": params.get("Status"),
            "StartTime": params.get("StartTime"),
            "EndTime": params.get("EndTime"),
            "CreationTime": ctx.now,
            "CreatedBy": ctx.user_for(COMPONENT),
            "LastModifiedTime": ctx.now,
            "LastModifiedBy": ctx.user_for(COMPONENT),
            # Empty maps are kept: AWS returns them as {} and the SageMaker SDK's
            # ExperimentAnalytics calls .items() on each (its integ test reads them from AWS).
            "Parameters": params.get("Parameters") or {},
            "InputArtifacts": params.get("InputArtifacts") or {},
            "OutputArtifacts": params.get("OutputArtifacts") or {},
            "MetadataProperties": params.get("MetadataProperties"),
            "LineageGroupArn": self.store.owner("lineage-group").default_group(ctx),
            "_trials": [],
        }
        self._register(self.components, document, arn, name, params)
        return {"TrialComponentArn": arn}

    # -- what SageMaker writes into components (jobs it runs; the metrics service) --------------

    def record_source(self, document: Document, source_arn: str, source_type: str | None) -> None:
        """The job a component stands for (SageMaker sets this on the components it creates)."""
        source = {"SourceArn": source_arn, "SourceType": source_type}
        document["Source"] = source
        document["Sources"] = [source]

    def record_metrics(self, document: Document, metrics: Mapping[str, Sequence[float]], now: Any,
                       source_arn: str | None = None) -> None:
        """Metric values logged for a component, kept as the summaries AWS describes.

        Values arrive through the SageMaker metrics service (BatchPutMetrics, another service) or
        from a job's metric definitions; each metric's summary folds in the new values.
        """
        summaries = {summary["MetricName"]: summary for summary in document.get("Metrics") or []}
        for name, values in metrics.items():
            if not values:
                continue
            seen = summaries.get(name, {}).get("_values", []) + [float(value) for value in values]
            mean = sum(seen) / len(seen)
            summaries[name] = {
                "MetricName": name, "SourceArn": source_arn or (document.get("Source") or {}).get("SourceArn"),
                "TimeStamp": now, "Max": max(seen), "Min": min(seen), "Last": seen[-1], "Count": len(seen),
                "Avg": mean, "StdDev": statistics.pstdev(seen) if len(seen) > 1 else 0.0, "_values": seen,
            }
        document["Metrics"] = list(summaries.values())

    @operation
    def describe_trial_component(self, params: Params, ctx: Context) -> Document:
        return self._component(ctx, params["TrialComponentName"])

    @operation
    def list_trial_components(self, params: Params, ctx: Context) -> Document:
        given = [member for member in EXCLUSIVE_FILTERS if params.get(member) is not None]
        if len(given) > 1:
            raise ValidationError(f"You can filter by only one of ExperimentName, TrialName and SourceArn; "
                                  f"the request gives {' and '.join(given)}.")
        if not given:
            page, token = COMPONENT_LISTING.walk(self.components, ctx, params)
            return {"TrialComponentSummaries": _summaries(page, "TrialComponentSummary", "TrialComponentSource"),
                    "NextToken": token}
        selected: Iterable[Document] = self.components.values()
        if params.get("ExperimentName") is not None:
            experiment = self._experiment(ctx, params["ExperimentName"])
            keys = {key for trial in self._trials_of(experiment) for key in trial["_components"]}
            selected = [self.components[key] for key in keys]
        elif params.get("TrialName") is not None:
            selected = [self.components[key] for key in self._trial(ctx, params["TrialName"])["_components"]]
        elif params.get("SourceArn") is not None:
            # Matched regardless of case: the SageMaker SDK looks a job's component up with the job ARN
            # lower-cased (`_RunEnvironment`, "due to mixed-case concerns on the backend"), while job ARNs
            # keep the name's case since late 2022.
            source = params["SourceArn"].lower()
            selected = [document for document in selected
                        if ((document.get("Source") or {}).get("SourceArn") or "").lower() == source]
        page, token = COMPONENT_LISTING.run(selected, params)
        return {"TrialComponentSummaries": _summaries(page, "TrialComponentSummary", "TrialComponentSource"),
                "NextToken": token}

    @operation
    def update_trial_component(self, params: Params, ctx: Context) -> Document:
        document = self._component(ctx, params["TrialComponentName"])
        _check_parameters(params.get("Parameters"))
        shapes = service.operation("UpdateTrialComponent").input_shape.members
        merged = {member: updates.merged_map(document.get(member), params.get(member), params.get(removal),
                                             service.max_of(shapes[member].name), member, removal,
                                             "A trial component")
                  for member, removal in MERGED_MAPS}
        for key in ("DisplayName", "Status", "StartTime", "EndTime"):
            if key in params:
                document[key] = params[key]
        for member, values in merged.items():
            if values is not None:
                document[member] = values
        updates.touch(document, ctx, COMPONENT)
        return {"TrialComponentArn": document["TrialComponentArn"]}

    @operation
    def delete_trial_component(self, params: Params, ctx: Context) -> Document:
        document = self._component(ctx, params["TrialComponentName"])
        if document["_trials"]:  # AWS's words (aws/sagemaker-python-sdk#1515)
            raise ValidationError(f"TrialComponent '{document['TrialComponentArn']}' is linked to 1 or more trials "
                                  "and cannot be deleted.")
        self._forget(self.components, document["TrialComponentName"], document["TrialComponentArn"])
        return {"TrialComponentArn": document["TrialComponentArn"]}

    def retire_component(self, document: Document, ctx: Context) -> None:
        """A component SageMaker created for a job that is gone, removed to make way for a new job
        of the same name: out of its trials first, then forgotten."""
        for trial_key in document["_trials"]:
            trial = self.trials.get(trial_key)
            if trial is not None and document["TrialComponentName"].lower() in trial["_components"]:
                trial["_components"].remove(document["TrialComponentName"].lower())
                updates.touch(trial, ctx, TRIAL)
        self._forget(self.components, document["TrialComponentName"], document["TrialComponentArn"])

    # -- associations -----------------------------------------------------------------------

    @operation
    def associate_trial_component(self, params: Params, ctx: Context) -> Document:
        component = self._component(ctx, params["TrialComponentName"])
        trial = self._trial(ctx, params["TrialName"])
        component_key, trial_key = component["TrialComponentName"].lower(), trial["TrialName"].lower()
        if component_key not in trial["_components"]:
            trial["_components"].append(component_key)
            component["_trials"].append(trial_key)
            updates.touch(trial, ctx, TRIAL)
            updates.touch(component, ctx, COMPONENT)
        return {"TrialComponentArn": component["TrialComponentArn"], "TrialArn": trial["TrialArn"]}

    @operation
    def disassociate_trial_component(self, params: Params, ctx: Context) -> Document:
        component = self._component(ctx, params["TrialComponentName"])
        trial = self._trial(ctx, params["TrialName"])
        component_key, trial_key = component["TrialComponentName"].lower(), trial["TrialName"].lower()
        if component_key not in trial["_components"]:
            raise ResourceNotFound(f"Trial component '{component['TrialComponentArn']}' is not associated with "
                                   f"trial '{trial['TrialArn']}'.")
        trial["_components"].remove(component_key)
        component["_trials"].remove(trial_key)
        updates.touch(trial, ctx, TRIAL)
        updates.touch(component, ctx, COMPONENT)
        return {"TrialComponentArn": component["TrialComponentArn"], "TrialArn": trial["TrialArn"]}


def _check_parameters(parameters: dict[str, Document] | None) -> None:
    """"Only one of NumberValue or StringValue can be specified" (TrialComponentParameterValue); a
    value with neither is not refused by AWS's documentation, and is kept as given."""
    for key, value in (parameters or {}).items():
        if "StringValue" in value and "NumberValue" in value:
            raise ValidationError(f"Parameter '{key}' has both StringValue and NumberValue: only one of "
                                  "NumberValue or StringValue can be specified.")


def _summaries(documents: list[Document], summary_shape: str, source_key: str) -> list[Document]:
    """List summaries: the Describe members the summary declares, with `Source` under the summary's
    own name for it (`ExperimentSource`, `TrialSource`, `TrialComponentSource`)."""
    members = service.shape(summary_shape)
    summaries = []
    for document in documents:
        summary = shape.project(document, members)
        if document.get("Source") is not None:
            summary[source_key] = document["Source"]
        summaries.append(summary)
    return summaries


def _trial_components(store: Store, document: Document) -> list[Document]:
    components = store.backend(Experiments).components
    summary_shape = service.shape("TrialComponentSimpleSummary")
    summaries = []
    for key in document.get("_components") or ():
        component = components.get(key)
        if component is None:
            continue
        summary = shape.project(component, summary_shape)
        if component.get("Source") is not None:
            summary["TrialComponentSource"] = component["Source"]
        summaries.append(summary)
    return summaries


def _parents(store: Store, document: Document) -> list[Document]:
    trials = store.backend(Experiments).trials
    return [{"TrialName": trials[key]["TrialName"], "ExperimentName": trials[key]["ExperimentName"]}
            for key in document.get("_trials") or () if key in trials]


provide(Provider("Experiment", "Experiment", "ExperimentArn",
                 lambda store: store.backend(Experiments).experiments.values(),
                 computed={"Tags": own_tags("ExperimentArn")}, family="Experiments", kind="experiment",
                 table=EXPERIMENT))
provide(Provider("ExperimentTrial", "Trial", "TrialArn",
                 lambda store: store.backend(Experiments).trials.values(),
                 computed={"Tags": own_tags("TrialArn"), "TrialComponentSummaries": _trial_components},
                 family="Experiments", kind="experiment-trial", table=TRIAL))
provide(Provider("ExperimentTrialComponent", "TrialComponent", "TrialComponentArn",
                 lambda store: store.backend(Experiments).components.values(),
                 computed={"Tags": own_tags("TrialComponentArn"), "Parents": _parents},
                 family="Experiments", kind="experiment-trial-component", table=COMPONENT))
