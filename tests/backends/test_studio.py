"""Studio: domains, user profiles, spaces, apps, Studio lifecycle configurations and presigned URLs.

The contract tests (tests/test_declared.py) cover what every declared resource shares; these cover
Studio's own rules: generated domain ids and URLs, composite keys, the hierarchy's delete refusals,
Deleted apps, the Studio user in `CreatedBy`, and CreatePresignedDomainUrl.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from botocore.exceptions import ClientError

from sagemock import mock_sagemaker
from tests.model_support import declared, requires_optional

ROLE = "arn:aws:iam::123456789012:role/sagemaker"
SCRIPT = "ZWNobyBoaQ=="


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


#: A network for domains: botocore 1.35 requires it on CreateDomain, newer models leave it optional.
NETWORK = {"SubnetIds": ["subnet-1"], "VpcId": "vpc-1"}


def domain_id_of(answer: dict[str, Any]) -> str:
    """The new domain's id, from its ARN (botocore 1.35's CreateDomain answers no DomainId)."""
    return str(answer["DomainArn"].rsplit("/", 1)[1])


def domain(sm: Any, name: str = "studio", **extra: Any) -> str:
    answer = sm.create_domain(DomainName=name, AuthMode=extra.pop("AuthMode", "IAM"),
                              DefaultUserSettings=extra.pop("DefaultUserSettings", {"ExecutionRole": ROLE}),
                              **{**NETWORK, **extra})
    return domain_id_of(answer)


def test_domain_id_url_and_defaults_are_as_aws_makes_them(sagemaker_client):
    answer = sagemaker_client.create_domain(DomainName="studio", AuthMode="IAM",
                                            DefaultUserSettings={"ExecutionRole": ROLE}, **NETWORK)
    domain_id = domain_id_of(answer)
    assert answer.get("DomainId", domain_id) == domain_id
    assert re.fullmatch(r"d-[a-z0-9]{12}", domain_id)
    assert answer["Url"] == f"https://{domain_id}.studio.us-east-1.sagemaker.aws"
    assert answer["DomainArn"] == f"arn:aws:sagemaker:us-east-1:123456789012:domain/{domain_id}"
    described = sagemaker_client.describe_domain(DomainId=domain_id)
    assert described["Status"] == "InService"
    assert described["AppNetworkAccessType"] == "PublicInternetOnly"
    if declared("DescribeDomainResponse", "TagPropagation"):
        assert described["TagPropagation"] == "DISABLED"
    assert described["HomeEfsFileSystemId"].startswith("fs-")
    assert "SingleSignOnManagedApplicationInstanceId" not in described
    assert [found["DomainId"] for found in sagemaker_client.list_domains()["Domains"]] == [domain_id]


def test_an_sso_domain_gets_its_identity_center_application(sagemaker_client):
    domain_id = domain(sagemaker_client, AuthMode="SSO")
    described = sagemaker_client.describe_domain(DomainId=domain_id)
    assert described["SingleSignOnManagedApplicationInstanceId"]
    assert re.fullmatch(r"arn:aws:sso::123456789012:application/ssoins-[0-9a-f]{16}/apl-[0-9a-f]{16}",
                        described["SingleSignOnApplicationArn"])


@requires_optional("CreateDomain", "SubnetIds")
def test_vpc_only_needs_subnets_vpc_and_security_groups(sagemaker_client):
    code, message = error_of(sagemaker_client.create_domain, DomainName="vpc", AuthMode="IAM",
                             DefaultUserSettings={"ExecutionRole": ROLE}, AppNetworkAccessType="VpcOnly")
    assert code == "ValidationException" and "SubnetIds" in message
    assert sagemaker_client.list_domains()["Domains"] == []
    domain_id = domain_id_of(sagemaker_client.create_domain(
        DomainName="vpc", AuthMode="IAM", AppNetworkAccessType="VpcOnly", SubnetIds=["subnet-1"], VpcId="vpc-1",
        DefaultUserSettings={"ExecutionRole": ROLE, "SecurityGroups": ["sg-1"]}))
    assert sagemaker_client.describe_domain(DomainId=domain_id)["SecurityGroupIdForDomainBoundary"].startswith("sg-")


def test_user_profiles_are_keyed_by_domain_and_name(sagemaker_client):
    first, second = domain(sagemaker_client, "one"), domain(sagemaker_client, "two")
    for domain_id in (first, second):
        sagemaker_client.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    described = sagemaker_client.describe_user_profile(DomainId=second, UserProfileName="alice")
    assert described["UserProfileArn"] == f"arn:aws:sagemaker:us-east-1:123456789012:user-profile/{second}/alice"
    assert described["HomeEfsFileSystemUid"].isdigit()
    listed = sagemaker_client.list_user_profiles(DomainIdEquals=first)["UserProfiles"]
    assert [(found["DomainId"], found["UserProfileName"]) for found in listed] == [(first, "alice")]
    assert len(sagemaker_client.list_user_profiles(UserProfileNameContains="ALI")["UserProfiles"]) == 2
    code, _ = error_of(sagemaker_client.create_user_profile, DomainId=first, UserProfileName="alice")
    assert code == "ResourceInUse"
    code, _ = error_of(sagemaker_client.create_user_profile, DomainId="d-nosuchdomain1", UserProfileName="bob")
    assert code in ("ResourceNotFound", "ValidationException")
    code, _ = error_of(sagemaker_client.describe_user_profile, DomainId=first, UserProfileName="bob")
    assert code == "ResourceNotFound"


def test_sso_user_identifier_is_required_exactly_for_sso_domains(sagemaker_client):
    iam, sso = domain(sagemaker_client, "iam"), domain(sagemaker_client, "sso", AuthMode="SSO")
    code, _ = error_of(sagemaker_client.create_user_profile, DomainId=sso, UserProfileName="alice")
    assert code == "ValidationException"
    sagemaker_client.create_user_profile(DomainId=sso, UserProfileName="alice", SingleSignOnUserIdentifier="UserName",
                                         SingleSignOnUserValue="alice@example.com")
    code, _ = error_of(sagemaker_client.create_user_profile, DomainId=iam, UserProfileName="alice",
                       SingleSignOnUserIdentifier="UserName", SingleSignOnUserValue="alice@example.com")
    assert code == "ValidationException"


def test_deletes_are_refused_while_children_exist(sagemaker_client, sagemaker_mock):
    domain_id = domain(sagemaker_client)
    sagemaker_client.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    sagemaker_client.create_space(DomainId=domain_id, SpaceName="shared",
                                  OwnershipSettings={"OwnerUserProfileName": "alice"},
                                  SpaceSharingSettings={"SharingType": "Shared"})
    sagemaker_client.create_app(DomainId=domain_id, SpaceName="shared", AppType="JupyterLab", AppName="default")
    before = sagemaker_mock.snapshot()
    code, message = error_of(sagemaker_client.delete_domain, DomainId=domain_id)
    assert code == "ResourceInUse" and "alice" in message and "shared" in message
    code, message = error_of(sagemaker_client.delete_user_profile, DomainId=domain_id, UserProfileName="alice")
    assert code == "ResourceInUse" and "shared" in message  # the space it owns
    code, message = error_of(sagemaker_client.delete_space, DomainId=domain_id, SpaceName="shared")
    assert code == "ResourceInUse" and "default" in message  # its app
    assert sagemaker_mock.snapshot() == before
    sagemaker_client.delete_app(DomainId=domain_id, SpaceName="shared", AppType="JupyterLab", AppName="default")
    sagemaker_client.delete_space(DomainId=domain_id, SpaceName="shared")
    sagemaker_client.delete_user_profile(DomainId=domain_id, UserProfileName="alice")
    sagemaker_client.delete_domain(DomainId=domain_id)
    assert sagemaker_client.list_domains()["Domains"] == []
    assert sagemaker_client.list_apps()["Apps"] == []  # the space's Deleted app went with it


def test_a_failed_app_does_not_hold_its_user_profile(sagemaker_client, sagemaker_mock):
    domain_id = domain(sagemaker_client)
    sagemaker_client.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    sagemaker_mock.fail_next("app", "no capacity")
    sagemaker_client.create_app(DomainId=domain_id, UserProfileName="alice", AppType="KernelGateway", AppName="k1")
    app = sagemaker_client.describe_app(DomainId=domain_id, UserProfileName="alice", AppType="KernelGateway",
                                        AppName="k1")
    assert (app["Status"], app["FailureReason"]) == ("Failed", "no capacity")
    code, _ = error_of(sagemaker_client.delete_app, DomainId=domain_id, UserProfileName="alice",
                       AppType="KernelGateway", AppName="k1")
    assert code == "ValidationException"  # "an attempt to delete an app in Failed state results in an error"
    sagemaker_client.delete_user_profile(DomainId=domain_id, UserProfileName="alice")


def test_a_deleted_app_stays_listed_until_its_name_is_taken_again(sagemaker_client):
    domain_id = domain(sagemaker_client)
    sagemaker_client.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    key = {"DomainId": domain_id, "UserProfileName": "alice", "AppType": "JupyterServer", "AppName": "default"}
    arn = sagemaker_client.create_app(**key)["AppArn"]
    assert arn == f"arn:aws:sagemaker:us-east-1:123456789012:app/{domain_id}/alice/JupyterServer/default"
    sagemaker_client.delete_app(**key)
    assert sagemaker_client.describe_app(**key)["Status"] == "Deleted"
    assert [app["Status"] for app in sagemaker_client.list_apps(UserProfileNameEquals="alice")["Apps"]] == ["Deleted"]
    sagemaker_client.create_app(**key)
    assert [app["Status"] for app in sagemaker_client.list_apps(DomainIdEquals=domain_id)["Apps"]] == ["InService"]
    code, _ = error_of(sagemaker_client.list_apps, UserProfileNameEquals="alice", SpaceNameEquals="shared")
    assert code == "ValidationException"


def test_an_app_belongs_to_exactly_one_existing_user_profile_or_space(sagemaker_client):
    domain_id = domain(sagemaker_client)
    code, _ = error_of(sagemaker_client.create_app, DomainId=domain_id, AppType="JupyterLab", AppName="default")
    assert code == "ValidationException"
    code, _ = error_of(sagemaker_client.create_app, DomainId=domain_id, UserProfileName="ghost",
                       AppType="JupyterLab", AppName="default")
    assert code in ("ResourceNotFound", "ValidationException")
    assert sagemaker_client.list_apps()["Apps"] == []


def test_updates_walk_updating_to_in_service_and_keep_aws_limits(sagemaker_client):
    domain_id = domain(sagemaker_client)
    sagemaker_client.update_domain(DomainId=domain_id, DefaultUserSettings={"ExecutionRole": ROLE + "-2"})
    described = sagemaker_client.describe_domain(DomainId=domain_id)
    assert described["Status"] == "InService"
    assert described["DefaultUserSettings"]["ExecutionRole"] == ROLE + "-2"
    if "HomeEfsFileSystemCreation" in declared("UpdateDomainRequest", "HomeEfsFileSystemCreation"):
        code, _ = error_of(sagemaker_client.update_domain, DomainId=domain_id, HomeEfsFileSystemCreation="Disabled")
        assert code == "ValidationException"
    sagemaker_client.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    sagemaker_client.create_space(DomainId=domain_id, SpaceName="lab", SpaceSettings={"AppType": "JupyterLab"},
                                  OwnershipSettings={"OwnerUserProfileName": "alice"},
                                  SpaceSharingSettings={"SharingType": "Private"})
    code, _ = error_of(sagemaker_client.update_space, DomainId=domain_id, SpaceName="lab",
                       SpaceSettings={"AppType": "CodeEditor"})
    assert code == "ValidationException"
    sagemaker_client.update_space(DomainId=domain_id, SpaceName="lab", SpaceDisplayName="Lab")
    summary = sagemaker_client.list_spaces(DomainIdEquals=domain_id)["Spaces"][0]
    assert summary["SpaceDisplayName"] == "Lab"
    assert summary["OwnershipSettingsSummary"] == {"OwnerUserProfileName": "alice"}
    assert summary["SpaceSettingsSummary"] == {"AppType": "JupyterLab"}
    assert [space["SpaceName"] for space in sagemaker_client.list_spaces(SpaceNameContains="LA")["Spaces"]] == ["lab"]
    assert sagemaker_client.list_spaces(SpaceNameContains="notebook")["Spaces"] == []


def test_statuses_walk_on_reads_in_reads_mode():
    with mock_sagemaker(transitions="reads"):
        sm = boto3.client("sagemaker", region_name="us-east-1")
        domain_id = domain(sm)
        assert sm.describe_domain(DomainId=domain_id)["Status"] == "Pending"
        assert sm.describe_domain(DomainId=domain_id)["Status"] == "InService"
        sm.delete_domain(DomainId=domain_id)
        assert sm.describe_domain(DomainId=domain_id)["Status"] == "Deleting"
        with pytest.raises(ClientError):
            sm.describe_domain(DomainId=domain_id)


def test_studio_lifecycle_configs(sagemaker_client):
    code, _ = error_of(sagemaker_client.create_studio_lifecycle_config, StudioLifecycleConfigName="bad",
                       StudioLifecycleConfigContent="not base64!", StudioLifecycleConfigAppType="JupyterLab")
    assert code == "ValidationException"
    arn = sagemaker_client.create_studio_lifecycle_config(
        StudioLifecycleConfigName="tools", StudioLifecycleConfigContent=SCRIPT,
        StudioLifecycleConfigAppType="JupyterLab")["StudioLifecycleConfigArn"]
    sagemaker_client.create_studio_lifecycle_config(StudioLifecycleConfigName="kernel", StudioLifecycleConfigContent=SCRIPT,
                                                    StudioLifecycleConfigAppType="KernelGateway")
    listed = sagemaker_client.list_studio_lifecycle_configs(AppTypeEquals="JupyterLab")["StudioLifecycleConfigs"]
    assert [found["StudioLifecycleConfigArn"] for found in listed] == [arn]
    domain_id = domain(sagemaker_client, DefaultUserSettings={
        "ExecutionRole": ROLE, "JupyterLabAppSettings": {"LifecycleConfigArns": [arn]}})
    code, _ = error_of(sagemaker_client.delete_studio_lifecycle_config, StudioLifecycleConfigName="tools")
    assert code == "ResourceInUse"
    sagemaker_client.update_domain(DomainId=domain_id, DefaultUserSettings={
        "ExecutionRole": ROLE, "JupyterLabAppSettings": {"LifecycleConfigArns": []}})
    sagemaker_client.delete_studio_lifecycle_config(StudioLifecycleConfigName="tools")


def test_presigned_domain_url(sagemaker_client):
    domain_id = domain(sagemaker_client)
    sagemaker_client.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    url = sagemaker_client.create_presigned_domain_url(DomainId=domain_id, UserProfileName="alice",
                                                       ExpiresInSeconds=60)["AuthorizedUrl"]
    parsed = urlparse(url)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", f"{domain_id}.studio.us-east-1.sagemaker.aws",
                                                           "/auth")
    assert parse_qs(parsed.query)["token"]
    for bad in ({"ExpiresInSeconds": 301}, {"SessionExpirationDurationInSeconds": 43201}):  # (botocore checks minimums)
        code, _ = error_of(sagemaker_client.create_presigned_domain_url, DomainId=domain_id, UserProfileName="alice",
                           **bad)
        assert code == "ValidationException", bad
    code, _ = error_of(sagemaker_client.create_presigned_domain_url, DomainId=domain_id, UserProfileName="bob")
    assert code == "ResourceNotFound"
    code, _ = error_of(sagemaker_client.create_presigned_domain_url, DomainId=domain_id, UserProfileName="alice",
                       SpaceName="nowhere")
    assert code == "ResourceNotFound"
    sso = domain(sagemaker_client, "sso", AuthMode="SSO")
    sagemaker_client.create_user_profile(DomainId=sso, UserProfileName="carol", SingleSignOnUserIdentifier="UserName",
                                         SingleSignOnUserValue="carol")
    code, _ = error_of(sagemaker_client.create_presigned_domain_url, DomainId=sso, UserProfileName="carol")
    assert code == "ValidationException"  # "can only be called when the authentication mode equals IAM"


def test_acting_as_a_studio_user_fills_created_by(sagemaker_client, sagemaker_mock):
    domain_id = domain(sagemaker_client)
    arn = sagemaker_client.create_user_profile(DomainId=domain_id, UserProfileName="alice")["UserProfileArn"]
    with sagemaker_mock.act_as_studio_user(domain_id, "alice") as user:
        assert user == {"UserProfileArn": arn, "UserProfileName": "alice", "DomainId": domain_id}
        sagemaker_client.create_experiment(ExperimentName="from-studio")
        sagemaker_client.create_model_package_group(ModelPackageGroupName="from-studio")
    sagemaker_client.create_experiment(ExperimentName="from-a-script")
    created = sagemaker_client.describe_experiment(ExperimentName="from-studio")["CreatedBy"]
    assert created == {"UserProfileArn": arn, "UserProfileName": "alice", "DomainId": domain_id}
    group = sagemaker_client.describe_model_package_group(ModelPackageGroupName="from-studio")["CreatedBy"]
    assert group["UserProfileName"] == "alice" and "IamIdentity" in group  # beside the IAM identity AWS gives
    assert sagemaker_client.describe_experiment(ExperimentName="from-a-script")["CreatedBy"] == {}
    with pytest.raises(ValueError, match="no user profile 'bob'"):
        with sagemaker_mock.act_as_studio_user(domain_id, "bob"):
            pass
