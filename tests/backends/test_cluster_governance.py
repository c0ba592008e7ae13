"""HyperPod task governance through boto3: cluster policies and compute quotas, versioned."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_operation

pytestmark = [requires_operation("CreateComputeQuota"), requires_operation("CreateClusterSchedulerConfig")]

ROLE = "arn:aws:iam::123456789012:role/hyperpod"
GROUP = {"InstanceGroupName": "workers", "InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "ExecutionRole": ROLE,
         "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}}
QUOTA = {"ComputeQuotaResources": [{"InstanceType": "ml.g5.xlarge", "Count": 1}],
         "ResourceSharingConfig": {"Strategy": "LendAndBorrow", "BorrowLimit": 50}}
POLICY = {"PriorityClasses": [{"Name": "inference", "Weight": 90}, {"Name": "training", "Weight": 10}],
          "FairShare": "Enabled"}


def cluster(client, name="governed"):
    return client.create_cluster(ClusterName=name, InstanceGroups=[GROUP])["ClusterArn"]


def quota(client, cluster_arn, name="team-a", team="team-a", **extra):
    return client.create_compute_quota(Name=name, ClusterArn=cluster_arn, ComputeQuotaConfig=QUOTA,
                                       ComputeQuotaTarget={"TeamName": team}, **extra)


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


# -- compute quotas ----------------------------------------------------------------------------

def test_a_quota_gets_a_generated_id_version_one_and_is_enabled_by_default(sagemaker_client):
    arn = cluster(sagemaker_client)
    made = quota(sagemaker_client, arn)
    assert re.fullmatch(r"[a-z0-9]{12}", made["ComputeQuotaId"])
    assert made["ComputeQuotaArn"].endswith(f":compute-quota/{made['ComputeQuotaId']}")
    described = sagemaker_client.describe_compute_quota(ComputeQuotaId=made["ComputeQuotaId"])
    assert described["Name"] == "team-a"
    assert described["ClusterArn"] == arn
    assert described["ComputeQuotaVersion"] == 1
    assert described["Status"] == "Created"
    assert described["ActivationState"] == "Enabled"  # "Default is Enabled"
    assert described["ComputeQuotaConfig"] == QUOTA


def test_a_quota_names_a_cluster_that_exists(sagemaker_client):
    missing = "arn:aws:sagemaker:us-east-1:123456789012:cluster/abcdefabcdef"
    with pytest.raises(ClientError) as excinfo:
        quota(sagemaker_client, missing)
    assert "not found" in error(excinfo)[1]
    assert sagemaker_client.list_compute_quotas()["ComputeQuotaSummaries"] == []


def test_a_quota_name_is_unique_within_its_cluster_only(sagemaker_client):
    first, second = cluster(sagemaker_client, "one"), cluster(sagemaker_client, "two")
    quota(sagemaker_client, first)
    with pytest.raises(ClientError) as excinfo:
        quota(sagemaker_client, first, team="team-b")
    assert error(excinfo)[0] == "ConflictException"
    quota(sagemaker_client, second)  # another cluster may use the name
    assert len(sagemaker_client.list_compute_quotas()["ComputeQuotaSummaries"]) == 2


def test_update_names_the_current_version_and_makes_the_next(sagemaker_client):
    quota_id = quota(sagemaker_client, cluster(sagemaker_client))["ComputeQuotaId"]
    answer = sagemaker_client.update_compute_quota(ComputeQuotaId=quota_id, TargetVersion=1,
                                                   ActivationState="Disabled",
                                                   ComputeQuotaTarget={"TeamName": "team-a", "FairShareWeight": 5})
    assert answer["ComputeQuotaVersion"] == 2
    with pytest.raises(ClientError) as excinfo:  # version 1 is no longer the one to change
        sagemaker_client.update_compute_quota(ComputeQuotaId=quota_id, TargetVersion=1, ActivationState="Enabled")
    assert error(excinfo)[0] == "ConflictException"
    current = sagemaker_client.describe_compute_quota(ComputeQuotaId=quota_id)
    assert (current["ComputeQuotaVersion"], current["ActivationState"], current["Status"]) == (2, "Disabled", "Updated")
    assert current["ComputeQuotaTarget"] == {"TeamName": "team-a", "FairShareWeight": 5}


def test_describe_answers_an_earlier_version_when_asked(sagemaker_client):
    quota_id = quota(sagemaker_client, cluster(sagemaker_client), Description="first")["ComputeQuotaId"]
    sagemaker_client.update_compute_quota(ComputeQuotaId=quota_id, TargetVersion=1, Description="second")
    first = sagemaker_client.describe_compute_quota(ComputeQuotaId=quota_id, ComputeQuotaVersion=1)
    assert (first["ComputeQuotaVersion"], first["Description"]) == (1, "first")
    second = sagemaker_client.describe_compute_quota(ComputeQuotaId=quota_id, ComputeQuotaVersion=2)
    assert (second["ComputeQuotaVersion"], second["Description"]) == (2, "second")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_compute_quota(ComputeQuotaId=quota_id, ComputeQuotaVersion=3)
    assert error(excinfo)[0] == "ResourceNotFound"


def test_list_filters_by_cluster_name_and_status_and_sorts_by_name(sagemaker_client):
    first, second = cluster(sagemaker_client, "one"), cluster(sagemaker_client, "two")
    for name, arn in (("beta", first), ("alpha", first), ("gamma", second)):
        quota(sagemaker_client, arn, name=name, team=name)

    def names(**params):
        return [summary["Name"] for summary in sagemaker_client.list_compute_quotas(**params)["ComputeQuotaSummaries"]]

    assert names(ClusterArn=first, SortBy="Name", SortOrder="Ascending") == ["alpha", "beta"]
    assert names(NameContains="amm") == ["gamma"]
    assert names(Status="Created", SortBy="Name", SortOrder="Descending") == ["gamma", "beta", "alpha"]
    assert names(Status="Updated") == []


def test_delete_takes_the_quota_away(sagemaker_client):
    quota_id = quota(sagemaker_client, cluster(sagemaker_client))["ComputeQuotaId"]
    sagemaker_client.delete_compute_quota(ComputeQuotaId=quota_id)
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_compute_quota(ComputeQuotaId=quota_id)
    assert error(excinfo)[0] == "ResourceNotFound"


def test_a_planned_failure_leaves_the_quota_create_failed(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("compute-quota", "no capacity for team-a")
    quota_id = quota(sagemaker_client, cluster(sagemaker_client))["ComputeQuotaId"]
    described = sagemaker_client.describe_compute_quota(ComputeQuotaId=quota_id)
    assert (described["Status"], described["FailureReason"]) == ("CreateFailed", "no capacity for team-a")


def test_an_update_is_refused_while_the_quota_is_being_changed(sagemaker_client, sagemaker_mock):
    made = quota(sagemaker_client, cluster(sagemaker_client))
    sagemaker_mock.set_status(made["ComputeQuotaArn"], "Updating")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.update_compute_quota(ComputeQuotaId=made["ComputeQuotaId"], TargetVersion=1,
                                              Description="later")
    assert error(excinfo)[0] == "ConflictException"
    assert sagemaker_client.describe_compute_quota(ComputeQuotaId=made["ComputeQuotaId"])["ComputeQuotaVersion"] == 1


# -- cluster policies ----------------------------------------------------------------------------

def test_a_cluster_policy_is_versioned_like_a_quota(sagemaker_client):
    arn = cluster(sagemaker_client)
    made = sagemaker_client.create_cluster_scheduler_config(Name="fair-share", ClusterArn=arn, SchedulerConfig=POLICY,
                                                            Tags=[{"Key": "team", "Value": "platform"}])
    config_id = made["ClusterSchedulerConfigId"]
    assert made["ClusterSchedulerConfigArn"].endswith(f":cluster-scheduler-config/{config_id}")
    changed = {**POLICY, "FairShare": "Disabled"}
    answer = sagemaker_client.update_cluster_scheduler_config(ClusterSchedulerConfigId=config_id, TargetVersion=1,
                                                              SchedulerConfig=changed)
    assert answer["ClusterSchedulerConfigVersion"] == 2
    current = sagemaker_client.describe_cluster_scheduler_config(ClusterSchedulerConfigId=config_id)
    assert (current["SchedulerConfig"], current["Status"]) == (changed, "Updated")
    first = sagemaker_client.describe_cluster_scheduler_config(ClusterSchedulerConfigId=config_id,
                                                               ClusterSchedulerConfigVersion=1)
    assert first["SchedulerConfig"] == POLICY
    tags = sagemaker_client.list_tags(ResourceArn=made["ClusterSchedulerConfigArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "platform"}]
    summaries = sagemaker_client.list_cluster_scheduler_configs(ClusterArn=arn)["ClusterSchedulerConfigSummaries"]
    assert [(s["Name"], s["ClusterSchedulerConfigVersion"]) for s in summaries] == [("fair-share", 2)]


def test_a_cluster_policy_name_is_unique_within_its_cluster(sagemaker_client):
    arn = cluster(sagemaker_client)
    sagemaker_client.create_cluster_scheduler_config(Name="fair-share", ClusterArn=arn, SchedulerConfig=POLICY)
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.create_cluster_scheduler_config(Name="fair-share", ClusterArn=arn, SchedulerConfig=POLICY)
    assert error(excinfo)[0] == "ConflictException"
