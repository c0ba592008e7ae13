"""Inference optimization jobs through boto3: statuses, the union of techniques, the model source,
the stopping condition, OptimizationTypes and OptimizationContains, Stop and Delete."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_member, requires_shape_member

ROLE = "arn:aws:iam::123456789012:role/optimization"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.28.0-lmi10.0.0-cu124"
QUANTIZE = {"ModelQuantizationConfig": {"Image": IMAGE, "OverrideEnvironment": {"OPTION_QUANTIZE": "awq"}}}
COMPILE = {"ModelCompilationConfig": {"Image": IMAGE}}


def create(sm, name="llama-awq", configs=(QUANTIZE,), source=None, **extra):
    return sm.create_optimization_job(
        OptimizationJobName=name, RoleArn=ROLE,
        ModelSource=source or {"S3": {"S3Uri": "s3://models/llama/"}}, DeploymentInstanceType="ml.g5.12xlarge",
        OptimizationConfigs=list(configs), OutputConfig={"S3OutputLocation": f"s3://models/{name}/"},
        StoppingCondition=extra.pop("StoppingCondition", {"MaxRuntimeInSeconds": 3600}), **extra)


def refusal(call, **params):
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_a_job_completes_with_its_times_and_is_listed_with_its_techniques(sagemaker_client):
    arn = create(sagemaker_client)["OptimizationJobArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:optimization-job/llama-awq"
    job = sagemaker_client.describe_optimization_job(OptimizationJobName="llama-awq")
    assert job["OptimizationJobStatus"] == "COMPLETED"
    assert job["CreationTime"] <= job["OptimizationStartTime"] <= job["OptimizationEndTime"]
    assert job["OptimizationConfigs"] == [QUANTIZE]
    create(sagemaker_client, "llama-neo", configs=(COMPILE,))
    listed = sagemaker_client.list_optimization_jobs()["OptimizationJobSummaries"]
    assert {job["OptimizationJobName"]: job["OptimizationTypes"] for job in listed} == {
        "llama-awq": ["Quantization"], "llama-neo": ["Compilation"]}
    found = sagemaker_client.list_optimization_jobs(OptimizationContains="compilation")["OptimizationJobSummaries"]
    assert [job["OptimizationJobName"] for job in found] == ["llama-neo"]


@pytest.mark.parametrize("change, words", [
    pytest.param({"source": {"SageMakerModel": {"ModelName": "absent"}}}, 'Could not find model "absent"',
                 marks=requires_shape_member("OptimizationJobModelSource", "SageMakerModel")),
    ({"StoppingCondition": {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 60}}, "MaxWaitTimeInSeconds"),
    pytest.param({"TrainingPlanArns": ["arn:aws:sagemaker:us-east-1:123456789012:training-plan/a",
                                       "arn:aws:sagemaker:us-east-1:123456789012:training-plan/b"]},
                 "length less than or equal to 1", marks=requires_member("CreateOptimizationJob", "TrainingPlanArns")),
])
def test_refused_requests_create_nothing(sagemaker_client, change, words):
    code, message = refusal(create, sm=sagemaker_client, **change)
    assert code == "ValidationException" and words in message
    assert sagemaker_client.list_optimization_jobs()["OptimizationJobSummaries"] == []


def test_a_config_with_two_techniques_is_refused_even_unchecked_by_the_client(sagemaker_mock):
    """botocore refuses it on the client; a client that does not validate (the CLI's
    `--no-validate`-like configs, other SDKs) reaches the service, which refuses it too."""
    import boto3
    from botocore.config import Config

    unchecked = boto3.client("sagemaker", region_name="us-east-1", config=Config(parameter_validation=False))
    code, message = refusal(create, sm=unchecked, configs=({**QUANTIZE, **COMPILE},))
    assert code == "ValidationException"
    assert unchecked.list_optimization_jobs()["OptimizationJobSummaries"] == []


@requires_shape_member("OptimizationJobModelSource", "SageMakerModel")
def test_a_sagemaker_model_may_be_the_source(sagemaker_client):
    sagemaker_client.create_model(ModelName="llama", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    create(sagemaker_client, source={"SageMakerModel": {"ModelName": "llama"}})
    assert sagemaker_client.describe_optimization_job(OptimizationJobName="llama-awq")["ModelSource"] == {
        "SageMakerModel": {"ModelName": "llama"}}


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_running_job_stops_and_only_an_ended_job_is_deleted(sagemaker_client):
    create(sagemaker_client)
    assert sagemaker_client.describe_optimization_job(OptimizationJobName="llama-awq")["OptimizationJobStatus"] == \
        "STARTING"
    code, _ = refusal(sagemaker_client.delete_optimization_job, OptimizationJobName="llama-awq")
    assert code in ("ValidationException", "ResourceInUse", "ConflictException")
    sagemaker_client.stop_optimization_job(OptimizationJobName="llama-awq")
    statuses = [sagemaker_client.describe_optimization_job(OptimizationJobName="llama-awq")["OptimizationJobStatus"]
                for _ in range(2)]
    assert statuses == ["STOPPING", "STOPPED"]
    sagemaker_client.delete_optimization_job(OptimizationJobName="llama-awq")
    code, message = refusal(sagemaker_client.describe_optimization_job, OptimizationJobName="llama-awq")
    assert code == "ResourceNotFound" and "llama-awq" in message


def test_a_planned_failure_ends_in_failed_with_its_reason(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("optimization-job", reason="The model's architecture is not supported")
    create(sagemaker_client)
    job = sagemaker_client.describe_optimization_job(OptimizationJobName="llama-awq")
    assert (job["OptimizationJobStatus"], job["FailureReason"]) == ("FAILED", "The model's architecture is not supported")
