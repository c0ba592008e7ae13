"""HyperPod clusters through boto3: instance groups as nodes, scaling, node batches, events."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from botocore.exceptions import ClientError

from tests.model_support import (
    declared,
    requires_member,
    requires_operation,
    requires_optional,
    requires_optional_in,
    requires_shape_member,
)

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/hyperpod"
EKS = {"Eks": {"ClusterArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/training"}}
GROUP = "ClusterInstanceGroupSpecification"
LIFECYCLE = {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}


def group(name="workers", count=2, instance_type="ml.g5.xlarge", **extra):
    return {"InstanceGroupName": name, "InstanceType": instance_type, "InstanceCount": count, "ExecutionRole": ROLE,
            "LifeCycleConfig": LIFECYCLE, **extra}


def create(client, name="trainers", groups=None, **extra):
    return client.create_cluster(ClusterName=name, InstanceGroups=groups or [group()], **extra)["ClusterArn"]


def continuous(client, name="eks", groups=None):
    return create(client, name, groups, NodeProvisioningMode="Continuous", Orchestrator=EKS)


def nodes(client, name="trainers", **params):
    return client.list_cluster_nodes(ClusterName=name, **params)["ClusterNodeSummaries"]


def refusal(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


# -- create, describe, list, delete ---------------------------------------------------------------

def test_a_cluster_arn_ends_in_a_generated_id_and_either_names_it(sagemaker_client):
    arn = create(sagemaker_client)
    assert re.fullmatch(rf"arn:aws:sagemaker:{REGION}:{ACCOUNT}:cluster/[a-z0-9]{{12}}", arn)
    by_name = sagemaker_client.describe_cluster(ClusterName="trainers")
    by_arn = sagemaker_client.describe_cluster(ClusterName=arn)
    assert by_name["ClusterArn"] == by_arn["ClusterArn"] == arn
    assert by_name["ClusterStatus"] == "InService"


def test_instance_groups_materialise_as_nodes(sagemaker_client):
    create(sagemaker_client, groups=[group("workers", 3, ThreadsPerCore=1), group("controller", 1, "ml.m5.xlarge")])
    described = {g["InstanceGroupName"]: g for g in sagemaker_client.describe_cluster(ClusterName="trainers")
                 ["InstanceGroups"]}
    assert described["workers"]["CurrentCount"] == described["workers"]["TargetCount"] == 3
    assert described["controller"]["CurrentCount"] == 1
    if declared("ClusterInstanceGroupDetails", "Status"):
        assert described["workers"]["Status"] == "InService"
    listed = nodes(sagemaker_client)
    assert len(listed) == 4
    assert len({node["InstanceId"] for node in listed}) == 4
    assert all(re.fullmatch(r"i-[0-9a-f]{17}", node["InstanceId"]) for node in listed)
    assert all(node["InstanceStatus"]["Status"] == "Running" for node in listed)
    worker = next(node for node in listed if node["InstanceGroupName"] == "workers")
    details = sagemaker_client.describe_cluster_node(ClusterName="trainers", NodeId=worker["InstanceId"])["NodeDetails"]
    assert details["InstanceType"] == "ml.g5.xlarge"
    assert details["LifeCycleConfig"] == LIFECYCLE
    assert details["ThreadsPerCore"] == 1
    assert details["LaunchTime"] == worker["LaunchTime"]
    if declared("DescribeClusterNodeRequest", "NodeLogicalId"):
        by_logical = sagemaker_client.describe_cluster_node(ClusterName="trainers",
                                                            NodeLogicalId=details["NodeLogicalId"])["NodeDetails"]
        assert by_logical["InstanceId"] == worker["InstanceId"]


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_nodes_are_pending_until_the_cluster_is_in_service(sagemaker_client):
    create(sagemaker_client)
    first = sagemaker_client.describe_cluster(ClusterName="trainers")
    assert first["ClusterStatus"] == "Creating"
    assert first["InstanceGroups"][0]["CurrentCount"] == 0
    assert first["InstanceGroups"][0]["TargetCount"] == 2
    listed = nodes(sagemaker_client)
    assert {node["InstanceStatus"]["Status"] for node in listed} == {"Running"}  # the List was the second read
    assert sagemaker_client.describe_cluster(ClusterName="trainers")["InstanceGroups"][0]["CurrentCount"] == 2


def test_a_failed_creation_leaves_failed_nodes(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("cluster", "Lifecycle script on_create.sh failed", name="trainers")
    create(sagemaker_client)
    described = sagemaker_client.describe_cluster(ClusterName="trainers")
    assert described["ClusterStatus"] == "Failed"
    assert described["FailureMessage"] == "Lifecycle script on_create.sh failed"
    assert described["InstanceGroups"][0]["CurrentCount"] == 0
    assert {node["InstanceStatus"]["Status"] for node in nodes(sagemaker_client)} == {"Failure"}


def test_a_duplicate_name_is_resource_in_use_and_a_missing_cluster_resource_not_found(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as excinfo:
        create(sagemaker_client)
    code, message = refusal(excinfo)
    assert code == "ResourceInUse" and "trainers" in message
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_cluster(ClusterName="missing")
    assert refusal(excinfo)[0] == "ResourceNotFound"
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.list_cluster_nodes(ClusterName=f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:cluster/abcdefghijkl")
    assert refusal(excinfo)[0] == "ResourceNotFound"


@pytest.mark.parametrize("groups, words", [
    ([group(), group()], "unique"),
    pytest.param([{**group(), "InstanceRequirements": {"InstanceTypes": ["ml.g5.xlarge"]}}], "either InstanceType",
                 marks=requires_shape_member(GROUP, "InstanceRequirements")),
    pytest.param([group(MinInstanceCount=5)], "MinInstanceCount", marks=requires_shape_member(GROUP, "MinInstanceCount")),
    pytest.param([group(InstanceStorageConfigs=[{"EbsVolumeConfig": {"RootVolume": True, "VolumeSizeInGB": 100}}])],
                 "VolumeSizeInGB", marks=requires_shape_member("ClusterEbsVolumeConfig", "RootVolume")),
    pytest.param([group(InstanceStorageConfigs=[{"EbsVolumeConfig": {"VolumeKmsKeyId": "key"}}])], "VolumeSizeInGB",
                 marks=requires_optional_in("ClusterEbsVolumeConfig", "VolumeSizeInGB")),
    pytest.param([group(AutoPatchConfig={"PatchingStrategy": "WhenIdle", "DrainPolicy": {"DrainTimeoutInSeconds": 60}})],
                 "DrainFirst", marks=requires_shape_member(GROUP, "AutoPatchConfig")),
])
def test_instance_group_rules_refuse_and_change_nothing(sagemaker_client, groups, words):
    with pytest.raises(ClientError) as excinfo:
        create(sagemaker_client, groups=groups)
    code, message = refusal(excinfo)
    assert code == "ValidationException" and words in message
    assert sagemaker_client.list_clusters()["ClusterSummaries"] == []


@requires_member("CreateCluster", "Orchestrator")
def test_orchestrator_takes_exactly_one_and_continuous_needs_eks(sagemaker_client):
    with pytest.raises(ClientError) as excinfo:
        create(sagemaker_client, Orchestrator={**EKS, "Slurm": {"SlurmConfigStrategy": "Managed"}})
    assert "exactly one" in refusal(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        create(sagemaker_client, NodeProvisioningMode="Continuous")
    assert "EKS" in refusal(excinfo)[1]
    continuous(sagemaker_client)
    assert sagemaker_client.describe_cluster(ClusterName="eks")["NodeProvisioningMode"] == "Continuous"


@requires_shape_member("ClusterInstanceGroupSpecification", "TrainingPlanArn")
def test_list_clusters_sorts_filters_and_summarises_training_plans(sagemaker_client):
    offering = sagemaker_client.search_training_plan_offerings(  # a group runs on a plan bought for clusters
        InstanceType="ml.p5.48xlarge", InstanceCount=1, TargetResources=["hyperpod-cluster"])["TrainingPlanOfferings"][0]
    plan = sagemaker_client.create_training_plan(TrainingPlanName="reserved-p5", TrainingPlanOfferingId=offering[
        "TrainingPlanOfferingId"])["TrainingPlanArn"]
    create(sagemaker_client, "beta")
    create(sagemaker_client, "alpha", groups=[group(TrainingPlanArn=plan)])
    listed = sagemaker_client.list_clusters()["ClusterSummaries"]
    assert [summary["ClusterName"] for summary in listed] == ["beta", "alpha"]  # CREATION_TIME, Ascending
    by_name = sagemaker_client.list_clusters(SortBy="NAME")["ClusterSummaries"]
    assert [summary["ClusterName"] for summary in by_name] == ["alpha", "beta"]
    planned = sagemaker_client.list_clusters(TrainingPlanArn=plan)["ClusterSummaries"]
    assert [(summary["ClusterName"], summary["TrainingPlanArns"]) for summary in planned] == [("alpha", [plan])]
    assert [s["ClusterName"] for s in sagemaker_client.list_clusters(NameContains="ALP")["ClusterSummaries"]] == \
        ["alpha"]


def test_delete_takes_the_cluster_and_its_nodes_and_refuses_a_second_delete(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client)
    sagemaker_mock.set_status(arn, "Deleting")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.delete_cluster(ClusterName="trainers")
    assert refusal(excinfo)[0] == "ConflictException"
    sagemaker_mock.set_status(arn, "InService")
    assert sagemaker_client.delete_cluster(ClusterName=arn)["ClusterArn"] == arn
    with pytest.raises(ClientError):
        sagemaker_client.describe_cluster(ClusterName="trainers")
    create(sagemaker_client)  # the name is free again, under a new id
    assert sagemaker_client.describe_cluster(ClusterName="trainers")["ClusterArn"] != arn


def test_clusters_are_found_by_name_as_they_come_and_go_and_after_a_restore(sagemaker_client, sagemaker_mock):
    """A cluster is keyed by its generated id; a name is looked up in the table's index of names
    (`Table.named`), which follows creates, deletes and a restore."""
    arns = {name: create(sagemaker_client, name=name) for name in ("alpha", "beta", "gamma")}
    assert sagemaker_client.describe_cluster(ClusterName="beta")["ClusterArn"] == arns["beta"]
    sagemaker_client.delete_cluster(ClusterName="beta")
    with pytest.raises(ClientError):
        sagemaker_client.describe_cluster(ClusterName="beta")
    saved = sagemaker_mock.snapshot()
    again = create(sagemaker_client, name="beta")
    assert sagemaker_client.describe_cluster(ClusterName="beta")["ClusterArn"] == again != arns["beta"]
    sagemaker_mock.restore(saved)
    with pytest.raises(ClientError):
        sagemaker_client.describe_cluster(ClusterName="beta")
    assert sagemaker_client.describe_cluster(ClusterName="gamma")["ClusterArn"] == arns["gamma"]
    with pytest.raises(ClientError) as taken:
        create(sagemaker_client, name="alpha")
    assert taken.value.response["Error"]["Code"] == "ResourceInUse"


def test_tags_given_on_create_are_listed_by_the_generated_arn(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


# -- list nodes ------------------------------------------------------------------------------------

@requires_member("ListClusterNodes", "IncludeNodeLogicalIds")
def test_list_cluster_nodes_filters_sorts_and_pages(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, groups=[group("workers", 3), group("login", 1, "ml.m5.large")])
    sagemaker_mock.advance(60)
    sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group("workers", 4)])
    listed = nodes(sagemaker_client)
    assert len(listed) == 5
    assert [node["LaunchTime"] for node in listed] == sorted(node["LaunchTime"] for node in listed)
    newest = nodes(sagemaker_client, SortOrder="Descending")[0]
    assert newest["LaunchTime"] == max(node["LaunchTime"] for node in listed)
    by_id = nodes(sagemaker_client, SortBy="NAME")
    assert [node["InstanceId"] for node in by_id] == sorted(node["InstanceId"] for node in listed)
    assert {node["InstanceGroupName"] for node in nodes(sagemaker_client, InstanceGroupNameContains="LOG")} == \
        {"login"}
    after = newest["LaunchTime"] - dt.timedelta(seconds=1)
    assert [node["InstanceId"] for node in nodes(sagemaker_client, CreationTimeAfter=after)] == [newest["InstanceId"]]
    assert all("NodeLogicalId" not in node for node in listed)
    assert all(node["NodeLogicalId"] for node in nodes(sagemaker_client, IncludeNodeLogicalIds=True))
    walked = sagemaker_client.get_paginator("list_cluster_nodes").paginate(
        ClusterName="trainers", PaginationConfig={"PageSize": 2}).build_full_result()["ClusterNodeSummaries"]
    assert walked == listed


@requires_optional("DescribeClusterNode", "NodeId")
def test_describe_cluster_node_needs_exactly_one_identifier(sagemaker_client):
    create(sagemaker_client)
    node = nodes(sagemaker_client)[0]
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_cluster_node(ClusterName="trainers")
    assert refusal(excinfo)[0] == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_cluster_node(ClusterName="trainers", NodeId=node["InstanceId"],
                                               NodeLogicalId="workers-1")
    assert "not both" in refusal(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_cluster_node(ClusterName="trainers", NodeId="i-0123456789abcdef0")
    assert refusal(excinfo)[0] == "ResourceNotFound"


# -- update ----------------------------------------------------------------------------------------

@requires_member("UpdateCluster", "InstanceGroupsToDelete")
def test_update_scales_groups_adds_and_deletes_them(sagemaker_client):
    create(sagemaker_client, groups=[group("workers", 2), group("spare", 1)])
    spare = {node["InstanceId"] for node in nodes(sagemaker_client) if node["InstanceGroupName"] == "spare"}
    sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group("workers", 4), group("extra", 1)],
                                    InstanceGroupsToDelete=["spare"])
    described = sagemaker_client.describe_cluster(ClusterName="trainers")
    assert described["ClusterStatus"] == "InService"
    counts = {g["InstanceGroupName"]: (g["CurrentCount"], g["TargetCount"]) for g in described["InstanceGroups"]}
    assert counts == {"workers": (4, 4), "extra": (1, 1)}
    listed = nodes(sagemaker_client)
    assert len(listed) == 5 and not spare & {node["InstanceId"] for node in listed}
    sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group("workers", 1)])
    assert len([node for node in nodes(sagemaker_client) if node["InstanceGroupName"] == "workers"]) == 1


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_update_goes_through_updating_and_is_refused_meanwhile(sagemaker_client):
    create(sagemaker_client)
    sagemaker_client.describe_cluster(ClusterName="trainers")
    sagemaker_client.describe_cluster(ClusterName="trainers")  # InService
    sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group("workers", 3)])
    with pytest.raises(ClientError) as excinfo:  # no read yet: still Updating
        sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group("workers", 4)])
    code, message = refusal(excinfo)
    assert code == "ConflictException" and "Updating" in message
    described = sagemaker_client.describe_cluster(ClusterName="trainers")
    assert described["ClusterStatus"] == "Updating"
    assert (described["InstanceGroups"][0]["CurrentCount"], described["InstanceGroups"][0]["TargetCount"]) == (2, 3)
    assert sagemaker_client.describe_cluster(ClusterName="trainers")["InstanceGroups"][0]["CurrentCount"] == 3


@requires_member("UpdateCluster", "InstanceGroupsToDelete")
def test_update_refuses_unknown_groups_to_delete_and_changes_nothing(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group("workers", 5)],
                                        InstanceGroupsToDelete=["nothing"])
    assert "nothing" in refusal(excinfo)[1]
    assert sagemaker_mock.snapshot() == before


@requires_member("UpdateClusterSoftware", "ImageId")
def test_update_cluster_software_stamps_nodes_and_images(sagemaker_client):
    create(sagemaker_client, groups=[group("workers", 1), group("login", 1)])
    sagemaker_client.update_cluster_software(ClusterName="trainers", ImageId="ami-0123456789abcdef0",
                                             InstanceGroups=[{"InstanceGroupName": "workers"}])
    described = {g["InstanceGroupName"]: g for g in sagemaker_client.describe_cluster(ClusterName="trainers")
                 ["InstanceGroups"]}
    assert described["workers"]["CurrentImageId"] == "ami-0123456789abcdef0"
    assert "CurrentImageId" not in described["login"]
    stamped = {node["InstanceGroupName"]: node.get("LastSoftwareUpdateTime") for node in nodes(sagemaker_client)}
    assert stamped["workers"] is not None and stamped["login"] is None
    sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group("workers", 2)])
    workers = sagemaker_client.describe_cluster(ClusterName="trainers")["InstanceGroups"][0]
    assert workers["CurrentImageId"] == "ami-0123456789abcdef0"  # a new count keeps the patched image


# -- node batches ----------------------------------------------------------------------------------

@requires_operation("BatchDeleteClusterNodes")
def test_batch_delete_reports_each_node(sagemaker_client):
    create(sagemaker_client, groups=[group("workers", 3)])
    doomed = nodes(sagemaker_client)[0]["InstanceId"]
    answer = sagemaker_client.batch_delete_cluster_nodes(ClusterName="trainers",
                                                         NodeIds=[doomed, "i-0123456789abcdef0"])
    assert answer["Successful"] == [doomed]
    assert [(failure["NodeId"], failure["Code"]) for failure in answer["Failed"]] == \
        [("i-0123456789abcdef0", "NodeIdNotFound")]
    assert doomed not in {node["InstanceId"] for node in nodes(sagemaker_client)}
    workers = sagemaker_client.describe_cluster(ClusterName="trainers")["InstanceGroups"][0]
    assert (workers["CurrentCount"], workers["TargetCount"]) == (2, 2)


@requires_operation("BatchRebootClusterNodes")
def test_reboot_and_replace_act_on_running_nodes(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, groups=[group("workers", 2)])
    first, second = (node["InstanceId"] for node in nodes(sagemaker_client))
    rebooted = sagemaker_client.batch_reboot_cluster_nodes(ClusterName="trainers", NodeIds=[first, "i-0123456789abcdef0"])
    assert rebooted["Successful"] == [first]
    assert rebooted["Failed"][0]["ErrorCode"] == "InstanceIdNotFound"
    replaced = sagemaker_client.batch_replace_cluster_nodes(ClusterName="trainers", NodeIds=[second])
    assert replaced["Successful"] == [second]
    now = {node["InstanceId"] for node in nodes(sagemaker_client)}
    assert first in now and second not in now and len(now) == 2


@requires_operation("BatchAddClusterNodes")
def test_batch_add_needs_continuous_provisioning(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.batch_add_cluster_nodes(ClusterName="trainers", NodesToAdd=[
            {"InstanceGroupName": "workers", "IncrementTargetCountBy": 1}])
    assert "Continuous" in refusal(excinfo)[1]


@requires_operation("BatchAddClusterNodes")
def test_batch_add_grows_target_counts_and_is_idempotent(sagemaker_client):
    continuous(sagemaker_client)
    request = {"ClusterName": "eks", "ClientToken": "add-two", "NodesToAdd": [
        {"InstanceGroupName": "workers", "IncrementTargetCountBy": 2},
        {"InstanceGroupName": "ghost", "IncrementTargetCountBy": 1}]}
    answer = sagemaker_client.batch_add_cluster_nodes(**request)
    assert [result["InstanceGroupName"] for result in answer["Successful"]] == ["workers", "workers"]
    assert [(failure["InstanceGroupName"], failure["ErrorCode"], failure["FailedCount"]) for failure in
            answer["Failed"]] == [("ghost", "InstanceGroupNotFound", 1)]
    again = sagemaker_client.batch_add_cluster_nodes(**request)
    assert again["Successful"] == answer["Successful"]
    workers = sagemaker_client.describe_cluster(ClusterName="eks")["InstanceGroups"][0]
    assert (workers["CurrentCount"], workers["TargetCount"]) == (4, 4)
    logical = {result["NodeLogicalId"] for result in answer["Successful"]}
    assert logical <= {node["NodeLogicalId"] for node in nodes(sagemaker_client, "eks", IncludeNodeLogicalIds=True)}


# -- events ----------------------------------------------------------------------------------------

@requires_operation("ListClusterEvents")
def test_events_record_what_happened_on_a_continuous_cluster(sagemaker_client, sagemaker_mock):
    continuous(sagemaker_client)
    sagemaker_mock.advance(60)
    sagemaker_client.update_cluster(ClusterName="eks", InstanceGroups=[group("workers", 3)])
    events = sagemaker_client.list_cluster_events(ClusterName="eks")["Events"]
    assert events[0]["ResourceType"] == "InstanceGroup" and "scaled" in events[0]["Description"]  # newest first
    assert events[-1]["ResourceType"] == "Cluster"
    assert sagemaker_client.describe_cluster(ClusterName="eks")["ClusterStatus"] == "InService"
    oldest_first = sagemaker_client.list_cluster_events(ClusterName="eks", SortOrder="Ascending")["Events"]
    assert oldest_first == list(reversed(events))
    groups_only = sagemaker_client.list_cluster_events(ClusterName="eks", ResourceType="InstanceGroup")["Events"]
    assert {event["ResourceType"] for event in groups_only} == {"InstanceGroup"}
    detail = sagemaker_client.describe_cluster_event(ClusterName="eks", EventId=events[0]["EventId"])["EventDetails"]
    assert detail["Description"] == events[0]["Description"]
    later = sagemaker_client.list_cluster_events(ClusterName="eks", EventTimeAfter=events[-1]["EventTime"])["Events"]
    assert later and all(event["EventTime"] > events[-1]["EventTime"] for event in later)


@requires_operation("ListClusterEvents")
def test_events_are_only_served_for_continuous_provisioning(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.list_cluster_events(ClusterName="trainers")
    assert "Continuous" in refusal(excinfo)[1]


def test_a_cluster_survives_a_snapshot(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    listed = nodes(sagemaker_client)
    saved = sagemaker_mock.snapshot()
    sagemaker_client.delete_cluster(ClusterName="trainers")
    sagemaker_mock.restore(saved)
    assert nodes(sagemaker_client) == listed


@requires_member("CreateCluster", "NodeProvisioningMode")
def test_cluster_role_is_not_changed_while_autoscaling_is_enabled(sagemaker_client):
    continuous(sagemaker_client, groups=[group()])
    sagemaker_client.update_cluster(ClusterName="eks", ClusterRole=ROLE, AutoScaling={"Mode": "Enable"})
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.update_cluster(ClusterName="eks", ClusterRole=f"arn:aws:iam::{ACCOUNT}:role/other")
    assert "autoscaling" in refusal(excinfo)[1]
    assert sagemaker_client.describe_cluster(ClusterName="eks")["ClusterRole"] == ROLE


@requires_member("CreateCluster", "RestrictedInstanceGroups")
def test_restricted_instance_groups_materialise_too(sagemaker_client):
    restricted = {"InstanceGroupName": "nova", "InstanceType": "ml.p5.48xlarge", "InstanceCount": 2,
                  "ExecutionRole": ROLE, "EnvironmentConfig": {"FSxLustreConfig": {
                      "SizeInGiB": 1200, "PerUnitStorageThroughput": 125}}}
    sagemaker_client.create_cluster(ClusterName="nova", RestrictedInstanceGroups=[restricted])
    described = sagemaker_client.describe_cluster(ClusterName="nova")["RestrictedInstanceGroups"][0]
    assert (described["CurrentCount"], described["TargetCount"]) == (2, 2)
    assert described["EnvironmentConfig"]["FSxLustreConfig"]["SizeInGiB"] == 1200
    assert {node["InstanceGroupName"] for node in nodes(sagemaker_client, "nova")} == {"nova"}


@requires_optional("CreateCluster", "InstanceGroups")
def test_a_cluster_needs_an_instance_group(sagemaker_client):
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.create_cluster(ClusterName="empty")
    assert "at least one instance group" in refusal(excinfo)[1]


@requires_operation("BatchAddClusterNodes")
def test_batch_add_reports_instance_types_the_group_does_not_use(sagemaker_client):
    continuous(sagemaker_client)
    answer = sagemaker_client.batch_add_cluster_nodes(ClusterName="eks", NodesToAdd=[
        {"InstanceGroupName": "workers", "IncrementTargetCountBy": 1, "InstanceTypes": ["ml.p5.48xlarge"]}])
    assert answer["Successful"] == []
    assert answer["Failed"][0]["ErrorCode"] == "IncompatibleInstanceTypes"
    assert sagemaker_client.describe_cluster(ClusterName="eks")["InstanceGroups"][0]["TargetCount"] == 2


@requires_operation("BatchRebootClusterNodes")
@pytest.mark.sagemock(transitions="reads", transition_reads=5)
def test_pending_nodes_cannot_be_rebooted(sagemaker_client):
    create(sagemaker_client, groups=[group("workers", 1)])
    pending = nodes(sagemaker_client)[0]
    assert pending["InstanceStatus"]["Status"] == "Pending"
    answer = sagemaker_client.batch_reboot_cluster_nodes(ClusterName="trainers", NodeIds=[pending["InstanceId"]])
    assert answer.get("Successful", []) == []
    assert answer["Failed"][0]["ErrorCode"] == "InvalidInstanceStatus"


def test_a_failed_cluster_can_be_deleted(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("cluster", name="trainers")
    create(sagemaker_client)
    sagemaker_client.delete_cluster(ClusterName="trainers")
    assert sagemaker_client.list_clusters()["ClusterSummaries"] == []


def test_an_instance_count_beyond_the_newest_models_maximum_is_refused_under_every_model(sagemaker_client):
    """botocore 1.35's ClusterInstanceCount has no maximum; AWS's 6758 applies to its requests too."""
    with pytest.raises(ClientError) as excinfo:
        create(sagemaker_client, groups=[group(count=6759)])
    code, message = refusal(excinfo)
    assert code == "ValidationException" and "less than or equal to 6758" in message
    assert sagemaker_client.list_clusters()["ClusterSummaries"] == []


# -- cluster operations, volumes, network interfaces, moves, health checks ------------------------

def operations(client, name, **params):
    return client.list_cluster_operations(ClusterName=name, **params)["ClusterOperationSummaries"]


@requires_operation("ListClusterOperations")
def test_scaling_and_health_checks_are_recorded_as_cluster_operations(sagemaker_client):
    create(sagemaker_client)
    sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group(count=3)])
    sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group(count=3, ThreadsPerCore=1)])
    sagemaker_client.start_cluster_health_check(ClusterName="trainers", DeepHealthCheckConfigurations=[
        {"InstanceGroupName": "workers", "DeepHealthChecks": ["InstanceStress"]}])
    found = operations(sagemaker_client, "trainers")
    assert [(op["Type"], op["Status"]) for op in found] == [("DeepHealthCheck", "Done"), ("Scaling", "Done")]
    scaling = sagemaker_client.describe_cluster_operation(ClusterName="trainers", OperationId=found[1]["OperationId"])
    assert scaling["ScalingDetails"] == [{"InstanceGroupName": "workers", "Status": "Done",
                                          "Original": {"CurrentCount": 2, "TargetCount": 2},
                                          "Desired": {"CurrentCount": 3, "TargetCount": 3}}]
    assert [op["Type"] for op in operations(sagemaker_client, "trainers", Type="Scaling")] == ["Scaling"]
    assert operations(sagemaker_client, "trainers", Status="InProgress") == []
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_cluster_operation(ClusterName="trainers",
                                                    OperationId="00000000-0000-0000-0000-000000000000")
    assert refusal(excinfo)[0] == "ResourceNotFound"


@requires_operation("ListClusterOperations")
@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_scaling_is_in_progress_until_the_cluster_is_in_service(sagemaker_client):
    create(sagemaker_client)
    while sagemaker_client.describe_cluster(ClusterName="trainers")["ClusterStatus"] != "InService":
        pass
    sagemaker_client.update_cluster(ClusterName="trainers", InstanceGroups=[group(count=4)])
    assert operations(sagemaker_client, "trainers")[0]["Status"] == "InProgress"
    while sagemaker_client.describe_cluster(ClusterName="trainers")["ClusterStatus"] != "InService":
        pass
    operation = operations(sagemaker_client, "trainers")[0]
    assert operation["Status"] == "Done"
    details = sagemaker_client.describe_cluster_operation(ClusterName="trainers", OperationId=operation["OperationId"])
    assert details["ScalingDetails"][0]["Desired"] == {"CurrentCount": 4, "TargetCount": 4}


@requires_operation("ListClusterOperations")
def test_events_of_an_operation_carry_its_id(sagemaker_client):
    continuous(sagemaker_client)
    sagemaker_client.batch_add_cluster_nodes(ClusterName="eks", NodesToAdd=[
        {"InstanceGroupName": "workers", "IncrementTargetCountBy": 2}])
    operation = operations(sagemaker_client, "eks")[0]
    assert operation["Type"] == "Scaling"
    events = sagemaker_client.list_cluster_events(ClusterName="eks", OperationId=operation["OperationId"])["Events"]
    assert len(events) == 2 and all(event["OperationId"] == operation["OperationId"] for event in events)


@requires_operation("StartClusterHealthCheck")
def test_a_health_check_names_groups_and_instances_of_the_cluster(sagemaker_client):
    create(sagemaker_client)
    for config in ({"InstanceGroupName": "absent", "DeepHealthChecks": ["InstanceStress"]},
                   {"InstanceGroupName": "workers", "InstanceIds": ["i-0123456789abcdef0"],
                    "DeepHealthChecks": ["InstanceStress"]}):
        with pytest.raises(ClientError) as excinfo:
            sagemaker_client.start_cluster_health_check(ClusterName="trainers", DeepHealthCheckConfigurations=[config])
        assert refusal(excinfo)[0] == "ResourceNotFound"
    assert operations(sagemaker_client, "trainers") == []


@requires_operation("AttachClusterNodeVolume")
def test_a_volume_is_attached_to_one_node_and_detached_from_it(sagemaker_client):
    arn = continuous(sagemaker_client)
    first, second = (node["InstanceId"] for node in nodes(sagemaker_client, "eks"))
    attached = sagemaker_client.attach_cluster_node_volume(ClusterArn=arn, NodeId=first, VolumeId="vol-0123456789abcdef0")
    assert (attached["Status"], attached["DeviceName"]) == ("attaching", "/dev/xvdb")
    with pytest.raises(ClientError) as excinfo:  # "The volume must be in the available state"
        sagemaker_client.attach_cluster_node_volume(ClusterArn=arn, NodeId=second, VolumeId="vol-0123456789abcdef0")
    assert refusal(excinfo)[0] == "ValidationException"
    with pytest.raises(ClientError) as excinfo:  # "must be currently attached to the specified node"
        sagemaker_client.detach_cluster_node_volume(ClusterArn=arn, NodeId=second, VolumeId="vol-0123456789abcdef0")
    assert refusal(excinfo)[0] == "ValidationException"
    detached = sagemaker_client.detach_cluster_node_volume(ClusterArn=arn, NodeId=first, VolumeId="vol-0123456789abcdef0")
    assert (detached["Status"], detached["DeviceName"]) == ("detaching", "/dev/xvdb")
    sagemaker_client.attach_cluster_node_volume(ClusterArn=arn, NodeId=second, VolumeId="vol-0123456789abcdef0")


@requires_operation("AttachClusterNodeVolume")
def test_volumes_attach_only_to_nodes_of_an_eks_cluster_in_service(sagemaker_client):
    arn = create(sagemaker_client)  # no orchestrator
    node = nodes(sagemaker_client)[0]["InstanceId"]
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.attach_cluster_node_volume(ClusterArn=arn, NodeId=node, VolumeId="vol-0123456789abcdef0")
    assert "EKS" in refusal(excinfo)[1]
    eks = continuous(sagemaker_client)
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.attach_cluster_node_volume(ClusterArn=eks, NodeId="i-0123456789abcdef0",
                                                    VolumeId="vol-0123456789abcdef0")
    assert refusal(excinfo)[0] == "ResourceNotFound"


@requires_operation("AttachClusterNodeNetworkInterface")
def test_a_network_interface_is_attached_to_one_node(sagemaker_client):
    continuous(sagemaker_client)
    first, second = (node["InstanceId"] for node in nodes(sagemaker_client, "eks"))
    attached = sagemaker_client.attach_cluster_node_network_interface(ClusterName="eks", NodeId=first,
                                                                      NetworkInterfaceId="eni-0123456789abcdef0")
    assert re.fullmatch(r"eni-attach-[0-9a-f]{17}", attached["AttachmentId"])
    with pytest.raises(ClientError):
        sagemaker_client.attach_cluster_node_network_interface(ClusterName="eks", NodeId=second,
                                                               NetworkInterfaceId="eni-0123456789abcdef0")


@requires_operation("MoveClusterNodes")
def test_nodes_move_between_groups_keeping_their_ids(sagemaker_client):
    arn = continuous(sagemaker_client, groups=[group(count=2), group("spare", count=1)])
    moving = nodes(sagemaker_client, "eks", InstanceGroupNameContains="workers")[0]
    answer = sagemaker_client.move_cluster_nodes(SourceClusterArn=arn, SourceInstanceGroupName="workers",
                                                 TargetClusterArn=arn, TargetInstanceGroupName="spare",
                                                 NodeIds=[moving["InstanceId"], "i-0123456789abcdef0"])
    assert answer["Successful"] == [moving["InstanceId"]]
    assert [(failed["Code"], failed["NodeId"]) for failed in answer["Failed"]] == [("NodeIdNotFound",
                                                                                     "i-0123456789abcdef0")]
    node = sagemaker_client.describe_cluster_node(ClusterName="eks", NodeId=moving["InstanceId"])["NodeDetails"]
    assert node["InstanceGroupName"] == "spare"
    counts = {g["InstanceGroupName"]: g["TargetCount"]
              for g in sagemaker_client.describe_cluster(ClusterName="eks")["InstanceGroups"]}
    assert counts == {"workers": 1, "spare": 2}


@requires_operation("MoveClusterNodes")
def test_a_move_is_refused_whole_where_aws_says_so(sagemaker_client):
    arn = continuous(sagemaker_client, groups=[group(count=2, MinInstanceCount=2), group("spare", count=1)])
    base = {"SourceClusterArn": arn, "SourceInstanceGroupName": "workers", "TargetClusterArn": arn,
            "TargetInstanceGroupName": "spare"}
    for params in ({**base, "InstanceCount": 1, "NodeIds": [nodes(sagemaker_client, "eks")[0]["InstanceId"]]},
                   {**base, "TargetInstanceGroupName": "workers", "InstanceCount": 1},
                   {**base, "InstanceCount": 1},  # below MinCount 2
                   {**base, "SourceInstanceGroupName": "spare", "TargetInstanceGroupName": "workers",
                    "InstanceCount": 2}):  # fewer eligible than asked
        with pytest.raises(ClientError) as excinfo:
            sagemaker_client.move_cluster_nodes(**params)
        assert refusal(excinfo)[0] == "ValidationException", params
    plain = create(sagemaker_client, groups=[group(), group("spare")])
    with pytest.raises(ClientError) as excinfo:  # "Both clusters must be InService, use Amazon EKS ... Continuous"
        sagemaker_client.move_cluster_nodes(**{**base, "SourceClusterArn": plain, "TargetClusterArn": plain,
                                               "InstanceCount": 1})
    assert "Continuous" in refusal(excinfo)[1]
