"""SageMaker Metrics through boto3: BatchPutMetrics into trial components' summaries, the per-metric
errors AWS answers, BatchGetMetrics per step and per period, and the same through the server."""
from __future__ import annotations

import datetime as dt
import threading

import boto3
import pytest
from botocore.exceptions import ClientError

from sagemock.server import ThreadedServer
from tests.model_support import requires_operation
from tests.server_process import clients_of

ACCOUNT = "123456789012"
REGION = "us-east-1"


@pytest.fixture
def metrics(sagemaker_mock):
    config = sagemaker_mock.config
    return boto3.client("sagemaker-metrics", region_name=config.region, aws_access_key_id=config.account_id,
                        aws_secret_access_key="sagemock")


def now(sagemaker_client) -> dt.datetime:
    """The mock's clock, as the service sees it: a component's creation time."""
    return sagemaker_client.describe_trial_component(TrialComponentName="run")["CreationTime"]


def point(name, value, stamp, step=None):
    found = {"MetricName": name, "Value": value, "Timestamp": stamp}
    return found if step is None else {**found, "Step": step}


@pytest.fixture
def component(sagemaker_client):
    return sagemaker_client.create_trial_component(TrialComponentName="run")["TrialComponentArn"]


def summaries(sagemaker_client, name="run"):
    described = sagemaker_client.describe_trial_component(TrialComponentName=name)
    return {summary["MetricName"]: summary for summary in described.get("Metrics", [])}


def test_logged_values_fold_into_the_components_summaries(sagemaker_client, metrics, component):
    at = now(sagemaker_client)
    answer = metrics.batch_put_metrics(TrialComponentName="run", MetricData=[
        point("loss", 0.9, at, 0), point("loss", 0.5, at, 1), point("loss", 0.4, at, 2), point("accuracy", 0.7, at)])
    assert "Errors" not in answer
    loss = summaries(sagemaker_client)["loss"]
    assert (loss["Min"], loss["Max"], loss["Last"], loss["Count"]) == (0.4, 0.9, 0.4, 3)
    assert loss["Avg"] == pytest.approx(0.6)
    assert loss["StdDev"] == pytest.approx(0.21602, abs=1e-5)
    assert summaries(sagemaker_client)["accuracy"]["Count"] == 1
    metrics.batch_put_metrics(TrialComponentName="run", MetricData=[point("loss", 0.2, at, 3)])
    assert (summaries(sagemaker_client)["loss"]["Count"], summaries(sagemaker_client)["loss"]["Last"]) == (4, 0.2)
    found = sagemaker_client.search(Resource="ExperimentTrialComponent")["Results"]
    assert {m["MetricName"] for m in found[0]["TrialComponent"]["Metrics"]} == {"loss", "accuracy"}


def test_a_metric_it_cannot_take_is_answered_by_index_and_the_rest_are_kept(sagemaker_client, metrics, component):
    at = now(sagemaker_client)
    answer = metrics.batch_put_metrics(TrialComponentName="run", MetricData=[
        point("loss", 1.0, at), point("loss", 2.0, at - dt.timedelta(days=15)), point("loss", float("nan"), at),
        point("loss", 3.0, at + dt.timedelta(hours=3)), point("loss", 4.0, at + dt.timedelta(hours=1))])
    assert answer["Errors"] == [{"Code": "VALIDATION_ERROR", "MetricIndex": index} for index in (1, 2, 3)]
    loss = summaries(sagemaker_client)["loss"]
    assert (loss["Count"], loss["Min"], loss["Max"]) == (2, 1.0, 4.0)


def test_a_missing_component_is_refused_and_nothing_is_written(sagemaker_client, metrics, component):
    with pytest.raises(ClientError) as excinfo:
        metrics.batch_put_metrics(TrialComponentName="absent", MetricData=[point("loss", 1.0, now(sagemaker_client))])
    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException" and "absent" in error["Message"]
    assert summaries(sagemaker_client) == {}


def test_the_lower_cased_name_the_sdk_sends_finds_a_mixed_case_component(sagemaker_client, metrics):
    sagemaker_client.create_trial_component(TrialComponentName="Churn-Run")
    at = sagemaker_client.describe_trial_component(TrialComponentName="Churn-Run")["CreationTime"]
    metrics.batch_put_metrics(TrialComponentName="churn-run", MetricData=[point("loss", 1.0, at)])
    assert summaries(sagemaker_client, "Churn-Run")["loss"]["Count"] == 1


@requires_operation("BatchGetMetrics", "sagemaker-metrics")
def test_batch_get_metrics_answers_each_step_or_period(sagemaker_client, metrics, component):
    at = now(sagemaker_client).replace(second=0, microsecond=0)
    metrics.batch_put_metrics(TrialComponentName="run", MetricData=[
        point("loss", 0.9, at, 0), point("loss", 0.7, at, 0), point("loss", 0.5, at + dt.timedelta(minutes=1), 1),
        point("loss", 0.3, at + dt.timedelta(minutes=1, seconds=30), 2), point("other", 5.0, at, 0)])

    def query(**fields):
        base = {"MetricName": "loss", "ResourceArn": component, "MetricStat": "Avg", "Period": "IterationNumber",
                "XAxisType": "IterationNumber"}
        return {**base, **fields}

    steps, minutes, ranged, bad, absent = metrics.batch_get_metrics(MetricQueries=[
        query(), query(Period="OneMinute", XAxisType="Timestamp", MetricStat="Max"), query(Start=1, End=1),
        query(Period="OneHour"), query(ResourceArn=component.replace(":experiment-trial-component/run", ":experiment-trial-component/gone"))
    ])["MetricQueryResults"]
    assert steps["Status"] == "Complete"
    assert steps["XAxisValues"] == [0, 1, 2] and steps["MetricValues"] == pytest.approx([0.8, 0.5, 0.3])
    start = int(at.timestamp())
    assert minutes["XAxisValues"] == [start, start + 60] and minutes["MetricValues"] == [0.9, 0.5]
    assert (ranged["XAxisValues"], ranged["MetricValues"]) == ([1], [0.5])
    assert bad["Status"] == "ValidationError" and "IterationNumber" in bad["Message"]
    assert absent["Status"] == "ValidationError" and absent["XAxisValues"] == []


@requires_operation("BatchGetMetrics", "sagemaker-metrics")
def test_metrics_survive_a_snapshot(sagemaker_mock, sagemaker_client, metrics, component):
    at = now(sagemaker_client)
    metrics.batch_put_metrics(TrialComponentName="run", MetricData=[point("loss", 0.5, at, 0)])
    saved = sagemaker_mock.snapshot()
    sagemaker_mock.reset()
    sagemaker_mock.restore(saved)
    [result] = metrics.batch_get_metrics(MetricQueries=[{
        "MetricName": "loss", "ResourceArn": component, "MetricStat": "Last", "Period": "IterationNumber",
        "XAxisType": "IterationNumber"}])["MetricQueryResults"]
    assert result["MetricValues"] == [0.5]
    assert summaries(sagemaker_client)["loss"]["Count"] == 1


def test_threads_logging_at_once_lose_no_value(sagemaker_client, metrics, component):
    at = now(sagemaker_client)

    def log(worker):
        for step in range(20):
            metrics.batch_put_metrics(TrialComponentName="run", MetricData=[point("loss", float(worker), at, step)])

    threads = [threading.Thread(target=log, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert summaries(sagemaker_client)["loss"]["Count"] == 80


def test_the_server_answers_the_metrics_service():
    with ThreadedServer() as server:
        sm, metrics = clients_of(server.url, "sagemaker", "sagemaker-metrics", account=ACCOUNT, region=REGION)
        sm.create_trial_component(TrialComponentName="run")
        at = sm.describe_trial_component(TrialComponentName="run")["CreationTime"]
        metrics.batch_put_metrics(TrialComponentName="run", MetricData=[point("loss", 0.25, at, 0)])
        [summary] = sm.describe_trial_component(TrialComponentName="run")["Metrics"]
        assert (summary["MetricName"], summary["Last"]) == ("loss", 0.25)
