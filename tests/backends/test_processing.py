"""Processing jobs, through boto3 as a user drives them, with what SageMaker creates alongside."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock.core import service

ACCOUNT = "123456789012"
REGION = "us-east-1"
JOB_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:processing-job/"
COMPONENT_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:experiment-trial-component/"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/processing"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/prep:1"
RAW = "s3://bucket/raw"
TRAIN = "s3://bucket/train"
UTC = dt.timezone.utc
requires_preferences = pytest.mark.skipif(
    "InstancePreferences" not in service.model().shape_for("ProcessingClusterConfig").members,
    reason="the installed botocore model has no ProcessingClusterConfig.InstancePreferences")
CLUSTER = {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}


def s3_input(name="raw", uri=RAW, local="/opt/ml/processing/input", **extra):
    return {"InputName": name, "S3Input": {"S3Uri": uri, "LocalPath": local, "S3DataType": "S3Prefix",
                                           "S3InputMode": "File", **extra}}


def create(client, name="prep", inputs=None, cluster=None, **kwargs):
    kwargs.setdefault("ProcessingOutputConfig", {"Outputs": [{"OutputName": "train", "S3Output": {
        "S3Uri": TRAIN, "LocalPath": "/opt/ml/processing/train", "S3UploadMode": "EndOfJob"}}]})
    return client.create_processing_job(
        ProcessingJobName=name, RoleArn=ROLE,
        AppSpecification={"ImageUri": IMAGE, "ContainerEntrypoint": ["python3", "prep.py"]},
        ProcessingResources={"ClusterConfig": cluster or dict(CLUSTER)},
        ProcessingInputs=[s3_input()] if inputs is None else inputs, **kwargs)["ProcessingJobArn"]


def describe(client, name="prep"):
    return client.describe_processing_job(ProcessingJobName=name)


def names(client, **kwargs):
    return [s["ProcessingJobName"] for s in client.list_processing_jobs(**kwargs)["ProcessingJobSummaries"]]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


# -- CreateProcessingJob / DescribeProcessingJob --------------------------------------------------

def test_create_then_describe_a_completed_job(sagemaker_client):
    with freeze_time("2024-03-01 12:00:00"):
        arn = create(sagemaker_client, name="Prep", Environment={"MODE": "fast"},
                     StoppingCondition={"MaxRuntimeInSeconds": 3600},
                     NetworkConfig={"EnableNetworkIsolation": True})
    assert arn == JOB_ARN + "Prep"  # the name keeps its case in the ARN
    job = describe(sagemaker_client, "prep")  # and is found whatever the case
    at = dt.datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert job["ProcessingJobName"] == "Prep" and job["ProcessingJobArn"] == arn
    assert job["ProcessingJobStatus"] == "Completed"
    assert job["CreationTime"] == job["ProcessingStartTime"] == job["ProcessingEndTime"] == at
    assert job["LastModifiedTime"] == at
    assert job["ProcessingInputs"] == [s3_input()]
    assert job["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] == TRAIN
    assert job["ProcessingResources"] == {"ClusterConfig": CLUSTER}
    assert job["AppSpecification"]["ImageUri"] == IMAGE and job["RoleArn"] == ROLE
    assert (job["Environment"], job["StoppingCondition"]) == ({"MODE": "fast"}, {"MaxRuntimeInSeconds": 3600})
    assert job["NetworkConfig"] == {"EnableNetworkIsolation": True}
    assert "FailureReason" not in job and "MonitoringScheduleArn" not in job


def test_duplicate_name_is_resource_in_use_whatever_the_case(sagemaker_client):
    create(sagemaker_client, name="Prep")
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, name="PREP")
    assert error_of(err) == ("ResourceInUse", "Processing job names must be unique within an AWS account and region, "
                             f"and a processing job with this name already exists ({JOB_ARN}Prep)")
    assert names(sagemaker_client) == ["Prep"]


@pytest.mark.parametrize("call", ["describe_processing_job", "stop_processing_job", "delete_processing_job"])
def test_a_missing_job_is_a_validation_exception(sagemaker_client, call):
    if not hasattr(sagemaker_client, call):
        pytest.skip(f"the installed botocore model has no {call}")
    with pytest.raises(ClientError) as err:
        getattr(sagemaker_client, call)(ProcessingJobName="nothing")
    assert error_of(err) == ("ValidationException", "Could not find requested job with name nothing")


@pytest.mark.parametrize("inputs, cluster, fragment", [
    ([s3_input(local="/data/input")], None, "must be an absolute path that begins with /opt/ml/processing/"),
    ([s3_input(local=None)], None, "LocalPath is a required parameter when AppManaged is False"),
    ([s3_input(S3CompressionType="Gzip")], None, "Gzip can only be used when S3InputMode is Pipe"),
    ([s3_input("a"), s3_input("b", uri="s3://bucket/other")], None, "each input needs its own LocalPath"),
    ([{"InputName": "nothing"}], None, "needs exactly one of S3Input and DatasetDefinition"),
    pytest.param(None, {"InstanceCount": 1, "VolumeSizeInGB": 30}, "needs an InstanceType or InstancePreferences",
                 marks=requires_preferences),
])
def test_refused_requests_create_nothing(sagemaker_client, inputs, cluster, fragment):
    if inputs and "S3Input" in inputs[0] and inputs[0]["S3Input"]["LocalPath"] is None:
        del inputs[0]["S3Input"]["LocalPath"]
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, inputs=inputs, cluster=cluster)
    code, message = error_of(err)
    assert code == "ValidationException" and fragment in message
    assert names(sagemaker_client) == []
    assert sagemaker_client.list_trial_components()["TrialComponentSummaries"] == []


def test_gzip_in_pipe_mode_and_an_app_managed_input_are_accepted(sagemaker_client):
    create(sagemaker_client, inputs=[s3_input(S3InputMode="Pipe", S3CompressionType="Gzip"),
                                     {"InputName": "managed", "AppManaged": True}])
    assert [i["InputName"] for i in describe(sagemaker_client)["ProcessingInputs"]] == ["raw", "managed"]


@requires_preferences
def test_instance_preferences_select_the_first_type(sagemaker_client):
    preferences = [{"InstanceType": "ml.g5.xlarge", "InstanceCount": 2}, {"InstanceType": "ml.m5.xlarge",
                                                                          "InstanceCount": 4}]
    create(sagemaker_client, cluster={"VolumeSizeInGB": 30, "InstancePreferences": preferences})
    cluster = describe(sagemaker_client)["ProcessingResources"]["ClusterConfig"]
    assert (cluster["SelectedInstanceType"], cluster["SelectedInstanceCount"]) == ("ml.g5.xlarge", 2)
    assert cluster["InstancePreferences"] == preferences
    create(sagemaker_client, name="shared", cluster={"VolumeSizeInGB": 30, "InstanceCount": 3, "InstancePreferences": [
        {"InstanceType": "ml.c5.xlarge"}]})
    cluster = describe(sagemaker_client, "shared")["ProcessingResources"]["ClusterConfig"]
    assert (cluster["SelectedInstanceType"], cluster["SelectedInstanceCount"]) == ("ml.c5.xlarge", 3)


@requires_preferences
@pytest.mark.parametrize("cluster, fragment", [
    ({"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "InstancePreferences": [{"InstanceType": "ml.c5.xlarge"}]},
     "mutually exclusive with InstanceType"),
    ({"InstancePreferences": [{"InstanceType": "ml.c5.xlarge", "InstanceCount": 1}, {"InstanceType": "ml.g5.xlarge"}]},
     "every InstancePreferences entry specifies InstanceCount or none"),
    ({"InstanceCount": 2, "InstancePreferences": [{"InstanceType": "ml.c5.xlarge", "InstanceCount": 1}]},
     "not both and not neither"),
    ({"InstancePreferences": [{"InstanceType": "ml.c5.xlarge"}]}, "not both and not neither"),
    ({"InstanceCount": 1, "InstancePreferences": [{"InstanceType": "ml.c5.xlarge"}, {"InstanceType": "ml.c5.xlarge"}]},
     "can appear only once"),
    ({"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "SelectedInstanceType": "ml.m5.xlarge"},
     "read-only and isn't accepted"),
])
def test_instance_preferences_are_checked(sagemaker_client, cluster, fragment):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, cluster={"VolumeSizeInGB": 30, **cluster})
    code, message = error_of(err)
    assert code == "ValidationException" and fragment in message
    assert names(sagemaker_client) == []


def test_a_missing_trial_is_resource_not_found(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, ExperimentConfig={"TrialName": "absent"})
    assert error_of(err)[0] == "ResourceNotFound"
    assert names(sagemaker_client) == []


# -- StopProcessingJob / failures -----------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads")
def test_stop_a_running_job(sagemaker_client):
    create(sagemaker_client)  # InProgress until it is read
    sagemaker_client.stop_processing_job(ProcessingJobName="prep")
    assert describe(sagemaker_client)["ProcessingJobStatus"] == "Stopping"
    job = describe(sagemaker_client)
    assert job["ProcessingJobStatus"] == "Stopped" and "ProcessingEndTime" in job
    component = sagemaker_client.describe_trial_component(TrialComponentName="prep-aws-processing-job")
    assert component["Status"]["PrimaryStatus"] == "Stopped"
    assert component["OutputArtifacts"] == {}  # a stopped job wrote nothing


def test_stop_refuses_a_job_that_is_not_in_progress(sagemaker_client):
    create(sagemaker_client)
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.stop_processing_job(ProcessingJobName="prep")
    assert error_of(err) == ("ValidationException",
                             "The request was rejected because the processing job is in status Completed.")
    assert describe(sagemaker_client)["LastModifiedTime"] == before["LastModifiedTime"]


def test_fail_next_ends_in_failed_with_the_reason(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("processing-job", reason="AlgorithmError: script exited 1", name="doomed")
    create(sagemaker_client, name="fine")
    create(sagemaker_client, name="doomed")
    job = describe(sagemaker_client, "doomed")
    assert (job["ProcessingJobStatus"], job["FailureReason"]) == ("Failed", "AlgorithmError: script exited 1")
    assert describe(sagemaker_client, "fine")["ProcessingJobStatus"] == "Completed"
    component = sagemaker_client.describe_trial_component(TrialComponentName="doomed-aws-processing-job")
    assert component["Status"]["PrimaryStatus"] == "Failed"


def test_waiter_passes_for_a_completed_job_and_fails_for_a_failed_one(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    sagemaker_client.get_waiter("processing_job_completed_or_stopped").wait(ProcessingJobName="prep")
    sagemaker_mock.fail_next("processing-job", reason="broken")
    create(sagemaker_client, name="broken")
    with pytest.raises(Exception, match="Failed"):
        sagemaker_client.get_waiter("processing_job_completed_or_stopped").wait(
            ProcessingJobName="broken", WaiterConfig={"Delay": 0, "MaxAttempts": 1})


# -- ListProcessingJobs ---------------------------------------------------------------------------

def test_list_filters_sorts_and_pages(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-01-01 00:00:00") as frozen:
        for name in ("b-job", "a-job", "c-other"):
            create(sagemaker_client, name=name)
            frozen.tick(60)
        sagemaker_mock.set_status(JOB_ARN + "c-other", "Failed", reason="broken")
    assert names(sagemaker_client) == ["b-job", "a-job", "c-other"]  # CreationTime, Ascending
    assert names(sagemaker_client, SortBy="Name") == ["a-job", "b-job", "c-other"]
    assert names(sagemaker_client, SortBy="Name", SortOrder="Descending") == ["c-other", "b-job", "a-job"]
    assert names(sagemaker_client, NameContains="JOB") == ["b-job", "a-job"]
    assert names(sagemaker_client, StatusEquals="Failed") == ["c-other"]
    assert names(sagemaker_client, CreationTimeAfter=dt.datetime(2024, 1, 1, 0, 0, 30, tzinfo=UTC)) == [
        "a-job", "c-other"]
    first = sagemaker_client.list_processing_jobs(MaxResults=2)
    assert [s["ProcessingJobName"] for s in first["ProcessingJobSummaries"]] == ["b-job", "a-job"]
    rest = sagemaker_client.list_processing_jobs(MaxResults=2, NextToken=first["NextToken"])
    assert [s["ProcessingJobName"] for s in rest["ProcessingJobSummaries"]] == ["c-other"]
    summary = first["ProcessingJobSummaries"][0]
    assert summary["ProcessingJobArn"] == JOB_ARN + "b-job" and summary["ProcessingJobStatus"] == "Completed"
    failed = sagemaker_client.list_processing_jobs(StatusEquals="Failed")["ProcessingJobSummaries"][0]
    assert failed["FailureReason"] == "broken"


# -- DeleteProcessingJob --------------------------------------------------------------------------

def test_delete_a_finished_job_frees_its_name(sagemaker_client):
    if not hasattr(sagemaker_client, "delete_processing_job"):
        pytest.skip("the installed botocore model has no DeleteProcessingJob")
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    sagemaker_client.delete_processing_job(ProcessingJobName="prep")
    assert names(sagemaker_client) == []
    with pytest.raises(ClientError):
        sagemaker_client.list_tags(ResourceArn=arn)
    # "After deleting the job, you can reuse its name to create another processing job."
    assert create(sagemaker_client, Environment={"RUN": "2"}) == arn
    assert describe(sagemaker_client)["Environment"] == {"RUN": "2"}
    component = sagemaker_client.describe_trial_component(TrialComponentName="prep-aws-processing-job")
    assert component["Source"]["SourceArn"] == arn


@pytest.mark.sagemock(transitions="reads")
def test_delete_refuses_a_job_in_progress_or_stopping(sagemaker_client):
    if not hasattr(sagemaker_client, "delete_processing_job"):
        pytest.skip("the installed botocore model has no DeleteProcessingJob")
    create(sagemaker_client)
    for expected in ("InProgress", "Stopping"):
        with pytest.raises(ClientError) as err:
            sagemaker_client.delete_processing_job(ProcessingJobName="prep")
        code, message = error_of(err)
        assert code == "ResourceInUse" and f"in status {expected}" in message
        if expected == "InProgress":
            sagemaker_client.stop_processing_job(ProcessingJobName="prep")
    assert [describe(sagemaker_client)["ProcessingJobStatus"] for _ in range(2)] == ["Stopping", "Stopped"]
    sagemaker_client.delete_processing_job(ProcessingJobName="prep")
    assert names(sagemaker_client) == []


# -- trial component and lineage ------------------------------------------------------------------

def test_trial_component_with_parameters_artifacts_and_trial(sagemaker_client):
    sagemaker_client.create_experiment(ExperimentName="exp")
    sagemaker_client.create_trial(TrialName="trial", ExperimentName="exp")
    arn = create(sagemaker_client, ExperimentConfig={"ExperimentName": "exp", "TrialName": "trial",
                                                      "TrialComponentDisplayName": "Preparation"})
    component = sagemaker_client.describe_trial_component(TrialComponentName="prep-aws-processing-job")
    assert component["TrialComponentArn"] == COMPONENT_ARN + "prep-aws-processing-job"
    assert component["DisplayName"] == "Preparation"
    assert component["Source"] == {"SourceArn": arn, "SourceType": "SageMakerProcessingJob"}
    assert component["Parameters"] == {
        "SageMaker.ImageUri": {"StringValue": IMAGE}, "SageMaker.InstanceCount": {"NumberValue": 1.0},
        "SageMaker.InstanceType": {"StringValue": "ml.m5.xlarge"}}
    assert component["InputArtifacts"] == {"SageMaker.ImageUri": {"Value": IMAGE}, "raw": {"Value": RAW}}
    assert component["OutputArtifacts"] == {"train": {"Value": TRAIN}}
    assert component["Status"]["PrimaryStatus"] == "Completed"
    in_trial = sagemaker_client.list_trial_components(TrialName="trial")["TrialComponentSummaries"]
    assert [c["TrialComponentName"] for c in in_trial] == ["prep-aws-processing-job"]


def test_lineage_from_the_raw_data_through_the_job_to_what_it_wrote(sagemaker_client):
    create(sagemaker_client)
    artifacts = sagemaker_client.list_artifacts()["ArtifactSummaries"]
    assert sorted((a["ArtifactType"], a["Source"]["SourceUri"]) for a in artifacts) == [
        ("DataSet", RAW), ("DataSet", TRAIN), ("Image", IMAGE)]
    raw = next(a["ArtifactArn"] for a in artifacts if a["Source"]["SourceUri"] == RAW)
    walk = sagemaker_client.query_lineage(StartArns=[raw], Direction="Descendants", IncludeEdges=True)
    edges = {(e["SourceArn"], e["DestinationArn"], e["AssociationType"]) for e in walk["Edges"]}
    component = COMPONENT_ARN + "prep-aws-processing-job"
    written = next(a["ArtifactArn"] for a in artifacts if a["Source"]["SourceUri"] == TRAIN)
    assert (raw, component, "ContributedTo") in edges and (component, written, "Produced") in edges
