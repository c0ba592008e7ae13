"""Compilation jobs (SageMaker Neo), through boto3 as a user drives them."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock.core import service
from sagemock.core.errors import ValidationError

ACCOUNT = "123456789012"
REGION = "us-east-1"
JOB_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:compilation-job/"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/neo"
MODEL = "s3://bucket/training/output/model.tar.gz"
OUTPUT = "s3://bucket/compiled"
UTC = dt.timezone.utc
SUMMARY_KEYS = {"CompilationJobName", "CompilationJobArn", "CreationTime", "LastModifiedTime", "CompilationJobStatus"}


def create(client, name="job", device="ml_c5", framework="PYTORCH", output=OUTPUT, model=MODEL,
           data_input='{"input0": [1, 3, 224, 224]}', **kwargs):
    output_config = {"S3OutputLocation": output, **kwargs.pop("OutputConfig", {})}
    if device is not None:
        output_config["TargetDevice"] = device
    input_config = {"S3Uri": model, "Framework": framework}
    if data_input is not None:
        input_config["DataInputConfig"] = data_input
    if "InputConfig" in kwargs:
        input_config = kwargs.pop("InputConfig")
    if input_config is not None:
        kwargs["InputConfig"] = input_config
    kwargs.setdefault("StoppingCondition", {"MaxRuntimeInSeconds": 900})
    return client.create_compilation_job(CompilationJobName=name, RoleArn=ROLE, OutputConfig=output_config,
                                         **kwargs)["CompilationJobArn"]


def describe(client, name="job"):
    return client.describe_compilation_job(CompilationJobName=name)


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def summaries(client, **kwargs):
    return client.list_compilation_jobs(**kwargs)["CompilationJobSummaries"]


def names(client, **kwargs):
    return [s["CompilationJobName"] for s in summaries(client, **kwargs)]


def without_metadata(response):
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


# -- CreateCompilationJob / DescribeCompilationJob ------------------------------------------------

def test_create_then_describe_a_completed_job(sagemaker_client):
    with freeze_time("2024-03-01 12:00:00"):
        response = sagemaker_client.create_compilation_job(
            CompilationJobName="resnet", RoleArn=ROLE,
            InputConfig={"S3Uri": MODEL, "Framework": "PYTORCH", "FrameworkVersion": "1.8",
                         "DataInputConfig": '{"input0": [1, 3, 224, 224]}'},
            OutputConfig={"S3OutputLocation": OUTPUT, "TargetDevice": "ml_c5"},
            StoppingCondition={"MaxRuntimeInSeconds": 900})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["CompilationJobArn"] == JOB_ARN + "resnet"

    job = describe(sagemaker_client, "resnet")
    at = dt.datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert without_metadata(job) == {
        "CompilationJobName": "resnet",
        "CompilationJobArn": JOB_ARN + "resnet",
        "CompilationJobStatus": "COMPLETED",
        "CompilationStartTime": at,
        "CompilationEndTime": at,
        "StoppingCondition": {"MaxRuntimeInSeconds": 900},
        "InferenceImage": f"000000000000.dkr.ecr.{REGION}.amazonaws.com/sagemaker-neo-pytorch:1.8-ml_c5",
        "CreationTime": at,
        "LastModifiedTime": at,
        "FailureReason": "",
        "ModelArtifacts": {"S3ModelArtifacts": "s3://bucket/compiled/model-ml_c5.tar.gz"},
        "ModelDigests": {"ArtifactDigest": job["ModelDigests"]["ArtifactDigest"]},
        "RoleArn": ROLE,
        "InputConfig": {"S3Uri": MODEL, "Framework": "PYTORCH", "FrameworkVersion": "1.8",
                        "DataInputConfig": '{"input0": [1, 3, 224, 224]}'},
        "OutputConfig": {"S3OutputLocation": OUTPUT, "TargetDevice": "ml_c5"},
    }
    digest = job["ModelDigests"]["ArtifactDigest"]
    assert len(digest) == 64 and int(digest, 16) >= 0


def test_arn_lower_cases_the_name_and_names_ignore_case(sagemaker_client):
    arn = create(sagemaker_client, name="My-Neo-Job", output="s3://first")
    assert arn == JOB_ARN + "my-neo-job"
    assert describe(sagemaker_client, "My-Neo-Job")["CompilationJobName"] == "My-Neo-Job"
    assert describe(sagemaker_client, "my-neo-job")["CompilationJobArn"] == arn

    for duplicate in ("My-Neo-Job", "MY-NEO-JOB"):
        with pytest.raises(ClientError) as err:
            create(sagemaker_client, name=duplicate, output="s3://second")
        code, message = error_of(err)
        assert code == "ResourceInUse"
        assert message == ("Compilation job names must be unique within an AWS account and region, and a compilation "
                           f"job with this name already exists ({arn})")
    assert names(sagemaker_client) == ["My-Neo-Job"]
    assert describe(sagemaker_client, "My-Neo-Job")["OutputConfig"]["S3OutputLocation"] == "s3://first"


def test_duplicate_is_refused_whatever_the_first_jobs_status(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("compilation-job", reason="bad model")
    create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, device="rasp3b")
    assert error_of(err)[0] == "ResourceInUse"
    job = describe(sagemaker_client)
    assert (job["CompilationJobStatus"], job["OutputConfig"]["TargetDevice"]) == ("FAILED", "ml_c5")


def test_describe_unknown_job(sagemaker_client):
    with pytest.raises(ClientError) as err:
        describe(sagemaker_client, "ghost")
    assert error_of(err) == ("ResourceNotFound", "Could not find compilation job 'ghost'.")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_jobs_are_per_account_and_region(sagemaker_client):
    create(sagemaker_client)
    other_account = boto3.client("sagemaker", region_name=REGION, aws_access_key_id="210987654321",
                                 aws_secret_access_key="sagemock")
    other_region = boto3.client("sagemaker", region_name="eu-west-1", aws_access_key_id=ACCOUNT,
                                aws_secret_access_key="sagemock")
    for client in (other_account, other_region):
        assert summaries(client) == []
        with pytest.raises(ClientError) as err:
            describe(client)
        assert error_of(err)[0] == "ResourceNotFound"
    assert create(other_region) == f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:compilation-job/job"


@pytest.mark.parametrize("device", service.enum_values("TargetDevice"))
def test_every_target_device_of_the_model(sagemaker_client, device):
    arn = create(sagemaker_client, name="job", device=device)
    job = describe(sagemaker_client)
    assert job["CompilationJobArn"] == arn
    assert job["OutputConfig"]["TargetDevice"] == device
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == f"s3://bucket/compiled/model-{device}.tar.gz"
    if device.startswith("ml_"):
        assert job["InferenceImage"].endswith(f"/sagemaker-neo-pytorch:latest-{device}")
    else:
        assert "InferenceImage" not in job
    (summary,) = summaries(sagemaker_client)
    assert summary["CompilationTargetDevice"] == device
    assert not any(key.startswith("CompilationTargetPlatform") for key in summary)


def test_the_model_has_the_rockchip_devices_of_the_seed():
    assert {"rk3288", "rk3399"} <= set(service.enum_values("TargetDevice"))


@pytest.mark.parametrize("framework", service.enum_values("Framework"))
def test_every_framework_of_the_model(sagemaker_client, framework):
    create(sagemaker_client, framework=framework, data_input='{"data": [1, 3, 224, 224]}')
    job = describe(sagemaker_client)
    assert job["InputConfig"]["Framework"] == framework
    assert job["CompilationJobStatus"] == "COMPLETED"
    assert job["InferenceImage"].split("/")[-1] == f"sagemaker-neo-{framework.lower()}:latest-ml_c5"


def test_unknown_target_device_or_framework_is_refused(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, device="rk9999")
    code, message = error_of(err)
    assert code == "ValidationException"
    assert "'rk9999' at 'outputConfig.targetDevice' failed to satisfy constraint" in message
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, framework="CAFFE")
    assert error_of(err)[0] == "ValidationException"
    assert summaries(sagemaker_client) == []


@pytest.mark.parametrize("platform, target", [
    ({"Os": "LINUX", "Arch": "X86_64"}, "LINUX_X86_64"),
    ({"Os": "LINUX", "Arch": "ARM64", "Accelerator": "MALI"}, "LINUX_ARM64_MALI"),
    ({"Os": "ANDROID", "Arch": "ARM_EABIHF"}, "ANDROID_ARM_EABIHF"),
])
def test_target_platform_instead_of_a_device(sagemaker_client, platform, target):
    create(sagemaker_client, device=None, model="s3://bucket/models/resnet18_model.tar.gz",
           OutputConfig={"TargetPlatform": platform, "CompilerOptions": '{"mattr": ["+neon"]}'})
    job = describe(sagemaker_client)
    assert job["OutputConfig"] == {"S3OutputLocation": OUTPUT, "TargetPlatform": platform,
                                   "CompilerOptions": '{"mattr": ["+neon"]}'}
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == f"s3://bucket/compiled/resnet18_model-{target}.tar.gz"
    assert "InferenceImage" not in job
    (summary,) = summaries(sagemaker_client)
    assert "CompilationTargetDevice" not in summary
    assert summary["CompilationTargetPlatformOs"] == platform["Os"]
    assert summary["CompilationTargetPlatformArch"] == platform["Arch"]
    assert summary.get("CompilationTargetPlatformAccelerator") == platform.get("Accelerator")


def test_target_device_and_platform_are_exclusive(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, device="rk3399", OutputConfig={"TargetPlatform": {"Os": "LINUX", "Arch": "ARM64"}})
    assert error_of(err) == ("ValidationException", "TargetDevice and TargetPlatform are mutually exclusive: "
                                                    "specify only one of them in OutputConfig.")
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, device=None)
    assert error_of(err) == ("ValidationException", "OutputConfig must specify either TargetDevice or TargetPlatform.")
    assert summaries(sagemaker_client) == []


def test_nvidia_platform_needs_compiler_options(sagemaker_client):
    platform = {"Os": "LINUX", "Arch": "ARM64", "Accelerator": "NVIDIA"}
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, device=None, OutputConfig={"TargetPlatform": platform})
    code, message = error_of(err)
    assert code == "ValidationException" and "CompilerOptions are required for NVIDIA accelerators" in message
    assert summaries(sagemaker_client) == []
    options = '{"gpu-code": "sm_72", "trt-ver": "6.0.1", "cuda-ver": "10.1"}'
    create(sagemaker_client, device=None, OutputConfig={"TargetPlatform": platform, "CompilerOptions": options})
    job = describe(sagemaker_client)
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == "s3://bucket/compiled/model-LINUX_ARM64_NVIDIA.tar.gz"


def test_everything_given_is_kept(sagemaker_client):
    vpc = {"SecurityGroupIds": ["sg-12345678"], "Subnets": ["subnet-1", "subnet-2"]}
    stopping = {"MaxRuntimeInSeconds": 1800, "MaxWaitTimeInSeconds": 3600, "MaxPendingTimeInSeconds": 7200}
    create(sagemaker_client, device="ml_inf1", framework="TENSORFLOW", data_input='{"input": [1, 224, 224, 3]}',
           output="s3://bucket/compiled/", VpcConfig=vpc, StoppingCondition=stopping,
           OutputConfig={"KmsKeyId": "alias/neo", "CompilerOptions": '"--verbose 1 --num-neuroncores 2"'})
    job = describe(sagemaker_client)
    assert job["VpcConfig"] == vpc
    assert job["StoppingCondition"] == stopping
    assert job["OutputConfig"] == {"S3OutputLocation": "s3://bucket/compiled/", "TargetDevice": "ml_inf1",
                                   "KmsKeyId": "alias/neo", "CompilerOptions": '"--verbose 1 --num-neuroncores 2"'}
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == "s3://bucket/compiled/model-ml_inf1.tar.gz"
    assert "ModelPackageVersionArn" not in job


def test_an_empty_stopping_condition_is_echoed(sagemaker_client):
    create(sagemaker_client, StoppingCondition={})
    assert describe(sagemaker_client)["StoppingCondition"] == {}


@pytest.mark.parametrize("model, artifact", [
    ("s3://bucket/model.tar.gz", "model-rk3288.tar.gz"),
    ("s3://bucket/a/b/yolo.tgz", "yolo-rk3288.tar.gz"),
    ("s3://bucket/a/weights", "weights-rk3288.tar.gz"),
    ("s3://bucket", "model-rk3288.tar.gz"),
    ("s3://bucket/dir/", "dir-rk3288.tar.gz"),
])
def test_artifact_name_follows_the_input_archive(sagemaker_client, model, artifact):
    create(sagemaker_client, device="rk3288", model=model)
    assert describe(sagemaker_client)["ModelArtifacts"]["S3ModelArtifacts"] == f"{OUTPUT}/{artifact}"


@pytest.mark.parametrize("framework, data_input", [
    ("TENSORFLOW", '{"input": [1, 1024, 1024, 3]}'),
    ("MXNET", '{"var1": [1, 1, 28, 28], "var2": [1, 1, 28, 28]}'),
    ("PYTORCH", "[[1, 3, 224, 224], [1, 3, 224, 224]]"),
    ("XGBOOST", None),
])
def test_data_input_config_forms(sagemaker_client, framework, data_input):
    create(sagemaker_client, framework=framework, data_input=data_input)
    assert describe(sagemaker_client)["InputConfig"].get("DataInputConfig") == data_input


@pytest.mark.parametrize("framework, data_input", [
    # AWS's own Neo tutorial (Developer Guide, "Compile and deploy a model": data_shape written the Python way).
    ("MXNET", "{'data':[1,3,224,224]}"),
    ("PYTORCH", "{'input0': [1, 3, 224, 224]}"),
    ("PYTORCH", "[[1, 3, 224, 224]]"),
])
def test_python_literal_data_input_config_compiles(sagemaker_client, framework, data_input):
    create(sagemaker_client, framework=framework, data_input=data_input)
    job = describe(sagemaker_client)
    assert job["CompilationJobStatus"] == "COMPLETED"
    assert job["InputConfig"]["DataInputConfig"] == data_input


@pytest.mark.parametrize("framework, data_input, fragment", [
    ("TENSORFLOW", "{input: [1, 224, 224, 3]}", "is neither JSON nor a Python literal"),
    ("TENSORFLOW", "[[1, 224, 224, 3]]", "DataInputConfig for TENSORFLOW must be a dictionary of input names"),
    ("PYTORCH", '"input0"', "DataInputConfig for PYTORCH must be a dictionary of input names and shapes, or a list"),
])
def test_unreadable_data_input_config_fails_the_job_not_the_request(sagemaker_client, framework, data_input, fragment):
    """Neo reports input problems through the job ("Troubleshoot Neo Compilation Errors": every
    input error is a `ClientError: InputConfiguration: ...` FailureReason), not as a ValidationException."""
    create(sagemaker_client, framework=framework, data_input=data_input)
    job = describe(sagemaker_client)
    assert job["CompilationJobStatus"] == "FAILED"
    assert job["FailureReason"].startswith("ClientError: InputConfiguration: ") and fragment in job["FailureReason"]
    assert "ModelDigests" not in job


@pytest.mark.parametrize("options, status", [
    ("{'mcpu': 'skylake-avx512'}", "COMPLETED"),   # the OutputConfig.CompilerOptions reference's own example
    ('{"mcpu": "skylake-avx512"}', "COMPLETED"),
    ("mcpu=skylake", "FAILED"),
])
def test_compiler_options_are_json_or_python_literals(sagemaker_client, options, status):
    create(sagemaker_client, device="ml_c5", OutputConfig={"CompilerOptions": options})
    job = describe(sagemaker_client)
    assert job["CompilationJobStatus"] == status
    if status == "FAILED":
        assert job["FailureReason"].startswith("ClientError: OutputConfiguration: CompilerOptions")


def test_input_shape_constraints_are_enforced(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, name="bad_name")
    code, message = error_of(err)
    assert code == "ValidationException" and "at 'compilationJobName' failed to satisfy constraint" in message
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, output="bucket/compiled")
    code, message = error_of(err)
    assert code == "ValidationException" and "outputConfig.s3OutputLocation" in message
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, name="a" * 64)
    code, message = error_of(err)
    assert code == "ValidationException" and "Member must have length less than or equal to 63" in message
    assert summaries(sagemaker_client) == []


def test_tags_on_create(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "edge"}])
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "edge"}]
    sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    assert len(sagemaker_client.list_tags(ResourceArn=arn)["Tags"]) == 2


def test_reserved_or_repeated_tag_keys_create_nothing(sagemaker_client):
    for bad in ([{"Key": "aws:owner", "Value": "x"}], [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]):
        with pytest.raises(ClientError) as err:
            create(sagemaker_client, Tags=bad)
        assert error_of(err)[0] == "ValidationException"
    assert summaries(sagemaker_client) == []
    with pytest.raises(ClientError) as err:
        describe(sagemaker_client)
    assert error_of(err)[0] == "ResourceNotFound"


# -- ModelPackageVersionArn ---------------------------------------------------------------------

def model_package(client, group="neo-models", **container):
    client.create_model_package_group(ModelPackageGroupName=group)
    spec = {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/infer:1", "ModelDataUrl": MODEL, **container}
    return client.create_model_package(
        ModelPackageGroupName=group,
        InferenceSpecification={"Containers": [spec], "SupportedContentTypes": ["application/x-image"],
                                "SupportedResponseMIMETypes": ["application/json"]})["ModelPackageArn"]


def test_compile_a_versioned_model_package(sagemaker_client):
    package = model_package(sagemaker_client, Framework="PYTORCH", FrameworkVersion="1.8",
                            ModelInput={"DataInputConfig": '{"input0": [1, 3, 224, 224]}'})
    create(sagemaker_client, InputConfig=None, ModelPackageVersionArn=package, device="ml_g4dn")
    job = describe(sagemaker_client)
    assert job["ModelPackageVersionArn"] == package
    assert job["InputConfig"] == {"S3Uri": MODEL, "Framework": "PYTORCH", "FrameworkVersion": "1.8",
                                  "DataInputConfig": '{"input0": [1, 3, 224, 224]}'}
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == "s3://bucket/compiled/model-ml_g4dn.tar.gz"
    assert job["InferenceImage"].endswith("/sagemaker-neo-pytorch:1.8-ml_g4dn")


def test_model_package_and_input_config_are_exclusive(sagemaker_client):
    package = model_package(sagemaker_client, Framework="PYTORCH")
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, ModelPackageVersionArn=package)
    code, message = error_of(err)
    assert code == "ValidationException"
    assert message.startswith("Provide either a ModelPackageVersionArn or an InputConfig, not both")
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, InputConfig=None)
    assert error_of(err) == ("ValidationException", "Provide either a ModelPackageVersionArn or an InputConfig.")
    assert summaries(sagemaker_client) == []


def test_model_package_must_exist_be_versioned_and_name_a_framework(sagemaker_client):
    missing = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/ghost/1"
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, InputConfig=None, ModelPackageVersionArn=missing)
    assert error_of(err) == ("ValidationException", f"ModelPackage {missing} does not exist.")

    unversioned = sagemaker_client.create_model_package(
        ModelPackageName="standalone",
        InferenceSpecification={"Containers": [{"Image": "i", "ModelDataUrl": MODEL, "Framework": "PYTORCH"}],
                                "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"],
                                "SupportedTransformInstanceTypes": ["ml.m5.large"],
                                "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"]})["ModelPackageArn"]
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, InputConfig=None, ModelPackageVersionArn=unversioned)
    code, message = error_of(err)
    assert code == "ValidationException" and "is not a versioned model package" in message

    no_framework = model_package(sagemaker_client)
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, InputConfig=None, ModelPackageVersionArn=no_framework)
    code, message = error_of(err)
    assert code == "ValidationException" and "has no container with a ModelDataUrl and a Framework" in message

    other_region = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package/neo-models/1"
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, InputConfig=None, ModelPackageVersionArn=other_region)
    assert error_of(err) == ("ValidationException", f"ARN should be scoped to correct region: {REGION}")
    assert summaries(sagemaker_client) == []


# -- lifecycle ----------------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads")
def test_each_read_sees_the_next_status(sagemaker_client):
    create(sagemaker_client)
    starting = describe(sagemaker_client)
    assert starting["CompilationJobStatus"] == "STARTING"
    assert "CompilationStartTime" not in starting and "CompilationEndTime" not in starting
    assert starting["ModelArtifacts"] == {"S3ModelArtifacts": OUTPUT}
    assert "ModelDigests" not in starting and "InferenceImage" not in starting
    assert starting["FailureReason"] == ""

    running = describe(sagemaker_client)
    assert running["CompilationJobStatus"] == "INPROGRESS"
    assert "CompilationStartTime" in running and "CompilationEndTime" not in running
    assert running["ModelArtifacts"] == {"S3ModelArtifacts": OUTPUT}

    done = describe(sagemaker_client)
    assert done["CompilationJobStatus"] == "COMPLETED"
    assert done["CompilationStartTime"] == running["CompilationStartTime"]
    assert done["ModelArtifacts"] == {"S3ModelArtifacts": f"{OUTPUT}/model-ml_c5.tar.gz"}
    assert "ModelDigests" in done and "InferenceImage" in done
    assert describe(sagemaker_client)["CompilationJobStatus"] == "COMPLETED"


@pytest.mark.sagemock(transitions="reads")
def test_list_reads_advance_jobs_too(sagemaker_client):
    create(sagemaker_client)
    assert [s["CompilationJobStatus"] for s in summaries(sagemaker_client)] == ["STARTING"]
    assert names(sagemaker_client, StatusEquals="INPROGRESS") == ["job"]
    assert names(sagemaker_client, StatusEquals="INPROGRESS") == []
    assert names(sagemaker_client, StatusEquals="COMPLETED") == ["job"]


@pytest.mark.sagemock(transitions="seconds", transition_seconds=60)
def test_times_as_the_clock_moves(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-05-01 08:00:00"):
        create(sagemaker_client)
        first = describe(sagemaker_client)
        sagemaker_mock.advance(60)
        second = describe(sagemaker_client)
        sagemaker_mock.advance(60)
        third = describe(sagemaker_client)
    start = dt.datetime(2024, 5, 1, 8, tzinfo=UTC)
    minute = dt.timedelta(seconds=60)
    assert (first["CompilationJobStatus"], first["LastModifiedTime"]) == ("STARTING", start)
    assert (second["CompilationJobStatus"], second["CompilationStartTime"]) == ("INPROGRESS", start + minute)
    assert second["LastModifiedTime"] == start + minute
    assert third["CompilationJobStatus"] == "COMPLETED"
    assert third["CompilationStartTime"] == start + minute
    assert third["CompilationEndTime"] == third["LastModifiedTime"] == start + 2 * minute
    assert third["CreationTime"] == start


def test_fail_next_ends_in_failed_with_the_reason(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("compilation-job", reason="ClientError: InputConfiguration: Unable to load model")
    create(sagemaker_client)
    job = describe(sagemaker_client)
    assert job["CompilationJobStatus"] == "FAILED"
    assert job["FailureReason"] == "ClientError: InputConfiguration: Unable to load model"
    assert job["ModelArtifacts"] == {"S3ModelArtifacts": OUTPUT}
    assert "ModelDigests" not in job and "InferenceImage" not in job
    assert "CompilationStartTime" in job and "CompilationEndTime" in job
    create(sagemaker_client, name="next")  # the plan is used up
    assert describe(sagemaker_client, "next")["CompilationJobStatus"] == "COMPLETED"


@pytest.mark.sagemock(transitions="reads")
def test_fail_next_by_name_walks_to_failed(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("compilation-job", reason="out of memory", name="doomed")
    create(sagemaker_client, name="fine")
    create(sagemaker_client, name="doomed")
    statuses = [describe(sagemaker_client, "doomed")["CompilationJobStatus"] for _ in range(3)]
    assert statuses == ["STARTING", "INPROGRESS", "FAILED"]
    assert describe(sagemaker_client, "doomed")["FailureReason"] == "out of memory"
    assert [describe(sagemaker_client, "fine")["CompilationJobStatus"] for _ in range(3)] == [
        "STARTING", "INPROGRESS", "COMPLETED"]


def test_set_status_forces_a_failure_or_a_completion(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client)
    sagemaker_mock.advance(30)
    sagemaker_mock.set_status(arn, "FAILED", reason="TimeOut: the job exceeded MaxRuntimeInSeconds")
    job = describe(sagemaker_client)
    assert job["CompilationJobStatus"] == "FAILED"
    assert job["FailureReason"] == "TimeOut: the job exceeded MaxRuntimeInSeconds"
    assert job["ModelArtifacts"] == {"S3ModelArtifacts": OUTPUT}
    assert job["LastModifiedTime"] - job["CreationTime"] >= dt.timedelta(seconds=30)
    assert job["CompilationEndTime"] == job["LastModifiedTime"]

    sagemaker_mock.set_status(arn, "INPROGRESS")
    job = describe(sagemaker_client)
    assert (job["CompilationJobStatus"], job["FailureReason"]) == ("INPROGRESS", "")
    assert "CompilationEndTime" not in job
    sagemaker_mock.set_status(arn, "COMPLETED")
    assert describe(sagemaker_client)["ModelArtifacts"]["S3ModelArtifacts"] == f"{OUTPUT}/model-ml_c5.tar.gz"
    with pytest.raises(ValidationError, match="is not a CompilationJobStatus"):
        sagemaker_mock.set_status(arn, "Completed")


# -- StopCompilationJob -------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads")
def test_stop_a_starting_job(sagemaker_client):
    create(sagemaker_client)
    response = sagemaker_client.stop_compilation_job(CompilationJobName="job")  # its read sees STARTING
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    stopping = describe(sagemaker_client)
    assert stopping["CompilationJobStatus"] == "STOPPING"
    assert "CompilationEndTime" not in stopping
    stopped = describe(sagemaker_client)
    assert stopped["CompilationJobStatus"] == "STOPPED"
    assert stopped["CompilationEndTime"] == stopped["LastModifiedTime"]
    assert stopped["ModelArtifacts"] == {"S3ModelArtifacts": OUTPUT} and "ModelDigests" not in stopped
    assert describe(sagemaker_client)["CompilationJobStatus"] == "STOPPED"


@pytest.mark.sagemock(transitions="reads")
def test_stop_an_in_progress_job(sagemaker_client):
    create(sagemaker_client)
    describe(sagemaker_client)
    sagemaker_client.stop_compilation_job(CompilationJobName="job")  # its read sees INPROGRESS
    assert [describe(sagemaker_client)["CompilationJobStatus"] for _ in range(2)] == ["STOPPING", "STOPPED"]
    assert "CompilationStartTime" in describe(sagemaker_client)


def test_stop_is_instant_by_default(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client)
    sagemaker_mock.set_status(arn, "INPROGRESS")
    sagemaker_client.stop_compilation_job(CompilationJobName="job")
    assert describe(sagemaker_client)["CompilationJobStatus"] == "STOPPED"


@pytest.mark.parametrize("status", ["COMPLETED", "FAILED", "STOPPED", "STOPPING"])
def test_stop_refuses_a_job_that_is_not_running(sagemaker_client, sagemaker_mock, status):
    arn = create(sagemaker_client)
    sagemaker_mock.set_status(arn, status)
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.stop_compilation_job(CompilationJobName="job")
    assert error_of(err) == (
        "ValidationException",
        f"Compilation job job cannot be stopped because its status is {status}: only a job that is STARTING or "
        "INPROGRESS can be stopped.")
    assert without_metadata(describe(sagemaker_client)) == without_metadata(before)


def test_stop_unknown_job(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.stop_compilation_job(CompilationJobName="ghost")
    assert error_of(err) == ("ResourceNotFound", "Could not find compilation job 'ghost'.")


# -- DeleteCompilationJob -----------------------------------------------------------------------

@pytest.mark.parametrize("status", ["COMPLETED", "FAILED", "STOPPED"])
def test_delete_a_finished_job(sagemaker_client, sagemaker_mock, status):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "edge"}])
    create(sagemaker_client, name="other")
    sagemaker_mock.set_status(arn, status)
    response = sagemaker_client.delete_compilation_job(CompilationJobName="job")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as err:
        describe(sagemaker_client)
    assert error_of(err) == ("ResourceNotFound", "Could not find compilation job 'job'.")
    assert names(sagemaker_client) == ["other"]
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_tags(ResourceArn=arn)
    assert error_of(err)[0] == "ValidationException"

    assert create(sagemaker_client, name="JOB") == arn  # the name is free again, whatever its case
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == []


@pytest.mark.parametrize("status", ["STARTING", "INPROGRESS", "STOPPING"])
def test_delete_refuses_a_running_job(sagemaker_client, sagemaker_mock, status):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "edge"}])
    sagemaker_mock.set_status(arn, status)
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_compilation_job(CompilationJobName="job")
    advice = "" if status == "STOPPING" else " Stop the job first."  # a stopping job is on its way
    assert error_of(err) == (
        "ValidationException",
        f"Compilation job job cannot be deleted because its status is {status}: a job can be deleted only when it "
        f"is COMPLETED, FAILED or STOPPED.{advice}")
    assert without_metadata(describe(sagemaker_client)) == without_metadata(before)
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "edge"}]


@pytest.mark.sagemock(transitions="reads")
def test_stop_then_delete(sagemaker_client):
    create(sagemaker_client)
    sagemaker_client.stop_compilation_job(CompilationJobName="job")
    with pytest.raises(ClientError) as err:  # the job is STOPPING
        sagemaker_client.delete_compilation_job(CompilationJobName="job")
    assert error_of(err)[0] == "ValidationException"
    assert "Stop the job first" not in error_of(err)[1]  # it is stopping already
    # a refused delete is not a read: two reads walk STOPPING -> STOPPED
    assert [describe(sagemaker_client)["CompilationJobStatus"] for _ in range(2)] == ["STOPPING", "STOPPED"]
    sagemaker_client.delete_compilation_job(CompilationJobName="job")
    assert summaries(sagemaker_client) == []


def test_delete_unknown_job(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_compilation_job(CompilationJobName="ghost")
    assert error_of(err) == ("ResourceNotFound", "Could not find compilation job 'ghost'.")


# -- ListCompilationJobs ------------------------------------------------------------------------

def test_list_summary_members(sagemaker_client):
    with freeze_time("2024-02-02 10:00:00"):
        arn = create(sagemaker_client, device="rk3399")
    (summary,) = summaries(sagemaker_client)
    at = dt.datetime(2024, 2, 2, 10, tzinfo=UTC)
    assert summary == {"CompilationJobName": "job", "CompilationJobArn": arn, "CreationTime": at,
                       "CompilationStartTime": at, "CompilationEndTime": at, "CompilationTargetDevice": "rk3399",
                       "LastModifiedTime": at, "CompilationJobStatus": "COMPLETED"}
    assert SUMMARY_KEYS <= set(summary)
    assert sagemaker_client.list_compilation_jobs()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "NextToken" not in sagemaker_client.list_compilation_jobs()


def test_list_of_nothing(sagemaker_client):
    response = sagemaker_client.list_compilation_jobs()
    assert response["CompilationJobSummaries"] == [] and "NextToken" not in response


def test_list_filters(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-01-01 00:00:00"):
        create(sagemaker_client, name="resnet-edge")
    with freeze_time("2024-01-01 00:01:00"):
        failed = create(sagemaker_client, name="resnet-cloud")
    with freeze_time("2024-01-01 00:02:00"):
        create(sagemaker_client, name="yolo")
    with freeze_time("2024-01-01 00:03:00"):
        sagemaker_mock.set_status(failed, "FAILED")  # modified after yolo was created

    def at(minute, second=30):
        return dt.datetime(2024, 1, 1, 0, minute, second, tzinfo=UTC)

    assert names(sagemaker_client, NameContains="RESNET") == ["resnet-edge", "resnet-cloud"]
    assert names(sagemaker_client, NameContains="edge") == ["resnet-edge"]
    assert names(sagemaker_client, StatusEquals="FAILED") == ["resnet-cloud"]
    assert names(sagemaker_client, StatusEquals="COMPLETED") == ["resnet-edge", "yolo"]
    assert names(sagemaker_client, StatusEquals="STOPPED") == []
    assert names(sagemaker_client, CreationTimeAfter=at(0)) == ["resnet-cloud", "yolo"]
    assert names(sagemaker_client, CreationTimeBefore=at(1)) == ["resnet-edge", "resnet-cloud"]
    assert names(sagemaker_client, CreationTimeAfter=at(0), CreationTimeBefore=at(1)) == ["resnet-cloud"]
    assert names(sagemaker_client, LastModifiedTimeAfter=at(2)) == ["resnet-cloud"]
    assert names(sagemaker_client, LastModifiedTimeBefore=at(2)) == ["resnet-edge", "yolo"]
    assert names(sagemaker_client, LastModifiedTimeAfter=at(0), LastModifiedTimeBefore=at(2)) == ["yolo"]
    assert names(sagemaker_client, NameContains="resnet", StatusEquals="COMPLETED") == ["resnet-edge"]
    # the bounds are exclusive
    assert names(sagemaker_client, CreationTimeAfter=at(2, 0)) == []
    assert names(sagemaker_client, CreationTimeBefore=at(0, 0)) == []


def test_list_sorting(sagemaker_client, sagemaker_mock):
    for minute, name in enumerate(["b-job", "c-job", "a-job"]):
        with freeze_time(dt.datetime(2024, 1, 1, 0, minute)):
            create(sagemaker_client, name=name)
    sagemaker_mock.set_status(JOB_ARN + "c-job", "FAILED")
    sagemaker_mock.set_status(JOB_ARN + "a-job", "STOPPED")

    assert names(sagemaker_client) == ["b-job", "c-job", "a-job"]  # CreationTime, Ascending
    assert names(sagemaker_client, SortOrder="Descending") == ["a-job", "c-job", "b-job"]
    assert names(sagemaker_client, SortBy="CreationTime") == ["b-job", "c-job", "a-job"]
    assert names(sagemaker_client, SortBy="Name") == ["a-job", "b-job", "c-job"]
    assert names(sagemaker_client, SortBy="Name", SortOrder="Descending") == ["c-job", "b-job", "a-job"]
    # COMPLETED < FAILED < STOPPED
    assert names(sagemaker_client, SortBy="Status") == ["b-job", "c-job", "a-job"]
    assert names(sagemaker_client, SortBy="Status", SortOrder="Descending") == ["a-job", "c-job", "b-job"]


def test_list_pages(sagemaker_client):
    assert sagemaker_client.can_paginate("list_compilation_jobs")
    for index in range(23):
        create(sagemaker_client, name=f"job-{index:02}")
    first = sagemaker_client.list_compilation_jobs(SortBy="Name")
    assert [s["CompilationJobName"] for s in first["CompilationJobSummaries"]] == [f"job-{i:02}" for i in range(10)]
    second = sagemaker_client.list_compilation_jobs(SortBy="Name", NextToken=first["NextToken"])
    assert [s["CompilationJobName"] for s in second["CompilationJobSummaries"]] == [
        f"job-{i:02}" for i in range(10, 20)]

    pages = sagemaker_client.get_paginator("list_compilation_jobs").paginate(
        SortBy="Name", SortOrder="Descending", PaginationConfig={"PageSize": 7})
    sizes, seen = [], []
    for page in pages:
        sizes.append(len(page["CompilationJobSummaries"]))
        seen += [s["CompilationJobName"] for s in page["CompilationJobSummaries"]]
    assert sizes == [7, 7, 7, 2]
    assert seen == [f"job-{index:02}" for index in reversed(range(23))]

    everything = sagemaker_client.list_compilation_jobs(MaxResults=100)
    assert len(everything["CompilationJobSummaries"]) == 23 and "NextToken" not in everything


def test_list_page_limits_and_tokens(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_compilation_jobs(MaxResults=101)
    assert error_of(err)[0] == "ValidationException"
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_compilation_jobs(NextToken="not-a-token")
    assert error_of(err)[0] == "ValidationException"
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_compilation_jobs(StatusEquals="Completed")
    assert error_of(err)[0] == "ValidationException"


def test_a_job_created_between_pages_is_not_repeated(sagemaker_client):
    for index in range(3):
        create(sagemaker_client, name=f"job-{index}")
    first = sagemaker_client.list_compilation_jobs(SortBy="Name", MaxResults=2)
    create(sagemaker_client, name="job-0a")
    rest = sagemaker_client.list_compilation_jobs(SortBy="Name", MaxResults=2, NextToken=first["NextToken"])
    assert [s["CompilationJobName"] for s in first["CompilationJobSummaries"]] == ["job-0", "job-1"]
    assert [s["CompilationJobName"] for s in rest["CompilationJobSummaries"]] == ["job-2"]


def test_snapshot_and_restore(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    snapshot = sagemaker_mock.snapshot()
    sagemaker_client.delete_compilation_job(CompilationJobName="job")
    sagemaker_mock.restore(snapshot)
    assert describe(sagemaker_client)["CompilationJobStatus"] == "COMPLETED"
    sagemaker_client.delete_compilation_job(CompilationJobName="job")
    assert summaries(sagemaker_client) == []
