"""MLflow tracking servers through boto3: defaults, URL, stop and start, updates, presigned URLs."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from botocore.exceptions import ClientError

from tests.model_support import declared

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mlflow"


def create(client, name="experiments", **extra):
    return client.create_mlflow_tracking_server(TrackingServerName=name, ArtifactStoreUri="s3://bucket/mlflow",
                                                RoleArn=ROLE, **extra)["TrackingServerArn"]


def describe(client, name="experiments"):
    return client.describe_mlflow_tracking_server(TrackingServerName=name)


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_a_new_server_takes_the_documented_defaults_and_gets_its_url(sagemaker_client):
    arn = create(sagemaker_client)
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:mlflow-tracking-server/experiments"
    described = describe(sagemaker_client)
    assert described["TrackingServerStatus"] == "Created" and described["IsActive"] == "Active"
    assert described["TrackingServerSize"] == "Small"
    assert described["AutomaticModelRegistration"] is False
    if declared("DescribeMlflowTrackingServerResponse", "S3BucketOwnerAccountId"):
        assert described["S3BucketOwnerAccountId"] == ACCOUNT and described["S3BucketOwnerVerification"] is True
    assert re.fullmatch(rf"https://t-[a-z0-9]{{12}}\.{REGION}\.experiments\.sagemaker\.aws", described["TrackingServerUrl"])


def test_stop_and_start_change_whether_the_server_is_active(sagemaker_client):
    create(sagemaker_client)
    url = describe(sagemaker_client)["TrackingServerUrl"]
    sagemaker_client.stop_mlflow_tracking_server(TrackingServerName="experiments")
    stopped = describe(sagemaker_client)
    assert (stopped["TrackingServerStatus"], stopped["IsActive"]) == ("Stopped", "Inactive")
    with pytest.raises(ClientError) as refused:
        sagemaker_client.stop_mlflow_tracking_server(TrackingServerName="experiments")
    assert code_of(refused) == "ConflictException"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_mlflow_tracking_server(TrackingServerName="experiments", TrackingServerSize="Large")
    assert code_of(refused) == "ConflictException"
    sagemaker_client.start_mlflow_tracking_server(TrackingServerName="experiments")
    started = describe(sagemaker_client)
    assert (started["TrackingServerStatus"], started["IsActive"]) == ("Started", "Active")
    assert started["TrackingServerUrl"] == url


def test_an_update_changes_what_it_names(sagemaker_client):
    create(sagemaker_client, MlflowVersion="2.16.2")
    sagemaker_client.update_mlflow_tracking_server(TrackingServerName="experiments", TrackingServerSize="Medium",
                                                   AutomaticModelRegistration=True)
    described = describe(sagemaker_client)
    assert described["TrackingServerStatus"] == "Updated"
    assert (described["TrackingServerSize"], described["AutomaticModelRegistration"]) == ("Medium", True)
    assert described["MlflowVersion"] == "2.16.2" and described["ArtifactStoreUri"] == "s3://bucket/mlflow"


@pytest.mark.sagemock(transitions="seconds", transition_seconds=10)
def test_a_server_being_created_is_busy(sagemaker_mock, sagemaker_client):
    create(sagemaker_client)
    assert (describe(sagemaker_client)["TrackingServerStatus"], describe(sagemaker_client)["IsActive"]) == \
        ("Creating", "Inactive")
    # Stop declares ConflictException; Delete declares none for it, so its refusal is a ValidationException.
    for call, code in ((sagemaker_client.stop_mlflow_tracking_server, "ConflictException"),
                       (sagemaker_client.delete_mlflow_tracking_server, "ValidationException")):
        with pytest.raises(ClientError) as refused:
            call(TrackingServerName="experiments")
        assert code_of(refused) == code
    sagemaker_mock.advance(10)
    assert describe(sagemaker_client)["TrackingServerStatus"] == "Created"


def test_missing_and_duplicate_servers(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as duplicate:
        create(sagemaker_client)
    assert code_of(duplicate) == "ValidationException"  # CreateMlflowTrackingServer declares no ResourceInUse
    for call in (sagemaker_client.describe_mlflow_tracking_server, sagemaker_client.delete_mlflow_tracking_server,
                 sagemaker_client.create_presigned_mlflow_tracking_server_url):
        with pytest.raises(ClientError) as missing:
            call(TrackingServerName="absent")
        assert code_of(missing) == "ResourceNotFound"


def test_a_presigned_url_opens_the_ui_once(sagemaker_client):
    create(sagemaker_client)
    first = sagemaker_client.create_presigned_mlflow_tracking_server_url(
        TrackingServerName="experiments", ExpiresInSeconds=60, SessionExpirationDurationInSeconds=1800)["AuthorizedUrl"]
    second = sagemaker_client.create_presigned_mlflow_tracking_server_url(TrackingServerName="experiments")
    assert re.fullmatch(rf"https://[a-z0-9]+\.{REGION}\.experiments\.sagemaker\.aws\.a2z\.com/auth\?authToken=\w+",
                        first)
    assert first != second["AuthorizedUrl"]
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_presigned_mlflow_tracking_server_url(TrackingServerName="experiments",
                                                                     ExpiresInSeconds=301)
    assert code_of(refused) == "ValidationException"


def test_list_is_newest_first_and_filters(sagemaker_mock, sagemaker_client):
    create(sagemaker_client, "first", MlflowVersion="2.13.2")
    sagemaker_mock.advance(1)
    create(sagemaker_client, "second", MlflowVersion="2.16.2")
    sagemaker_client.stop_mlflow_tracking_server(TrackingServerName="second")

    def names(**filters):
        summaries = sagemaker_client.list_mlflow_tracking_servers(**filters)["TrackingServerSummaries"]
        return [summary["TrackingServerName"] for summary in summaries]

    assert names() == ["second", "first"]
    assert names(SortOrder="Ascending") == ["first", "second"]
    assert names(TrackingServerStatus="Stopped") == ["second"]
    assert names(MlflowVersion="2.13.2") == ["first"]
    created = describe(sagemaker_client, "second")["CreationTime"]
    # Whole seconds: botocore before 1.36 sends timestamps without their fraction.
    later = created.replace(microsecond=0) + dt.timedelta(seconds=1)
    assert names(CreatedBefore=created) == ["first"] and names(CreatedAfter=later) == []
