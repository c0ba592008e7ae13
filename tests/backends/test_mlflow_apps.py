"""MLflow apps through boto3: ARNs SageMaker makes, defaults, updates, busy apps, filters, presigned URLs."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_operation

pytestmark = requires_operation("CreateMlflowApp")

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mlflow"


def create(client, name="experiments", **extra):
    return client.create_mlflow_app(Name=name, ArtifactStoreUri="s3://bucket/mlflow", RoleArn=ROLE, **extra)["Arn"]


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_an_app_is_named_by_the_arn_sagemaker_makes(sagemaker_client):
    first, second = create(sagemaker_client), create(sagemaker_client)
    # The name is not part of the ARN, and two apps may share it.
    for arn in (first, second):
        assert re.fullmatch(rf"arn:aws:sagemaker:{REGION}:{ACCOUNT}:mlflow-app/app-[A-Z0-9]{{12}}", arn)
    assert first != second
    described = sagemaker_client.describe_mlflow_app(Arn=first)
    assert (described["Name"], described["Status"]) == ("experiments", "Created")
    assert described["ModelRegistrationMode"] == "AutoModelRegistrationDisabled"
    assert described["ArtifactStoreUri"] == "s3://bucket/mlflow" and described["RoleArn"] == ROLE
    listed = sagemaker_client.list_mlflow_apps()["Summaries"]
    assert sorted(summary["Arn"] for summary in listed) == sorted((first, second))


def test_an_update_changes_what_it_names_and_keeps_the_rest(sagemaker_client):
    arn = create(sagemaker_client, WeeklyMaintenanceWindowStart="Tue:03:30")
    answer = sagemaker_client.update_mlflow_app(Arn=arn, Name="renamed", ModelRegistrationMode="AutoModelRegistrationEnabled",
                                                DefaultDomainIdList=["d-abc123"])
    assert answer["Arn"] == arn
    described = sagemaker_client.describe_mlflow_app(Arn=arn)
    assert described["Status"] == "Updated" and described["Name"] == "renamed"
    assert described["ModelRegistrationMode"] == "AutoModelRegistrationEnabled"
    assert described["WeeklyMaintenanceWindowStart"] == "Tue:03:30"
    assert [app["Arn"] for app in sagemaker_client.list_mlflow_apps(DefaultForDomainId="d-abc123")["Summaries"]] == [arn]
    assert sagemaker_client.list_mlflow_apps(DefaultForDomainId="d-other")["Summaries"] == []


def test_list_filters_by_status_and_sorts_by_name(sagemaker_client, sagemaker_mock):
    zulu, alpha = create(sagemaker_client, "zulu"), create(sagemaker_client, "alpha")
    sagemaker_mock.set_status(zulu, "UpdateFailed")
    by_name = sagemaker_client.list_mlflow_apps(SortBy="Name", SortOrder="Ascending")["Summaries"]
    assert [app["Name"] for app in by_name] == ["alpha", "zulu"]
    assert [app["Arn"] for app in sagemaker_client.list_mlflow_apps(Status="UpdateFailed")["Summaries"]] == [zulu]
    # Newest first by default, as ListMlflowApps' SortOrder documentation states.
    assert [app["Arn"] for app in sagemaker_client.list_mlflow_apps()["Summaries"]] == [alpha, zulu]


@pytest.mark.sagemock(transitions="seconds", transition_seconds=10)
def test_a_busy_app_refuses_updates_and_deletes(sagemaker_mock, sagemaker_client):
    arn = create(sagemaker_client)
    assert sagemaker_client.describe_mlflow_app(Arn=arn)["Status"] == "Creating"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_mlflow_app(Arn=arn, Name="other")
    assert code_of(refused) == "ConflictException"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.delete_mlflow_app(Arn=arn)
    assert code_of(refused) == "ValidationException"  # DeleteMlflowApp declares no ConflictException
    sagemaker_mock.advance(10)
    assert sagemaker_client.describe_mlflow_app(Arn=arn)["Status"] == "Created"
    sagemaker_client.delete_mlflow_app(Arn=arn)
    assert sagemaker_client.describe_mlflow_app(Arn=arn)["Status"] == "Deleting"
    sagemaker_mock.advance(10)
    with pytest.raises(ClientError) as missing:
        sagemaker_client.describe_mlflow_app(Arn=arn)
    assert code_of(missing) == "ResourceNotFound"


def test_fine_grained_access_control_needs_a_platform_admin(sagemaker_client):
    with pytest.raises(ClientError) as refused:
        create(sagemaker_client, AccessControlConfiguration={"Status": "ENABLED"})
    assert code_of(refused) == "ValidationException" and "AdminPrincipalArn" in str(refused.value)
    assert sagemaker_client.list_mlflow_apps()["Summaries"] == []
    arn = create(sagemaker_client, AccessControlConfiguration={"Status": "ENABLED", "AdminPrincipalArn": ROLE})
    assert sagemaker_client.describe_mlflow_app(Arn=arn)["AccessControlConfiguration"]["AdminPrincipalArn"] == ROLE


def test_a_presigned_url_is_new_each_time_and_needs_an_app(sagemaker_client):
    arn = create(sagemaker_client)
    first = sagemaker_client.create_presigned_mlflow_app_url(Arn=arn, ExpiresInSeconds=60)["AuthorizedUrl"]
    second = sagemaker_client.create_presigned_mlflow_app_url(Arn=arn)["AuthorizedUrl"]
    assert re.fullmatch(rf"https://[a-z0-9]{{16}}\.{REGION}\.experiments\.sagemaker\.aws\.a2z\.com/auth\?authToken=\w{{64}}",
                        first)
    assert first != second
    with pytest.raises(ClientError) as missing:
        sagemaker_client.create_presigned_mlflow_app_url(Arn=arn[:-12] + "NOSUCHAPP000")
    assert code_of(missing) == "ResourceNotFound"


def test_a_failed_creation_can_be_deleted(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("mlflow-app", name="broken")
    arn = create(sagemaker_client, "broken")
    assert sagemaker_client.describe_mlflow_app(Arn=arn)["Status"] == "CreateFailed"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_mlflow_app(Arn=arn, Name="fixed")
    assert code_of(refused) == "ConflictException"
    sagemaker_client.delete_mlflow_app(Arn=arn)
    assert sagemaker_client.list_mlflow_apps()["Summaries"] == []
