"""The SDK v2's inference-component deploy (`EndpointType.INFERENCE_COMPONENT_BASED`) against sagemock."""
from __future__ import annotations

from tests.sdk_v2.conftest import IMAGE, ROLE


def test_a_model_deployed_as_an_inference_component(session, monkeypatch):
    import sagemaker.session

    # The SDK sleeps its 20 s poll before each look at the component; nothing here takes time.
    monkeypatch.setattr(sagemaker.session.time, "sleep", lambda seconds: None)
    from sagemaker.compute_resource_requirements.resource_requirements import ResourceRequirements
    from sagemaker.enums import EndpointType
    from sagemaker.model import Model
    from sagemaker.predictor import Predictor

    model = Model(image_uri=IMAGE, model_data="s3://sagemock-sdk/llama/model.tar.gz", role=ROLE,
                  sagemaker_session=session, name="llama", predictor_cls=Predictor)
    resources = ResourceRequirements(requests={"num_accelerators": 1, "memory": 4096, "copies": 2})
    predictor = model.deploy(initial_instance_count=1, instance_type="ml.g5.12xlarge", endpoint_name="llm",
                             endpoint_type=EndpointType.INFERENCE_COMPONENT_BASED, resources=resources,
                             inference_component_name="llama-ic")
    client = session.sagemaker_client
    assert predictor.component_name == "llama-ic"
    described = client.describe_inference_component(InferenceComponentName="llama-ic")
    assert described["InferenceComponentStatus"] == "InService"
    assert described["EndpointName"] == "llm"
    assert described["RuntimeConfig"] == {"DesiredCopyCount": 2, "CurrentCopyCount": 2}
    requirements = described["Specification"]["ComputeResourceRequirements"]
    assert requirements["NumberOfAcceleratorDevicesRequired"] == 1 and requirements["MinMemoryRequiredInMb"] == 4096
    config = client.describe_endpoint_config(EndpointConfigName=client.describe_endpoint(
        EndpointName="llm")["EndpointConfigName"])
    assert "ModelName" not in config["ProductionVariants"][0]
    predictor.update_predictor(resources=ResourceRequirements(requests={"num_accelerators": 1, "memory": 4096,
                                                                        "copies": 3}))
    assert client.describe_inference_component(
        InferenceComponentName="llama-ic")["RuntimeConfig"]["CurrentCopyCount"] == 3
    predictor.delete_predictor()
    assert client.list_inference_components(EndpointNameEquals="llm")["InferenceComponents"] == []
    client.delete_endpoint(EndpointName="llm")
