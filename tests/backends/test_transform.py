"""Batch transform jobs, through boto3 as a user drives them, with what SageMaker creates alongside."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError, WaiterError
from freezegun import freeze_time

ACCOUNT = "123456789012"
REGION = "us-east-1"
JOB_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:transform-job/"
MODEL_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/"
COMPONENT_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:experiment-trial-component/"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/churn:1"
MODEL_DATA = "s3://bucket/churn/model.tar.gz"
DATA = "s3://bucket/batch/in"
RESULTS = "s3://bucket/batch/out"
UTC = dt.timezone.utc
RESOURCES = {"InstanceCount": 1, "InstanceType": "ml.m5.large"}
OPERATORS = "['$', '[', ']', '*', '.', ' ', ',', ':', '-', ''']"


@pytest.fixture
def sm(sagemaker_client):
    sagemaker_client.create_model(ModelName="churn", ExecutionRoleArn=ROLE,
                                  PrimaryContainer={"Image": IMAGE, "ModelDataUrl": MODEL_DATA})
    return sagemaker_client


def create(client, name="score", model="churn", transform_input=None, output=None, resources=None, **kwargs):
    return client.create_transform_job(
        TransformJobName=name, ModelName=model,
        TransformInput=transform_input or {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": DATA}}},
        TransformOutput=output or {"S3OutputPath": RESULTS},
        TransformResources=resources or dict(RESOURCES), **kwargs)["TransformJobArn"]


def describe(client, name="score"):
    return client.describe_transform_job(TransformJobName=name)


def names(client, **kwargs):
    return [s["TransformJobName"] for s in client.list_transform_jobs(**kwargs)["TransformJobSummaries"]]


def components(client):
    return [c["TrialComponentName"] for c in client.list_trial_components()["TrialComponentSummaries"]]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def refused(client, **kwargs):
    """The error a CreateTransformJob request gets; it must leave no job and no trial component."""
    with pytest.raises(ClientError) as err:
        create(client, **kwargs)
    assert names(client) == [] and components(client) == []
    return error_of(err)


# -- CreateTransformJob / DescribeTransformJob ----------------------------------------------------

def test_create_then_describe_a_completed_job_with_the_defaults_aws_answers(sm):
    with freeze_time("2024-03-01 12:00:00"):
        arn = create(sm, name="Score-Batch", Environment={"MODE": "fast"},
                     ModelClientConfig={"InvocationsTimeoutInSeconds": 60, "InvocationsMaxRetries": 1})
    assert arn == JOB_ARN + "score-batch"  # transform job ARNs lower-case the name (arns.LOWER_CASE)
    job = describe(sm, "SCORE-BATCH")  # found whatever the case
    at = dt.datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert (job["TransformJobName"], job["TransformJobArn"], job["TransformJobStatus"]) == (
        "Score-Batch", arn, "Completed")
    assert job["CreationTime"] == job["TransformStartTime"] == job["TransformEndTime"] == at
    assert job["ModelName"] == "churn" and job["TransformResources"] == RESOURCES
    assert job["Environment"] == {"MODE": "fast"}
    assert job["ModelClientConfig"] == {"InvocationsTimeoutInSeconds": 60, "InvocationsMaxRetries": 1}
    # What AWS fills in for members left out (the describe AWS's SageMaker controller recorded).
    assert job["TransformInput"] == {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": DATA}},
                                     "CompressionType": "None", "SplitType": "None"}
    assert job["TransformOutput"] == {"S3OutputPath": RESULTS, "AssembleWith": "None", "KmsKeyId": ""}
    assert job["DataProcessing"] == {"InputFilter": "$", "JoinSource": "None", "OutputFilter": "$"}
    for member in ("BatchStrategy", "MaxPayloadInMB", "MaxConcurrentTransforms", "FailureReason", "LastModifiedTime",
                   "DataCaptureConfig", "ExperimentConfig"):
        assert member not in job


def test_what_a_request_gives_is_kept_over_the_defaults(sm):
    create(sm, transform_input={"DataSource": {"S3DataSource": {"S3DataType": "ManifestFile", "S3Uri": DATA}},
                                "ContentType": "application/jsonlines", "CompressionType": "Gzip", "SplitType": "Line"},
           output={"S3OutputPath": RESULTS, "AssembleWith": "Line", "Accept": "application/jsonlines",
                   "KmsKeyId": "alias/batch"},
           DataProcessing={"JoinSource": "Input"}, BatchStrategy="SingleRecord", MaxPayloadInMB=2,
           MaxConcurrentTransforms=8, DataCaptureConfig={"DestinationS3Uri": "s3://bucket/capture",
                                                         "GenerateInferenceId": True})
    job = describe(sm)
    assert (job["TransformInput"]["CompressionType"], job["TransformInput"]["SplitType"]) == ("Gzip", "Line")
    assert job["TransformOutput"] == {"S3OutputPath": RESULTS, "AssembleWith": "Line",
                                      "Accept": "application/jsonlines", "KmsKeyId": "alias/batch"}
    assert job["DataProcessing"] == {"InputFilter": "$", "JoinSource": "Input", "OutputFilter": "$"}
    assert (job["BatchStrategy"], job["MaxPayloadInMB"], job["MaxConcurrentTransforms"]) == ("SingleRecord", 2, 8)
    assert job["DataCaptureConfig"] == {"DestinationS3Uri": "s3://bucket/capture", "GenerateInferenceId": True}


def test_duplicate_name_is_resource_in_use_whatever_the_case(sm):
    create(sm, name="Score")
    with pytest.raises(ClientError) as err:
        create(sm, name="SCORE", BatchStrategy="MultiRecord")
    assert error_of(err) == ("ResourceInUse", "Transform job names must be unique within an AWS account and region, "
                             f"and a transform job with this name already exists ({JOB_ARN}score)")
    assert names(sm) == ["Score"] and "BatchStrategy" not in describe(sm)


@pytest.mark.parametrize("call", ["describe_transform_job", "stop_transform_job"])
def test_a_missing_job_is_a_validation_exception(sm, call):
    with pytest.raises(ClientError) as err:
        getattr(sm, call)(TransformJobName="nothing")
    assert error_of(err) == ("ValidationException", "Could not find requested job with name nothing")


def test_the_model_must_exist(sm):
    assert refused(sm, model="absent") == ("ValidationException", f'Could not find model "{MODEL_ARN}absent".')
    assert [a["Source"]["SourceUri"] for a in sm.list_artifacts()["ArtifactSummaries"]] == []


def test_a_model_whose_container_reads_model_data_source_cannot_run_in_batch(sm):
    sm.create_model(ModelName="uncompressed", ExecutionRoleArn=ROLE, PrimaryContainer={
        "Image": IMAGE, "ModelDataSource": {"S3DataSource": {"S3Uri": "s3://bucket/llm/", "S3DataType": "S3Prefix",
                                                             "CompressionType": "None"}}})
    assert refused(sm, model="uncompressed") == (
        "ValidationException", "SageMaker Batch currently doesn't support Model entity with container definitions "
        "which use ModelDataSource attribute")


def test_a_model_name_is_found_whatever_its_case_and_an_inference_pipeline_runs(sm):
    sm.create_model(ModelName="pipeline", ExecutionRoleArn=ROLE, Containers=[
        {"Image": IMAGE, "ContainerHostname": "prep"}, {"Image": IMAGE, "ContainerHostname": "predict",
                                                       "ModelDataUrl": MODEL_DATA}])
    create(sm, model="CHURN")
    create(sm, name="chained", model="pipeline")
    assert describe(sm, "chained")["TransformJobStatus"] == "Completed"


@pytest.mark.parametrize("kwargs, message", [
    ({"MaxPayloadInMB": 101}, "Value '101' at 'maxPayloadInMB' failed to satisfy constraint: Member must have value "
                              "less than or equal to 100"),
    ({"MaxPayloadInMB": 6, "MaxConcurrentTransforms": 20},
     "MaxConcurrentTransforms * MaxPayloadInMB (20 * 6 = 120 MB) cannot exceed 100 MB."),
    ({"resources": {"InstanceCount": 101, "InstanceType": "ml.m5.large"}},
     "Value '101' at 'transformResources.instanceCount' failed to satisfy constraint: Member must have value less "
     "than or equal to 100"),
])
def test_payload_and_instance_limits(sm, kwargs, message):
    code, said = refused(sm, **kwargs)
    assert code == "ValidationException" and message in said


@pytest.mark.parametrize("kwargs", [
    {"MaxPayloadInMB": 100},
    {"MaxPayloadInMB": 50, "MaxConcurrentTransforms": 2},
    {"MaxPayloadInMB": 0, "MaxConcurrentTransforms": 1000},  # 0: payloads sent by HTTP chunked encoding
    {"MaxConcurrentTransforms": 1000},  # AWS states the product rule only when both are given
    {"resources": {"InstanceCount": 100, "InstanceType": "ml.c5.xlarge"}},
    {"BatchStrategy": "MultiRecord"},  # without splitting the strategy has no effect; AWS documents no refusal
])
def test_what_aws_allows_is_accepted(sm, kwargs):
    create(sm, **kwargs)
    assert describe(sm)["TransformJobStatus"] == "Completed"


def test_an_unsupported_jsonpath_operator_is_refused_in_aws_words(sm):
    code, message = refused(sm, transform_input={
        "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": DATA}},
        "ContentType": "application/jsonlines", "SplitType": "Line"},
        DataProcessing={"JoinSource": "Input", "OutputFilter": "$['account_id','SageMakerOutput']"})
    assert (code, message) == ("ValidationException", "Invalid OutputFilter: \"$['account_id','SageMakerOutput']\". "
                               'Unexpected "_" in JsonPath. Supported operators for "application/jsonlines" are '
                               + OPERATORS)


def test_a_jsonpath_must_begin_with_the_root(sm):
    code, message = refused(sm, DataProcessing={"InputFilter": "features"})
    assert code == "ValidationException"
    assert message.startswith('Invalid InputFilter: "features". A JsonPath must begin with "$".')


@pytest.mark.parametrize("input_filter, output_filter", [
    ("$", "$"), ("$[1:]", "$[0,5:]"), ("$.features", "$['id','SageMakerOutput']"), ("$[-1]", "$.id.*"),
    ("$[:5]", "$[1,3,5]"),
])
def test_the_guides_jsonpath_examples_are_accepted(sm, input_filter, output_filter):
    create(sm, DataProcessing={"InputFilter": input_filter, "JoinSource": "Input", "OutputFilter": output_filter})
    assert describe(sm)["DataProcessing"] == {"InputFilter": input_filter, "JoinSource": "Input",
                                              "OutputFilter": output_filter}


def test_a_missing_trial_is_resource_not_found(sm):
    assert refused(sm, ExperimentConfig={"TrialName": "absent"})[0] == "ResourceNotFound"


def test_refused_requests_change_nothing(sm, sagemaker_mock):
    create(sm, name="kept")
    before = sagemaker_mock.snapshot()
    for kwargs in ({"MaxPayloadInMB": 101}, {"model": "absent"}, {"name": "kept"},
                   {"DataProcessing": {"InputFilter": "x"}}):
        with pytest.raises(ClientError):
            create(sm, **kwargs)
    assert sagemaker_mock.snapshot() == before


# -- lifecycle: StopTransformJob, failures, waiter, transitions -----------------------------------

@pytest.mark.sagemock(transitions="reads")
def test_a_job_runs_then_completes_as_it_is_read(sm):
    create(sm)
    first = describe(sm)
    assert first["TransformJobStatus"] == "InProgress" and "TransformStartTime" in first
    assert "TransformEndTime" not in first
    component = sm.describe_trial_component(TrialComponentName="score-aws-transform-job")
    assert component["Status"] == {"PrimaryStatus": "InProgress", "Message": "Status: InProgress, failure reason: null"}
    assert component["OutputArtifacts"] == {}
    done = describe(sm)
    assert done["TransformJobStatus"] == "Completed" and "TransformEndTime" in done


@pytest.mark.sagemock(transitions="reads")
def test_stop_a_running_job(sm):
    create(sm)  # InProgress until it is read
    sm.stop_transform_job(TransformJobName="score")
    assert describe(sm)["TransformJobStatus"] == "Stopping"
    job = describe(sm)
    assert job["TransformJobStatus"] == "Stopped" and "TransformEndTime" in job
    component = sm.describe_trial_component(TrialComponentName="score-aws-transform-job")
    assert component["Status"]["PrimaryStatus"] == "Stopped"
    # "When you stop a batch transform job before it is completed, Amazon SageMaker doesn't store the
    # job's output in Amazon S3."
    assert component["OutputArtifacts"] == {}
    assert RESULTS not in {a["Source"]["SourceUri"] for a in sm.list_artifacts()["ArtifactSummaries"]}


def test_stop_refuses_a_job_that_is_not_in_progress(sm, sagemaker_mock):
    create(sm)
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as err:
        sm.stop_transform_job(TransformJobName="score")
    assert error_of(err) == ("ValidationException",
                             "The request was rejected because the transform job is in status Completed.")
    assert sagemaker_mock.snapshot() == before


def test_fail_next_ends_in_failed_with_the_reason(sm, sagemaker_mock):
    sagemaker_mock.fail_next("transform-job", reason="ClientError: 413", name="doomed")
    create(sm, name="fine")
    create(sm, name="doomed")
    job = describe(sm, "doomed")
    assert (job["TransformJobStatus"], job["FailureReason"]) == ("Failed", "ClientError: 413")
    assert "TransformEndTime" in job and describe(sm, "fine")["TransformJobStatus"] == "Completed"
    component = sm.describe_trial_component(TrialComponentName="doomed-aws-transform-job")
    assert component["Status"] == {"PrimaryStatus": "Failed", "Message": "Status: Failed, failure reason: ClientError: 413"}
    assert component["OutputArtifacts"] == {}
    failed = sm.list_transform_jobs(StatusEquals="Failed")["TransformJobSummaries"]
    assert [(s["TransformJobName"], s["FailureReason"]) for s in failed] == [("doomed", "ClientError: 413")]


def test_waiter_passes_for_a_completed_job_and_fails_for_a_failed_one(sm, sagemaker_mock):
    create(sm)
    sm.get_waiter("transform_job_completed_or_stopped").wait(TransformJobName="score")
    sagemaker_mock.fail_next("transform-job", reason="broken")
    create(sm, name="broken")
    with pytest.raises(WaiterError, match="Failed"):
        sm.get_waiter("transform_job_completed_or_stopped").wait(
            TransformJobName="broken", WaiterConfig={"Delay": 0, "MaxAttempts": 1})


def test_the_job_outlives_its_model(sm):
    create(sm)
    sm.delete_model(ModelName="churn")
    assert describe(sm)["ModelName"] == "churn"
    assert refused_after(sm) == ("ValidationException", f'Could not find model "{MODEL_ARN}churn".')


def refused_after(client):
    with pytest.raises(ClientError) as err:
        create(client, name="again")
    return error_of(err)


# -- ListTransformJobs ----------------------------------------------------------------------------

def test_list_filters_sorts_and_pages(sm, sagemaker_mock):
    with freeze_time("2024-01-01 00:00:00") as frozen:
        for name in ("b-job", "a-job", "c-other"):
            create(sm, name=name)
            frozen.tick(60)
        frozen.tick(3600)
        sagemaker_mock.set_status(JOB_ARN + "b-job", "Failed", reason="broken")
    assert names(sm) == ["c-other", "a-job", "b-job"]  # "The default is CreationTime", "Descending"
    assert names(sm, SortOrder="Ascending") == ["b-job", "a-job", "c-other"]
    assert names(sm, SortBy="Name", SortOrder="Ascending") == ["a-job", "b-job", "c-other"]
    assert names(sm, SortBy="Status", SortOrder="Ascending") == ["a-job", "c-other", "b-job"]  # ties: creation order
    assert names(sm, NameContains="JOB") == ["a-job", "b-job"]
    assert names(sm, StatusEquals="Failed") == ["b-job"]
    assert names(sm, CreationTimeAfter=dt.datetime(2024, 1, 1, 0, 0, 30, tzinfo=UTC)) == ["c-other", "a-job"]
    assert names(sm, CreationTimeBefore=dt.datetime(2024, 1, 1, 0, 0, 30, tzinfo=UTC)) == ["b-job"]
    # LastModifiedTime, which only List answers, moved with the status set an hour later.
    later = dt.datetime(2024, 1, 1, 0, 30, tzinfo=UTC)
    assert names(sm, LastModifiedTimeAfter=later) == ["b-job"]
    assert names(sm, LastModifiedTimeBefore=later) == ["c-other", "a-job"]
    first = sm.list_transform_jobs(MaxResults=2, SortOrder="Ascending")
    assert [s["TransformJobName"] for s in first["TransformJobSummaries"]] == ["b-job", "a-job"]
    rest = sm.list_transform_jobs(MaxResults=2, SortOrder="Ascending", NextToken=first["NextToken"])
    assert [s["TransformJobName"] for s in rest["TransformJobSummaries"]] == ["c-other"]
    assert "NextToken" not in rest
    summary = first["TransformJobSummaries"][0]
    assert summary == {"TransformJobName": "b-job", "TransformJobArn": JOB_ARN + "b-job",
                       "CreationTime": dt.datetime(2024, 1, 1, tzinfo=UTC),
                       "TransformEndTime": dt.datetime(2024, 1, 1, 1, 3, tzinfo=UTC),
                       "LastModifiedTime": dt.datetime(2024, 1, 1, 1, 3, tzinfo=UTC),
                       "TransformJobStatus": "Failed", "FailureReason": "broken"}


def test_the_paginator_walks_every_job(sm):
    for index in range(5):
        create(sm, name=f"job-{index}")
    pages = sm.get_paginator("list_transform_jobs").paginate(PaginationConfig={"PageSize": 2})
    walked = [s["TransformJobName"] for page in pages for s in page["TransformJobSummaries"]]
    assert sorted(walked) == [f"job-{index}" for index in range(5)] and len(walked) == 5


# -- trial component and lineage ------------------------------------------------------------------

def test_trial_component_with_parameters_artifacts_and_trial(sm):
    sm.create_experiment(ExperimentName="exp")
    sm.create_trial(TrialName="trial", ExperimentName="exp")
    arn = create(sm, transform_input={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": DATA}},
                                      "ContentType": "text/csv"},
                 ExperimentConfig={"ExperimentName": "exp", "TrialName": "trial",
                                   "TrialComponentDisplayName": "Scoring"})
    component = sm.describe_trial_component(TrialComponentName="score-aws-transform-job")
    assert component["TrialComponentArn"] == COMPONENT_ARN + "score-aws-transform-job"
    assert component["DisplayName"] == "Scoring"
    assert component["Source"] == {"SourceArn": arn, "SourceType": "SageMakerTransformJob"}
    assert component["Parameters"] == {
        "SageMaker.InstanceCount": {"NumberValue": 1.0}, "SageMaker.InstanceType": {"StringValue": "ml.m5.large"},
        "SageMaker.ModelName": {"StringValue": "churn"},
        "SageMaker.ModelPrimary.DataUrl": {"StringValue": MODEL_DATA},
        "SageMaker.ModelPrimary.Image": {"StringValue": IMAGE}}
    assert component["InputArtifacts"] == {"SageMaker.TransformInput": {"MediaType": "text/csv", "Value": DATA}}
    assert component["OutputArtifacts"] == {"SageMaker.TransformOutput": {"Value": RESULTS}}
    assert component["Status"] == {"PrimaryStatus": "Completed", "Message": "Status: Completed, failure reason: null"}
    in_trial = sm.list_trial_components(TrialName="trial")["TrialComponentSummaries"]
    assert [c["TrialComponentName"] for c in in_trial] == ["score-aws-transform-job"]
    assert describe(sm)["ExperimentConfig"] == {"ExperimentName": "exp", "TrialName": "trial",
                                                "TrialComponentDisplayName": "Scoring"}


def test_lineage_from_the_input_data_through_the_job_to_its_results(sm):
    create(sm)
    artifacts = sm.list_artifacts()["ArtifactSummaries"]
    assert sorted((a["ArtifactType"], a["Source"]["SourceUri"]) for a in artifacts) == [
        ("DataSet", DATA), ("DataSet", RESULTS)]
    data = next(a["ArtifactArn"] for a in artifacts if a["Source"]["SourceUri"] == DATA)
    results = next(a["ArtifactArn"] for a in artifacts if a["Source"]["SourceUri"] == RESULTS)
    walk = sm.query_lineage(StartArns=[data], Direction="Descendants", IncludeEdges=True)
    edges = {(e["SourceArn"], e["DestinationArn"], e["AssociationType"]) for e in walk["Edges"]}
    component = COMPONENT_ARN + "score-aws-transform-job"
    assert edges == {(data, component, "ContributedTo"), (component, results, "Produced")}


def test_results_of_a_processing_job_read_by_a_transform_job_are_one_lineage(sm):
    """One artifact per SourceUri: the data a processing job produced and a transform job reads is the
    same artifact, so the transform job's component descends from the processing job's raw data."""
    sm.create_processing_job(
        ProcessingJobName="prep", RoleArn=ROLE, AppSpecification={"ImageUri": IMAGE},
        ProcessingResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge",
                                               "VolumeSizeInGB": 30}},
        ProcessingInputs=[{"InputName": "raw", "S3Input": {"S3Uri": "s3://bucket/raw", "S3DataType": "S3Prefix",
                                                           "LocalPath": "/opt/ml/processing/input",
                                                           "S3InputMode": "File"}}],
        ProcessingOutputConfig={"Outputs": [{"OutputName": "features", "S3Output": {
            "S3Uri": DATA, "LocalPath": "/opt/ml/processing/features", "S3UploadMode": "EndOfJob"}}]})
    create(sm)
    [raw] = [a["ArtifactArn"] for a in sm.list_artifacts()["ArtifactSummaries"]
             if a["Source"]["SourceUri"] == "s3://bucket/raw"]
    walk = sm.query_lineage(StartArns=[raw], Direction="Descendants", IncludeEdges=False, MaxDepth=10)
    reached = {v["Arn"] for v in walk["Vertices"]}
    assert COMPONENT_ARN + "score-aws-transform-job" in reached
    assert any(arn.startswith(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:artifact/") for arn in reached)


def test_a_component_of_the_same_name_that_is_not_the_jobs_is_left_alone(sm):
    sm.create_trial_component(TrialComponentName="score-aws-transform-job", DisplayName="mine")
    create(sm)
    component = sm.describe_trial_component(TrialComponentName="score-aws-transform-job")
    assert component["DisplayName"] == "mine" and "Source" not in component
    assert describe(sm)["TransformJobStatus"] == "Completed"
