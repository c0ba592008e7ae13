"""The SageMaker SDK v2's Autopilot classes against sagemock: `AutoML` (the V1 API) and `AutoMLV2`."""
from __future__ import annotations

from tests.sdk_v2.conftest import BUCKET, ROLE


def test_automl_fit_best_candidate_candidates_and_deploy(session, sagemaker_mock):
    from sagemaker.automl.automl import AutoML

    automl = AutoML(role=ROLE, target_attribute_name="churned", sagemaker_session=session, max_candidates=2,
                    problem_type="BinaryClassification", job_objective={"MetricName": "F1"})
    automl.fit(inputs=f"s3://{BUCKET}/churn/train.csv", wait=False, job_name="churn")
    listed = automl.list_candidates(sort_by="FinalObjectiveMetricValue", sort_order="Descending")
    assert len(listed) == 2
    # The SDK keeps the first description it reads: the metric is reported before it.
    sagemaker_mock.put_training_metrics(listed[-1]["CandidateSteps"][0]["CandidateStepArn"], {"F1": 0.999})
    described = automl.describe_auto_ml_job()
    assert (described["AutoMLJobStatus"], described["AutoMLJobSecondaryStatus"]) == \
        ("Completed", "MaxCandidatesReached")
    best = automl.best_candidate()
    assert best["CandidateName"] == listed[-1]["CandidateName"]
    assert best["FinalAutoMLJobObjectiveMetric"]["Value"] == 0.999
    automl.deploy(initial_instance_count=1, instance_type="ml.m5.large", endpoint_name="churn-live",
                  inference_response_keys=["predicted_label", "probability"], wait=False)
    endpoint = session.sagemaker_client.describe_endpoint(EndpointName="churn-live")
    assert endpoint["EndpointStatus"] == "InService"
    config = session.sagemaker_client.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    model = session.sagemaker_client.describe_model(ModelName=config["ProductionVariants"][0]["ModelName"])
    assert [item["Image"] for item in model["Containers"]] == [item["Image"] for item in best["InferenceContainers"]]
    attached = AutoML.attach("churn", sagemaker_session=session)
    assert attached.target_attribute_name == "churned"


def test_automl_v2_fit_and_best_candidate(session):
    from sagemaker.automl.automlv2 import AutoMLDataChannel, AutoMLTabularConfig, AutoMLV2

    automl = AutoMLV2(problem_config=AutoMLTabularConfig(target_attribute_name="churned", max_candidates=2),
                      role=ROLE, sagemaker_session=session)
    automl.fit(inputs=[AutoMLDataChannel(s3_data_type="S3Prefix", s3_uri=f"s3://{BUCKET}/churn/train.csv")],
               wait=False, job_name="churn-v2")
    described = automl.describe_auto_ml_job()
    assert described["AutoMLJobStatus"] == "Completed"
    assert described["AutoMLProblemTypeConfigName"] == "Tabular"
    assert automl.best_candidate()["CandidateName"] in {item["CandidateName"] for item in automl.list_candidates()}
