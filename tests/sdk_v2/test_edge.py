"""The SageMaker Python SDK v2's Edge Manager flow: `Model.compile` for a device, then
`Model.package_for_edge`, which creates an edge packaging job, waits for it and points the model at
the packaged artifact; the package then deploys to a fleet through an edge deployment plan."""
from __future__ import annotations

import boto3

from tests.sdk_v2.conftest import BUCKET, IMAGE, REGION, ROLE


def test_compile_then_package_for_edge(session):
    from sagemaker.model import Model

    model = Model(image_uri=IMAGE, model_data=f"s3://{BUCKET}/model/model.tar.gz", role=ROLE,
                  sagemaker_session=session)
    model.compile(target_instance_family="jetson_nano", input_shape={"input0": [1, 3, 224, 224]},
                  output_path=f"s3://{BUCKET}/compiled", role=ROLE, job_name="detector-neo",
                  framework="pytorch", framework_version="1.8")
    model.package_for_edge(output_path=f"s3://{BUCKET}/packaged", model_name="detector", model_version="1.0",
                           role=ROLE, job_name="detector-edge")
    assert model.model_data == f"s3://{BUCKET}/packaged/detector-1.0.tar.gz"

    sm = boto3.client("sagemaker", region_name=REGION)
    job = sm.describe_edge_packaging_job(EdgePackagingJobName="detector-edge")
    assert (job["CompilationJobName"], job["EdgePackagingJobStatus"]) == ("detector-neo", "COMPLETED")
    sm.create_device_fleet(DeviceFleetName="cameras", OutputConfig={"S3OutputLocation": f"s3://{BUCKET}/edge"})
    sm.register_devices(DeviceFleetName="cameras", Devices=[{"DeviceName": "cam-1"}])
    sm.create_edge_deployment_plan(
        EdgeDeploymentPlanName="rollout", DeviceFleetName="cameras",
        ModelConfigs=[{"ModelHandle": "detector", "EdgePackagingJobName": "detector-edge"}],
        Stages=[{"StageName": "all", "DeviceSelectionConfig": {"DeviceSubsetType": "PERCENTAGE", "Percentage": 100}}])
    sm.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="all")
    device = sm.describe_device(DeviceFleetName="cameras", DeviceName="cam-1")
    assert device["Models"] == [{"ModelName": "detector", "ModelVersion": "1.0"}]
