"""The SageMaker Python SDK v2 (`sagemaker` 2.x) against sagemock, with moto serving S3 beside it.

The SDK v2 pins `sagemaker-core` below 2 while the `clients` extra installs sagemaker-core 2, so the two
cannot share an environment: these tests run in their own (the `sdk2` extra; `.ci/run` has a job for
them) and skip elsewhere.

Isolation, as in `tests/clients`: credentials and region from the environment, no AWS or SageMaker
config files of the machine, SDK telemetry off, and any attempt to reach the network fails the test.
"""
from __future__ import annotations

import os
import socket
import time

import boto3
import pytest

pytest.importorskip("sagemaker.estimator", reason="the SageMaker Python SDK v2 is an optional client (extra sdk2)")
moto = pytest.importorskip("moto")

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/churn:1"
BUCKET = "sagemock-sdk"
NO_TELEMETRY = "SchemaVersion: '1.0'\nSageMaker:\n  PythonSDK:\n    Modules:\n      TelemetryOptOut: true\n"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """A name lookup or connection fails the test, even one from a thread that swallows the error."""
    attempts = []

    def refuse(address):
        attempts.append(address)
        raise ConnectionRefusedError(f"this test tried to reach the network: {address!r}")

    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *args, **kwargs: refuse((host, port)))
    monkeypatch.setattr(socket.socket, "connect", lambda sock, address: refuse(address))
    yield
    assert attempts == [], f"the SDK reached for the network: {attempts}"


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch, tmp_path):
    for name in [name for name in os.environ if name.startswith(("AWS_", "SAGEMAKER_"))] + ["TRAINING_JOB_ARN"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
    config = tmp_path / "sagemaker-config.yaml"
    config.write_text(NO_TELEMETRY)
    monkeypatch.setenv("SAGEMAKER_ADMIN_CONFIG_OVERRIDE", str(config))
    monkeypatch.setenv("SAGEMAKER_USER_CONFIG_OVERRIDE", str(config))


class _NoPolls:
    """`time` for the SDK's session module, whose waits sleep their poll (5 s for a job, 30 s for an
    endpoint) before each look: with sagemock nothing takes time, so the sleep is skipped; the rest
    of `time` is the real one."""

    def __getattr__(self, name: str):
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        return None


@pytest.fixture(autouse=True)
def no_polling_pauses(monkeypatch):
    import sagemaker.session

    monkeypatch.setattr(sagemaker.session, "time", _NoPolls())


@pytest.fixture
def session(sagemaker_mock):
    """A SageMaker SDK session whose SageMaker calls sagemock answers and whose S3 is moto's."""
    import sagemaker

    with moto.mock_aws():
        boto_session = boto3.Session(region_name=REGION)
        boto_session.client("s3").create_bucket(Bucket=BUCKET)
        yield sagemaker.Session(boto_session=boto_session, default_bucket=BUCKET)
