"""Model customization jobs (CreateJob and its kin), through boto3."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock.core import unanswerable
from tests.model_support import requires_operation

pytestmark = requires_operation("CreateJob")

ROLE = "arn:aws:iam::123456789012:role/customization"
PREFIX = "arn:aws:sagemaker:us-east-1:123456789012:job/"
CONFIG = json.dumps({"BaseModel": "base", "TrainingData": {"S3Uri": "s3://data/train.jsonl"}})


def create(client, name="rft", category="AgentRFT", **kwargs):
    kwargs.setdefault("JobConfigDocument", CONFIG)
    return client.create_job(JobName=name, RoleArn=ROLE, JobCategory=category, JobConfigSchemaVersion="1.0.0",
                             **kwargs)["JobArn"]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_a_job_runs_to_completion_with_its_secondary_statuses(sagemaker_client):
    with freeze_time("2026-06-01 09:00:00"):
        arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "agents"}])
    assert arn == f"{PREFIX}AgentRFT/rft"
    job = sagemaker_client.describe_job(JobName="rft", JobCategory="AgentRFT")
    assert (job["JobStatus"], job["SecondaryStatus"]) == ("Completed", "Completed")
    assert [t["Status"] for t in job["SecondaryStatusTransitions"]] == ["Starting", "Completed"]
    assert job["SecondaryStatusTransitions"][0]["EndTime"] == job["SecondaryStatusTransitions"][1]["StartTime"]
    assert job["EndTime"] == job["LastModifiedTime"] == job["CreationTime"]
    assert job["JobConfigDocument"] == CONFIG and job["JobConfigSchemaVersion"] == "1.0.0"
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "agents"}]


def test_jobs_are_named_within_their_category(sagemaker_client):
    create(sagemaker_client, name="same", category="AgentRFT")
    create(sagemaker_client, name="same", category="GenAIEvaluation")
    with pytest.raises(ClientError) as excinfo:
        create(sagemaker_client, name="same", category="AgentRFT")
    assert error_of(excinfo)[0] == "ResourceInUse"
    [summary] = sagemaker_client.list_jobs(JobCategory="GenAIEvaluation")["JobSummaries"]
    assert (summary["JobArn"], summary["JobSecondaryStatus"]) == (f"{PREFIX}GenAIEvaluation/same", "Completed")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_job(JobName="same", JobCategory="DataTransformation")
    assert error_of(excinfo)[0] == "ResourceNotFound"


def test_the_configuration_must_be_json(sagemaker_client):
    with pytest.raises(ClientError) as excinfo:
        create(sagemaker_client, JobConfigDocument="base_model: x")
    code, message = error_of(excinfo)
    assert code == "ValidationException" and "JobConfigDocument" in message
    assert sagemaker_client.list_jobs(JobCategory="AgentRFT")["JobSummaries"] == []


def test_a_running_job_is_stopped_before_it_is_deleted(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client)
    sagemaker_mock.set_status(arn, "InProgress")
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.delete_job(JobName="rft", JobCategory="AgentRFT")
    assert error_of(excinfo)[0] == "ResourceInUse"
    sagemaker_client.stop_job(JobName="rft", JobCategory="AgentRFT")
    job = sagemaker_client.describe_job(JobName="rft", JobCategory="AgentRFT")
    assert job["JobStatus"] == job["SecondaryStatus"] == "Stopped"
    assert [t["Status"] for t in job["SecondaryStatusTransitions"]][-2:] == ["Stopping", "Stopped"]
    sagemaker_client.delete_job(JobName="rft", JobCategory="AgentRFT")
    assert sagemaker_client.list_jobs(JobCategory="AgentRFT")["JobSummaries"] == []


def test_a_failed_job_says_why(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("job", "The reward function raised an error.")
    create(sagemaker_client)
    job = sagemaker_client.describe_job(JobName="rft", JobCategory="AgentRFT")
    assert (job["JobStatus"], job["SecondaryStatus"], job["FailureReason"]) == (
        "Failed", "Failed", "The reward function raised an error.")
    assert sagemaker_client.list_jobs(JobCategory="AgentRFT", StatusEquals="Failed")["JobSummaries"]


def test_search_finds_jobs(sagemaker_client):
    create(sagemaker_client, name="found")
    found = sagemaker_client.search(Resource="Job", SearchExpression={"Filters": [
        {"Name": "JobName", "Operator": "Equals", "Value": "found"}]})["Results"]
    assert [result["Job"]["JobArn"] for result in found] == [f"{PREFIX}AgentRFT/found"]


@pytest.mark.parametrize("operation", ["DescribeJobSchemaVersion", "ListJobSchemaVersions"])
def test_the_schema_catalog_is_not_made_up(sagemaker_client, operation):
    with pytest.raises(ClientError) as excinfo:
        getattr(sagemaker_client, {"DescribeJobSchemaVersion": "describe_job_schema_version",
                                   "ListJobSchemaVersions": "list_job_schema_versions"}[operation])(
            JobCategory="AgentRFT")
    code, message = error_of(excinfo)
    assert operation in message and unanswerable.REASONS[operation] in message
