"""SageMaker Edge Manager through boto3: device fleets and devices, edge packaging jobs, and edge
deployment plans with their stages, as a user drives them."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/edge"
OUTPUT = {"S3OutputLocation": "s3://bucket/edge"}


@pytest.fixture
def sm(sagemaker_client, sagemaker_mock):
    sagemaker_client.mock = sagemaker_mock
    return sagemaker_client


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def fleet(sm, name="cameras", **kwargs):
    kwargs.setdefault("OutputConfig", OUTPUT)
    sm.create_device_fleet(DeviceFleetName=name, **kwargs)


def register(sm, *names, fleet_name="cameras", **kwargs):
    sm.register_devices(DeviceFleetName=fleet_name, Devices=[{"DeviceName": name} for name in names], **kwargs)


def compile_job(sm, name="compile", wait=True):
    sm.create_compilation_job(
        CompilationJobName=name, RoleArn=ROLE,
        InputConfig={"S3Uri": "s3://bucket/model.tar.gz", "Framework": "PYTORCH",
                     "DataInputConfig": '{"input0": [1, 3, 224, 224]}'},
        OutputConfig={"S3OutputLocation": "s3://bucket/compiled", "TargetDevice": "jetson_nano"},
        StoppingCondition={"MaxRuntimeInSeconds": 900})


def package(sm, name="package", compilation="compile", model="detector", version="1.0", **output):
    sm.create_edge_packaging_job(EdgePackagingJobName=name, CompilationJobName=compilation, ModelName=model,
                                 ModelVersion=version, RoleArn=ROLE,
                                 OutputConfig={"S3OutputLocation": "s3://bucket/packaged", **output})


def plan(sm, name="rollout", fleet_name="cameras", jobs=("package",), stages=()):
    sm.create_edge_deployment_plan(
        EdgeDeploymentPlanName=name, DeviceFleetName=fleet_name,
        ModelConfigs=[{"ModelHandle": f"handle-{job}", "EdgePackagingJobName": job} for job in jobs],
        Stages=list(stages))


def stage(name, subset="PERCENTAGE", **selection):
    if subset == "PERCENTAGE":
        selection.setdefault("Percentage", 100)
    return {"StageName": name, "DeviceSelectionConfig": {"DeviceSubsetType": subset, **selection}}


# -- device fleets -----------------------------------------------------------------------------------


def test_a_fleet_with_an_iot_role_alias_names_it_as_documented(sm):
    fleet(sm, "demo-fleet", RoleArn=ROLE, EnableIotRoleAlias=True, Description="Store cameras")
    described = sm.describe_device_fleet(DeviceFleetName="demo-fleet")
    assert described["DeviceFleetArn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:device-fleet/demo-fleet"
    assert described["IotRoleAlias"] == f"arn:aws:iot:{REGION}:{ACCOUNT}:rolealias/SageMakerEdge-demo-fleet"
    assert described["RoleArn"] == ROLE and described["Description"] == "Store cameras"


def test_a_role_alias_needs_a_role_and_nothing_is_made_without_one(sm):
    with pytest.raises(ClientError) as excinfo:
        fleet(sm, EnableIotRoleAlias=True)
    assert error_of(excinfo)[0] == "ValidationException"
    assert sm.list_device_fleets()["DeviceFleetSummaries"] == []


def test_update_replaces_the_output_and_turns_the_alias_off(sm):
    fleet(sm, RoleArn=ROLE, EnableIotRoleAlias=True)
    sm.update_device_fleet(DeviceFleetName="cameras", OutputConfig={"S3OutputLocation": "s3://other/out"},
                           EnableIotRoleAlias=False)
    described = sm.describe_device_fleet(DeviceFleetName="cameras")
    assert described["OutputConfig"] == {"S3OutputLocation": "s3://other/out"}
    assert "IotRoleAlias" not in described and described["RoleArn"] == ROLE


def test_a_fleet_name_is_taken_once(sm):
    fleet(sm)
    with pytest.raises(ClientError) as excinfo:
        fleet(sm)
    assert error_of(excinfo)[0] == "ResourceInUse"


def test_a_missing_fleet_is_answered_in_aws_words(sm):
    with pytest.raises(ClientError) as excinfo:
        sm.describe_device_fleet(DeviceFleetName="nope")
    assert error_of(excinfo) == ("ValidationException", "No devicefleet with name nope")
    with pytest.raises(ClientError) as excinfo:
        sm.delete_device_fleet(DeviceFleetName="nope")
    assert "DeviceFleet with name nope" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        sm.describe_device(DeviceFleetName="nope", DeviceName="cam-1")
    assert error_of(excinfo) == ("ValidationException", "No device fleet with name nope")


def test_a_fleet_with_devices_is_in_use_until_they_are_deregistered(sm):
    fleet(sm)
    register(sm, "cam-1")
    with pytest.raises(ClientError) as excinfo:
        sm.delete_device_fleet(DeviceFleetName="cameras")
    assert error_of(excinfo)[0] == "ResourceInUse"
    sm.deregister_devices(DeviceFleetName="cameras", DeviceNames=["cam-1"])
    sm.delete_device_fleet(DeviceFleetName="cameras")
    assert sm.list_device_fleets()["DeviceFleetSummaries"] == []


def test_fleets_list_newest_first_and_by_name(sm):
    for name in ("b-fleet", "a-fleet", "c-fleet"):
        fleet(sm, name)
    listed = [s["DeviceFleetName"] for s in sm.list_device_fleets()["DeviceFleetSummaries"]]
    assert listed == ["c-fleet", "a-fleet", "b-fleet"]
    by_name = sm.list_device_fleets(SortBy="NAME", SortOrder="Ascending", NameContains="fleet")
    assert [s["DeviceFleetName"] for s in by_name["DeviceFleetSummaries"]] == ["a-fleet", "b-fleet", "c-fleet"]


# -- devices -------------------------------------------------------------------------------------------


def test_registered_devices_are_described_listed_and_tagged(sm):
    fleet(sm)
    sm.register_devices(DeviceFleetName="cameras", Devices=[
        {"DeviceName": "cam-1", "Description": "front door", "IotThingName": "thing-1"}],
        Tags=[{"Key": "site", "Value": "berlin"}])
    described = sm.describe_device(DeviceFleetName="cameras", DeviceName="cam-1")
    assert described["DeviceArn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:device-fleet/cameras/device/cam-1"
    assert (described["Description"], described["IotThingName"]) == ("front door", "thing-1")
    assert "LatestHeartbeat" not in described and "Models" not in described
    summaries = sm.list_devices(DeviceFleetName="cameras")["DeviceSummaries"]
    assert [s["DeviceName"] for s in summaries] == ["cam-1"]
    assert sm.list_tags(ResourceArn=described["DeviceArn"])["Tags"] == [{"Key": "site", "Value": "berlin"}]


def test_devices_belong_to_their_fleet(sm):
    fleet(sm)
    fleet(sm, "drones")
    register(sm, "unit-1")
    register(sm, "unit-1", fleet_name="drones")
    with pytest.raises(ClientError) as excinfo:
        sm.describe_device(DeviceFleetName="drones", DeviceName="unit-2")
    assert error_of(excinfo) == ("ValidationException", "No device with name unit-2")
    assert len(sm.list_devices()["DeviceSummaries"]) == 2
    assert [s["DeviceFleetName"] for s in sm.list_devices(DeviceFleetName="drone")["DeviceSummaries"]] == ["drones"]


def test_registering_in_a_missing_fleet_is_refused(sm):
    with pytest.raises(ClientError) as excinfo:
        register(sm, "cam-1")
    assert error_of(excinfo)[0] == "ValidationException"


def test_update_devices_changes_every_named_device_or_none(sm):
    fleet(sm)
    register(sm, "cam-1")
    with pytest.raises(ClientError):
        sm.update_devices(DeviceFleetName="cameras", Devices=[{"DeviceName": "cam-1", "Description": "x"},
                                                               {"DeviceName": "cam-9", "Description": "y"}])
    assert "Description" not in sm.describe_device(DeviceFleetName="cameras", DeviceName="cam-1")
    sm.update_devices(DeviceFleetName="cameras", Devices=[{"DeviceName": "cam-1", "Description": "porch"}])
    assert sm.describe_device(DeviceFleetName="cameras", DeviceName="cam-1")["Description"] == "porch"


def test_a_device_named_twice_in_one_request_is_refused(sm):
    fleet(sm)
    with pytest.raises(ClientError) as excinfo:
        register(sm, "cam-1", "cam-1")
    assert error_of(excinfo)[0] == "ValidationException"
    assert sm.list_devices()["DeviceSummaries"] == []


def test_devices_page(sm):
    fleet(sm)
    register(sm, *[f"cam-{i:02}" for i in range(15)])
    first = sm.list_devices(MaxResults=10)
    second = sm.list_devices(MaxResults=10, NextToken=first["NextToken"])
    names = [s["DeviceName"] for s in first["DeviceSummaries"] + second["DeviceSummaries"]]
    assert names == [f"cam-{i:02}" for i in range(15)] and "NextToken" not in second


def test_the_fleet_report_counts_registered_devices_and_no_heartbeat(sm):
    fleet(sm, Description="cams")
    register(sm, "cam-1", "cam-2")
    report = sm.get_device_fleet_report(DeviceFleetName="cameras")
    assert report["DeviceStats"] == {"ConnectedDeviceCount": 0, "RegisteredDeviceCount": 2}
    assert report["ModelStats"] == [] and report["Description"] == "cams"
    with pytest.raises(ClientError) as excinfo:
        sm.deregister_devices(DeviceFleetName="cameras", DeviceNames=["cam-1", "never-registered"])
    assert "Device with name never-registered" in error_of(excinfo)[1]
    assert sm.get_device_fleet_report(DeviceFleetName="cameras")["DeviceStats"]["RegisteredDeviceCount"] == 2
    sm.deregister_devices(DeviceFleetName="cameras", DeviceNames=["cam-1"])
    assert sm.get_device_fleet_report(DeviceFleetName="cameras")["DeviceStats"]["RegisteredDeviceCount"] == 1


# -- edge packaging jobs ---------------------------------------------------------------------------------


def test_a_packaging_job_completes_with_its_artifact_and_signature(sm):
    compile_job(sm)
    package(sm, PresetDeploymentType="GreengrassV2Component",
            PresetDeploymentConfig='{"ComponentName": "detector-component", "ComponentVersion": "2.0.0"}')
    described = sm.describe_edge_packaging_job(EdgePackagingJobName="package")
    assert described["EdgePackagingJobStatus"] == "COMPLETED"
    assert described["ModelArtifact"] == "s3://bucket/packaged/detector-1.0.tar.gz"
    assert len(described["ModelSignature"]) == 64
    assert described["PresetDeploymentOutput"] == {
        "Type": "GreengrassV2Component", "Status": "COMPLETED",
        "Artifact": f"arn:aws:greengrass:{REGION}:{ACCOUNT}:components:detector-component:versions:2.0.0"}


def test_the_component_name_defaults_to_the_documented_one(sm):
    compile_job(sm)
    package(sm, PresetDeploymentType="GreengrassV2Component")
    artifact = sm.describe_edge_packaging_job(EdgePackagingJobName="package")["PresetDeploymentOutput"]["Artifact"]
    assert artifact.endswith(":components:SagemakerEdgeManagerpackage:versions:1.0.0")


def test_packaging_needs_a_completed_compilation_job(sm):
    with pytest.raises(ClientError) as excinfo:
        package(sm, compilation="missing")
    assert error_of(excinfo)[0] == "ValidationException"
    compile_job(sm)
    sm.mock.set_status(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:compilation-job/compile", "INPROGRESS")
    with pytest.raises(ClientError) as excinfo:
        package(sm)
    assert "INPROGRESS" in error_of(excinfo)[1]
    assert sm.list_edge_packaging_jobs()["EdgePackagingJobSummaries"] == []


def test_a_preset_config_is_json_for_a_preset_type(sm):
    compile_job(sm)
    with pytest.raises(ClientError):
        package(sm, PresetDeploymentType="GreengrassV2Component", PresetDeploymentConfig="not json")
    with pytest.raises(ClientError):
        package(sm, PresetDeploymentConfig="{}")


def test_a_running_packaging_job_stops_and_a_finished_one_does_not(sm):
    compile_job(sm)
    package(sm)
    with pytest.raises(ClientError) as excinfo:
        sm.stop_edge_packaging_job(EdgePackagingJobName="package")
    assert error_of(excinfo)[0] == "ValidationException"
    package(sm, "running")
    sm.mock.set_status(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:edge-packaging-job/running", "INPROGRESS")
    sm.stop_edge_packaging_job(EdgePackagingJobName="running")
    assert sm.describe_edge_packaging_job(EdgePackagingJobName="running")["EdgePackagingJobStatus"] == "STOPPED"


def test_a_planned_failure_ends_the_job_failed_with_its_reason(sm):
    compile_job(sm)
    sm.mock.fail_next("edge-packaging-job", "ClientError: model too large")
    package(sm)
    described = sm.describe_edge_packaging_job(EdgePackagingJobName="package")
    assert described["EdgePackagingJobStatus"] == "FAILED"
    assert described["EdgePackagingJobStatusMessage"] == "ClientError: model too large"
    assert "ModelArtifact" not in described


def test_packaging_jobs_filter_by_model_and_status(sm):
    compile_job(sm)
    package(sm, "a", model="detector")
    package(sm, "b", model="classifier")
    listed = sm.list_edge_packaging_jobs(ModelNameContains="DETECT")["EdgePackagingJobSummaries"]
    assert [s["EdgePackagingJobName"] for s in listed] == ["a"]
    by_model = sm.list_edge_packaging_jobs(SortBy="MODEL_NAME", SortOrder="Ascending")["EdgePackagingJobSummaries"]
    assert [s["ModelName"] for s in by_model] == ["classifier", "detector"]
    assert sm.list_edge_packaging_jobs(StatusEquals="FAILED")["EdgePackagingJobSummaries"] == []


# -- deployment plans and stages -------------------------------------------------------------------------


@pytest.fixture
def edge(sm):
    """A fleet of four cameras and a completed packaging job of detector 1.0."""
    fleet(sm)
    register(sm, "cam-1", "cam-2", "cam-3", "door-1")
    compile_job(sm)
    package(sm)
    return sm


def test_a_new_stage_is_ready_to_deploy_to_the_devices_it_selects(edge):
    plan(edge, stages=[stage("half", Percentage=50)])
    described = edge.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout")
    assert described["Stages"][0]["DeploymentStatus"]["StageStatus"] == "READYTODEPLOY"
    assert described["Stages"][0]["DeploymentConfig"] == {"FailureHandlingPolicy": "ROLLBACK_ON_FAILURE"}
    devices = edge.list_stage_devices(EdgeDeploymentPlanName="rollout", StageName="half")["DeviceDeploymentSummaries"]
    assert [(d["DeviceName"], d["DeviceDeploymentStatus"]) for d in devices] == [
        ("cam-1", "READYTODEPLOY"), ("cam-2", "READYTODEPLOY")]


def test_a_started_stage_deploys_the_plans_models_to_its_devices(edge):
    plan(edge, stages=[stage("doors", "NAMECONTAINS", DeviceNameContains="door")])
    edge.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="doors")
    described = edge.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout")
    status = described["Stages"][0]["DeploymentStatus"]
    assert status["StageStatus"] == "DEPLOYED" and status["EdgeDeploymentSuccessInStage"] == 1
    assert described["EdgeDeploymentSuccess"] == 1 and described["EdgeDeploymentPending"] == 0
    device = edge.describe_device(DeviceFleetName="cameras", DeviceName="door-1")
    assert device["Models"] == [{"ModelName": "detector", "ModelVersion": "1.0"}]
    assert "Models" not in edge.describe_device(DeviceFleetName="cameras", DeviceName="cam-1")
    assert [d["DeviceName"] for d in edge.list_devices(ModelName="detector")["DeviceSummaries"]] == ["door-1"]
    report = edge.get_device_fleet_report(DeviceFleetName="cameras")
    assert report["ModelStats"] == [{"ModelName": "detector", "ModelVersion": "1.0", "OfflineDeviceCount": 1,
                                     "ConnectedDeviceCount": 0, "ActiveDeviceCount": 0, "SamplingDeviceCount": 0}]
    summary = edge.list_edge_deployment_plans()["EdgeDeploymentPlanSummaries"][0]
    assert (summary["EdgeDeploymentSuccess"], summary["DeviceFleetName"]) == (1, "cameras")


def test_devices_deployed_by_another_stage_can_be_left_out(edge):
    plan(edge, stages=[stage("first", "SELECTION", DeviceNames=["cam-1"]), stage("all")])
    edge.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="first")
    everything = edge.list_stage_devices(EdgeDeploymentPlanName="rollout", StageName="all")
    assert len(everything["DeviceDeploymentSummaries"]) == 4
    assert everything["DeviceDeploymentSummaries"][0]["DeployedStageName"] == "first"
    rest = edge.list_stage_devices(EdgeDeploymentPlanName="rollout", StageName="all",
                                   ExcludeDevicesDeployedInOtherStage=True)
    assert [d["DeviceName"] for d in rest["DeviceDeploymentSummaries"]] == ["cam-2", "cam-3", "door-1"]


@pytest.mark.sagemock(transitions="reads")
def test_a_stage_in_progress_stops_and_is_inactive_only_then(sm):
    fleet(sm)
    register(sm, "cam-1")
    compile_job(sm)
    sm.mock.set_status(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:compilation-job/compile", "COMPLETED")
    package(sm)
    sm.mock.set_status(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:edge-packaging-job/package", "COMPLETED")
    plan(sm, stages=[stage("all")])
    sm.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout")  # CREATING -> READYTODEPLOY
    sm.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="all")
    described = sm.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout")
    assert described["Stages"][0]["DeploymentStatus"]["StageStatus"] == "STARTING"
    assert described["EdgeDeploymentPending"] == 1
    with pytest.raises(ClientError) as excinfo:
        sm.delete_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="all")
    assert error_of(excinfo)[0] == "ResourceInUse"
    with pytest.raises(ClientError) as excinfo:
        sm.delete_edge_deployment_plan(EdgeDeploymentPlanName="rollout")
    assert error_of(excinfo)[0] == "ResourceInUse"
    sm.stop_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="all")
    for _ in range(3):
        sm.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout")
    stopped = sm.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout")["Stages"][0]
    assert stopped["DeploymentStatus"]["StageStatus"] == "STOPPED"
    sm.delete_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="all")
    sm.delete_edge_deployment_plan(EdgeDeploymentPlanName="rollout")


def test_a_planned_stage_failure_fails_its_devices(edge):
    plan(edge, stages=[stage("all")])
    edge.mock.fail_next("edge-deployment/stage", "devices rejected the model")
    edge.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="all")
    status = edge.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout")["Stages"][0]["DeploymentStatus"]
    assert (status["StageStatus"], status["EdgeDeploymentFailedInStage"]) == ("FAILED", 4)
    assert status["EdgeDeploymentStatusMessage"] == "devices rejected the model"
    devices = edge.list_stage_devices(EdgeDeploymentPlanName="rollout", StageName="all")["DeviceDeploymentSummaries"]
    assert {d["DeviceDeploymentStatus"] for d in devices} == {"FAILED"}
    assert "Models" not in edge.describe_device(DeviceFleetName="cameras", DeviceName="cam-1")


def test_a_deployed_stage_is_not_started_again(edge):
    plan(edge, stages=[stage("all")])
    edge.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="all")
    with pytest.raises(ClientError) as excinfo:
        edge.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="all")
    assert error_of(excinfo)[0] == "ValidationException"


def test_stages_are_unique_and_at_most_ten(edge):
    plan(edge, stages=[stage("one")])
    with pytest.raises(ClientError) as excinfo:
        edge.create_edge_deployment_stage(EdgeDeploymentPlanName="rollout", Stages=[stage("one")])
    assert error_of(excinfo)[0] == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        edge.create_edge_deployment_stage(EdgeDeploymentPlanName="rollout",
                                          Stages=[stage(f"s{i}") for i in range(10)])
    assert error_of(excinfo)[0] == "ResourceLimitExceeded"
    edge.create_edge_deployment_stage(EdgeDeploymentPlanName="rollout", Stages=[stage(f"s{i}") for i in range(9)])
    first = edge.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout", MaxResults=4)
    assert len(first["Stages"]) == 4 and first["NextToken"]
    rest = edge.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout", MaxResults=10,
                                              NextToken=first["NextToken"])
    assert [s["StageName"] for s in rest["Stages"]] == [f"s{i}" for i in range(3, 9)]


def test_a_selection_names_what_its_type_reads(edge):
    with pytest.raises(ClientError) as excinfo:
        plan(edge, stages=[{"StageName": "x", "DeviceSelectionConfig": {"DeviceSubsetType": "SELECTION"}}])
    assert "DeviceNames" in error_of(excinfo)[1]
    assert edge.list_edge_deployment_plans()["EdgeDeploymentPlanSummaries"] == []


def test_a_plan_needs_its_fleet_and_packaging_jobs(edge):
    with pytest.raises(ClientError):
        plan(edge, fleet_name="missing")
    with pytest.raises(ClientError):
        plan(edge, jobs=("missing",))
    plan(edge)
    with pytest.raises(ClientError) as excinfo:
        edge.delete_device_fleet(DeviceFleetName="cameras")
    assert error_of(excinfo)[0] == "ResourceInUse"


def test_a_missing_stage_is_not_found(edge):
    plan(edge)
    with pytest.raises(ClientError) as excinfo:
        edge.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="nope")
    assert error_of(excinfo)[0] == "ValidationException"  # StartEdgeDeploymentStage declares no ResourceNotFound


@pytest.mark.sagemock(transitions="reads")
def test_a_stage_in_transition_survives_a_snapshot_as_json(sm):
    import json

    fleet(sm)
    register(sm, "cam-1")
    compile_job(sm)
    sm.mock.set_status(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:compilation-job/compile", "COMPLETED")
    package(sm)
    sm.mock.set_status(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:edge-packaging-job/package", "COMPLETED")
    plan(sm, stages=[stage("all")])
    sm.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout")
    sm.start_edge_deployment_stage(EdgeDeploymentPlanName="rollout", StageName="all")
    saved = json.loads(json.dumps(sm.mock.snapshot()))
    sm.mock.reset()
    sm.mock.restore(saved)
    for _ in range(4):
        status = sm.describe_edge_deployment_plan(EdgeDeploymentPlanName="rollout")["Stages"][0]["DeploymentStatus"]
    assert status["StageStatus"] == "DEPLOYED"
    device = sm.describe_device(DeviceFleetName="cameras", DeviceName="cam-1")
    assert device["Models"] == [{"ModelName": "detector", "ModelVersion": "1.0"}]
