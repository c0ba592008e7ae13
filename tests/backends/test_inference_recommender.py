"""Inference Recommender through boto3: what a completed job recommends from the model package or
model it names, the steps, Stop, the list filters, and the scaling recommendation computed from a
completed job."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/recommender"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1"
CONTAINER = {"Domain": "MACHINE_LEARNING", "Task": "CLASSIFICATION", "Framework": "XGBOOST",
             "PayloadConfig": {"SamplePayloadUrl": "s3://bucket/payload.tar.gz", "SupportedContentTypes": ["text/csv"]}}


def refusal(call, **params):
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def model(sm, name="xgb"):
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})


def package(sm, types=("ml.c5.xlarge", "ml.m5.large")):
    sm.create_model_package_group(ModelPackageGroupName="churn")
    return sm.create_model_package(ModelPackageGroupName="churn", InferenceSpecification={
        "Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"], "SupportedRealtimeInferenceInstanceTypes": list(types)},
    )["ModelPackageArn"]


def job(sm, name="recommend", job_type="Default", **input_config):
    sm.create_inference_recommendations_job(JobName=name, JobType=job_type, RoleArn=ROLE, InputConfig=input_config)
    return sm.describe_inference_recommendations_job(JobName=name)


def test_a_default_job_on_a_package_benchmarks_its_supported_instance_types(sagemaker_client):
    arn = package(sagemaker_client)
    described = job(sagemaker_client, ModelPackageVersionArn=arn)
    assert described["Status"] == "COMPLETED"
    assert described["JobArn"] == "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/recommend"
    assert described["CreationTime"] <= described["CompletionTime"]
    recommendations = described["InferenceRecommendations"]
    assert sorted(item["EndpointConfiguration"]["InstanceType"] for item in recommendations) == [
        "ml.c5.xlarge", "ml.m5.large"]
    # "<job name>/<8 characters>", the form the SageMaker Python SDK's deploy(inference_recommendation_id=) reads
    assert all(re.fullmatch(r"recommend/\w{8}", item["RecommendationId"]) for item in recommendations)
    costs = [item["Metrics"]["CostPerInference"] for item in recommendations]
    assert costs == sorted(costs)  # cheapest per inference first
    # The larger instance serves more invocations at a lower latency, for more per hour.
    by_type = {item["EndpointConfiguration"]["InstanceType"]: item["Metrics"] for item in recommendations}
    assert by_type["ml.c5.xlarge"]["MaxInvocations"] > by_type["ml.m5.large"]["MaxInvocations"]
    assert by_type["ml.c5.xlarge"]["ModelLatency"] < by_type["ml.m5.large"]["ModelLatency"]
    assert by_type["ml.c5.xlarge"]["CostPerHour"] > by_type["ml.m5.large"]["CostPerHour"]
    # The same input gives the same numbers (a second job on the same package).
    again = job(sagemaker_client, "recommend-again", ModelPackageVersionArn=arn)["InferenceRecommendations"]
    assert [item["Metrics"] for item in again] == [item["Metrics"] for item in recommendations]


def test_endpoint_configurations_and_environment_ranges_are_what_is_benchmarked(sagemaker_client):
    model(sagemaker_client)
    described = job(sagemaker_client, job_type="Advanced", ModelName="xgb", ContainerConfig=CONTAINER,
                    EndpointConfigurations=[
                        {"InstanceType": "ml.g4dn.xlarge", "EnvironmentParameterRanges": {
                            "CategoricalParameterRanges": [{"Name": "OMP_NUM_THREADS", "Value": ["2", "4"]}]}},
                        {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}])
    recommendations = described["InferenceRecommendations"]
    assert len(recommendations) == 2
    gpu = next(item for item in recommendations if item["EndpointConfiguration"].get("InstanceType"))
    assert gpu["ModelConfiguration"]["EnvironmentParameters"] == [
        {"Key": "OMP_NUM_THREADS", "ValueType": "String", "Value": "2"}]
    serverless = next(item for item in recommendations if "ServerlessConfig" in item["EndpointConfiguration"])
    assert serverless["EndpointConfiguration"]["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    steps = sagemaker_client.list_inference_recommendations_job_steps(JobName="recommend")["Steps"]
    assert [step["StepType"] for step in steps] == ["BENCHMARK", "BENCHMARK"]
    assert {step["Status"] for step in steps} == {"COMPLETED"}
    assert sorted(step["InferenceBenchmark"]["Metrics"]["CostPerHour"] for step in steps) == sorted(
        item["Metrics"]["CostPerHour"] for item in recommendations)
    paged = sagemaker_client.list_inference_recommendations_job_steps(JobName="recommend", MaxResults=1)
    assert len(paged["Steps"]) == 1 and paged["NextToken"]
    assert sagemaker_client.list_inference_recommendations_job_steps(JobName="recommend",
                                                                     Status="FAILED")["Steps"] == []


def test_a_model_with_no_instance_types_is_benchmarked_on_the_documented_defaults(sagemaker_client):
    from sagemock.backends.inference_recommender import DEFAULT_INSTANCE_TYPES

    model(sagemaker_client)
    described = job(sagemaker_client, ModelName="xgb", ContainerConfig=CONTAINER)
    assert sorted(item["EndpointConfiguration"]["InstanceType"] for item in described["InferenceRecommendations"]) \
        == sorted(DEFAULT_INSTANCE_TYPES)
    supported = job(sagemaker_client, "supported", ModelName="xgb",
                    ContainerConfig={**CONTAINER, "SupportedInstanceTypes": ["ml.m5.xlarge"]})
    assert [item["EndpointConfiguration"]["InstanceType"] for item in supported["InferenceRecommendations"]] == [
        "ml.m5.xlarge"]


def test_a_job_on_an_existing_endpoint_reports_its_performance(sagemaker_client):
    model(sagemaker_client)
    sagemaker_client.create_endpoint_config(EndpointConfigName="live", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "xgb", "InstanceType": "ml.c5.2xlarge", "InitialInstanceCount": 1}])
    sagemaker_client.create_endpoint(EndpointName="live", EndpointConfigName="live")
    described = job(sagemaker_client, job_type="Advanced", ModelName="xgb", ContainerConfig=CONTAINER,
                    Endpoints=[{"EndpointName": "live"}])
    [performance] = described["EndpointPerformances"]
    assert performance["EndpointInfo"] == {"EndpointName": "live"}
    assert performance["Metrics"]["MaxInvocations"] > 0 and performance["Metrics"]["ModelLatency"] > 0
    assert "InferenceRecommendations" not in described  # only the endpoint was benchmarked
    assert sagemaker_client.list_inference_recommendations_job_steps(JobName="recommend")["Steps"] == []
    code, message = refusal(sagemaker_client.create_inference_recommendations_job, JobName="nowhere",
                            JobType="Advanced", RoleArn=ROLE,
                            InputConfig={"ModelName": "xgb", "Endpoints": [{"EndpointName": "absent"}]})
    assert code == "ValidationException" and "absent" in message


@pytest.mark.parametrize("config, words", [
    ({}, "either ModelPackageVersionArn or ModelName"),
    ({"ModelName": "absent"}, 'Could not find model'),
    ({"ModelPackageVersionArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/none/1"}, "does not exist"),
    ({"ModelName": "xgb", "EndpointConfigurations": [{"InferenceSpecificationName": "spec"}]},
     "InstanceType or ServerlessConfig"),
    ({"ModelName": "xgb", "TrafficPattern": {"TrafficType": "STAIRS"}}, "needs Stairs"),
])
def test_refused_jobs_create_nothing(sagemaker_client, config, words):
    model(sagemaker_client)
    code, message = refusal(sagemaker_client.create_inference_recommendations_job, JobName="bad", JobType="Default",
                            RoleArn=ROLE, InputConfig=config)
    assert code == "ValidationException" and words in message
    assert sagemaker_client.list_inference_recommendations_jobs()["InferenceRecommendationsJobs"] == []


def test_a_name_is_taken_once_and_a_missing_job_is_not_found(sagemaker_client):
    model(sagemaker_client)
    job(sagemaker_client, ModelName="xgb")
    code, _ = refusal(sagemaker_client.create_inference_recommendations_job, JobName="recommend", JobType="Default",
                      RoleArn=ROLE, InputConfig={"ModelName": "xgb"})
    assert code == "ResourceInUse"
    code, _ = refusal(sagemaker_client.describe_inference_recommendations_job, JobName="absent")
    assert code == "ResourceNotFound"
    code, _ = refusal(sagemaker_client.list_inference_recommendations_job_steps, JobName="absent")
    assert code == "ResourceNotFound"


def test_list_filters_by_model_and_package_and_summarises_the_input(sagemaker_client):
    model(sagemaker_client)
    arn = package(sagemaker_client)
    job(sagemaker_client, "on-model", ModelName="xgb", ContainerConfig=CONTAINER)
    job(sagemaker_client, "on-package", ModelPackageVersionArn=arn)
    listed = sagemaker_client.list_inference_recommendations_jobs(ModelNameEquals="xgb")["InferenceRecommendationsJobs"]
    assert [(item["JobName"], item["ModelName"], item["SamplePayloadUrl"]) for item in listed] == [
        ("on-model", "xgb", "s3://bucket/payload.tar.gz")]
    listed = sagemaker_client.list_inference_recommendations_jobs(
        ModelPackageVersionArnEquals=arn)["InferenceRecommendationsJobs"]
    assert [item["JobName"] for item in listed] == ["on-package"]
    by_name = sagemaker_client.list_inference_recommendations_jobs(SortBy="Name", SortOrder="Ascending")
    assert [item["JobName"] for item in by_name["InferenceRecommendationsJobs"]] == ["on-model", "on-package"]


def test_a_planned_failure_fails_the_job(sagemaker_mock, sagemaker_client):
    model(sagemaker_client)
    sagemaker_mock.fail_next("inference-recommendations-job", "benchmark endpoint failed", name="doomed")
    failed = job(sagemaker_client, "doomed", ModelName="xgb")
    assert failed["Status"] == "FAILED" and failed["FailureReason"] == "benchmark endpoint failed"
    assert "InferenceRecommendations" not in failed
    steps = sagemaker_client.list_inference_recommendations_job_steps(JobName="doomed")["Steps"]
    assert {step["Status"] for step in steps} == {"FAILED"}
    code, _ = refusal(sagemaker_client.stop_inference_recommendations_job, JobName="doomed")
    assert code == "ValidationException"
    code, _ = refusal(sagemaker_client.get_scaling_configuration_recommendation,
                      InferenceRecommendationsJobName="doomed", RecommendationId="any")
    assert code == "ValidationException"


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_job_walks_its_statuses_and_stops(sagemaker_client):
    model(sagemaker_client)
    sagemaker_client.create_inference_recommendations_job(JobName="slow", JobType="Default", RoleArn=ROLE,
                                                          InputConfig={"ModelName": "xgb"})
    seen = [sagemaker_client.describe_inference_recommendations_job(JobName="slow")["Status"] for _ in range(3)]
    assert seen == ["PENDING", "IN_PROGRESS", "COMPLETED"]
    sagemaker_client.create_inference_recommendations_job(JobName="stopped", JobType="Default", RoleArn=ROLE,
                                                          InputConfig={"ModelName": "xgb"})
    sagemaker_client.stop_inference_recommendations_job(JobName="stopped")
    seen = [sagemaker_client.describe_inference_recommendations_job(JobName="stopped")["Status"] for _ in range(2)]
    assert seen == ["STOPPING", "STOPPED"]
    stopped = sagemaker_client.describe_inference_recommendations_job(JobName="stopped")
    assert "CompletionTime" in stopped and "InferenceRecommendations" not in stopped
    steps = sagemaker_client.list_inference_recommendations_job_steps(JobName="stopped")["Steps"]
    assert steps and {step["Status"] for step in steps} == {"STOPPED"}


def test_the_scaling_recommendation_is_computed_from_the_benchmark(sagemaker_client):
    arn = package(sagemaker_client, types=("ml.c5.xlarge",))
    [recommendation] = job(sagemaker_client, ModelPackageVersionArn=arn)["InferenceRecommendations"]
    answer = sagemaker_client.get_scaling_configuration_recommendation(
        InferenceRecommendationsJobName="recommend", RecommendationId=recommendation["RecommendationId"],
        TargetCpuUtilizationPerCore=50,
        ScalingPolicyObjective={"MinInvocationsPerMinute": 1, "MaxInvocationsPerMinute": 10 ** 6})
    per_instance = recommendation["Metrics"]["MaxInvocations"] // 2
    assert answer["Metric"] == {"InvocationsPerInstance": per_instance,
                                "ModelLatency": recommendation["Metrics"]["ModelLatency"]}
    scaling = answer["DynamicScalingConfiguration"]
    assert scaling["MinCapacity"] == 1
    assert scaling["MaxCapacity"] == -(-10 ** 6 // per_instance)
    target = scaling["ScalingPolicies"][0]["TargetTracking"]
    assert target["TargetValue"] == per_instance
    assert target["MetricSpecification"]["Predefined"]["PredefinedMetricType"] == \
        "SageMakerVariantInvocationsPerInstance"
    by_endpoint = sagemaker_client.get_scaling_configuration_recommendation(
        InferenceRecommendationsJobName="recommend",
        EndpointName=recommendation["EndpointConfiguration"]["EndpointName"])
    assert by_endpoint["Metric"]["InvocationsPerInstance"] == per_instance  # the default target is 50%
    code, _ = refusal(sagemaker_client.get_scaling_configuration_recommendation,
                      InferenceRecommendationsJobName="recommend", RecommendationId="absent")
    assert code == "ResourceNotFound"
    code, message = refusal(sagemaker_client.get_scaling_configuration_recommendation,
                            InferenceRecommendationsJobName="recommend")
    assert code == "ValidationException" and "RecommendationId or EndpointName" in message
