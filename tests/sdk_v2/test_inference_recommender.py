"""The SageMaker Python SDK v2's Inference Recommender flow: `Model.right_size` creates the model
and a recommendations job, waits for it and keeps its recommendations; `deploy` with one of their ids
deploys on the recommended instance type."""
from __future__ import annotations

from tests.sdk_v2.conftest import IMAGE, ROLE


def test_right_size_then_deploy_a_recommendation(session, sagemaker_client):
    from sagemaker.model import Model

    model = Model(image_uri=IMAGE, model_data="s3://sagemock-sdk/model.tar.gz", role=ROLE, name="churn",
                  sagemaker_session=session)
    model.right_size(sample_payload_url="s3://sagemock-sdk/payload.tar.gz", supported_content_types=["text/csv"],
                     supported_instance_types=["ml.c5.xlarge", "ml.m5.xlarge"], job_name="churn-right-size",
                     framework="XGBOOST", log_level="Quiet")
    assert sagemaker_client.describe_model(ModelName="churn")["PrimaryContainer"]["Image"] == IMAGE
    recommendations = model.inference_recommendations
    assert sorted(item["EndpointConfiguration"]["InstanceType"] for item in recommendations) == [
        "ml.c5.xlarge", "ml.m5.xlarge"]
    best = recommendations[0]
    model.deploy(inference_recommendation_id=best["RecommendationId"], endpoint_name="churn-live")
    endpoint = sagemaker_client.describe_endpoint(EndpointName="churn-live")
    config = sagemaker_client.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    assert config["ProductionVariants"][0]["InstanceType"] == best["EndpointConfiguration"]["InstanceType"]
