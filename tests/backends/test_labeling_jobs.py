"""Labeling jobs through boto3: static jobs complete, streaming jobs run until stopped, the work team
and task UI they name must exist, and the work team's own view of its jobs."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ground-truth"
MEMBERS = [{"CognitoMemberDefinition": {"UserPool": "us-east-1_Pool1", "UserGroup": "labelers", "ClientId": "c"}}]
PUBLIC_CROWD = f"arn:aws:sagemaker:{REGION}:394669845002:workteam/public-crowd/default"
S3_SOURCE = {"S3DataSource": {"ManifestS3Uri": "s3://bucket/input.manifest"}}
SNS_SOURCE = {"SnsDataSource": {"SnsTopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:input"}}


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def make_team(client, name="labelers"):
    return client.create_workteam(WorkteamName=name, Description="labelers", MemberDefinitions=MEMBERS)["WorkteamArn"]


def task(team_arn, ui=None):
    return {"WorkteamArn": team_arn, "UiConfig": ui or {"UiTemplateS3Uri": "s3://bucket/template.liquid"},
            "TaskTitle": "Label", "TaskDescription": "Label the image", "NumberOfHumanWorkersPerDataObject": 3,
            "TaskTimeLimitInSeconds": 300,
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:432418664414:function:PRE-ImageMultiClass",
            "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn":
                                              f"arn:aws:lambda:{REGION}:432418664414:function:ACS-ImageMultiClass"}}


def make_job(client, team_arn, name="label-images", source=None, **extra):
    return client.create_labeling_job(LabelingJobName=name, LabelAttributeName="label",
                                      InputConfig={"DataSource": source or S3_SOURCE},
                                      OutputConfig={"S3OutputPath": "s3://bucket/labels/"}, RoleArn=ROLE,
                                      HumanTaskConfig=task(team_arn), **extra)["LabelingJobArn"]


def describe(client, name="label-images"):
    return client.describe_labeling_job(LabelingJobName=name)


def test_a_static_job_completes_and_answers_its_output_manifest(sagemaker_client):
    arn = make_job(sagemaker_client, make_team(sagemaker_client))
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/label-images"
    job = describe(sagemaker_client)
    assert job["LabelingJobStatus"] == "Completed"
    assert job["LabelCounters"] == {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0,
                                    "FailedNonRetryableError": 0, "Unlabeled": 0}
    assert job["LabelingJobOutput"]["OutputDatasetS3Uri"] == \
        "s3://bucket/labels/label-images/manifests/output/output.manifest"
    assert job["JobReferenceCode"] and job["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] == 3


def test_a_streaming_job_runs_until_it_is_stopped(sagemaker_client):
    make_job(sagemaker_client, make_team(sagemaker_client), source=SNS_SOURCE)
    job = describe(sagemaker_client)
    assert job["LabelingJobStatus"] == "InProgress" and "LabelingJobOutput" not in job
    sagemaker_client.stop_labeling_job(LabelingJobName="label-images")
    stopped = describe(sagemaker_client)
    assert stopped["LabelingJobStatus"] == "Stopped" and "OutputDatasetS3Uri" in stopped["LabelingJobOutput"]
    with pytest.raises(ClientError) as refused:
        sagemaker_client.stop_labeling_job(LabelingJobName="label-images")
    assert error_of(refused)[0] == "ValidationException"


def test_a_completed_job_is_not_stopped(sagemaker_client):
    make_job(sagemaker_client, make_team(sagemaker_client))
    with pytest.raises(ClientError) as refused:
        sagemaker_client.stop_labeling_job(LabelingJobName="label-images")
    code, message = error_of(refused)
    assert code == "ValidationException" and "status Completed" in message
    assert describe(sagemaker_client)["LabelingJobStatus"] == "Completed"


def test_a_planned_failure_leaves_the_job_failed(sagemaker_mock, sagemaker_client):
    team = make_team(sagemaker_client)
    sagemaker_mock.fail_next("labeling-job", "ClientError: the manifest is empty")
    make_job(sagemaker_client, team)
    job = describe(sagemaker_client)
    assert (job["LabelingJobStatus"], job["FailureReason"]) == ("Failed", "ClientError: the manifest is empty")


def test_the_work_team_and_task_ui_must_exist_but_the_public_crowd_is_trusted(sagemaker_client):
    team = make_team(sagemaker_client)
    absent = team.replace("labelers", "nobody")
    with pytest.raises(ClientError) as refused:
        make_job(sagemaker_client, absent)
    assert error_of(refused) == ("ValidationException", f"Workteam {absent} does not exist.")
    ui = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-task-ui/missing-ui"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_labeling_job(
            LabelingJobName="ner", LabelAttributeName="label", InputConfig={"DataSource": S3_SOURCE},
            OutputConfig={"S3OutputPath": "s3://bucket/labels"}, RoleArn=ROLE,
            HumanTaskConfig=task(team, {"HumanTaskUiArn": ui}))
    assert error_of(refused)[0] == "ValidationException" and ui in error_of(refused)[1]
    assert sagemaker_client.list_labeling_jobs()["LabelingJobSummaryList"] == []
    make_job(sagemaker_client, PUBLIC_CROWD, name="public")
    assert describe(sagemaker_client, "public")["HumanTaskConfig"]["WorkteamArn"] == PUBLIC_CROWD


@pytest.mark.parametrize("change, words", [
    ({"LabelAttributeName": "label-metadata"}, "can't end with \"-metadata\""),
    ({"InputConfig": {"DataSource": {}}}, "at least one of the following"),
    ({"HumanTaskConfig": {"UiConfig": {}}}, "exactly one of UiTemplateS3Uri and HumanTaskUiArn"),
])
def test_prose_rules_are_refused_and_change_nothing(sagemaker_client, change, words):
    team = make_team(sagemaker_client)
    request = {"LabelingJobName": "bad", "LabelAttributeName": "label", "InputConfig": {"DataSource": S3_SOURCE},
               "OutputConfig": {"S3OutputPath": "s3://bucket/labels"}, "RoleArn": ROLE, "HumanTaskConfig": task(team)}
    for member, value in change.items():
        request[member] = {**request[member], **value} if member == "HumanTaskConfig" else value
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_labeling_job(**request)
    code, message = error_of(refused)
    assert code == "ValidationException" and words in message
    assert sagemaker_client.list_labeling_jobs()["LabelingJobSummaryList"] == []


def test_the_list_answers_the_work_team_and_lambda_functions(sagemaker_client):
    team = make_team(sagemaker_client)
    make_job(sagemaker_client, team)
    [summary] = sagemaker_client.list_labeling_jobs(StatusEquals="Completed")["LabelingJobSummaryList"]
    assert summary["WorkteamArn"] == team
    assert summary["AnnotationConsolidationLambdaArn"].endswith("function:ACS-ImageMultiClass")
    assert summary["PreHumanTaskLambdaArn"].endswith("function:PRE-ImageMultiClass")
    assert sagemaker_client.list_labeling_jobs(StatusEquals="InProgress")["LabelingJobSummaryList"] == []


def test_a_work_team_lists_the_jobs_it_labels_for(sagemaker_client):
    team, other = make_team(sagemaker_client), make_team(sagemaker_client, "others")
    make_job(sagemaker_client, team, name="first")
    make_job(sagemaker_client, team, name="second")
    make_job(sagemaker_client, other, name="elsewhere")
    listed = sagemaker_client.list_labeling_jobs_for_workteam(WorkteamArn=team)["LabelingJobSummaryList"]
    assert [job["LabelingJobName"] for job in listed] == ["first", "second"]
    assert listed[0]["WorkRequesterAccountId"] == ACCOUNT and listed[0]["NumberOfHumanWorkersPerDataObject"] == 3
    code = describe(sagemaker_client, "second")["JobReferenceCode"]
    filtered = sagemaker_client.list_labeling_jobs_for_workteam(WorkteamArn=team, JobReferenceCodeContains=code)
    assert [job["LabelingJobName"] for job in filtered["LabelingJobSummaryList"]] == ["second"]
    with pytest.raises(ClientError) as refused:
        sagemaker_client.list_labeling_jobs_for_workteam(WorkteamArn=team.replace("labelers", "nobody"))
    assert error_of(refused) == ("ResourceNotFound", f"Workteam {team.replace('labelers', 'nobody')} does not exist.")
