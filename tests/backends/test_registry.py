"""The model registry through boto3: groups, versioned and unversioned packages, policies, lists."""
from __future__ import annotations

import datetime as dt
import json
import threading
import time

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock import mock_sagemaker
from tests.model_support import requires_member

ACCOUNT = "123456789012"
REGION = "us-east-1"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:latest"
MODEL_DATA = "s3://bucket/model.tar.gz"

SHAPES = botocore.session.get_session().get_service_model("sagemaker")
#: The model's cap on InferenceSpecification.Containers (read, not copied, so a new botocore wins).
CONTAINER_CAP = int(SHAPES.shape_for("InferenceSpecification").members["Containers"].metadata["max"])


def group_arn(name: str, account: str = ACCOUNT, region: str = REGION) -> str:
    return f"arn:aws:sagemaker:{region}:{account}:model-package-group/{name}"


def package_arn(resource: str, account: str = ACCOUNT, region: str = REGION) -> str:
    return f"arn:aws:sagemaker:{region}:{account}:model-package/{resource}"


def container(index: int = 0, **extra):
    return {"Image": IMAGE, "ModelDataUrl": MODEL_DATA, "Environment": {"INDEX": str(index)}, **extra}


def inference(count: int = 1):
    return {
        "Containers": [container(i) for i in range(count)],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    }


def unversioned_inference():
    return {
        "Containers": [{"Image": IMAGE, "ModelDataUrl": MODEL_DATA}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
        "SupportedTransformInstanceTypes": ["ml.m5.large"],
        "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"],
    }


def validation_spec(*profiles: str):
    return {
        "ValidationRole": f"arn:aws:iam::{ACCOUNT}:role/validation",
        "ValidationProfiles": [{
            "ProfileName": profile,
            "TransformJobDefinition": {
                "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                   "S3Uri": "s3://bucket/input"}}},
                "TransformOutput": {"S3OutputPath": "s3://bucket/output"},
                "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
            },
        } for profile in profiles],
    }


def new_version(client, group: str, **extra) -> str:
    return client.create_model_package(ModelPackageGroupName=group, InferenceSpecification=inference(),
                                       **extra)["ModelPackageArn"]


def error_of(excinfo) -> tuple[str, str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def client_for(account: str = ACCOUNT, region: str = REGION):
    return boto3.client("sagemaker", region_name=region, aws_access_key_id=account,
                        aws_secret_access_key="sagemock")


# -- model package groups -----------------------------------------------------------------------


def test_group_create_describe_by_name_and_arn(sagemaker_client):
    response = sagemaker_client.create_model_package_group(ModelPackageGroupName="fraud",
                                                           ModelPackageGroupDescription="fraud models")
    assert response["ModelPackageGroupArn"] == group_arn("fraud")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    by_name = sagemaker_client.describe_model_package_group(ModelPackageGroupName="fraud")
    by_arn = sagemaker_client.describe_model_package_group(ModelPackageGroupName=group_arn("fraud"))
    for described in (by_name, by_arn):
        assert described["ModelPackageGroupName"] == "fraud"
        assert described["ModelPackageGroupArn"] == group_arn("fraud")
        assert described["ModelPackageGroupDescription"] == "fraud models"
        assert described["ModelPackageGroupStatus"] == "Completed"
        assert isinstance(described["CreationTime"], dt.datetime)
        identity = described["CreatedBy"]["IamIdentity"]
        assert identity["Arn"].startswith(f"arn:aws:iam::{ACCOUNT}:")
        assert identity["PrincipalId"]


def test_group_duplicate_says_already_exists(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="dup", ModelPackageGroupDescription="first")
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package_group(ModelPackageGroupName="dup", ModelPackageGroupDescription="2nd")
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationException", 400)
    assert "already exists" in message
    assert message == f"Model Package Group already exists: {group_arn('dup')}"
    described = sagemaker_client.describe_model_package_group(ModelPackageGroupName="dup")
    assert described["ModelPackageGroupDescription"] == "first"


def test_group_describe_missing(sagemaker_client):
    for ref in ("ghost", group_arn("ghost")):
        with pytest.raises(ClientError) as err:
            sagemaker_client.describe_model_package_group(ModelPackageGroupName=ref)
        assert error_of(err) == ("ValidationException", f"ModelPackageGroup {group_arn('ghost')} does not exist.", 400)


def test_group_list_sort_filter_and_pages(sagemaker_client):
    names = ["b-group", "a-group", "c-other"]
    for second, name in enumerate(names):
        with freeze_time(dt.datetime(2024, 1, 1, 0, 0, second)):
            sagemaker_client.create_model_package_group(ModelPackageGroupName=name)
    listed = sagemaker_client.list_model_package_groups()["ModelPackageGroupSummaryList"]
    assert [g["ModelPackageGroupName"] for g in listed] == names  # CreationTime, Ascending by default
    assert all(g["ModelPackageGroupStatus"] == "Completed" for g in listed)
    by_name = sagemaker_client.list_model_package_groups(SortBy="Name", SortOrder="Descending")
    assert [g["ModelPackageGroupName"] for g in by_name["ModelPackageGroupSummaryList"]] == sorted(names, reverse=True)
    contains = sagemaker_client.list_model_package_groups(NameContains="GROUP")
    assert [g["ModelPackageGroupName"] for g in contains["ModelPackageGroupSummaryList"]] == ["b-group", "a-group"]
    after = sagemaker_client.list_model_package_groups(CreationTimeAfter=dt.datetime(2024, 1, 1, 0, 0, 0,
                                                                                     tzinfo=dt.timezone.utc))
    assert [g["ModelPackageGroupName"] for g in after["ModelPackageGroupSummaryList"]] == ["a-group", "c-other"]
    first = sagemaker_client.list_model_package_groups(MaxResults=2)
    assert len(first["ModelPackageGroupSummaryList"]) == 2 and first["NextToken"]
    second = sagemaker_client.list_model_package_groups(MaxResults=2, NextToken=first["NextToken"])
    assert [g["ModelPackageGroupName"] for g in second["ModelPackageGroupSummaryList"]] == ["c-other"]
    assert "NextToken" not in second


def test_group_delete_then_gone(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="temp")
    response = sagemaker_client.delete_model_package_group(ModelPackageGroupName=group_arn("temp"))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_model_package_group(ModelPackageGroupName="temp")
    assert error_of(err)[1] == f"ModelPackageGroup {group_arn('temp')} does not exist."
    assert sagemaker_client.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_model_package_group(ModelPackageGroupName="temp")
    assert error_of(err) == ("ValidationException", f"ModelPackageGroup {group_arn('temp')} does not exist.", 400)
    # The name is free again, and the new group numbers its versions from 1.
    sagemaker_client.create_model_package_group(ModelPackageGroupName="temp")
    assert new_version(sagemaker_client, "temp") == package_arn("temp/1")


def test_group_delete_with_versions_conflicts_and_deletes_nothing(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="busy")
    version = new_version(sagemaker_client, "busy")
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_model_package_group(ModelPackageGroupName="busy")
    code, message, status = error_of(err)
    assert (code, status) == ("ConflictException", 400)
    assert group_arn("busy") in message
    assert sagemaker_client.describe_model_package_group(ModelPackageGroupName="busy")["ModelPackageGroupStatus"] \
        == "Completed"
    assert sagemaker_client.describe_model_package(ModelPackageName=version)["ModelPackageArn"] == version
    sagemaker_client.delete_model_package(ModelPackageName=version)
    sagemaker_client.delete_model_package_group(ModelPackageGroupName="busy")
    assert sagemaker_client.list_model_package_groups()["ModelPackageGroupSummaryList"] == []


# -- group policies -----------------------------------------------------------------------------

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
    "Action": ["sagemaker:DescribeModelPackage"], "Resource": package_arn("shared/*")}]})


def test_group_policy_put_get_delete(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="shared")
    put = sagemaker_client.put_model_package_group_policy(ModelPackageGroupName="shared", ResourcePolicy=POLICY)
    assert put["ModelPackageGroupArn"] == group_arn("shared")
    got = sagemaker_client.get_model_package_group_policy(ModelPackageGroupName="shared")
    assert json.loads(got["ResourcePolicy"]) == json.loads(POLICY)
    deleted = sagemaker_client.delete_model_package_group_policy(ModelPackageGroupName="shared")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 200
    for call in (sagemaker_client.get_model_package_group_policy, sagemaker_client.delete_model_package_group_policy):
        with pytest.raises(ClientError) as err:
            call(ModelPackageGroupName="shared")
        assert error_of(err) == ("ValidationException", f"Cannot find resource policy for: {group_arn('shared')}", 400)


def test_group_policy_on_missing_group(sagemaker_client):
    calls = [
        lambda: sagemaker_client.put_model_package_group_policy(ModelPackageGroupName="nope", ResourcePolicy=POLICY),
        lambda: sagemaker_client.get_model_package_group_policy(ModelPackageGroupName="nope"),
        lambda: sagemaker_client.delete_model_package_group_policy(ModelPackageGroupName="nope"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as err:
            call()
        assert error_of(err) == ("ValidationException", f"Cannot find Model Package Group: {group_arn('nope')}", 400)


def test_group_policy_must_be_a_policy_document(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="shared")
    with pytest.raises(ClientError) as err:
        sagemaker_client.put_model_package_group_policy(ModelPackageGroupName="shared", ResourcePolicy="not json")
    assert error_of(err)[0] == "ValidationException"
    with pytest.raises(ClientError):
        sagemaker_client.get_model_package_group_policy(ModelPackageGroupName="shared")


def test_deleted_group_forgets_its_policy(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="shared")
    sagemaker_client.put_model_package_group_policy(ModelPackageGroupName="shared", ResourcePolicy=POLICY)
    sagemaker_client.delete_model_package_group(ModelPackageGroupName="shared")
    sagemaker_client.create_model_package_group(ModelPackageGroupName="shared")
    with pytest.raises(ClientError) as err:
        sagemaker_client.get_model_package_group_policy(ModelPackageGroupName="shared")
    assert error_of(err)[1] == f"Cannot find resource policy for: {group_arn('shared')}"


# -- versioned model packages -------------------------------------------------------------------


def test_versions_are_numbered_per_group(sagemaker_client):
    for group in ("alpha", "beta"):
        sagemaker_client.create_model_package_group(ModelPackageGroupName=group)
    arns = [new_version(sagemaker_client, "alpha") for _ in range(3)]
    assert arns == [package_arn(f"alpha/{n}") for n in (1, 2, 3)]
    assert new_version(sagemaker_client, group_arn("beta")) == package_arn("beta/1")
    described = sagemaker_client.describe_model_package(ModelPackageName=arns[1])
    assert described["ModelPackageGroupName"] == "alpha"
    assert described["ModelPackageVersion"] == 2
    assert described["ModelPackageArn"] == arns[1]
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert described["ModelPackageStatus"] == "Completed"
    assert described["ModelPackageStatusDetails"]["ValidationStatuses"] == []


def test_version_numbers_are_never_reused(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    first, second = new_version(sagemaker_client, "g"), new_version(sagemaker_client, "g")
    sagemaker_client.delete_model_package(ModelPackageName=second)
    assert new_version(sagemaker_client, "g") == package_arn("g/3")
    assert sagemaker_client.describe_model_package(ModelPackageName=first)["ModelPackageVersion"] == 1


def test_versioned_package_full_document(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    spec = inference(CONTAINER_CAP)
    arn = sagemaker_client.create_model_package(
        ModelPackageGroupName="g", InferenceSpecification=spec, ModelApprovalStatus="Approved",
        ModelPackageDescription="v1", CustomerMetadataProperties={"team": "risk"}, Domain="MACHINE_LEARNING",
        Task="CLASSIFICATION", SamplePayloadUrl="s3://bucket/payload", CertifyForMarketplace=False,
    )["ModelPackageArn"]
    described = sagemaker_client.describe_model_package(ModelPackageName=arn)
    containers = described["InferenceSpecification"]["Containers"]
    assert len(containers) == CONTAINER_CAP
    assert [c["Environment"] for c in containers] == [{"INDEX": str(i)} for i in range(CONTAINER_CAP)]
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ModelPackageDescription"] == "v1"
    assert described["CustomerMetadataProperties"] == {"team": "risk"}
    assert (described["Domain"], described["Task"]) == ("MACHINE_LEARNING", "CLASSIFICATION")
    assert described["LastModifiedTime"] == described["CreationTime"]
    for who in (described["CreatedBy"], described["LastModifiedBy"]):
        assert set(who["IamIdentity"]) >= {"Arn", "PrincipalId"}
        assert who["IamIdentity"]["Arn"].startswith(f"arn:aws:iam::{ACCOUNT}:")


def test_one_container_over_the_cap_is_rejected(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package(ModelPackageGroupName="g",
                                              InferenceSpecification=inference(CONTAINER_CAP + 1))
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("1 validation error detected: Value '[")
    assert message.endswith(f"at 'inferenceSpecification.containers' failed to satisfy constraint: "
                            f"Member must have length less than or equal to {CONTAINER_CAP}")
    listed = sagemaker_client.list_model_packages(ModelPackageGroupName="g")["ModelPackageSummaryList"]
    assert listed == []
    assert new_version(sagemaker_client, "g") == package_arn("g/1")


def test_nested_validation_errors_use_aws_paths(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    spec = inference(2)
    spec["Containers"][1]["Image"] = "has spaces"
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=spec,
                                              ModelApprovalStatus="Approved")
    assert error_of(err) == (
        "ValidationException",
        "1 validation error detected: Value 'has spaces' at 'inferenceSpecification.containers.2.member.image' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
        400,
    )
    spec = inference(1)
    spec["Containers"][0]["Image"] = "x" * 256
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=spec,
                                              ModelApprovalStatus="Maybe")
    message = error_of(err)[1]
    assert message.startswith("2 validation errors detected: ")
    assert ("at 'inferenceSpecification.containers.1.member.image' failed to satisfy constraint: "
            "Member must have length less than or equal to 255") in message
    assert ("Value 'Maybe' at 'modelApprovalStatus' failed to satisfy constraint: Member must satisfy enum "
            "value set: [Approved, Rejected, PendingManualApproval]") in message
    assert sagemaker_client.list_model_packages(ModelPackageGroupName="g")["ModelPackageSummaryList"] == []


def test_name_and_group_are_exclusive(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package(ModelPackageName="solo", ModelPackageGroupName="g",
                                              InferenceSpecification=inference())
    assert error_of(err) == ("ValidationException",
                             "Both ModelPackageName and ModelPackageGroupName are provided in the input. "
                             "Cannot determine which one to use.", 400)
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package(InferenceSpecification=inference())
    assert error_of(err) == ("ValidationException", "Missing ARN", 400)
    assert sagemaker_client.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []


def test_version_into_missing_group(sagemaker_client):
    with pytest.raises(ClientError) as err:
        new_version(sagemaker_client, "ghost")
    assert error_of(err) == ("ValidationException", f"ModelPackageGroup {group_arn('ghost')} does not exist.", 400)


def test_versioned_package_refuses_tags(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    with pytest.raises(ClientError) as err:
        new_version(sagemaker_client, "g", Tags=[{"Key": "k", "Value": "v"}])
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationException", 400)
    assert "Tags" in message
    assert sagemaker_client.list_model_packages(ModelPackageGroupName="g")["ModelPackageSummaryList"] == []


def test_skip_model_validation_is_stored_and_echoed(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    skipped = new_version(sagemaker_client, "g", SkipModelValidation="All",
                          ValidationSpecification=validation_spec("p1"))
    validated = new_version(sagemaker_client, "g", SkipModelValidation="None",
                            ValidationSpecification=validation_spec("p2"))
    plain = new_version(sagemaker_client, "g")
    described = sagemaker_client.describe_model_package(ModelPackageName=skipped)
    assert described["SkipModelValidation"] == "All"
    assert described["ModelPackageStatusDetails"]["ValidationStatuses"] == []
    described = sagemaker_client.describe_model_package(ModelPackageName=validated)
    assert described["SkipModelValidation"] == "None"
    assert described["ModelPackageStatus"] == "Completed"
    assert described["ModelPackageStatusDetails"]["ValidationStatuses"] == [{"Name": "p2", "Status": "Completed"}]
    assert described["ValidationSpecification"]["ValidationProfiles"][0]["ProfileName"] == "p2"
    assert "SkipModelValidation" not in sagemaker_client.describe_model_package(ModelPackageName=plain)


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_package_status_walks_with_its_validation(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    arn = new_version(sagemaker_client, "g", ValidationSpecification=validation_spec("p1"))
    seen = []
    for _ in range(3):
        described = sagemaker_client.describe_model_package(ModelPackageName=arn)
        seen.append((described["ModelPackageStatus"],
                     described["ModelPackageStatusDetails"]["ValidationStatuses"][0]["Status"]))
    # The first read sees the first status; each read after it earns one step.
    assert seen == [("Pending", "NotStarted"), ("InProgress", "InProgress"), ("Completed", "Completed")]


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_deleting_group_is_seen_then_gone(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    sagemaker_client.create_model_package_group(ModelPackageGroupName="h")
    for _ in range(3):
        sagemaker_client.list_model_package_groups()
    sagemaker_client.delete_model_package_group(ModelPackageGroupName="g")
    first = sagemaker_client.list_model_package_groups()["ModelPackageGroupSummaryList"]
    assert [(g["ModelPackageGroupName"], g["ModelPackageGroupStatus"]) for g in first] == [
        ("g", "Deleting"), ("h", "Completed")]
    second = sagemaker_client.list_model_package_groups()["ModelPackageGroupSummaryList"]
    assert [g["ModelPackageGroupName"] for g in second] == ["h"]
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_model_package_group(ModelPackageGroupName="g")
    assert error_of(err)[1] == f"ModelPackageGroup {group_arn('g')} does not exist."


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_describe_of_a_group_whose_deletion_completes_says_missing(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    sagemaker_client.describe_model_package_group(ModelPackageGroupName="g")
    sagemaker_client.describe_model_package_group(ModelPackageGroupName="g")
    sagemaker_client.describe_model_package_group(ModelPackageGroupName="g")
    sagemaker_client.delete_model_package_group(ModelPackageGroupName="g")
    assert sagemaker_client.describe_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupStatus"] \
        == "Deleting"
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_model_package_group(ModelPackageGroupName="g")
    assert error_of(err)[1] == f"ModelPackageGroup {group_arn('g')} does not exist."


def test_client_token_is_idempotent(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    first = new_version(sagemaker_client, "g", ClientToken="token-1")
    again = new_version(sagemaker_client, "g", ClientToken="token-1")
    other = new_version(sagemaker_client, "g", ClientToken="token-2")
    assert first == again == package_arn("g/1")
    assert other == package_arn("g/2")
    listed = sagemaker_client.list_model_packages(ModelPackageGroupName="g")["ModelPackageSummaryList"]
    assert [p["ModelPackageVersion"] for p in listed] == [1, 2]


@requires_member("UpdateModelPackage", "ClientToken")
def test_update_token_does_not_stand_for_a_create(sagemaker_client):
    """A ClientToken first used by UpdateModelPackage must not make a later create return that package."""
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    first = new_version(sagemaker_client, "g")
    sagemaker_client.update_model_package(ModelPackageArn=first, ModelApprovalStatus="Approved",
                                          ClientToken="shared-token")
    created = new_version(sagemaker_client, "g", ClientToken="shared-token")
    assert created == package_arn("g/2")


def test_source_algorithm_specification(sagemaker_client):
    sagemaker_client.create_algorithm(
        AlgorithmName="my-algo",
        TrainingSpecification={"TrainingImage": IMAGE, "SupportedTrainingInstanceTypes": ["ml.m5.large"],
                               "TrainingChannels": [{"Name": "train", "SupportedContentTypes": ["text/csv"],
                                                     "SupportedInputModes": ["File"]}]},
    )
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    source = {"SourceAlgorithms": [{"AlgorithmName": "my-algo", "ModelDataUrl": MODEL_DATA}]}
    arn = sagemaker_client.create_model_package(ModelPackageGroupName="g",
                                                SourceAlgorithmSpecification=source)["ModelPackageArn"]
    described = sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert described["SourceAlgorithmSpecification"] == source
    missing = {"SourceAlgorithms": [{"AlgorithmName": "no-such-algo"}]}
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package(ModelPackageGroupName="g", SourceAlgorithmSpecification=missing)
    assert error_of(err) == ("ValidationException",
                             f"Algorithm arn:aws:sagemaker:{REGION}:{ACCOUNT}:algorithm/no-such-algo does not exist.",
                             400)
    assert [p["ModelPackageVersion"] for p in sagemaker_client.list_model_packages(
        ModelPackageGroupName="g")["ModelPackageSummaryList"]] == [1]


def test_a_version_may_get_its_inference_specification_later(sagemaker_client):
    """AWS documents no rule that a package needs InferenceSpecification, SourceAlgorithmSpecification
    or SourceUri. The SageMaker SDK sends none of them (`get_create_model_package_request` with
    `containers=None`; `create_model_package_from_containers` deletes SourceUri from the create and
    sets it by UpdateModelPackage) and adds the specification later
    (`ModelPackage.update_inference_specification`, aws/sagemaker-python-sdk#4492)."""
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    arn = sagemaker_client.create_model_package(ModelPackageGroupName="g", CertifyForMarketplace=False,
                                                ModelApprovalStatus="PendingManualApproval",
                                                SkipModelValidation="None")["ModelPackageArn"]
    described = sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert described["ModelPackageStatus"] == "Completed" and "InferenceSpecification" not in described
    sagemaker_client.update_model_package(ModelPackageArn=arn, SourceUri="s3://bucket/model.tar.gz")
    sagemaker_client.update_model_package(ModelPackageArn=arn, InferenceSpecification={
        "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"}]})
    described = sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert described["SourceUri"] == "s3://bucket/model.tar.gz"
    assert described["InferenceSpecification"]["Containers"][0]["Image"].endswith("/m:1")


# -- unversioned model packages -----------------------------------------------------------------


def test_unversioned_package_by_name(sagemaker_client):
    response = sagemaker_client.create_model_package(
        ModelPackageName="solo", InferenceSpecification=unversioned_inference(),
        Tags=[{"Key": "team", "Value": "ml"}])
    arn = response["ModelPackageArn"]
    assert arn == package_arn("solo")
    for ref in ("solo", arn):
        described = sagemaker_client.describe_model_package(ModelPackageName=ref)
        assert described["ModelPackageName"] == "solo"
        assert "ModelPackageGroupName" not in described and "ModelPackageVersion" not in described
        assert "ModelApprovalStatus" not in described
        assert described["ModelPackageStatus"] == "Completed"
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package(ModelPackageName="solo", InferenceSpecification=unversioned_inference())
    code, message, _ = error_of(err)
    assert code == "ValidationException" and "ModelPackage already exists" in message


def test_unversioned_package_refuses_environment(sagemaker_client):
    spec = unversioned_inference()
    spec["Containers"][0]["Environment"] = {"A": "1"}
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_model_package(ModelPackageName="solo", InferenceSpecification=spec)
    assert error_of(err) == ("ValidationException", "1 validation errors detected:Environment variable map cannot be "
                             "specified when using non-versioned ModelPackages", 400)


def test_describe_and_delete_missing_package(sagemaker_client):
    for call in (sagemaker_client.describe_model_package, sagemaker_client.delete_model_package):
        for ref in ("ghost", package_arn("ghost")):
            with pytest.raises(ClientError) as err:
                call(ModelPackageName=ref)
            assert error_of(err) == ("ValidationException", f"ModelPackage {package_arn('ghost')} does not exist.", 400)


def test_delete_model_package(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    arn = new_version(sagemaker_client, "g")
    sagemaker_client.create_model_package(ModelPackageName="solo", InferenceSpecification=unversioned_inference())
    assert sagemaker_client.delete_model_package(ModelPackageName=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    sagemaker_client.delete_model_package(ModelPackageName="solo")
    with pytest.raises(ClientError):
        sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert sagemaker_client.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []


# -- UpdateModelPackage -------------------------------------------------------------------------


def test_update_approval_and_metadata(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    with freeze_time("2024-01-01 00:00:00"):
        arn = new_version(sagemaker_client, "g", CustomerMetadataProperties={"keep": "1", "drop": "2"})
    with freeze_time("2024-01-02 00:00:00"):
        response = sagemaker_client.update_model_package(
            ModelPackageArn=arn, ModelApprovalStatus="Approved", ApprovalDescription="looks good",
            CustomerMetadataProperties={"added": "3"}, CustomerMetadataPropertiesToRemove=["drop"])
    assert response["ModelPackageArn"] == arn
    described = sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ApprovalDescription"] == "looks good"
    assert described["CustomerMetadataProperties"] == {"keep": "1", "added": "3"}
    assert described["CreationTime"] == dt.datetime(2024, 1, 1, tzinfo=described["CreationTime"].tzinfo)
    assert described["LastModifiedTime"] == dt.datetime(2024, 1, 2, tzinfo=described["CreationTime"].tzinfo)
    assert described["LastModifiedBy"]["IamIdentity"]["Arn"].startswith(f"arn:aws:iam::{ACCOUNT}:")
    listed = sagemaker_client.list_model_packages(ModelPackageGroupName="g", ModelApprovalStatus="Approved")
    assert [p["ModelPackageArn"] for p in listed["ModelPackageSummaryList"]] == [arn]


def test_update_last_modified_by_is_the_updater(sagemaker_mock):
    creator = client_for()
    updater = boto3.client("sagemaker", region_name=REGION, aws_access_key_id="AKIAOTHERUSER0000000",
                           aws_secret_access_key="x", aws_session_token="session")
    creator.create_model_package_group(ModelPackageGroupName="g")
    arn = new_version(creator, "g")
    updater.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Rejected")
    described = creator.describe_model_package(ModelPackageName=arn)
    assert described["CreatedBy"]["IamIdentity"] != described["LastModifiedBy"]["IamIdentity"]
    assert ":assumed-role/" in described["LastModifiedBy"]["IamIdentity"]["Arn"]


def test_update_inference_specifications(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    arn = new_version(sagemaker_client, "g")
    sagemaker_client.update_model_package(ModelPackageArn=arn, InferenceSpecification=inference(2))
    described = sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert [c["Environment"] for c in described["InferenceSpecification"]["Containers"]] == [
        {"INDEX": "0"}, {"INDEX": "1"}]

    def additional(name):
        return {"Name": name, "Containers": [{"Image": IMAGE, "Environment": {"N": name}}]}

    sagemaker_client.update_model_package(ModelPackageArn=arn,
                                          AdditionalInferenceSpecificationsToAdd=[additional(f"s{i}") for i in range(10)])
    sagemaker_client.update_model_package(ModelPackageArn=arn,
                                          AdditionalInferenceSpecificationsToAdd=[additional(f"t{i}") for i in range(5)])
    described = sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert len(described["AdditionalInferenceSpecifications"]) == 15
    before = described["LastModifiedTime"]
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_model_package(ModelPackageArn=arn, AdditionalInferenceSpecificationsToAdd=[
            additional("over")], ModelApprovalStatus="Approved")
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationException", 400)
    assert "15" in message
    described = sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert len(described["AdditionalInferenceSpecifications"]) == 15
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert described["LastModifiedTime"] == before


@requires_member("UpdateModelPackage", "ClientToken")
def test_retried_update_with_client_token_applies_once(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    arn = new_version(sagemaker_client, "g")
    request = {"ModelPackageArn": arn, "ClientToken": "retry-me", "AdditionalInferenceSpecificationsToAdd": [
        {"Name": "cpu", "Containers": [{"Image": IMAGE}]}]}
    assert sagemaker_client.update_model_package(**request)["ModelPackageArn"] == arn
    assert sagemaker_client.update_model_package(**request)["ModelPackageArn"] == arn
    described = sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert [s["Name"] for s in described["AdditionalInferenceSpecifications"]] == ["cpu"]
    request.pop("ClientToken")
    with pytest.raises(ClientError) as err:  # without the token the same names are a second add
        sagemaker_client.update_model_package(**request)
    assert error_of(err)[0] == "ValidationException"


def test_update_missing_package(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_model_package(ModelPackageArn=package_arn("g/9"), ModelApprovalStatus="Approved")
    assert error_of(err) == ("ValidationException", f"ModelPackage {package_arn('g/9')} does not exist.", 400)


# -- BatchDescribeModelPackage ------------------------------------------------------------------


def test_batch_describe(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    one = new_version(sagemaker_client, "g", ModelApprovalStatus="Approved")
    two = new_version(sagemaker_client, "g")
    unknown = package_arn("g/99")
    response = sagemaker_client.batch_describe_model_package(ModelPackageArnList=[one, two, unknown])
    summaries = response["ModelPackageSummaries"]
    assert set(summaries) == {one, two}
    assert summaries[one]["ModelPackageGroupName"] == "g"
    assert summaries[one]["ModelPackageVersion"] == 1
    assert summaries[one]["ModelApprovalStatus"] == "Approved"
    assert summaries[two]["ModelPackageStatus"] == "Completed"
    assert summaries[two]["InferenceSpecification"]["Containers"][0]["Image"] == IMAGE
    errors = response["BatchDescribeModelPackageErrorMap"]
    assert set(errors) == {unknown}
    assert errors[unknown]["ErrorCode"] == "ValidationException"
    assert errors[unknown]["ErrorResponse"] == f"ModelPackage {unknown} does not exist."


# -- ListModelPackages --------------------------------------------------------------------------


@pytest.fixture
def populated(sagemaker_client):
    """Two groups and two unversioned packages, one second apart from 2024-01-01 00:00:00."""
    tick = iter(range(100))

    def at():
        return freeze_time(dt.datetime(2024, 1, 1, 0, 0, next(tick)))

    with at():
        sagemaker_client.create_model_package_group(ModelPackageGroupName="churn")
    with at():
        sagemaker_client.create_model_package_group(ModelPackageGroupName="fraud")
    created = []
    for group, approval in [("churn", "Approved"), ("fraud", "Rejected"), ("churn", "PendingManualApproval"),
                            ("fraud", "Approved")]:
        with at():
            created.append(new_version(sagemaker_client, group, ModelApprovalStatus=approval))
    for name in ("zeta-solo", "alpha-solo"):
        with at():
            created.append(sagemaker_client.create_model_package(
                ModelPackageName=name, InferenceSpecification=unversioned_inference())["ModelPackageArn"])
    return sagemaker_client, created


def arns_of(response):
    return [p["ModelPackageArn"] for p in response["ModelPackageSummaryList"]]


def test_list_default_type_is_unversioned(populated):
    client, created = populated
    listed = client.list_model_packages()
    assert arns_of(listed) == [package_arn("zeta-solo"), package_arn("alpha-solo")]
    assert [p["ModelPackageName"] for p in listed["ModelPackageSummaryList"]] == ["zeta-solo", "alpha-solo"]
    assert arns_of(client.list_model_packages(ModelPackageType="Unversioned")) == arns_of(listed)
    versioned = client.list_model_packages(ModelPackageType="Versioned")
    assert arns_of(versioned) == created[:4]
    assert all("ModelPackageName" not in p for p in versioned["ModelPackageSummaryList"])
    assert arns_of(client.list_model_packages(ModelPackageType="Both")) == created


def test_list_by_group_name_and_arn(populated):
    client, created = populated
    by_name = client.list_model_packages(ModelPackageGroupName="churn")
    assert arns_of(by_name) == [package_arn("churn/1"), package_arn("churn/2")]
    assert [(p["ModelPackageGroupName"], p["ModelPackageVersion"]) for p in by_name["ModelPackageSummaryList"]] \
        == [("churn", 1), ("churn", 2)]
    assert arns_of(client.list_model_packages(ModelPackageGroupName=group_arn("churn"))) == arns_of(by_name)
    assert arns_of(client.list_model_packages(ModelPackageGroupName="churn", ModelPackageType="Both")) \
        == arns_of(by_name)


def test_list_group_of_another_account_lists_nothing(populated):
    client, _ = populated
    foreign = group_arn("churn", account="210987654321")
    for kind in ("Versioned", "Both"):
        assert arns_of(client.list_model_packages(ModelPackageGroupName=foreign, ModelPackageType=kind)) == []


def test_list_by_approval_status(populated):
    client, created = populated
    approved = client.list_model_packages(ModelPackageType="Both", ModelApprovalStatus="Approved")
    assert arns_of(approved) == [created[0], created[3]]
    assert all(p["ModelApprovalStatus"] == "Approved" for p in approved["ModelPackageSummaryList"])
    assert arns_of(client.list_model_packages(ModelPackageGroupName="fraud", ModelApprovalStatus="Rejected")) \
        == [created[1]]


def test_list_name_contains(populated):
    client, _ = populated
    assert arns_of(client.list_model_packages(NameContains="ALPHA")) == [package_arn("alpha-solo")]
    assert arns_of(client.list_model_packages(ModelPackageType="Both", NameContains="solo")) == [
        package_arn("zeta-solo"), package_arn("alpha-solo")]


def test_list_creation_time_range(populated):
    client, created = populated
    after = dt.datetime(2024, 1, 1, 0, 0, 2, tzinfo=dt.timezone.utc)  # the first version's second
    before = dt.datetime(2024, 1, 1, 0, 0, 5, tzinfo=dt.timezone.utc)  # the fourth version's second
    listed = client.list_model_packages(ModelPackageType="Both", CreationTimeAfter=after, CreationTimeBefore=before)
    assert arns_of(listed) == created[1:3]
    assert arns_of(client.list_model_packages(ModelPackageType="Both", CreationTimeAfter=before)) == created[4:]


def test_list_sort(populated):
    client, created = populated
    assert arns_of(client.list_model_packages(ModelPackageType="Both", SortOrder="Descending")) == created[::-1]
    by_name = client.list_model_packages(SortBy="Name", SortOrder="Ascending")
    assert [p["ModelPackageName"] for p in by_name["ModelPackageSummaryList"]] == ["alpha-solo", "zeta-solo"]
    by_name = client.list_model_packages(SortBy="Name", SortOrder="Descending")
    assert [p["ModelPackageName"] for p in by_name["ModelPackageSummaryList"]] == ["zeta-solo", "alpha-solo"]


def test_list_pages_and_paginator(populated):
    client, created = populated
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = client.list_model_packages(ModelPackageType="Both", MaxResults=4, **kwargs)
        seen += arns_of(page)
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert (seen, pages) == (created, 2)
    paginator = client.get_paginator("list_model_packages")
    paged = paginator.paginate(ModelPackageType="Both", PaginationConfig={"PageSize": 2})
    assert [arns_of(page) for page in paged] == [created[0:2], created[2:4], created[4:6]]
    with pytest.raises(ClientError) as err:
        client.list_model_packages(MaxResults=101)
    assert error_of(err)[0] == "ValidationException"
    assert "'maxResults'" in error_of(err)[1]


# -- accounts, regions, threads -----------------------------------------------------------------


def test_accounts_are_separate(sagemaker_mock):
    first, second = client_for("111111111111"), client_for("222222222222")
    first.create_model_package_group(ModelPackageGroupName="mine")
    assert first.describe_model_package_group(ModelPackageGroupName="mine")["ModelPackageGroupArn"] == \
        group_arn("mine", account="111111111111")
    assert second.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    with pytest.raises(ClientError) as err:
        second.describe_model_package_group(ModelPackageGroupName="mine")
    assert error_of(err)[1] == f"ModelPackageGroup {group_arn('mine', account='222222222222')} does not exist."
    second.create_model_package_group(ModelPackageGroupName="mine")  # the same name is free there
    created_by = second.describe_model_package_group(ModelPackageGroupName="mine")["CreatedBy"]["IamIdentity"]
    assert created_by["Arn"].startswith("arn:aws:iam::222222222222:")


def test_regions_are_separate(sagemaker_mock):
    east, west = client_for(region="us-east-1"), client_for(region="us-west-2")
    east.create_model_package_group(ModelPackageGroupName="g")
    assert west.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    west.create_model_package_group(ModelPackageGroupName="g")
    assert new_version(west, "g") == package_arn("g/1", region="us-west-2")
    with pytest.raises(ClientError) as err:
        west.describe_model_package_group(ModelPackageGroupName=group_arn("g", region="us-east-1"))
    assert error_of(err)[1] == "ARN should be scoped to correct region: us-west-2"


@pytest.mark.sagemock(account_id="345678901234", region="eu-west-1")
def test_marker_configures_account_and_region(sagemaker_client):
    arn = sagemaker_client.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert arn == group_arn("g", account="345678901234", region="eu-west-1")


def test_with_context_manager():
    with mock_sagemaker():
        client = client_for()
        client.create_model_package_group(ModelPackageGroupName="g")
        assert new_version(client, "g") == package_arn("g/1")
    with mock_sagemaker():  # a new activation starts empty
        assert client_for().list_model_package_groups()["ModelPackageGroupSummaryList"] == []


def test_concurrent_versions_are_unique(sagemaker_mock):
    threads_count, per_thread = 8, 40
    client_for().create_model_package_group(ModelPackageGroupName="busy")
    clients = [client_for() for _ in range(threads_count)]
    results: list[list[str]] = [[] for _ in range(threads_count)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_count)

    def work(index: int) -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                results[index].append(new_version(clients[index], "busy"))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    total = threads_count * per_thread
    created = sorted(int(arn.rsplit("/", 1)[1]) for arns in results for arn in arns)
    assert created == list(range(1, total + 1))
    paginator = clients[0].get_paginator("list_model_packages")
    listed = [p["ModelPackageVersion"] for page in paginator.paginate(ModelPackageGroupName="busy")
              for p in page["ModelPackageSummaryList"]]
    assert sorted(listed) == list(range(1, total + 1))
    # Lineage loses nothing either: an artifact per version, one model data and one image artifact
    # (shared by SourceUri), one group context holding every version.
    lineage = clients[0]
    artifacts = [item for page in lineage.get_paginator("list_artifacts").paginate(ArtifactType="Model")
                 for item in page["ArtifactSummaries"]]
    assert len(artifacts) == total + 1
    assert len(lineage.list_artifacts(SourceUri=IMAGE)["ArtifactSummaries"]) == 1
    [context] = lineage.list_contexts(ContextType="ModelGroup")["ContextSummaries"]
    members = [item for page in lineage.get_paginator("list_associations").paginate(
        DestinationArn=context["ContextArn"]) for item in page["AssociationSummaries"]]
    assert len(members) == total


def test_first_requests_of_an_operation_may_arrive_concurrently(sagemaker_mock, monkeypatch):
    """Two clients whose first CreateModelPackage calls overlap must both succeed."""
    from sagemock.core import validate

    monkeypatch.setattr(validate, "_cache", {})
    monkeypatch.setattr(validate, "_operation_cache", {})
    compile_structure = validate._COMPILERS["structure"]

    def slow_compile(shape):
        if shape.name == "CreateModelPackageInput":
            time.sleep(0.3)  # widen the window a cold cache always has
        return compile_structure(shape)

    monkeypatch.setitem(validate._COMPILERS, "structure", slow_compile)
    client_for().create_model_package_group(ModelPackageGroupName="g")
    clients = [client_for() for _ in range(2)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(index: int) -> None:
        barrier.wait()
        if index:
            time.sleep(0.1)  # arrive while the first request is compiling
        try:
            new_version(clients[index], "g")
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert len(clients[0].list_model_packages(ModelPackageGroupName="g")["ModelPackageSummaryList"]) == 2


def test_approval_status_belongs_to_versioned_packages(sagemaker_client):
    spec = {"Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"}],
            "SupportedTransformInstanceTypes": ["ml.m5.large"],
            "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"]}
    arn = sagemaker_client.create_model_package(ModelPackageName="solo", InferenceSpecification=spec,
                                                ModelApprovalStatus="Approved")["ModelPackageArn"]
    assert "ModelApprovalStatus" not in sagemaker_client.describe_model_package(ModelPackageName="solo")
    # "does not apply to unversioned models": ignored by the update as by the create (AWS states no refusal).
    sagemaker_client.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    assert "ModelApprovalStatus" not in sagemaker_client.describe_model_package(ModelPackageName="solo")
    assert sagemaker_client.list_model_packages(ModelApprovalStatus="Approved")["ModelPackageSummaryList"] == []


def test_cross_account_groups_are_those_shared_with_you(sagemaker_client):
    """ListModelPackageGroups.CrossAccountFilterOption: "When the value is CrossAccount, the results show
    the resources made discoverable to you from other accounts" (through AWS RAM, which sagemock does
    not model: none); SameAccount is the default. Search answers the same for the same option."""
    sagemaker_client.create_model_package_group(ModelPackageGroupName="mine")

    def listed(**kwargs):
        groups = sagemaker_client.list_model_package_groups(**kwargs)["ModelPackageGroupSummaryList"]
        return [group["ModelPackageGroupName"] for group in groups]

    def searched(**kwargs):
        results = sagemaker_client.search(Resource="ModelPackageGroup", **kwargs)["Results"]
        return [result["ModelPackageGroup"]["ModelPackageGroupName"] for result in results]

    assert listed() == listed(CrossAccountFilterOption="SameAccount") == searched() == ["mine"]
    assert listed(CrossAccountFilterOption="CrossAccount") == searched(CrossAccountFilterOption="CrossAccount") == []


@requires_member("CreateModelPackage", "ModelCard")
@requires_member("DescribeModelPackage", "IncludedData")
def test_metadata_only_sanitizes_the_packages_model_card(sagemaker_client):
    """DescribeModelPackage.IncludedData: "MetadataOnly: Returns the full model package response, but with
    the embedded ModelCard.ModelCardContent sanitized to include only a small set of unencrypted metadata
    fields" (those DescribeModelCard keeps: model_overview.model_id, model_overview.model_name,
    intended_uses.risk_rating ...)."""
    content = {"model_overview": {"model_name": "churn", "model_description": "secret"},
               "intended_uses": {"risk_rating": "Low", "purpose_of_model": "secret"},
               "additional_information": {"caveats_and_recommendations": "secret"}}
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    arn = new_version(sagemaker_client, "g", ModelCard={"ModelCardContent": json.dumps(content),
                                                        "ModelCardStatus": "Draft"})
    full = sagemaker_client.describe_model_package(ModelPackageName=arn)
    assert json.loads(full["ModelCard"]["ModelCardContent"]) == content
    assert sagemaker_client.describe_model_package(ModelPackageName=arn, IncludedData="AllData")["ModelCard"] == \
        full["ModelCard"]
    sanitized = sagemaker_client.describe_model_package(ModelPackageName=arn, IncludedData="MetadataOnly")
    assert json.loads(sanitized["ModelCard"]["ModelCardContent"]) == {
        "model_overview": {"model_name": "churn"}, "intended_uses": {"risk_rating": "Low"}}
    assert sanitized["ModelCard"]["ModelCardStatus"] == "Draft"
    assert sanitized["InferenceSpecification"] == full["InferenceSpecification"]  # "returned unchanged"
    # ... and the stored package keeps its card.
    assert sagemaker_client.describe_model_package(ModelPackageName=arn)["ModelCard"] == full["ModelCard"]


# -- lineage ------------------------------------------------------------------------------------
# "Tracking Entities for Model Packages" (SageMaker Developer Guide, lineage-tracking-auto-creation);
# the expected answers are those AWS's multi-hop lineage notebook recorded in a real account
# (aws/amazon-sagemaker-examples, sagemaker-lineage-multihop-queries_outputs.ipynb).

TRAIN_DATA = "s3://bucket/experiments-demo/train.csv"
VALIDATION_DATA = "s3://bucket/experiments-demo/validation.csv"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole"
#: Older botocore models require StoppingCondition on CreateTrainingJob.
STOPPING = {"StoppingCondition": {"MaxRuntimeInSeconds": 86400}}


def train(client, name="xgb") -> dict:
    """A completed training job reading two channels; its description."""
    channels = [{"ChannelName": channel, "ContentType": "text/csv",
                 "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri}}}
                for channel, uri in (("train", TRAIN_DATA), ("validation", VALIDATION_DATA))]
    client.create_training_job(TrainingJobName=name, RoleArn=ROLE, InputDataConfig=channels,
                               AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
                               ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1,
                                               "VolumeSizeInGB": 10},
                               OutputDataConfig={"S3OutputPath": "s3://bucket/multihop-example/xgb_model"},
                               **STOPPING)
    client.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=name)
    return client.describe_training_job(TrainingJobName=name)


def register(client, group: str, model_data: str) -> str:
    return client.create_model_package(
        ModelPackageGroupName=group, ModelApprovalStatus="Approved",
        InferenceSpecification={"Containers": [{"Image": IMAGE, "ModelDataUrl": model_data}],
                                "SupportedContentTypes": ["text/csv"],
                                "SupportedResponseMIMETypes": ["text/csv"]})["ModelPackageArn"]


def artifact_of(client, source_uri: str) -> dict:
    [summary] = client.list_artifacts(SourceUri=source_uri)["ArtifactSummaries"]
    return summary


def reached(client, start: str, direction: str, lineage_types: list[str], types: list[str]) -> list[str]:
    """The ARNs a query reaches, as the SageMaker SDK's `LineageQuery.query` asks (no edges, depth 10)."""
    found = client.query_lineage(StartArns=[start], Direction=direction, IncludeEdges=False, MaxDepth=10,
                                 Filters={"LineageTypes": lineage_types, "Types": types})
    return [vertex["Arn"] for vertex in found["Vertices"]]


def source_uris(client, artifact_arns: list[str]) -> list[str]:
    return sorted(client.describe_artifact(ArtifactArn=arn)["Source"]["SourceUri"] for arn in artifact_arns)


def test_registering_a_version_records_the_group_context_and_a_model_artifact(sagemaker_client):
    client = sagemaker_client
    job = train(client)
    model_data = job["ModelArtifacts"]["S3ModelArtifacts"]
    client.create_model_package_group(ModelPackageGroupName="lineage-test")
    arn = register(client, "lineage-test", model_data)
    package = artifact_of(client, arn)
    assert package["ArtifactType"] == "Model"
    [context] = client.list_contexts(SourceUri=group_arn("lineage-test"))["ContextSummaries"]
    assert context["ContextType"] == "ModelGroup" and context["Source"]["SourceType"] == "ARN"
    [joined] = client.list_associations(SourceArn=package["ArtifactArn"])["AssociationSummaries"]
    assert (joined["DestinationArn"], joined["DestinationType"], joined["AssociationType"]) == (
        context["ContextArn"], "ModelGroup", "AssociatedWith")
    inputs = client.list_associations(DestinationArn=package["ArtifactArn"])["AssociationSummaries"]
    assert sorted((item["SourceType"], item["AssociationType"]) for item in inputs) == [
        ("Image", "ContributedTo"), ("Model", "ContributedTo")]
    # The model data is the artifact the training job produced (one artifact per SourceUri).
    data = artifact_of(client, model_data)["ArtifactArn"]
    assert data in [item["SourceArn"] for item in inputs]
    [produced] = client.list_associations(DestinationArn=data, AssociationType="Produced")["AssociationSummaries"]
    assert produced["SourceArn"].endswith(":experiment-trial-component/xgb-aws-training-job")


def test_the_package_artifact_reaches_the_training_data_and_job(sagemaker_client):
    """`ModelArtifact.dataset_artifacts()` and `training_job_arns()`, and the notebook's Ascendants /
    Descendants queries from the package's artifact."""
    client = sagemaker_client
    job = train(client)
    client.create_model_package_group(ModelPackageGroupName="lineage-test")
    package = artifact_of(client, register(client, "lineage-test", job["ModelArtifacts"]["S3ModelArtifacts"]))
    start = package["ArtifactArn"]
    assert source_uris(client, reached(client, start, "Ascendants", ["Artifact"], ["DataSet"])) == [
        TRAIN_DATA, VALIDATION_DATA]
    [component] = reached(client, start, "Ascendants", ["TrialComponent"], ["TrainingJob"])
    name = component.rsplit("/", 1)[-1]
    assert client.describe_trial_component(TrialComponentName=name)["Source"]["SourceArn"] == job["TrainingJobArn"]
    every_kind = ["Endpoint", "Model", "DataSet", "TrainingJob"]
    assert source_uris(client, reached(client, start, "Ascendants", ["Artifact"], every_kind)) == [
        TRAIN_DATA, VALIDATION_DATA, job["ModelArtifacts"]["S3ModelArtifacts"]]
    assert reached(client, start, "Descendants", ["Artifact"], every_kind) == []


def test_list_associations_walks_from_the_package_back_to_a_data_set(sagemaker_client):
    """The walk the SageMaker Python SDK's lineage integration tests make after a real pipeline run
    (tests/integ/sagemaker/lineage/conftest.py, `static_dataset_artifact`): package artifact <- model
    data (`SourceType="Model"`) <- training job's trial component (`SourceType="SageMakerTrainingJob"`)
    <- data set (`SourceType="DataSet"`)."""
    client = sagemaker_client
    job = train(client)
    client.create_model_package_group(ModelPackageGroupName="g")
    package = artifact_of(client, register(client, "g", job["ModelArtifacts"]["S3ModelArtifacts"]))["ArtifactArn"]

    def sources(destination, source_type):
        return [item["SourceArn"] for item in client.list_associations(
            DestinationArn=destination, SourceType=source_type)["AssociationSummaries"]]

    [model] = sources(package, "Model")
    [component] = sources(model, "SageMakerTrainingJob")
    assert component.endswith(":experiment-trial-component/xgb-aws-training-job")
    assert source_uris(client, sources(component, "DataSet")) == [TRAIN_DATA, VALIDATION_DATA]


def test_versions_share_their_group_context(sagemaker_client):
    client = sagemaker_client
    client.create_model_package_group(ModelPackageGroupName="g")
    first, second = register(client, "g", MODEL_DATA), register(client, "g", "s3://bucket/v2/model.tar.gz")
    [context] = client.list_contexts(ContextType="ModelGroup")["ContextSummaries"]
    members = client.list_associations(DestinationArn=context["ContextArn"])["AssociationSummaries"]
    assert sorted(item["SourceArn"] for item in members) == sorted(
        artifact_of(client, arn)["ArtifactArn"] for arn in (first, second))
    # One image, one artifact: both versions' containers run it.
    assert len(client.list_artifacts(SourceUri=IMAGE)["ArtifactSummaries"]) == 1


def test_an_unversioned_package_has_an_artifact_and_no_group_context(sagemaker_client):
    arn = sagemaker_client.create_model_package(ModelPackageName="solo",
                                                InferenceSpecification=unversioned_inference())["ModelPackageArn"]
    assert artifact_of(sagemaker_client, arn)["ArtifactType"] == "Model"
    assert sagemaker_client.list_contexts(ContextType="ModelGroup")["ContextSummaries"] == []


def test_containers_added_by_an_update_join_the_lineage(sagemaker_client):
    """The SageMaker SDK can register a version without containers and add them later
    (`ModelPackage.update_inference_specification`)."""
    client = sagemaker_client
    client.create_model_package_group(ModelPackageGroupName="g")
    arn = client.create_model_package(ModelPackageGroupName="g")["ModelPackageArn"]
    package = artifact_of(client, arn)["ArtifactArn"]
    assert client.list_associations(DestinationArn=package)["AssociationSummaries"] == []
    client.update_model_package(ModelPackageArn=arn, InferenceSpecification=inference())
    inputs = client.list_associations(DestinationArn=package)["AssociationSummaries"]
    assert sorted(item["SourceType"] for item in inputs) == ["Image", "Model"]


def test_a_refused_registration_records_no_lineage(sagemaker_client):
    with pytest.raises(ClientError):
        register(sagemaker_client, "no-such-group", MODEL_DATA)
    assert sagemaker_client.list_artifacts()["ArtifactSummaries"] == []
    assert sagemaker_client.list_contexts()["ContextSummaries"] == []


def test_an_endpoint_serving_a_version_reaches_its_package_data_and_job(sagemaker_client):
    """From the endpoint's context (Ascendants): the package's artifact and its model data
    (`LineageFilter(sources=[MODEL])`), the training data sets and the job's trial component; from the
    package's artifact (Descendants): the endpoint (`ModelArtifact.endpoint_contexts()`)."""
    client = sagemaker_client
    job = train(client)
    model_data = job["ModelArtifacts"]["S3ModelArtifacts"]
    client.create_model_package_group(ModelPackageGroupName="lineage-test")
    arn = register(client, "lineage-test", model_data)
    client.create_model(ModelName="from-package", ExecutionRoleArn=ROLE, Containers=[{"ModelPackageName": arn}])
    client.create_endpoint_config(EndpointConfigName="cfg", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "from-package", "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.xlarge"}])
    endpoint = client.create_endpoint(EndpointName="lineage-test-endpoint", EndpointConfigName="cfg")["EndpointArn"]
    [context] = client.list_contexts(SourceUri=endpoint)["ContextSummaries"]
    start = context["ContextArn"]
    models = reached(client, start, "Ascendants", ["Artifact"], ["Model"])
    assert source_uris(client, models) == sorted([arn, model_data])
    assert source_uris(client, reached(client, start, "Ascendants", ["Artifact"], ["DataSet"])) == [
        TRAIN_DATA, VALIDATION_DATA]
    assert reached(client, start, "Ascendants", ["TrialComponent"], ["TrainingJob"]) == [
        f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:experiment-trial-component/xgb-aws-training-job"]
    package = artifact_of(client, arn)["ArtifactArn"]
    assert reached(client, package, "Descendants", ["Context"], ["Endpoint"]) == [start]
    # No artifact is the package's descendant: the deployment's edges lead to the endpoint's context.
    assert reached(client, package, "Descendants", ["Artifact"], ["Endpoint", "Model", "DataSet", "TrainingJob"]) == []
    # The deployment used the package's artifact, not one of its own.
    assert len(client.list_artifacts(SourceUri=arn)["ArtifactSummaries"]) == 1


def test_the_visualizer_query_from_the_endpoint_returns_every_edge(sagemaker_client):
    """The notebook's graph query (`query_lineage(StartArns=[endpoint context], Direction="Ascendants",
    IncludeEdges=True)`): every entity up to the data sets, with the associations between them."""
    client = sagemaker_client
    job = train(client)
    client.create_model_package_group(ModelPackageGroupName="g")
    arn = register(client, "g", job["ModelArtifacts"]["S3ModelArtifacts"])
    client.create_model(ModelName="m", ExecutionRoleArn=ROLE, Containers=[{"ModelPackageName": arn}])
    client.create_endpoint_config(EndpointConfigName="cfg", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.m5.xlarge"}])
    endpoint = client.create_endpoint(EndpointName="ep", EndpointConfigName="cfg")["EndpointArn"]
    [context] = client.list_contexts(SourceUri=endpoint)["ContextSummaries"]
    found = client.query_lineage(StartArns=[context["ContextArn"]], Direction="Ascendants", IncludeEdges=True)
    labels = {context["ContextArn"]: "endpoint", artifact_of(client, arn)["ArtifactArn"]: "package",
              artifact_of(client, job["ModelArtifacts"]["S3ModelArtifacts"])["ArtifactArn"]: "model data",
              artifact_of(client, IMAGE)["ArtifactArn"]: "image",
              artifact_of(client, TRAIN_DATA)["ArtifactArn"]: "train",
              artifact_of(client, VALIDATION_DATA)["ArtifactArn"]: "validation"}
    for vertex in found["Vertices"]:
        labels.setdefault(vertex["Arn"], vertex["Type"])  # the action and the trial component
    assert sorted(labels[vertex["Arn"]] for vertex in found["Vertices"]) == [
        "ModelDeployment", "TrainingJob", "image", "model data", "package", "train", "validation"]
    assert sorted((labels[edge["SourceArn"]], labels[edge["DestinationArn"]], edge["AssociationType"])
                  for edge in found["Edges"]) == sorted([
        ("ModelDeployment", "endpoint", "AssociatedWith"),
        ("image", "ModelDeployment", "ContributedTo"), ("image", "TrainingJob", "ContributedTo"),
        ("image", "package", "ContributedTo"),
        ("model data", "ModelDeployment", "ContributedTo"), ("model data", "package", "ContributedTo"),
        ("package", "ModelDeployment", "ContributedTo"),
        ("TrainingJob", "model data", "Produced"),
        ("train", "TrainingJob", "ContributedTo"), ("validation", "TrainingJob", "ContributedTo")])


def test_artifacts_stay_one_per_source_uri_whatever_made_or_removed_them(sagemaker_mock, sagemaker_client):
    """SageMaker "reuses any existing entities ... there can be only one artifact with a unique
    SourceUri": one the user created is reused; once it is deleted, the next registration makes one
    again; after a restore, the restored one is reused."""
    client = sagemaker_client
    client.create_model_package_group(ModelPackageGroupName="g")
    mine = client.create_artifact(ArtifactType="Model", Source={"SourceUri": MODEL_DATA})["ArtifactArn"]
    first = artifact_of(client, register(client, "g", MODEL_DATA))["ArtifactArn"]
    assert [item["SourceArn"] for item in client.list_associations(
        DestinationArn=first, SourceType="Model")["AssociationSummaries"]] == [mine]
    client.delete_artifact(ArtifactArn=mine)
    register(client, "g", MODEL_DATA)
    remade = artifact_of(client, MODEL_DATA)["ArtifactArn"]
    assert remade != mine
    saved = sagemaker_mock.snapshot()
    sagemaker_mock.restore(saved)
    register(client, "g", MODEL_DATA)
    assert artifact_of(client, MODEL_DATA)["ArtifactArn"] == remade
    assert len(client.list_artifacts(SourceUri=IMAGE)["ArtifactSummaries"]) == 1
