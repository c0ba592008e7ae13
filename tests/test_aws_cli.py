"""The real AWS CLI (awscli from PyPI) against `sagemock server`, as a shell script would use it."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sagemock.server import ThreadedServer

from .model_support import unimplemented_list_operation
from .server_process import CLIENT_ENV

# Found, never imported: importing awscli (1.44 and later) installs an import hook that serves
# `botocore` and `s3transfer` from the copies it vendors, and points AWS_DATA_PATH at its data, for
# the rest of the process. The CLI runs in a subprocess of its own.
if importlib.util.find_spec("awscli") is None:
    pytest.skip("the AWS CLI is in the test extra", allow_module_level=True)

#: The exit code of the AWS CLI v1 (the `awscli` on PyPI) when the service answered with an error
#: (awscli/clidriver.py: any exception from a command exits 255; v2 uses 254 for service errors).
SERVICE_ERROR = 255


@pytest.fixture(scope="module")
def srv() -> Iterator[ThreadedServer]:
    with ThreadedServer() as server:
        yield server


@pytest.fixture
def aws(srv: ThreadedServer, tmp_path: Path) -> Any:
    srv.reset()
    env = {**os.environ, **CLIENT_ENV,
           # No user configuration or credentials file may leak in.
           "AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")}

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "awscli", "--endpoint-url", srv.url, "--output", "json",
                               "sagemaker", *arguments], capture_output=True, text=True, env=env, timeout=120)
    return run


def test_create_and_describe_a_model_package_group(aws):
    created = aws("create-model-package-group", "--model-package-group-name", "churn",
                  "--model-package-group-description", "Churn models", "--tags", "Key=team,Value=ml")
    assert created.returncode == 0, created.stderr
    arn = json.loads(created.stdout)["ModelPackageGroupArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn"

    described = aws("describe-model-package-group", "--model-package-group-name", "churn")
    assert described.returncode == 0, described.stderr
    group = json.loads(described.stdout)
    assert group["ModelPackageGroupArn"] == arn
    assert group["ModelPackageGroupDescription"] == "Churn models"
    assert group["ModelPackageGroupStatus"] == "Completed"
    assert "CreationTime" in group

    tags = aws("list-tags", "--resource-arn", arn)
    assert json.loads(tags.stdout)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_list_with_pagination(aws):
    for index in range(5):
        assert aws("create-model-package-group", "--model-package-group-name", f"g{index}").returncode == 0
    # --page-size: the CLI follows NextToken through three requests and prints everything.
    everything = aws("list-model-package-groups", "--page-size", "2", "--sort-by", "Name")
    assert everything.returncode == 0, everything.stderr
    names = [g["ModelPackageGroupName"] for g in json.loads(everything.stdout)["ModelPackageGroupSummaryList"]]
    assert names == [f"g{index}" for index in range(5)]

    # --max-items: the CLI stops early and hands back a token to resume from.
    first = json.loads(aws("list-model-package-groups", "--max-items", "3", "--page-size", "2",
                           "--sort-by", "Name").stdout)
    assert [g["ModelPackageGroupName"] for g in first["ModelPackageGroupSummaryList"]] == ["g0", "g1", "g2"]
    rest = json.loads(aws("list-model-package-groups", "--starting-token", first["NextToken"], "--page-size", "2",
                          "--sort-by", "Name").stdout)
    assert [g["ModelPackageGroupName"] for g in rest["ModelPackageGroupSummaryList"]] == ["g3", "g4"]


def test_a_validation_error_has_the_cli_exit_code_and_message(aws):
    refused = aws("create-model-package-group", "--model-package-group-name", "not a valid name!")
    assert refused.returncode == SERVICE_ERROR
    assert refused.stdout == ""
    assert ("An error occurred (ValidationException) when calling the CreateModelPackageGroup operation: "
            "1 validation error detected: Value 'not a valid name!' at 'modelPackageGroupName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern:") in refused.stderr
    listed = json.loads(aws("list-model-package-groups").stdout)
    assert listed["ModelPackageGroupSummaryList"] == []


def test_a_missing_resource(aws):
    missing = aws("describe-notebook-instance", "--notebook-instance-name", "nowhere")
    assert missing.returncode == SERVICE_ERROR
    assert "(ValidationException) when calling the DescribeNotebookInstance operation: RecordNotFound" in missing.stderr


def test_an_operation_sagemock_does_not_implement_names_itself(aws):
    from botocore import xform_name

    operation = unimplemented_list_operation()
    answered = aws(xform_name(operation, "-"))
    assert answered.returncode == SERVICE_ERROR
    assert f"(NotImplemented) when calling the {operation} operation" in answered.stderr
    assert operation in answered.stderr.split("operation:", 1)[1]


def test_the_cli_never_runs_in_the_test_process(aws):
    """awscli's import hook would hand every later boto3 S3 client awscli's vendored s3transfer,
    which needs a newer botocore than the oldest sagemock supports."""
    aws("list-models")
    assert "awscli" not in sys.modules
