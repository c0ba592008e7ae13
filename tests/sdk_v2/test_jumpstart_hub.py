"""The SageMaker SDK v2's JumpStart private hub (`sagemaker.jumpstart.hub.hub.Hub`) against sagemock: an
administrator's hub, a reference to a public hub model, and the hub emptied and deleted."""
from __future__ import annotations

from tests.sdk_v2.conftest import BUCKET, REGION

PUBLIC = f"arn:aws:sagemaker:{REGION}:aws:hub-content/SageMakerPublicHub/Model/huggingface-llm-mistral-7b"


def test_hub_create_reference_list_describe_and_delete(session):
    from sagemaker.jumpstart.hub.hub import Hub

    hub = Hub(hub_name="curated", bucket_name=BUCKET, sagemaker_session=session)
    hub.create(description="Models approved for the team", display_name="Curated")
    described = hub.describe()
    assert (described["HubStatus"], described["HubDisplayName"]) == ("InService", "Curated")
    assert described["S3StorageConfig"]["S3OutputPath"].startswith(f"s3://{BUCKET}/curated-")

    hub.create_model_reference(model_arn=PUBLIC, model_name="mistral", min_version="1.2.0")
    listed = hub.list_models()["hub_content_summaries"]
    assert [(model["HubContentName"], model["HubContentType"]) for model in listed] == [("mistral", "ModelReference")]
    # The SDK tries the name as a ModelReference, then as a Model; it reads the version through
    # ListHubContentVersions and parses the document (the public model's is AWS's: sagemock's is empty).
    model = hub.describe_model("mistral")
    assert (model.hub_content_type, model.hub_content_version, model.hub_content_status) == (
        "ModelReference", "1.2.0", "Available")
    assert model.hub_content_arn.endswith(":hub-content/curated/ModelReference/mistral/1.2.0")

    # A model of the hub's own: no reference of that name, so the SDK falls back to the Model.
    for version in ("1.0.0", "1.1.0"):
        session.sagemaker_client.import_hub_content(
            HubName="curated", HubContentType="Model", HubContentName="churn-xgboost", HubContentVersion=version,
            DocumentSchemaVersion="2.0.0", HubContentDocument="{}")
    own = hub.describe_model("churn-xgboost")
    assert (own.hub_content_type, own.hub_content_version) == ("Model", "1.1.0")
    assert hub.describe_model("churn-xgboost", model_version="1.0.0").hub_content_version == "1.0.0"

    hub.delete_model_reference("mistral")
    for version in ("1.0.0", "1.1.0"):
        session.sagemaker_client.delete_hub_content(HubName="curated", HubContentType="Model",
                                                    HubContentName="churn-xgboost", HubContentVersion=version)
    hub.delete()
    assert session.sagemaker_client.list_hubs()["HubSummaries"] == []
