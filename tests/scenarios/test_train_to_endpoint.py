"""Issue 7's scenario, the way users write it: train, register, deploy, then find and trace.

Train a model (in an experiment's trial), report its metrics, register its output as a model
package version, build a model from the package, an endpoint config and an endpoint; then Search
finds the job by a metric and a hyperparameter, and QueryLineage walks from the endpoint back to
the training data.
"""
from __future__ import annotations

import pytest

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1"
ROLE = "arn:aws:iam::123456789012:role/sagemaker"
DATA = "s3://bucket/train/"


@pytest.fixture
def deployed(sagemaker_client, sagemaker_mock):
    sm = sagemaker_client
    sm.create_experiment(ExperimentName="churn")
    sm.create_trial(TrialName="baseline", ExperimentName="churn")
    job_arn = sm.create_training_job(
        TrainingJobName="churn-xgb",
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File", "MetricDefinitions": [
            {"Name": "validation:auc", "Regex": "auc=(.*)"}, {"Name": "train:loss", "Regex": "loss=(.*)"}]},
        RoleArn=ROLE,
        HyperParameters={"eta": "0.1", "max_depth": "5", "objective": "binary:logistic"},
        InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": DATA}}, "ContentType": "text/csv"}],
        OutputDataConfig={"S3OutputPath": "s3://bucket/out"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        ExperimentConfig={"ExperimentName": "churn", "TrialName": "baseline"},
        Tags=[{"Key": "team", "Value": "ml"}])["TrainingJobArn"]
    sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName="churn-xgb")
    sagemaker_mock.put_training_metrics(job_arn, {"validation:auc": 0.91, "train:loss": 0.2})
    model_data = sm.describe_training_job(TrainingJobName="churn-xgb")["ModelArtifacts"]["S3ModelArtifacts"]

    sm.create_model_package_group(ModelPackageGroupName="churn")
    package_arn = sm.create_model_package(
        ModelPackageGroupName="churn", ModelApprovalStatus="Approved",
        InferenceSpecification={"Containers": [{"Image": IMAGE, "ModelDataUrl": model_data}],
                                "SupportedContentTypes": ["text/csv"],
                                "SupportedResponseMIMETypes": ["text/csv"]})["ModelPackageArn"]
    sm.create_model(ModelName="churn-model", ExecutionRoleArn=ROLE, PrimaryContainer={"ModelPackageName": package_arn})
    sm.create_endpoint_config(EndpointConfigName="churn-config", ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": "churn-model", "InstanceType": "ml.m5.large",
         "InitialInstanceCount": 1}])
    endpoint_arn = sm.create_endpoint(EndpointName="churn", EndpointConfigName="churn-config")["EndpointArn"]
    sm.get_waiter("endpoint_in_service").wait(EndpointName="churn")
    return {"job": job_arn, "model_data": model_data, "package": package_arn, "endpoint": endpoint_arn}


def test_the_endpoint_serves_the_trained_model(sagemaker_client, deployed):
    endpoint = sagemaker_client.describe_endpoint(EndpointName="churn")
    assert endpoint["EndpointStatus"] == "InService"
    [variant] = endpoint["ProductionVariants"]
    assert [image["SpecifiedImage"] for image in variant["DeployedImages"]] == [IMAGE]
    assert deployed["model_data"] == "s3://bucket/out/churn-xgb/output/model.tar.gz"


def test_search_finds_the_job_by_metric_and_hyperparameter(sagemaker_client, deployed):
    results = sagemaker_client.search(Resource="TrainingJob", SearchExpression={"Filters": [
        {"Name": "Metrics.validation:auc", "Operator": "GreaterThan", "Value": "0.9"},
        {"Name": "HyperParameters.max_depth", "Operator": "Equals", "Value": "5"},
        {"Name": "Tags.team", "Operator": "Equals", "Value": "ml"}]})["Results"]
    assert [record["TrainingJob"]["TrainingJobArn"] for record in results] == [deployed["job"]]
    worse = sagemaker_client.search(Resource="TrainingJob", SearchExpression={"Filters": [
        {"Name": "Metrics.validation:auc", "Operator": "GreaterThan", "Value": "0.95"}]})["Results"]
    assert worse == []


def test_the_job_is_a_trial_component_of_its_trial(sagemaker_client, deployed):
    components = sagemaker_client.list_trial_components(TrialName="baseline")["TrialComponentSummaries"]
    assert [c["TrialComponentName"] for c in components] == ["churn-xgb-aws-training-job"]
    component = sagemaker_client.describe_trial_component(TrialComponentName="churn-xgb-aws-training-job")
    assert component["Source"]["SourceArn"] == deployed["job"]
    assert {m["MetricName"]: m["Last"] for m in component["Metrics"]} == {"validation:auc": 0.91, "train:loss": 0.2}


def test_lineage_walks_from_the_endpoint_back_to_the_training_data(sagemaker_client, deployed):
    [context] = sagemaker_client.list_contexts(SourceUri=deployed["endpoint"])["ContextSummaries"]
    found = sagemaker_client.query_lineage(StartArns=[context["ContextArn"]], Direction="Ascendants",
                                           Filters={"Types": ["DataSet"]}, IncludeEdges=False,
                                           MaxDepth=10)["Vertices"]
    sources = {artifact["ArtifactArn"]: artifact["Source"]["SourceUri"]
               for artifact in sagemaker_client.list_artifacts(MaxResults=100)["ArtifactSummaries"]}
    assert [sources[vertex["Arn"]] for vertex in found] == [DATA]
    [model] = [arn for arn, uri in sources.items() if uri == deployed["model_data"]]
    from_model = sagemaker_client.query_lineage(StartArns=[model], Direction="Ascendants", MaxDepth=10)["Vertices"]
    assert DATA in {sources.get(vertex["Arn"]) for vertex in from_model}
