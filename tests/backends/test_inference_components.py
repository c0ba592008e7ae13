"""Inference components through boto3: deploying models onto an endpoint's variant, copies, adapters."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_member, requires_optional, requires_shape_member

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/llm:1"
COMPUTE = {"NumberOfAcceleratorDevicesRequired": 1, "MinMemoryRequiredInMb": 4096}


def endpoint(client, name="llm", variants=("AllTraffic",)):
    """An endpoint for inference components: variants with no model, and the config's role."""
    client.create_endpoint_config(EndpointConfigName=name, ExecutionRoleArn=ROLE, ProductionVariants=[
        {"VariantName": variant, "InstanceType": "ml.g5.12xlarge", "InitialInstanceCount": 1} for variant in variants])
    client.create_endpoint(EndpointName=name, EndpointConfigName=name)


def model(client, name="llama"):
    client.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})


def component(client, name="llama-ic", endpoint_name="llm", copies=1, **specification):
    request = {"InferenceComponentName": name, "EndpointName": endpoint_name, "VariantName": "AllTraffic",
               "Specification": specification or {"ModelName": "llama", "ComputeResourceRequirements": COMPUTE},
               "RuntimeConfig": {"CopyCount": copies}}
    return client.create_inference_component(**request)["InferenceComponentArn"]


def describe(client, name="llama-ic"):
    return client.describe_inference_component(InferenceComponentName=name)


def refusal(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


@pytest.fixture
def deployed(sagemaker_client):
    endpoint(sagemaker_client)
    model(sagemaker_client)
    return sagemaker_client


def test_a_model_deployed_as_a_component_runs_its_copies(deployed):
    arn = component(deployed, copies=2)
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:inference-component/llama-ic"
    described = describe(deployed)
    assert described["InferenceComponentStatus"] == "InService"
    assert described["EndpointName"] == "llm"
    assert described["EndpointArn"] == deployed.describe_endpoint(EndpointName="llm")["EndpointArn"]
    assert described["VariantName"] == "AllTraffic"
    assert described["Specification"] == {"ModelName": "llama", "ComputeResourceRequirements": COMPUTE}
    assert described["RuntimeConfig"] == {"DesiredCopyCount": 2, "CurrentCopyCount": 2}


def test_a_container_is_deployed_pinned_to_a_digest(deployed):
    component(deployed, Container={"Image": IMAGE, "ArtifactUrl": "s3://bucket/llama.tar.gz",
                                   "Environment": {"MAX_TOKENS": "512"}}, ComputeResourceRequirements=COMPUTE)
    container = describe(deployed)["Specification"]["Container"]
    assert container["ArtifactUrl"] == "s3://bucket/llama.tar.gz"
    assert container["Environment"] == {"MAX_TOKENS": "512"}
    assert container["DeployedImage"]["SpecifiedImage"] == IMAGE
    assert re.fullmatch(rf"{re.escape(IMAGE.rsplit(':', 1)[0])}@sha256:[0-9a-f]{{64}}",
                        container["DeployedImage"]["ResolvedImage"])


@pytest.mark.parametrize(("change", "words"), [
    ({"EndpointName": "absent"}, 'Could not find endpoint'),
    ({"VariantName": "Shadow"}, "Variant Shadow does not exist"),
    ({"Specification": {"ModelName": "absent", "ComputeResourceRequirements": COMPUTE}}, 'Could not find model'),
    ({"Specification": {"ComputeResourceRequirements": COMPUTE}}, "needs a ModelName"),
    pytest.param({"Specifications": [{"ModelName": "llama", "ComputeResourceRequirements": COMPUTE}]}, "not both",
                 marks=requires_member("CreateInferenceComponent", "Specifications")),
    pytest.param({"Specification": None, "Specifications": [
        {"ModelName": "llama", "InstanceType": "ml.g5.12xlarge", "ComputeResourceRequirements": COMPUTE},
        {"ModelName": "llama", "ComputeResourceRequirements": COMPUTE}]}, "InstanceType is required",
        marks=requires_member("CreateInferenceComponent", "Specifications")),
    pytest.param({"Specification": {"ModelName": "llama", "ComputeResourceRequirements": {
        **COMPUTE, "AcceleratorPartitionType": "mig-3g.40gb", "NumberOfAcceleratorDevicesRequired": 2}}},
        "NumberOfAcceleratorDevicesRequired must be 1",
        marks=requires_shape_member("InferenceComponentComputeResourceRequirements", "AcceleratorPartitionType")),
])
def test_refused_components_leave_nothing_behind(deployed, change, words):
    request = {"InferenceComponentName": "refused", "EndpointName": "llm", "VariantName": "AllTraffic",
               "Specification": {"ModelName": "llama", "ComputeResourceRequirements": COMPUTE},
               "RuntimeConfig": {"CopyCount": 1}, **change}
    request = {key: value for key, value in request.items() if value is not None}
    with pytest.raises(ClientError) as refused:
        deployed.create_inference_component(**request)
    code, message = refusal(refused)
    assert code == "ValidationException" and words in message
    assert deployed.list_inference_components()["InferenceComponents"] == []


@requires_optional("CreateInferenceComponent", "VariantName")
def test_the_variant_may_be_left_out_only_when_the_endpoint_has_one(deployed):
    deployed.create_inference_component(InferenceComponentName="solo", EndpointName="llm", Specification={
        "ModelName": "llama", "ComputeResourceRequirements": COMPUTE}, RuntimeConfig={"CopyCount": 1})
    assert describe(deployed, "solo")["VariantName"] == "AllTraffic"
    endpoint(deployed, "pair", variants=("A", "B"))
    with pytest.raises(ClientError) as refused:
        deployed.create_inference_component(InferenceComponentName="either", EndpointName="pair", Specification={
            "ModelName": "llama", "ComputeResourceRequirements": COMPUTE}, RuntimeConfig={"CopyCount": 1})
    assert "VariantName" in refusal(refused)[1]


@requires_shape_member("InferenceComponentSpecification", "BaseInferenceComponentName")
def test_an_adapter_lives_in_its_base_component(deployed):
    component(deployed)
    deployed.create_inference_component(InferenceComponentName="adapter", EndpointName="llm", VariantName="AllTraffic",
                                        Specification={"BaseInferenceComponentName": "llama-ic",
                                                       "Container": {"ArtifactUrl": "s3://bucket/adapter.tar.gz"}})
    assert describe(deployed, "adapter")["Specification"]["BaseInferenceComponentName"] == "llama-ic"
    for specification, words in (
            ({"BaseInferenceComponentName": "absent", "Container": {"ArtifactUrl": "s3://bucket/a.tar.gz"}},
             "Could not find inference component"),
            ({"BaseInferenceComponentName": "llama-ic", "ComputeResourceRequirements": COMPUTE},
             "omit ComputeResourceRequirements")):
        with pytest.raises(ClientError) as refused:
            deployed.create_inference_component(InferenceComponentName="bad-adapter", EndpointName="llm",
                                                VariantName="AllTraffic", Specification=specification)
        assert words in refusal(refused)[1]


@requires_member("UpdateInferenceComponent", "DeploymentConfig")
def test_copies_change_through_updating(deployed):
    component(deployed)
    deployed.update_inference_component_runtime_config(InferenceComponentName="llama-ic",
                                                       DesiredRuntimeConfig={"CopyCount": 4})
    described = describe(deployed)
    assert described["RuntimeConfig"] == {"DesiredCopyCount": 4, "CurrentCopyCount": 4}
    assert described["LastModifiedTime"] >= described["CreationTime"]
    deployed.update_inference_component(InferenceComponentName="llama-ic", RuntimeConfig={"CopyCount": 1},
                                        Specification={"ComputeResourceRequirements": {
                                            "NumberOfAcceleratorDevicesRequired": 1, "MinMemoryRequiredInMb": 8192}},
                                        DeploymentConfig={"RollingUpdatePolicy": {
                                            "MaximumBatchSize": {"Type": "COPY_COUNT", "Value": 1},
                                            "WaitIntervalInSeconds": 0}})
    described = describe(deployed)
    assert described["Specification"]["ComputeResourceRequirements"]["MinMemoryRequiredInMb"] == 8192
    assert described["Specification"]["ModelName"] == "llama"  # an update changes only what it names
    assert described["RuntimeConfig"] == {"DesiredCopyCount": 1, "CurrentCopyCount": 1}
    assert described["LastDeploymentConfig"]["RollingUpdatePolicy"]["MaximumBatchSize"]["Value"] == 1


@pytest.mark.sagemock(transitions="seconds", transition_seconds=60)
def test_a_component_in_progress_is_neither_updated_nor_deleted(sagemaker_mock, sagemaker_client):
    endpoint(sagemaker_client)
    sagemaker_mock.advance(60)
    model(sagemaker_client)
    component(sagemaker_client, copies=2)
    described = describe(sagemaker_client)
    assert described["InferenceComponentStatus"] == "Creating"
    assert described["RuntimeConfig"] == {"DesiredCopyCount": 2, "CurrentCopyCount": 0}
    for call in (lambda: sagemaker_client.delete_inference_component(InferenceComponentName="llama-ic"),
                 lambda: sagemaker_client.update_inference_component_runtime_config(
                     InferenceComponentName="llama-ic", DesiredRuntimeConfig={"CopyCount": 3})):
        with pytest.raises(ClientError) as refused:
            call()
        assert refusal(refused)[0] in ("ValidationException", "ResourceInUse")
    sagemaker_mock.advance(60)
    assert describe(sagemaker_client)["RuntimeConfig"]["CurrentCopyCount"] == 2
    sagemaker_client.update_inference_component_runtime_config(InferenceComponentName="llama-ic",
                                                               DesiredRuntimeConfig={"CopyCount": 3})
    updating = describe(sagemaker_client)
    assert updating["InferenceComponentStatus"] == "Updating"
    assert updating["RuntimeConfig"] == {"DesiredCopyCount": 3, "CurrentCopyCount": 2}
    sagemaker_mock.advance(60)
    assert describe(sagemaker_client)["RuntimeConfig"]["CurrentCopyCount"] == 3


def test_an_endpoint_is_deleted_after_its_components(deployed):
    component(deployed)
    with pytest.raises(ClientError) as refused:
        deployed.delete_endpoint(EndpointName="llm")
    code, message = refusal(refused)
    assert code == "ValidationException" and "llama-ic" in message
    assert deployed.describe_endpoint(EndpointName="llm")["EndpointStatus"] == "InService"
    deployed.delete_inference_component(InferenceComponentName="llama-ic")
    deployed.delete_endpoint(EndpointName="llm")
    with pytest.raises(ClientError):
        describe(deployed)


def test_list_filters_by_endpoint_variant_and_status(deployed):
    endpoint(deployed, "other")
    component(deployed, "first")
    component(deployed, "second", endpoint_name="other")
    listed = deployed.list_inference_components(EndpointNameEquals="other")["InferenceComponents"]
    assert [summary["InferenceComponentName"] for summary in listed] == ["second"]
    assert listed[0]["VariantName"] == "AllTraffic" and listed[0]["InferenceComponentStatus"] == "InService"
    both = deployed.list_inference_components(VariantNameEquals="AllTraffic", StatusEquals="InService")
    assert [summary["InferenceComponentName"] for summary in both["InferenceComponents"]] == ["second", "first"]
    assert deployed.list_inference_components(StatusEquals="Failed")["InferenceComponents"] == []
