"""Human task UIs and flow definitions through boto3: the template's hash, the references a flow
definition's HumanLoopConfig makes, statuses, and refused requests that change nothing."""
from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/a2i"
TEMPLATE = "<crowd-form><crowd-input name=\"answer\" label=\"Answer\"></crowd-input></crowd-form>"
MEMBERS = [{"CognitoMemberDefinition": {"UserPool": "us-east-1_Pool1", "UserGroup": "reviewers", "ClientId": "c"}}]
PUBLIC_CROWD = f"arn:aws:sagemaker:{REGION}:394669845002:workteam/public-crowd/default"


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def make_ui(client, name="review-ui"):
    return client.create_human_task_ui(HumanTaskUiName=name, UiTemplate={"Content": TEMPLATE})["HumanTaskUiArn"]


def make_team(client, name="reviewers"):
    return client.create_workteam(WorkteamName=name, Description="reviewers", MemberDefinitions=MEMBERS)["WorkteamArn"]


def loop_config(team_arn, ui_arn):
    return {"WorkteamArn": team_arn, "HumanTaskUiArn": ui_arn, "TaskTitle": "Review", "TaskDescription": "Check it",
            "TaskCount": 1}


def make_flow(client, team_arn, ui_arn, name="review-flow", **extra):
    return client.create_flow_definition(FlowDefinitionName=name, RoleArn=ROLE,
                                         OutputConfig={"S3OutputPath": "s3://bucket/a2i"},
                                         HumanLoopConfig=loop_config(team_arn, ui_arn), **extra)["FlowDefinitionArn"]


def test_a_task_ui_answers_where_its_template_is_and_its_hash(sagemaker_client):
    arn = make_ui(sagemaker_client)
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-task-ui/review-ui"
    described = sagemaker_client.describe_human_task_ui(HumanTaskUiName="review-ui")
    assert described["HumanTaskUiStatus"] == "Active"
    assert described["UiTemplate"]["ContentSha256"] == hashlib.sha256(TEMPLATE.encode()).hexdigest()
    assert described["UiTemplate"]["Url"].startswith("https://") and "Content" not in described["UiTemplate"]
    summaries = sagemaker_client.list_human_task_uis()["HumanTaskUiSummaries"]
    assert [(s["HumanTaskUiName"], s["HumanTaskUiArn"]) for s in summaries] == [("review-ui", arn)]


def test_a_task_ui_name_is_taken_once_and_a_deleted_one_is_gone(sagemaker_client):
    make_ui(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        make_ui(sagemaker_client)
    assert error_of(refused)[0] == "ResourceInUse"
    sagemaker_client.delete_human_task_ui(HumanTaskUiName="review-ui")
    with pytest.raises(ClientError) as missing:
        sagemaker_client.describe_human_task_ui(HumanTaskUiName="review-ui")
    assert error_of(missing) == ("ResourceNotFound", f"Could not find HumanTaskUi arn:aws:sagemaker:{REGION}:"
                                                     f"{ACCOUNT}:human-task-ui/review-ui.")
    assert sagemaker_client.list_human_task_uis()["HumanTaskUiSummaries"] == []


def test_a_flow_definition_becomes_active_with_what_it_was_given(sagemaker_client):
    team, ui = make_team(sagemaker_client), make_ui(sagemaker_client)
    arn = make_flow(sagemaker_client, team, ui, Tags=[{"Key": "k", "Value": "v"}])
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:flow-definition/review-flow"
    described = sagemaker_client.describe_flow_definition(FlowDefinitionName="review-flow")
    assert described["FlowDefinitionStatus"] == "Active"
    assert described["HumanLoopConfig"] == loop_config(team, ui)
    assert described["OutputConfig"] == {"S3OutputPath": "s3://bucket/a2i"} and described["RoleArn"] == ROLE
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    [summary] = sagemaker_client.list_flow_definitions()["FlowDefinitionSummaries"]
    assert (summary["FlowDefinitionName"], summary["FlowDefinitionStatus"]) == ("review-flow", "Active")


def test_a_flow_definition_for_the_public_crowd_takes_its_team_on_trust(sagemaker_client):
    make_flow(sagemaker_client, PUBLIC_CROWD, make_ui(sagemaker_client))
    assert sagemaker_client.describe_flow_definition(FlowDefinitionName="review-flow")["HumanLoopConfig"][
        "WorkteamArn"] == PUBLIC_CROWD


def test_a_flow_definition_names_a_work_team_and_a_task_ui_that_exist(sagemaker_client):
    team, ui = make_team(sagemaker_client), make_ui(sagemaker_client)
    absent_team = team.replace("reviewers", "nobody")
    absent_ui = ui.replace("review-ui", "no-ui")
    with pytest.raises(ClientError) as refused:
        make_flow(sagemaker_client, absent_team, ui)
    assert error_of(refused) == ("ValidationException", f"Workteam {absent_team} does not exist.")
    with pytest.raises(ClientError) as refused:
        make_flow(sagemaker_client, team, absent_ui)
    assert error_of(refused) == ("ValidationException", f"Could not find HumanTaskUi {absent_ui}.")
    assert sagemaker_client.list_flow_definitions()["FlowDefinitionSummaries"] == []


def test_a_planned_failure_leaves_the_flow_definition_failed_and_deletable(sagemaker_mock, sagemaker_client):
    team, ui = make_team(sagemaker_client), make_ui(sagemaker_client)
    sagemaker_mock.fail_next("flow-definition", "The role cannot be assumed")
    make_flow(sagemaker_client, team, ui)
    described = sagemaker_client.describe_flow_definition(FlowDefinitionName="review-flow")
    assert (described["FlowDefinitionStatus"], described["FailureReason"]) == ("Failed", "The role cannot be assumed")
    sagemaker_client.delete_flow_definition(FlowDefinitionName="review-flow")
    with pytest.raises(ClientError) as missing:
        sagemaker_client.describe_flow_definition(FlowDefinitionName="review-flow")
    assert error_of(missing)[0] == "ResourceNotFound"


def test_lists_sort_newest_first_and_filter_by_creation_time(sagemaker_client):
    for name in ("first", "second", "third"):
        make_ui(sagemaker_client, name)
    assert [s["HumanTaskUiName"] for s in sagemaker_client.list_human_task_uis()["HumanTaskUiSummaries"]] == \
        ["third", "second", "first"]
    ascending = sagemaker_client.list_human_task_uis(SortOrder="Ascending", MaxResults=2)
    assert [s["HumanTaskUiName"] for s in ascending["HumanTaskUiSummaries"]] == ["first", "second"]
    rest = sagemaker_client.list_human_task_uis(SortOrder="Ascending", MaxResults=2, NextToken=ascending["NextToken"])
    assert [s["HumanTaskUiName"] for s in rest["HumanTaskUiSummaries"]] == ["third"]
