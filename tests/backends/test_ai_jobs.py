"""AI workload configurations, benchmark jobs and recommendation jobs, through boto3."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from tests.model_support import requires_operation

pytestmark = requires_operation("CreateAIRecommendationJob")

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ai-jobs"
PREFIX = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:"
MODEL = "s3://models/chat/"


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def workload(client, name="chat-workload"):
    return client.create_ai_workload_config(
        AIWorkloadConfigName=name,
        DatasetConfig={"InputDataConfig": [{"ChannelName": "prompts",
                                            "DataSource": {"S3DataSource": {"S3Uri": "s3://data/prompts/"}}}]},
        AIWorkloadConfigs={"WorkloadSpec": {"Inline": "concurrency: [1, 8]\nmax_tokens: 256\n"}})["AIWorkloadConfigArn"]


def endpoint(client, name="chat"):
    client.create_model(ModelName=name, ExecutionRoleArn=ROLE,
                        PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/chat:1"})
    client.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": name, "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}])
    return client.create_endpoint(EndpointName=name, EndpointConfigName=name)["EndpointArn"]


def benchmark(client, name="bench", config="chat-workload", target="chat", **kwargs):
    kwargs.setdefault("OutputConfig", {"S3OutputLocation": "s3://out/bench/"})
    return client.create_ai_benchmark_job(
        AIBenchmarkJobName=name, BenchmarkTarget={"Endpoint": {"Identifier": target}},
        AIWorkloadConfigIdentifier=config, RoleArn=ROLE, **kwargs)["AIBenchmarkJobArn"]


def recommend(client, name="rec", config="chat-workload", **kwargs):
    kwargs.setdefault("OutputConfig", {"S3OutputLocation": "s3://out/rec/"})
    return client.create_ai_recommendation_job(
        AIRecommendationJobName=name, ModelSource={"S3": {"S3Uri": MODEL}}, AIWorkloadConfigIdentifier=config,
        PerformanceTarget={"Constraints": [{"Metric": "ttft-ms"}, {"Metric": "cost"}]}, RoleArn=ROLE,
        **kwargs)["AIRecommendationJobArn"]


# -- workload configurations ------------------------------------------------------------------------

def test_a_workload_configuration_is_kept_as_given(sagemaker_client):
    with freeze_time("2026-05-01 10:00:00"):
        arn = workload(sagemaker_client)
    assert arn == f"{PREFIX}ai-workload-config/chat-workload"
    config = sagemaker_client.describe_ai_workload_config(AIWorkloadConfigName="chat-workload")
    assert config["AIWorkloadConfigs"]["WorkloadSpec"]["Inline"].startswith("concurrency")
    assert config["DatasetConfig"]["InputDataConfig"][0]["ChannelName"] == "prompts"
    assert config["CreationTime"].isoformat() == "2026-05-01T10:00:00+00:00"
    [summary] = sagemaker_client.list_ai_workload_configs()["AIWorkloadConfigs"]
    assert summary["AIWorkloadConfigArn"] == arn


def test_a_workload_configuration_in_use_by_a_running_benchmark_cannot_be_deleted(sagemaker_client, sagemaker_mock):
    workload(sagemaker_client)
    endpoint(sagemaker_client)
    job = benchmark(sagemaker_client)
    sagemaker_mock.set_status(job, "InProgress")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.delete_ai_workload_config(AIWorkloadConfigName="chat-workload")
    code, message = error_of(excinfo)
    assert code == "ResourceInUse" and job in message
    sagemaker_client.describe_ai_workload_config(AIWorkloadConfigName="chat-workload")  # still there
    sagemaker_client.stop_ai_benchmark_job(AIBenchmarkJobName="bench")
    sagemaker_client.delete_ai_workload_config(AIWorkloadConfigName="chat-workload")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_ai_workload_config(AIWorkloadConfigName="chat-workload")
    assert error_of(excinfo)[0] == "ResourceNotFound"


# -- benchmark jobs -----------------------------------------------------------------------------------

def test_a_benchmark_job_runs_against_an_endpoint_and_lists_its_workload_by_name(sagemaker_client):
    config_arn = workload(sagemaker_client)
    endpoint_arn = endpoint(sagemaker_client)
    with freeze_time("2026-05-01 11:00:00"):
        arn = benchmark(sagemaker_client, config=config_arn, target=endpoint_arn,
                        Tags=[{"Key": "team", "Value": "inference"}])
    job = sagemaker_client.describe_ai_benchmark_job(AIBenchmarkJobName="bench")
    assert job["AIBenchmarkJobArn"] == arn == f"{PREFIX}ai-benchmark-job/bench"
    assert job["AIBenchmarkJobStatus"] == "Completed"
    assert job["StartTime"] == job["EndTime"] == job["CreationTime"]
    assert job["AIWorkloadConfigIdentifier"] == config_arn
    assert job["BenchmarkTarget"] == {"Endpoint": {"Identifier": endpoint_arn}}
    [summary] = sagemaker_client.list_ai_benchmark_jobs()["AIBenchmarkJobs"]
    assert summary["AIWorkloadConfigName"] == "chat-workload"
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "inference"}]


@pytest.mark.parametrize("change, missing", [
    ({"config": "nope"}, "ai-workload-config/nope"),
    ({"target": "nope"}, "endpoint/nope"),
])
def test_a_benchmark_job_needs_its_workload_and_endpoint(sagemaker_client, change, missing):
    workload(sagemaker_client)
    endpoint(sagemaker_client)
    with pytest.raises(ClientError) as excinfo:
        benchmark(sagemaker_client, **change)
    code, message = error_of(excinfo)
    assert code == "ResourceNotFound" and missing in message
    assert sagemaker_client.list_ai_benchmark_jobs()["AIBenchmarkJobs"] == []


def test_a_benchmark_job_stops_and_fails_as_planned(sagemaker_client, sagemaker_mock):
    workload(sagemaker_client)
    endpoint(sagemaker_client)
    sagemaker_mock.fail_next("ai-benchmark-job", "The endpoint stopped answering.")
    benchmark(sagemaker_client, name="broken")
    job = sagemaker_client.describe_ai_benchmark_job(AIBenchmarkJobName="broken")
    assert (job["AIBenchmarkJobStatus"], job["FailureReason"]) == ("Failed", "The endpoint stopped answering.")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.stop_ai_benchmark_job(AIBenchmarkJobName="broken")
    assert error_of(excinfo)[0] == "ValidationException"
    assert sagemaker_client.list_ai_benchmark_jobs(StatusEquals="Failed")["AIBenchmarkJobs"][0][
        "AIBenchmarkJobName"] == "broken"
    sagemaker_client.delete_ai_benchmark_job(AIBenchmarkJobName="broken")
    assert sagemaker_client.list_ai_benchmark_jobs()["AIBenchmarkJobs"] == []


def test_an_mlflow_tracking_server_named_must_exist(sagemaker_client):
    workload(sagemaker_client)
    endpoint(sagemaker_client)
    server = f"{PREFIX}mlflow-tracking-server/nope"
    with pytest.raises(ClientError) as excinfo:
        benchmark(sagemaker_client, OutputConfig={"S3OutputLocation": "s3://out/",
                                                  "MlflowConfig": {"MlflowResourceArn": server}})
    assert error_of(excinfo) == ("ResourceNotFound", f"MLflow tracking server {server} does not exist.")


# -- recommendation jobs ------------------------------------------------------------------------------

def test_recommendations_are_computed_from_the_request(sagemaker_client):
    workload(sagemaker_client)
    recommend(sagemaker_client, InferenceSpecification={"Framework": "LMI"},
              ComputeSpec={"InstanceTypes": ["ml.g6e.2xlarge", "ml.p4d.24xlarge"]},
              AdapterSource={"S3Uris": [{"AdapterId": "support", "S3Uri": "s3://models/adapters/support/"}]})
    job = sagemaker_client.describe_ai_recommendation_job(AIRecommendationJobName="rec")
    assert job["AIRecommendationJobStatus"] == "Completed"
    first, second = job["Recommendations"]
    assert first["DeploymentConfiguration"] == {
        "S3": [{"ChannelName": "model", "Uri": MODEL},
               {"ChannelName": "support", "Uri": "s3://models/adapters/support/"}],
        "InstanceType": "ml.g6e.2xlarge", "InstanceCount": 1, "CopyCountPerInstance": 1}
    assert second["ModelDetails"]["InstanceDetails"] == [
        {"InstanceType": "ml.p4d.24xlarge", "InstanceCount": 1, "CopyCountPerInstance": 1}]
    assert first["OptimizationDetails"] == [{"OptimizationType": "KernelTuning"}]  # OptimizeModel defaults to true
    assert "LMI" in first["RecommendationDescription"]


def test_no_optimization_when_the_request_forbids_it_and_a_default_output(sagemaker_client):
    workload(sagemaker_client)
    recommend(sagemaker_client, OptimizeModel=False, OutputConfig={})
    job = sagemaker_client.describe_ai_recommendation_job(AIRecommendationJobName="rec")
    [only] = job["Recommendations"]
    assert "OptimizationDetails" not in only
    assert job["OutputConfig"]["S3OutputLocation"] == f"s3://sagemaker-{REGION}-{ACCOUNT}/ai-recommendation-jobs/rec/"


def test_a_stopped_recommendation_job_reports_no_recommendations(sagemaker_client, sagemaker_mock):
    workload(sagemaker_client)
    arn = recommend(sagemaker_client)
    sagemaker_mock.set_status(arn, "InProgress")
    sagemaker_client.stop_ai_recommendation_job(AIRecommendationJobName="rec")
    job = sagemaker_client.describe_ai_recommendation_job(AIRecommendationJobName="rec")
    assert job["AIRecommendationJobStatus"] == "Stopped"
    assert "Recommendations" not in job


def test_adapter_ids_are_unique(sagemaker_client):
    workload(sagemaker_client)
    with pytest.raises(ClientError) as excinfo:
        recommend(sagemaker_client, AdapterSource={"S3Uris": [
            {"AdapterId": "a", "S3Uri": "s3://models/a/"}, {"AdapterId": "a", "S3Uri": "s3://models/b/"}]})
    code, message = error_of(excinfo)
    assert code == "ValidationException" and "AdapterId" in message
    assert sagemaker_client.list_ai_recommendation_jobs()["AIRecommendationJobs"] == []


def test_the_model_package_group_named_must_exist(sagemaker_client):
    workload(sagemaker_client)
    with pytest.raises(ClientError) as excinfo:
        recommend(sagemaker_client, OutputConfig={"S3OutputLocation": "s3://out/", "ModelPackageGroupIdentifier": "g"})
    assert error_of(excinfo)[0] == "ResourceNotFound"
    sagemaker_client.create_model_package_group(ModelPackageGroupName="g")
    recommend(sagemaker_client, OutputConfig={"S3OutputLocation": "s3://out/", "ModelPackageGroupIdentifier": "g"})
