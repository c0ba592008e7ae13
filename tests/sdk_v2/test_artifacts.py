"""The SDK v2 reading back what jobs write to S3: a framework estimator's model is repacked with its
inference code before deploy, which needs the training job's model.tar.gz in (moto's) S3."""
from __future__ import annotations

import io
import tarfile

import pytest

from tests.sdk_v2.conftest import BUCKET, ROLE


@pytest.fixture(autouse=True)
def no_polling_pauses(monkeypatch):
    """The SDK sleeps its poll (5 s for a compilation job, 30 s for an endpoint) before each look;
    nothing here takes time."""
    import sagemaker

    monkeypatch.setattr(sagemaker.session.time, "sleep", lambda seconds: None)


def test_a_framework_estimator_repacks_the_trained_model_with_its_code_and_deploys_it(session, tmp_path):
    from sagemaker.pytorch import PyTorch

    (tmp_path / "inference.py").write_text("def model_fn(model_dir):\n    return None\n")
    estimator = PyTorch(entry_point="inference.py", source_dir=str(tmp_path), role=ROLE, framework_version="2.1",
                        py_version="py310", instance_count=1, instance_type="ml.m5.large",
                        output_path=f"s3://{BUCKET}/models", sagemaker_session=session)
    estimator.fit(job_name="torch-train", logs="None")
    trained = estimator.model_data
    assert trained == f"s3://{BUCKET}/models/torch-train/output/model.tar.gz"
    estimator.deploy(initial_instance_count=1, instance_type="ml.m5.large", endpoint_name="torch-live")
    assert session.sagemaker_client.describe_endpoint(EndpointName="torch-live")["EndpointStatus"] == "InService"
    [model] = session.sagemaker_client.list_models()["Models"]
    deployed = session.sagemaker_client.describe_model(ModelName=model["ModelName"])["PrimaryContainer"]
    assert deployed["ModelDataUrl"] != trained  # the repacked archive, next to the code
    bucket, key = deployed["ModelDataUrl"].removeprefix("s3://").split("/", 1)
    body = session.boto_session.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body)) as archive:
        names = archive.getnames()
    assert "code/inference.py" in names and "sagemock-placeholder.txt" in names


def test_train_then_compile_then_deploy(session, tmp_path):
    """`compile_model` runs a compilation job on the trained archive and answers a model of the
    compiled archive, which `deploy` serves."""
    from sagemaker.pytorch import PyTorch

    (tmp_path / "inference.py").write_text("def model_fn(model_dir):\n    return None\n")
    estimator = PyTorch(entry_point="inference.py", source_dir=str(tmp_path), role=ROLE, framework_version="1.8",
                        py_version="py3", instance_count=1, instance_type="ml.m5.large",
                        output_path=f"s3://{BUCKET}/models", sagemaker_session=session)
    estimator.fit(job_name="torch-train", logs="None")
    compiled = estimator.compile_model(target_instance_family="ml_c5", input_shape={"input0": [1, 3, 224, 224]},
                                       output_path=f"s3://{BUCKET}/compiled", framework="pytorch",
                                       framework_version="1.8")
    [summary] = session.sagemaker_client.list_compilation_jobs()["CompilationJobSummaries"]
    job = session.sagemaker_client.describe_compilation_job(CompilationJobName=summary["CompilationJobName"])
    assert job["CompilationJobStatus"] == "COMPLETED"
    assert job["InputConfig"]["S3Uri"] == estimator.model_data
    archive = job["ModelArtifacts"]["S3ModelArtifacts"]
    bucket, key = archive.removeprefix("s3://").split("/", 1)
    assert session.boto_session.client("s3").head_object(Bucket=bucket, Key=key)["ContentLength"] > 0
    compiled.deploy(initial_instance_count=1, instance_type="ml.c5.xlarge", endpoint_name="torch-neo")
    assert session.sagemaker_client.describe_endpoint(EndpointName="torch-neo")["EndpointStatus"] == "InService"
