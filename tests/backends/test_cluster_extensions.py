"""HyperPod cluster extensions through boto3: install, configure, upgrade, remove."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_operation

pytestmark = requires_operation("CreateClusterExtension")

ROLE = "arn:aws:iam::123456789012:role/hyperpod"
EKS = {"Eks": {"ClusterArn": "arn:aws:eks:us-east-1:123456789012:cluster/ml"}}
GROUP = {"InstanceGroupName": "workers", "InstanceType": "ml.g5.xlarge", "InstanceCount": 2, "ExecutionRole": ROLE,
         "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}}
OBSERVABILITY = "sagemaker-observability"


def cluster(client, name="eks", **extra):
    settings = {"NodeProvisioningMode": "Continuous", "Orchestrator": EKS, **extra}
    return client.create_cluster(ClusterName=name, InstanceGroups=[GROUP], **settings)["ClusterArn"]


def install(client, cluster_arn, name=OBSERVABILITY, **extra):
    return client.create_cluster_extension(ClusterArn=cluster_arn, ExtensionName=name, **extra)["ExtensionArn"]


def describe(client, cluster_arn, extension_arn):
    return client.describe_cluster_extension(ClusterArn=cluster_arn, ExtensionArn=extension_arn)


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_an_extension_installs_the_latest_version_on_every_node(sagemaker_client):
    arn = cluster(sagemaker_client)
    extension = install(sagemaker_client, arn, Tags=[{"Key": "team", "Value": "platform"}])
    cluster_id = arn.rsplit("/", 1)[-1]
    assert f":extension/{OBSERVABILITY}/{cluster_id}/" in extension
    answer = describe(sagemaker_client, arn, extension)
    details = answer["ExtensionDetails"]
    assert (details["Status"], details["ExtensionVersion"], details["ClusterArn"]) == ("Active", "1.0.0", arn)
    assert answer["NodeSummary"] == {"TotalCount": 2, "ActiveCount": 2}
    assert answer["Health"] == {"Issues": []}
    assert sagemaker_client.list_tags(ResourceArn=extension)["Tags"] == [{"Key": "team", "Value": "platform"}]
    listed = sagemaker_client.list_cluster_extensions(ClusterArn=arn)["Extensions"]
    assert [(found["ExtensionName"], found["Status"]) for found in listed] == [(OBSERVABILITY, "Active")]


def test_a_cluster_has_one_extension_of_a_name_and_needs_continuous_provisioning(sagemaker_client):
    arn = cluster(sagemaker_client)
    install(sagemaker_client, arn)
    with pytest.raises(ClientError) as excinfo:
        install(sagemaker_client, arn)
    assert error(excinfo)[0] == "ResourceInUse"
    plain = sagemaker_client.create_cluster(ClusterName="plain", InstanceGroups=[GROUP])["ClusterArn"]
    with pytest.raises(ClientError) as excinfo:
        install(sagemaker_client, plain)
    assert "Continuous" in error(excinfo)[1]
    missing = arn[:-12] + "abcdefabcdef"
    with pytest.raises(ClientError) as excinfo:
        install(sagemaker_client, missing)
    assert error(excinfo)[0] == "ResourceNotFound"
    assert len(sagemaker_client.list_cluster_extensions(ClusterArn=arn)["Extensions"]) == 1


def test_configuration_is_a_json_object(sagemaker_client):
    arn = cluster(sagemaker_client)
    for bad in ("not json", "[1, 2]"):
        with pytest.raises(ClientError) as excinfo:
            install(sagemaker_client, arn, ConfigurationValues=bad)
        assert error(excinfo)[0] == "ValidationException"
    assert sagemaker_client.list_cluster_extensions(ClusterArn=arn)["Extensions"] == []


def test_an_update_merges_settings_and_moves_only_to_a_later_version(sagemaker_client):
    arn = cluster(sagemaker_client)
    extension = install(sagemaker_client, arn, ExtensionVersion="1.1.0",
                        ConfigurationValues=json.dumps({"metrics": {"level": "BASIC", "interval": 60}, "logs": True}))
    sagemaker_client.update_cluster_extension(
        ClusterArn=arn, ExtensionArn=extension, ExtensionVersion="1.2.0",
        ConfigurationValues=json.dumps({"metrics": {"level": "ADVANCED"}, "logs": None}))
    details = describe(sagemaker_client, arn, extension)["ExtensionDetails"]
    assert details["ExtensionVersion"] == "1.2.0"
    assert json.loads(details["ConfigurationValues"]) == {"metrics": {"level": "ADVANCED", "interval": 60}}
    with pytest.raises(ClientError) as excinfo:  # "You can't update to an earlier version"
        sagemaker_client.update_cluster_extension(ClusterArn=arn, ExtensionArn=extension, ExtensionVersion="1.1.0")
    assert error(excinfo)[0] == "ValidationException"
    sagemaker_client.update_cluster_extension(ClusterArn=arn, ExtensionArn=extension)  # a retry changes nothing
    assert describe(sagemaker_client, arn, extension)["ExtensionDetails"]["ExtensionVersion"] == "1.2.0"
    versions = sagemaker_client.list_cluster_extension_versions(ExtensionName=OBSERVABILITY)["ExtensionVersions"]
    assert [found["ExtensionVersion"] for found in versions] == ["1.2.0", "1.1.0", "1.0.0"]  # highest first


def test_an_extension_being_deleted_is_not_updated(sagemaker_client, sagemaker_mock):
    arn = cluster(sagemaker_client)
    extension = install(sagemaker_client, arn)
    sagemaker_mock.set_status(extension, "Deleting")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.update_cluster_extension(ClusterArn=arn, ExtensionArn=extension, ExtensionVersion="1.0.0")
    assert error(excinfo)[0] == "ConflictException"


def test_a_deleted_extension_is_not_found_and_may_be_installed_again(sagemaker_client):
    arn = cluster(sagemaker_client)
    extension = install(sagemaker_client, arn)
    sagemaker_client.delete_cluster_extension(ClusterArn=arn, ExtensionArn=extension)
    with pytest.raises(ClientError) as excinfo:
        describe(sagemaker_client, arn, extension)
    assert error(excinfo)[0] == "ResourceNotFound"
    assert sagemaker_client.list_cluster_extensions(ClusterArn=arn)["Extensions"] == []
    assert install(sagemaker_client, arn) != extension  # "the new extension has a new ARN"


def test_an_extension_is_found_only_with_its_own_cluster(sagemaker_client):
    first, second = cluster(sagemaker_client, "one"), cluster(sagemaker_client, "two")
    extension = install(sagemaker_client, first)
    with pytest.raises(ClientError) as excinfo:
        describe(sagemaker_client, second, extension)
    assert error(excinfo)[0] == "ResourceNotFound"


def test_a_planned_failure_leaves_the_extension_create_failed(sagemaker_client, sagemaker_mock):
    arn = cluster(sagemaker_client)
    sagemaker_mock.fail_next("extension", "the add-on could not reach CloudWatch")
    extension = install(sagemaker_client, arn)
    answer = describe(sagemaker_client, arn, extension)
    assert answer["ExtensionDetails"]["Status"] == "CreateFailed"
    assert answer["NodeSummary"]["ActiveCount"] == 0


def test_an_extension_not_offered_lists_no_versions(sagemaker_client):
    assert sagemaker_client.list_cluster_extension_versions(ExtensionName="eks-unknown")["ExtensionVersions"] == []
