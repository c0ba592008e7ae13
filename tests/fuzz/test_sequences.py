"""Sequences of create/update/delete/list/describe calls, checked against a model of what exists.

One hypothesis state machine per family (model package groups and their versions; experiments,
trials, trial components and their associations; lineage actions, contexts, artifacts and
associations; models and endpoint configurations; notebook instance lifecycle configurations;
model cards and their versions; pipelines and their versions). Each keeps a plain model of what
should exist after every step and checks the mock against it: Describe finds what exists with the
fields last written, List (walked page by page) returns exactly the model's set, a call on
something missing or in the way fails with the code AWS answers and changes nothing, and names
collide where AWS says they do (ignoring case for the kinds whose names ignore it).

CI runs the bounded `ci` profile; `HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz` runs
more and longer sequences (see `conftest.py`).
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sagemock import mock_sagemaker
from tests.fuzz import world
from tests.fuzz.conftest import selected

PREFIX = f"arn:aws:sagemaker:{world.REGION}:{world.ACCOUNT}:"
CLIENT = world.client(validate=True)
IMAGE = world.IMAGE


def fold(name: str) -> str:
    return name.lower()


class Machine(RuleBasedStateMachine):
    """A fresh mock per sequence, and the checks every family shares."""

    def __init__(self) -> None:
        super().__init__()
        self.mock = mock_sagemaker(seed=7)
        self.mock.start()
        self.sm = CLIENT

    def teardown(self) -> None:
        self.mock.stop()

    def refused(self, codes: str | set[str], method: str, **params: Any) -> dict[str, str]:
        """Call, expecting a refusal with one of `codes` that leaves the state as it was."""
        before = self.mock.snapshot()
        try:
            getattr(self.sm, method)(**params)
        except ClientError as error:
            answer = error.response["Error"]
        else:
            raise AssertionError(f"{method}({params}) succeeded; expected {codes}")
        assert answer["Code"] in ({codes} if isinstance(codes, str) else codes), (method, params, answer)
        assert self.mock.snapshot() == before, f"the refused {method}({params}) changed the state"
        return answer

    def listed(self, operation: str, key: str, member: str, **params: Any) -> list[Any]:
        """Every item of a List operation, two per page (so NextToken is always exercised)."""
        pages = self.sm.get_paginator(operation).paginate(PaginationConfig={"PageSize": 2}, **params)
        return [item[member] for page in pages for item in page[key]]


def same(listed: list[Any], expected: set[Any] | list[Any]) -> None:
    assert len(listed) == len(set(listed)), f"a List repeated an item: {listed}"
    assert set(listed) == set(expected), (sorted(listed), sorted(expected))


# -- model package groups and versioned model packages -------------------------------------------

# Whether AWS ignores the case of these names is not documented: no case variants are drawn.
GROUPS = st.sampled_from(["churn", "fraud", "churn-v2"])
APPROVALS = st.sampled_from(["Approved", "Rejected", "PendingManualApproval"])
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}


@dataclass
class Group:
    description: str | None
    versions: dict[int, str] = field(default_factory=dict)  # version -> approval status
    next: int = 1
    tags: dict[str, str] = field(default_factory=dict)


TAG_KEYS = st.sampled_from(["team", "stage"])


class RegistrySequences(Machine):
    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[str, Group] = {}

    @rule(name=GROUPS, description=st.sampled_from([None, "first", "second"]))
    def create_group(self, name: str, description: str | None) -> None:
        params = {"ModelPackageGroupName": name}
        if description is not None:
            params["ModelPackageGroupDescription"] = description
        if name in self.groups:
            answer = self.refused("ValidationException", "create_model_package_group", **params)
            assert "already exists" in answer["Message"]
            return
        arn = self.sm.create_model_package_group(**params)["ModelPackageGroupArn"]
        assert arn == f"{PREFIX}model-package-group/{name}"
        self.groups[name] = Group(description)

    @rule(name=GROUPS)
    def describe_group(self, name: str) -> None:
        if name not in self.groups:
            answer = self.refused("ValidationException", "describe_model_package_group", ModelPackageGroupName=name)
            assert "does not exist" in answer["Message"]
            return
        found = self.sm.describe_model_package_group(ModelPackageGroupName=name)
        assert found["ModelPackageGroupName"] == name
        assert found.get("ModelPackageGroupDescription") == self.groups[name].description
        assert found["ModelPackageGroupStatus"] == "Completed"

    @rule(name=GROUPS)
    def delete_group(self, name: str) -> None:
        group = self.groups.get(name)
        if group is None:
            self.refused("ValidationException", "delete_model_package_group", ModelPackageGroupName=name)
        elif group.versions:
            self.refused("ConflictException", "delete_model_package_group", ModelPackageGroupName=name)
        else:
            self.sm.delete_model_package_group(ModelPackageGroupName=name)
            del self.groups[name]

    @rule(name=GROUPS, key=TAG_KEYS, value=st.sampled_from(["ml", "prod"]))
    def add_tag(self, name: str, key: str, value: str) -> None:
        arn = f"{PREFIX}model-package-group/{name}"
        tags = [{"Key": key, "Value": value}]
        if name not in self.groups:
            self.refused("ValidationException", "add_tags", ResourceArn=arn, Tags=tags)
            return
        assert self.sm.add_tags(ResourceArn=arn, Tags=tags)["Tags"] == tags
        self.groups[name].tags[key] = value

    @rule(name=GROUPS, key=TAG_KEYS)
    def delete_tag(self, name: str, key: str) -> None:
        arn = f"{PREFIX}model-package-group/{name}"
        if name not in self.groups:
            self.refused("ValidationException", "delete_tags", ResourceArn=arn, TagKeys=[key])
            return
        self.sm.delete_tags(ResourceArn=arn, TagKeys=[key])  # a key the group lacks is no error
        self.groups[name].tags.pop(key, None)

    @rule(name=GROUPS, approval=APPROVALS)
    def create_version(self, name: str, approval: str) -> None:
        params = {"ModelPackageGroupName": name, "ModelApprovalStatus": approval, "InferenceSpecification": SPEC}
        group = self.groups.get(name)
        if group is None:
            self.refused("ValidationException", "create_model_package", **params)
            return
        arn = self.sm.create_model_package(**params)["ModelPackageArn"]
        assert arn == f"{PREFIX}model-package/{name}/{group.next}", "versions count up and are never reused"
        group.versions[group.next] = approval
        group.next += 1

    def _version(self, data: st.DataObject) -> tuple[str, int]:
        """A version that exists, or one just past the last (which does not)."""
        name = data.draw(st.sampled_from(sorted(self.groups)))
        group = self.groups[name]
        return name, data.draw(st.sampled_from(sorted(group.versions) + [group.next]))

    @precondition(lambda self: self.groups)
    @rule(data=st.data(), approval=APPROVALS)
    def update_version(self, data: st.DataObject, approval: str) -> None:
        name, version = self._version(data)
        arn = f"{PREFIX}model-package/{name}/{version}"
        if version not in self.groups[name].versions:
            self.refused("ValidationException", "update_model_package", ModelPackageArn=arn, ModelApprovalStatus=approval)
            return
        assert self.sm.update_model_package(ModelPackageArn=arn, ModelApprovalStatus=approval)["ModelPackageArn"] == arn
        self.groups[name].versions[version] = approval

    @precondition(lambda self: self.groups)
    @rule(data=st.data())
    def describe_version(self, data: st.DataObject) -> None:
        name, version = self._version(data)
        arn = f"{PREFIX}model-package/{name}/{version}"
        if version not in self.groups[name].versions:
            answer = self.refused("ValidationException", "describe_model_package", ModelPackageName=arn)
            assert "does not exist" in answer["Message"]
            return
        found = self.sm.describe_model_package(ModelPackageName=arn)
        assert (found["ModelPackageGroupName"], found["ModelPackageVersion"]) == (name, version)
        assert found["ModelApprovalStatus"] == self.groups[name].versions[version]
        assert found["ModelPackageArn"] == arn

    @precondition(lambda self: self.groups)
    @rule(data=st.data())
    def delete_version(self, data: st.DataObject) -> None:
        name, version = self._version(data)
        arn = f"{PREFIX}model-package/{name}/{version}"
        if version not in self.groups[name].versions:
            self.refused("ValidationException", "delete_model_package", ModelPackageName=arn)
            return
        self.sm.delete_model_package(ModelPackageName=arn)
        del self.groups[name].versions[version]

    @invariant()
    def lists_agree(self) -> None:
        same(self.listed("list_model_package_groups", "ModelPackageGroupSummaryList", "ModelPackageGroupName"),
             set(self.groups))
        for name, group in self.groups.items():
            tags = self.sm.list_tags(ResourceArn=f"{PREFIX}model-package-group/{name}")["Tags"]
            assert {tag["Key"]: tag["Value"] for tag in tags} == group.tags, "a new group starts without tags"
            versions = self.sm.get_paginator("list_model_packages").paginate(
                ModelPackageGroupName=name, PaginationConfig={"PageSize": 2})
            listed = [(item["ModelPackageVersion"], item["ModelApprovalStatus"])
                      for page in versions for item in page["ModelPackageSummaryList"]]
            same(listed, set(group.versions.items()))


# -- experiments, trials, trial components ------------------------------------------------------

EXPERIMENTS = st.sampled_from(["churn", "CHURN", "fraud"])  # these names ignore case
TRIALS = st.sampled_from(["trial-a", "Trial-A", "trial-b"])
COMPONENTS = st.sampled_from(["run-a", "RUN-A", "run-b"])


class ExperimentSequences(Machine):
    def __init__(self) -> None:
        super().__init__()
        self.experiments: dict[str, dict[str, Any]] = {}  # folded name -> name, display name, description
        self.trials: dict[str, dict[str, Any]] = {}  # folded name -> name, folded experiment
        self.components: dict[str, dict[str, Any]] = {}  # folded name -> name, folded trials

    @rule(name=EXPERIMENTS, display=st.sampled_from([None, "Shown"]), description=st.sampled_from([None, "why"]))
    def create_experiment(self, name: str, display: str | None, description: str | None) -> None:
        params = {"ExperimentName": name}
        if display is not None:
            params["DisplayName"] = display
        if description is not None:
            params["Description"] = description
        if fold(name) in self.experiments:
            answer = self.refused("ValidationException", "create_experiment", **params)
            assert "already exists" in answer["Message"]
            return
        arn = self.sm.create_experiment(**params)["ExperimentArn"]
        assert arn == f"{PREFIX}experiment/{name}"
        self.experiments[fold(name)] = {"name": name, "display": display or name, "description": description}

    @rule(name=EXPERIMENTS, display=st.sampled_from([None, "Renamed"]),
          description=st.sampled_from([None, "because"]))
    def update_experiment(self, name: str, display: str | None, description: str | None) -> None:
        params = {"ExperimentName": name}
        if display is not None:
            params["DisplayName"] = display
        if description is not None:
            params["Description"] = description
        known = self.experiments.get(fold(name))
        if known is None:
            self.refused("ResourceNotFound", "update_experiment", **params)
            return
        self.sm.update_experiment(**params)
        if display is not None:
            known["display"] = display
        if description is not None:
            known["description"] = description

    @rule(name=EXPERIMENTS)
    def describe_experiment(self, name: str) -> None:
        known = self.experiments.get(fold(name))
        if known is None:
            self.refused("ResourceNotFound", "describe_experiment", ExperimentName=name)
            return
        found = self.sm.describe_experiment(ExperimentName=name)
        assert found["ExperimentName"] == known["name"]
        assert found["DisplayName"] == known["display"]
        assert found.get("Description") == known["description"]

    @rule(name=EXPERIMENTS)
    def delete_experiment(self, name: str) -> None:
        if fold(name) not in self.experiments:
            self.refused("ResourceNotFound", "delete_experiment", ExperimentName=name)
        elif any(trial["experiment"] == fold(name) for trial in self.trials.values()):
            self.refused("ValidationException", "delete_experiment", ExperimentName=name)
        else:
            self.sm.delete_experiment(ExperimentName=name)
            del self.experiments[fold(name)]

    @rule(name=TRIALS, experiment=EXPERIMENTS)
    def create_trial(self, name: str, experiment: str) -> None:
        params = {"TrialName": name, "ExperimentName": experiment}
        taken, missing = fold(name) in self.trials, fold(experiment) not in self.experiments
        if taken or missing:
            # Both wrong: either refusal is right.
            codes = ({"ValidationException"} if taken else set()) | ({"ResourceNotFound"} if missing else set())
            self.refused(codes, "create_trial", **params)
            return
        self.sm.create_trial(**params)
        self.trials[fold(name)] = {"name": name, "experiment": fold(experiment)}

    @rule(name=TRIALS)
    def describe_trial(self, name: str) -> None:
        known = self.trials.get(fold(name))
        if known is None:
            self.refused("ResourceNotFound", "describe_trial", TrialName=name)
            return
        found = self.sm.describe_trial(TrialName=name)
        assert found["TrialName"] == known["name"]
        assert found["ExperimentName"] == self.experiments[known["experiment"]]["name"]

    @rule(name=TRIALS)
    def delete_trial(self, name: str) -> None:
        if fold(name) not in self.trials:
            self.refused("ResourceNotFound", "delete_trial", TrialName=name)
        elif any(fold(name) in component["trials"] for component in self.components.values()):
            self.refused("ValidationException", "delete_trial", TrialName=name)
        else:
            self.sm.delete_trial(TrialName=name)
            del self.trials[fold(name)]

    @rule(name=COMPONENTS)
    def create_component(self, name: str) -> None:
        if fold(name) in self.components:
            self.refused("ValidationException", "create_trial_component", TrialComponentName=name)
            return
        self.sm.create_trial_component(TrialComponentName=name)
        self.components[fold(name)] = {"name": name, "trials": set()}

    @rule(name=COMPONENTS)
    def delete_component(self, name: str) -> None:
        known = self.components.get(fold(name))
        if known is None:
            self.refused("ResourceNotFound", "delete_trial_component", TrialComponentName=name)
        elif known["trials"]:
            self.refused("ValidationException", "delete_trial_component", TrialComponentName=name)
        else:
            self.sm.delete_trial_component(TrialComponentName=name)
            del self.components[fold(name)]

    @rule(component=COMPONENTS, trial=TRIALS)
    def associate(self, component: str, trial: str) -> None:
        params = {"TrialComponentName": component, "TrialName": trial}
        if fold(component) not in self.components or fold(trial) not in self.trials:
            self.refused("ResourceNotFound", "associate_trial_component", **params)
            return
        answer = self.sm.associate_trial_component(**params)
        assert answer["TrialArn"] == f"{PREFIX}experiment-trial/{self.trials[fold(trial)]['name']}"
        self.components[fold(component)]["trials"].add(fold(trial))

    @rule(component=COMPONENTS, trial=TRIALS)
    def disassociate(self, component: str, trial: str) -> None:
        params = {"TrialComponentName": component, "TrialName": trial}
        known = self.components.get(fold(component))
        if known is None or fold(trial) not in self.trials or fold(trial) not in known["trials"]:
            self.refused("ResourceNotFound", "disassociate_trial_component", **params)
            return
        self.sm.disassociate_trial_component(**params)
        known["trials"].discard(fold(trial))

    @invariant()
    def lists_agree(self) -> None:
        same(self.listed("list_experiments", "ExperimentSummaries", "ExperimentName"),
             {known["name"] for known in self.experiments.values()})
        same(self.listed("list_trial_components", "TrialComponentSummaries", "TrialComponentName"),
             {known["name"] for known in self.components.values()})
        for folded, experiment in self.experiments.items():
            same(self.listed("list_trials", "TrialSummaries", "TrialName", ExperimentName=experiment["name"]),
                 {trial["name"] for trial in self.trials.values() if trial["experiment"] == folded})
        for folded, trial in self.trials.items():
            same(self.listed("list_trial_components", "TrialComponentSummaries", "TrialComponentName",
                             TrialName=trial["name"]),
                 {known["name"] for known in self.components.values() if folded in known["trials"]})


# -- lineage: actions, contexts, artifacts and associations -------------------------------------

ACTIONS = st.sampled_from(["train", "deploy"])
CONTEXTS = st.sampled_from(["endpoint", "endpoint-2"])
SOURCES = st.sampled_from(["s3://bucket/a.csv", "s3://bucket/b.csv"])
MISSING_ACTION = f"{PREFIX}action/never-created"


class LineageSequences(Machine):
    def __init__(self) -> None:
        super().__init__()
        self.actions: dict[str, dict[str, Any]] = {}  # name -> description, status
        self.contexts: set[str] = set()
        self.artifacts: dict[str, str] = {}  # ARN -> source URI
        self.associations: set[tuple[str, str]] = set()

    def entities(self) -> list[str]:
        return sorted([f"{PREFIX}action/{name}" for name in self.actions]
                      + [f"{PREFIX}context/{name}" for name in self.contexts] + list(self.artifacts))

    def _forget(self, arn: str) -> None:
        self.associations = {pair for pair in self.associations if arn not in pair}

    @rule(name=ACTIONS, status=st.sampled_from([None, "InProgress", "Completed"]))
    def create_action(self, name: str, status: str | None) -> None:
        params: dict[str, Any] = {"ActionName": name, "Source": {"SourceUri": "s3://bucket/code"},
                                  "ActionType": "Training"}
        if status is not None:
            params["Status"] = status
        if name in self.actions:
            self.refused("ValidationException", "create_action", **params)
            return
        assert self.sm.create_action(**params)["ActionArn"] == f"{PREFIX}action/{name}"
        self.actions[name] = {"status": status, "description": None}

    @rule(name=ACTIONS, description=st.sampled_from([None, "fits the model"]),
          status=st.sampled_from([None, "Failed", "Completed"]))
    def update_action(self, name: str, description: str | None, status: str | None) -> None:
        params = {"ActionName": name}
        if description is not None:
            params["Description"] = description
        if status is not None:
            params["Status"] = status
        if name not in self.actions:
            self.refused("ResourceNotFound", "update_action", **params)
            return
        self.sm.update_action(**params)
        for key, value in (("description", description), ("status", status)):
            if value is not None:
                self.actions[name][key] = value

    @rule(name=ACTIONS)
    def describe_action(self, name: str) -> None:
        if name not in self.actions:
            self.refused("ResourceNotFound", "describe_action", ActionName=name)
            return
        found = self.sm.describe_action(ActionName=name)
        assert (found.get("Description"), found.get("Status")) == (self.actions[name]["description"],
                                                                    self.actions[name]["status"])

    @rule(name=ACTIONS)
    def delete_action(self, name: str) -> None:
        if name not in self.actions:
            self.refused("ResourceNotFound", "delete_action", ActionName=name)
            return
        self.sm.delete_action(ActionName=name)
        del self.actions[name]
        self._forget(f"{PREFIX}action/{name}")

    @rule(name=CONTEXTS)
    def create_context(self, name: str) -> None:
        params = {"ContextName": name, "Source": {"SourceUri": "s3://bucket/endpoint"}, "ContextType": "Endpoint"}
        if name in self.contexts:
            self.refused("ValidationException", "create_context", **params)
            return
        assert self.sm.create_context(**params)["ContextArn"] == f"{PREFIX}context/{name}"
        self.contexts.add(name)

    @rule(name=CONTEXTS)
    def delete_context(self, name: str) -> None:
        if name not in self.contexts:
            self.refused("ResourceNotFound", "delete_context", ContextName=name)
            return
        self.sm.delete_context(ContextName=name)
        self.contexts.discard(name)
        self._forget(f"{PREFIX}context/{name}")

    @rule(source=SOURCES)
    def create_artifact(self, source: str) -> None:
        arn = self.sm.create_artifact(Source={"SourceUri": source}, ArtifactType="DataSet")["ArtifactArn"]
        assert arn.startswith(f"{PREFIX}artifact/") and arn not in self.artifacts
        self.artifacts[arn] = source

    @precondition(lambda self: self.artifacts)
    @rule(data=st.data())
    def describe_and_delete_artifact(self, data: st.DataObject) -> None:
        arn = data.draw(st.sampled_from(sorted(self.artifacts)))
        assert self.sm.describe_artifact(ArtifactArn=arn)["Source"]["SourceUri"] == self.artifacts[arn]
        self.sm.delete_artifact(ArtifactArn=arn)
        del self.artifacts[arn]
        self._forget(arn)
        self.refused("ResourceNotFound", "describe_artifact", ArtifactArn=arn)

    @precondition(lambda self: self.entities())
    @rule(data=st.data())
    def add_association(self, data: st.DataObject) -> None:
        candidates = st.sampled_from(self.entities() + [MISSING_ACTION])
        source, destination = data.draw(candidates, label="source"), data.draw(candidates, label="destination")
        params = {"SourceArn": source, "DestinationArn": destination}
        if MISSING_ACTION in (source, destination):
            self.refused("ResourceNotFound", "add_association", **params)
        elif (source, destination) in self.associations:
            self.refused("ValidationException", "add_association", **params)
        else:
            self.sm.add_association(**params)
            self.associations.add((source, destination))

    @precondition(lambda self: self.entities())
    @rule(data=st.data())
    def delete_association(self, data: st.DataObject) -> None:
        pairs = sorted(self.associations) + [(self.entities()[0], MISSING_ACTION)]
        source, destination = data.draw(st.sampled_from(pairs))
        params = {"SourceArn": source, "DestinationArn": destination}
        if (source, destination) not in self.associations:
            self.refused("ResourceNotFound", "delete_association", **params)
            return
        self.sm.delete_association(**params)
        self.associations.discard((source, destination))

    @invariant()
    def lists_agree(self) -> None:
        same(self.listed("list_actions", "ActionSummaries", "ActionName"), set(self.actions))
        same(self.listed("list_contexts", "ContextSummaries", "ContextName"), self.contexts)
        same(self.listed("list_artifacts", "ArtifactSummaries", "ArtifactArn"), set(self.artifacts))
        pages = self.sm.get_paginator("list_associations").paginate(PaginationConfig={"PageSize": 2})
        same([(item["SourceArn"], item["DestinationArn"]) for page in pages for item in page["AssociationSummaries"]],
             self.associations)


# -- models and endpoint configurations ---------------------------------------------------------

MODELS = st.sampled_from(["churn", "Churn", "fraud"])  # these names ignore case
CONFIGS = st.sampled_from(["prod", "PROD", "staging", "ProdOld"])


class HostingSequences(Machine):
    def __init__(self) -> None:
        super().__init__()
        self.models: dict[str, str] = {}  # folded name -> name as created
        self.configs: dict[str, dict[str, str]] = {}  # folded name -> name, the model name it was given

    @rule(name=MODELS, tag=st.sampled_from(["1", "2"]))
    def create_model(self, name: str, tag: str) -> None:
        params = {"ModelName": name, "PrimaryContainer": {"Image": f"{IMAGE}{tag}"}}
        if fold(name) in self.models:
            answer = self.refused("ValidationException", "create_model", **params)
            assert answer["Message"] == f'Cannot create already existing model "{PREFIX}model/{fold(name)}".'
            return
        assert self.sm.create_model(**params)["ModelArn"] == f"{PREFIX}model/{fold(name)}"
        self.models[fold(name)] = name

    @rule(name=MODELS)
    def describe_model(self, name: str) -> None:
        if fold(name) not in self.models:
            answer = self.refused("ValidationException", "describe_model", ModelName=name)
            assert answer["Message"] == f'Could not find model "{PREFIX}model/{fold(name)}".'
            return
        assert self.sm.describe_model(ModelName=name)["ModelName"] == self.models[fold(name)]

    @rule(name=MODELS)
    def delete_model(self, name: str) -> None:
        if fold(name) not in self.models:
            self.refused("ValidationException", "delete_model", ModelName=name)
            return
        self.sm.delete_model(ModelName=name)
        del self.models[fold(name)]  # configurations that name it stay (AWS allows it)

    @rule(name=CONFIGS, model=MODELS)
    def create_config(self, name: str, model: str) -> None:
        params = {"EndpointConfigName": name, "ProductionVariants": [
            {"VariantName": "AllTraffic", "ModelName": model, "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}]}
        if fold(name) in self.configs or fold(model) not in self.models:
            self.refused("ValidationException", "create_endpoint_config", **params)
            return
        assert self.sm.create_endpoint_config(**params)["EndpointConfigArn"] == f"{PREFIX}endpoint-config/{fold(name)}"
        self.configs[fold(name)] = {"name": name, "model": model}

    @rule(name=CONFIGS)
    def describe_config(self, name: str) -> None:
        known = self.configs.get(fold(name))
        if known is None:
            self.refused("ValidationException", "describe_endpoint_config", EndpointConfigName=name)
            return
        found = self.sm.describe_endpoint_config(EndpointConfigName=name)
        assert found["EndpointConfigName"] == known["name"]
        assert [variant["ModelName"] for variant in found["ProductionVariants"]] == [known["model"]]

    @rule(name=CONFIGS)
    def delete_config(self, name: str) -> None:
        if fold(name) not in self.configs:
            self.refused("ValidationException", "delete_endpoint_config", EndpointConfigName=name)
            return
        self.sm.delete_endpoint_config(EndpointConfigName=name)
        del self.configs[fold(name)]

    @rule(part=st.sampled_from(["CHURN", "ur", "o", "x"]))
    def list_by_name(self, part: str) -> None:
        """NameContains is case-insensitive."""
        same(self.listed("list_models", "Models", "ModelName", NameContains=part),
             {name for name in self.models.values() if part.lower() in name.lower()})
        same(self.listed("list_endpoint_configs", "EndpointConfigs", "EndpointConfigName", NameContains=part),
             {known["name"] for known in self.configs.values() if part.lower() in known["name"].lower()})

    @invariant()
    def lists_agree(self) -> None:
        same(self.listed("list_models", "Models", "ModelName"), set(self.models.values()))
        same(self.listed("list_endpoint_configs", "EndpointConfigs", "EndpointConfigName"),
             {known["name"] for known in self.configs.values()})


# -- notebook instance lifecycle configurations -------------------------------------------------

CONFIG_NAMES = st.sampled_from(["setup", "SETUP", "teardown"])  # these names ignore case
SCRIPTS = st.sampled_from([None, [], [{"Content": base64.b64encode(b"echo one").decode()}],
                           [{"Content": base64.b64encode(b"echo two").decode()}]])


class LifecycleConfigSequences(Machine):
    def __init__(self) -> None:
        super().__init__()
        self.configs: dict[str, dict[str, Any]] = {}  # folded name -> name, OnCreate, OnStart

    @staticmethod
    def _hooks(on_create: list[Any] | None, on_start: list[Any] | None) -> dict[str, Any]:
        return {key: value for key, value in (("OnCreate", on_create), ("OnStart", on_start)) if value is not None}

    @rule(name=CONFIG_NAMES, on_create=SCRIPTS, on_start=SCRIPTS)
    def create(self, name: str, on_create: list[Any] | None, on_start: list[Any] | None) -> None:
        params = {"NotebookInstanceLifecycleConfigName": name, **self._hooks(on_create, on_start)}
        if fold(name) in self.configs:
            answer = self.refused("ValidationException", "create_notebook_instance_lifecycle_config", **params)
            assert "already exists" in answer["Message"]
            return
        arn = self.sm.create_notebook_instance_lifecycle_config(**params)["NotebookInstanceLifecycleConfigArn"]
        assert arn == f"{PREFIX}notebook-instance-lifecycle-config/{name}"  # keeps case (since 2023)
        self.configs[fold(name)] = {"name": name, "OnCreate": on_create or [], "OnStart": on_start or []}

    @rule(name=CONFIG_NAMES, on_create=SCRIPTS, on_start=SCRIPTS)
    def update(self, name: str, on_create: list[Any] | None, on_start: list[Any] | None) -> None:
        params = {"NotebookInstanceLifecycleConfigName": name, **self._hooks(on_create, on_start)}
        known = self.configs.get(fold(name))
        if known is None:
            self.refused("ValidationException", "update_notebook_instance_lifecycle_config", **params)
            return
        self.sm.update_notebook_instance_lifecycle_config(**params)
        known.update({key: value for key, value in self._hooks(on_create, on_start).items()})

    @rule(name=CONFIG_NAMES)
    def describe(self, name: str) -> None:
        known = self.configs.get(fold(name))
        if known is None:
            answer = self.refused("ValidationException", "describe_notebook_instance_lifecycle_config",
                                  NotebookInstanceLifecycleConfigName=name)
            assert "does not exist" in answer["Message"]
            return
        found = self.sm.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
        assert found["NotebookInstanceLifecycleConfigName"] == known["name"]
        assert (found.get("OnCreate") or [], found.get("OnStart") or []) == (known["OnCreate"], known["OnStart"])

    @rule(name=CONFIG_NAMES)
    def delete(self, name: str) -> None:
        if fold(name) not in self.configs:
            self.refused("ValidationException", "delete_notebook_instance_lifecycle_config",
                         NotebookInstanceLifecycleConfigName=name)
            return
        self.sm.delete_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
        del self.configs[fold(name)]

    @invariant()
    def lists_agree(self) -> None:
        same(self.listed("list_notebook_instance_lifecycle_configs", "NotebookInstanceLifecycleConfigs",
                         "NotebookInstanceLifecycleConfigName"), {known["name"] for known in self.configs.values()})


# -- model cards and their versions ---------------------------------------------------------------

CARDS = st.sampled_from(["card", "card-2", "other"])
CONTENTS = st.sampled_from(["{}", json.dumps({"model_overview": {"model_name": "churn"}})])
CARD_STATUSES = st.sampled_from(["Draft", "PendingReview", "Approved", "Archived"])


class ModelCardSequences(Machine):
    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, list[list[str]]] = {}  # name -> versions as [content, status], oldest first

    @rule(name=CARDS, content=CONTENTS, status=CARD_STATUSES)
    def create(self, name: str, content: str, status: str) -> None:
        params = {"ModelCardName": name, "Content": content, "ModelCardStatus": status}
        if name in self.cards:
            self.refused("ConflictException", "create_model_card", **params)
            return
        assert self.sm.create_model_card(**params)["ModelCardArn"] == f"{PREFIX}model-card/{name}"
        self.cards[name] = [[content, status]]

    @rule(name=CARDS, content=CONTENTS)
    def update_content(self, name: str, content: str) -> None:
        if name not in self.cards:
            self.refused("ResourceNotFound", "update_model_card", ModelCardName=name, Content=content)
            return
        self.sm.update_model_card(ModelCardName=name, Content=content)
        self.cards[name].append([content, self.cards[name][-1][1]])  # a new version, with the status kept

    @rule(name=CARDS, status=CARD_STATUSES)
    def update_status(self, name: str, status: str) -> None:
        if name not in self.cards:
            self.refused("ResourceNotFound", "update_model_card", ModelCardName=name, ModelCardStatus=status)
            return
        self.sm.update_model_card(ModelCardName=name, ModelCardStatus=status)
        self.cards[name][-1][1] = status  # the latest version, changed in place

    @rule(name=CARDS, data=st.data())
    def describe(self, name: str, data: st.DataObject) -> None:
        versions = self.cards.get(name)
        if versions is None:
            self.refused("ResourceNotFound", "describe_model_card", ModelCardName=name)
            return
        version = data.draw(st.sampled_from([None, *range(1, len(versions) + 2)]), label="version")
        params: dict[str, Any] = {"ModelCardName": name}
        if version is not None:
            params["ModelCardVersion"] = version
        if version is not None and version > len(versions):
            self.refused("ResourceNotFound", "describe_model_card", **params)
            return
        found = self.sm.describe_model_card(**params)
        number = version or len(versions)
        assert found["ModelCardVersion"] == number
        assert [found["Content"], found["ModelCardStatus"]] == versions[number - 1]

    @rule(name=CARDS)
    def delete(self, name: str) -> None:
        if name not in self.cards:
            self.refused("ResourceNotFound", "delete_model_card", ModelCardName=name)
            return
        self.sm.delete_model_card(ModelCardName=name)
        del self.cards[name]

    @invariant()
    def lists_agree(self) -> None:
        same(self.listed("list_model_cards", "ModelCardSummaries", "ModelCardName"), set(self.cards))
        for name, versions in self.cards.items():
            pages = self.sm.get_paginator("list_model_card_versions").paginate(
                ModelCardName=name, PaginationConfig={"PageSize": 2})
            listed = [(item["ModelCardVersion"], item["ModelCardStatus"])
                      for page in pages for item in page["ModelCardVersionSummaryList"]]
            same(listed, {(number, status) for number, (_content, status) in enumerate(versions, 1)})


# -- pipelines and their versions --------------------------------------------------------------------

PIPELINES = st.sampled_from(["flow", "Flow", "nightly"])  # these names ignore case
DEFINITIONS = st.sampled_from([
    json.dumps({"Version": "2020-12-01", "Steps": [{"Name": "Train", "Type": "Training", "Arguments": {}}]}),
    json.dumps({"Version": "2020-12-01", "Steps": [{"Name": "Prepare", "Type": "Processing", "Arguments": {}},
                                                   {"Name": "Train", "Type": "Training", "Arguments": {},
                                                    "DependsOn": ["Prepare"]}]}),
])


class PipelineSequences(Machine):
    def __init__(self) -> None:
        super().__init__()
        self.pipelines: dict[str, dict[str, Any]] = {}  # folded name -> name, definitions, description

    @rule(name=PIPELINES, definition=DEFINITIONS, description=st.sampled_from([None, "nightly retrain"]))
    def create(self, name: str, definition: str, description: str | None) -> None:
        params = {"PipelineName": name, "PipelineDefinition": definition, "RoleArn": world.ROLE}
        if description is not None:
            params["PipelineDescription"] = description
        if fold(name) in self.pipelines:
            answer = self.refused("ValidationException", "create_pipeline", **params)
            assert "already exists" in answer["Message"]
            return
        assert self.sm.create_pipeline(**params)["PipelineArn"] == f"{PREFIX}pipeline/{name}"  # keeps case since late 2022
        self.pipelines[fold(name)] = {"name": name, "definitions": [definition], "description": description}

    @rule(name=PIPELINES, definition=st.none() | DEFINITIONS, description=st.sampled_from([None, "weekly"]))
    def update(self, name: str, definition: str | None, description: str | None) -> None:
        params = {"PipelineName": name}
        if definition is not None:
            params["PipelineDefinition"] = definition
        if description is not None:
            params["PipelineDescription"] = description
        known = self.pipelines.get(fold(name))
        if known is None:
            self.refused("ResourceNotFound", "update_pipeline", **params)
            return
        self.sm.update_pipeline(**params)
        if definition is not None and definition != known["definitions"][-1]:
            known["definitions"].append(definition)  # a changed definition is a new version
        if description is not None:
            known["description"] = description

    @rule(name=PIPELINES)
    def describe(self, name: str) -> None:
        known = self.pipelines.get(fold(name))
        if known is None:
            self.refused("ResourceNotFound", "describe_pipeline", PipelineName=name)
            return
        found = self.sm.describe_pipeline(PipelineName=name)
        assert found["PipelineName"] == known["name"]
        assert json.loads(found["PipelineDefinition"]) == json.loads(known["definitions"][-1])
        assert found.get("PipelineDescription") == known["description"]
        if not hasattr(self.sm, "list_pipeline_versions"):  # pipeline versions: botocore 1.36 and later
            return
        versions = self.sm.list_pipeline_versions(PipelineName=found["PipelineArn"])["PipelineVersionSummaries"]
        assert sorted(version["PipelineVersionId"] for version in versions) == list(
            range(1, len(known["definitions"]) + 1))

    @rule(name=PIPELINES)
    def delete(self, name: str) -> None:
        if fold(name) not in self.pipelines:
            self.refused("ResourceNotFound", "delete_pipeline", PipelineName=name)
            return
        self.sm.delete_pipeline(PipelineName=name)
        del self.pipelines[fold(name)]

    @invariant()
    def lists_agree(self) -> None:
        same(self.listed("list_pipelines", "PipelineSummaries", "PipelineName"),
             {known["name"] for known in self.pipelines.values()})


TestRegistrySequences = RegistrySequences.TestCase
TestExperimentSequences = ExperimentSequences.TestCase
TestLineageSequences = LineageSequences.TestCase
TestHostingSequences = HostingSequences.TestCase
TestLifecycleConfigSequences = LifecycleConfigSequences.TestCase
TestModelCardSequences = ModelCardSequences.TestCase
TestPipelineSequences = PipelineSequences.TestCase
for _case in (TestRegistrySequences, TestExperimentSequences, TestLineageSequences, TestHostingSequences,
              TestLifecycleConfigSequences, TestModelCardSequences, TestPipelineSequences):
    _case.settings = selected()
del _case
