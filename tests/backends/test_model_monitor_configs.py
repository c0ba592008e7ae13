"""Model monitor configurations through boto3: exactly-one rules, versions, pause and resume, the
executions their schedules name while enabled, asynchronous deletion."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.model_support import requires_operation

pytestmark = requires_operation("CreateModelMonitorConfig")

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/monitor"
CRITERIA = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub-content/evals/JsonDoc/helpfulness/1.0.0"
ONE = {"EvalCriteria": {"EvalCriteriaArn": CRITERIA, "EvalCriteriaVersion": "1.0.0",
                        "Sampling": {"SamplingPercentage": 10.0}}}
HOURLY = {"ScheduleExpression": "cron(0 * ? * * *)"}


def create(client, name="quality", source=None, evaluation=ONE, schedule=HOURLY, **extra):
    return client.create_model_monitor_config(
        ModelMonitorConfigName=name, MonitoringSource=source or {"SageMakerEndpoint": {"EndpointName": "chat"}},
        EvaluationConfig=evaluation, ScheduleConfig=schedule, RoleArn=ROLE, **extra)["ModelMonitorConfigArn"]


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def executions(client, name="quality", **filters):
    return client.list_model_monitor_executions(ModelMonitorConfigNameOrArn=name, **filters)[
        "ModelMonitorExecutionSummaries"]


def test_a_new_configuration_is_active_at_once_in_version_1(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-monitor-config/quality"
    config = sagemaker_client.get_model_monitor_config(ModelMonitorConfigNameOrArn=arn)  # by ARN or name
    assert (config["ModelMonitorConfigName"], config["Status"], config["Version"]) == ("quality", "Active", 1)
    assert config["CreatedAt"] == config["UpdatedAt"] and config["EvaluationConfig"] == ONE
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
    with pytest.raises(ClientError) as taken:
        create(sagemaker_client)
    assert code_of(taken) == "ResourceInUse" and arn in str(taken.value)


@pytest.mark.parametrize("member, value", [
    ("MonitoringSource", {"SageMakerEndpoint": {"EndpointName": "chat"}, "BedrockModel": {"ModelId": "m"}}),
    ("MonitoringSource", {}),
    ("EvaluationConfig", {**ONE, "EvalCriteriaList": [ONE["EvalCriteria"]]}),
    ("EvaluationConfig", {}),
])
def test_source_and_evaluation_take_exactly_one_member(sagemaker_mock, member, value):
    # botocore refuses these unions itself; other SDKs and the AWS CLI's --no-validate send them.
    sagemaker_client = boto3.client("sagemaker", region_name=REGION, config=Config(parameter_validation=False))
    request = {"ModelMonitorConfigName": "quality", "RoleArn": ROLE, "ScheduleConfig": HOURLY,
               "MonitoringSource": {"SageMakerEndpoint": {"EndpointName": "chat"}}, "EvaluationConfig": ONE}
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_model_monitor_config(**{**request, member: value})
    assert code_of(refused) == "ValidationException" and "exactly one member" in str(refused.value)
    with pytest.raises(ClientError) as missing:
        sagemaker_client.get_model_monitor_config(ModelMonitorConfigNameOrArn="quality")
    assert code_of(missing) == "ResourceNotFound"


def test_list_answers_the_configurations_of_one_target_newest_first(sagemaker_client):
    create(sagemaker_client, "first")
    create(sagemaker_client, "second")
    create(sagemaker_client, "bedrock", source={"BedrockModel": {"ModelId": "anthropic.claude-v2"}})
    listed = sagemaker_client.list_model_monitor_configs(TargetType="SageMakerEndpoint", TargetName="chat")
    assert [summary["ModelMonitorConfigName"] for summary in listed["ModelMonitorConfigSummaries"]] == \
        ["second", "first"]
    assert listed["ModelMonitorConfigSummaries"][0]["Target"] == {"TargetType": "SageMakerEndpoint",
                                                                  "TargetName": "chat"}
    bedrock = sagemaker_client.list_model_monitor_configs(TargetType="BedrockModel", TargetName="anthropic.claude-v2")
    assert [summary["ModelMonitorConfigName"] for summary in bedrock["ModelMonitorConfigSummaries"]] == ["bedrock"]
    paged = sagemaker_client.get_paginator("list_model_monitor_configs").paginate(
        TargetType="SageMakerEndpoint", TargetName="chat", PaginationConfig={"PageSize": 1}).build_full_result()
    assert len(paged["ModelMonitorConfigSummaries"]) == 2


def test_executions_are_the_runs_the_schedule_named_while_enabled(sagemaker_mock, sagemaker_client):
    arn = create(sagemaker_client)
    assert executions(sagemaker_client) == []
    created = sagemaker_client.get_model_monitor_config(ModelMonitorConfigNameOrArn=arn)["CreatedAt"]
    sagemaker_mock.advance(3 * 3600)
    ran = executions(sagemaker_client)
    assert len(ran) == 3 and all(run["ScheduledAt"].minute == 0 and run["ScheduledAt"] > created for run in ran)
    assert ran == sorted(ran, key=lambda run: run["ScheduledAt"], reverse=True)  # newest first
    assert {(run["Status"], run["ReasonCode"], run["TracesSampled"]) for run in ran} == {("Completed", "NoTraffic", 0)}
    one = sagemaker_client.get_model_monitor_execution(ModelMonitorConfigNameOrArn="quality",
                                                       ScheduledAt=ran[-1]["ScheduledAt"])
    assert (one["ConfigVersion"], one["EvalCriteriaVersion"], one["ScorerCount"]) == (1, "1.0.0", 1)
    # Paused, the configuration runs no more; resumed, it runs again, in its new version.
    assert sagemaker_client.update_model_monitor_config(ModelMonitorConfigNameOrArn=arn, Enabled=False)[
        "Status"] == "Inactive"
    sagemaker_mock.advance(2 * 3600)
    assert len(executions(sagemaker_client)) == 3
    answer = sagemaker_client.update_model_monitor_config(ModelMonitorConfigNameOrArn=arn, Enabled=True)
    assert (answer["Status"], answer["Version"]) == ("Active", 3)
    sagemaker_mock.advance(3600)
    ran = executions(sagemaker_client)
    assert len(ran) == 4
    assert sagemaker_client.get_model_monitor_execution(ModelMonitorConfigNameOrArn=arn, ScheduledAt=ran[0][
        "ScheduledAt"])["ConfigVersion"] == 3
    later = ran[0]["ScheduledAt"]
    assert executions(sagemaker_client, ScheduledBefore=later) == ran[1:]
    assert executions(sagemaker_client, ScheduledAfter=later) == []
    assert executions(sagemaker_client, StatusEquals="Failed") == []
    with pytest.raises(ClientError) as missing:
        sagemaker_client.get_model_monitor_execution(ModelMonitorConfigNameOrArn=arn,
                                                     ScheduledAt=later + dt.timedelta(minutes=30))
    assert code_of(missing) == "ResourceNotFound"


def test_now_runs_once_when_the_configuration_is_enabled(sagemaker_client):
    create(sagemaker_client, schedule={"ScheduleExpression": "NOW"})
    [run] = executions(sagemaker_client)
    assert run["Status"] == "Completed"


def test_an_update_keeps_what_it_does_not_name_and_counts_a_version(sagemaker_client):
    arn = create(sagemaker_client)
    both = {"EvalCriteriaList": [ONE["EvalCriteria"]]}
    answer = sagemaker_client.update_model_monitor_config(ModelMonitorConfigNameOrArn="quality", EvaluationConfig=both)
    assert (answer["ModelMonitorConfigArn"], answer["Version"], answer["Status"]) == (arn, 2, "Active")
    config = sagemaker_client.get_model_monitor_config(ModelMonitorConfigNameOrArn=arn)
    assert config["EvaluationConfig"] == both and config["ScheduleConfig"] == HOURLY and config["RoleArn"] == ROLE
    assert config["UpdatedAt"] >= config["CreatedAt"]


def test_pausing_needs_an_active_or_inactive_configuration(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("model-monitor-config", "The role cannot read the traces", name="broken")
    create(sagemaker_client, "broken")
    config = sagemaker_client.get_model_monitor_config(ModelMonitorConfigNameOrArn="broken")
    assert (config["Status"], config["StatusReason"]) == ("Failed", "The role cannot read the traces")
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_model_monitor_config(ModelMonitorConfigNameOrArn="broken", Enabled=True)
    assert code_of(refused) == "ConflictException"
    assert executions(sagemaker_client, "broken") == []


@pytest.mark.sagemock(transitions="seconds", transition_seconds=10)
def test_deletion_is_asynchronous(sagemaker_mock, sagemaker_client):
    arn = create(sagemaker_client)
    assert sagemaker_client.delete_model_monitor_config(ModelMonitorConfigNameOrArn=arn)["ResponseMetadata"]
    assert sagemaker_client.get_model_monitor_config(ModelMonitorConfigNameOrArn=arn)["Status"] == "Deleting"
    for call in (lambda: sagemaker_client.delete_model_monitor_config(ModelMonitorConfigNameOrArn=arn),
                 lambda: sagemaker_client.update_model_monitor_config(ModelMonitorConfigNameOrArn=arn, RoleArn=ROLE)):
        with pytest.raises(ClientError) as refused:
            call()
        assert code_of(refused) == "ConflictException"
    sagemaker_mock.advance(10)
    with pytest.raises(ClientError) as gone:
        sagemaker_client.get_model_monitor_config(ModelMonitorConfigNameOrArn=arn)
    assert code_of(gone) == "ResourceNotFound"
    assert sagemaker_client.list_model_monitor_configs(TargetType="SageMakerEndpoint", TargetName="chat")[
        "ModelMonitorConfigSummaries"] == []
