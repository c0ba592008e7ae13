"""Training sessions and StartSession through boto3: statuses, stop before delete, filters, tags,
the model package group a session publishes to; remote IDE sessions to an existing Studio app."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_operation

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sessions"
BASE_MODEL = "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/meta-llama-3-8b/1.0.0"


def create(client, name="tune", **extra):
    return client.create_training_session(
        TrainingSessionName=name, RoleArn=ROLE, LoraConfig={"Rank": 8, "Alpha": 16},
        ModelConfig={"BaseModelArn": BASE_MODEL, "AcceptEula": True},
        OutputConfig={"S3Location": {"Path": "s3://bucket/sessions"}}, **extra)["TrainingSessionArn"]


def detail(client, name="tune"):
    return client.describe_training_session(TrainingSessionName=name)["TrainingSessionDetail"]


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


@requires_operation("CreateTrainingSession")
def test_a_session_runs_stops_and_is_deleted(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    assert arn == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-session/tune"
    described = detail(sagemaker_client)
    assert described["TrainingSessionStatus"] == "Running" and described["LoraConfig"] == {"Rank": 8, "Alpha": 16}
    assert described["Tags"] == [{"Key": "team", "Value": "ml"}] and "EndTime" not in described
    with pytest.raises(ClientError) as refused:
        sagemaker_client.delete_training_session(TrainingSessionName="tune")
    assert code_of(refused) == "ValidationException"
    sagemaker_client.stop_training_session(TrainingSessionName="tune")
    stopped = detail(sagemaker_client)
    assert stopped["TrainingSessionStatus"] == "Stopped" and "EndTime" in stopped
    with pytest.raises(ClientError) as refused:
        sagemaker_client.stop_training_session(TrainingSessionName="tune")
    assert code_of(refused) == "ValidationException"
    sagemaker_client.delete_training_session(TrainingSessionName="tune")
    with pytest.raises(ClientError) as refused:
        detail(sagemaker_client)
    assert code_of(refused) == "ResourceNotFound"


@requires_operation("CreateTrainingSession")
def test_names_are_unique_and_the_model_package_group_must_exist(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        create(sagemaker_client)
    assert code_of(refused) == "ResourceInUse"
    group = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package-group/adapters"
    with pytest.raises(ClientError) as refused:
        create(sagemaker_client, "published", ModelPackageGroupArn=group)
    assert code_of(refused) == "ResourceNotFound"
    sagemaker_client.create_model_package_group(ModelPackageGroupName="adapters")
    create(sagemaker_client, "published", ModelPackageGroupArn=group)
    assert detail(sagemaker_client, "published")["ModelPackageGroupArn"] == group


@requires_operation("CreateTrainingSession")
def test_a_planned_failure_fails_the_session_with_its_reason(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("training-session", "Insufficient capacity")
    create(sagemaker_client)
    described = detail(sagemaker_client)
    assert (described["TrainingSessionStatus"], described["ErrorDetails"]) == ("Failed", "Insufficient capacity")
    sagemaker_client.delete_training_session(TrainingSessionName="tune")


@requires_operation("CreateTrainingSession")
def test_list_filters_by_name_and_status_and_pages(sagemaker_client):
    for name in ("alpha", "beta", "gamma"):
        create(sagemaker_client, name)
    sagemaker_client.stop_training_session(TrainingSessionName="beta")
    listed = sagemaker_client.list_training_sessions()["TrainingSessionSummaries"]
    assert [summary["TrainingSessionArn"].rsplit("/", 1)[-1] for summary in listed] == ["gamma", "beta", "alpha"]
    stopped = sagemaker_client.list_training_sessions(StatusEquals="Stopped")["TrainingSessionSummaries"]
    assert [summary["TrainingSessionArn"].rsplit("/", 1)[-1] for summary in stopped] == ["beta"]
    named = sagemaker_client.list_training_sessions(NameContains="mm")["TrainingSessionSummaries"]
    assert [summary["TrainingSessionArn"].rsplit("/", 1)[-1] for summary in named] == ["gamma"]
    first = sagemaker_client.list_training_sessions(MaxResults=2)
    rest = sagemaker_client.list_training_sessions(MaxResults=2, NextToken=first["NextToken"])
    assert len(first["TrainingSessionSummaries"]) == 2 and len(rest["TrainingSessionSummaries"]) == 1


@requires_operation("StartSession")
def test_start_session_opens_a_session_to_an_existing_app(sagemaker_client):
    missing = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:app/d-nosuchdomain1/space/CodeEditor/default"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.start_session(ResourceIdentifier=missing)
    assert code_of(refused) == "ResourceNotFound"
    domain = sagemaker_client.create_domain(
        DomainName="studio", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": ROLE},
        SubnetIds=["subnet-0123456789abcdef0"], VpcId="vpc-0123456789abcdef0")["DomainArn"].rsplit("/", 1)[-1]
    sagemaker_client.create_space(DomainId=domain, SpaceName="remote",
                                  SpaceSettings={"AppType": "CodeEditor"})
    app = sagemaker_client.create_app(DomainId=domain, SpaceName="remote", AppType="CodeEditor",
                                      AppName="default")["AppArn"]
    first = sagemaker_client.start_session(ResourceIdentifier=app)
    second = sagemaker_client.start_session(ResourceIdentifier=app)
    assert first["SessionId"] != second["SessionId"] and first["TokenValue"] != second["TokenValue"]
    assert first["StreamUrl"].startswith("wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/"
                                         + first["SessionId"])
