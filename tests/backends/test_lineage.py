"""Lineage tracking through boto3: actions, artifacts, contexts, associations, lineage groups, QueryLineage."""
from __future__ import annotations

import datetime as _dt
import re

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from tests.model_support import requires_member

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:"
GROUP_ARN = PREFIX + "lineage-group/sagemaker-default-lineage-group"


#: The UserContext of a caller who is not a Studio user: empty, since IamIdentity "details are
#: associated with model package groups, model packages, and project entities only"
#: (UserContext.IamIdentity in the botocore model).
USER: dict = {}


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def artifact(client, uri="s3://bucket/data.csv", kind="DataSet", **kwargs):
    return client.create_artifact(Source={"SourceUri": uri}, ArtifactType=kind, **kwargs)["ArtifactArn"]


def action(client, name, kind="Training", uri="arn:aws:sagemaker:us-east-1:123456789012:training-job/t", **kwargs):
    return client.create_action(ActionName=name, Source={"SourceUri": uri}, ActionType=kind, **kwargs)["ActionArn"]


def context(client, name, kind="Endpoint", uri="arn:aws:sagemaker:us-east-1:123456789012:endpoint/e", **kwargs):
    return client.create_context(ContextName=name, Source={"SourceUri": uri}, ContextType=kind, **kwargs)["ContextArn"]


def associate(client, source, destination, kind=None):
    kwargs = {"AssociationType": kind} if kind else {}
    return client.add_association(SourceArn=source, DestinationArn=destination, **kwargs)


def pairs(client, **kwargs):
    summaries = client.list_associations(**kwargs)["AssociationSummaries"]
    return [(s["SourceArn"], s["DestinationArn"]) for s in summaries]


def vertices(response):
    return [vertex["Arn"] for vertex in response["Vertices"]]


def edges(response):
    return {(edge["SourceArn"], edge["DestinationArn"], edge.get("AssociationType")) for edge in response["Edges"]}


@pytest.fixture
def graph(sagemaker_client, sagemaker_mock):
    """dataset artifact -> training action -> model artifact -> endpoint context, one second apart.

    On whole seconds: botocore before 1.4x sends timestamps (the query's time filters) without
    their fractions."""
    with freeze_time("2024-05-01T00:00:00Z"):
        yield _graph(sagemaker_client, sagemaker_mock)


def _graph(sagemaker_client, sagemaker_mock):
    c = sagemaker_client
    dataset = artifact(c, "s3://bucket/train.csv", "DataSet", ArtifactName="train-data", Properties={"stage": "raw"})
    sagemaker_mock.advance(1)
    training = action(c, "training", Properties={"stage": "train"})
    sagemaker_mock.advance(1)
    model = artifact(c, "s3://bucket/model.tar.gz", "Model", Properties={"framework": "xgboost"})
    sagemaker_mock.advance(1)
    endpoint = context(c, "endpoint")
    associate(c, dataset, training, "ContributedTo")
    associate(c, training, model, "Produced")
    associate(c, model, endpoint, "ContributedTo")
    return {"dataset": dataset, "training": training, "model": model, "endpoint": endpoint}


# -- default lineage group ------------------------------------------------------------------------

def test_no_lineage_group_before_the_first_entity(sagemaker_client):
    assert sagemaker_client.list_lineage_groups()["LineageGroupSummaries"] == []
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_lineage_group(LineageGroupName="sagemaker-default-lineage-group")
    assert error_of(excinfo) == ("ResourceNotFound", f"Lineage group {GROUP_ARN} does not exist.")


def test_first_entity_creates_the_default_group_once(sagemaker_client):
    first = action(sagemaker_client, "a1")
    artifact(sagemaker_client)
    context(sagemaker_client, "c1")
    groups = sagemaker_client.list_lineage_groups()["LineageGroupSummaries"]
    assert [g["LineageGroupArn"] for g in groups] == [GROUP_ARN]
    assert groups[0]["LineageGroupName"] == "sagemaker-default-lineage-group"
    group = sagemaker_client.describe_lineage_group(LineageGroupName="sagemaker-default-lineage-group")
    assert group["LineageGroupArn"] == GROUP_ARN
    assert group["CreatedBy"] == USER and group["LastModifiedBy"] == USER
    assert group["CreationTime"] == sagemaker_client.describe_action(ActionName=first)["CreationTime"]
    policy = sagemaker_client.get_lineage_group_policy(LineageGroupName=GROUP_ARN)
    assert policy["LineageGroupArn"] == GROUP_ARN and "ResourcePolicy" not in policy


def test_lineage_group_filters_by_creation_time(sagemaker_client):
    action(sagemaker_client, "a1")
    created = sagemaker_client.describe_lineage_group(LineageGroupName="sagemaker-default-lineage-group")["CreationTime"]
    second = _dt.timedelta(seconds=1)
    assert sagemaker_client.list_lineage_groups(CreatedAfter=created - second)["LineageGroupSummaries"]
    assert sagemaker_client.list_lineage_groups(CreatedAfter=created + second)["LineageGroupSummaries"] == []
    assert sagemaker_client.list_lineage_groups(CreatedBefore=created - second)["LineageGroupSummaries"] == []


def test_unknown_lineage_group_policy_is_not_found(sagemaker_client):
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.get_lineage_group_policy(LineageGroupName="nope")
    assert error_of(excinfo) == ("ResourceNotFound", f"Lineage group {PREFIX}lineage-group/nope does not exist.")


# -- actions --------------------------------------------------------------------------------------

def test_action_keeps_every_field(sagemaker_client):
    arn = sagemaker_client.create_action(
        ActionName="deploy", Source={"SourceUri": "s3://b/k", "SourceType": "S3", "SourceId": "v1"},
        ActionType="ModelDeployment", Description="ship it", Status="InProgress", Properties={"k": "v"},
        MetadataProperties={"CommitId": "abc", "Repository": "repo", "GeneratedBy": "ci", "ProjectId": "p"},
        Tags=[{"Key": "team", "Value": "ml"}])["ActionArn"]
    assert arn == PREFIX + "action/deploy"
    described = sagemaker_client.describe_action(ActionName="deploy")
    assert described == {**described, "ActionName": "deploy", "ActionArn": arn,
                         "Source": {"SourceUri": "s3://b/k", "SourceType": "S3", "SourceId": "v1"},
                         "ActionType": "ModelDeployment", "Description": "ship it", "Status": "InProgress",
                         "Properties": {"k": "v"}, "CreatedBy": USER, "LastModifiedBy": USER,
                         "MetadataProperties": {"CommitId": "abc", "Repository": "repo", "GeneratedBy": "ci",
                                                "ProjectId": "p"},
                         "LineageGroupArn": GROUP_ARN}
    assert described["LastModifiedTime"] == described["CreationTime"]
    assert sagemaker_client.describe_action(ActionName=arn)["ActionArn"] == arn
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_duplicate_action_is_refused(sagemaker_client):
    action(sagemaker_client, "a1", kind="First")
    with pytest.raises(ClientError) as excinfo:
        action(sagemaker_client, "a1", kind="Second")
    assert error_of(excinfo) == ("ValidationException", f"Action {PREFIX}action/a1 already exists.")
    assert sagemaker_client.describe_action(ActionName="a1")["ActionType"] == "First"


def test_update_action_merges_and_removes_properties(sagemaker_client, sagemaker_mock):
    action(sagemaker_client, "a1", Properties={"keep": "1", "change": "old", "drop": "x"})
    sagemaker_mock.advance(5)
    sagemaker_client.update_action(ActionName="a1", Description="d", Status="Completed",
                                   Properties={"change": "new", "add": "2"}, PropertiesToRemove=["drop", "absent"])
    described = sagemaker_client.describe_action(ActionName="a1")
    assert described["Properties"] == {"keep": "1", "change": "new", "add": "2"}
    assert described["Status"] == "Completed" and described["Description"] == "d"
    elapsed = described["LastModifiedTime"] - described["CreationTime"]
    assert _dt.timedelta(seconds=5) <= elapsed < _dt.timedelta(seconds=6)


def describe(client, name):
    described = client.describe_action(ActionName=name)
    del described["ResponseMetadata"]
    return described


def test_update_refusals_change_nothing(sagemaker_client):
    action(sagemaker_client, "a1", Properties={"k": "v"})
    before = describe(sagemaker_client, "a1")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.update_action(ActionName="a1", Status="Failed", Properties={"k": "w"}, PropertiesToRemove=["k"])
    assert error_of(excinfo) == ("ValidationException", "Properties and PropertiesToRemove both name k: a key cannot "
                                                        "be set and removed in the same request.")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.update_action(ActionName="a1", Status="Failed",
                                       Properties={f"p{i}": "v" for i in range(30)})
    assert error_of(excinfo) == ("ValidationException",
                                 "An entity can have at most 30 Properties; this update would leave it with 31.")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.update_action(ActionName="missing", Status="Failed")
    assert error_of(excinfo) == ("ResourceNotFound", f"Action {PREFIX}action/missing does not exist.")
    assert describe(sagemaker_client, "a1") == before


def test_delete_action_removes_it_and_its_tags(sagemaker_client):
    arn = action(sagemaker_client, "a1", Tags=[{"Key": "k", "Value": "v"}])
    assert sagemaker_client.delete_action(ActionName="a1")["ActionArn"] == arn
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_action(ActionName="a1")
    assert error_of(excinfo) == ("ResourceNotFound", f"Action {arn} does not exist.")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.list_tags(ResourceArn=arn)
    assert error_of(excinfo)[0] == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.delete_action(ActionName="a1")
    assert error_of(excinfo) == ("ResourceNotFound", f"Action {arn} does not exist.")


@freeze_time("2024-05-01T00:00:00Z")  # whole seconds: botocore before 1.4x sends timestamps without fractions
def test_list_actions_filters_sorts_and_pages(sagemaker_client, sagemaker_mock):
    action(sagemaker_client, "b", kind="Training", uri="s3://x")
    sagemaker_mock.advance(1)
    action(sagemaker_client, "a", kind="Deploy", uri="s3://y")
    sagemaker_mock.advance(1)
    action(sagemaker_client, "c", kind="Training", uri="s3://x")
    times = {n: sagemaker_client.describe_action(ActionName=n)["CreationTime"] for n in "abc"}

    def names(**kwargs):
        return [s["ActionName"] for s in sagemaker_client.list_actions(**kwargs)["ActionSummaries"]]

    assert names() == ["c", "a", "b"]  # CreationTime, Descending
    assert names(SortBy="Name", SortOrder="Ascending") == ["a", "b", "c"]
    assert names(SourceUri="s3://x") == ["c", "b"]
    assert names(ActionType="Deploy") == ["a"]
    assert names(CreatedAfter=times["a"]) == ["c", "a"]  # on or after
    assert names(CreatedBefore=times["a"]) == ["a", "b"]  # on or before
    first = sagemaker_client.list_actions(MaxResults=2, SortOrder="Ascending")
    assert [s["ActionName"] for s in first["ActionSummaries"]] == ["b", "a"]
    second = sagemaker_client.list_actions(MaxResults=2, SortOrder="Ascending", NextToken=first["NextToken"])
    assert [s["ActionName"] for s in second["ActionSummaries"]] == ["c"] and "NextToken" not in second
    summary = sagemaker_client.list_actions(ActionType="Deploy")["ActionSummaries"][0]
    assert set(summary) == {"ActionArn", "ActionName", "Source", "ActionType", "CreationTime", "LastModifiedTime"}


# -- artifacts ------------------------------------------------------------------------------------

def test_artifact_arn_ends_in_a_generated_id(sagemaker_client):
    first = artifact(sagemaker_client)
    second = artifact(sagemaker_client)
    assert re.fullmatch(re.escape(PREFIX) + r"artifact/[0-9a-f]{32}", first)
    assert first != second
    described = sagemaker_client.describe_artifact(ArtifactArn=first)
    assert "ArtifactName" not in described
    assert described["ArtifactType"] == "DataSet" and described["LineageGroupArn"] == GROUP_ARN


def test_artifact_ids_follow_the_seed(sagemaker_client, sagemaker_mock):
    sagemaker_mock.seed(7)
    first = artifact(sagemaker_client)
    sagemaker_mock.reset()
    sagemaker_mock.seed(7)
    assert artifact(sagemaker_client) == first


def test_artifact_keeps_every_field_and_updates(sagemaker_client, sagemaker_mock):
    source = {"SourceUri": "s3://b/model.tar.gz", "SourceTypes": [{"SourceIdType": "S3ETag", "Value": "etag"}]}
    arn = sagemaker_client.create_artifact(ArtifactName="model", Source=source, ArtifactType="Model",
                                           Properties={"a": "1"}, MetadataProperties={"CommitId": "c"})["ArtifactArn"]
    described = sagemaker_client.describe_artifact(ArtifactArn=arn)
    assert described["Source"] == source and described["Properties"] == {"a": "1"}
    assert described["MetadataProperties"] == {"CommitId": "c"} and described["ArtifactName"] == "model"
    sagemaker_mock.advance(2)
    assert sagemaker_client.update_artifact(ArtifactArn=arn, ArtifactName="renamed", Properties={"b": "2"},
                                            PropertiesToRemove=["a"])["ArtifactArn"] == arn
    updated = sagemaker_client.describe_artifact(ArtifactArn=arn)
    assert updated["ArtifactName"] == "renamed" and updated["Properties"] == {"b": "2"}
    assert updated["LastModifiedTime"] > updated["CreationTime"]


def test_artifact_names_are_unique(sagemaker_client):
    first = artifact(sagemaker_client, ArtifactName="data")
    other = artifact(sagemaker_client, ArtifactName="other")
    with pytest.raises(ClientError) as excinfo:
        artifact(sagemaker_client, ArtifactName="data")
    assert error_of(excinfo) == ("ValidationException", f"Artifact with name data already exists: {first}.")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.update_artifact(ArtifactArn=other, ArtifactName="data", Properties={"x": "y"})
    assert error_of(excinfo)[0] == "ValidationException"
    assert len(sagemaker_client.list_artifacts()["ArtifactSummaries"]) == 2
    assert "Properties" not in sagemaker_client.describe_artifact(ArtifactArn=other)


def test_describe_missing_artifact(sagemaker_client):
    arn = PREFIX + "artifact/" + "0" * 32
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_artifact(ArtifactArn=arn)
    assert error_of(excinfo) == ("ResourceNotFound", f"Artifact {arn} does not exist.")


def test_delete_artifact_by_arn_or_source(sagemaker_client):
    by_arn = artifact(sagemaker_client, "s3://b/one")
    by_source = artifact(sagemaker_client, "s3://b/two")
    assert sagemaker_client.delete_artifact(ArtifactArn=by_arn)["ArtifactArn"] == by_arn
    assert sagemaker_client.delete_artifact(Source={"SourceUri": "s3://b/two"})["ArtifactArn"] == by_source
    assert sagemaker_client.list_artifacts()["ArtifactSummaries"] == []


def test_delete_artifact_refusals_change_nothing(sagemaker_client):
    one = artifact(sagemaker_client, "s3://b/same")
    artifact(sagemaker_client, "s3://b/same")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.delete_artifact()
    assert error_of(excinfo) == ("ValidationException", "Either ArtifactArn or Source must be specified.")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.delete_artifact(Source={"SourceUri": "s3://b/same"})
    assert error_of(excinfo) == ("ValidationException",
                                 "2 artifacts have the source s3://b/same: delete one by its ArtifactArn.")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.delete_artifact(Source={"SourceUri": "s3://b/other"})
    assert error_of(excinfo) == ("ResourceNotFound", "No artifact has the source s3://b/other.")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.delete_artifact(ArtifactArn=one, Source={"SourceUri": "s3://b/other"})
    assert error_of(excinfo) == ("ValidationException", f"Artifact {one} does not have the source s3://b/other.")
    assert len(sagemaker_client.list_artifacts()["ArtifactSummaries"]) == 2


def test_delete_artifact_by_source_types(sagemaker_client):
    etag = {"SourceUri": "s3://b/k", "SourceTypes": [{"SourceIdType": "S3ETag", "Value": "1"}]}
    kept = artifact(sagemaker_client, "s3://b/k")
    gone = sagemaker_client.create_artifact(Source=etag, ArtifactType="DataSet")["ArtifactArn"]
    assert sagemaker_client.delete_artifact(Source=etag)["ArtifactArn"] == gone
    assert [s["ArtifactArn"] for s in sagemaker_client.list_artifacts()["ArtifactSummaries"]] == [kept]


@freeze_time("2024-05-01T00:00:00Z")  # whole seconds: botocore before 1.4x sends timestamps without fractions
def test_list_artifacts_filters_and_pages(sagemaker_client, sagemaker_mock):
    made = []
    for index, kind in enumerate(["DataSet", "Model", "DataSet"]):
        made.append(artifact(sagemaker_client, f"s3://b/{index}", kind))
        sagemaker_mock.advance(1)

    def listed(**kwargs):
        return [s["ArtifactArn"] for s in sagemaker_client.list_artifacts(**kwargs)["ArtifactSummaries"]]

    assert listed() == made[::-1]
    assert listed(SortOrder="Ascending") == made
    assert listed(ArtifactType="DataSet") == [made[2], made[0]]
    assert listed(SourceUri="s3://b/1") == [made[1]]
    created = sagemaker_client.describe_artifact(ArtifactArn=made[1])["CreationTime"]
    assert listed(CreatedAfter=created) == [made[2], made[1]]
    assert listed(CreatedBefore=created) == [made[1], made[0]]
    page = sagemaker_client.list_artifacts(MaxResults=1)
    assert [s["ArtifactArn"] for s in page["ArtifactSummaries"]] == [made[2]]
    rest = sagemaker_client.list_artifacts(MaxResults=5, NextToken=page["NextToken"])
    assert [s["ArtifactArn"] for s in rest["ArtifactSummaries"]] == [made[1], made[0]]


# -- contexts -------------------------------------------------------------------------------------

def test_context_lifecycle(sagemaker_client, sagemaker_mock):
    arn = context(sagemaker_client, "prod_endpoint", Description="prod", Properties={"a": "1"},
                  Tags=[{"Key": "k", "Value": "v"}])
    assert arn == PREFIX + "context/prod_endpoint"
    described = sagemaker_client.describe_context(ContextName=arn)
    assert described["ContextType"] == "Endpoint" and described["Description"] == "prod"
    assert described["LineageGroupArn"] == GROUP_ARN and described["CreatedBy"] == USER
    assert "MetadataProperties" not in described
    sagemaker_mock.advance(1)
    sagemaker_client.update_context(ContextName="prod_endpoint", Description="new", PropertiesToRemove=["a"])
    updated = sagemaker_client.describe_context(ContextName="prod_endpoint")
    assert updated["Description"] == "new" and updated["Properties"] == {}
    assert sagemaker_client.delete_context(ContextName="prod_endpoint")["ContextArn"] == arn
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_context(ContextName="prod_endpoint")
    assert error_of(excinfo) == ("ResourceNotFound", f"Context {arn} does not exist.")


def test_duplicate_context_is_refused(sagemaker_client):
    context(sagemaker_client, "c", kind="First")
    with pytest.raises(ClientError) as excinfo:
        context(sagemaker_client, "c", kind="Second")
    assert error_of(excinfo) == ("ValidationException", f"Context {PREFIX}context/c already exists.")
    assert sagemaker_client.describe_context(ContextName="c")["ContextType"] == "First"


def test_list_contexts_filters(sagemaker_client, sagemaker_mock):
    context(sagemaker_client, "b", kind="Endpoint", uri="u1")
    sagemaker_mock.advance(1)
    context(sagemaker_client, "a", kind="ModelGroup", uri="u2")

    def names(**kwargs):
        return [s["ContextName"] for s in sagemaker_client.list_contexts(**kwargs)["ContextSummaries"]]

    assert names() == ["a", "b"]
    assert names(SortBy="Name", SortOrder="Descending") == ["b", "a"]
    assert names(ContextType="Endpoint") == ["b"] and names(SourceUri="u2") == ["a"]


# -- associations ---------------------------------------------------------------------------------

def test_associations_are_listed_with_types_and_names(sagemaker_client, graph):
    summaries = sagemaker_client.list_associations(SourceArn=graph["dataset"])["AssociationSummaries"]
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary == {**summary, "SourceArn": graph["dataset"], "DestinationArn": graph["training"],
                       "SourceType": "DataSet", "DestinationType": "Training", "SourceName": "train-data",
                       "DestinationName": "training", "AssociationType": "ContributedTo", "CreatedBy": USER}
    assert "CreationTime" in summary
    model = sagemaker_client.list_associations(SourceArn=graph["model"])["AssociationSummaries"][0]
    assert "SourceName" not in model  # the model artifact has no name


def test_list_associations_filters_sorts_and_pages(sagemaker_client, sagemaker_mock, graph):
    g = graph
    all_pairs = [(g["model"], g["endpoint"]), (g["training"], g["model"]), (g["dataset"], g["training"])]
    assert pairs(sagemaker_client) == all_pairs  # CreationTime Descending, newest first
    assert pairs(sagemaker_client, SortOrder="Ascending") == all_pairs[::-1]
    assert pairs(sagemaker_client, DestinationArn=g["model"]) == [(g["training"], g["model"])]
    assert pairs(sagemaker_client, SourceType="Model") == [(g["model"], g["endpoint"])]
    assert pairs(sagemaker_client, DestinationType="Training") == [(g["dataset"], g["training"])]
    assert pairs(sagemaker_client, AssociationType="ContributedTo") == [all_pairs[0], all_pairs[2]]
    by_source = pairs(sagemaker_client, SortBy="SourceArn", SortOrder="Ascending")
    assert by_source == sorted(all_pairs)
    by_type = pairs(sagemaker_client, SortBy="DestinationType", SortOrder="Ascending")
    assert by_type == [(g["model"], g["endpoint"]), (g["training"], g["model"]), (g["dataset"], g["training"])]
    assert pairs(sagemaker_client, SortBy="SourceType", SortOrder="Descending")[0] == (g["training"], g["model"])
    assert pairs(sagemaker_client, SortBy="DestinationArn", SortOrder="Ascending") == sorted(
        all_pairs, key=lambda pair: pair[1])
    first = sagemaker_client.list_associations(MaxResults=2)
    assert len(first["AssociationSummaries"]) == 2
    rest = sagemaker_client.list_associations(MaxResults=2, NextToken=first["NextToken"])
    assert [(s["SourceArn"], s["DestinationArn"]) for s in rest["AssociationSummaries"]] == [all_pairs[2]]
    assert "NextToken" not in rest


@freeze_time("2024-05-01T00:00:00Z")  # whole seconds: botocore before 1.4x sends timestamps without fractions
def test_list_associations_time_window_is_inclusive(sagemaker_client, sagemaker_mock):
    a, b, c = artifact(sagemaker_client), artifact(sagemaker_client), artifact(sagemaker_client)
    associate(sagemaker_client, a, b)
    sagemaker_mock.advance(10)
    associate(sagemaker_client, b, c)
    created = sagemaker_client.list_associations(SourceArn=b)["AssociationSummaries"][0]["CreationTime"]
    assert pairs(sagemaker_client, CreatedAfter=created) == [(b, c)]
    assert pairs(sagemaker_client, CreatedBefore=created) == [(b, c), (a, b)]
    assert pairs(sagemaker_client, CreatedBefore=created - _dt.timedelta(seconds=1)) == [(a, b)]


def test_every_association_type_of_the_model_is_accepted(sagemaker_client):
    a, b = artifact(sagemaker_client), artifact(sagemaker_client)
    types = sagemaker_client.meta.service_model.shape_for("AssociationEdgeType").enum
    assert "SameAs" in types or len(types) == 4
    for kind in types:
        associate(sagemaker_client, a, b, kind)
        assert sagemaker_client.list_associations(SourceArn=a)["AssociationSummaries"][0]["AssociationType"] == kind
        sagemaker_client.delete_association(SourceArn=a, DestinationArn=b)


def test_association_without_type(sagemaker_client):
    a, b = artifact(sagemaker_client), artifact(sagemaker_client)
    assert associate(sagemaker_client, a, b)["SourceArn"] == a
    assert "AssociationType" not in sagemaker_client.list_associations()["AssociationSummaries"][0]


def test_association_refusals_change_nothing(sagemaker_client):
    a, b = artifact(sagemaker_client), artifact(sagemaker_client)
    associate(sagemaker_client, a, b, "Produced")
    missing = PREFIX + "artifact/" + "f" * 32
    cases = [
        ((a, missing), ("ResourceNotFound", f"The destination {missing} does not exist.")),
        ((missing, b), ("ResourceNotFound", f"The source {missing} does not exist.")),
        ((a, b), ("ValidationException", f"An association from {a} to {b} already exists.")),
    ]
    for (source, destination), expected in cases:
        with pytest.raises(ClientError) as excinfo:
            associate(sagemaker_client, source, destination, "DerivedFrom")
        assert error_of(excinfo) == expected
    with pytest.raises(ClientError) as excinfo:
        associate(sagemaker_client, a, PREFIX + "model-package/p/1")
    assert error_of(excinfo)[0] == "ValidationException"  # the model's pattern admits no model package
    other_region = a.replace("us-east-1", "eu-west-1")
    with pytest.raises(ClientError) as excinfo:
        associate(sagemaker_client, other_region, b)
    assert error_of(excinfo) == ("ValidationException", "ARN should be scoped to correct region: us-east-1")
    summaries = sagemaker_client.list_associations()["AssociationSummaries"]
    assert [(s["SourceArn"], s["DestinationArn"], s["AssociationType"]) for s in summaries] == [(a, b, "Produced")]


def test_an_entity_may_be_associated_with_itself(sagemaker_client):
    """AWS documents no refusal of an association whose two ends are one entity; a query over it ends."""
    a = artifact(sagemaker_client)
    associate(sagemaker_client, a, a, "DerivedFrom")
    assert [(s["SourceArn"], s["DestinationArn"]) for s in
            sagemaker_client.list_associations(SourceArn=a)["AssociationSummaries"]] == [(a, a)]
    result = sagemaker_client.query_lineage(StartArns=[a], IncludeEdges=True)
    assert (result["Vertices"], result["Edges"]) == ([], [])  # the start is no vertex of its own query


def test_delete_association(sagemaker_client):
    a, b = artifact(sagemaker_client), artifact(sagemaker_client)
    associate(sagemaker_client, a, b)
    response = sagemaker_client.delete_association(SourceArn=a, DestinationArn=b)
    assert (response["SourceArn"], response["DestinationArn"]) == (a, b)
    assert sagemaker_client.list_associations()["AssociationSummaries"] == []
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.delete_association(SourceArn=a, DestinationArn=b)
    assert error_of(excinfo) == ("ResourceNotFound", f"There is no association from {a} to {b}.")


def test_deleting_an_entity_deletes_its_associations(sagemaker_client, graph):
    sagemaker_client.delete_action(ActionName="training")
    assert pairs(sagemaker_client) == [(graph["model"], graph["endpoint"])]
    sagemaker_client.delete_artifact(ArtifactArn=graph["model"])
    sagemaker_client.delete_context(ContextName="endpoint")
    assert pairs(sagemaker_client) == []
    response = sagemaker_client.query_lineage(StartArns=[graph["dataset"]])
    assert response["Vertices"] == [] and response["Edges"] == []


# -- QueryLineage ---------------------------------------------------------------------------------

def test_query_descendants_of_the_dataset(sagemaker_client, graph):
    g = graph
    response = sagemaker_client.query_lineage(StartArns=[g["dataset"]], Direction="Descendants", IncludeEdges=True)
    assert response["Vertices"] == [
        {"Arn": g["training"], "Type": "Training", "LineageType": "Action"},
        {"Arn": g["model"], "Type": "Model", "LineageType": "Artifact"},
        {"Arn": g["endpoint"], "Type": "Endpoint", "LineageType": "Context"},
    ]
    assert edges(response) == {(g["dataset"], g["training"], "ContributedTo"), (g["training"], g["model"], "Produced"),
                               (g["model"], g["endpoint"], "ContributedTo")}


def test_query_ascendants_of_the_endpoint(sagemaker_client, graph):
    g = graph
    response = sagemaker_client.query_lineage(StartArns=[g["endpoint"]], Direction="Ascendants")
    assert vertices(response) == [g["model"], g["training"], g["dataset"]]
    down = sagemaker_client.query_lineage(StartArns=[g["endpoint"]], Direction="Descendants")
    assert down["Vertices"] == []


def test_query_depth_limits(sagemaker_client, graph):
    g = graph
    query = sagemaker_client.query_lineage
    assert vertices(query(StartArns=[g["dataset"]], Direction="Descendants", MaxDepth=1)) == [g["training"]]
    two = query(StartArns=[g["dataset"]], Direction="Descendants", MaxDepth=2, IncludeEdges=True)
    assert vertices(two) == [g["training"], g["model"]]
    assert edges(two) == {(g["dataset"], g["training"], "ContributedTo"), (g["training"], g["model"], "Produced")}
    assert vertices(query(StartArns=[g["model"]], Direction="Both", MaxDepth=1)) == [g["endpoint"], g["training"]]
    assert query(StartArns=[g["model"]], MaxDepth=0)["Vertices"] == []


def test_query_filters(sagemaker_client, sagemaker_mock, graph):
    g = graph
    start = {"StartArns": [g["dataset"]], "Direction": "Descendants"}
    query = sagemaker_client.query_lineage
    only_model = query(**start, Filters={"Types": ["Model"]}, IncludeEdges=False)
    assert vertices(only_model) == [g["model"]] and only_model["Edges"] == []  # the SDK reads Edges
    with_path = query(**start, Filters={"Types": ["Model"]}, IncludeEdges=True)
    assert vertices(with_path) == [g["training"], g["model"]]  # the entities on the path come too
    assert edges(with_path) == {(g["dataset"], g["training"], "ContributedTo"), (g["training"], g["model"], "Produced")}
    assert vertices(query(**start, Filters={"LineageTypes": ["Context", "Action"]}, IncludeEdges=False)) == [
        g["training"], g["endpoint"]]
    assert vertices(query(**start, Filters={"Properties": {"stage": "train", "framework": "xgboost"}},
                          IncludeEdges=False)) == [g["training"], g["model"]]
    model_time = sagemaker_client.describe_artifact(ArtifactArn=g["model"])["CreationTime"]
    assert vertices(query(**start, Filters={"CreatedAfter": model_time}, IncludeEdges=False)) == [g["endpoint"]]
    assert vertices(query(**start, Filters={"CreatedBefore": model_time}, IncludeEdges=False)) == [g["training"]]
    sagemaker_mock.advance(60)
    sagemaker_client.update_action(ActionName="training", Status="Completed")
    modified = sagemaker_client.describe_action(ActionName="training")["LastModifiedTime"]
    later = modified - _dt.timedelta(seconds=1)
    assert vertices(query(**start, Filters={"ModifiedAfter": later}, IncludeEdges=False)) == [g["training"]]
    assert vertices(query(**start, Filters={"ModifiedBefore": later}, IncludeEdges=False)) == [g["model"], g["endpoint"]]


def test_query_cycles_terminate(sagemaker_client):
    a, b, c = (artifact(sagemaker_client, f"s3://b/{n}") for n in "abc")
    associate(sagemaker_client, a, b, "DerivedFrom")
    associate(sagemaker_client, b, c, "DerivedFrom")
    associate(sagemaker_client, c, a, "DerivedFrom")
    response = sagemaker_client.query_lineage(StartArns=[a], Direction="Both", IncludeEdges=True)
    assert sorted(vertices(response)) == sorted([b, c])
    assert edges(response) == {(a, b, "DerivedFrom"), (b, c, "DerivedFrom"), (c, a, "DerivedFrom")}
    assert vertices(sagemaker_client.query_lineage(StartArns=[a], Direction="Descendants")) == [b, c]


def test_query_pages(sagemaker_client):
    hub = context(sagemaker_client, "hub")
    leaves = [artifact(sagemaker_client, f"s3://b/{i}") for i in range(5)]
    for leaf in leaves:
        associate(sagemaker_client, hub, leaf, "AssociatedWith")
    seen, all_edges, token = [], set(), None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = sagemaker_client.query_lineage(StartArns=[hub], Direction="Descendants", MaxResults=2,
                                              IncludeEdges=True, **kwargs)
        assert len(page["Vertices"]) <= 2
        seen += vertices(page)
        all_edges |= edges(page)
        token = page.get("NextToken")
        if not token:
            break
    assert seen == leaves
    assert all_edges == {(hub, leaf, "AssociatedWith") for leaf in leaves}


def test_query_refusals(sagemaker_client):
    missing = PREFIX + "context/nope"
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.query_lineage(StartArns=[missing])
    assert error_of(excinfo) == ("ResourceNotFound", f"The start entity {missing} does not exist.")
    # StartArns is optional in every model: a query from nowhere reaches nothing.
    assert sagemaker_client.query_lineage(StartArns=[])["Vertices"] == []
    assert sagemaker_client.query_lineage()["Edges"] == []
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.query_lineage(StartArns=[missing], MaxDepth=11)
    assert error_of(excinfo)[0] == "ValidationException"


def test_experiment_entities_as_association_ends(sagemaker_client):
    experiment = sagemaker_client.create_experiment(ExperimentName="exp")["ExperimentArn"]
    component = sagemaker_client.create_trial_component(TrialComponentName="tc")["TrialComponentArn"]
    data = artifact(sagemaker_client)
    associate(sagemaker_client, data, component, "ContributedTo")
    associate(sagemaker_client, experiment, context(sagemaker_client, "c"), "AssociatedWith")
    with pytest.raises(ClientError) as excinfo:
        associate(sagemaker_client, component, experiment)
    assert error_of(excinfo) == ("ValidationException", "An association cannot join two experiment entities "
                                 f"(experiments, trials, trial components): {component} and {experiment}.")
    summary = sagemaker_client.list_associations(DestinationArn=component)["AssociationSummaries"][0]
    assert summary["DestinationName"] == "tc"
    response = sagemaker_client.query_lineage(StartArns=[data], Direction="Descendants", MaxDepth=1)
    assert response["Vertices"] == [{"Arn": component, "LineageType": "TrialComponent"}]
    assert sagemaker_client.describe_trial_component(TrialComponentName="tc")["LineageGroupArn"] == GROUP_ARN
    sagemaker_client.delete_trial_component(TrialComponentName="tc")
    assert pairs(sagemaker_client) == [(experiment, PREFIX + "context/c")]  # no edge outlives its end


def test_association_pages_survive_a_delete(sagemaker_client):
    made = [sagemaker_client.create_artifact(ArtifactType="DataSet", Source={"SourceUri": f"s3://b/{i}"})["ArtifactArn"]
            for i in range(6)]
    for i in range(5):
        sagemaker_client.add_association(SourceArn=made[i], DestinationArn=made[i + 1])
    first = sagemaker_client.list_associations(MaxResults=2)
    sagemaker_client.delete_association(SourceArn=made[4], DestinationArn=made[5])
    rest = sagemaker_client.list_associations(MaxResults=10, NextToken=first["NextToken"])
    seen = [a["SourceArn"] for a in first["AssociationSummaries"] + rest["AssociationSummaries"]]
    assert len(seen) == len(set(seen))  # nothing listed twice ...
    assert set(made[:4]) <= set(seen)  # ... and every association still there listed


def test_query_tokens_belong_to_their_query(sagemaker_client):
    made = [sagemaker_client.create_artifact(ArtifactType="DataSet", Source={"SourceUri": f"s3://b/{i}"})["ArtifactArn"]
            for i in range(4)]
    for i in range(3):
        sagemaker_client.add_association(SourceArn=made[i], DestinationArn=made[i + 1])
    page = sagemaker_client.query_lineage(StartArns=[made[0]], Direction="Descendants", MaxResults=1)
    with pytest.raises(ClientError) as err:
        sagemaker_client.query_lineage(StartArns=[made[3]], Direction="Ascendants", NextToken=page["NextToken"])
    assert err.value.response["Error"]["Code"] == "ValidationException"
    rest = sagemaker_client.query_lineage(StartArns=[made[0]], Direction="Descendants", MaxResults=5,
                                          NextToken=page["NextToken"])
    assert [v["Arn"] for v in page["Vertices"] + rest["Vertices"]] == made[1:]


@requires_member("QueryLineage", "IncludeSource")
def test_query_lineage_includes_sources_when_asked(sagemaker_client):
    """Vertex.Source: "QueryLineage returns this only when you set IncludeSource to True"; "The default is False"."""
    data = artifact(sagemaker_client, uri="s3://bucket/train.csv")
    train = action(sagemaker_client, "train", uri="s3://bucket/code")
    associate(sagemaker_client, data, train, "ContributedTo")
    plain = sagemaker_client.query_lineage(StartArns=[data])["Vertices"]
    assert [vertex["Arn"] for vertex in plain] == [train] and "Source" not in plain[0]
    [vertex] = sagemaker_client.query_lineage(StartArns=[data], IncludeSource=True)["Vertices"]
    assert vertex["Source"] == {"SourceUri": "s3://bucket/code"}
