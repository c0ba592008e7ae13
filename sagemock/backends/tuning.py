"""Hyperparameter tuning jobs: Create, Describe, List, Stop and Delete, and the training jobs each
tuning job launches (`ListTrainingJobsForHyperParameterTuningJob`).

A declared resource (`core.resource`): the model gives the operations, the key, the ARN, the status,
the members Describe echoes and the List filters and sorts; what is written here is what AWS says
in words and what a tuning job does. Its documents are the DescribeHyperParameterTuningJob answers
less what is read from its training jobs, which is computed each time the job is read.

A tuning job launches real training jobs, through the training family's own CreateTrainingJob
(`dispatch.call`), so they are listed by ListTrainingJobs, found by Search, described with their
`TuningJobArn`, and get their trial components and lineage like any other. Each takes the static
hyperparameters, `_tuning_objective_metric` (which "SageMaker adds automatically", Developer Guide,
"Define Hyperparameter Ranges"), and values drawn from the ranges by the job's strategy
(`tuning_space`); at most `MaxParallelTrainingJobs` run at once, `MaxNumberOfTrainingJobs` in all.
With the default instant transitions each training job completes as it is launched, so every one
of them is launched, and the tuning job completed, within CreateHyperParameterTuningJob; with
`transitions="reads"` or `"seconds"` they run as training jobs do, and each read of the tuning job
reads them, stops those early stopping ends, launches new ones as slots free and completes the job
when none is left to run.

What a tuning job reports of its training jobs (`TrainingJobStatusCounters`,
`ObjectiveStatusCounters`, `BestTrainingJob`, `OverallBestTrainingJob`, the summaries of
ListTrainingJobsForHyperParameterTuningJob) is evaluated whenever it is read, from the training
jobs as they are then: a test reports a training job's objective metric with
`mock.put_training_metrics(arn, {...})` after the tuning job was created, and the next Describe
chooses the best training job with it.

The rules AWS states, their sources and the choices where AWS is silent are in docs/tuning.md.
"""
from __future__ import annotations

import copy
import datetime as _dt
import math
import random
import re
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core import arns, dispatch, service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceLimitExceeded, ResourceNotFound, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.resource import Resource, Rule
from ..core.searchable import Provider, own_tags, provide, tag_list
from ..core.state import Store
from ..core.table import creation_order
from .tuning_space import Combination, Space, key

Document = dict[str, Any]

KIND = "hyper-parameter-tuning-job"
TRAINING = "training-job"
DONE = ("Completed", "Failed", "Stopped")
RUNNING = ("InProgress", "Stopping")
#: The hyperparameter through which "SageMaker adds `_tuning_objective_metric` automatically"
#: (Developer Guide, "Define Hyperparameter Ranges"); the SageMaker SDK's HyperparameterTuner.attach
#: deletes it from the static hyperparameters unconditionally.
OBJECTIVE_HYPERPARAMETER = "_tuning_objective_metric"
HEX = "0123456789abcdef"
#: "Resource Limits for Automatic Model Tuning" (Developer Guide): training jobs per tuning job, 750 for
#: every strategy ("[Random search] ... 750, can be increased to 10000"; the others cannot be), and
#: parallel training jobs (10 by default, "can be increased to 100"). sagemock holds an account at the
#: default training-job quota, so that a tuning job's training jobs are launched in bounded time, and
#: at the highest parallel one; beyond them it answers ResourceLimitExceeded.
MOST_TRAINING_JOBS = 750
MOST_PARALLEL = 100
#: ResourceLimits.MaxNumberOfTrainingJobs when Autotune is to choose it and none was given (sagemock's
#: choice: AWS documents that Autotune chooses, not what).
AUTOTUNE_TRAINING_JOBS = 10
#: BestObjectiveNotImproving: "failed to improve model performance by 1% or greater".
IMPROVEMENT = 0.01
#: AWS's answer when none of a tuning job's training jobs succeeded (amazon-sagemaker-examples#2436).
NONE_SUCCEEDED = ("No training job succeeded after {count} attempts. Please take a look at the training job failures "
                  "to get more details.")


def _name_in(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _missing(arn: str) -> ServiceError:
    # AWS's words (aws/amazon-sagemaker-examples#1540): "Amazon SageMaker can't find a tuning job called
    # DEMO-hpo-mxnet. Type another name."
    return ResourceNotFound(f"Amazon SageMaker can't find a tuning job called {_name_in(arn)}. Type another name.")


def _duplicate(arn: str) -> ServiceError:
    # AWS's words (aws/amazon-sagemaker-examples#2440): "A hyperparameter tuning job with the name,
    # pytorch-training-210511-0008, already exists. Choose a different name."
    return ResourceInUse(f"A hyperparameter tuning job with the name, {_name_in(arn)}, already exists. Choose a "
                         "different name.")


# -- the status machine ---------------------------------------------------------------------------

def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """End times, and whether the job still launches training jobs (only while it runs on its own:
    a status the test sets with `mock.set_status` stays)."""
    if status in DONE:
        document["HyperParameterTuningEndTime"] = now
    elif status == "InProgress":
        document.pop("HyperParameterTuningEndTime", None)
    if status != "InProgress":
        document["_running"] = False


class TuningLifecycle(Lifecycle):
    """The tuning job's status machine. A running job (`_running`) is moved on by its reads even
    while its status stays InProgress (each read reads its training jobs and launches more), so its
    table counts it among the documents a read can move (`Table.moving`): List brings those up to
    date, not every job it holds."""

    def unsettled(self, document: Document) -> bool:
        return super().unsettled(document) or bool(document.get("_running"))


LIFECYCLE = TuningLifecycle(
    resource_type=KIND,
    status_key="HyperParameterTuningJobStatus",
    status_shape="HyperParameterTuningJobStatus",
    # "create" is the whole path as AWS walks it; sagemock takes it only for a failure the test
    # planned (the job fails before it launches anything). Otherwise the job enters InProgress
    # ("launch") and the family ends it when its training jobs are done ("complete" or "fail").
    paths={"create": ("InProgress", "Completed"), "launch": ("InProgress",), "complete": ("Completed",),
           "fail": ("Failed",), "stop": ("Stopping", "Stopped"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("InProgress", "Failed")},
    failure_key="FailureReason",
    name_key="HyperParameterTuningJobName",
    accepts={"complete": ("InProgress",), "fail": ("InProgress",), "stop": ("InProgress",), "delete": DONE},
    stamps_modified=True,
    on_enter=_entered,
)


# -- what a request defines -----------------------------------------------------------------------

@dataclass(frozen=True)
class Definition:
    """One training job definition with what the tuning job decides by: its name (a
    TrainingJobDefinitions item's), objective and search space."""

    name: str | None
    objective: Mapping[str, str]
    space: Space
    definition: Mapping[str, Any]

    @property
    def metric(self) -> str:
        return self.objective["MetricName"]

    @property
    def maximize(self) -> bool:
        return self.objective["Type"] == "Maximize"


def definitions(request: Mapping[str, Any]) -> list[Definition]:
    """The definitions of a request or a Describe document (`TrainingJobDefinition`, with the job's
    objective and ranges, or each of `TrainingJobDefinitions`), their ranges checked."""
    config = request["HyperParameterTuningJobConfig"]
    single = request.get("TrainingJobDefinition")
    if single is not None:
        return [Definition(None, config.get("HyperParameterTuningJobObjective") or {},
                           Space.of(config.get("ParameterRanges"), "ParameterRanges"), single)]
    return [Definition(item.get("DefinitionName"), item.get("TuningObjective") or {},
                       Space.of(item.get("HyperParameterRanges"), f"TrainingJobDefinitions[{index}]"), item)
            for index, item in enumerate(request.get("TrainingJobDefinitions") or ())]


#: id(a held job's configuration) -> (that configuration, its definitions): a held job's definitions
#: never change, and every read needs them. The configuration is kept, so its id is not reused while
#: the entry lives; a restored state holds new documents, which miss.
_HELD: dict[int, tuple[Document, list[Definition]]] = {}
_HELD_MOST = 4096


def held_definitions(document: Document) -> list[Definition]:
    """`definitions` of a held tuning job, read once."""
    config = document["HyperParameterTuningJobConfig"]
    found = _HELD.get(id(config))
    if found is not None and found[0] is config:
        return found[1]
    parsed = definitions(document)
    if len(_HELD) >= _HELD_MOST:
        _HELD.clear()
    _HELD[id(config)] = (config, parsed)
    return parsed


def _strategy(request: Mapping[str, Any]) -> str:
    return str(request["HyperParameterTuningJobConfig"]["Strategy"])


def _autotuned(request: Mapping[str, Any]) -> bool:
    return (request.get("Autotune") or {}).get("Mode") == "Enabled"


def _limit(request: Mapping[str, Any]) -> int | None:
    """MaxNumberOfTrainingJobs as given, or as a Grid strategy computes it."""
    limits = request["HyperParameterTuningJobConfig"]["ResourceLimits"]
    given = limits.get("MaxNumberOfTrainingJobs")
    if given is None and _strategy(request) == "Grid":
        return _grid_size(request)
    return int(given) if given is not None else None


def _grid_size(request: Mapping[str, Any]) -> int:
    """How many combinations a Grid strategy walks (counted, not listed: a grid can be vast)."""
    return sum(found.space.combinations() or 0 for found in definitions(request))


# -- AWS's rules ----------------------------------------------------------------------------------

def _check_definitions(params: Params, ctx: Context) -> None:
    """One definition or a list of them, each complete, with a unique name where listed."""
    single, listed = params.get("TrainingJobDefinition"), params.get("TrainingJobDefinitions")
    if (single is None) == (listed is None):
        raise ValidationError("Specify either TrainingJobDefinition or TrainingJobDefinitions, not both and not "
                              "neither.")
    config = params["HyperParameterTuningJobConfig"]
    if single is not None and not config.get("HyperParameterTuningJobObjective"):
        raise ValidationError("HyperParameterTuningJobConfig.HyperParameterTuningJobObjective is required with a "
                              "TrainingJobDefinition: the tuning job evaluates its training jobs by it.")
    for index, item in enumerate(listed or ()):
        for member in ("DefinitionName", "TuningObjective"):
            if not item.get(member):
                raise ValidationError(f"TrainingJobDefinitions[{index}].{member} is required when the tuning job "
                                      "lists its training job definitions.")
    names = [item["DefinitionName"].lower() for item in listed or ()]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(f"Training job definition names must be unique: {repeated[0]} is repeated.")
    if listed is not None and len(listed) > 1:
        # "Warm start and early stopping are available only when tuning a single algorithm" (Developer
        # Guide, "Create a Hyperparameter Optimization Tuning Job for One or More Algorithms").
        if params.get("WarmStartConfig"):
            raise ValidationError("Warm start is available only when tuning a single algorithm: this tuning job "
                                  f"has {len(listed)} training job definitions.")
        if config.get("TrainingJobEarlyStoppingType") == "Auto":
            raise ValidationError("Early stopping is available only when tuning a single algorithm: this tuning "
                                  f"job has {len(listed)} training job definitions.")
    for index, item in enumerate([single] if single is not None else listed or ()):
        where = "TrainingJobDefinition" if single is not None else f"TrainingJobDefinitions[{index}]"
        _check_resources(item, where)


def _check_resources(definition: Mapping[str, Any], where: str) -> None:
    """ResourceConfig or HyperParameterTuningResourceConfig ("If you want to use hyperparameter
    optimization with instance type flexibility, use HyperParameterTuningResourceConfig instead"),
    and InstanceConfigs without the single-instance members ("If you use InstanceConfigs, do not
    provide values for InstanceType, VolumeSizeInGB or InstanceCount")."""
    flexible = definition.get("HyperParameterTuningResourceConfig")
    if flexible is not None and definition.get("ResourceConfig") is not None:
        raise ValidationError(f"{where}: specify ResourceConfig or HyperParameterTuningResourceConfig, not both.")
    if flexible is not None and flexible.get("InstanceConfigs"):
        given = [member for member in ("InstanceType", "VolumeSizeInGB", "InstanceCount") if member in flexible]
        if given:
            raise ValidationError(f"{where}.HyperParameterTuningResourceConfig: if you use InstanceConfigs, do not "
                                  "provide values for InstanceType, VolumeSizeInGB or InstanceCount "
                                  f"({', '.join(given)} given).")
    if flexible is not None and not flexible.get("InstanceConfigs") and not flexible.get("InstanceType"):
        raise ValidationError(f"{where}.HyperParameterTuningResourceConfig needs InstanceType and InstanceCount, or "
                              "InstanceConfigs.")


def _check_strategy(params: Params, ctx: Context) -> None:
    """StrategyConfig with Hyperband only, early stopping off with Hyperband, and Hyperband's
    MaxResource given or inferred from the static hyperparameters: a whole number from 1 to 20,000,
    not below MinResource."""
    config = params["HyperParameterTuningJobConfig"]
    strategy = config["Strategy"]
    if config.get("StrategyConfig") and strategy != "Hyperband":
        raise ValidationError("StrategyConfig should be provided only if Hyperband is selected as the strategy; the "
                              f"strategy is {strategy}.")
    if strategy != "Hyperband":
        return
    if config.get("TrainingJobEarlyStoppingType") == "Auto":
        raise ValidationError("TrainingJobEarlyStoppingType must be Off to use Hyperband: Hyperband has its own "
                              "internal early stopping mechanism.")
    hyperband = (config.get("StrategyConfig") or {}).get("HyperbandStrategyConfig") or {}
    if hyperband.get("MaxResource") is not None:
        _check_max_resource(hyperband["MaxResource"], hyperband, "HyperbandStrategyConfig.MaxResource")
        return
    for found in definitions(params):
        static = found.definition.get("StaticHyperParameters") or {}
        key = next((name for name in _hyperband_keys() if name in static), None)
        if key is None:
            raise ValidationError("HyperbandStrategyConfig.MaxResource is not given and cannot be inferred: none of "
                                  f"{', '.join(_hyperband_keys())} is a static hyperparameter.")
        # MaxResource is an Integer: a static value that is not a whole number infers none.
        if not re.fullmatch(r"[0-9]+", static[key]):
            raise ValidationError(f"HyperbandStrategyConfig.MaxResource is not given and cannot be inferred: the "
                                  f"static hyperparameter {key} is {static[key]!r}, not a whole number of epochs.")
        _check_max_resource(int(static[key]), hyperband,
                            f"HyperbandStrategyConfig.MaxResource (inferred from the static hyperparameter {key})")


def _check_max_resource(value: int, hyperband: Mapping[str, Any], what: str) -> None:
    """MaxResource, given or inferred: at least 1 (its range), at most the maximum the model states,
    and not below MinResource (the fewest resources a job may use cannot exceed the most)."""
    most = _hyperband_most()
    if value > most:
        raise ValidationError(f"{what} {value} is more than the maximum of {most} epochs.")
    if value < 1:
        raise ValidationError(f"{what} {value} is less than the minimum of 1.")
    least = hyperband.get("MinResource")
    if least is not None and least > value:
        raise ValidationError(f"HyperbandStrategyConfig.MinResource {least} is more than {what} {value}.")


def _hyperband_doc() -> str:
    return service.shape("HyperbandStrategyConfig").members["MaxResource"].documentation or ""


def _hyperband_keys() -> list[str]:
    """The static hyperparameters Hyperband infers MaxResource from, as the model lists them."""
    text = re.sub(r"<[^>]+>", " ", _hyperband_doc())
    found = re.search(r"following keys \(if present\) in\s+\w+\s*:\s*(.*?)\s*If ", text, re.S)
    return found.group(1).split() if found else ["epochs"]


def _hyperband_most() -> int:
    found = re.search(r"maximum value is ([\d,]+) epochs", _hyperband_doc())
    return int(found.group(1).replace(",", "")) if found else 20_000


def _check_ranges(params: Params, ctx: Context) -> None:
    """Each definition's ranges (`tuning_space`), Grid's categorical ranges, names neither tuned
    twice nor both static and tuned, and no more hyperparameters than a training job takes with
    `_tuning_objective_metric` among them."""
    strategy = _strategy(params)
    most = service.max_of("HyperParameters")
    for found in definitions(params):
        where = f"training job definition {found.name}" if found.name else "the training job definition"
        if strategy == "Grid" and found.space.numeric:
            raise ValidationError(f"Only categorical parameters are supported when using the grid search strategy: "
                                  f"{found.space.numeric[0].name} of {where} has an integer or continuous range.")
        static = set(found.definition.get("StaticHyperParameters") or {}) - {OBJECTIVE_HYPERPARAMETER}
        both = sorted(static & set(found.space.names()))
        if both:
            raise ValidationError(f"The hyperparameter {both[0]} of {where} is both static and tunable: give it a "
                                  "static value or a range, not both.")
        count = len(static) + len(found.space.names()) + 1
        if count > most:
            raise ValidationError(f"The training jobs of {where} would take {count} hyperparameters (static, tunable "
                                  f"and {OBJECTIVE_HYPERPARAMETER}); a training job takes at most {most}.")


def _check_limits(params: Params, ctx: Context) -> None:
    """MaxNumberOfTrainingJobs: given (unless Grid computes it or Autotune chooses it), equal to the
    grid's size for Grid, at most the combinations a countable space holds; the limits no quota
    raises."""
    config = params["HyperParameterTuningJobConfig"]
    limits = config["ResourceLimits"]
    strategy = config["Strategy"]
    given = limits.get("MaxNumberOfTrainingJobs")
    found = definitions(params)
    if strategy == "Grid":
        size = _grid_size(params)
        if given is not None and given != size:
            # "If specified, the value of MaxNumberOfTrainingJobs should equal the total number of distinct
            # categorical combinations possible" (Developer Guide, "How Hyperparameter Tuning Works").
            raise ValidationError(f"MaxNumberOfTrainingJobs ({given}) should equal the total number of distinct "
                                  f"categorical combinations possible ({size}) with the Grid strategy.")
    elif given is None and not _autotuned(params):
        raise ValidationError("ResourceLimits.MaxNumberOfTrainingJobs is required unless the strategy is Grid or "
                              "Autotune is enabled.")
    elif given is not None and not _autotuned(params):
        counts = [item.space.combinations() for item in found]
        if all(count is not None for count in counts):
            total = sum(count for count in counts if count is not None)
            if total < given:
                # AWS's words (aws/amazon-sagemaker-operator-for-k8s#123).
                raise ValidationError("You don't have enough combinations of hyperparameter ranges. The total number "
                                      "of hyperparameter combinations for the provided ranges "
                                      f"[{float(total)}] must be equal or greater than the value of MaxNumberOfJobs, "
                                      f"[{given}]. Provide additional ranges.")
    planned = _limit(params) or AUTOTUNE_TRAINING_JOBS
    inherited = sum(len(parent.get("_children") or ()) for parent in _parents(params, ctx))
    if planned + inherited > MOST_TRAINING_JOBS:
        also = f" and {inherited} launched by its warm start parents" if inherited else ""
        raise ResourceLimitExceeded(f"The tuning job would launch {planned} training jobs{also}; a tuning job can "
                                    f"launch at most {MOST_TRAINING_JOBS} (Resource Limits for Automatic Model "
                                    "Tuning).")
    if limits["MaxParallelTrainingJobs"] > MOST_PARALLEL:
        raise ResourceLimitExceeded(f"MaxParallelTrainingJobs {limits['MaxParallelTrainingJobs']} is more than the "
                                    f"{MOST_PARALLEL} parallel training jobs a tuning job can run (Resource Limits for "
                                    "Automatic Model Tuning).")


def _check_metrics(params: Params, ctx: Context) -> None:
    """The objective metric is one the training jobs report: among the metric definitions given or
    the algorithm's, and a tuning objective of the algorithm; each tuned hyperparameter a tunable
    one of the algorithm, within its range."""
    for found in definitions(params):
        specification = found.definition["AlgorithmSpecification"]
        image, name = specification.get("TrainingImage"), specification.get("AlgorithmName")
        if bool(image) == bool(name):
            raise ValidationError("Specify either the TrainingImage or the AlgorithmName of the training algorithm, "
                                  "not both and not neither.")
        algorithm = _algorithm(name, ctx) if name else None
        declared = _metric_definitions(specification, algorithm)
        if declared and found.metric not in {item["Name"] for item in declared}:
            # AWS's words (aws/amazon-sagemaker-examples#1207, aws/sagemaker-python-sdk#3932).
            raise ValidationError("A metric is required for this hyperparameter tuning job objective. Provide a "
                                  "metric in the metric definitions.")
        if algorithm is not None:
            _check_algorithm(algorithm, found)


def _algorithm(name: str, ctx: Context) -> Document | None:
    """The algorithm resource a definition names; one of another account (AWS Marketplace) is taken on trust."""
    parsed = arns.parse(name)
    if parsed is not None and parsed.account != ctx.account:
        return None
    return ctx.store.table("algorithm").require(ctx, name)


def _metric_definitions(specification: Mapping[str, Any], algorithm: Document | None) -> list[Document]:
    given = list(specification.get("MetricDefinitions") or ())
    if given or algorithm is None:
        return given
    return list(algorithm["TrainingSpecification"].get("MetricDefinitions") or ())


def _check_algorithm(algorithm: Document, found: Definition) -> None:
    """What CreateAlgorithm's TrainingSpecification says about tuning: the objective among its
    SupportedTuningJobObjectiveMetrics, each tuned hyperparameter tunable and within its range."""
    arn = algorithm["AlgorithmArn"]
    training = algorithm["TrainingSpecification"]
    objectives = training.get("SupportedTuningJobObjectiveMetrics") or []
    if not objectives:
        raise ValidationError(f"Algorithm {arn} supports no hyperparameter tuning: its TrainingSpecification lists no "
                              "SupportedTuningJobObjectiveMetrics.")
    if not any(item["MetricName"] == found.metric and item["Type"] == found.objective["Type"] for item in objectives):
        raise ValidationError(f"The objective {found.objective['Type']} {found.metric} is not one of the "
                              f"SupportedTuningJobObjectiveMetrics of algorithm {arn}.")
    supported = {item["Name"]: item for item in training.get("SupportedHyperParameters") or ()}
    for name, kind in found.space.kinds().items():
        specification = supported.get(name)
        if specification is None or not specification.get("IsTunable"):
            raise ValidationError(f"The hyperparameter {name} is not a tunable hyperparameter of algorithm {arn}.")
        if specification["Type"] != kind:
            raise ValidationError(f"The hyperparameter {name} of algorithm {arn} is {specification['Type']}, not "
                                  f"{kind}.")
        _within(name, found.space, specification.get("Range") or {}, arn)


def _within(name: str, space: Space, allowed: Mapping[str, Any], arn: str) -> None:
    for item in space.numeric:
        if item.name != name:
            continue
        bounds = allowed.get("IntegerParameterRangeSpecification" if item.integer else
                             "ContinuousParameterRangeSpecification") or {}
        try:
            low, high = (float(bounds["MinValue"]), float(bounds["MaxValue"])) if bounds else (-math.inf, math.inf)
        except ValueError:  # CreateAlgorithm keeps the bounds as given: one that is no number bounds nothing
            low, high = -math.inf, math.inf
        if not low <= item.low <= item.high <= high:
            raise ValidationError(f"The range of {name} is outside the range algorithm {arn} allows "
                                  f"({bounds.get('MinValue')} to {bounds.get('MaxValue')}).")
    for categorical in space.categorical:
        values = (allowed.get("CategoricalParameterRangeSpecification") or {}).get("Values")
        if categorical.name == name and values and not set(categorical.values) <= set(values):
            raise ValidationError(f"The values of {name} are not all among those algorithm {arn} allows "
                                  f"({', '.join(values)}).")


def _parents(params: Params, ctx: Context) -> list[Document]:
    """The warm start parents a request names, which must exist."""
    found = []
    table = ctx.store.table(KIND)
    for parent in (params.get("WarmStartConfig") or {}).get("ParentHyperParameterTuningJobs") or ():
        name = parent.get("HyperParameterTuningJobName")
        if not name:
            raise ValidationError("ParentHyperParameterTuningJobs: each parent needs its HyperParameterTuningJobName.")
        found.append(table.require(ctx, name))
    return found


def _check_warm_start(params: Params, ctx: Context) -> None:
    """The Warm Start Tuning Restrictions (Developer Guide, "Run a Warm Start Hyperparameter Tuning
    Job"), checked against each parent."""
    config = params.get("WarmStartConfig")
    if not config:
        return
    new = definitions(params)[0]
    names = _hyperparameter_names(new)
    for parent in _parents(params, ctx):
        status = parent["HyperParameterTuningJobStatus"]
        if status not in DONE:
            raise ValidationError(f"The parent tuning job {parent['HyperParameterTuningJobName']} is {status}: all "
                                  "parent jobs must be in a terminal state (Completed, Stopped, or Failed) before you "
                                  "start the new tuning job.")
        old = definitions(parent)[0]
        if old.metric != new.metric:
            raise ValidationError(f"The objective metric used in the new tuning job ({new.metric}) must be the same as "
                                  f"the objective metric used in the parent jobs ({old.metric} in "
                                  f"{parent['HyperParameterTuningJobName']}).")
        if _hyperparameter_names(old) != names:
            # AWS's words (aws/amazon-sagemaker-examples#861).
            raise ValidationError("The set of tunable plus static HyperParameter names is not the same across current "
                                  "and parent tuning jobs. Please ensure this set is constant when warm starting. Note "
                                  "that previously static HyperParameters can be tuned in warm start jobs and vice "
                                  "versa.")
        _check_changes(old, new, parent["HyperParameterTuningJobName"])
        if config["WarmStartType"] == "IdenticalDataAndAlgorithm":
            _check_identical(old.definition, new.definition, parent["HyperParameterTuningJobName"])


def _hyperparameter_names(found: Definition) -> set[str]:
    static = set(found.definition.get("StaticHyperParameters") or {}) - {OBJECTIVE_HYPERPARAMETER}
    return static | set(found.space.names())


def _check_changes(old: Definition, new: Definition, parent: str) -> None:
    """Types kept, and at most 10 changes from tunable to static plus changes of static values
    ("Each value in a categorical hyperparameter counts against this limit")."""
    old_kinds, new_kinds = old.space.kinds(), new.space.kinds()
    for name in set(old_kinds) & set(new_kinds):
        if old_kinds[name] != new_kinds[name]:
            raise ValidationError(f"The type of hyperparameter {name} ({old_kinds[name]} in {parent}, "
                                  f"{new_kinds[name]} now) must not change between parent jobs and the new tuning "
                                  "job.")
    old_static = old.definition.get("StaticHyperParameters") or {}
    new_static = new.definition.get("StaticHyperParameters") or {}
    categorical = {item.name: len(item.values) for item in old.space.categorical}
    changes = sum(categorical.get(name, 1) for name in old_kinds if name in new_static)
    changes += sum(2 for name, value in new_static.items()
                   if name != OBJECTIVE_HYPERPARAMETER and name in old_static and old_static[name] != value)
    if changes > 10:
        raise ValidationError(f"The number of total changes from tunable hyperparameters in the parent job {parent} to "
                              "static hyperparameters in the new tuning job, plus the number of changes in the values "
                              f"of static hyperparameters, cannot be more than 10; it is {changes}.")


def _check_identical(old: Mapping[str, Any], new: Mapping[str, Any], parent: str) -> None:
    """IdenticalDataAndAlgorithm: "The new hyperparameter tuning job uses the same input data and
    training image as the parent tuning jobs"."""
    if old.get("InputDataConfig") != new.get("InputDataConfig"):
        raise ValidationError(f"A warm start of type IdenticalDataAndAlgorithm uses the same input data as its parent "
                              f"jobs; InputDataConfig differs from {parent}'s.")
    before, after = old["AlgorithmSpecification"], new["AlgorithmSpecification"]
    same_image = before.get("TrainingImage") == after.get("TrainingImage")
    # The parent's AlgorithmName is kept as its ARN; the new request may name the algorithm by name.
    same_algorithm = _name_in(before.get("AlgorithmName") or "") == _name_in(after.get("AlgorithmName") or "")
    if not (same_image and same_algorithm):
        raise ValidationError("A warm start of type IdenticalDataAndAlgorithm uses the same training image as its "
                              f"parent jobs; the algorithm differs from {parent}'s.")


TUNING_JOB = Resource(
    "HyperParameterTuningJob",
    kind=KIND,
    missing=_missing,
    duplicate=_duplicate,
    lifecycle=LIFECYCLE,
    # The summary's Strategy and ResourceLimits are members of the job's configuration.
    summary={"Strategy": lambda document: document["HyperParameterTuningJobConfig"]["Strategy"],
             "ResourceLimits": lambda document: document["HyperParameterTuningJobConfig"]["ResourceLimits"]},
    rules=(
        Rule(_check_definitions, "CreateHyperParameterTuningJob: TrainingJobDefinition or TrainingJobDefinitions; "
             "Developer Guide, 'Create a Hyperparameter Optimization Tuning Job for One or More Algorithms': 'Provide "
             "a unique name for the training definition', 'Warm start and early stopping are available only when "
             "tuning a single algorithm'; HyperParameterTuningResourceConfig.InstanceConfigs ('If you use "
             "InstanceConfigs, do not provide values for InstanceType, VolumeSizeInGB or InstanceCount')"),
        Rule(_check_strategy, "HyperParameterTuningJobConfig.StrategyConfig and TrainingJobEarlyStoppingType; "
             "HyperbandStrategyConfig.MaxResource",
             claims=("should be provided only if Hyperband is selected", "must be OFF to use Hyperband")),
        Rule(_check_ranges, "Developer Guide, 'Define Hyperparameter Ranges' and 'How Hyperparameter Tuning Works'; "
             "ParameterRanges ('the sum of the number of hyperparameters for all the ranges can't exceed the maximum "
             "number specified'); 'You can use up to 100 hyperparameters in total (static + tunable)'",
             claims=("the sum of the number of hyperparameters for all the ranges can't exceed",)),
        Rule(_check_limits, "Developer Guide, 'How Hyperparameter Tuning Works' (Grid) and 'Resource Limits for "
             "Automatic Model Tuning'; AWS's answer quoted in aws/amazon-sagemaker-operator-for-k8s#123"),
        Rule(_check_metrics, "AWS's answer in aws/amazon-sagemaker-examples#1207: 'A metric is required for this "
             "hyperparameter tuning job objective. Provide a metric in the metric definitions.'; "
             "HyperParameterAlgorithmSpecification.AlgorithmName ('If you specify a value for this parameter, do not "
             "specify a value for TrainingImage'); TrainingSpecification.SupportedTuningJobObjectiveMetrics and "
             "HyperParameterSpecification.IsTunable"),
        Rule(_check_warm_start, "Developer Guide, 'Run a Warm Start Hyperparameter Tuning Job' (Warm Start Tuning "
             "Restrictions); AWS's answer quoted in aws/amazon-sagemaker-examples#861",
             claims=("the total number of static plus tunable hyperparameters must remain the same",
                     "The objective metric for the new tuning job must be the same as for all parent jobs",
                     "You cannot use a new version of the training algorithm")),
    ),
    waivers={
        "The name must be unique within the same Amazon Web Services account": "the declaration's duplicate check "
        "(ResourceInUse, AWS's words), in any case: 'The name is not case sensitive'",
        "The name must have 1 to 32 characters": "the model's length limits, checked for every request",
        "returns the training job that results in either the highest or lowest value": "describes how BestTrainingJob "
        "is chosen, which sagemock does (by the objective's Type)",
        "CreateHyperParameterTuningJob.TrainingJobDefinition.InputDataConfig": "the channels are the training jobs': "
        "CreateTrainingJob checks them (AugmentedManifestFile only in Pipe mode) when the tuning job launches its "
        "first training job, and a refusal refuses the tuning job, which is not created",
        "It must be equal to or greater than MaxRuntimeInSeconds": "the training jobs' stopping condition: "
        "CreateTrainingJob checks it when the tuning job launches its first training job, and a refusal refuses the "
        "tuning job, which is not created",
        "CreateHyperParameterTuningJob.TrainingJobDefinition.ResourceConfig": "instance storage, training plans and "
        "instance preferences are not modelled: the resource configuration is passed to each training job as given",
        "CreateHyperParameterTuningJob.TrainingJobDefinition.HyperParameterTuningResourceConfig.VolumeSizeInGB":
        "instance storage sizes are not modelled",
        "CreateHyperParameterTuningJob.TrainingJobDefinition.HyperParameterTuningResourceConfig.VolumeKmsKeyId":
        "KMS and instance storage are not modelled",
        "takes effect only when the list includes at least one accelerated computing instance type": "pending time is "
        "not modelled: training jobs start at once",
        "the sum of the number of environment variables for all the training job definitions can't exceed": "each "
        "definition's Environment is within the model's limit; the sum over definitions is not checked (AWS states "
        "no error for it)",
        "cannot be used as parent jobs for warm start tuning jobs": "every tuning job sagemock holds was created after "
        "October 1, 2018",
    },
    example={
        "HyperParameterTuningJobName": "churn-tuning",
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random",
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
            "ParameterRanges": {"ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5"}]},
        },
        "TrainingJobDefinition": {
            "StaticHyperParameters": {"num_round": "50"},
            "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1",
                                       "TrainingInputMode": "File",
                                       "MetricDefinitions": [{"Name": "validation:auc", "Regex": "auc=(.*)"}]},
            "RoleArn": "arn:aws:iam::123456789012:role/sagemaker",
            "OutputDataConfig": {"S3OutputPath": "s3://bucket/tuning"},
            "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        },
    },
)


# -- the Describe document ------------------------------------------------------------------------

def _early_stopping_default() -> str:
    """TrainingJobEarlyStoppingType's documented default ("the default value is OFF"), as the enum
    spells it ("Off")."""
    member = service.shape("HyperParameterTuningJobConfig").members["TrainingJobEarlyStoppingType"]
    found = re.search(r"default value is (?:<code>)?(\w+)", member.documentation or "")
    wanted = found.group(1).lower() if found else "off"
    return next((value for value in service.enum_values("TrainingJobEarlyStoppingType") if value.lower() == wanted),
                "Off")


def _ranges_in_full(ranges: Mapping[str, Any] | None) -> Document:
    """ParameterRanges with its three lists, empty ones included, as AWS answers them (the SDK's
    HyperparameterTuner.attach reads all three)."""
    full: Document = dict(ranges or {})
    for member in ("IntegerParameterRanges", "ContinuousParameterRanges", "CategoricalParameterRanges"):
        full.setdefault(member, [])
    return full


def _described_definition(definition: Mapping[str, Any], objective: str, ctx: Context) -> Document:
    """A training job definition as Describe answers it: `_tuning_objective_metric` among the static
    hyperparameters, the metric definitions filled in from the algorithm resource named, whose name
    becomes its ARN (hashicorp/terraform-provider-aws's tuning job resource: "SageMaker returns
    algorithm ARNs and may inject metric definitions")."""
    described = copy.deepcopy(dict(definition))
    described["StaticHyperParameters"] = {**(definition.get("StaticHyperParameters") or {}),
                                          OBJECTIVE_HYPERPARAMETER: objective}
    flexible = described.get("HyperParameterTuningResourceConfig")
    if flexible is not None and not flexible.get("InstanceConfigs"):
        # A single instance type is answered as the ResourceConfig it is (hashicorp/terraform-provider-aws's
        # tuning job resource: the definition's hyper_parameter_tuning_resource_config "block count changed
        # from 1 to 0", its resource_config "from 0 to 1"); the SDK's attach reads ResourceConfig.
        described["ResourceConfig"] = described.pop("HyperParameterTuningResourceConfig")
    specification = described["AlgorithmSpecification"]
    name = specification.get("AlgorithmName")
    algorithm = _algorithm(name, ctx) if name else None
    if algorithm is not None:
        specification["AlgorithmName"] = algorithm["AlgorithmArn"]
    # An image's metric definitions, or none: a built-in algorithm's own (which AWS fills in) are not
    # known to sagemock, and the SDK's attach reads the member unconditionally.
    specification["MetricDefinitions"] = _metric_definitions(specification, algorithm)
    if "HyperParameterRanges" in described:
        described["HyperParameterRanges"] = _ranges_in_full(described["HyperParameterRanges"])
    return described


def _document(params: Params, ctx: Context) -> Document:
    bound = TUNING_JOB.bound
    document: Document = {member: copy.deepcopy(params[member]) for member in bound.echoed if member in params}
    name = params[bound.name]
    config = document["HyperParameterTuningJobConfig"]
    config.setdefault("TrainingJobEarlyStoppingType", _early_stopping_default())
    limits = config["ResourceLimits"]
    limits.setdefault("MaxNumberOfTrainingJobs", _limit(params) or AUTOTUNE_TRAINING_JOBS)
    if "TrainingJobDefinition" in document:
        config["ParameterRanges"] = _ranges_in_full(config.get("ParameterRanges"))
        document["TrainingJobDefinition"] = _described_definition(
            document["TrainingJobDefinition"], config["HyperParameterTuningJobObjective"]["MetricName"], ctx)
    else:
        document["TrainingJobDefinitions"] = [_described_definition(item, item["TuningObjective"]["MetricName"], ctx)
                                              for item in document["TrainingJobDefinitions"]]
    seed = config.get("RandomSeed")
    document.update({
        bound.name: name,
        bound.arn: ctx.arn(KIND, name),
        "CreationTime": ctx.now,
        "LastModifiedTime": ctx.now,
        "_children": [],
        "_seed": seed if seed is not None else ctx.state.random.randrange(2 ** 31),
        "_running": False,
    })
    return document


# -- what a tuning job reports of its training jobs -------------------------------------------------

class Child:
    """A training job the tuning job launched, as the tuning job reports it (read when made: a
    request that changes the training job reads it again)."""

    __slots__ = ("record", "document", "definition", "status", "value", "objective_status")

    def __init__(self, record: Document, document: Document, definition: Definition):
        self.record, self.document, self.definition = record, document, definition
        self.status: str = document["TrainingJobStatus"]
        #: The final value of its objective metric, if the training job reported one.
        self.value: float | None = None
        for item in document.get("FinalMetricDataList") or ():
            # A value that is not finite is no objective (CloudWatch supports no NaN or infinity).
            if item["MetricName"] == definition.metric and math.isfinite(float(item["Value"])):
                self.value = float(item["Value"])
        self.objective_status = ("Pending" if self.status in RUNNING else
                                 "Failed" if self.status == "Failed" or self.value is None else "Succeeded")

    def goodness(self) -> float:
        value = self.value
        assert value is not None
        return value if self.definition.maximize else -value

    def summary(self, tuning_name: str) -> Document:
        document = self.document
        summary: Document = {
            "TrainingJobName": document["TrainingJobName"],
            "TrainingJobArn": document["TrainingJobArn"],
            "TuningJobName": tuning_name,
            "CreationTime": document["CreationTime"],
            "TrainingJobStatus": self.status,
            "TunedHyperParameters": dict(self.record["tuned"]),
            "ObjectiveStatus": self.objective_status,
            "_seq": document.get("_seq", 0),
        }
        if self.definition.name:
            summary["TrainingJobDefinitionName"] = self.definition.name
        for member in ("TrainingStartTime", "TrainingEndTime", "FailureReason"):
            if document.get(member) is not None:
                summary[member] = document[member]
        if summary["ObjectiveStatus"] == "Succeeded":
            summary["FinalHyperParameterTuningJobObjectiveMetric"] = {
                "Type": self.definition.objective["Type"], "MetricName": self.definition.metric, "Value": self.value}
            summary["_objective"] = self.value
        return summary


def children(document: Document, store: Store, ctx: Context | None = None,
             observed: set[str] | None = None) -> list[Child]:
    """The training jobs a tuning job launched that still exist, in launch order. With `ctx`, each is
    read as the request reads it (its own transitions move on), once per request (`observed`)."""
    table = store.table(TRAINING)
    found = held_definitions(document)
    result = []
    for record in document.get("_children") or ():
        name = record["name"]
        if ctx is not None and observed is not None and name not in observed:
            observed.add(name)
            child = table.find(ctx, name)
        else:
            child = table.get(table.key(name))
        if child is not None and "_gone" not in child:
            result.append(Child(record, child, found[record.get("definition", 0)]))
    return result


def _best(launched: Iterable[Child]) -> Child | None:
    evaluated = [child for child in launched if child.objective_status == "Succeeded"]
    return max(evaluated, key=Child.goodness, default=None)


def _not_improving(launched: list[Child]) -> int:
    """How many of the evaluated training jobs since the best so far failed to improve on it by 1%."""
    best: float | None = None
    count = 0
    for child in sorted((child for child in launched if child.objective_status == "Succeeded"),
                        key=lambda child: child.document.get("TrainingEndTime") or child.document["CreationTime"]):
        goodness = child.goodness()
        if best is None or goodness > best + abs(best) * IMPROVEMENT:
            best, count = goodness, 0
        else:
            count += 1
    return count


def counters(launched: list[Child]) -> Document:
    """TrainingJobStatusCounters and ObjectiveStatusCounters of the training jobs as read: all that a
    List summary answers of them. (Counted in one pass: a List counts those of each job on its page.)"""
    statuses = dict.fromkeys(("Completed", "InProgress", "Stopping", "Failed", "Stopped"), 0)
    objectives = dict.fromkeys(("Succeeded", "Pending", "Failed"), 0)
    for child in launched:
        if child.status in statuses:
            statuses[child.status] += 1
        objectives[child.objective_status] += 1
    return {
        "TrainingJobStatusCounters": {
            "Completed": statuses["Completed"],
            "InProgress": statuses["InProgress"] + statuses["Stopping"],
            # A failure planned by the test is taken as the training job's own (a client error).
            "RetryableError": 0,
            "NonRetryableError": statuses["Failed"],
            "Stopped": statuses["Stopped"],
        },
        "ObjectiveStatusCounters": objectives,
    }


def derived(document: Document, store: Store, now: _dt.datetime, launched: list[Child] | None = None) -> Document:
    """The members a tuning job's Describe reads off its training jobs (`launched`, if just read), as
    they are now."""
    if launched is None:
        launched = children(document, store)
    name = document["HyperParameterTuningJobName"]
    found = counters(launched)
    best = _best(launched)
    if best is not None:
        found["BestTrainingJob"] = _public(best.summary(name))
    warm = document.get("WarmStartConfig") or {}
    if warm.get("WarmStartType") == "IdenticalDataAndAlgorithm":
        candidates = [(child, name) for child in launched]
        table = store.table(KIND)
        for parent in warm.get("ParentHyperParameterTuningJobs") or ():
            held = table.get(table.key(parent["HyperParameterTuningJobName"]))
            if held is not None and "_gone" not in held:
                candidates += [(child, held["HyperParameterTuningJobName"]) for child in children(held, store)]
        overall = _best(child for child, _owner in candidates)
        if overall is not None:
            owner = next(owner for child, owner in candidates if child is overall)
            found["OverallBestTrainingJob"] = _public(overall.summary(owner))
    if document["HyperParameterTuningJobConfig"].get("TuningJobCompletionCriteria") is not None:
        found["TuningJobCompletionDetails"] = {"NumberOfTrainingJobsObjectiveNotImproving": _not_improving(launched)}
    ended = document.get("HyperParameterTuningEndTime") or now
    found["ConsumedResources"] = {"RuntimeInSeconds": max(0, int((ended - document["CreationTime"]).total_seconds()))}
    described = service.operation("DescribeHyperParameterTuningJob").output_shape.members
    return {member: value for member, value in found.items() if member in described}


def refresh(document: Document, store: Store, now: _dt.datetime, launched: list[Child] | None = None) -> Document:
    """`derived`, with the counters Describe requires kept in the document too (a held document is
    a whole Describe answer, as snapshots check)."""
    found = derived(document, store, now, launched)
    for member in ("TrainingJobStatusCounters", "ObjectiveStatusCounters"):
        document[member] = found[member]
    return found


def _public(summary: Document) -> Document:
    return {member: value for member, value in summary.items() if not member.startswith("_")}


# -- ListTrainingJobsForHyperParameterTuningJob -----------------------------------------------------

#: "The default is Name" (SortBy), "The default is Ascending" (SortOrder).
CHILD_LISTING = Listing(
    sort_keys={"Name": "TrainingJobName", "CreationTime": "CreationTime", "Status": "TrainingJobStatus",
               "FinalObjectiveMetricValue": "_objective"},
    default_sort="Name", default_order="Ascending", id_key="TrainingJobArn", status_key="TrainingJobStatus")


class Tuning(Backend):
    jobs = TUNING_JOB.table()

    # -- CreateHyperParameterTuningJob -----------------------------------------------------------

    @operation
    def create_hyper_parameter_tuning_job(self, params: Params, ctx: Context) -> Document:
        bound = TUNING_JOB.bound
        name = params[bound.name]
        existing = self.jobs.find(ctx, name)
        if existing is not None:
            raise _duplicate(existing[bound.arn])
        tags.check(params.get("Tags"))
        for rule in TUNING_JOB.rules:
            rule.check(params, ctx)
        document = _document(params, ctx)
        failure = ctx.state.take_failure(KIND, name)
        if failure is None:
            # The first training job is launched before the tuning job is held: CreateTrainingJob's own
            # checks of the definition refuse the tuning job with nothing created.
            Launcher(document).launch(ctx, {tag["Key"]: tag["Value"] for tag in params.get("Tags") or ()})
        self.jobs.add(document, params.get("Tags"))
        if failure is not None:
            LIFECYCLE.begin(document, "create", ctx, failure=failure)
        else:
            LIFECYCLE.begin(document, "launch", ctx)
            document["_running"] = True
            self.jobs.note_moving(document)  # reads move it on from now (`TuningLifecycle`)
            self._advance(document, ctx)
        refresh(document, ctx.store, ctx.now)
        return {bound.arn: document[bound.arn]}

    # -- reading -----------------------------------------------------------------------------------

    def _job(self, ctx: Context, name: str) -> tuple[Document, list[Child]]:
        """The tuning job a request names, brought up to date, and its training jobs as read."""
        document = self.jobs.require(ctx, name)
        return document, self._advance(document, ctx)

    @operation
    def describe_hyper_parameter_tuning_job(self, params: Params, ctx: Context) -> Document:
        document, launched = self._job(ctx, params["HyperParameterTuningJobName"])
        return {**document, **refresh(document, ctx.store, ctx.now, launched)}

    @operation
    def list_hyper_parameter_tuning_jobs(self, params: Params, ctx: Context) -> Document:
        bound = TUNING_JOB.bound
        assert bound.listing is not None and bound.list_member is not None
        advanced = self._brought_up_to_date(ctx)
        page, token = bound.listing.cut(self.jobs, params)
        summaries = []
        for document in page:
            launched = advanced.get(id(document))
            if launched is None:  # a listed job's training jobs are read, as a Describe reads them
                launched = self._advance(document, ctx)
            document.update(counters(launched))  # (kept in the document, as `refresh` keeps them)
            summaries.append(bound.summarize(document))
        return {bound.list_member: summaries, "NextToken": token}

    def live(self, ctx: Context) -> list[Document]:
        """Every tuning job, brought up to date as a read brings it (for Search)."""
        self._brought_up_to_date(ctx)
        return self.jobs.live(ctx)

    def _brought_up_to_date(self, ctx: Context) -> dict[int, list[Child]]:
        """Bring up to date the jobs a read can move, and only those: the jobs in transition, and the
        running ones (which the table holds among them: `TuningLifecycle`). Only a running job can
        change its own status, times or counters, which List filters and sorts on: the others are
        left as they are (List reads the training jobs of the jobs on its page only), so a List
        among 10,000 finished jobs costs what its page does. Returns the training jobs read, by
        the tuning job's identity."""
        self.jobs.settle(ctx)
        advanced = {}
        for document in sorted(self.jobs.moving.values(), key=creation_order):
            if document.get("_running"):
                advanced[id(document)] = self._advance(document, ctx)
        return advanced

    @operation
    def list_training_jobs_for_hyper_parameter_tuning_job(self, params: Params, ctx: Context) -> Document:
        document, launched = self._job(ctx, params["HyperParameterTuningJobName"])
        name = document["HyperParameterTuningJobName"]
        summaries = [child.summary(name) for child in launched]
        if params.get("SortBy") == "FinalObjectiveMetricValue":
            # "any training jobs that did not return an objective metric are not listed"
            summaries = [summary for summary in summaries if "_objective" in summary]
        page, token = CHILD_LISTING.run(summaries, params)
        return {"TrainingJobSummaries": [_public(summary) for summary in page], "NextToken": token}

    # -- StopHyperParameterTuningJob / DeleteHyperParameterTuningJob -------------------------------

    @operation
    def stop_hyper_parameter_tuning_job(self, params: Params, ctx: Context) -> None:
        document, launched = self._job(ctx, params["HyperParameterTuningJobName"])
        LIFECYCLE.guard(document, "stop", _refuse_stop(document))
        # "Stops a running hyperparameter tuning job and all running training jobs that the tuning job
        # launched" (StopHyperParameterTuningJob).
        for child in launched:
            if child.status == "InProgress":
                _stop(child, ctx)
        LIFECYCLE.begin(document, "stop", ctx)
        return None

    @operation
    def delete_hyper_parameter_tuning_job(self, params: Params, ctx: Context) -> None:
        document, _launched = self._job(ctx, params["HyperParameterTuningJobName"])
        LIFECYCLE.guard(document, "delete", _refuse_delete(document))
        # "It does not delete training jobs, artifacts, or the IAM role" (DeleteHyperParameterTuningJob).
        LIFECYCLE.begin(document, "delete", ctx)
        return None

    # -- the training jobs it launches -------------------------------------------------------------

    def _advance(self, document: Document, ctx: Context) -> list[Child]:
        """Bring a running tuning job up to date: read its training jobs, stop early those early
        stopping ends, launch new ones while slots are free and the limits and completion criteria
        allow, and end the job once none runs and none is left to launch. Returns its training
        jobs as they now are."""
        observed: set[str] = set()
        # Reading a tuning job reads its training jobs, whatever its status (they stop after it).
        launched = children(document, ctx.store, ctx, observed)
        if not document.get("_running"):
            return launched
        config = document["HyperParameterTuningJobConfig"]
        limits = config["ResourceLimits"]
        limit, parallel = limits["MaxNumberOfTrainingJobs"], limits["MaxParallelTrainingJobs"]
        early = config.get("TrainingJobEarlyStoppingType") == "Auto"
        criteria = config.get("TuningJobCompletionCriteria") is not None
        launcher = Launcher(document)
        while True:
            if early and self._stop_early(launched, ctx):
                launched = children(document, ctx.store)  # their statuses moved on: read them again
                continue
            running = sum(child.status in RUNNING for child in launched)
            done = criteria and _criteria_met(config, launched)
            slots = min(parallel - running, limit - len(document["_children"]))
            if done or slots <= 0:
                break
            for _ in range(slots):
                launched.append(launcher.launch(ctx))
                observed.add(launched[-1].document["TrainingJobName"])  # made by this request: not yet read
        if running == 0 and (done or len(document["_children"]) >= limit):
            if any(child.status in ("Completed", "Stopped") for child in launched) or not launched:
                LIFECYCLE.begin(document, "complete", ctx)
            else:
                document["_failure_reason"] = NONE_SUCCEEDED.format(count=len(document["_children"]))
                LIFECYCLE.begin(document, "fail", ctx)
        return launched

    def _stop_early(self, launched: list[Child], ctx: Context) -> bool:
        """Early stopping (Developer Guide, "Stop Training Jobs Early"): a running training job whose
        objective metric "is worse ... than the median value of running averages of the objective
        metric for previous training jobs" is stopped. The values are those reported with
        `mock.put_training_metrics`; a running job's report stands for its latest epoch."""
        previous = [child.goodness() for child in launched
                    if child.status in ("Completed", "Stopped") and child.value is not None]
        if not previous:
            return False
        median = statistics.median(previous)
        stopped = False
        for child in launched:
            if child.status == "InProgress" and child.value is not None and child.goodness() < median:
                stopped = _stop(child, ctx) or stopped
        return stopped


class Launcher:
    """Launches a tuning job's training jobs through CreateTrainingJob, one after another: what each
    needs of the job (its definitions, a Grid's combinations, the combinations taken) is read once."""

    def __init__(self, document: Document):
        self.document = document
        self.found = held_definitions(document)
        self.grid = [(position, combination) for position, item in enumerate(self.found)
                     for combination in item.space.grid()] if _strategy(document) == "Grid" else None
        self.taken: dict[int, set[Combination]] = {}
        for record in document["_children"]:
            self.taken.setdefault(record.get("definition", 0), set()).add(key(record["drawn"]))

    def launch(self, ctx: Context, labels: Mapping[str, str] | None = None) -> Child:
        """The next training job, with the tuning job's tags (`labels` before the tuning job holds
        its own)."""
        document = self.document
        index = len(document["_children"])
        if self.grid is not None:
            choice, drawn = self.grid[index % len(self.grid)] if self.grid else (0, {})
        else:
            choice = index % len(self.found)
            rng = random.Random(f"{document['_seed']}:{index}")
            drawn = self.found[choice].space.draw(rng, self.taken.setdefault(choice, set()))
        definition = self.found[choice]
        tuned = {**definition.space.hinted(), **drawn}
        table = ctx.store.table(TRAINING)
        tuning_name = document["HyperParameterTuningJobName"]
        name = f"{tuning_name}-{index + 1:03d}-{ctx.random_id(8, HEX)}"
        while table.get(table.key(name)) is not None:
            name = f"{tuning_name}-{index + 1:03d}-{ctx.random_id(8, HEX)}"
        if labels is None:
            labels = ctx.store.tags.get(document["HyperParameterTuningJobArn"]) or {}
        dispatch.call(ctx, "CreateTrainingJob", _training_request(definition.definition, tuned, name, labels))
        child = table[table.key(name)]
        child["TuningJobArn"] = document["HyperParameterTuningJobArn"]
        record = {"name": name, "tuned": tuned, "drawn": drawn, "definition": choice}
        document["_children"].append(record)
        return Child(record, child, definition)


def _stop(child: Child, ctx: Context) -> bool:
    """Stop a training job through StopTrainingJob; False if it ended before it could be (the reads
    that brought it here also earned it its last status)."""
    try:
        dispatch.call(ctx, "StopTrainingJob", {"TrainingJobName": child.document["TrainingJobName"]})
    except ValidationError:
        return False
    return True


def _criteria_met(config: Mapping[str, Any], launched: list[Child]) -> bool:
    """TuningJobCompletionCriteria: the target objective value reached, or the best objective not
    improving for the number of training jobs given (convergence detection is not modelled)."""
    criteria = config.get("TuningJobCompletionCriteria") or {}
    target = criteria.get("TargetObjectiveMetricValue")
    best = _best(launched)
    if target is not None and best is not None and best.value is not None:
        if (best.value >= target) if best.definition.maximize else (best.value <= target):
            return True
    patience = (criteria.get("BestObjectiveNotImproving") or {}).get("MaxNumberOfTrainingJobsNotImproving")
    return patience is not None and _not_improving(launched) >= patience


#: The members of a training job definition a training job takes as they are.
_PASSED = ("RoleArn", "InputDataConfig", "VpcConfig", "OutputDataConfig", "ResourceConfig", "StoppingCondition",
           "EnableNetworkIsolation", "EnableInterContainerTrafficEncryption", "EnableManagedSpotTraining",
           "CheckpointConfig", "RetryStrategy", "Environment")


def _training_request(definition: Mapping[str, Any], tuned: Mapping[str, str], name: str,
                      labels: Mapping[str, str]) -> Document:
    """The CreateTrainingJob request of one training job: the definition, its hyperparameters, and
    the tuning job's tags ("Tags that you specify for the tuning job are also added to all training
    jobs that the tuning job launches")."""
    accepted = service.operation("CreateTrainingJob").input_shape.members
    request: Document = {member: copy.deepcopy(definition[member]) for member in _PASSED
                         if member in definition and member in accepted}
    specification = definition["AlgorithmSpecification"]
    algorithm = {member: specification[member] for member in ("TrainingImage", "AlgorithmName", "TrainingInputMode")
                 if member in specification}
    if specification.get("MetricDefinitions"):
        algorithm["MetricDefinitions"] = copy.deepcopy(specification["MetricDefinitions"])
    flexible = definition.get("HyperParameterTuningResourceConfig")
    if flexible is not None and "ResourceConfig" not in request:
        # The first of InstanceConfigs: AllocationStrategy "Prioritized" tries them in order.
        chosen = (flexible.get("InstanceConfigs") or [flexible])[0]
        request["ResourceConfig"] = {member: chosen[member] for member in ("InstanceType", "InstanceCount",
                                                                           "VolumeSizeInGB") if member in chosen}
        if flexible.get("VolumeKmsKeyId"):
            request["ResourceConfig"]["VolumeKmsKeyId"] = flexible["VolumeKmsKeyId"]
    request.update({"TrainingJobName": name, "AlgorithmSpecification": algorithm,
                    "HyperParameters": {**definition.get("StaticHyperParameters", {}), **tuned}})
    if labels:
        request["Tags"] = [{"Key": key, "Value": value} for key, value in labels.items()]
    return request


def _refuse_stop(document: Document) -> Callable[[str, tuple[str, ...]], ServiceError]:
    # The wording is sagemock's; tools that stop a tuning job tolerate a ValidationException that says the
    # job is "already" past running (hashicorp/terraform-provider-aws's tuning job resource).
    name = document["HyperParameterTuningJobName"]
    return lambda status, accepted: ValidationError(
        f"The hyperparameter tuning job {name} cannot be stopped: it is already {status}. Only a job that is "
        "InProgress can be stopped.")


def _refuse_delete(document: Document) -> Callable[[str, tuple[str, ...]], ServiceError]:
    # Deleting a running job is a ValidationException that says it is "not in a terminal state"
    # (hashicorp/terraform-provider-aws's tuning job resource stops the job and retries on that answer).
    name = document["HyperParameterTuningJobName"]
    return lambda status, accepted: ValidationError(
        f"The hyperparameter tuning job {name} is not in a terminal state: it is {status}. Stop it, or wait until it "
        "is Completed, Failed or Stopped, before you delete it.")


# -- Search -----------------------------------------------------------------------------------------

def _record(provider: Provider, store: Store, document: Document) -> Document:
    now = store.state.clock.now()
    record = shape.project({**document, **derived(document, store, now)}, provider.shape)
    record["Tags"] = tag_list(store.tags.get(document["HyperParameterTuningJobArn"]))
    return {provider.record_key: record}


def _computed(member: str) -> Callable[[Store, Document], Any]:
    return lambda store, document: derived(document, store, store.state.clock.now()).get(member)


provide(Provider(
    "HyperParameterTuningJob", "HyperParameterTuningJob", "HyperParameterTuningJobArn",
    lambda store: store.table(KIND).values(), LIFECYCLE,
    computed={"Tags": own_tags("HyperParameterTuningJobArn"),
              **{member: _computed(member) for member in ("TrainingJobStatusCounters", "ObjectiveStatusCounters",
                                                          "BestTrainingJob", "OverallBestTrainingJob",
                                                          "TuningJobCompletionDetails", "ConsumedResources")}},
    build=_record, family="Tuning", kind=KIND,
    live=lambda store, ctx: store.backend(Tuning).live(ctx)))
