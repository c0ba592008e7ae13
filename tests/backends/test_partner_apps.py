"""Partner AI apps through boto3: ARNs SageMaker makes, statuses, rules, updates, tags, presigned URLs."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_operation

pytestmark = requires_operation("CreatePartnerApp")

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/partner"
IDC = "arn:aws:sso:::instance/ssoins-0123456789abcdef"


def create(client, name="evaluations", **extra):
    params = {"Name": name, "Type": "comet", "ExecutionRoleArn": ROLE, "Tier": "small", "AuthType": "IAM", **extra}
    return client.create_partner_app(**params)["Arn"]


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_a_new_app_is_available_with_its_url_and_defaults(sagemaker_client):
    arn = create(sagemaker_client)
    assert re.fullmatch(rf"arn:aws:sagemaker:{REGION}:{ACCOUNT}:partner-app/app-[A-Z0-9]{{12}}", arn)
    described = sagemaker_client.describe_partner_app(Arn=arn)
    assert (described["Name"], described["Type"], described["Status"]) == ("evaluations", "comet", "Available")
    assert described["EnableAutoMinorVersionUpgrade"] is False
    app_id = arn.rsplit("/", 1)[-1].lower()
    assert described["BaseUrl"] == f"https://{app_id}.comet.{REGION}.partner-app.sagemaker.aws"
    assert "Error" not in described
    [summary] = sagemaker_client.list_partner_apps()["Summaries"]
    assert summary == {"Arn": arn, "Name": "evaluations", "Type": "comet", "Status": "Available",
                       "CreationTime": described["CreationTime"]}


def test_identity_center_apps_need_an_instance(sagemaker_client):
    with pytest.raises(ClientError) as refused:
        create(sagemaker_client, AuthType="IDC")
    assert code_of(refused) == "ValidationException" and "IdcConfig" in str(refused.value)
    assert sagemaker_client.list_partner_apps()["Summaries"] == []
    arn = create(sagemaker_client, AuthType="IDC", IdcConfig={"InstanceArn": IDC})
    assert sagemaker_client.describe_partner_app(Arn=arn)["IdcConfig"] == {"InstanceArn": IDC}


def test_role_groups_must_match_the_assigned_group_patterns(sagemaker_client):
    config = {"AssignedGroupPatterns": ["ml-*"], "RoleGroupAssignments": [
        {"RoleName": "ORG_ADMIN", "GroupPatterns": ["ml-admins", "finance"]}]}
    with pytest.raises(ClientError) as refused:
        create(sagemaker_client, Type="fiddler", ApplicationConfig=config)
    assert code_of(refused) == "ValidationException" and "finance" in str(refused.value)
    config["RoleGroupAssignments"][0]["GroupPatterns"] = ["ml-admins"]
    arn = create(sagemaker_client, Type="fiddler", ApplicationConfig=config)
    assert sagemaker_client.describe_partner_app(Arn=arn)["ApplicationConfig"] == config


def test_an_update_changes_what_it_names_upgrades_and_adds_tags(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    sagemaker_client.update_partner_app(Arn=arn, Tier="large", AppVersion="1.3",
                                        Tags=[{"Key": "cost", "Value": "eval"}])
    described = sagemaker_client.describe_partner_app(Arn=arn)
    assert (described["Tier"], described["Version"], described["Status"]) == ("large", "1.3", "Available")
    assert described["Type"] == "comet"
    tags = sagemaker_client.list_tags(ResourceArn=arn)["Tags"]
    assert sorted(tag["Key"] for tag in tags) == ["cost", "team"]


@pytest.mark.sagemock(transitions="seconds", transition_seconds=10)
def test_a_busy_app_refuses_updates_and_deletes(sagemaker_mock, sagemaker_client):
    arn = create(sagemaker_client)
    assert sagemaker_client.describe_partner_app(Arn=arn)["Status"] == "Creating"
    for call in (lambda: sagemaker_client.update_partner_app(Arn=arn, Tier="large"),
                 lambda: sagemaker_client.delete_partner_app(Arn=arn)):
        with pytest.raises(ClientError) as refused:
            call()
        assert code_of(refused) == "ConflictException"
    sagemaker_mock.advance(10)
    sagemaker_client.delete_partner_app(Arn=arn)
    assert sagemaker_client.describe_partner_app(Arn=arn)["Status"] == "Deleting"
    sagemaker_mock.advance(10)
    with pytest.raises(ClientError) as missing:
        sagemaker_client.describe_partner_app(Arn=arn)
    assert code_of(missing) == "ResourceNotFound"


def test_a_failed_app_says_why(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("partner-app", "No capacity for the tier", name="broken")
    arn = create(sagemaker_client, "broken")
    described = sagemaker_client.describe_partner_app(Arn=arn)
    assert described["Status"] == "Failed"
    assert described["Error"] == {"Code": "InternalFailure", "Reason": "No capacity for the tier"}
    sagemaker_client.delete_partner_app(Arn=arn)
    assert sagemaker_client.list_partner_apps()["Summaries"] == []


def test_a_presigned_url_opens_the_app(sagemaker_client):
    arn = create(sagemaker_client)
    base = sagemaker_client.describe_partner_app(Arn=arn)["BaseUrl"]
    url = sagemaker_client.create_partner_app_presigned_url(Arn=arn, ExpiresInSeconds=60)["Url"]
    assert url.startswith(base + "/auth?authToken=")
    with pytest.raises(ClientError) as missing:
        sagemaker_client.create_partner_app_presigned_url(Arn=arn[:-12] + "NOSUCHAPP000")
    assert code_of(missing) == "ResourceNotFound"
