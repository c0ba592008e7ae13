"""SageMaker projects, through boto3 as a user drives them."""
from __future__ import annotations

import datetime as dt
import re

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock.core import service
from tests.model_support import requires_member, requires_optional

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROJECT_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:project/"
PRODUCT = {"ProductId": "prod-abcdefghijklm"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ProjectLaunch"
TEMPLATE = {"CfnTemplateProvider": {"TemplateName": "build", "TemplateURL": "https://bucket.s3.amazonaws.com/build.yaml",
                                    "RoleARN": ROLE, "Parameters": [{"Key": "Env", "Value": "dev"}]}}
UTC = dt.timezone.utc


def create(client, name="proj", **kwargs):
    if "TemplateProviders" not in kwargs and "ProjectConfig" not in kwargs:
        kwargs.setdefault("ServiceCatalogProvisioningDetails", PRODUCT)
    return client.create_project(ProjectName=name, **kwargs)


def describe(client, name="proj"):
    document = client.describe_project(ProjectName=name)
    document.pop("ResponseMetadata")
    return document


def status(client, name="proj"):
    return describe(client, name)["ProjectStatus"]


def summaries(client, **kwargs):
    return client.list_projects(**kwargs)["ProjectSummaryList"]


def names(client, **kwargs):
    return [summary["ProjectName"] for summary in summaries(client, **kwargs)]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def tags_of(client, arn):
    return {tag["Key"]: tag["Value"] for tag in client.list_tags(ResourceArn=arn)["Tags"]}


def product_message(document):
    return document["ServiceCatalogProvisionedProductDetails"]["ProvisionedProductStatusMessage"]


def stack(document):
    return document["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]["StackDetail"]


# -- CreateProject / DescribeProject -----------------------------------------------------------

def test_create_then_describe(sagemaker_client):
    created = create(sagemaker_client, "My-Project", ProjectDescription="churn model",
                     Tags=[{"Key": "team", "Value": "ml"}])
    assert created["ProjectArn"] == PROJECT_ARN + "My-Project"  # the name keeps its case in the ARN
    assert re.fullmatch(r"p-[a-z0-9]{12}", created["ProjectId"])

    project = describe(sagemaker_client, "My-Project")
    assert project["ProjectArn"] == created["ProjectArn"]
    assert project["ProjectId"] == created["ProjectId"]
    assert project["ProjectName"] == "My-Project"
    assert project["ProjectDescription"] == "churn model"
    assert project["ProjectStatus"] == "CreateCompleted"
    details = project["ServiceCatalogProvisioningDetails"]
    assert details["ProductId"] == PRODUCT["ProductId"]
    assert re.fullmatch(r"pa-[a-z0-9]{13}", details["ProvisioningArtifactId"])  # the product's latest artifact
    product = project["ServiceCatalogProvisionedProductDetails"]
    assert re.fullmatch(r"pp-[a-z0-9]{13}", product["ProvisionedProductId"])
    assert product["ProvisionedProductStatusMessage"] == "AVAILABLE"
    iam = project["CreatedBy"]["IamIdentity"]
    assert iam["Arn"].startswith(f"arn:aws:iam::{ACCOUNT}:") and iam["PrincipalId"]
    assert project["LastModifiedBy"] == project["CreatedBy"]
    assert isinstance(project["CreationTime"], dt.datetime)
    assert project["LastModifiedTime"] >= project["CreationTime"]
    assert "TemplateProviderDetails" not in project
    assert tags_of(sagemaker_client, created["ProjectArn"]) == {"team": "ml"}


def test_provisioning_details_are_echoed(sagemaker_client):
    given = {"ProductId": "prod-1", "ProvisioningArtifactId": "pa-given", "PathId": "lpv3-path",
             "ProvisioningParameters": [{"Key": "SourceBranch", "Value": "main"}, {"Key": "Empty", "Value": ""}]}
    create(sagemaker_client, ServiceCatalogProvisioningDetails=given)
    assert describe(sagemaker_client)["ServiceCatalogProvisioningDetails"] == given


def test_the_default_artifact_is_the_same_for_one_product(sagemaker_client):
    create(sagemaker_client, "one")
    create(sagemaker_client, "two")
    create(sagemaker_client, "other", ServiceCatalogProvisioningDetails={"ProductId": "prod-other"})
    artifact = {name: describe(sagemaker_client, name)["ServiceCatalogProvisioningDetails"]["ProvisioningArtifactId"]
                for name in ("one", "two", "other")}
    assert artifact["one"] == artifact["two"] != artifact["other"]
    ids = {describe(sagemaker_client, name)["ProjectId"] for name in ("one", "two", "other")}
    assert len(ids) == 3


def test_ids_come_from_the_seeded_random_source(sagemaker_client, sagemaker_mock):
    sagemaker_mock.seed(7)
    first = create(sagemaker_client)["ProjectId"]
    product = describe(sagemaker_client)["ServiceCatalogProvisionedProductDetails"]["ProvisionedProductId"]
    sagemaker_mock.reset()
    sagemaker_mock.seed(7)
    assert create(sagemaker_client)["ProjectId"] == first
    assert describe(sagemaker_client)["ServiceCatalogProvisionedProductDetails"]["ProvisionedProductId"] == product


def test_duplicate_name_is_refused_and_keeps_the_first(sagemaker_client):
    first = create(sagemaker_client, ProjectDescription="first")
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, ProjectDescription="second", Tags=[{"Key": "k", "Value": "v"}])
    code, message = error_of(err)
    assert code == "ValidationException"
    assert message == (f"Project proj already exists ({first['ProjectArn']}): project names must be unique within "
                       "an AWS account and region.")
    project = describe(sagemaker_client)
    assert (project["ProjectId"], project["ProjectDescription"]) == (first["ProjectId"], "first")
    assert tags_of(sagemaker_client, first["ProjectArn"]) == {}
    assert names(sagemaker_client) == ["proj"]


def test_names_are_case_sensitive(sagemaker_client):
    create(sagemaker_client, "proj")
    created = create(sagemaker_client, "PROJ")
    assert created["ProjectArn"] == PROJECT_ARN + "PROJ"
    assert sorted(names(sagemaker_client)) == ["PROJ", "proj"]
    with pytest.raises(ClientError) as err:
        describe(sagemaker_client, "Proj")
    assert error_of(err) == ("ValidationException", "Project Proj does not exist.")


@requires_optional("CreateProject", "ServiceCatalogProvisioningDetails")
def test_a_project_needs_a_product_or_a_template(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_project(ProjectName="proj")
    code, message = error_of(err)
    assert code == "ValidationException" and "ServiceCatalogProvisioningDetails or TemplateProviders" in message
    assert names(sagemaker_client) == []


@requires_member("CreateProject", "TemplateProviders")
def test_a_product_and_a_template_together_are_both_kept(sagemaker_client):
    """"To create a CLASSIC project, specify ServiceCatalogProvisioningDetails or TemplateProviders":
    AWS documents no refusal of both."""
    create(sagemaker_client, ServiceCatalogProvisioningDetails=PRODUCT, TemplateProviders=[TEMPLATE])
    project = describe(sagemaker_client)
    assert project["ServiceCatalogProvisioningDetails"]["ProductId"] == PRODUCT["ProductId"]
    assert [detail["CfnTemplateProviderDetail"]["TemplateName"] for detail in project["TemplateProviderDetails"]] \
        == ["build"]


@requires_member("CreateProject", "ProjectConfig")
def test_a_standard_project_from_project_config(sagemaker_client):
    """CreateProject: "STANDARD - A project that SageMaker sets up with an Amazon Web Services CodeCommit
    repository and a leaderboard. To create a STANDARD project, specify ProjectConfig." The repository is
    "named sagemaker- followed by the project ID" unless one is given."""
    answer = create(sagemaker_client, name="std", ProjectConfig={})
    project = describe(sagemaker_client, "std")
    assert project["ProjectType"] == "STANDARD" and project["ProjectStatus"] == "CreateCompleted"
    details = project["ProjectConfigDetails"]
    repository = f"sagemaker-{answer['ProjectId']}"
    assert details["RepositoryConfig"] == {"CodeCommitConfig": {"RepositoryName": repository}}
    assert details["RepositoryUrl"] == f"https://git-codecommit.{REGION}.amazonaws.com/v1/repos/{repository}"
    assert details["LeaderboardArn"].startswith(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:leaderboard/")
    assert "ServiceCatalogProvisioningDetails" not in project
    board = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:leaderboard/team-board"
    create(sagemaker_client, name="mine", ProjectConfig={
        "RepositoryConfig": {"CodeCommitConfig": {"RepositoryName": "team-repo"}}, "LeaderboardArn": board})
    details = describe(sagemaker_client, "mine")["ProjectConfigDetails"]
    assert (details["RepositoryConfig"]["CodeCommitConfig"]["RepositoryName"], details["LeaderboardArn"]) == \
        ("team-repo", board)
    create(sagemaker_client, name="classic")
    assert describe(sagemaker_client, "classic")["ProjectType"] == "CLASSIC"
    # ListProjects.ProjectType: "A CLASSIC filter also returns projects that have no project type."
    assert sorted(names(sagemaker_client, ProjectType="STANDARD")) == ["mine", "std"]
    assert names(sagemaker_client, ProjectType="CLASSIC") == ["classic"]
    assert [s["ProjectType"] for s in summaries(sagemaker_client, SortBy="Name")] == ["CLASSIC", "STANDARD", "STANDARD"]


@requires_member("CreateProject", "ProjectConfig")
def test_project_config_refusals_create_nothing(sagemaker_client):
    with pytest.raises(ClientError) as err:  # ProjectConfig: "You can't specify ProjectConfig together with ..."
        create(sagemaker_client, ProjectConfig={}, ServiceCatalogProvisioningDetails=PRODUCT)
    assert error_of(err) == ("ValidationException", "You can't specify ProjectConfig together with "
                             "ServiceCatalogProvisioningDetails or TemplateProviders.")
    with pytest.raises(ClientError) as err:  # "available only in the US East (N. Virginia) and US West (Oregon)"
        boto3.client("sagemaker", region_name="eu-west-1", aws_access_key_id=ACCOUNT,
                     aws_secret_access_key="x").create_project(ProjectName="std", ProjectConfig={})
    code, message = error_of(err)
    assert code == "ValidationException" and "us-east-1, us-west-2" in message
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_project(ProjectName="none")
    assert "or ProjectConfig for a STANDARD project" in error_of(err)[1]
    assert names(sagemaker_client) == []


def test_bad_requests_create_nothing(sagemaker_client):
    refusals = [
        dict(name="bad_name"),  # outside the model's name pattern
        dict(name="x" * 33),  # longer than the model allows
        dict(Tags=[{"Key": "aws:team", "Value": "ml"}]),
        dict(Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]),
        dict(ServiceCatalogProvisioningDetails={"ProductId": "prod with spaces"}),
    ]
    for kwargs in refusals:
        with pytest.raises(ClientError) as err:
            create(sagemaker_client, **kwargs)
        assert error_of(err)[0] == "ValidationException", kwargs
    assert names(sagemaker_client) == []


def test_describe_of_a_missing_project(sagemaker_client):
    with pytest.raises(ClientError) as err:
        describe(sagemaker_client, "nothing")
    assert error_of(err) == ("ValidationException", "Project nothing does not exist.")


# -- template providers ---------------------------------------------------------------------------

@requires_member("CreateProject", "TemplateProviders")
def test_a_project_from_a_cloudformation_template(sagemaker_client):
    created = create(sagemaker_client, TemplateProviders=[TEMPLATE])
    project = describe(sagemaker_client)
    assert project["ProjectStatus"] == "CreateCompleted"
    assert "ServiceCatalogProvisioningDetails" not in project
    assert "ServiceCatalogProvisionedProductDetails" not in project
    [provider] = project["TemplateProviderDetails"]
    detail = provider["CfnTemplateProviderDetail"]
    assert {key: detail[key] for key in ("TemplateName", "TemplateURL", "RoleARN", "Parameters")} == \
        TEMPLATE["CfnTemplateProvider"]
    name = f"sagemaker-proj-{created['ProjectId']}"
    assert detail["StackDetail"]["Name"] == name
    assert re.fullmatch(rf"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{name}/[0-9a-f-]{{36}}",
                        detail["StackDetail"]["Id"])
    assert detail["StackDetail"]["StatusMessage"] == "CREATE_COMPLETE"


@requires_member("CreateProject", "TemplateProviders")
def test_a_template_provider_must_name_its_type(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, TemplateProviders=[{}])
    assert error_of(err) == ("ValidationException", "Each template provider must specify exactly one type of template "
                                                    "provider (CfnTemplateProvider).")
    assert names(sagemaker_client) == []


@requires_member("UpdateProject", "TemplateProvidersToUpdate")
def test_update_a_template(sagemaker_client):
    create(sagemaker_client, TemplateProviders=[TEMPLATE])
    before = describe(sagemaker_client)
    sagemaker_client.update_project(ProjectName="proj", TemplateProvidersToUpdate=[{"CfnTemplateProvider": {
        "TemplateName": "build", "TemplateURL": "https://bucket.s3.amazonaws.com/build-v2.yaml",
        "Parameters": [{"Key": "Env", "Value": "prod"}]}}])
    detail = describe(sagemaker_client)["TemplateProviderDetails"][0]["CfnTemplateProviderDetail"]
    assert detail["TemplateURL"] == "https://bucket.s3.amazonaws.com/build-v2.yaml"
    assert detail["Parameters"] == [{"Key": "Env", "Value": "prod"}]
    assert detail["RoleARN"] == ROLE  # the update shape has no RoleARN: it is kept
    assert detail["StackDetail"]["Id"] == stack(before)["Id"]
    assert detail["StackDetail"]["StatusMessage"] == "UPDATE_COMPLETE"


@requires_member("UpdateProject", "TemplateProvidersToUpdate")
def test_update_refuses_what_the_project_does_not_have(sagemaker_client):
    create(sagemaker_client, "templated", TemplateProviders=[TEMPLATE])
    create(sagemaker_client, "catalog")
    unknown = [{"CfnTemplateProvider": {"TemplateName": "deploy", "TemplateURL": "https://b.s3.amazonaws.com/d.yaml"}}]
    attempts = [
        ("templated", {"TemplateProvidersToUpdate": unknown},
         "Project templated has no template named deploy (its templates: build)."),
        ("catalog", {"TemplateProvidersToUpdate": unknown},
         "Project catalog has no template named deploy (its templates: none)."),
        ("templated", {"ServiceCatalogProvisioningUpdateDetails": {"ProvisioningArtifactId": "pa-2"}},
         "Project templated is not provisioned from a Service Catalog product: ServiceCatalogProvisioningUpdateDetails "
         "cannot be applied to it."),
    ]
    for name, kwargs, message in attempts:
        before = describe(sagemaker_client, name)
        with pytest.raises(ClientError) as err:
            sagemaker_client.update_project(ProjectName=name, ProjectDescription="changed", **kwargs)
        assert error_of(err) == ("ValidationException", message)
        assert describe(sagemaker_client, name) == before


@requires_member("CreateProject", "TemplateProviders")
def test_a_failed_template_project_reports_the_reason_on_its_stack(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("project", reason="Template error: unresolved resource dependencies [Bucket]")
    create(sagemaker_client, TemplateProviders=[TEMPLATE])
    project = describe(sagemaker_client)
    assert project["ProjectStatus"] == "CreateFailed"
    assert stack(project)["StatusMessage"] == "Template error: unresolved resource dependencies [Bucket]"


# -- UpdateProject ------------------------------------------------------------------------------

def test_update_description_provisioning_and_tags(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-03-01 10:00:00"):
        created = create(sagemaker_client, ProjectDescription="v1",
                         ServiceCatalogProvisioningDetails={**PRODUCT, "ProvisioningArtifactId": "pa-v1",
                                                            "PathId": "path-1",
                                                            "ProvisioningParameters": [{"Key": "A", "Value": "1"}]},
                         Tags=[{"Key": "team", "Value": "ml"}, {"Key": "stage", "Value": "dev"}])
        sagemaker_mock.advance(90)
        answer = sagemaker_client.update_project(
            ProjectName="proj", ProjectDescription="v2",
            ServiceCatalogProvisioningUpdateDetails={"ProvisioningArtifactId": "pa-v2",
                                                     "ProvisioningParameters": [{"Key": "B", "Value": "2"}]},
            Tags=[{"Key": "team", "Value": "platform"}, {"Key": "cost", "Value": "42"}])
        project = describe(sagemaker_client)
    assert answer["ProjectArn"] == created["ProjectArn"]
    assert project["ProjectStatus"] == "UpdateCompleted"
    assert project["ProjectDescription"] == "v2"
    assert project["ServiceCatalogProvisioningDetails"] == {
        **PRODUCT, "ProvisioningArtifactId": "pa-v2", "PathId": "path-1",
        "ProvisioningParameters": [{"Key": "B", "Value": "2"}]}
    assert product_message(project) == "AVAILABLE"
    assert project["ProjectId"] == created["ProjectId"]
    assert project["CreationTime"] == dt.datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert project["LastModifiedTime"] == dt.datetime(2024, 3, 1, 10, 1, 30, tzinfo=UTC)
    assert project["LastModifiedBy"] == project["CreatedBy"]
    # Tags on UpdateProject are the project's tags from now on (sagemock's reading: docs/projects.md).
    assert tags_of(sagemaker_client, created["ProjectArn"]) == {"team": "platform", "cost": "42"}


def test_update_without_an_artifact_goes_back_to_the_latest(sagemaker_client):
    create(sagemaker_client, "latest")
    latest = describe(sagemaker_client, "latest")["ServiceCatalogProvisioningDetails"]["ProvisioningArtifactId"]
    create(sagemaker_client, ServiceCatalogProvisioningDetails={
        **PRODUCT, "ProvisioningArtifactId": "pa-old", "ProvisioningParameters": [{"Key": "A", "Value": "1"}]})
    sagemaker_client.update_project(ProjectName="proj", ServiceCatalogProvisioningUpdateDetails={})
    details = describe(sagemaker_client)["ServiceCatalogProvisioningDetails"]
    assert details["ProvisioningArtifactId"] == latest
    assert details["ProvisioningParameters"] == [{"Key": "A", "Value": "1"}]  # not given: kept


def test_update_with_only_a_name_keeps_everything(sagemaker_client):
    create(sagemaker_client, ProjectDescription="kept", Tags=[{"Key": "team", "Value": "ml"}])
    before = describe(sagemaker_client)
    sagemaker_client.update_project(ProjectName="proj")
    after = describe(sagemaker_client)
    assert after["ProjectStatus"] == "UpdateCompleted"
    for key in ("ProjectDescription", "ServiceCatalogProvisioningDetails", "ProjectId", "CreationTime"):
        assert after[key] == before[key]
    assert tags_of(sagemaker_client, after["ProjectArn"]) == {"team": "ml"}


def test_bad_update_tags_change_nothing(sagemaker_client):
    arn = create(sagemaker_client, ProjectDescription="v1", Tags=[{"Key": "team", "Value": "ml"}])["ProjectArn"]
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_project(ProjectName="proj", ProjectDescription="v2",
                                        Tags=[{"Key": "aws:owner", "Value": "x"}])
    assert error_of(err)[0] == "ValidationException"
    assert describe(sagemaker_client) == before
    assert tags_of(sagemaker_client, arn) == {"team": "ml"}


def test_update_and_delete_of_a_missing_project(sagemaker_client):
    for call in (sagemaker_client.update_project, sagemaker_client.delete_project):
        with pytest.raises(ClientError) as err:
            call(ProjectName="ghost")
        assert error_of(err) == ("ValidationException", "Project ghost does not exist.")


# -- DeleteProject ------------------------------------------------------------------------------

def test_delete_removes_the_project_and_its_tags(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])["ProjectArn"]
    create(sagemaker_client, "kept")
    assert sagemaker_client.delete_project(ProjectName="proj")["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as err:
        describe(sagemaker_client)
    assert error_of(err) == ("ValidationException", "Project proj does not exist.")
    assert names(sagemaker_client) == ["kept"]
    with pytest.raises(ClientError):
        sagemaker_client.list_tags(ResourceArn=arn)
    again = create(sagemaker_client)  # the name is free again
    assert again["ProjectArn"] == arn and status(sagemaker_client) == "CreateCompleted"


# -- statuses, step by step -----------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads")
def test_every_status_of_create_update_and_delete(sagemaker_client):
    create(sagemaker_client)
    creating = describe(sagemaker_client)
    assert (creating["ProjectStatus"], product_message(creating)) == ("CreateInProgress", "UNDER_CHANGE")
    created = describe(sagemaker_client)
    assert (created["ProjectStatus"], product_message(created)) == ("CreateCompleted", "AVAILABLE")
    assert status(sagemaker_client) == "CreateCompleted"

    sagemaker_client.update_project(ProjectName="proj", ProjectDescription="v2")
    updating = describe(sagemaker_client)
    assert (updating["ProjectStatus"], product_message(updating)) == ("UpdateInProgress", "UNDER_CHANGE")
    assert updating["ProjectDescription"] == "v2"
    updated = describe(sagemaker_client)
    assert (updated["ProjectStatus"], product_message(updated)) == ("UpdateCompleted", "AVAILABLE")

    sagemaker_client.delete_project(ProjectName="proj")
    assert [s["ProjectStatus"] for s in summaries(sagemaker_client)] == ["DeleteInProgress"]  # a List is a read
    assert status(sagemaker_client) == "DeleteCompleted"
    with pytest.raises(ClientError) as err:
        describe(sagemaker_client)
    assert error_of(err) == ("ValidationException", "Project proj does not exist.")
    assert summaries(sagemaker_client) == []


@pytest.mark.sagemock(transitions="reads")
def test_writes_are_refused_while_an_operation_runs(sagemaker_client):
    # In "reads" mode a write sees the status the reads before it have earned, so each refused
    # write below comes before any read of the operation it conflicts with.
    arn = create(sagemaker_client, ProjectDescription="v1", Tags=[{"Key": "team", "Value": "ml"}])["ProjectArn"]
    for call, verb in ((sagemaker_client.update_project, "update"), (sagemaker_client.delete_project, "delete")):
        kwargs = {"ProjectDescription": "v2", "Tags": [{"Key": "x", "Value": "y"}]} if verb == "update" else {}
        with pytest.raises(ClientError) as err:
            call(ProjectName="proj", **kwargs)
        assert error_of(err) == ("ConflictException",
                                 f"Cannot {verb} Project in CreateInProgress status: another operation on project proj "
                                 "is in progress. Wait until it completes.")
    # Nothing changed, and a refused write is not a read: the first read still sees the first status.
    creating = describe(sagemaker_client)
    assert (creating["ProjectStatus"], creating["ProjectDescription"]) == ("CreateInProgress", "v1")
    assert creating["LastModifiedBy"] == creating["CreatedBy"]
    assert tags_of(sagemaker_client, arn) == {"team": "ml"}
    assert status(sagemaker_client) == "CreateCompleted"

    sagemaker_client.update_project(ProjectName="proj", ProjectDescription="v2")
    for call in (sagemaker_client.update_project, sagemaker_client.delete_project):
        with pytest.raises(ClientError) as err:
            call(ProjectName="proj")
        code, message = error_of(err)
        assert code == "ConflictException" and message.startswith("Cannot ") and "in UpdateInProgress status" in message
    assert [status(sagemaker_client) for _ in range(2)] == ["UpdateInProgress", "UpdateCompleted"]

    sagemaker_client.delete_project(ProjectName="proj")
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_project(ProjectName="proj")
    assert error_of(err)[0] == "ConflictException" and "in DeleteInProgress status" in error_of(err)[1]
    assert [status(sagemaker_client) for _ in range(2)] == ["DeleteInProgress", "DeleteCompleted"]
    assert names(sagemaker_client) == []


@pytest.mark.sagemock(transitions="seconds", transition_seconds=60)
def test_statuses_as_the_clock_moves(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-05-01 08:00:00"):
        create(sagemaker_client)
        first = describe(sagemaker_client)
        sagemaker_mock.advance(60)
        second = describe(sagemaker_client)
    start = dt.datetime(2024, 5, 1, 8, tzinfo=UTC)
    assert (first["ProjectStatus"], first["LastModifiedTime"]) == ("CreateInProgress", start)
    assert (second["ProjectStatus"], second["LastModifiedTime"]) == ("CreateCompleted", start + dt.timedelta(minutes=1))
    assert second["CreationTime"] == start


# -- failures -----------------------------------------------------------------------------------

def test_fail_next_create_reports_the_reason(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("project", reason="ProvisioningArtifact pa-1 is not available")
    create(sagemaker_client)
    project = describe(sagemaker_client)
    assert project["ProjectStatus"] == "CreateFailed"
    assert product_message(project) == "ProvisioningArtifact pa-1 is not available"
    create(sagemaker_client, "next")  # the plan is used up
    assert status(sagemaker_client, "next") == "CreateCompleted"

    with pytest.raises(ClientError) as err:
        sagemaker_client.update_project(ProjectName="proj", ProjectDescription="retry")
    assert error_of(err) == ("ValidationException", "Cannot update Project in CreateFailed status")
    assert describe(sagemaker_client) == project
    sagemaker_client.delete_project(ProjectName="proj")  # a failed project can be deleted
    assert names(sagemaker_client) == ["next"]


@pytest.mark.sagemock(transitions="reads")
def test_fail_next_by_name_fails_that_projects_update(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, "fine")
    create(sagemaker_client, "doomed")
    for name in ("fine", "doomed"):
        assert [status(sagemaker_client, name) for _ in range(2)] == ["CreateInProgress", "CreateCompleted"]
    sagemaker_mock.fail_next("project", reason="Stack update rolled back", name="doomed")
    for name in ("fine", "doomed"):
        sagemaker_client.update_project(ProjectName=name, ProjectDescription="v2")
    assert [status(sagemaker_client, "fine") for _ in range(2)] == ["UpdateInProgress", "UpdateCompleted"]
    assert [status(sagemaker_client, "doomed") for _ in range(2)] == ["UpdateInProgress", "UpdateFailed"]
    doomed = describe(sagemaker_client, "doomed")
    assert product_message(doomed) == "Stack update rolled back"
    sagemaker_client.update_project(ProjectName="doomed", ProjectDescription="v3")  # accepted from UpdateFailed
    assert [status(sagemaker_client, "doomed") for _ in range(2)] == ["UpdateInProgress", "UpdateCompleted"]
    assert product_message(describe(sagemaker_client, "doomed")) == "AVAILABLE"


def test_fail_next_delete_keeps_the_project(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])["ProjectArn"]
    sagemaker_mock.fail_next("project", reason="Failed to terminate the provisioned product")
    sagemaker_client.delete_project(ProjectName="proj")
    project = describe(sagemaker_client)
    assert project["ProjectStatus"] == "DeleteFailed"
    assert product_message(project) == "Failed to terminate the provisioned product"
    assert tags_of(sagemaker_client, arn) == {"team": "ml"}
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_project(ProjectName="proj")
    assert error_of(err) == ("ValidationException", "Cannot update Project in DeleteFailed status")
    sagemaker_client.delete_project(ProjectName="proj")  # a retried delete goes through
    assert names(sagemaker_client) == []


def test_set_status_forces_any_status(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client)["ProjectArn"]
    sagemaker_mock.set_status(arn, "UpdateFailed", reason="Parameter validation failed")
    project = describe(sagemaker_client)
    assert (project["ProjectStatus"], product_message(project)) == ("UpdateFailed", "Parameter validation failed")
    sagemaker_mock.set_status(arn, "DeleteCompleted")
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_project(ProjectName="proj")
    assert error_of(err) == ("ValidationException", "Cannot delete Project in DeleteCompleted status")
    assert status(sagemaker_client) == "DeleteCompleted"


# -- ListProjects -------------------------------------------------------------------------------

def test_list_summaries_filters_and_sorting(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-01-01 00:00:00"):
        for name in ("beta", "alpha-churn", "gamma-churn"):
            create(sagemaker_client, name, ProjectDescription=f"about {name}")
            sagemaker_mock.advance(3600)
    [summary] = [s for s in summaries(sagemaker_client) if s["ProjectName"] == "beta"]
    newer = {"ProjectType"} & set(service.shape("ProjectSummary").members)  # botocore 1.44 and later
    assert set(summary) == {"ProjectName", "ProjectDescription", "ProjectArn", "ProjectId", "CreationTime",
                            "ProjectStatus"} | newer
    assert summary["ProjectArn"] == PROJECT_ARN + "beta" and summary["ProjectStatus"] == "CreateCompleted"

    assert names(sagemaker_client) == ["beta", "alpha-churn", "gamma-churn"]  # CreationTime, Ascending
    assert names(sagemaker_client, SortOrder="Descending") == ["gamma-churn", "alpha-churn", "beta"]
    assert names(sagemaker_client, SortBy="Name") == ["alpha-churn", "beta", "gamma-churn"]
    assert names(sagemaker_client, SortBy="Name", SortOrder="Descending") == ["gamma-churn", "beta", "alpha-churn"]
    assert names(sagemaker_client, NameContains="churn") == ["alpha-churn", "gamma-churn"]
    one_am = dt.datetime(2024, 1, 1, 1, tzinfo=UTC)
    assert names(sagemaker_client, CreationTimeAfter=one_am) == ["gamma-churn"]  # strictly after
    assert names(sagemaker_client, CreationTimeBefore=one_am) == ["beta"]  # strictly before
    assert names(sagemaker_client, CreationTimeAfter=dt.datetime(2023, 12, 31, tzinfo=UTC),
                 CreationTimeBefore=dt.datetime(2024, 1, 1, 1, 30, tzinfo=UTC), NameContains="a") == [
        "beta", "alpha-churn"]


def test_list_pages(sagemaker_client, sagemaker_mock):
    for index in range(12):
        create(sagemaker_client, f"proj-{index:02}")
        sagemaker_mock.advance(1)
    first = sagemaker_client.list_projects()
    assert [s["ProjectName"] for s in first["ProjectSummaryList"]] == [f"proj-{i:02}" for i in range(10)]
    second = sagemaker_client.list_projects(NextToken=first["NextToken"])
    assert [s["ProjectName"] for s in second["ProjectSummaryList"]] == ["proj-10", "proj-11"]
    assert "NextToken" not in second

    sizes, seen = [], []
    for page in _pages(sagemaker_client, SortBy="Name", SortOrder="Descending", MaxResults=5):
        sizes.append(len(page["ProjectSummaryList"]))
        seen += [s["ProjectName"] for s in page["ProjectSummaryList"]]
    assert sizes == [5, 5, 2]
    assert seen == [f"proj-{index:02}" for index in reversed(range(12))]


def _pages(client, **kwargs):
    """ListProjects page by page (botocore has a paginator for it only from 1.44 on)."""
    while True:
        page = client.list_projects(**kwargs)
        yield page
        if "NextToken" not in page:
            return
        kwargs["NextToken"] = page["NextToken"]


def test_list_limits_and_tokens(sagemaker_client):
    create(sagemaker_client)
    limit = service.max_results_limit("ListProjects")
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_projects(MaxResults=limit + 1)
    assert error_of(err)[0] == "ValidationException"
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_projects(NextToken="not-a-token")
    assert error_of(err)[0] == "ValidationException"
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_projects(SortBy="Status")
    assert error_of(err)[0] == "ValidationException"
