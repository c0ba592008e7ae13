"""What finished jobs leave in S3 when moto serves it: a training job's model.tar.gz, a compilation
job's archive, the placeholder or the test's content, and nothing at all without moto."""
from __future__ import annotations

import io
import tarfile

import boto3
import pytest
from botocore.exceptions import ClientError

moto = pytest.importorskip("moto")

ROLE = "arn:aws:iam::123456789012:role/sagemaker"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1"


@pytest.fixture
def s3():
    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="out")
        yield client


def train(sm, name="churn", output="s3://out/models"):
    sm.create_training_job(
        TrainingJobName=name, RoleArn=ROLE, HyperParameters={"epochs": "3"},
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": output},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 600})
    return sm.describe_training_job(TrainingJobName=name)


def read(s3, uri):
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_a_completed_training_job_writes_a_placeholder_model_archive(s3, sagemaker_client):
    job = train(sagemaker_client)
    uri = job["ModelArtifacts"]["S3ModelArtifacts"]
    assert uri == "s3://out/models/churn/output/model.tar.gz"
    with tarfile.open(fileobj=io.BytesIO(read(s3, uri))) as archive:
        [member] = archive.getmembers()
        assert "churn" in archive.extractfile(member).read().decode()


def test_the_tests_content_per_kind_and_per_job(s3, sagemaker_mock, sagemaker_client):
    sagemaker_mock.set_job_artifact("training-job", b"every job")
    sagemaker_mock.set_job_artifact("training-job", lambda job: job["HyperParameters"]["epochs"].encode(),
                                    job_name="special")
    assert read(s3, train(sagemaker_client, "plain")["ModelArtifacts"]["S3ModelArtifacts"]) == b"every job"
    assert read(s3, train(sagemaker_client, "special")["ModelArtifacts"]["S3ModelArtifacts"]) == b"3"


@pytest.mark.sagemock(transitions="reads", transition_reads=3)
def test_the_archive_appears_when_the_job_completes(s3, sagemaker_client):
    job = train(sagemaker_client)
    key = "models/churn/output/model.tar.gz"
    while job["TrainingJobStatus"] == "InProgress":
        with pytest.raises(ClientError):
            s3.head_object(Bucket="out", Key=key)
        job = sagemaker_client.describe_training_job(TrainingJobName="churn")
    assert job["TrainingJobStatus"] == "Completed"
    assert s3.head_object(Bucket="out", Key=key)["ContentLength"] > 0


def test_a_bucket_moto_does_not_hold_leaves_the_job_completed(s3, sagemaker_client):
    job = train(sagemaker_client, output="s3://elsewhere/models")
    assert job["TrainingJobStatus"] == "Completed"
    assert s3.list_objects_v2(Bucket="out").get("KeyCount") == 0


def test_without_moto_no_s3_client_is_even_made(monkeypatch, sagemaker_client):
    from sagemock.core import s3 as sagemock_s3

    def refuse(region):
        raise AssertionError("an S3 client was asked for with nothing serving S3")

    monkeypatch.setattr(sagemock_s3, "client", refuse)
    assert train(sagemaker_client)["TrainingJobStatus"] == "Completed"


def test_a_completed_compilation_job_writes_its_archive(s3, sagemaker_client):
    sagemaker_client.create_compilation_job(
        CompilationJobName="resnet", RoleArn=ROLE,
        InputConfig={"S3Uri": "s3://out/models/resnet.tar.gz", "Framework": "PYTORCH", "FrameworkVersion": "1.8",
                     "DataInputConfig": '{"input0": [1, 3, 224, 224]}'},
        OutputConfig={"S3OutputLocation": "s3://out/compiled", "TargetDevice": "ml_c5"},
        StoppingCondition={"MaxRuntimeInSeconds": 900})
    job = sagemaker_client.describe_compilation_job(CompilationJobName="resnet")
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == "s3://out/compiled/resnet-ml_c5.tar.gz"
    with tarfile.open(fileobj=io.BytesIO(read(s3, job["ModelArtifacts"]["S3ModelArtifacts"]))) as archive:
        assert len(archive.getnames()) == 1


def test_a_kind_that_writes_nothing_or_content_of_another_type_is_refused(sagemaker_mock):
    with pytest.raises(ValueError, match="training-job"):
        sagemaker_mock.set_job_artifact("endpoint", b"x")
    with pytest.raises(TypeError, match="bytes"):
        sagemaker_mock.set_job_artifact("training-job", "text")


def process(sm, name="prep"):
    sm.create_processing_job(
        ProcessingJobName=name, RoleArn=ROLE, AppSpecification={"ImageUri": IMAGE},
        ProcessingResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large",
                                               "VolumeSizeInGB": 10}},
        ProcessingOutputConfig={"Outputs": [
            {"OutputName": "evaluation", "S3Output": {"S3Uri": "s3://out/eval", "LocalPath": "/opt/ml/processing/eval",
                                                      "S3UploadMode": "EndOfJob"}}]})
    return sm.describe_processing_job(ProcessingJobName=name)


def test_a_processing_job_uploads_the_files_the_test_gave_its_outputs(s3, sagemaker_mock, sagemaker_client):
    process(sagemaker_client, "plain")
    assert s3.list_objects_v2(Bucket="out", Prefix="eval").get("KeyCount") == 0  # nothing by default
    sagemaker_mock.set_job_artifact("processing-job", lambda job: {
        "evaluation": {"evaluation.json": b'{"mse": 0.5}', "report/summary.txt": job["ProcessingJobName"].encode()},
        "absent": {"lost.txt": b"no such output"}}, job_name="prep")
    process(sagemaker_client)
    assert read(s3, "s3://out/eval/evaluation.json") == b'{"mse": 0.5}'
    assert read(s3, "s3://out/eval/report/summary.txt") == b"prep"
    assert s3.list_objects_v2(Bucket="out")["KeyCount"] == 2


def transform(sm, name="score", data_type="S3Prefix", uri="s3://out/batch/in"):
    sm.create_model(ModelName="churn", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    sm.create_transform_job(
        TransformJobName=name, ModelName="churn",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": data_type, "S3Uri": uri}}},
        TransformOutput={"S3OutputPath": "s3://out/batch/results"},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1})


def test_a_transform_job_writes_one_result_per_input_object(s3, sagemaker_client):
    s3.put_object(Bucket="out", Key="batch/in/a.csv", Body=b"1,2\n")
    s3.put_object(Bucket="out", Key="batch/in/day2/b.csv", Body=b"3,4\n")
    transform(sagemaker_client)
    assert read(s3, "s3://out/batch/results/a.csv.out") == b"1,2\n"  # the echo, by default
    assert read(s3, "s3://out/batch/results/day2/b.csv.out") == b"3,4\n"


def test_a_transform_jobs_results_come_from_the_tests_function_and_a_manifest(s3, sagemaker_mock, sagemaker_client):
    s3.put_object(Bucket="out", Key="data/x.csv", Body=b"5\n")
    s3.put_object(Bucket="out", Key="lists/input.manifest", Body=b'[{"prefix": "s3://out/data/"}, "x.csv"]')
    sagemaker_mock.set_job_artifact("transform-job", lambda body, job: body.replace(b"5", b"0.9"))
    transform(sagemaker_client, data_type="ManifestFile", uri="s3://out/lists/input.manifest")
    assert read(s3, "s3://out/batch/results/x.csv.out") == b"0.9\n"
