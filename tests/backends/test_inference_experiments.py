"""Inference experiments (shadow tests) through boto3: the schedule on the mock clock, Start, Update
from Created and Running, Stop with its variant actions and desired state, Delete, the refusals."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/experiments"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shadow:1"
INFRA = {"InfrastructureType": "RealTimeInference",
         "RealTimeInferenceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}}
VARIANTS = [{"ModelName": "prod", "VariantName": "production", "InfrastructureConfig": INFRA},
            {"ModelName": "candidate", "VariantName": "shadow", "InfrastructureConfig": INFRA}]
SHADOW = {"SourceModelVariantName": "production",
          "ShadowModelVariants": [{"ShadowModelVariantName": "shadow", "SamplingPercentage": 20}]}


def refusal(call, **params):
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


@pytest.fixture
def endpoint(sagemaker_client):
    for name in ("prod", "candidate"):
        sagemaker_client.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    sagemaker_client.create_endpoint_config(EndpointConfigName="live", ProductionVariants=[{
        "VariantName": "production", "ModelName": "prod", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
    sagemaker_client.create_endpoint(EndpointName="live", EndpointConfigName="live")
    return "live"


def create(sm, name="shadow-test", **extra):
    params = {"Name": name, "Type": "ShadowMode", "RoleArn": ROLE, "EndpointName": "live", "ModelVariants": VARIANTS,
              "ShadowModeConfig": SHADOW, **extra}
    return sm.create_inference_experiment(**params)


def test_without_a_schedule_the_experiment_runs_at_once_for_seven_days(sagemaker_client, endpoint):
    arn = create(sagemaker_client)["InferenceExperimentArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:inference-experiment/shadow-test"
    described = sagemaker_client.describe_inference_experiment(Name="shadow-test")
    assert described["Status"] == "Running"
    assert described["Arn"] == arn
    schedule = described["Schedule"]
    assert schedule["EndTime"] - schedule["StartTime"] == dt.timedelta(days=7)
    assert described["EndpointMetadata"] == {"EndpointName": "live", "EndpointConfigName": "live",
                                             "EndpointStatus": "InService"}
    assert [(variant["VariantName"], variant["Status"]) for variant in described["ModelVariants"]] == [
        ("production", "InService"), ("shadow", "InService")]
    listed = sagemaker_client.list_inference_experiments(StatusEquals="Running")["InferenceExperiments"]
    assert [item["Name"] for item in listed] == ["shadow-test"]


def test_a_scheduled_experiment_waits_runs_and_completes_on_the_mock_clock(sagemaker_mock, sagemaker_client,
                                                                            endpoint):
    now = dt.datetime.now(dt.timezone.utc)
    create(sagemaker_client, Schedule={"StartTime": now + dt.timedelta(hours=1), "EndTime": now + dt.timedelta(hours=3)})
    assert sagemaker_client.describe_inference_experiment(Name="shadow-test")["Status"] == "Created"
    sagemaker_mock.advance(7200)
    assert sagemaker_client.describe_inference_experiment(Name="shadow-test")["Status"] == "Running"
    sagemaker_mock.advance(7200)
    done = sagemaker_client.describe_inference_experiment(Name="shadow-test")
    assert done["Status"] == "Completed" and "CompletionTime" in done


def test_start_runs_a_created_experiment_and_refuses_a_running_one(sagemaker_client, endpoint):
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    create(sagemaker_client, Schedule={"StartTime": later, "EndTime": later + dt.timedelta(days=1)})
    sagemaker_client.start_inference_experiment(Name="shadow-test")
    assert sagemaker_client.describe_inference_experiment(Name="shadow-test")["Status"] == "Running"
    code, message = refusal(sagemaker_client.start_inference_experiment, Name="shadow-test")
    assert code == "ConflictException" and "Running" in message


def test_update_keeps_the_status_it_was_updated_from(sagemaker_client, endpoint):
    create(sagemaker_client)
    answer = sagemaker_client.update_inference_experiment(Name="shadow-test", Description="bigger sample", ShadowModeConfig={
        **SHADOW, "ShadowModelVariants": [{"ShadowModelVariantName": "shadow", "SamplingPercentage": 80}]})
    assert answer["InferenceExperimentArn"].endswith("/shadow-test")
    described = sagemaker_client.describe_inference_experiment(Name="shadow-test")
    assert described["Status"] == "Running" and described["Description"] == "bigger sample"
    assert described["ShadowModeConfig"]["ShadowModelVariants"][0]["SamplingPercentage"] == 80
    code, _ = refusal(sagemaker_client.update_inference_experiment, Name="shadow-test",
                      ShadowModeConfig={**SHADOW, "SourceModelVariantName": "absent"})
    assert code == "ValidationException"


def test_stop_applies_the_variant_actions_and_the_desired_state(sagemaker_client, endpoint):
    create(sagemaker_client)
    bigger = {"InfrastructureType": "RealTimeInference",
              "RealTimeInferenceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2}}
    sagemaker_client.stop_inference_experiment(
        Name="shadow-test", ModelVariantActions={"shadow": "Promote", "production": "Remove"},
        DesiredModelVariants=[{"ModelName": "candidate", "VariantName": "shadow", "InfrastructureConfig": bigger}],
        Reason="the candidate wins")
    described = sagemaker_client.describe_inference_experiment(Name="shadow-test")
    assert described["Status"] == "Completed" and described["StatusReason"] == "the candidate wins"
    variants = {variant["VariantName"]: variant for variant in described["ModelVariants"]}
    assert variants["production"]["Status"] == "Deleted"
    assert variants["shadow"]["Status"] == "InService" and variants["shadow"]["InfrastructureConfig"] == bigger
    code, _ = refusal(sagemaker_client.stop_inference_experiment, Name="shadow-test",
                      ModelVariantActions={"shadow": "Retain"})
    assert code == "ConflictException"
    create(sagemaker_client, "cancelled")
    sagemaker_client.stop_inference_experiment(Name="cancelled", ModelVariantActions={"shadow": "Retain"},
                                               DesiredState="Cancelled")
    assert sagemaker_client.describe_inference_experiment(Name="cancelled")["Status"] == "Cancelled"
    create(sagemaker_client, "unknown-variant")
    code, message = refusal(sagemaker_client.stop_inference_experiment, Name="unknown-variant",
                            ModelVariantActions={"absent": "Remove"})
    assert code == "ValidationException" and "absent" in message
    assert sagemaker_client.describe_inference_experiment(Name="unknown-variant")["Status"] == "Running"


@pytest.mark.parametrize("change, words", [
    ({"EndpointName": "absent"}, "absent"),
    ({"ModelVariants": [VARIANTS[0], {**VARIANTS[1], "ModelName": "absent"}]}, "absent"),
    ({"ShadowModeConfig": {**SHADOW, "SourceModelVariantName": "nowhere"}}, "nowhere"),
    ({"ShadowModeConfig": {**SHADOW, "SourceModelVariantName": "shadow"}}, "both the source and a shadow"),
    ({"ModelVariants": [VARIANTS[0], {**VARIANTS[1], "VariantName": "production"}]}, "its own VariantName"),
    ({"Schedule": {"StartTime": dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc),
                   "EndTime": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)}}, "EndTime must be after"),
])
def test_refused_experiments_create_nothing(sagemaker_client, endpoint, change, words):
    code, message = refusal(create, sm=sagemaker_client, **change)
    assert words in message
    assert sagemaker_client.list_inference_experiments()["InferenceExperiments"] == []


def test_delete_removes_the_experiment_and_leaves_the_endpoint(sagemaker_client, endpoint):
    create(sagemaker_client)
    answer = sagemaker_client.delete_inference_experiment(Name="shadow-test")
    assert answer["InferenceExperimentArn"].endswith("/shadow-test")
    code, _ = refusal(sagemaker_client.describe_inference_experiment, Name="shadow-test")
    assert code == "ResourceNotFound"
    assert sagemaker_client.describe_endpoint(EndpointName="live")["EndpointStatus"] == "InService"
    code, _ = refusal(sagemaker_client.delete_inference_experiment, Name="shadow-test")
    assert code == "ResourceNotFound"


def test_a_planned_failure_cancels_the_experiment_with_its_reason(sagemaker_mock, sagemaker_client, endpoint):
    sagemaker_mock.fail_next("inference-experiment", "shadow variant failed to deploy")
    create(sagemaker_client)
    described = sagemaker_client.describe_inference_experiment(Name="shadow-test")
    assert described["Status"] == "Cancelled" and described["StatusReason"] == "shadow variant failed to deploy"


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_on_reads_the_experiment_walks_creating_created_starting_running(sagemaker_client, endpoint):
    create(sagemaker_client)
    create(sagemaker_client, "other")
    seen = [sagemaker_client.describe_inference_experiment(Name="shadow-test")["Status"] for _ in range(4)]
    assert seen == ["Creating", "Created", "Starting", "Running"]
    # Reading one experiment does not walk the other on.
    assert sagemaker_client.describe_inference_experiment(Name="other")["Status"] == "Creating"


def test_a_schedule_runs_thirty_days_at_most(sagemaker_client, endpoint):
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    code, message = refusal(create, sm=sagemaker_client,
                            Schedule={"StartTime": start, "EndTime": start + dt.timedelta(days=31)})
    assert code == "ValidationException" and "30 days" in message
    create(sagemaker_client, Schedule={"StartTime": start, "EndTime": start + dt.timedelta(days=30)})


def test_endpoints_with_excluded_features_refuse_shadow_tests(sagemaker_client, endpoint):
    sagemaker_client.create_endpoint_config(EndpointConfigName="serverless", ProductionVariants=[{
        "VariantName": "production", "ModelName": "prod",
        "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}])
    sagemaker_client.create_endpoint(EndpointName="serverless", EndpointConfigName="serverless")
    code, message = refusal(create, sm=sagemaker_client, EndpointName="serverless")
    assert code == "ValidationException" and "serverless inference" in message
    sagemaker_client.create_model(ModelName="multi", ExecutionRoleArn=ROLE,
                                  PrimaryContainer={"Image": IMAGE, "Mode": "MultiModel"})
    code, message = refusal(create, sm=sagemaker_client,
                            ModelVariants=[VARIANTS[0], {**VARIANTS[1], "ModelName": "multi"}])
    assert code == "ValidationException" and "multi-model" in message
    assert sagemaker_client.list_inference_experiments()["InferenceExperiments"] == []
