"""AutoML (Autopilot) jobs through boto3: both API versions, the secondary statuses, the candidates
(real training jobs) and the best candidate, Stop, one-click deployment and AWS's rules."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/autopilot"
DATA = "s3://bucket/churn/train"
OUTPUT = "s3://bucket/churn/output"
CHANNEL = {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": DATA}}, "TargetAttributeName": "churned"}


def create(client, name="churn", channels=None, **kwargs):
    return client.create_auto_ml_job(AutoMLJobName=name, InputDataConfig=channels or [dict(CHANNEL)],
                                     OutputDataConfig={"S3OutputPath": OUTPUT}, RoleArn=ROLE,
                                     **kwargs)["AutoMLJobArn"]


def create_v2(client, name="churn-v2", problem=None, channels=None, **kwargs):
    problem = problem or {"TabularJobConfig": {"TargetAttributeName": "churned"}}
    channel = {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": DATA}}}
    return client.create_auto_ml_job_v2(AutoMLJobName=name, AutoMLJobInputDataConfig=channels or [channel],
                                        OutputDataConfig={"S3OutputPath": OUTPUT}, RoleArn=ROLE,
                                        AutoMLProblemTypeConfig=problem, **kwargs)["AutoMLJobArn"]


def candidates(client, name="churn", **kwargs):
    return client.list_candidates_for_auto_ml_job(AutoMLJobName=name, **kwargs)["Candidates"]


def refused(call, **kwargs):
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_a_job_completes_with_its_candidates_as_training_jobs_and_the_best_one(sagemaker_client):
    arn = create(sagemaker_client, ProblemType="BinaryClassification", AutoMLJobObjective={"MetricName": "F1"})
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:automl-job/churn"
    job = sagemaker_client.describe_auto_ml_job(AutoMLJobName="churn")
    assert (job["AutoMLJobStatus"], job["AutoMLJobSecondaryStatus"]) == ("Completed", "MaxCandidatesReached")
    assert job["ResolvedAttributes"]["ProblemType"] == "BinaryClassification"
    assert job["AutoMLJobArtifacts"]["DataExplorationNotebookLocation"].startswith(f"{OUTPUT}/churn/")
    found = candidates(sagemaker_client)
    assert len(found) == 3
    for candidate in found:
        step = candidate["CandidateSteps"][0]
        training = sagemaker_client.describe_training_job(TrainingJobName=step["CandidateStepName"])
        assert training["TrainingJobArn"] == step["CandidateStepArn"]
        assert step["CandidateStepType"] == "AWS::SageMaker::TrainingJob"
        assert candidate["CandidateStatus"] == "Completed" and candidate["ObjectiveStatus"] == "Succeeded"
        assert candidate["FinalAutoMLJobObjectiveMetric"]["MetricName"] == "F1"
        # Binary classification: feature transform, algorithm, inverse label transform.
        assert len(candidate["InferenceContainers"]) == 3
        assert candidate["InferenceContainers"][1]["ModelDataUrl"] == training["ModelArtifacts"]["S3ModelArtifacts"]
    best = max(found, key=lambda item: item["FinalAutoMLJobObjectiveMetric"]["Value"])
    assert job["BestCandidate"]["CandidateName"] == best["CandidateName"]
    assert "CandidateArtifactLocations" in job["BestCandidate"]["CandidateProperties"]
    ranked = candidates(sagemaker_client, SortBy="FinalObjectiveMetricValue", SortOrder="Descending")
    assert ranked[0]["CandidateName"] == best["CandidateName"]


def test_a_reported_metric_chooses_the_best_candidate(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, ProblemType="Regression", AutoMLJobObjective={"MetricName": "MSE"})
    found = candidates(sagemaker_client)
    last = found[-1]["CandidateSteps"][0]["CandidateStepArn"]
    sagemaker_mock.put_training_metrics(last, {"MSE": 0.001})  # MSE: the lowest is the best
    job = sagemaker_client.describe_auto_ml_job(AutoMLJobName="churn")
    assert job["BestCandidate"]["CandidateName"] == found[-1]["CandidateName"]
    assert job["BestCandidate"]["FinalAutoMLJobObjectiveMetric"] == {
        "Type": "Minimize", "MetricName": "MSE", "Value": 0.001, "StandardMetricName": "MSE"}
    # Regression: no inverse label transform.
    assert len(job["BestCandidate"]["InferenceContainers"]) == 2


def test_the_default_objective_follows_the_problem_type(sagemaker_client):
    create(sagemaker_client, "reg", ProblemType="Regression")
    create(sagemaker_client, "multi", ProblemType="MulticlassClassification")
    resolved = {name: sagemaker_client.describe_auto_ml_job(AutoMLJobName=name)["ResolvedAttributes"]
                for name in ("reg", "multi")}
    assert resolved["reg"]["AutoMLJobObjective"] == {"MetricName": "MSE"}
    assert resolved["multi"]["AutoMLJobObjective"] == {"MetricName": "Accuracy"}


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_the_secondary_statuses_of_a_tuning_job(sagemaker_client):
    create(sagemaker_client)
    seen = []
    for _ in range(10):
        job = sagemaker_client.describe_auto_ml_job(AutoMLJobName="churn")
        seen.append((job["AutoMLJobStatus"], job["AutoMLJobSecondaryStatus"]))
        if job["AutoMLJobStatus"] == "Completed":
            break
    assert seen == [("InProgress", "Starting"), ("InProgress", "AnalyzingData"),
                    ("InProgress", "FeatureEngineering"), ("InProgress", "ModelTuning"),
                    ("InProgress", "GeneratingExplainabilityReport"), ("InProgress", "GeneratingModelInsightsReport"),
                    ("Completed", "MaxCandidatesReached")]


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_the_secondary_statuses_of_an_ensembling_job_and_when_candidates_appear(sagemaker_client):
    create(sagemaker_client, AutoMLJobConfig={"Mode": "ENSEMBLING"})
    seen, counts = [], []
    for _ in range(10):
        job = sagemaker_client.describe_auto_ml_job(AutoMLJobName="churn")
        seen.append(job["AutoMLJobSecondaryStatus"])
        counts.append(len(sagemaker_client.list_training_jobs()["TrainingJobSummaries"]))
        if job["AutoMLJobStatus"] == "Completed":
            break
    assert seen == ["Starting", "AnalyzingData", "TrainingModels", "GeneratingExplainabilityReport",
                    "GeneratingModelInsightsReport", "Completed"]
    assert counts[:2] == [0, 0] and counts[2] == 3


def test_a_planned_failure_ends_in_failed_without_candidates(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("automl-job", "ClientError: the target column is missing")
    create(sagemaker_client)
    job = sagemaker_client.describe_auto_ml_job(AutoMLJobName="churn")
    assert (job["AutoMLJobStatus"], job["AutoMLJobSecondaryStatus"]) == ("Failed", "Failed")
    assert job["FailureReason"] == "ClientError: the target column is missing"
    assert "BestCandidate" not in job and candidates(sagemaker_client) == []


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_stop_stops_the_job_and_its_training_candidates(sagemaker_client):
    create(sagemaker_client)
    for _ in range(4):  # Starting, AnalyzingData, FeatureEngineering, ModelTuning (the candidates launch)
        sagemaker_client.describe_auto_ml_job(AutoMLJobName="churn")
    sagemaker_client.stop_auto_ml_job(AutoMLJobName="churn")
    statuses = [sagemaker_client.describe_auto_ml_job(AutoMLJobName="churn")["AutoMLJobSecondaryStatus"]
                for _ in range(2)]
    assert statuses == ["Stopping", "Stopped"]
    found = candidates(sagemaker_client)
    assert found and all(candidate["CandidateStatus"] in ("Stopping", "Stopped") for candidate in found)
    code, message = refused(sagemaker_client.stop_auto_ml_job, AutoMLJobName="churn")
    assert code == "ValidationException" and "Stopped" in message


def test_v2_jobs_are_described_by_v2_only_and_v1_jobs_by_both(sagemaker_client):
    create(sagemaker_client, ProblemType="BinaryClassification", AutoMLJobObjective={"MetricName": "AUC"})
    create_v2(sagemaker_client, AutoMLJobObjective={"MetricName": "Accuracy"},
              problem={"TabularJobConfig": {"TargetAttributeName": "churned", "ProblemType": "BinaryClassification"}})
    code, message = refused(sagemaker_client.describe_auto_ml_job, AutoMLJobName="churn-v2")
    assert code == "ValidationException" and "DescribeAutoMLJobV2" in message
    v2 = sagemaker_client.describe_auto_ml_job_v2(AutoMLJobName="churn-v2")
    assert v2["AutoMLProblemTypeConfigName"] == "Tabular"
    assert v2["ResolvedAttributes"]["AutoMLProblemTypeResolvedAttributes"] == {
        "TabularResolvedAttributes": {"ProblemType": "BinaryClassification"}}
    assert v2["BestCandidate"]["FinalAutoMLJobObjectiveMetric"]["MetricName"] == "Accuracy"
    v1_as_v2 = sagemaker_client.describe_auto_ml_job_v2(AutoMLJobName="churn")
    assert v1_as_v2["AutoMLProblemTypeConfig"] == {"TabularJobConfig": {"TargetAttributeName": "churned",
                                                                        "ProblemType": "BinaryClassification"}}
    assert v1_as_v2["AutoMLJobInputDataConfig"] == [{"DataSource": CHANNEL["DataSource"]}]
    names = {item["AutoMLJobName"] for item in sagemaker_client.list_auto_ml_jobs()["AutoMLJobSummaries"]}
    assert names == {"churn", "churn-v2"}


def test_a_v2_image_classification_job_trains_one_candidate(sagemaker_client):
    channel = {"DataSource": {"S3DataSource": {"S3DataType": "AugmentedManifestFile", "S3Uri": DATA}}}
    create_v2(sagemaker_client, "images", problem={"ImageClassificationJobConfig": {}}, channels=[channel])
    job = sagemaker_client.describe_auto_ml_job_v2(AutoMLJobName="images")
    assert (job["AutoMLJobStatus"], job["AutoMLJobSecondaryStatus"]) == ("Completed", "Completed")
    assert len(candidates(sagemaker_client, "images")) == 1
    assert set(job["BestCandidate"]["InferenceContainerDefinitions"]) == {"CPU", "GPU"}
    code, _ = refused(create_v2, client=sagemaker_client, name="more", problem={"ImageClassificationJobConfig": {
        "CompletionCriteria": {"MaxCandidates": 2}}}, channels=[channel])
    assert code == "ValidationException"


def test_aws_rules_refuse_and_change_nothing(sagemaker_client):
    cases = [
        dict(ProblemType="Regression", AutoMLJobObjective={"MetricName": "F1"}),
        dict(ModelDeployConfig={"AutoGenerateEndpointName": True, "EndpointName": "churn"}),
        dict(ModelDeployConfig={"AutoGenerateEndpointName": False}),
        dict(AutoMLJobConfig={"Mode": "AUTO", "CandidateGenerationConfig": {
            "AlgorithmsConfig": [{"AutoMLAlgorithms": ["xgboost"]}]}}),
        dict(AutoMLJobConfig={"Mode": "HYPERPARAMETER_TUNING", "CandidateGenerationConfig": {
            "AlgorithmsConfig": [{"AutoMLAlgorithms": ["catboost"]}]}}),
        dict(AutoMLJobConfig={"DataSplitConfig": {"ValidationFraction": 1.0}}),
        dict(channels=[dict(CHANNEL), {**CHANNEL, "ChannelType": "validation", "TargetAttributeName": "other"}]),
        dict(channels=[dict(CHANNEL), dict(CHANNEL)]),
    ]
    for case in cases:
        code, _ = refused(create, client=sagemaker_client, **case)
        assert code == "ValidationException", case
    assert sagemaker_client.list_auto_ml_jobs()["AutoMLJobSummaries"] == []
    assert sagemaker_client.list_training_jobs()["TrainingJobSummaries"] == []
    code, _ = refused(create_v2, client=sagemaker_client, AutoMLJobObjective={"MetricName": "F1"})
    assert code == "ValidationException"  # tabular V2: both the ProblemType and the objective, or neither


def test_names_are_unique_regardless_of_case(sagemaker_client):
    create(sagemaker_client, "Churn")
    code, _ = refused(create, client=sagemaker_client, name="churn")
    assert code == "ResourceInUse"
    assert sagemaker_client.describe_auto_ml_job(AutoMLJobName="CHURN")["AutoMLJobName"] == "Churn"


def test_one_click_deployment_makes_an_endpoint_of_the_best_candidate(sagemaker_client):
    create(sagemaker_client, ModelDeployConfig={"EndpointName": "churn-live"})
    job = sagemaker_client.describe_auto_ml_job(AutoMLJobName="churn")
    assert job["ModelDeployResult"] == {"EndpointName": "churn-live"}
    endpoint = sagemaker_client.describe_endpoint(EndpointName="churn-live")
    config = sagemaker_client.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    model = sagemaker_client.describe_model(ModelName=config["ProductionVariants"][0]["ModelName"])
    assert [item["Image"] for item in model["Containers"]] == \
        [item["Image"] for item in job["BestCandidate"]["InferenceContainers"]]


def test_candidates_filter_by_name_and_status_and_page(sagemaker_client):
    create(sagemaker_client)
    found = candidates(sagemaker_client)
    name = found[1]["CandidateName"]
    assert [item["CandidateName"] for item in candidates(sagemaker_client, CandidateNameEquals=name)] == [name]
    assert len(candidates(sagemaker_client, StatusEquals="Completed")) == 3
    assert candidates(sagemaker_client, StatusEquals="Failed") == []
    paginator = sagemaker_client.get_paginator("list_candidates_for_auto_ml_job")
    pages = list(paginator.paginate(AutoMLJobName="churn", PaginationConfig={"PageSize": 1}))
    assert [page["Candidates"][0]["CandidateName"] for page in pages if page["Candidates"]] == \
        [item["CandidateName"] for item in found]
    code, _ = refused(sagemaker_client.list_candidates_for_auto_ml_job, AutoMLJobName="missing")
    assert code == "ResourceNotFound"


def test_a_deployment_that_cannot_be_made_fails_the_job(sagemaker_client):
    create(sagemaker_client, name="first", ModelDeployConfig={"EndpointName": "churn-live"})
    create(sagemaker_client, name="second", ModelDeployConfig={"EndpointName": "churn-live"})
    second = sagemaker_client.describe_auto_ml_job(AutoMLJobName="second")
    assert second["AutoMLJobStatus"] == "Failed"
    assert "churn-live" in second["FailureReason"] and "ModelDeployResult" not in second
    assert sagemaker_client.describe_auto_ml_job(AutoMLJobName="first")["ModelDeployResult"] == {
        "EndpointName": "churn-live"}
