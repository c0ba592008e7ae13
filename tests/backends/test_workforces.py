"""Private workforces and work teams through boto3: one workforce a region, Cognito or OIDC, teams
whose members come from their workforce, and deletes refused while teams remain."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"
POOL = "us-east-1_AbCdEf123"
COGNITO = {"UserPool": POOL, "ClientId": "client-1"}
OIDC = {"ClientId": "oidc-client", "ClientSecret": "secret", "Issuer": "https://idp.example.com",
        "AuthorizationEndpoint": "https://idp.example.com/authorize", "TokenEndpoint": "https://idp.example.com/token",
        "UserInfoEndpoint": "https://idp.example.com/userinfo", "LogoutEndpoint": "https://idp.example.com/logout",
        "JwksUri": "https://idp.example.com/keys"}


def members(group="labelers", pool=POOL, client="client-1"):
    return [{"CognitoMemberDefinition": {"UserPool": pool, "UserGroup": group, "ClientId": client}}]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_a_cognito_workforce_is_described_with_its_arn_subdomain_and_status(sagemaker_client):
    arn = sagemaker_client.create_workforce(WorkforceName="labelers", CognitoConfig=COGNITO,
                                            Tags=[{"Key": "team", "Value": "ml"}])["WorkforceArn"]
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workforce/labelers"
    workforce = sagemaker_client.describe_workforce(WorkforceName="labelers")["Workforce"]
    assert workforce["WorkforceArn"] == arn and workforce["Status"] == "Active"
    assert workforce["CognitoConfig"] == COGNITO and "OidcConfig" not in workforce
    assert workforce["SourceIpConfig"] == {"Cidrs": []}
    assert re.fullmatch(r"[a-z0-9]{10}\.labeling\.sagemaker\.aws", workforce["SubDomain"])
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_an_oidc_workforce_keeps_its_client_secret_to_itself(sagemaker_client):
    sagemaker_client.create_workforce(WorkforceName="oidc", OidcConfig=OIDC)
    described = sagemaker_client.describe_workforce(WorkforceName="oidc")["Workforce"]["OidcConfig"]
    assert "ClientSecret" not in described
    assert described["Issuer"] == OIDC["Issuer"]


@pytest.mark.parametrize("config", [{}, {"CognitoConfig": COGNITO, "OidcConfig": OIDC}])
def test_a_workforce_needs_exactly_one_identity_provider(sagemaker_client, config):
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_workforce(WorkforceName="labelers", **config)
    code, message = error_of(refused)
    assert code == "ValidationException" and "exactly one of CognitoConfig and OidcConfig" in message
    assert sagemaker_client.list_workforces()["Workforces"] == []


def test_only_one_workforce_a_region_until_it_is_deleted(sagemaker_client):
    sagemaker_client.create_workforce(WorkforceName="first", CognitoConfig=COGNITO)
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_workforce(WorkforceName="second", OidcConfig=OIDC)
    code, message = error_of(refused)
    assert code == "ValidationException" and "one workforce in each region" in message
    assert [w["WorkforceName"] for w in sagemaker_client.list_workforces()["Workforces"]] == ["first"]
    sagemaker_client.delete_workforce(WorkforceName="first")
    sagemaker_client.create_workforce(WorkforceName="second", OidcConfig=OIDC)
    assert [w["WorkforceName"] for w in sagemaker_client.list_workforces()["Workforces"]] == ["second"]


def test_a_vpc_workforce_gets_its_endpoint(sagemaker_client):
    vpc = {"VpcId": "vpc-0abc", "SecurityGroupIds": ["sg-0abc"], "Subnets": ["subnet-0abc"]}
    sagemaker_client.create_workforce(WorkforceName="vpc", CognitoConfig=COGNITO, WorkforceVpcConfig=vpc)
    described = sagemaker_client.describe_workforce(WorkforceName="vpc")["Workforce"]["WorkforceVpcConfig"]
    assert {k: described[k] for k in vpc} == vpc
    assert re.fullmatch(r"vpce-[a-z0-9]{17}", described["VpcEndpointId"])


def test_update_sets_the_allow_list_and_stamps_the_date(sagemaker_client):
    sagemaker_client.create_workforce(WorkforceName="labelers", CognitoConfig=COGNITO)
    assert "LastUpdatedDate" not in sagemaker_client.describe_workforce(WorkforceName="labelers")["Workforce"]
    updated = sagemaker_client.update_workforce(WorkforceName="labelers",
                                                SourceIpConfig={"Cidrs": ["10.0.0.0/16"]})["Workforce"]
    assert updated["SourceIpConfig"] == {"Cidrs": ["10.0.0.0/16"]} and "LastUpdatedDate" in updated
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_workforce(WorkforceName="labelers", OidcConfig=OIDC)
    code, message = error_of(refused)
    assert code == "ValidationException" and "uses Amazon Cognito" in message


def test_the_oidc_configuration_changes_only_while_no_team_uses_the_workforce(sagemaker_client):
    sagemaker_client.create_workforce(WorkforceName="oidc", OidcConfig=OIDC)
    sagemaker_client.create_workteam(WorkteamName="reviewers", Description="reviewers",
                                     MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["group-a"]}}])
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_workforce(WorkforceName="oidc", OidcConfig={**OIDC, "ClientId": "other"})
    code, message = error_of(refused)
    assert code == "ConflictException" and "no work teams associated" in message
    described = sagemaker_client.describe_workforce(WorkforceName="oidc")["Workforce"]
    assert described["OidcConfig"]["ClientId"] == "oidc-client"
    sagemaker_client.delete_workteam(WorkteamName="reviewers")
    sagemaker_client.update_workforce(WorkforceName="oidc", OidcConfig={**OIDC, "ClientId": "other"})
    assert sagemaker_client.describe_workforce(WorkforceName="oidc")["Workforce"]["OidcConfig"]["ClientId"] == "other"


def test_a_workforce_with_teams_is_not_deleted(sagemaker_client):
    sagemaker_client.create_workforce(WorkforceName="labelers", CognitoConfig=COGNITO)
    sagemaker_client.create_workteam(WorkteamName="team", Description="d", MemberDefinitions=members())
    with pytest.raises(ClientError) as refused:
        sagemaker_client.delete_workforce(WorkforceName="labelers")
    code, message = error_of(refused)
    assert code == "ResourceInUse" and "DeleteWorkteam" in message
    assert sagemaker_client.describe_workforce(WorkforceName="labelers")["Workforce"]["Status"] == "Active"


def test_a_missing_workforce_is_a_validation_error(sagemaker_client):
    with pytest.raises(ClientError) as refused:
        sagemaker_client.describe_workforce(WorkforceName="nowhere")
    assert error_of(refused) == ("ValidationException", "Workforce nowhere does not exist.")


def test_a_cognito_team_without_a_workforce_makes_the_default_one(sagemaker_client):
    arn = sagemaker_client.create_workteam(WorkteamName="labelers", Description="Labels images",
                                           MemberDefinitions=members())["WorkteamArn"]
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/labelers"
    team = sagemaker_client.describe_workteam(WorkteamName="labelers")["Workteam"]
    workforce = sagemaker_client.describe_workforce(WorkforceName="default")["Workforce"]
    assert team["WorkforceArn"] == workforce["WorkforceArn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workforce/default"
    assert workforce["CognitoConfig"] == COGNITO
    assert team["SubDomain"] == workforce["SubDomain"] and team["Description"] == "Labels images"
    assert team["MemberDefinitions"] == members()


def test_an_oidc_team_needs_a_workforce(sagemaker_client):
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_workteam(WorkteamName="t", Description="d",
                                         MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["g"]}}])
    code, message = error_of(refused)
    assert code == "ValidationException" and "No workforce exists" in message
    assert sagemaker_client.list_workteams()["Workteams"] == []


@pytest.mark.parametrize("definitions, words", [
    ([*members(), {"OidcMemberDefinition": {"Groups": ["g"]}}], "all CognitoMemberDefinition or all"),
    ([{"CognitoMemberDefinition": members()[0]["CognitoMemberDefinition"],
       "OidcMemberDefinition": {"Groups": ["g"]}}], "exactly one of CognitoMemberDefinition"),
    ([*members(), *members(group="other", pool="us-east-1_Other")], "same ClientId and UserPool"),
])
def test_member_definitions_are_of_one_kind_and_one_pool(sagemaker_client, definitions, words):
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_workteam(WorkteamName="t", Description="d", MemberDefinitions=definitions)
    code, message = error_of(refused)
    assert code == "ValidationException" and words in message
    assert sagemaker_client.list_workteams()["Workteams"] == []
    assert sagemaker_client.list_workforces()["Workforces"] == []


def test_a_team_s_members_come_from_its_workforce(sagemaker_client):
    sagemaker_client.create_workforce(WorkforceName="labelers", CognitoConfig=COGNITO)
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_workteam(WorkteamName="t", Description="d", MemberDefinitions=members(pool="us-east-1_X"))
    code, message = error_of(refused)
    assert code == "ValidationException" and "must be those of workforce labelers" in message
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_workteam(WorkteamName="t", Description="d",
                                         MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["g"]}}])
    assert "uses Amazon Cognito" in error_of(refused)[1]
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_workteam(WorkteamName="t", Description="d", MemberDefinitions=members(),
                                         WorkforceName="elsewhere")
    assert error_of(refused) == ("ValidationException", "Workforce elsewhere does not exist.")
    assert sagemaker_client.list_workteams()["Workteams"] == []


def test_a_duplicate_team_is_in_use_and_the_26th_is_over_the_limit(sagemaker_client):
    for number in range(25):
        sagemaker_client.create_workteam(WorkteamName=f"team-{number:02d}", Description="d", MemberDefinitions=members())
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_workteam(WorkteamName="team-00", Description="d", MemberDefinitions=members())
    assert error_of(refused)[0] == "ResourceInUse"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_workteam(WorkteamName="team-25", Description="d", MemberDefinitions=members())
    code, message = error_of(refused)
    assert code == "ResourceLimitExceeded" and "more than 25 work teams" in message
    names = [t["WorkteamName"] for t in sagemaker_client.get_paginator("list_workteams").paginate().build_full_result()
             ["Workteams"]]
    assert names == [f"team-{number:02d}" for number in range(25)]


def test_update_and_delete_a_team(sagemaker_client):
    sagemaker_client.create_workteam(WorkteamName="team", Description="d", MemberDefinitions=members())
    updated = sagemaker_client.update_workteam(WorkteamName="team", Description="new",
                                               MemberDefinitions=members(group="other"))["Workteam"]
    assert updated["Description"] == "new"
    assert updated["MemberDefinitions"][0]["CognitoMemberDefinition"]["UserGroup"] == "other"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_workteam(WorkteamName="team", MemberDefinitions=members(pool="us-east-1_X"))
    assert error_of(refused)[0] == "ValidationException"
    assert sagemaker_client.describe_workteam(WorkteamName="team")["Workteam"]["MemberDefinitions"] == \
        members(group="other")
    assert sagemaker_client.delete_workteam(WorkteamName="team")["Success"] is True
    with pytest.raises(ClientError) as refused:
        sagemaker_client.describe_workteam(WorkteamName="team")
    assert error_of(refused) == ("ValidationException",
                                 f"Workteam arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/team does not "
                                 "exist.")
    sagemaker_client.delete_workforce(WorkforceName="default")
    assert sagemaker_client.list_workforces()["Workforces"] == []


def test_lists_sort_and_filter_by_name(sagemaker_client):
    for name in ("beta", "alpha", "gamma"):
        sagemaker_client.create_workteam(WorkteamName=name, Description="d", MemberDefinitions=members())
    listed = sagemaker_client.list_workteams(SortBy="Name", SortOrder="Descending")["Workteams"]
    assert [t["WorkteamName"] for t in listed] == ["gamma", "beta", "alpha"]
    assert [t["WorkteamName"] for t in sagemaker_client.list_workteams(NameContains="ph")["Workteams"]] == ["alpha"]
    assert [w["WorkforceName"] for w in sagemaker_client.list_workforces(NameContains="def")["Workforces"]] == \
        ["default"]


def test_no_marketplace_team_is_subscribed(sagemaker_client):
    assert sagemaker_client.list_subscribed_workteams()["SubscribedWorkteams"] == []


def test_a_planned_failure_leaves_the_workforce_failed(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("workforce", "Cognito user pool has no domain")
    sagemaker_client.create_workforce(WorkforceName="labelers", CognitoConfig=COGNITO)
    described = sagemaker_client.describe_workforce(WorkforceName="labelers")["Workforce"]
    assert (described["Status"], described["FailureReason"]) == ("Failed", "Cognito user pool has no domain")


def test_a_work_team_is_tagged_through_its_arn(sagemaker_client):
    arn = sagemaker_client.create_workteam(WorkteamName="team", Description="d", MemberDefinitions=members(),
                                           Tags=[{"Key": "a", "Value": "1"}])["WorkteamArn"]
    sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "b", "Value": "2"}])
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    sagemaker_client.delete_workteam(WorkteamName="team")
    with pytest.raises(ClientError) as refused:
        sagemaker_client.list_tags(ResourceArn=arn)
    assert error_of(refused)[0] == "ValidationException"
