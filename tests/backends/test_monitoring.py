"""Model monitoring through boto3 as a user drives it: job definitions, schedules, executions, alerts."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/monitoring"
ANALYZER = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
SCHEDULE_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:monitoring-schedule/"
UTC = dt.timezone.utc
CAPTURE = "s3://monitoring/capture"
REPORTS = "s3://monitoring/reports"
ENDPOINT_INPUT = {"EndpointName": "churn", "LocalPath": "/opt/ml/processing/input/endpoint"}
OUTPUT = {"MonitoringOutputs": [{"S3Output": {"S3Uri": REPORTS, "LocalPath": "/opt/ml/processing/output"}}]}
RESOURCES = {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}}
HOURLY = "cron(0 * ? * * *)"


def endpoint(client, name="churn", capture=True):
    """A model deployed to an endpoint that captures its traffic (or does not)."""
    client.create_model(ModelName=name, ExecutionRoleArn=ROLE,
                        PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/churn:1"})
    config = {"EndpointConfigName": name, "ProductionVariants": [{
        "VariantName": "AllTraffic", "ModelName": name, "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}]}
    if capture:
        config["DataCaptureConfig"] = {"EnableCapture": True, "InitialSamplingPercentage": 100,
                                       "DestinationS3Uri": CAPTURE,
                                       "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]}
    client.create_endpoint_config(**config)
    client.create_endpoint(EndpointName=name, EndpointConfigName=name)


def data_quality(client, name="churn-quality", endpoint_name="churn", **extra):
    request = {"JobDefinitionName": name, "DataQualityAppSpecification": {"ImageUri": ANALYZER},
               "DataQualityJobInput": {"EndpointInput": {**ENDPOINT_INPUT, "EndpointName": endpoint_name}},
               "DataQualityJobOutputConfig": OUTPUT, "JobResources": RESOURCES, "RoleArn": ROLE, **extra}
    return client.create_data_quality_job_definition(**request)["JobDefinitionArn"]


def named(definition="churn-quality", expression=HOURLY, monitoring_type="DataQuality", **schedule):
    config = {"MonitoringJobDefinitionName": definition, "MonitoringType": monitoring_type}
    if expression is not None:
        config["ScheduleConfig"] = {"ScheduleExpression": expression, **schedule}
    return config


def inline(endpoint_name="churn", expression=HOURLY, runtime=None):
    definition = {"MonitoringInputs": [{"EndpointInput": {**ENDPOINT_INPUT, "EndpointName": endpoint_name}}],
                  "MonitoringOutputConfig": OUTPUT, "MonitoringResources": RESOURCES,
                  "MonitoringAppSpecification": {"ImageUri": ANALYZER}, "RoleArn": ROLE}
    if runtime is not None:
        definition["StoppingCondition"] = {"MaxRuntimeInSeconds": runtime}
    return {"ScheduleConfig": {"ScheduleExpression": expression}, "MonitoringJobDefinition": definition}


def schedule(client, name="churn-monitor", config=None, **extra):
    return client.create_monitoring_schedule(MonitoringScheduleName=name, MonitoringScheduleConfig=config or named(),
                                             **extra)["MonitoringScheduleArn"]


def monitored(client, **config):
    """An endpoint, a data quality definition of it and an hourly schedule running the definition."""
    endpoint(client)
    data_quality(client)
    return schedule(client, config=named(**config))


def describe(client, name="churn-monitor"):
    return client.describe_monitoring_schedule(MonitoringScheduleName=name)


def executions(client, **filters):
    return client.list_monitoring_executions(**filters)["MonitoringExecutionSummaries"]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


# -- job definitions --------------------------------------------------------------------------------

def test_each_kind_of_job_definition_is_described_as_created(sagemaker_client):
    endpoint(sagemaker_client)
    with freeze_time("2024-05-01 08:00:00"):
        arn = data_quality(sagemaker_client, StoppingCondition={"MaxRuntimeInSeconds": 1800})
        sagemaker_client.create_model_bias_job_definition(
            JobDefinitionName="churn-bias",
            ModelBiasAppSpecification={"ImageUri": ANALYZER, "ConfigUri": "s3://monitoring/bias/analysis_config.json"},
            ModelBiasJobInput={"EndpointInput": ENDPOINT_INPUT, "GroundTruthS3Input": {"S3Uri": "s3://monitoring/truth"}},
            ModelBiasJobOutputConfig=OUTPUT, JobResources=RESOURCES, RoleArn=ROLE)
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:data-quality-job-definition/churn-quality"
    described = sagemaker_client.describe_data_quality_job_definition(JobDefinitionName="churn-quality")
    assert described["JobDefinitionArn"] == arn
    assert described["DataQualityJobInput"]["EndpointInput"] == ENDPOINT_INPUT
    assert described["StoppingCondition"] == {"MaxRuntimeInSeconds": 1800}
    assert described["CreationTime"] == dt.datetime(2024, 5, 1, 8, tzinfo=UTC)
    bias = sagemaker_client.describe_model_bias_job_definition(JobDefinitionName="churn-bias")
    assert bias["JobDefinitionArn"].endswith(":model-bias-job-definition/churn-bias")
    # The kinds are separate: the bias definition is not a data quality one.
    with pytest.raises(ClientError) as missing:
        sagemaker_client.describe_data_quality_job_definition(JobDefinitionName="churn-bias")
    assert error_of(missing) == ("ResourceNotFound", "Monitoring Job Definition arn:aws:sagemaker:us-east-1:"
                                 "123456789012:data-quality-job-definition/churn-bias does not exist.")


def test_lists_rename_the_summary_members_and_filter_by_endpoint(sagemaker_client):
    data_quality(sagemaker_client, name="churn-quality", endpoint_name="churn")
    data_quality(sagemaker_client, name="fraud-quality", endpoint_name="fraud")
    sagemaker_client.create_data_quality_job_definition(
        JobDefinitionName="batch-quality", DataQualityAppSpecification={"ImageUri": ANALYZER},
        DataQualityJobInput={"BatchTransformInput": {
            "DataCapturedDestinationS3Uri": "s3://monitoring/batch", "LocalPath": "/opt/ml/processing/input/batch",
            "DatasetFormat": {"Csv": {"Header": True}}}},
        DataQualityJobOutputConfig=OUTPUT, JobResources=RESOURCES, RoleArn=ROLE)
    listed = sagemaker_client.list_data_quality_job_definitions(SortBy="Name", SortOrder="Ascending")
    summaries = listed["JobDefinitionSummaries"]
    assert [(s["MonitoringJobDefinitionName"], s["EndpointName"]) for s in summaries] == [
        ("batch-quality", ""), ("churn-quality", "churn"), ("fraud-quality", "fraud")]
    assert summaries[1]["MonitoringJobDefinitionArn"].endswith(":data-quality-job-definition/churn-quality")
    only = sagemaker_client.list_data_quality_job_definitions(EndpointName="fraud")["JobDefinitionSummaries"]
    assert [s["MonitoringJobDefinitionName"] for s in only] == ["fraud-quality"]
    assert sagemaker_client.list_model_quality_job_definitions()["JobDefinitionSummaries"] == []


def test_a_job_definition_monitors_exactly_one_input(sagemaker_client, sagemaker_mock):
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as neither:
        sagemaker_client.create_data_quality_job_definition(
            JobDefinitionName="empty", DataQualityAppSpecification={"ImageUri": ANALYZER}, DataQualityJobInput={},
            DataQualityJobOutputConfig=OUTPUT, JobResources=RESOURCES, RoleArn=ROLE)
    assert error_of(neither)[0] == "ValidationException"
    assert "exactly one of EndpointInput and BatchTransformInput" in error_of(neither)[1]
    assert sagemaker_mock.snapshot() == before


def test_a_model_quality_job_names_its_inference_attribute(sagemaker_client):
    """AWS's answer, aws/sagemaker-python-sdk#3959."""
    request = {"JobDefinitionName": "churn-model-quality",
               "ModelQualityAppSpecification": {"ImageUri": ANALYZER, "ProblemType": "BinaryClassification"},
               "ModelQualityJobInput": {"EndpointInput": ENDPOINT_INPUT,
                                        "GroundTruthS3Input": {"S3Uri": "s3://monitoring/truth"}},
               "ModelQualityJobOutputConfig": OUTPUT, "JobResources": RESOURCES, "RoleArn": ROLE}
    with pytest.raises(ClientError) as missing:
        sagemaker_client.create_model_quality_job_definition(**request)
    assert error_of(missing) == ("ValidationException", "InvalidParameter: 1 validation error(s) found.\n- missing "
                                 "required field, CreateModelQualityJobDefinitionInput.ModelQualityJobInputs."
                                 "EndpointInput.InferenceAttribute.\n")
    request["ModelQualityJobInput"]["EndpointInput"] = {**ENDPOINT_INPUT, "InferenceAttribute": "0"}
    sagemaker_client.create_model_quality_job_definition(**request)


def test_a_definition_a_schedule_runs_cannot_be_deleted_until_the_schedule_is(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as locked:
        sagemaker_client.delete_data_quality_job_definition(JobDefinitionName="churn-quality")
    code, message = error_of(locked)
    assert code == "ValidationException" and arn in message
    assert sagemaker_mock.snapshot() == before
    sagemaker_client.delete_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    sagemaker_client.delete_data_quality_job_definition(JobDefinitionName="churn-quality")
    assert sagemaker_client.list_data_quality_job_definitions()["JobDefinitionSummaries"] == []


# -- schedules --------------------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads")
def test_a_new_schedule_is_pending_then_scheduled(sagemaker_client):
    arn = monitored(sagemaker_client)
    assert arn == SCHEDULE_ARN + "churn-monitor"
    first, second = describe(sagemaker_client), describe(sagemaker_client)
    assert (first["MonitoringScheduleStatus"], second["MonitoringScheduleStatus"]) == ("Pending", "Scheduled")
    assert second["MonitoringType"] == "DataQuality"
    assert second["EndpointName"] == "churn"
    assert second["MonitoringScheduleConfig"] == named()
    assert "LastMonitoringExecutionSummary" not in second


def test_a_schedule_needs_its_definition_and_its_endpoint(sagemaker_client, sagemaker_mock):
    data_quality(sagemaker_client)  # of the endpoint "churn", which does not exist yet
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as no_endpoint:
        schedule(sagemaker_client)
    assert error_of(no_endpoint) == ("ValidationException",
                                     f'Could not find endpoint "arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/churn".')
    with pytest.raises(ClientError) as no_definition:
        schedule(sagemaker_client, config=named(definition="nothing"))
    assert error_of(no_definition)[1] == (f"Monitoring Job Definition arn:aws:sagemaker:{REGION}:{ACCOUNT}:"
                                          "data-quality-job-definition/nothing does not exist.")
    with pytest.raises(ClientError) as wrong_type:  # the name is a data quality definition's, not a bias one's
        schedule(sagemaker_client, config=named(monitoring_type="ModelBias"))
    assert "model-bias-job-definition/churn-quality does not exist" in error_of(wrong_type)[1]
    with pytest.raises(ClientError) as both:
        schedule(sagemaker_client, config={**inline(), "MonitoringJobDefinitionName": "churn-quality"})
    assert "exactly one of MonitoringJobDefinition and MonitoringJobDefinitionName" in error_of(both)[1]
    assert sagemaker_mock.snapshot() == before


def test_an_inline_job_definition_is_a_data_quality_schedule(sagemaker_client):
    endpoint(sagemaker_client)
    schedule(sagemaker_client, config=inline())
    described = describe(sagemaker_client)
    assert described["MonitoringType"] == "DataQuality"
    assert described["EndpointName"] == "churn"
    summary = sagemaker_client.list_monitoring_schedules()["MonitoringScheduleSummaries"][0]
    assert "MonitoringJobDefinitionName" not in summary
    assert summary["MonitoringType"] == "DataQuality"


@pytest.mark.parametrize(("config", "words"), [
    ({"ScheduleExpression": "Hourly: cron(0 * ? * * *)"}, "Invalid ScheduleExpression"),
    ({"ScheduleExpression": "cron(0 * ?)"}, "six fields"),
    ({"ScheduleExpression": "NOW"}, "DataAnalysisStartTime and DataAnalysisEndTime are required"),
    ({"ScheduleExpression": "NOW", "DataAnalysisStartTime": "-PT30H", "DataAnalysisEndTime": "-PT1H"},
     "by more than 24 hours"),
    ({"ScheduleExpression": "NOW", "DataAnalysisStartTime": "yesterday", "DataAnalysisEndTime": "-PT1H"},
     "Invalid DataAnalysisStartTime"),
])
def test_schedule_expressions_and_analysis_windows(sagemaker_client, config, words):
    endpoint(sagemaker_client)
    data_quality(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        schedule(sagemaker_client, config={**named(expression=None), "ScheduleConfig": config})
    assert error_of(refused)[0] == "ValidationException"
    assert words in error_of(refused)[1]


def test_the_runtime_cannot_exceed_the_frequency_of_the_job(sagemaker_client):
    endpoint(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        schedule(sagemaker_client, config=inline(runtime=7200))
    assert error_of(refused) == ("ValidationException", "The MaxRuntimeInSeconds (7200) cannot exceed the frequency of "
                                 "the job (3600 seconds for cron(0 * ? * * *)).")
    schedule(sagemaker_client, "every-two-hours", config=inline(expression="cron(0 0/2 ? * * *)", runtime=7200))
    schedule(sagemaker_client, "every-twelve-hours", config=inline(expression="cron(0 17/12 ? * * *)", runtime=7200))


def test_a_schedule_without_a_schedule_config_runs_daily(sagemaker_client):
    """"If you would like a daily schedule, you do not provide this parameter. Amazon SageMaker AI will
    pick a time for running every day": sagemock picks the hour of creation."""
    endpoint(sagemaker_client)
    data_quality(sagemaker_client)
    with freeze_time("2024-05-01 08:25:00"):
        schedule(sagemaker_client, config=named(expression=None))
    assert describe(sagemaker_client)["MonitoringScheduleConfig"]["ScheduleConfig"] == {
        "ScheduleExpression": "cron(0 8 ? * * *)"}


def test_stop_start_and_update(sagemaker_client):
    monitored(sagemaker_client)
    sagemaker_client.stop_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    assert describe(sagemaker_client)["MonitoringScheduleStatus"] == "Stopped"
    sagemaker_client.start_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    assert describe(sagemaker_client)["MonitoringScheduleStatus"] == "Scheduled"
    data_quality(sagemaker_client, name="churn-quality-2")
    with freeze_time("2024-05-02 10:00:00"):
        answer = sagemaker_client.update_monitoring_schedule(
            MonitoringScheduleName="churn-monitor", MonitoringScheduleConfig=named("churn-quality-2", "cron(0 12 ? * * *)"))
    assert answer["MonitoringScheduleArn"] == SCHEDULE_ARN + "churn-monitor"
    described = describe(sagemaker_client)
    assert described["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] == "churn-quality-2"
    assert described["MonitoringScheduleStatus"] == "Scheduled"
    assert described["LastModifiedTime"] == dt.datetime(2024, 5, 2, 10, tzinfo=UTC)
    # The first definition is no longer run, so it can go.
    sagemaker_client.delete_data_quality_job_definition(JobDefinitionName="churn-quality")


def test_an_update_is_checked_as_a_create_is(sagemaker_client, sagemaker_mock):
    monitored(sagemaker_client)
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_monitoring_schedule(MonitoringScheduleName="churn-monitor",
                                                    MonitoringScheduleConfig=named("nothing"))
    assert "data-quality-job-definition/nothing does not exist" in error_of(refused)[1]
    assert sagemaker_mock.snapshot() == before


def test_a_pending_schedule_is_neither_updated_nor_deleted(sagemaker_client, sagemaker_mock):
    """AWS: "ValidationException ... DeleteMonitoringSchedule operation: Monitoring schedule in status Pending"."""
    arn = monitored(sagemaker_client)
    sagemaker_mock.set_status(arn, "Pending")
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as deleting:
        sagemaker_client.delete_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    assert error_of(deleting) == ("ValidationException", "Monitoring schedule in status Pending")
    with pytest.raises(ClientError) as updating:
        sagemaker_client.update_monitoring_schedule(MonitoringScheduleName="churn-monitor",
                                                    MonitoringScheduleConfig=named())
    assert error_of(updating) == ("ValidationException", "Monitoring schedule in status Pending")
    assert sagemaker_mock.snapshot() == before
    sagemaker_mock.set_status(arn, "Failed")
    sagemaker_client.delete_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    with pytest.raises(ClientError) as gone:
        describe(sagemaker_client)
    assert error_of(gone) == ("ResourceNotFound", f"Monitoring Schedule {arn} does not exist.")


def test_a_schedule_whose_execution_runs_is_neither_updated_nor_deleted(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    job = sagemaker_mock.run_monitoring_schedule(arn)
    sagemaker_mock.set_status(job, "InProgress")
    with pytest.raises(ClientError) as deleting:
        sagemaker_client.delete_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    assert error_of(deleting)[1] == f"Monitoring schedule {arn} cannot be deleted while its monitoring execution " \
                                    f"{job} is InProgress."
    sagemaker_mock.set_status(job, "Completed")
    sagemaker_client.delete_monitoring_schedule(MonitoringScheduleName="churn-monitor")


def test_list_schedules_filters(sagemaker_client, sagemaker_mock):
    monitored(sagemaker_client)
    endpoint(sagemaker_client, "fraud")
    data_quality(sagemaker_client, "fraud-quality", endpoint_name="fraud")
    stopped = schedule(sagemaker_client, "fraud-monitor", config=named("fraud-quality"))
    sagemaker_client.stop_monitoring_schedule(MonitoringScheduleName="fraud-monitor")

    def listed(**filters):
        return [s["MonitoringScheduleName"] for s in
                sagemaker_client.list_monitoring_schedules(**filters)["MonitoringScheduleSummaries"]]

    assert sorted(listed()) == ["churn-monitor", "fraud-monitor"]
    assert listed(EndpointName="fraud") == ["fraud-monitor"]
    assert listed(MonitoringJobDefinitionName="churn-quality") == ["churn-monitor"]
    assert listed(StatusEquals="Stopped") == ["fraud-monitor"]
    assert listed(MonitoringTypeEquals="ModelQuality") == []
    assert listed(SortBy="Status", SortOrder="Ascending") == ["churn-monitor", "fraud-monitor"]
    summary = sagemaker_client.list_monitoring_schedules(EndpointName="fraud")["MonitoringScheduleSummaries"][0]
    assert summary["MonitoringScheduleArn"] == stopped
    assert summary["MonitoringJobDefinitionName"] == "fraud-quality"


# -- executions -------------------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="seconds")
def test_runs_fall_due_on_the_mock_clock(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-05-01 08:25:00") as clock:
        arn = monitored(sagemaker_client)
        clock.tick(dt.timedelta(seconds=5))
        assert describe(sagemaker_client)["MonitoringScheduleStatus"] == "Scheduled"
        assert executions(sagemaker_client) == []
        clock.tick(dt.timedelta(hours=3))  # 11:25: the runs of 09:00, 10:00 and 11:00 are due
        found = executions(sagemaker_client, MonitoringScheduleName="churn-monitor", SortBy="ScheduledTime",
                           SortOrder="Ascending")
        assert [e["ScheduledTime"].hour for e in found] == [9, 10, 11]
        assert {e["MonitoringExecutionStatus"] for e in found} == {"Completed"}  # each took its second
        assert {e["EndpointName"] for e in found} == {"churn"}
        assert {e["MonitoringJobDefinitionName"] for e in found} == {"churn-quality"}
        job = sagemaker_client.describe_processing_job(ProcessingJobName=found[-1]["ProcessingJobArn"].rsplit("/")[-1])
        assert job["MonitoringScheduleArn"] == arn
        assert job["ProcessingJobName"].startswith("model-monitoring-202405011100-")
        assert job["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] == \
            f"{REPORTS}/churn/churn-monitor/2024/05/01/11"
        assert job["ProcessingInputs"][0]["S3Input"]["S3Uri"] == f"{CAPTURE}/churn"
        assert job["Environment"]["sagemaker_endpoint_name"] == "churn"
        assert (job["Environment"]["start_time"], job["Environment"]["end_time"]) == \
            ("2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z")
        last = describe(sagemaker_client)["LastMonitoringExecutionSummary"]
        assert last["ProcessingJobArn"] == found[-1]["ProcessingJobArn"]
        # A stopped schedule runs nothing; started again, it runs from then on.
        sagemaker_client.stop_monitoring_schedule(MonitoringScheduleName="churn-monitor")
        clock.tick(dt.timedelta(hours=2))
        assert len(executions(sagemaker_client)) == 3
        sagemaker_client.start_monitoring_schedule(MonitoringScheduleName="churn-monitor")
        clock.tick(dt.timedelta(hours=1))
        assert [e["ScheduledTime"].hour for e in executions(sagemaker_client)] == [14, 11, 10, 9]


@pytest.mark.sagemock(transitions="seconds")
def test_a_list_after_quiet_lists_still_runs_what_fell_due_since(sagemaker_client):
    """Lists skip the catch-up of every schedule while nothing changed and no run fell due
    (`monitoring_schedules._QUIET`); once the clock passes a run, the next List runs it."""
    with freeze_time("2024-05-01 08:25:00") as clock:
        monitored(sagemaker_client)
        clock.tick(dt.timedelta(seconds=5))
        for _ in range(2):  # the first catches up every schedule; the second has nothing to do
            assert len(sagemaker_client.list_monitoring_schedules()["MonitoringScheduleSummaries"]) == 1
        assert sagemaker_client.list_processing_jobs()["ProcessingJobSummaries"] == []
        clock.tick(dt.timedelta(hours=1))  # 09:25: the run of 09:00 is due
        sagemaker_client.list_monitoring_schedules()
        [job] = sagemaker_client.list_processing_jobs()["ProcessingJobSummaries"]
        assert job["ProcessingJobName"].startswith("model-monitoring-202405010900-")


@pytest.mark.sagemock(transitions="seconds")
def test_a_schedule_settled_by_another_request_still_runs_when_due(sagemaker_client):
    """A List while the schedule is still Pending keeps no mark (`core.quiet`): another request
    (here deleting an unused definition, which reads every schedule) settles it to Scheduled without
    a write to it, and the run that then falls due is still run by the next List."""
    with freeze_time("2024-05-01 08:25:00") as clock:
        monitored(sagemaker_client)
        data_quality(sagemaker_client, name="spare")
        sagemaker_client.list_monitoring_schedules()  # the schedule is Pending
        clock.tick(dt.timedelta(seconds=5))
        sagemaker_client.delete_data_quality_job_definition(JobDefinitionName="spare")
        clock.tick(dt.timedelta(hours=1))  # 09:25: the run of 09:00 is due
        assert len(executions(sagemaker_client)) == 1


def test_a_now_schedule_runs_once_at_once(sagemaker_client):
    endpoint(sagemaker_client)
    data_quality(sagemaker_client)
    with freeze_time("2024-05-01 08:25:00"):
        schedule(sagemaker_client, config=named(expression="NOW", DataAnalysisStartTime="-PT2H",
                                                DataAnalysisEndTime="-PT1H"))
        [execution] = executions(sagemaker_client)
        assert execution["ScheduledTime"] == dt.datetime(2024, 5, 1, 8, 25, tzinfo=UTC)
        job = sagemaker_client.describe_processing_job(ProcessingJobName=execution["ProcessingJobArn"].rsplit("/")[-1])
        assert (job["Environment"]["start_time"], job["Environment"]["end_time"]) == \
            ("2024-05-01T06:25:00Z", "2024-05-01T07:25:00Z")
    assert len(executions(sagemaker_client)) == 1


def test_executions_outlive_their_schedule_and_follow_their_processing_job(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    assert executions(sagemaker_client) == []  # runs fall due by themselves only in "seconds" mode
    first = sagemaker_mock.run_monitoring_schedule(arn)
    sagemaker_mock.fail_next("processing-job", "ClientError: no permission to read the captured data")
    second = sagemaker_mock.run_monitoring_schedule(arn)
    statuses = {e["ProcessingJobArn"]: e["MonitoringExecutionStatus"] for e in executions(sagemaker_client)}
    assert statuses == {first: "Completed", second: "Failed"}
    last = describe(sagemaker_client)["LastMonitoringExecutionSummary"]
    assert (last["ProcessingJobArn"], last["FailureReason"]) == (
        second, "ClientError: no permission to read the captured data")
    assert [e["ProcessingJobArn"] for e in executions(sagemaker_client, StatusEquals="Failed")] == [second]
    sagemaker_client.delete_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    kept = executions(sagemaker_client, MonitoringScheduleName="churn-monitor")
    assert sorted(e["ProcessingJobArn"] for e in kept) == sorted([first, second])
    assert executions(sagemaker_client, EndpointName="fraud") == []


def test_an_endpoint_that_captures_nothing_gives_its_executions_no_data(sagemaker_client, sagemaker_mock):
    endpoint(sagemaker_client, capture=False)
    data_quality(sagemaker_client)
    arn = schedule(sagemaker_client)
    sagemaker_mock.run_monitoring_schedule(arn)
    [execution] = executions(sagemaker_client)
    assert (execution["MonitoringExecutionStatus"], execution["FailureReason"]) == ("Failed", "Job inputs had no data")


def test_only_a_scheduled_schedule_runs(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    sagemaker_client.stop_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    with pytest.raises(ValueError, match="Stopped"):
        sagemaker_mock.run_monitoring_schedule(arn)


# -- alerts -----------------------------------------------------------------------------------------

def test_each_schedule_has_a_default_alert_that_follows_the_executions(sagemaker_client, sagemaker_mock):
    """"We know each monitoring schedule will have a default alert" (AWS's integration test of the SDK)."""
    with freeze_time("2024-05-01 08:00:00"):
        arn = monitored(sagemaker_client)
    [alert] = sagemaker_client.list_monitoring_alerts(MonitoringScheduleName="churn-monitor")["MonitoringAlertSummaries"]
    assert alert == {"MonitoringAlertName": "data-quality-alert", "AlertStatus": "OK", "DatapointsToAlert": 1,
                     "EvaluationPeriod": 1, "Actions": {"ModelDashboardIndicator": {"Enabled": True}},
                     "CreationTime": dt.datetime(2024, 5, 1, 8, tzinfo=UTC),
                     "LastModifiedTime": dt.datetime(2024, 5, 1, 8, tzinfo=UTC)}
    sagemaker_client.update_monitoring_alert(MonitoringScheduleName="churn-monitor",
                                             MonitoringAlertName="data-quality-alert", DatapointsToAlert=2,
                                             EvaluationPeriod=3)
    for outcome in ("fail", "ok", "fail", "ok", "ok", "ok"):
        if outcome == "fail":
            sagemaker_mock.fail_next("processing-job", "planned")
        sagemaker_mock.run_monitoring_schedule(arn)
    # Two failures among the last three executions raise the alert; fewer clear it.
    history = sagemaker_client.list_monitoring_alert_history(MonitoringScheduleName="churn-monitor",
                                                              SortOrder="Ascending")["MonitoringAlertHistory"]
    assert [(h["MonitoringAlertName"], h["AlertStatus"]) for h in history] == [
        ("data-quality-alert", "InAlert"), ("data-quality-alert", "OK")]
    assert [h["AlertStatus"] for h in sagemaker_client.list_monitoring_alert_history(
        StatusEquals="InAlert")["MonitoringAlertHistory"]] == ["InAlert"]
    # Looser criteria: one failure among the last six is enough, evaluated at once.
    answer = sagemaker_client.update_monitoring_alert(MonitoringScheduleName="churn-monitor",
                                                      MonitoringAlertName="data-quality-alert",
                                                      DatapointsToAlert=1, EvaluationPeriod=6)
    assert answer == {"MonitoringScheduleArn": arn, "MonitoringAlertName": "data-quality-alert",
                      "ResponseMetadata": answer["ResponseMetadata"]}
    [alert] = sagemaker_client.list_monitoring_alerts(MonitoringScheduleName="churn-monitor")["MonitoringAlertSummaries"]
    assert (alert["AlertStatus"], alert["DatapointsToAlert"], alert["EvaluationPeriod"]) == ("InAlert", 1, 6)
    assert len(sagemaker_client.list_monitoring_alert_history()["MonitoringAlertHistory"]) == 3


def test_the_default_alert_is_named_after_the_monitoring_type(sagemaker_client):
    endpoint(sagemaker_client)
    sagemaker_client.create_model_bias_job_definition(
        JobDefinitionName="churn-bias",
        ModelBiasAppSpecification={"ImageUri": ANALYZER, "ConfigUri": "s3://monitoring/bias/analysis_config.json"},
        ModelBiasJobInput={"EndpointInput": ENDPOINT_INPUT, "GroundTruthS3Input": {"S3Uri": "s3://monitoring/truth"}},
        ModelBiasJobOutputConfig=OUTPUT, JobResources=RESOURCES, RoleArn=ROLE)
    schedule(sagemaker_client, "bias-monitor", config=named("churn-bias", monitoring_type="ModelBias"))
    alerts = sagemaker_client.list_monitoring_alerts(MonitoringScheduleName="bias-monitor")["MonitoringAlertSummaries"]
    assert [a["MonitoringAlertName"] for a in alerts] == ["model-bias-alert"]


def test_alerts_of_what_does_not_exist(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    with pytest.raises(ClientError) as no_schedule:
        sagemaker_client.list_monitoring_alerts(MonitoringScheduleName="nothing")
    assert error_of(no_schedule)[0] == "ResourceNotFound"
    with pytest.raises(ClientError) as no_alert:
        sagemaker_client.update_monitoring_alert(MonitoringScheduleName="churn-monitor", MonitoringAlertName="nothing",
                                                 DatapointsToAlert=1, EvaluationPeriod=1)
    assert error_of(no_alert) == ("ResourceNotFound", f"Monitoring alert nothing of monitoring schedule {arn} does "
                                  "not exist.")
    with pytest.raises(ClientError) as no_history:
        sagemaker_client.list_monitoring_alert_history(MonitoringScheduleName="nothing")
    assert error_of(no_history)[0] == "ResourceNotFound"
    with pytest.raises(ValueError, match="not a monitoring schedule ARN"):
        sagemaker_mock.run_monitoring_schedule(arn.replace("monitoring-schedule", "endpoint"))


def test_executions_and_alerts_survive_a_snapshot(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    sagemaker_mock.fail_next("processing-job", "planned")
    sagemaker_mock.run_monitoring_schedule(arn)
    kept = copy.deepcopy(sagemaker_mock.snapshot())
    sagemaker_mock.reset()
    sagemaker_mock.restore(kept)
    assert [e["MonitoringExecutionStatus"] for e in executions(sagemaker_client)] == ["Failed"]
    [alert] = sagemaker_client.list_monitoring_alerts(MonitoringScheduleName="churn-monitor")["MonitoringAlertSummaries"]
    assert alert["AlertStatus"] == "InAlert"
    sagemaker_mock.run_monitoring_schedule(arn)
    assert len(executions(sagemaker_client)) == 2


def test_search_finds_an_endpoint_by_the_schedules_that_monitor_it(sagemaker_client):
    monitored(sagemaker_client)
    endpoint(sagemaker_client, name="unwatched")
    sagemaker_client.add_tags(ResourceArn=describe(sagemaker_client)["MonitoringScheduleArn"],
                              Tags=[{"Key": "team", "Value": "ml"}])
    found = sagemaker_client.search(Resource="Endpoint", SearchExpression={"Filters": [
        {"Name": "MonitoringSchedules.MonitoringScheduleName", "Operator": "Equals", "Value": "churn-monitor"}]})
    records = [result["Endpoint"] for result in found["Results"]]
    assert [record["EndpointName"] for record in records] == ["churn"]
    [watched] = records[0]["MonitoringSchedules"]
    described = describe(sagemaker_client)
    assert watched["MonitoringScheduleArn"] == described["MonitoringScheduleArn"]
    assert watched["MonitoringScheduleStatus"] == described["MonitoringScheduleStatus"]
    assert watched["MonitoringScheduleConfig"] == described["MonitoringScheduleConfig"]
    assert watched["Tags"] == [{"Key": "team", "Value": "ml"}]
    every = sagemaker_client.search(Resource="Endpoint")["Results"]
    assert {result["Endpoint"]["EndpointName"]: len(result["Endpoint"].get("MonitoringSchedules", []))
            for result in every} == {"churn": 1, "unwatched": 0}
    sagemaker_client.delete_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    again = sagemaker_client.search(Resource="Endpoint", SearchExpression={"Filters": [
        {"Name": "MonitoringSchedules.MonitoringScheduleName", "Operator": "Equals", "Value": "churn-monitor"}]})
    assert again["Results"] == []
# -- offsets, cron syntax, NOW and executions that find violations ------------------------------------

def window(start, end, expression="NOW"):
    return named(expression=expression, DataAnalysisStartTime=start, DataAnalysisEndTime=end)


@pytest.mark.parametrize(("expression", "start", "end", "words"), [
    ("NOW", "-PT99999999999999999999H", "-PT1H", "longer than the 15 characters"),
    ("NOW", "-PT1H", "-PT99999999999999999999H", "longer than the 15 characters"),
    ("NOW", "-P9999999999W", "-PT1H", "longer than the 36525 days (100 years)"),
    ("NOW", "-P99999999D", "-P99999999D", "longer than the 36525 days (100 years)"),
    (HOURLY, "-P99999999D", "-P99999999D", "longer than the 36525 days (100 years)"),
    (HOURLY, "-P36526D", "-P36525D", "longer than the 36525 days (100 years)"),
    ("NOW", "-PT\u0661H", "-PT0H", "not an ISO 8601 duration"),  # ARABIC-INDIC DIGIT ONE
])
def test_an_offset_no_run_could_analyse_is_refused_and_nothing_is_made(sagemaker_client, expression, start, end,
                                                                         words):
    endpoint(sagemaker_client)
    data_quality(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        schedule(sagemaker_client, config=window(start, end, expression))
    assert error_of(refused)[0] == "ValidationException"
    assert words in error_of(refused)[1]
    assert sagemaker_client.list_monitoring_schedules()["MonitoringScheduleSummaries"] == []
    assert executions(sagemaker_client) == []


def test_an_update_to_an_offset_no_run_could_analyse_changes_nothing(sagemaker_client):
    monitored(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_monitoring_schedule(MonitoringScheduleName="churn-monitor",
                                                    MonitoringScheduleConfig=window("-P99999999D", "-P99999999D",
                                                                                    HOURLY))
    assert error_of(refused)[0] == "ValidationException"
    assert describe(sagemaker_client)["MonitoringScheduleConfig"]["ScheduleConfig"] == {"ScheduleExpression": HOURLY}


@pytest.mark.sagemock(transitions="seconds")
def test_the_longest_offset_accepted_runs_and_reads_back(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-05-01 08:25:00") as clock:
        endpoint(sagemaker_client)
        data_quality(sagemaker_client)
        arn = schedule(sagemaker_client, config=window("-P36525D", "-P36524D", HOURLY))
        clock.tick(dt.timedelta(hours=2))
        assert describe(sagemaker_client)["MonitoringScheduleStatus"] == "Scheduled"
        job_arn = sagemaker_mock.run_monitoring_schedule(arn)
        job = sagemaker_client.describe_processing_job(ProcessingJobName=job_arn.rsplit("/")[-1])
        assert (job["Environment"]["start_time"], job["Environment"]["end_time"]) == \
            ("1924-05-01T10:25:00Z", "1924-05-02T10:25:00Z")
        assert len(executions(sagemaker_client)) == 3  # 09:00, 10:00 and the run asked for


@pytest.mark.parametrize(("expression", "words"), [
    ("cron(0 \u0661 ? * * *)", "is not a value of a cron field"),  # an Arabic-Indic digit
    ("cron(0 1_0 ? * * *)", "is not a value of a cron field"),  # int() would read 10
    ("cron(0 0/1_2 ? * * *)", "is not a value of a cron field"),
    ("cron(0 0 * * * *)", "you must use a ? in the other"),
    ("cron(0 0 1 * MON *)", "you must use a ? in the other"),
    ("cron(? 0 ? * * *)", "? is a wildcard of the day-of-month and day-of-week fields only"),
])
def test_cron_expressions_follow_eventbridges_syntax(sagemaker_client, expression, words):
    endpoint(sagemaker_client)
    data_quality(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        schedule(sagemaker_client, config=named(expression=expression))
    assert error_of(refused)[0] == "ValidationException"
    assert words in error_of(refused)[1]


@pytest.mark.parametrize("expression", ["cron(0 0 * * ? *)", "cron(0 0 ? * MON-FRI *)", "cron(0 0 ? * ? *)"])
def test_cron_expressions_with_a_question_mark_in_a_day_field_are_accepted(sagemaker_client, expression):
    endpoint(sagemaker_client)
    data_quality(sagemaker_client)
    schedule(sagemaker_client, config=named(expression=expression))
    assert describe(sagemaker_client)["MonitoringScheduleStatus"] == "Scheduled"


def test_a_now_schedule_runs_again_after_an_update_not_after_a_start(sagemaker_client, sagemaker_mock):
    endpoint(sagemaker_client)
    data_quality(sagemaker_client)
    arn = schedule(sagemaker_client, config=window("-PT2H", "-PT1H"))
    assert len(executions(sagemaker_client)) == 1
    sagemaker_client.stop_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    sagemaker_client.start_monitoring_schedule(MonitoringScheduleName="churn-monitor")
    assert len(executions(sagemaker_client)) == 1  # "one time, without recurring"
    sagemaker_client.update_monitoring_schedule(MonitoringScheduleName="churn-monitor",
                                                MonitoringScheduleConfig=window("-PT3H", "-PT2H"))
    assert len(executions(sagemaker_client)) == 2  # the new configuration's one run
    sagemaker_mock.run_monitoring_schedule(arn)  # asked for: runs whatever the expression
    assert len(executions(sagemaker_client)) == 3


def test_the_next_execution_of_a_schedule_can_complete_with_violations(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    sagemaker_mock.complete_with_violations(arn, violations=60)
    found = sagemaker_mock.run_monitoring_schedule(arn)
    clean = sagemaker_mock.run_monitoring_schedule(arn)  # the plan was for one execution
    job = sagemaker_client.describe_processing_job(ProcessingJobName=found.rsplit("/")[-1])
    assert (job["ProcessingJobStatus"], job["ExitMessage"]) == (
        "Completed", "CompletedWithViolations: Job completed successfully with 60 violations.")
    statuses = {e["ProcessingJobArn"]: e["MonitoringExecutionStatus"] for e in executions(sagemaker_client)}
    assert statuses == {found: "CompletedWithViolations", clean: "Completed"}
    assert [e["ProcessingJobArn"] for e in executions(sagemaker_client, StatusEquals="CompletedWithViolations")] == \
        [found]
    sagemaker_mock.complete_with_violations(arn)
    sagemaker_mock.run_monitoring_schedule(arn)
    last = describe(sagemaker_client)["LastMonitoringExecutionSummary"]
    assert last["MonitoringExecutionStatus"] == "CompletedWithViolations"
    # An execution that finds violations counts against the default alert as a failure does.
    [alert] = sagemaker_client.list_monitoring_alerts(MonitoringScheduleName="churn-monitor")["MonitoringAlertSummaries"]
    assert alert["AlertStatus"] == "InAlert"


def test_a_given_execution_can_complete_with_violations(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    first = sagemaker_mock.run_monitoring_schedule(arn)
    second = sagemaker_mock.run_monitoring_schedule(arn)
    sagemaker_mock.complete_with_violations(first, violations=3)
    statuses = {e["ProcessingJobArn"]: e["MonitoringExecutionStatus"] for e in executions(sagemaker_client)}
    assert statuses == {first: "CompletedWithViolations", second: "Completed"}
    job = sagemaker_client.describe_processing_job(ProcessingJobName=first.rsplit("/")[-1])
    assert job["ExitMessage"] == "CompletedWithViolations: Job completed successfully with 3 violations."
    sagemaker_mock.complete_with_violations(second)
    assert describe(sagemaker_client)["LastMonitoringExecutionSummary"]["MonitoringExecutionStatus"] == \
        "CompletedWithViolations"


@pytest.mark.sagemock(transitions="seconds")
def test_violations_are_reported_when_a_running_execution_completes(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-05-01 08:25:00") as clock:
        arn = monitored(sagemaker_client)
        clock.tick(dt.timedelta(seconds=5))
        sagemaker_mock.complete_with_violations(arn, violations=2)
        job_arn = sagemaker_mock.run_monitoring_schedule(arn)
        job = sagemaker_client.describe_processing_job(ProcessingJobName=job_arn.rsplit("/")[-1])
        assert job["ProcessingJobStatus"] == "InProgress" and "ExitMessage" not in job
        assert executions(sagemaker_client)[0]["MonitoringExecutionStatus"] == "InProgress"
        clock.tick(dt.timedelta(minutes=5))
        job = sagemaker_client.describe_processing_job(ProcessingJobName=job_arn.rsplit("/")[-1])
        assert job["ExitMessage"] == "CompletedWithViolations: Job completed successfully with 2 violations."
        assert executions(sagemaker_client)[0]["MonitoringExecutionStatus"] == "CompletedWithViolations"


def test_only_an_execution_that_completes_finds_violations(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    sagemaker_mock.fail_next("processing-job", "ClientError: no permission to read the captured data")
    failed = sagemaker_mock.run_monitoring_schedule(arn)
    with pytest.raises(ValueError, match="is Failed"):
        sagemaker_mock.complete_with_violations(failed)
    with pytest.raises(ValueError, match="at least 1"):
        sagemaker_mock.complete_with_violations(arn, violations=0)
    with pytest.raises(ValueError, match="not a monitoring schedule or processing job ARN"):
        sagemaker_mock.complete_with_violations(ROLE)
    sagemaker_client.create_processing_job(
        ProcessingJobName="not-monitoring", RoleArn=ROLE, AppSpecification={"ImageUri": ANALYZER},
        ProcessingResources=RESOURCES)
    plain = sagemaker_client.describe_processing_job(ProcessingJobName="not-monitoring")["ProcessingJobArn"]
    with pytest.raises(ValueError, match="not a monitoring execution"):
        sagemaker_mock.complete_with_violations(plain)
    assert [e["MonitoringExecutionStatus"] for e in executions(sagemaker_client)] == ["Failed"]


def test_a_planned_violation_survives_a_snapshot(sagemaker_client, sagemaker_mock):
    arn = monitored(sagemaker_client)
    sagemaker_mock.complete_with_violations(arn, violations=5)
    sagemaker_mock.restore(sagemaker_mock.snapshot())
    sagemaker_mock.run_monitoring_schedule(arn)
    assert [e["MonitoringExecutionStatus"] for e in executions(sagemaker_client)] == ["CompletedWithViolations"]
