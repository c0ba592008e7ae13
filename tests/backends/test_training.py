"""Training jobs, through boto3 as a user drives them, with what SageMaker creates alongside."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock.core import service
from tests.model_support import declared

ACCOUNT = "123456789012"
REGION = "us-east-1"
JOB_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/"
COMPONENT_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:experiment-trial-component/"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/train"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/trainer:1"
TRAIN = "s3://bucket/data/train"
OUTPUT = "s3://bucket/output"
UTC = dt.timezone.utc
#: Older botocore models require StoppingCondition on CreateTrainingJob (later ones default it to a day).
STOPPING_CONDITION_REQUIRED = "StoppingCondition" in service.operation("CreateTrainingJob").input_shape.required_members
requires_delete = pytest.mark.skipif("DeleteTrainingJob" not in service.operation_names(),
                                     reason="the installed botocore model has no DeleteTrainingJob")


def create(client, name="job", image=IMAGE, metrics=("accuracy",), **kwargs):
    specification = {"TrainingInputMode": "File",
                     "MetricDefinitions": [{"Name": metric, "Regex": f"{metric}=(.*)"} for metric in metrics]}
    if image is not None:
        specification["TrainingImage"] = image
    specification.update(kwargs.pop("AlgorithmSpecification", {}))
    kwargs.setdefault("InputDataConfig", [{"ChannelName": "train", "ContentType": "text/csv", "DataSource": {
        "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": TRAIN}}}])
    kwargs.setdefault("ResourceConfig", {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10})
    kwargs.setdefault("OutputDataConfig", {"S3OutputPath": OUTPUT})
    if STOPPING_CONDITION_REQUIRED:  # botocore models before 1.4x require it; sagemock's default needs newer ones
        kwargs.setdefault("StoppingCondition", {"MaxRuntimeInSeconds": 86400})
    return client.create_training_job(TrainingJobName=name, RoleArn=ROLE, AlgorithmSpecification=specification,
                                      **kwargs)["TrainingJobArn"]


def describe(client, name="job"):
    return client.describe_training_job(TrainingJobName=name)


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def names(client, **kwargs):
    return [s["TrainingJobName"] for s in client.list_training_jobs(**kwargs)["TrainingJobSummaries"]]


def put_metrics(sagemaker_mock, arn, metrics):
    sagemaker_mock.put_training_metrics(arn, metrics)


# -- CreateTrainingJob / DescribeTrainingJob ------------------------------------------------------

def test_create_then_describe_a_completed_job(sagemaker_client):
    with freeze_time("2024-03-01 12:00:00"):
        arn = create(sagemaker_client, name="Resnet", HyperParameters={"epochs": "10"},
                     Environment={"MODE": "fast"}, RetryStrategy={"MaximumRetryAttempts": 2},
                     VpcConfig={"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]},
                     CheckpointConfig={"S3Uri": "s3://bucket/ckpt"},
                     DebugHookConfig={"S3OutputPath": "s3://bucket/debug"},
                     TensorBoardOutputConfig={"S3OutputPath": "s3://bucket/tb"})
    # The ARN keeps the name's case: ListTags with a lower-cased training job ARN is "Resource does not
    # exist" (aws/sagemaker-python-sdk PR #4304, 2023-12).
    assert arn == JOB_ARN + "Resnet"
    job = describe(sagemaker_client, "resnet")
    at = dt.datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert job["TrainingJobName"] == "Resnet" and job["TrainingJobArn"] == arn
    assert (job["TrainingJobStatus"], job["SecondaryStatus"]) == ("Completed", "Completed")
    assert job["ModelArtifacts"] == {"S3ModelArtifacts": f"{OUTPUT}/Resnet/output/model.tar.gz"}
    assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 86400}  # "The default value is 1 day"
    assert job["CreationTime"] == job["TrainingStartTime"] == job["TrainingEndTime"] == at
    assert job["TrainingTimeInSeconds"] == job["BillableTimeInSeconds"] == 0
    assert [t["Status"] for t in job["SecondaryStatusTransitions"]] == [
        "Starting", "Downloading", "Training", "Uploading", "Completed"]
    assert job["SecondaryStatusTransitions"][-1]["StatusMessage"] == "Training job completed"
    for member, value in [("HyperParameters", {"epochs": "10"}), ("Environment", {"MODE": "fast"}),
                          ("RetryStrategy", {"MaximumRetryAttempts": 2}),
                          ("CheckpointConfig", {"S3Uri": "s3://bucket/ckpt"}),
                          ("TensorBoardOutputConfig", {"S3OutputPath": "s3://bucket/tb"}),
                          ("VpcConfig", {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]}),
                          ("EnableManagedSpotTraining", False), ("EnableNetworkIsolation", False)]:
        assert job[member] == value
    assert "FailureReason" not in job and "FinalMetricDataList" not in job


def test_duplicate_name_is_resource_in_use_whatever_the_case(sagemaker_client):
    create(sagemaker_client, name="Job")
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, name="JOB")
    assert error_of(err) == ("ResourceInUse", "Training job names must be unique within an AWS account and region, "
                             f"and a training job with this name already exists ({JOB_ARN}Job)")
    assert names(sagemaker_client) == ["Job"]


@pytest.mark.parametrize("call", ["describe_training_job", "stop_training_job",
                                  pytest.param("delete_training_job", marks=requires_delete)])
def test_a_missing_job_is_a_validation_exception(sagemaker_client, call):
    with pytest.raises(ClientError) as err:
        getattr(sagemaker_client, call)(TrainingJobName="nothing")
    assert error_of(err) == ("ValidationException", "Requested resource not found.")


def test_image_and_algorithm_are_exclusive_and_one_is_needed(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, AlgorithmSpecification={"AlgorithmName": "algo"})
    assert error_of(err)[0] == "ValidationException" and "mutually exclusive" in error_of(err)[1]
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, image=None)
    assert "either the algorithm name" in error_of(err)[1]
    assert names(sagemaker_client) == []
    assert sagemaker_client.list_trial_components()["TrialComponentSummaries"] == []


def test_an_algorithm_resource_must_exist(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, image=None, AlgorithmSpecification={"AlgorithmName": "missing"})
    assert error_of(err) == ("ValidationException",
                             f"Algorithm arn:aws:sagemaker:{REGION}:{ACCOUNT}:algorithm/missing does not exist.")
    sagemaker_client.create_algorithm(AlgorithmName="mine", TrainingSpecification={
        "TrainingImage": IMAGE, "SupportedTrainingInstanceTypes": ["ml.m5.xlarge"],
        "TrainingChannels": [{"Name": "train", "SupportedContentTypes": ["text/csv"],
                              "SupportedInputModes": ["File"]}],
        "MetricDefinitions": [{"Name": "loss", "Regex": "loss=(.*)"}]})
    create(sagemaker_client, image=None, metrics=(), AlgorithmSpecification={"AlgorithmName": "mine"})
    assert describe(sagemaker_client)["AlgorithmSpecification"]["AlgorithmName"] == "mine"


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"StoppingCondition": {"MaxRuntimeInSeconds": 28 * 86400 + 1}}, "maximum"),
    ({"EnableManagedSpotTraining": True, "StoppingCondition": {"MaxRuntimeInSeconds": 600,
                                                               "MaxWaitTimeInSeconds": 300}},
     "must be equal to or greater than MaxRuntimeInSeconds"),
    ({"InputDataConfig": [{"ChannelName": "a", "DataSource": {"S3DataSource": {
        "S3DataType": "AugmentedManifestFile", "S3Uri": TRAIN}}}]}, "input mode is Pipe"),
    ({"InputDataConfig": [{"ChannelName": "a", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                               "S3Uri": TRAIN}}}] * 2},
     "Channel names must be unique"),
    ({"Tags": [{"Key": "aws:x", "Value": "1"}]}, "reserved"),
    ({"StoppingCondition": {"MaxRuntimeInSeconds": 600, "MaxWaitTimeInSeconds": 900}},
     "Invalid MaxWaitTimeInSeconds. It is only supported when EnableManagedSpotTraining is set to true"),
    ({"ExperimentConfig": {"TrialName": "nope"}}, "does not exist"),
])
def test_refused_requests_create_nothing(sagemaker_client, kwargs, fragment):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, **kwargs)
    assert fragment in error_of(err)[1]
    assert names(sagemaker_client) == []
    assert sagemaker_client.list_trial_components()["TrialComponentSummaries"] == []
    assert sagemaker_client.list_artifacts()["ArtifactSummaries"] == []


def test_a_missing_trial_is_resource_not_found(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, ExperimentConfig={"TrialName": "nope"})
    assert error_of(err)[0] == "ResourceNotFound"


# -- lifecycle ------------------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads")
def test_each_read_sees_the_next_secondary_status(sagemaker_client):
    create(sagemaker_client)
    seen = [describe(sagemaker_client) for _ in range(6)]
    assert [(job["TrainingJobStatus"], job["SecondaryStatus"]) for job in seen] == [
        ("InProgress", "Starting"), ("InProgress", "Downloading"), ("InProgress", "Training"),
        ("InProgress", "Uploading"), ("Completed", "Completed"), ("Completed", "Completed")]
    assert "TrainingStartTime" not in seen[0] and "TrainingStartTime" in seen[1]
    assert "TrainingEndTime" not in seen[3] and "TrainingEndTime" in seen[4]
    assert len(seen[0]["SecondaryStatusTransitions"]) == 1 and "EndTime" not in seen[0]["SecondaryStatusTransitions"][0]
    assert "EndTime" in seen[1]["SecondaryStatusTransitions"][0]
    component = sagemaker_client.describe_trial_component(TrialComponentName="job-aws-training-job")
    assert component["Status"]["PrimaryStatus"] == "Completed"


@pytest.mark.sagemock(transitions="seconds", transition_seconds=60)
def test_training_time_as_the_clock_moves(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-05-01 08:00:00"):
        create(sagemaker_client)
        for _ in range(4):  # the lifecycle stamps each step when a read sees it
            sagemaker_mock.advance(60)
            job = describe(sagemaker_client)
    assert job["TrainingJobStatus"] == "Completed"
    assert job["TrainingStartTime"] == dt.datetime(2024, 5, 1, 8, 1, tzinfo=UTC)
    assert job["TrainingEndTime"] == job["LastModifiedTime"] == dt.datetime(2024, 5, 1, 8, 4, tzinfo=UTC)
    assert job["TrainingTimeInSeconds"] == job["BillableTimeInSeconds"] == 180


@pytest.mark.sagemock(transitions="reads")
def test_stop_a_running_job(sagemaker_client):
    create(sagemaker_client)
    describe(sagemaker_client)
    sagemaker_client.stop_training_job(TrainingJobName="job")
    stopping = describe(sagemaker_client)
    assert (stopping["TrainingJobStatus"], stopping["SecondaryStatus"]) == ("Stopping", "Stopping")
    job = describe(sagemaker_client)
    assert (job["TrainingJobStatus"], job["SecondaryStatus"]) == ("Stopped", "Stopped")
    assert [t["Status"] for t in job["SecondaryStatusTransitions"]][-2:] == ["Stopping", "Stopped"]
    component = sagemaker_client.describe_trial_component(TrialComponentName="job-aws-training-job")
    assert component["Status"]["PrimaryStatus"] == "Stopped"


def test_stop_refuses_a_job_that_is_not_in_progress(sagemaker_client):
    create(sagemaker_client)
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.stop_training_job(TrainingJobName="job")
    assert error_of(err) == ("ValidationException",
                             "The request was rejected because the training job is in status Completed.")
    assert describe(sagemaker_client)["LastModifiedTime"] == before["LastModifiedTime"]


def test_fail_next_ends_in_failed_with_the_reason(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("training-job", reason="AlgorithmError: out of memory", name="doomed")
    create(sagemaker_client, name="fine")
    create(sagemaker_client, name="doomed")
    job = describe(sagemaker_client, "doomed")
    assert (job["TrainingJobStatus"], job["SecondaryStatus"]) == ("Failed", "Failed")
    assert job["FailureReason"] == "AlgorithmError: out of memory"
    assert [t["Status"] for t in job["SecondaryStatusTransitions"]] == ["Starting", "Downloading", "Training",
                                                                          "Failed"]
    assert describe(sagemaker_client, "fine")["TrainingJobStatus"] == "Completed"
    component = sagemaker_client.describe_trial_component(TrialComponentName="doomed-aws-training-job")
    assert component["Status"]["PrimaryStatus"] == "Failed"
    assert component["OutputArtifacts"] == {}  # no model was produced
    assert sagemaker_client.list_artifacts(ArtifactType="Model")["ArtifactSummaries"][0]["Source"]["SourceUri"] == (
        f"{OUTPUT}/fine/output/model.tar.gz")


def test_waiter_passes_without_sleeping(sagemaker_client):
    create(sagemaker_client)
    started = time.monotonic()
    sagemaker_client.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName="job")
    assert time.monotonic() - started < 1


# -- ListTrainingJobs -----------------------------------------------------------------------------

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
    assert names(sagemaker_client, CreationTimeBefore=dt.datetime(2024, 1, 1, 0, 0, 30, tzinfo=UTC)) == ["b-job"]
    first = sagemaker_client.list_training_jobs(MaxResults=2)
    assert [s["TrainingJobName"] for s in first["TrainingJobSummaries"]] == ["b-job", "a-job"]
    rest = sagemaker_client.list_training_jobs(MaxResults=2, NextToken=first["NextToken"])
    assert [s["TrainingJobName"] for s in rest["TrainingJobSummaries"]] == ["c-other"] and "NextToken" not in rest
    # "the MaxResults number of training jobs are first retrieved ignoring the StatusEquals parameter"
    assert names(sagemaker_client, MaxResults=2, StatusEquals="Failed") == []
    summary = sagemaker_client.list_training_jobs()["TrainingJobSummaries"][0]
    assert set(summary) == {"TrainingJobName", "TrainingJobArn", "CreationTime", "TrainingEndTime",
                            "LastModifiedTime", "TrainingJobStatus"} | declared("TrainingJobSummary", "SecondaryStatus")


def test_warm_pool_filter_and_update(sagemaker_client):
    create(sagemaker_client, name="warm", ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                                                          "VolumeSizeInGB": 10, "KeepAlivePeriodInSeconds": 600})
    create(sagemaker_client, name="cold")
    assert describe(sagemaker_client, "warm")["WarmPoolStatus"]["Status"] == "Available"
    assert names(sagemaker_client, WarmPoolStatusEquals="Available") == ["warm"]
    sagemaker_client.update_training_job(TrainingJobName="warm", ResourceConfig={"KeepAlivePeriodInSeconds": 0})
    job = describe(sagemaker_client, "warm")
    assert job["WarmPoolStatus"]["Status"] == "Terminated" and job["ResourceConfig"]["KeepAlivePeriodInSeconds"] == 0
    with pytest.raises(ClientError) as err:  # no warm pool to update any more
        sagemaker_client.update_training_job(TrainingJobName="cold", ResourceConfig={"KeepAlivePeriodInSeconds": 60})
    assert error_of(err)[0] == "ValidationException"
    assert "KeepAlivePeriodInSeconds" not in describe(sagemaker_client, "cold")["ResourceConfig"]


# -- DeleteTrainingJob ----------------------------------------------------------------------------

@requires_delete
def test_delete_a_finished_job_frees_its_name(sagemaker_client):
    sagemaker_client.create_experiment(ExperimentName="exp")
    sagemaker_client.create_trial(TrialName="trial", ExperimentName="exp")
    arn = create(sagemaker_client, ExperimentConfig={"ExperimentName": "exp", "TrialName": "trial"},
                 Tags=[{"Key": "team", "Value": "ml"}])
    assert describe(sagemaker_client)["TrainingJobStatus"] == "Completed"
    assert sagemaker_client.delete_training_job(TrainingJobName="job")["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as err:
        describe(sagemaker_client)
    assert error_of(err) == ("ValidationException", "Requested resource not found.")
    assert names(sagemaker_client) == []
    found = sagemaker_client.search(Resource="TrainingJob")["Results"]
    assert found == []
    with pytest.raises(ClientError):
        sagemaker_client.list_tags(ResourceArn=arn)

    # "After deleting the job, you can reuse its name to create another training job."
    again = create(sagemaker_client, HyperParameters={"lr": "0.2"})
    assert again == arn and describe(sagemaker_client)["HyperParameters"] == {"lr": "0.2"}
    component = sagemaker_client.describe_trial_component(TrialComponentName="job-aws-training-job")
    assert component["Parameters"]["lr"] == {"NumberValue": 0.2}
    assert sagemaker_client.list_trial_components(TrialName="trial")["TrialComponentSummaries"] == []


@requires_delete
@pytest.mark.sagemock(transitions="reads")
def test_delete_refuses_a_job_in_progress_or_stopping(sagemaker_client):
    create(sagemaker_client)
    for expected in ("InProgress", "Stopping"):
        with pytest.raises(ClientError) as err:
            sagemaker_client.delete_training_job(TrainingJobName="job")
        code, message = error_of(err)
        assert code == "ResourceInUse" and f"in status {expected}" in message
        if expected == "InProgress":
            sagemaker_client.stop_training_job(TrainingJobName="job")
    assert [describe(sagemaker_client)["TrainingJobStatus"] for _ in range(2)] == ["Stopping", "Stopped"]
    sagemaker_client.delete_training_job(TrainingJobName="job")
    assert names(sagemaker_client) == []


@requires_delete
def test_delete_refuses_a_job_that_keeps_an_available_warm_pool(sagemaker_client):
    create(sagemaker_client, ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                                             "VolumeSizeInGB": 10, "KeepAlivePeriodInSeconds": 600})
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_training_job(TrainingJobName="job")
    assert error_of(err)[0] == "ResourceInUse" and "warm pool" in error_of(err)[1]
    assert names(sagemaker_client) == ["job"]
    sagemaker_client.update_training_job(TrainingJobName="job", ResourceConfig={"KeepAlivePeriodInSeconds": 0})
    sagemaker_client.delete_training_job(TrainingJobName="job")
    assert names(sagemaker_client) == []


# -- UpdateTrainingJob ----------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads")
def test_update_profiler_while_in_progress_only(sagemaker_client):
    create(sagemaker_client, ProfilerConfig={"S3OutputPath": "s3://bucket/profile"})
    assert describe(sagemaker_client)["ProfilingStatus"] == "Enabled"
    sagemaker_client.update_training_job(
        TrainingJobName="job", ProfilerConfig={"DisableProfiler": True},
        ProfilerRuleConfigurations=[{"RuleConfigurationName": "cpu", "RuleEvaluatorImage": IMAGE}])
    job = describe(sagemaker_client)
    assert job["ProfilerConfig"] == {"S3OutputPath": "s3://bucket/profile", "DisableProfiler": True}
    assert job["ProfilingStatus"] == "Disabled"
    assert job["ProfilerRuleEvaluationStatuses"][0]["RuleConfigurationName"] == "cpu"
    for _ in range(4):
        job = describe(sagemaker_client)
    assert job["TrainingJobStatus"] == "Completed"
    assert job["ProfilerRuleEvaluationStatuses"][0]["RuleEvaluationStatus"] == "NoIssuesFound"
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_training_job(TrainingJobName="job", ProfilerConfig={"DisableProfiler": False})
    assert error_of(err) == ("ValidationException",
                             "The request was rejected because the training job is in status Completed.")
    assert describe(sagemaker_client)["ProfilingStatus"] == "Disabled"


def test_update_of_a_missing_job_or_of_nothing(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_training_job(TrainingJobName="nothing", ProfilerConfig={"DisableProfiler": True})
    assert error_of(err) == ("ValidationException", "Requested resource not found.")
    create(sagemaker_client)
    before = sagemaker_client.describe_training_job(TrainingJobName="job")
    before.pop("ResponseMetadata")
    # An update that names nothing: AWS documents no refusal (only the SageMaker SDK refuses it,
    # on the client), so it answers the ARN and changes nothing.
    answer = sagemaker_client.update_training_job(TrainingJobName="job")
    assert answer["TrainingJobArn"] == before["TrainingJobArn"]
    after = sagemaker_client.describe_training_job(TrainingJobName="job")
    after.pop("ResponseMetadata")
    assert after == before


def test_a_component_of_the_jobs_name_that_is_not_its_own_is_left_alone(sagemaker_client):
    """AWS documents no refusal when `<job>-aws-training-job` is taken: the job runs, the component stays."""
    sagemaker_client.create_trial_component(TrialComponentName="job-aws-training-job", DisplayName="mine")
    create(sagemaker_client)
    assert sagemaker_client.describe_training_job(TrainingJobName="job")["TrainingJobStatus"] == "Completed"
    component = sagemaker_client.describe_trial_component(TrialComponentName="job-aws-training-job")
    assert component["DisplayName"] == "mine" and "Source" not in component and "Status" not in component


# -- what SageMaker creates alongside -------------------------------------------------------------

def test_trial_component_with_parameters_artifacts_and_trial(sagemaker_client):
    sagemaker_client.create_experiment(ExperimentName="exp")
    sagemaker_client.create_trial(TrialName="trial", ExperimentName="exp")
    arn = create(sagemaker_client, HyperParameters={"lr": "0.1", "optimizer": "adam"},
                 ExperimentConfig={"ExperimentName": "exp", "TrialName": "trial"})
    component = sagemaker_client.describe_trial_component(TrialComponentName="job-aws-training-job")
    assert component["TrialComponentArn"] == COMPONENT_ARN + "job-aws-training-job"
    assert component["Source"] == {"SourceArn": arn, "SourceType": "SageMakerTrainingJob"}
    assert component["Parameters"] == {
        "lr": {"NumberValue": 0.1}, "optimizer": {"StringValue": "adam"},
        "SageMaker.ImageUri": {"StringValue": IMAGE}, "SageMaker.InstanceCount": {"NumberValue": 1.0},
        "SageMaker.InstanceType": {"StringValue": "ml.m5.xlarge"}}
    assert component["InputArtifacts"] == {"SageMaker.ImageUri": {"Value": IMAGE},
                                           "train": {"Value": TRAIN, "MediaType": "text/csv"}}
    assert component["OutputArtifacts"] == {
        "SageMaker.ModelArtifact": {"Value": f"{OUTPUT}/job/output/model.tar.gz"}}
    in_trial = sagemaker_client.list_trial_components(TrialName="trial")["TrialComponentSummaries"]
    assert [c["TrialComponentName"] for c in in_trial] == ["job-aws-training-job"]
    found = sagemaker_client.list_trial_components(SourceArn=arn)["TrialComponentSummaries"]
    assert [c["TrialComponentName"] for c in found] == ["job-aws-training-job"]


def test_lineage_from_the_data_to_the_model(sagemaker_client):
    create(sagemaker_client, name="one")
    create(sagemaker_client, name="two")  # the same data and image: the artifacts are reused
    artifacts = sagemaker_client.list_artifacts()["ArtifactSummaries"]
    by_type = sorted((a["ArtifactType"], a["Source"]["SourceUri"]) for a in artifacts)
    assert by_type == [("DataSet", TRAIN), ("Image", IMAGE), ("Model", f"{OUTPUT}/one/output/model.tar.gz"),
                       ("Model", f"{OUTPUT}/two/output/model.tar.gz")]
    dataset = next(a["ArtifactArn"] for a in artifacts if a["ArtifactType"] == "DataSet")
    walk = sagemaker_client.query_lineage(StartArns=[dataset], Direction="Descendants", IncludeEdges=True)
    assert sorted(v["Type"] for v in walk["Vertices"]) == ["Model", "Model", "TrainingJob", "TrainingJob"]
    edges = {(e["SourceArn"], e["AssociationType"]) for e in walk["Edges"]}
    assert (dataset, "ContributedTo") in edges
    assert (COMPONENT_ARN + "one-aws-training-job", "Produced") in edges


# -- final metrics and Search ---------------------------------------------------------------------

def test_final_metrics_are_described_mirrored_and_searchable(sagemaker_client, sagemaker_mock):
    low = create(sagemaker_client, name="low", HyperParameters={"lr": "0.5"}, Tags=[{"Key": "team", "Value": "a"}])
    high = create(sagemaker_client, name="high", HyperParameters={"lr": "0.01"},
                  Tags=[{"Key": "team", "Value": "b"}])
    put_metrics(sagemaker_mock, low, {"accuracy": 0.7})
    put_metrics(sagemaker_mock, high, {"accuracy": 0.95})
    job = describe(sagemaker_client, "high")
    assert [(m["MetricName"], m["Value"]) for m in job["FinalMetricDataList"]] == [("accuracy", 0.95)]
    component = sagemaker_client.describe_trial_component(TrialComponentName="high-aws-training-job")
    assert component["Metrics"][0]["MetricName"] == "accuracy" and component["Metrics"][0]["Last"] == 0.95

    def found(*filters):
        results = sagemaker_client.search(Resource="TrainingJob", SearchExpression={"Filters": list(filters)})
        return [r["TrainingJob"]["TrainingJobName"] for r in results["Results"]]

    assert found({"Name": "Metrics.accuracy", "Operator": "GreaterThan", "Value": "0.9"}) == ["high"]
    assert found({"Name": "HyperParameters.lr", "Operator": "LessThan", "Value": "0.1"}) == ["high"]
    assert found({"Name": "Tags.team", "Value": "a"}) == ["low"]
    assert found({"Name": "TrainingJobStatus", "Value": "Completed"}) == ["high", "low"]
    assert found({"Name": "InputDataConfig.DataSource.S3DataSource.S3Uri", "Value": TRAIN}) == ["high", "low"]
    record = sagemaker_client.search(Resource="TrainingJob", SearchExpression={"Filters": [
        {"Name": "TrainingJobName", "Value": "low"}]})["Results"][0]["TrainingJob"]
    assert record["Tags"] == [{"Key": "team", "Value": "a"}] and record["HyperParameters"] == {"lr": "0.5"}


def test_metrics_must_be_declared_unless_none_are(sagemaker_client, sagemaker_mock):
    declared = create(sagemaker_client, name="declared")
    with pytest.raises(ValueError, match="no metric definition for loss"):
        put_metrics(sagemaker_mock, declared, {"loss": 0.1})
    assert "FinalMetricDataList" not in describe(sagemaker_client, "declared")
    builtin = create(sagemaker_client, name="builtin", metrics=())
    put_metrics(sagemaker_mock, builtin, {"validation:rmse": 1.5})
    assert describe(sagemaker_client, "builtin")["FinalMetricDataList"][0]["MetricName"] == "validation:rmse"


@pytest.mark.sagemock(transitions="seconds", transition_seconds=10)
def test_seconds_mode_stamps_each_step_when_it_fell_due(sagemaker_client, sagemaker_mock):
    """Read once, long after the job finished: its times are the clock's, not the read's."""
    create(sagemaker_client)
    sagemaker_mock.advance(3600)
    job = sagemaker_client.describe_training_job(TrainingJobName="job")
    assert job["TrainingJobStatus"] == "Completed"
    assert job["TrainingTimeInSeconds"] > 0
    assert job["TrainingEndTime"] > job["TrainingStartTime"]
    assert job["TrainingEndTime"] - job["CreationTime"] < dt.timedelta(seconds=3600)


def test_the_checkpoint_location_is_tracked_with_the_inputs(sagemaker_client):
    create(sagemaker_client, CheckpointConfig={"S3Uri": "s3://bucket/ckpt"})
    tracked = {a["Source"]["SourceUri"] for a in sagemaker_client.list_artifacts(MaxResults=100)["ArtifactSummaries"]}
    assert "s3://bucket/ckpt" in tracked


def test_final_metrics_are_for_training_jobs_only(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_experiment(ExperimentName="e")
    arn = sagemaker_client.describe_experiment(ExperimentName="e")["ExperimentArn"]
    with pytest.raises(ValueError, match="not a training job"):
        sagemaker_mock.put_training_metrics(arn, {"accuracy": 1.0})


def test_output_kms_key_is_empty_when_none_was_given(sagemaker_client):
    """DescribeTrainingJob answers `OutputDataConfig.KmsKeyId` as "" when the job was created without one
    (real transcripts; the SageMaker SDK's `Estimator.attach` reads it unconditionally)."""
    create(sagemaker_client)
    assert sagemaker_client.describe_training_job(TrainingJobName="job")["OutputDataConfig"]["KmsKeyId"] == ""
    create(sagemaker_client, name="keyed", OutputDataConfig={"S3OutputPath": "s3://bucket/out", "KmsKeyId": "alias/k"})
    assert sagemaker_client.describe_training_job(TrainingJobName="keyed")["OutputDataConfig"] == {
        "S3OutputPath": "s3://bucket/out", "KmsKeyId": "alias/k"}
