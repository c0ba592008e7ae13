"""The SageMaker Python SDK v2's DefaultModelMonitor against sagemock, with moto serving S3 beside it.

A baselining job and each monitoring execution are processing jobs: sagemock runs no container, so it
writes none of the files a real analyzer writes (statistics.json, constraints.json,
constraint_violations.json). The SDK reads them from S3 and, for a job that Completed and wrote
nothing, answers None; a test that needs them puts them where the job would have written them
(docs/monitoring.md).
"""
from __future__ import annotations

import json

from tests.sdk_v2.conftest import ACCOUNT, BUCKET, REGION, ROLE

IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/churn:1"
STATISTICS = {"version": 0.0, "dataset": {"item_count": 2}, "features": [
    {"name": "age", "inferred_type": "Integral", "numerical_statistics": {"common": {"num_present": 2, "num_missing": 0},
                                                                           "mean": 40.0, "sum": 80.0, "std_dev": 2.0,
                                                                           "min": 38.0, "max": 42.0}}]}
CONSTRAINTS = {"version": 0.0, "features": [{"name": "age", "inferred_type": "Integral", "completeness": 1.0}],
               "monitoring_config": {"evaluate_constraints": "Enabled", "emit_metrics": "Enabled"}}


def deploy_with_data_capture(client, name="churn"):
    client.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    client.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": name, "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}],
        DataCaptureConfig={"EnableCapture": True, "InitialSamplingPercentage": 100,
                           "DestinationS3Uri": f"s3://{BUCKET}/capture",
                           "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]})
    client.create_endpoint(EndpointName=name, EndpointConfigName=name)


def put_json(session, uri, body):
    bucket, key = uri[len("s3://"):].split("/", 1)
    session.boto_session.client("s3").put_object(Bucket=bucket, Key=key, Body=json.dumps(body).encode())


def test_default_model_monitor_baselines_schedules_and_is_cleaned_up(session, sagemaker_mock, tmp_path):
    from sagemaker.model_monitor import CronExpressionGenerator, DefaultModelMonitor
    from sagemaker.model_monitor.dataset_format import DatasetFormat

    client = session.sagemaker_client
    deploy_with_data_capture(client)
    dataset = tmp_path / "train.csv"
    dataset.write_text("age,churn\n38,0\n42,1\n")
    monitor = DefaultModelMonitor(role=ROLE, instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=20,
                                  max_runtime_in_seconds=1800, sagemaker_session=session)

    # suggest_baseline uploads the dataset (moto), runs a processing job and waits for it.
    baseline_uri = f"s3://{BUCKET}/baseline"
    job = monitor.suggest_baseline(baseline_dataset=str(dataset), dataset_format=DatasetFormat.csv(header=True),
                                   output_s3_uri=baseline_uri, job_name="churn-baseline", logs=False)
    description = job.describe()
    assert description["ProcessingJobStatus"] == "Completed"
    assert json.loads(description["Environment"]["dataset_format"])["csv"]["header"] is True
    # The job ran no analyzer, so it wrote no statistics: the SDK answers None for a completed job...
    assert monitor.baseline_statistics() is None
    # ... until the files are where the job writes them.
    put_json(session, f"{baseline_uri}/statistics.json", STATISTICS)
    put_json(session, f"{baseline_uri}/constraints.json", CONSTRAINTS)
    assert monitor.baseline_statistics().body_dict["dataset"]["item_count"] == 2

    monitor.create_monitoring_schedule(
        monitor_schedule_name="churn-monitor", endpoint_input="churn", output_s3_uri=f"s3://{BUCKET}/reports",
        statistics=monitor.baseline_statistics(), constraints=monitor.suggested_constraints(),
        schedule_cron_expression=CronExpressionGenerator.hourly())
    schedule = monitor.describe_schedule()
    assert schedule["MonitoringScheduleStatus"] == "Scheduled"
    assert schedule["EndpointName"] == "churn"
    assert schedule["MonitoringType"] == "DataQuality"
    definition = client.describe_data_quality_job_definition(
        JobDefinitionName=schedule["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"])
    assert definition["DataQualityBaselineConfig"]["StatisticsResource"]["S3Uri"] == f"{baseline_uri}/statistics.json"
    assert definition["DataQualityBaselineConfig"]["BaseliningJobName"] == "churn-baseline"

    # No run is due yet (runs fall due by themselves on the mock clock in "seconds" mode); run one now.
    assert monitor.list_executions() == []
    processing_job = sagemaker_mock.run_monitoring_schedule(schedule["MonitoringScheduleArn"])
    [execution] = monitor.list_executions()
    assert execution.job_name == processing_job.rsplit("/", 1)[-1]
    assert execution.describe()["ProcessingJobStatus"] == "Completed"
    assert execution.output.destination.startswith(f"s3://{BUCKET}/reports/churn/churn-monitor/")
    assert [i.source for i in execution.inputs] == [f"s3://{BUCKET}/capture/churn"]
    assert monitor.latest_monitoring_statistics() is None  # nothing analysed, nothing written
    summary = monitor.describe_schedule()["LastMonitoringExecutionSummary"]
    assert summary["MonitoringExecutionStatus"] == "Completed"

    # The schedule's default alert, as AWS's own integration test of the SDK drives it.
    alerts, _ = monitor.list_monitoring_alerts(max_results=10)
    alert_name = alerts[0].alert_name
    monitor.update_monitoring_alert(alert_name, data_points_to_alert=3, evaluation_period=5)
    alerts, _ = monitor.list_monitoring_alerts(max_results=10)
    assert (alerts[0].alert_name, alerts[0].data_points_to_alert, alerts[0].evaluation_period) == (alert_name, 3, 5)
    assert alerts[0].actions.model_dashboard_indicator.enabled is True
    history, _ = monitor.list_monitoring_alert_history(monitoring_alert_name=alert_name)
    assert history == []  # the alert never changed

    monitor.stop_monitoring_schedule()
    assert monitor.describe_schedule()["MonitoringScheduleStatus"] == "Stopped"
    monitor.start_monitoring_schedule()
    assert monitor.describe_schedule()["MonitoringScheduleStatus"] == "Scheduled"
    monitor.delete_monitoring_schedule()  # the schedule, then its job definition
    assert client.list_monitoring_schedules()["MonitoringScheduleSummaries"] == []
    assert client.list_data_quality_job_definitions()["JobDefinitionSummaries"] == []
    # The execution history stays.
    assert len(client.list_monitoring_executions(MonitoringScheduleName="churn-monitor")[
        "MonitoringExecutionSummaries"]) == 1


def test_a_monitor_is_attached_to_its_schedule(session):
    """`DefaultModelMonitor.attach` reads the schedule, its job definition and its tags back."""
    from sagemaker.model_monitor import DefaultModelMonitor

    client = session.sagemaker_client
    deploy_with_data_capture(client)
    monitor = DefaultModelMonitor(role=ROLE, instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=session)
    monitor.create_monitoring_schedule(monitor_schedule_name="churn-monitor", endpoint_input="churn",
                                       output_s3_uri=f"s3://{BUCKET}/reports")
    attached = DefaultModelMonitor.attach("churn-monitor", sagemaker_session=session)
    assert attached.monitoring_schedule_name == "churn-monitor"
    assert attached.job_definition_name == monitor.job_definition_name
    assert attached.instance_type == "ml.m5.xlarge"
    assert attached.role == ROLE
