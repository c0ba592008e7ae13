"""Code repositories through boto3: create, the secret-only update, lists, deletion, notebooks."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"
URL = "https://github.com/example/notebooks.git"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:git-AbCdEf"
ROTATED = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:git-rotated-XyZ123"


def create(client, name, **git):
    config = {"RepositoryUrl": URL, **git}
    return client.create_code_repository(CodeRepositoryName=name, GitConfig=config)["CodeRepositoryArn"]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_create_then_describe(sagemaker_client):
    arn = create(sagemaker_client, "notebooks", Branch="main", SecretArn=SECRET)
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:code-repository/notebooks"
    described = sagemaker_client.describe_code_repository(CodeRepositoryName="notebooks")
    assert described["CodeRepositoryArn"] == arn
    assert described["GitConfig"] == {"RepositoryUrl": URL, "Branch": "main", "SecretArn": SECRET}
    assert described["CreationTime"] == described["LastModifiedTime"]


def test_update_changes_the_secret_and_keeps_url_and_branch(sagemaker_mock, sagemaker_client):
    create(sagemaker_client, "notebooks", Branch="main", SecretArn=SECRET)
    sagemaker_mock.advance(60)
    answer = sagemaker_client.update_code_repository(CodeRepositoryName="notebooks", GitConfig={"SecretArn": ROTATED})
    described = sagemaker_client.describe_code_repository(CodeRepositoryName="notebooks")
    assert answer["CodeRepositoryArn"] == described["CodeRepositoryArn"]
    assert described["GitConfig"] == {"RepositoryUrl": URL, "Branch": "main", "SecretArn": ROTATED}
    assert 60 <= (described["LastModifiedTime"] - described["CreationTime"]).total_seconds() < 61


def test_missing_and_duplicate_repositories_are_validation_errors(sagemaker_client):
    create(sagemaker_client, "notebooks")
    with pytest.raises(ClientError) as duplicate:
        create(sagemaker_client, "notebooks", Branch="other")
    assert error_of(duplicate)[0] == "ValidationException"
    assert "notebooks" in error_of(duplicate)[1]
    assert "Branch" not in sagemaker_client.describe_code_repository(CodeRepositoryName="notebooks")["GitConfig"]
    for call in (sagemaker_client.describe_code_repository, sagemaker_client.delete_code_repository):
        with pytest.raises(ClientError) as missing:
            call(CodeRepositoryName="absent")
        assert error_of(missing)[0] == "ValidationException"
    with pytest.raises(ClientError) as missing:
        sagemaker_client.update_code_repository(CodeRepositoryName="absent", GitConfig={"SecretArn": SECRET})
    assert error_of(missing)[0] == "ValidationException"


def test_list_sorts_by_name_ascending_by_default_and_filters(sagemaker_mock, sagemaker_client):
    for name in ("beta", "alpha", "gamma-notebooks"):
        create(sagemaker_client, name)
        sagemaker_mock.advance(1)
    listed = sagemaker_client.list_code_repositories()["CodeRepositorySummaryList"]
    assert [summary["CodeRepositoryName"] for summary in listed] == ["alpha", "beta", "gamma-notebooks"]
    assert listed[0]["GitConfig"] == {"RepositoryUrl": URL}
    newest = sagemaker_client.list_code_repositories(SortBy="CreationTime", SortOrder="Descending")
    assert [s["CodeRepositoryName"] for s in newest["CodeRepositorySummaryList"]] == ["gamma-notebooks", "alpha", "beta"]
    found = sagemaker_client.list_code_repositories(NameContains="NOTEBOOK")["CodeRepositorySummaryList"]
    assert [summary["CodeRepositoryName"] for summary in found] == ["gamma-notebooks"]


def test_delete_frees_the_name(sagemaker_client):
    create(sagemaker_client, "notebooks", Branch="main")
    sagemaker_client.delete_code_repository(CodeRepositoryName="notebooks")
    assert sagemaker_client.list_code_repositories()["CodeRepositorySummaryList"] == []
    create(sagemaker_client, "notebooks", Branch="dev")
    described = sagemaker_client.describe_code_repository(CodeRepositoryName="notebooks")
    assert described["GitConfig"]["Branch"] == "dev"


def test_a_notebook_instance_names_a_repository(sagemaker_client):
    create(sagemaker_client, "notebooks")
    sagemaker_client.create_notebook_instance(
        NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/sagemaker",
        DefaultCodeRepository="notebooks", AdditionalCodeRepositories=[URL])
    described = sagemaker_client.describe_notebook_instance(NotebookInstanceName="nb")
    assert described["DefaultCodeRepository"] == "notebooks"
    assert described["AdditionalCodeRepositories"] == [URL]
