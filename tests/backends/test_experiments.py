"""Experiments, trials and trial components, through boto3 as a user drives them."""
from __future__ import annotations

import datetime as dt

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

ACCOUNT = "123456789012"
REGION = "us-east-1"
PREFIX = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:"
LINEAGE_GROUP = PREFIX + "lineage-group/sagemaker-default-lineage-group"
UTC = dt.timezone.utc
SHAPES = botocore.session.get_session().get_service_model("sagemaker")
#: The model's caps on a component's maps (read, not copied, so a newer botocore wins).
PARAMETER_CAP = int(SHAPES.shape_for("TrialComponentParameters").metadata["max"])
ARTIFACT_CAP = int(SHAPES.shape_for("TrialComponentArtifacts").metadata["max"])


def experiment_arn(name):
    return PREFIX + "experiment/" + name


def trial_arn(name):
    return PREFIX + "experiment-trial/" + name


def component_arn(name):
    return PREFIX + "experiment-trial-component/" + name


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def refused(call, **kwargs):
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    return error_of(err)


def at(second, day=1):
    return dt.datetime(2024, 1, day, 0, 0, second, tzinfo=UTC)


def without_metadata(response):
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def names(response, key, name_key):
    return [item[name_key] for item in response[key]]


def experiment_names(response):
    return names(response, "ExperimentSummaries", "ExperimentName")


def trial_names(response):
    return names(response, "TrialSummaries", "TrialName")


def component_names(response):
    return names(response, "TrialComponentSummaries", "TrialComponentName")


def state_of(client):
    """Everything the family holds, as a user can read it."""
    experiments = client.list_experiments(MaxResults=100)["ExperimentSummaries"]
    trials = client.list_trials(MaxResults=100)["TrialSummaries"]
    components = client.list_trial_components(MaxResults=100)["TrialComponentSummaries"]
    return {
        "experiments": [without_metadata(client.describe_experiment(ExperimentName=e["ExperimentName"]))
                        for e in experiments],
        "trials": [without_metadata(client.describe_trial(TrialName=t["TrialName"])) for t in trials],
        "components": [without_metadata(client.describe_trial_component(TrialComponentName=c["TrialComponentName"]))
                       for c in components],
        "links": {t["TrialName"]: component_names(client.list_trial_components(TrialName=t["TrialName"]))
                  for t in trials},
    }


@pytest.fixture
def graph(sagemaker_client):
    """Two experiments; `exp` has trials t1 (components a, b) and t2 (components b, c); `other`
    has trial t3 (component d). Component `e` is in no trial. One second apart, from 00:00:01."""
    client = sagemaker_client
    second = iter(range(1, 60))
    with freeze_time(at(next(second))):
        client.create_experiment(ExperimentName="exp")
    with freeze_time(at(next(second))):
        client.create_experiment(ExperimentName="other")
    for trial, experiment in (("t1", "exp"), ("t2", "exp"), ("t3", "other")):
        with freeze_time(at(next(second))):
            client.create_trial(TrialName=trial, ExperimentName=experiment)
    for component in "abcde":
        with freeze_time(at(next(second))):
            client.create_trial_component(TrialComponentName=component)
    with freeze_time(at(next(second))):
        for trial, component in (("t1", "a"), ("t1", "b"), ("t2", "b"), ("t2", "c"), ("t3", "d")):
            client.associate_trial_component(TrialName=trial, TrialComponentName=component)
    return client


# -- experiments ---------------------------------------------------------------------------------

def test_create_and_describe_experiment(sagemaker_client):
    with freeze_time(at(1)):
        response = sagemaker_client.create_experiment(ExperimentName="churn")
    assert without_metadata(response) == {"ExperimentArn": experiment_arn("churn")}
    described = without_metadata(sagemaker_client.describe_experiment(ExperimentName="churn"))
    # IamIdentity "details are associated with model package groups, model packages, and project
    # entities only" (UserContext.IamIdentity): a caller who is not a Studio user gets {} here, as
    # moto's tests also expect.
    assert described == {
        "ExperimentName": "churn",
        "ExperimentArn": experiment_arn("churn"),
        "DisplayName": "churn",  # "If DisplayName isn't specified, ExperimentName is displayed."
        "CreationTime": at(1),
        "CreatedBy": {},
        "LastModifiedTime": at(1),
        "LastModifiedBy": {},
    }


def test_experiment_display_name_description_and_tags(sagemaker_client):
    sagemaker_client.create_experiment(ExperimentName="churn", DisplayName="Churn-v2", Description="why users leave",
                                       Tags=[{"Key": "team", "Value": "ml"}])
    described = sagemaker_client.describe_experiment(ExperimentName="churn")
    assert (described["DisplayName"], described["Description"]) == ("Churn-v2", "why users leave")
    assert "Source" not in described  # only experiments SageMaker creates have a source
    assert sagemaker_client.list_tags(ResourceArn=experiment_arn("churn"))["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_names_ignore_case_and_keep_the_case_given(sagemaker_client):
    sagemaker_client.create_experiment(ExperimentName="Churn", Description="first")
    before = state_of(sagemaker_client)
    code, message = refused(sagemaker_client.create_experiment, ExperimentName="cHURN", Description="second")
    assert code == "ValidationException"
    assert message == f"Experiment '{experiment_arn('Churn')}' already exists."
    assert state_of(sagemaker_client) == before
    for spelling in ("churn", "CHURN", "Churn"):
        described = sagemaker_client.describe_experiment(ExperimentName=spelling)
        assert (described["ExperimentName"], described["ExperimentArn"]) == ("Churn", experiment_arn("Churn"))
        assert described["Description"] == "first"


def test_describe_missing_experiment(sagemaker_client):
    code, message = refused(sagemaker_client.describe_experiment, ExperimentName="nope")
    assert (code, message) == ("ResourceNotFound", f"Experiment '{experiment_arn('nope')}' does not exist.")


def test_duplicate_experiment_tags_are_checked_before_anything_is_created(sagemaker_client):
    code, _ = refused(sagemaker_client.create_experiment, ExperimentName="churn",
                      Tags=[{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}])
    assert code == "ValidationException"
    assert sagemaker_client.list_experiments()["ExperimentSummaries"] == []


def test_update_experiment(sagemaker_client):
    with freeze_time(at(1)):
        sagemaker_client.create_experiment(ExperimentName="churn", Description="old")
    with freeze_time(at(5)):
        response = sagemaker_client.update_experiment(ExperimentName="CHURN", DisplayName="Churn", Description="new")
    assert response["ExperimentArn"] == experiment_arn("churn")
    described = sagemaker_client.describe_experiment(ExperimentName="churn")
    assert (described["DisplayName"], described["Description"]) == ("Churn", "new")
    assert (described["CreationTime"], described["LastModifiedTime"]) == (at(1), at(5))
    sagemaker_client.update_experiment(ExperimentName="churn", Description="")  # removes the description
    described = sagemaker_client.describe_experiment(ExperimentName="churn")
    assert "Description" not in described and described["DisplayName"] == "Churn"


def test_update_and_delete_missing_experiment(sagemaker_client):
    for call in (sagemaker_client.update_experiment, sagemaker_client.delete_experiment):
        code, message = refused(call, ExperimentName="nope")
        assert (code, message) == ("ResourceNotFound", f"Experiment '{experiment_arn('nope')}' does not exist.")


def test_list_experiments_sorts_filters_and_pages(sagemaker_client):
    for second, name in enumerate(["beta", "alpha", "delta", "gamma", "epsilon"], start=1):
        with freeze_time(at(second)):
            sagemaker_client.create_experiment(ExperimentName=name)
    listed = sagemaker_client.list_experiments()
    assert experiment_names(listed) == ["epsilon", "gamma", "delta", "alpha", "beta"]  # CreationTime, Descending
    assert "NextToken" not in listed
    assert set(listed["ExperimentSummaries"][0]) == {"ExperimentArn", "ExperimentName", "DisplayName",
                                                     "CreationTime", "LastModifiedTime"}
    assert experiment_names(sagemaker_client.list_experiments(SortOrder="Ascending")) == \
        ["beta", "alpha", "delta", "gamma", "epsilon"]
    assert experiment_names(sagemaker_client.list_experiments(SortBy="Name", SortOrder="Ascending")) == \
        ["alpha", "beta", "delta", "epsilon", "gamma"]
    window = sagemaker_client.list_experiments(CreatedAfter=at(1), CreatedBefore=at(4))  # both bounds excluded
    assert experiment_names(window) == ["delta", "alpha"]
    paginator = sagemaker_client.get_paginator("list_experiments")
    pages = [experiment_names(page) for page in paginator.paginate(SortBy="Name", SortOrder="Ascending",
                                                                    PaginationConfig={"PageSize": 2})]
    assert pages == [["alpha", "beta"], ["delta", "epsilon"], ["gamma"]]


def test_list_experiments_default_page_is_ten(sagemaker_client):
    for index in range(12):
        sagemaker_client.create_experiment(ExperimentName=f"e{index:02d}")
    first = sagemaker_client.list_experiments(SortBy="Name", SortOrder="Ascending")
    assert experiment_names(first) == [f"e{index:02d}" for index in range(10)]
    rest = sagemaker_client.list_experiments(SortBy="Name", SortOrder="Ascending", NextToken=first["NextToken"])
    assert experiment_names(rest) == ["e10", "e11"] and "NextToken" not in rest


# -- trials --------------------------------------------------------------------------------------

def test_create_and_describe_trial(sagemaker_client):
    sagemaker_client.create_experiment(ExperimentName="Churn")
    with freeze_time(at(3)):
        response = sagemaker_client.create_trial(
            TrialName="run1", ExperimentName="churn",
            MetadataProperties={"CommitId": "abc123", "Repository": "git@example.com:ml.git"},
            Tags=[{"Key": "stage", "Value": "dev"}])
    assert without_metadata(response) == {"TrialArn": trial_arn("run1")}
    described = without_metadata(sagemaker_client.describe_trial(TrialName="RUN1"))
    user = described.pop("CreatedBy")
    assert described == {
        "TrialName": "run1",
        "TrialArn": trial_arn("run1"),
        "DisplayName": "run1",
        "ExperimentName": "Churn",  # the experiment's own name, whatever case the request used
        "CreationTime": at(3),
        "LastModifiedTime": at(3),
        "LastModifiedBy": user,
        "MetadataProperties": {"CommitId": "abc123", "Repository": "git@example.com:ml.git"},
    }
    assert sagemaker_client.list_tags(ResourceArn=trial_arn("run1"))["Tags"] == [{"Key": "stage", "Value": "dev"}]


def test_trial_needs_an_existing_experiment(sagemaker_client):
    code, message = refused(sagemaker_client.create_trial, TrialName="run1", ExperimentName="nope")
    assert (code, message) == ("ResourceNotFound", f"Experiment '{experiment_arn('nope')}' does not exist.")
    assert sagemaker_client.list_trials()["TrialSummaries"] == []
    assert refused(sagemaker_client.describe_trial, TrialName="run1")[0] == "ResourceNotFound"


def test_duplicate_trial_is_refused(graph):
    before = state_of(graph)
    code, message = refused(graph.create_trial, TrialName="T1", ExperimentName="other")
    assert (code, message) == ("ValidationException", f"Trial '{trial_arn('t1')}' already exists.")
    assert state_of(graph) == before


def test_update_trial(sagemaker_client):
    sagemaker_client.create_experiment(ExperimentName="churn")
    with freeze_time(at(1)):
        sagemaker_client.create_trial(TrialName="run1", ExperimentName="churn")
    with freeze_time(at(9)):
        assert sagemaker_client.update_trial(TrialName="Run1", DisplayName="First-run")["TrialArn"] == trial_arn("run1")
    described = sagemaker_client.describe_trial(TrialName="run1")
    assert (described["DisplayName"], described["LastModifiedTime"], described["CreationTime"]) == \
        ("First-run", at(9), at(1))
    code, message = refused(sagemaker_client.update_trial, TrialName="nope", DisplayName="x")
    assert (code, message) == ("ResourceNotFound", f"Trial '{trial_arn('nope')}' does not exist.")


def test_list_trials_every_way(graph):
    assert trial_names(graph.list_trials()) == ["t3", "t2", "t1"]
    assert trial_names(graph.list_trials(ExperimentName="exp")) == ["t2", "t1"]
    assert trial_names(graph.list_trials(ExperimentName="OTHER")) == ["t3"]
    assert trial_names(graph.list_trials(TrialComponentName="b")) == ["t2", "t1"]
    assert trial_names(graph.list_trials(TrialComponentName="d")) == ["t3"]
    assert trial_names(graph.list_trials(TrialComponentName="e")) == []
    assert trial_names(graph.list_trials(ExperimentName="other", TrialComponentName="b")) == []
    assert trial_names(graph.list_trials(ExperimentName="exp", TrialComponentName="a")) == ["t1"]
    assert trial_names(graph.list_trials(SortBy="Name", SortOrder="Ascending")) == ["t1", "t2", "t3"]
    assert trial_names(graph.list_trials(CreatedAfter=at(3))) == ["t3", "t2"]
    assert trial_names(graph.list_trials(CreatedBefore=at(4))) == ["t1"]
    summary = graph.list_trials(ExperimentName="other")["TrialSummaries"][0]
    assert set(summary) == {"TrialArn", "TrialName", "DisplayName", "CreationTime", "LastModifiedTime"}
    assert summary["TrialArn"] == trial_arn("t3")
    paginator = graph.get_paginator("list_trials")
    pages = [trial_names(page) for page in paginator.paginate(PaginationConfig={"PageSize": 2})]
    assert pages == [["t3", "t2"], ["t1"]]


def test_list_trials_of_missing_resources(graph):
    code, message = refused(graph.list_trials, ExperimentName="nope")
    assert (code, message) == ("ResourceNotFound", f"Experiment '{experiment_arn('nope')}' does not exist.")
    code, message = refused(graph.list_trials, TrialComponentName="nope")
    assert (code, message) == ("ResourceNotFound", f"Trial component '{component_arn('nope')}' does not exist.")


# -- trial components ----------------------------------------------------------------------------

def test_create_and_describe_trial_component(sagemaker_client):
    with freeze_time(at(7)):
        response = sagemaker_client.create_trial_component(
            TrialComponentName="train",
            DisplayName="Training",
            Status={"PrimaryStatus": "InProgress", "Message": "epoch 3"},
            StartTime=at(1),
            EndTime=at(6),
            Parameters={"lr": {"NumberValue": 0.01}, "optimizer": {"StringValue": "adam"}},
            InputArtifacts={"train": {"MediaType": "text/csv", "Value": "s3://bucket/train.csv"}},
            OutputArtifacts={"model": {"Value": "s3://bucket/model.tar.gz"}},
            MetadataProperties={"GeneratedBy": "notebook", "ProjectId": "p-1"},
            Tags=[{"Key": "team", "Value": "ml"}],
        )
    assert without_metadata(response) == {"TrialComponentArn": component_arn("train")}
    described = without_metadata(sagemaker_client.describe_trial_component(TrialComponentName="train"))
    user = described.pop("CreatedBy")
    assert described == {
        "TrialComponentName": "train",
        "TrialComponentArn": component_arn("train"),
        "DisplayName": "Training",
        "Status": {"PrimaryStatus": "InProgress", "Message": "epoch 3"},
        "StartTime": at(1),
        "EndTime": at(6),
        "CreationTime": at(7),
        "LastModifiedTime": at(7),
        "LastModifiedBy": user,
        "Parameters": {"lr": {"NumberValue": 0.01}, "optimizer": {"StringValue": "adam"}},
        "InputArtifacts": {"train": {"MediaType": "text/csv", "Value": "s3://bucket/train.csv"}},
        "OutputArtifacts": {"model": {"Value": "s3://bucket/model.tar.gz"}},
        "MetadataProperties": {"GeneratedBy": "notebook", "ProjectId": "p-1"},
        "LineageGroupArn": LINEAGE_GROUP,
    }  # no Metrics, Source or Sources: those come only from jobs SageMaker runs
    assert sagemaker_client.list_tags(ResourceArn=component_arn("train"))["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_minimal_trial_component(sagemaker_client):
    sagemaker_client.create_trial_component(TrialComponentName="Prep")
    described = sagemaker_client.describe_trial_component(TrialComponentName="prep")
    assert set(described) - {"ResponseMetadata"} == {
        "TrialComponentName", "TrialComponentArn", "DisplayName", "CreationTime", "CreatedBy",
        "LastModifiedTime", "LastModifiedBy", "LineageGroupArn", "Parameters", "InputArtifacts", "OutputArtifacts"}
    # Empty maps are returned as {}: the SageMaker SDK's ExperimentAnalytics calls .items() on each.
    assert described["Parameters"] == described["InputArtifacts"] == described["OutputArtifacts"] == {}
    assert (described["DisplayName"], described["TrialComponentArn"]) == ("Prep", component_arn("Prep"))


def test_describe_trial_component_by_arn(sagemaker_client):
    sagemaker_client.create_trial_component(TrialComponentName="train")
    by_arn = sagemaker_client.describe_trial_component(TrialComponentName=component_arn("train"))
    assert by_arn["TrialComponentName"] == "train"
    other_type = PREFIX + "experiment-trial/train"  # the model accepts it; it names no component
    assert refused(sagemaker_client.describe_trial_component, TrialComponentName=other_type) == \
        ("ResourceNotFound", f"Trial component '{other_type}' does not exist.")
    elsewhere = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:experiment-trial-component/train"
    code, message = refused(sagemaker_client.describe_trial_component, TrialComponentName=elsewhere)
    assert code == "ValidationException" and REGION in message


def test_parameter_value_is_a_string_or_a_number(sagemaker_client):
    """TrialComponentParameterValue: "Only one of NumberValue or StringValue can be specified"; one with
    neither is not refused by AWS's documentation and is kept as given."""
    code, message = refused(sagemaker_client.create_trial_component, TrialComponentName="train",
                            Parameters={"ok": {"NumberValue": 1.0}, "bad": {"StringValue": "adam", "NumberValue": 1.0}})
    assert code == "ValidationException"
    assert message.startswith("Parameter 'bad' has both StringValue and NumberValue")
    assert sagemaker_client.list_trial_components()["TrialComponentSummaries"] == []
    sagemaker_client.create_trial_component(TrialComponentName="train", Parameters={"empty": {}})
    assert sagemaker_client.describe_trial_component(TrialComponentName="train")["Parameters"] == {"empty": {}}


def test_duplicate_trial_component_is_refused(sagemaker_client):
    sagemaker_client.create_trial_component(TrialComponentName="train", DisplayName="First")
    before = state_of(sagemaker_client)
    code, message = refused(sagemaker_client.create_trial_component, TrialComponentName="TRAIN", DisplayName="Second")
    assert (code, message) == ("ValidationException", f"Trial component '{component_arn('train')}' already exists.")
    assert state_of(sagemaker_client) == before


def test_update_trial_component_merges_and_removes(sagemaker_client):
    with freeze_time(at(1)):
        sagemaker_client.create_trial_component(
            TrialComponentName="train",
            Parameters={"lr": {"NumberValue": 0.1}, "epochs": {"NumberValue": 10}, "seed": {"StringValue": "7"}},
            InputArtifacts={"train": {"Value": "s3://b/train"}, "test": {"Value": "s3://b/test"}},
            OutputArtifacts={"model": {"Value": "s3://b/m1"}})
    with freeze_time(at(30)):
        response = sagemaker_client.update_trial_component(
            TrialComponentName="Train",
            DisplayName="Train-2",
            Status={"PrimaryStatus": "Completed"},
            StartTime=at(2),
            EndTime=at(29),
            Parameters={"lr": {"NumberValue": 0.05}, "batch": {"NumberValue": 32}},
            ParametersToRemove=["seed", "absent"],
            InputArtifacts={"validation": {"MediaType": "text/csv", "Value": "s3://b/val"}},
            InputArtifactsToRemove=["test"],
            OutputArtifactsToRemove=["model"])
    assert response["TrialComponentArn"] == component_arn("train")
    described = sagemaker_client.describe_trial_component(TrialComponentName="train")
    assert described["Parameters"] == {"lr": {"NumberValue": 0.05}, "epochs": {"NumberValue": 10},
                                       "batch": {"NumberValue": 32}}
    assert described["InputArtifacts"] == {"train": {"Value": "s3://b/train"},
                                           "validation": {"MediaType": "text/csv", "Value": "s3://b/val"}}
    assert described["OutputArtifacts"] == {}  # its only artifact was removed: an empty map, as AWS returns
    assert (described["DisplayName"], described["Status"]) == ("Train-2", {"PrimaryStatus": "Completed"})
    assert (described["StartTime"], described["EndTime"]) == (at(2), at(29))
    assert (described["CreationTime"], described["LastModifiedTime"]) == (at(1), at(30))


def test_update_trial_component_refusals_change_nothing(sagemaker_client):
    sagemaker_client.create_trial_component(TrialComponentName="train", Parameters={"lr": {"NumberValue": 0.1}},
                                            InputArtifacts={f"in{i}": {"Value": "s3://b/x"} for i in range(ARTIFACT_CAP)})
    before = state_of(sagemaker_client)
    code, message = refused(sagemaker_client.update_trial_component, TrialComponentName="train",
                            DisplayName="Changed", Parameters={"lr": {"NumberValue": 0.2}}, ParametersToRemove=["lr"])
    assert code == "ValidationException"
    assert message == ("Parameters and ParametersToRemove both name lr: a key cannot be set and removed in the "
                       "same request.")
    code, message = refused(sagemaker_client.update_trial_component, TrialComponentName="train",
                            DisplayName="Changed", InputArtifacts={"one-more": {"Value": "s3://b/y"}})
    assert code == "ValidationException"
    assert message == (f"A trial component can have at most {ARTIFACT_CAP} InputArtifacts; this update would leave "
                       f"it with {ARTIFACT_CAP + 1}.")
    code, message = refused(sagemaker_client.update_trial_component, TrialComponentName="train",
                            DisplayName="Changed", Parameters={"x": {"StringValue": "a", "NumberValue": 1.0}})
    assert code == "ValidationException" and "has both StringValue and NumberValue" in message
    code, message = refused(sagemaker_client.update_trial_component, TrialComponentName="nope", DisplayName="x")
    assert (code, message) == ("ResourceNotFound", f"Trial component '{component_arn('nope')}' does not exist.")
    assert state_of(sagemaker_client) == before
    # Replacing an artifact at the cap is allowed: the cap applies to the merged map.
    sagemaker_client.update_trial_component(TrialComponentName="train", InputArtifacts={"in0": {"Value": "s3://b/z"}},
                                            InputArtifactsToRemove=["in1"])
    described = sagemaker_client.describe_trial_component(TrialComponentName="train")
    assert len(described["InputArtifacts"]) == ARTIFACT_CAP - 1
    assert described["InputArtifacts"]["in0"] == {"Value": "s3://b/z"}


def test_parameter_cap_comes_from_the_model(sagemaker_client):
    sagemaker_client.create_trial_component(
        TrialComponentName="train", Parameters={f"p{i}": {"NumberValue": i} for i in range(PARAMETER_CAP)})
    code, message = refused(sagemaker_client.update_trial_component, TrialComponentName="train",
                            Parameters={"extra": {"NumberValue": 1}})
    assert code == "ValidationException" and f"at most {PARAMETER_CAP} Parameters" in message
    assert len(sagemaker_client.describe_trial_component(TrialComponentName="train")["Parameters"]) == PARAMETER_CAP


# -- associations --------------------------------------------------------------------------------

def test_associate_and_disassociate_touch_both_ends(sagemaker_client):
    sagemaker_client.create_experiment(ExperimentName="exp")
    with freeze_time(at(1)):
        sagemaker_client.create_trial(TrialName="t1", ExperimentName="exp")
        sagemaker_client.create_trial_component(TrialComponentName="c1")
    with freeze_time(at(2)):
        response = sagemaker_client.associate_trial_component(TrialComponentName="C1", TrialName="T1")
    assert without_metadata(response) == {"TrialComponentArn": component_arn("c1"), "TrialArn": trial_arn("t1")}
    assert sagemaker_client.describe_trial(TrialName="t1")["LastModifiedTime"] == at(2)
    assert sagemaker_client.describe_trial_component(TrialComponentName="c1")["LastModifiedTime"] == at(2)
    with freeze_time(at(3)):  # associating again changes nothing
        again = sagemaker_client.associate_trial_component(TrialComponentName="c1", TrialName="t1")
    assert without_metadata(again) == without_metadata(response)
    assert component_names(sagemaker_client.list_trial_components(TrialName="t1")) == ["c1"]
    assert sagemaker_client.describe_trial(TrialName="t1")["LastModifiedTime"] == at(2)
    with freeze_time(at(4)):
        response = sagemaker_client.disassociate_trial_component(TrialComponentName="c1", TrialName="t1")
    assert without_metadata(response) == {"TrialComponentArn": component_arn("c1"), "TrialArn": trial_arn("t1")}
    assert sagemaker_client.describe_trial(TrialName="t1")["LastModifiedTime"] == at(4)
    assert sagemaker_client.describe_trial_component(TrialComponentName="c1")["LastModifiedTime"] == at(4)
    assert component_names(sagemaker_client.list_trial_components(TrialName="t1")) == []
    assert trial_names(sagemaker_client.list_trials(TrialComponentName="c1")) == []


def test_disassociating_one_trial_keeps_the_others(graph):
    graph.disassociate_trial_component(TrialComponentName="b", TrialName="t1")
    assert component_names(graph.list_trial_components(TrialName="t1")) == ["a"]
    assert component_names(graph.list_trial_components(TrialName="t2")) == ["c", "b"]
    assert trial_names(graph.list_trials(TrialComponentName="b")) == ["t2"]


def test_association_refusals_change_nothing(graph):
    before = state_of(graph)
    cases = [
        (graph.associate_trial_component, {"TrialComponentName": "nope", "TrialName": "t1"},
         f"Trial component '{component_arn('nope')}' does not exist."),
        (graph.associate_trial_component, {"TrialComponentName": "a", "TrialName": "nope"},
         f"Trial '{trial_arn('nope')}' does not exist."),
        (graph.disassociate_trial_component, {"TrialComponentName": "nope", "TrialName": "t1"},
         f"Trial component '{component_arn('nope')}' does not exist."),
        (graph.disassociate_trial_component, {"TrialComponentName": "a", "TrialName": "nope"},
         f"Trial '{trial_arn('nope')}' does not exist."),
        (graph.disassociate_trial_component, {"TrialComponentName": "a", "TrialName": "t2"},
         f"Trial component '{component_arn('a')}' is not associated with trial '{trial_arn('t2')}'."),
    ]
    for call, kwargs, message in cases:
        assert refused(call, **kwargs) == ("ResourceNotFound", message)
    assert state_of(graph) == before


# -- ListTrialComponents -------------------------------------------------------------------------

def test_list_trial_components_every_way(graph):
    assert component_names(graph.list_trial_components()) == ["e", "d", "c", "b", "a"]
    assert component_names(graph.list_trial_components(ExperimentName="exp")) == ["c", "b", "a"]
    assert component_names(graph.list_trial_components(ExperimentName="Other")) == ["d"]
    assert component_names(graph.list_trial_components(TrialName="t1")) == ["b", "a"]
    assert component_names(graph.list_trial_components(TrialName="t2", SortOrder="Ascending")) == ["b", "c"]
    assert component_names(graph.list_trial_components(SourceArn=PREFIX + "training-job/job")) == []
    assert component_names(graph.list_trial_components(SortBy="Name", SortOrder="Ascending")) == list("abcde")
    assert component_names(graph.list_trial_components(CreatedAfter=at(6), CreatedBefore=at(9))) == ["c", "b"]
    assert component_names(graph.list_trial_components(ExperimentName="exp", CreatedAfter=at(7))) == ["c"]
    summary = graph.list_trial_components(TrialName="t3")["TrialComponentSummaries"][0]
    assert set(summary) == {"TrialComponentName", "TrialComponentArn", "DisplayName", "CreationTime", "CreatedBy",
                            "LastModifiedTime", "LastModifiedBy"}
    assert summary["TrialComponentArn"] == component_arn("d")


def test_list_trial_components_summary_carries_status_and_times(sagemaker_client):
    sagemaker_client.create_trial_component(TrialComponentName="train", Status={"PrimaryStatus": "Failed",
                                                                               "Message": "out of memory"},
                                            StartTime=at(1), EndTime=at(2), Parameters={"lr": {"NumberValue": 1}})
    summary = sagemaker_client.list_trial_components()["TrialComponentSummaries"][0]
    assert summary["Status"] == {"PrimaryStatus": "Failed", "Message": "out of memory"}
    assert (summary["StartTime"], summary["EndTime"]) == (at(1), at(2))
    assert "Parameters" not in summary and "LineageGroupArn" not in summary


@pytest.mark.parametrize("filters", [
    {"ExperimentName": "exp", "TrialName": "t1"},
    {"ExperimentName": "exp", "SourceArn": PREFIX + "training-job/job"},
    {"TrialName": "t1", "SourceArn": PREFIX + "training-job/job"},
    {"ExperimentName": "exp", "TrialName": "t1", "SourceArn": PREFIX + "training-job/job"},
])
def test_list_trial_components_filters_are_exclusive(graph, filters):
    code, message = refused(graph.list_trial_components, **filters)
    assert code == "ValidationException"
    given = [member for member in ("ExperimentName", "TrialName", "SourceArn") if member in filters]
    assert message == ("You can filter by only one of ExperimentName, TrialName and SourceArn; the request gives "
                       f"{' and '.join(given)}.")


def test_list_trial_components_of_missing_parents(graph):
    assert refused(graph.list_trial_components, ExperimentName="nope") == \
        ("ResourceNotFound", f"Experiment '{experiment_arn('nope')}' does not exist.")
    assert refused(graph.list_trial_components, TrialName="nope") == \
        ("ResourceNotFound", f"Trial '{trial_arn('nope')}' does not exist.")


def test_list_trial_components_pages(graph):
    paginator = graph.get_paginator("list_trial_components")
    pages = [component_names(page) for page in paginator.paginate(PaginationConfig={"PageSize": 2})]
    assert pages == [["e", "d"], ["c", "b"], ["a"]]
    pages = [component_names(page) for page in paginator.paginate(ExperimentName="exp", SortBy="Name",
                                                                   PaginationConfig={"PageSize": 2})]
    assert pages == [["c", "b"], ["a"]]
    first = graph.list_trial_components(MaxResults=2)
    code, _ = refused(graph.list_trial_components, MaxResults=2, NextToken=first["NextToken"], SortBy="Name")
    assert code == "ValidationException"  # a token belongs to the query it came from


# -- delete order --------------------------------------------------------------------------------

def test_delete_order_is_enforced_and_refusals_change_nothing(graph):
    before = state_of(graph)
    code, message = refused(graph.delete_experiment, ExperimentName="exp")
    assert code == "ValidationException"
    assert message == (f"Experiment '{experiment_arn('exp')}' cannot be deleted: it has 2 trial(s) (t1, t2). "
                       "All trials associated with the experiment must be deleted first.")
    code, message = refused(graph.delete_trial, TrialName="t1")
    assert code == "ValidationException"
    assert message == (f"Trial '{trial_arn('t1')}' cannot be deleted: 2 trial component(s) are associated with it "
                       "(a, b). Disassociate them first.")
    code, message = refused(graph.delete_trial_component, TrialComponentName="b")
    assert code == "ValidationException"
    # AWS's message, as aws/sagemaker-python-sdk#1515 quotes it.
    assert message == f"TrialComponent '{component_arn('b')}' is linked to 1 or more trials and cannot be deleted."
    assert state_of(graph) == before


def test_deleting_in_order_removes_everything_and_its_tags(sagemaker_client):
    client = sagemaker_client
    tag = [{"Key": "k", "Value": "v"}]
    client.create_experiment(ExperimentName="exp", Tags=tag)
    client.create_trial(TrialName="t1", ExperimentName="exp", Tags=tag)
    client.create_trial_component(TrialComponentName="c1", Tags=tag)
    client.associate_trial_component(TrialComponentName="c1", TrialName="t1")
    client.disassociate_trial_component(TrialComponentName="c1", TrialName="t1")
    assert client.delete_trial_component(TrialComponentName="C1")["TrialComponentArn"] == component_arn("c1")
    assert client.delete_trial(TrialName="T1")["TrialArn"] == trial_arn("t1")
    assert client.delete_experiment(ExperimentName="EXP")["ExperimentArn"] == experiment_arn("exp")
    assert state_of(client) == {"experiments": [], "trials": [], "components": [], "links": {}}
    for arn in (experiment_arn("exp"), trial_arn("t1"), component_arn("c1")):
        code, _ = refused(client.list_tags, ResourceArn=arn)
        assert code == "ValidationException"
    assert refused(client.delete_trial, TrialName="t1") == \
        ("ResourceNotFound", f"Trial '{trial_arn('t1')}' does not exist.")
    assert refused(client.delete_trial_component, TrialComponentName="c1") == \
        ("ResourceNotFound", f"Trial component '{component_arn('c1')}' does not exist.")
    # The names are free again, and nothing of the old resources comes back.
    client.create_experiment(ExperimentName="exp")
    client.create_trial(TrialName="t1", ExperimentName="exp")
    assert client.list_tags(ResourceArn=trial_arn("t1"))["Tags"] == []
    assert component_names(client.list_trial_components(TrialName="t1")) == []


def test_deleting_a_trial_with_disassociated_components_keeps_them(graph):
    for component in ("a", "b"):
        graph.disassociate_trial_component(TrialComponentName=component, TrialName="t1")
    graph.delete_trial(TrialName="t1")
    assert component_names(graph.list_trial_components()) == ["e", "d", "c", "b", "a"]
    assert trial_names(graph.list_trials(TrialComponentName="b")) == ["t2"]
    assert trial_names(graph.list_trials(ExperimentName="exp")) == ["t2"]


def test_deleting_a_component_or_experiment_deletes_its_lineage_associations(sagemaker_client):
    client = sagemaker_client
    client.create_experiment(ExperimentName="exp")
    client.create_trial_component(TrialComponentName="train")
    dataset = client.create_artifact(Source={"SourceUri": "s3://bucket/train.csv"}, ArtifactType="DataSet")["ArtifactArn"]
    client.add_association(SourceArn=dataset, DestinationArn=component_arn("train"), AssociationType="ContributedTo")
    client.add_association(SourceArn=dataset, DestinationArn=experiment_arn("exp"), AssociationType="AssociatedWith")
    listed = client.list_associations(SourceArn=dataset)["AssociationSummaries"]
    assert sorted(summary["DestinationName"] for summary in listed) == ["exp", "train"]
    client.delete_trial_component(TrialComponentName="train")
    listed = client.list_associations(SourceArn=dataset)["AssociationSummaries"]
    assert [summary["DestinationArn"] for summary in listed] == [experiment_arn("exp")]
    client.delete_experiment(ExperimentName="exp")
    assert client.list_associations(SourceArn=dataset)["AssociationSummaries"] == []
    code, _ = refused(client.add_association, SourceArn=dataset, DestinationArn=component_arn("train"))
    assert code == "ResourceNotFound"


# -- accounts and regions ------------------------------------------------------------------------

def test_regions_are_separate(sagemaker_mock):
    east, west = (boto3.client("sagemaker", region_name=region, aws_access_key_id=ACCOUNT,
                               aws_secret_access_key="sagemock") for region in ("us-east-1", "us-west-2"))
    east.create_trial_component(TrialComponentName="c1")
    assert west.list_trial_components()["TrialComponentSummaries"] == []
    west.create_trial_component(TrialComponentName="c1")  # the name is free there
    described = west.describe_trial_component(TrialComponentName="c1")
    assert described["TrialComponentArn"] == f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:experiment-trial-component/c1"
    assert described["LineageGroupArn"] == \
        f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:lineage-group/sagemaker-default-lineage-group"


def test_metrics_and_source_recorded_for_a_component(sagemaker_client, sagemaker_mock):
    arn = sagemaker_client.create_trial_component(TrialComponentName="train-1")["TrialComponentArn"]
    job = "arn:aws:sagemaker:us-east-1:123456789012:training-job/train-1"
    sagemaker_mock.set_trial_component_source(arn, job, "SageMakerTrainingJob")
    sagemaker_mock.put_trial_component_metrics(arn, {"accuracy": [0.5, 0.7]})
    sagemaker_mock.put_trial_component_metrics(arn, {"accuracy": [0.9], "loss": [0.3]})
    described = sagemaker_client.describe_trial_component(TrialComponentName="train-1")
    assert described["Source"] == {"SourceArn": job, "SourceType": "SageMakerTrainingJob"}
    assert described["Sources"] == [described["Source"]]
    accuracy = {m["MetricName"]: m for m in described["Metrics"]}["accuracy"]
    assert (accuracy["Min"], accuracy["Max"], accuracy["Last"], accuracy["Count"]) == (0.5, 0.9, 0.9, 3)
    assert accuracy["Avg"] == pytest.approx(0.7) and accuracy["StdDev"] == pytest.approx(0.1633, abs=1e-4)
    assert accuracy["SourceArn"] == job
    listed = sagemaker_client.list_trial_components(SourceArn=job)["TrialComponentSummaries"]
    assert [(c["TrialComponentName"], c["TrialComponentSource"]["SourceArn"]) for c in listed] == [("train-1", job)]
