"""Hyperparameter tuning jobs through boto3: the rules AWS states, the training jobs a tuning job
launches, what it reports of them, early stopping, warm start, stopping and deleting, lists and Search."""
from __future__ import annotations

import copy
import re
import threading

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/tuning"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/xgb:1"
TRAIN = "s3://bucket/train"
TUNING_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hyper-parameter-tuning-job/"
METRIC = "validation:auc"


def definition(**extra):
    found = {
        "StaticHyperParameters": {"num_round": "50"},
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File",
                                   "MetricDefinitions": [{"Name": METRIC, "Regex": "auc=(.*)"},
                                                         {"Name": "train:loss", "Regex": "loss=(.*)"}]},
        "RoleArn": ROLE,
        "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": TRAIN}}}],
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/out"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }
    found.update(extra)
    return found


RANGES = {"ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5"}],
          "IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "3", "MaxValue": "9"}],
          "CategoricalParameterRanges": [{"Name": "booster", "Values": ["gbtree", "dart"]}]}


def config(strategy="Random", jobs=4, parallel=2, objective="Maximize", ranges=None, **extra):
    found = {"Strategy": strategy, "HyperParameterTuningJobObjective": {"Type": objective, "MetricName": METRIC},
             "ResourceLimits": {"MaxParallelTrainingJobs": parallel},
             "ParameterRanges": copy.deepcopy(RANGES if ranges is None else ranges)}
    if jobs is not None:
        found["ResourceLimits"]["MaxNumberOfTrainingJobs"] = jobs
    found.update(extra)
    return found


def create(client, name="churn", tuning=None, training=None, **extra):
    return client.create_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=name, HyperParameterTuningJobConfig=tuning or config(),
        **({"TrainingJobDefinition": training or definition()} if "TrainingJobDefinitions" not in extra else {}),
        **extra)["HyperParameterTuningJobArn"]


def describe(client, name="churn"):
    return client.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)


def children(client, name="churn", **params):
    return client.list_training_jobs_for_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=name, MaxResults=100, **params)["TrainingJobSummaries"]


def refused(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def report(mock, summary, value, metric=METRIC):
    mock.put_training_metrics(summary["TrainingJobArn"], {metric: value})


# -- what Create makes ------------------------------------------------------------------------------


def test_a_tuning_job_launches_its_training_jobs(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    assert arn == TUNING_ARN + "churn"
    described = describe(sagemaker_client)
    assert described["HyperParameterTuningJobStatus"] == "Completed"
    assert described["TrainingJobStatusCounters"] == {"Completed": 4, "InProgress": 0, "RetryableError": 0,
                                                      "NonRetryableError": 0, "Stopped": 0}
    launched = children(sagemaker_client)
    assert len(launched) == 4
    listed = {summary["TrainingJobName"] for summary in sagemaker_client.list_training_jobs(
        MaxResults=100)["TrainingJobSummaries"]}
    for summary in launched:
        name = summary["TrainingJobName"]
        assert re.fullmatch(r"churn-00[1-4]-[0-9a-f]{8}", name)
        assert name in listed
        job = sagemaker_client.describe_training_job(TrainingJobName=name)
        assert job["TuningJobArn"] == arn
        tuned = summary["TunedHyperParameters"]
        assert job["HyperParameters"] == {"num_round": "50", "_tuning_objective_metric": METRIC, **tuned}
        assert 0.1 <= float(tuned["eta"]) <= 0.5
        assert 3 <= int(tuned["max_depth"]) <= 9
        assert tuned["booster"] in ("gbtree", "dart")
        assert job["AlgorithmSpecification"]["MetricDefinitions"][0]["Name"] == METRIC
        # "Tags that you specify for the tuning job are also added to all training jobs that the tuning job launches."
        assert sagemaker_client.list_tags(ResourceArn=job["TrainingJobArn"])["Tags"] == [
            {"Key": "team", "Value": "ml"}]
    assert sorted(name[:9] for name in (s["TrainingJobName"] for s in launched)) == [
        "churn-001", "churn-002", "churn-003", "churn-004"]


def test_describe_answers_what_the_sdk_reads(sagemaker_client):
    """HyperparameterTuner.attach reads MaxNumberOfTrainingJobs, TrainingJobEarlyStoppingType, all three
    range lists, the metric definitions, and deletes `_tuning_objective_metric` from the static ones."""
    create(sagemaker_client, tuning=config(ranges={"IntegerParameterRanges": [
        {"Name": "max_depth", "MinValue": "3", "MaxValue": "9"}]}))
    described = describe(sagemaker_client)
    tuning = described["HyperParameterTuningJobConfig"]
    assert tuning["TrainingJobEarlyStoppingType"] == "Off"
    assert tuning["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 4
    assert tuning["ParameterRanges"]["ContinuousParameterRanges"] == []
    assert tuning["ParameterRanges"]["CategoricalParameterRanges"] == []
    training = described["TrainingJobDefinition"]
    assert training["StaticHyperParameters"] == {"num_round": "50", "_tuning_objective_metric": METRIC}
    assert [item["Name"] for item in training["AlgorithmSpecification"]["MetricDefinitions"]] == [METRIC, "train:loss"]


def test_an_image_without_metric_definitions_answers_an_empty_list(sagemaker_client):
    """A built-in algorithm's image needs none (AWS fills in the algorithm's own, which sagemock does not know)."""
    training = definition()
    del training["AlgorithmSpecification"]["MetricDefinitions"]
    create(sagemaker_client, training=training)
    assert describe(sagemaker_client)["TrainingJobDefinition"]["AlgorithmSpecification"]["MetricDefinitions"] == []


def test_the_same_random_seed_draws_the_same_hyperparameters(sagemaker_client):
    create(sagemaker_client, "first", tuning=config(RandomSeed=7))
    create(sagemaker_client, "second", tuning=config(RandomSeed=7))
    create(sagemaker_client, "third", tuning=config(RandomSeed=8))
    drawn = {name: sorted(tuple(sorted(s["TunedHyperParameters"].items())) for s in children(sagemaker_client, name))
             for name in ("first", "second", "third")}
    assert drawn["first"] == drawn["second"] != drawn["third"]


def test_a_countable_space_gives_each_training_job_another_combination(sagemaker_client):
    ranges = {"IntegerParameterRanges": [{"Name": "layers", "MinValue": "1", "MaxValue": "3"}],
              "CategoricalParameterRanges": [{"Name": "optimizer", "Values": ["adam", "sgd"]}]}
    create(sagemaker_client, tuning=config(jobs=6, ranges=ranges))
    combinations = {tuple(sorted(s["TunedHyperParameters"].items())) for s in children(sagemaker_client)}
    assert len(combinations) == 6


def test_not_enough_combinations_is_refused_with_awss_words(sagemaker_client, sagemaker_mock):
    ranges = {"CategoricalParameterRanges": [{"Name": "optimizer", "Values": ["adam", "sgd", "rmsprop"]}]}
    before = sagemaker_mock.snapshot()
    code, message = refused(create, sagemaker_client, tuning=config(jobs=10, ranges=ranges))
    assert code == "ValidationException"
    assert message == ("You don't have enough combinations of hyperparameter ranges. The total number of hyperparameter "
                       "combinations for the provided ranges [3.0] must be equal or greater than the value of "
                       "MaxNumberOfJobs, [10]. Provide additional ranges.")
    assert sagemaker_mock.snapshot() == before


@pytest.mark.parametrize("scaling, low, high", [("Logarithmic", "0.0001", "1"), ("ReverseLogarithmic", "0.9", "0.999"),
                                                ("Linear", "-5", "5"), ("Auto", "1e-3", "1e3")])
def test_continuous_values_stay_in_their_range_on_every_scale(sagemaker_client, scaling, low, high):
    ranges = {"ContinuousParameterRanges": [{"Name": "x", "MinValue": low, "MaxValue": high, "ScalingType": scaling}]}
    create(sagemaker_client, tuning=config(jobs=20, parallel=10, ranges=ranges))
    values = [float(s["TunedHyperParameters"]["x"]) for s in children(sagemaker_client)]
    assert len(values) == 20 and all(float(low) <= value <= float(high) for value in values)


def test_logarithmic_integers_stay_in_their_range(sagemaker_client):
    ranges = {"IntegerParameterRanges": [{"Name": "n", "MinValue": "1", "MaxValue": "10000",
                                          "ScalingType": "Logarithmic"}]}
    create(sagemaker_client, tuning=config(jobs=30, parallel=10, ranges=ranges))
    values = [int(s["TunedHyperParameters"]["n"]) for s in children(sagemaker_client)]
    assert all(1 <= value <= 10000 for value in values)
    # On a logarithmic scale most of 30 draws fall below the linear midpoint.
    assert sum(value < 5000 for value in values) > 20


@pytest.mark.parametrize("ranges, words", [
    ({"ContinuousParameterRanges": [{"Name": "x", "MinValue": "0", "MaxValue": "1", "ScalingType": "Logarithmic"}]},
     "logarithmic scaling works only for ranges that have only values greater than 0"),
    ({"ContinuousParameterRanges": [{"Name": "x", "MinValue": "0.5", "MaxValue": "1",
                                     "ScalingType": "ReverseLogarithmic"}]},
     "entirely within the range 0<=x<1.0"),
    ({"IntegerParameterRanges": [{"Name": "x", "MinValue": "0", "MaxValue": "5",
                                  "ScalingType": "ReverseLogarithmic"}]},
     "supported only for continuous hyperparameter ranges"),
    ({"IntegerParameterRanges": [{"Name": "x", "MinValue": "one", "MaxValue": "5"}]}, "is not an integer"),
    ({"ContinuousParameterRanges": [{"Name": "x", "MinValue": "2", "MaxValue": "1"}]}, "is greater than MaxValue"),
    ({"ContinuousParameterRanges": [{"Name": "x", "MinValue": "1", "MaxValue": "inf"}]}, "is not a finite number"),
    ({"ContinuousParameterRanges": [{"Name": "x", "MinValue": "0", "MaxValue": "1"}],
      "IntegerParameterRanges": [{"Name": "x", "MinValue": "0", "MaxValue": "1"}]}, "more than one range"),
    ({"ContinuousParameterRanges": [{"Name": "num_round", "MinValue": "0", "MaxValue": "1"}]},
     "both static and tunable"),
])
def test_ranges_aws_refuses(sagemaker_client, sagemaker_mock, ranges, words):
    code, message = refused(create, sagemaker_client, tuning=config(ranges=ranges))
    assert code == "ValidationException" and words in message
    assert sagemaker_client.list_training_jobs()["TrainingJobSummaries"] == []


def test_at_most_30_ranges_and_100_hyperparameters(sagemaker_client):
    many = {"ContinuousParameterRanges": [{"Name": f"x{index}", "MinValue": "0", "MaxValue": "1"}
                                          for index in range(16)],
            "IntegerParameterRanges": [{"Name": f"n{index}", "MinValue": "0", "MaxValue": "1"} for index in range(15)]}
    code, message = refused(create, sagemaker_client, tuning=config(ranges=many))
    assert "can't exceed 30" in message
    training = definition(StaticHyperParameters={f"s{index}": "1" for index in range(97)})
    code, message = refused(create, sagemaker_client, training=training)
    assert "would take 101 hyperparameters" in message
    training = definition(StaticHyperParameters={f"s{index}": "1" for index in range(96)})
    create(sagemaker_client, training=training)  # 96 static + 3 tuned + _tuning_objective_metric = 100


# -- strategies -------------------------------------------------------------------------------------


def test_grid_walks_every_categorical_combination(sagemaker_client):
    ranges = {"CategoricalParameterRanges": [{"Name": "optimizer", "Values": ["adam", "sgd"]},
                                             {"Name": "layers", "Values": ["1", "2", "3"]}]}
    create(sagemaker_client, tuning=config("Grid", jobs=None, parallel=3, ranges=ranges))
    described = describe(sagemaker_client)
    assert described["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 6
    combinations = sorted((s["TunedHyperParameters"]["optimizer"], s["TunedHyperParameters"]["layers"])
                          for s in children(sagemaker_client))
    assert combinations == [(o, n) for o in ("adam", "sgd") for n in ("1", "2", "3")]


def test_grid_refusals(sagemaker_client):
    code, message = refused(create, sagemaker_client, tuning=config("Grid"))
    assert "Only categorical parameters are supported when using the grid search strategy" in message
    ranges = {"CategoricalParameterRanges": [{"Name": "optimizer", "Values": ["adam", "sgd"]}]}
    code, message = refused(create, sagemaker_client, tuning=config("Grid", jobs=3, ranges=ranges))
    assert "should equal the total number of distinct categorical combinations possible (2)" in message
    create(sagemaker_client, tuning=config("Grid", jobs=2, ranges=ranges))
    # The number of combinations is counted, not listed: 30 ranges of 30 values are 30**30 of them.
    vast = {"CategoricalParameterRanges": [{"Name": f"c{index}", "Values": [str(value) for value in range(30)]}
                                           for index in range(30)]}
    code, message = refused(create, sagemaker_client, "vast", tuning=config("Grid", jobs=None, ranges=vast))
    assert code == "ResourceLimitExceeded"


def test_hyperband_rules(sagemaker_client):
    code, message = refused(create, sagemaker_client, tuning=config("Hyperband", TrainingJobEarlyStoppingType="Auto"))
    assert "must be Off to use Hyperband" in message
    code, message = refused(create, sagemaker_client, tuning=config("Hyperband"))
    assert "cannot be inferred" in message and "epochs" in message
    code, message = refused(create, sagemaker_client, tuning=config(
        "Random", StrategyConfig={"HyperbandStrategyConfig": {"MaxResource": 10}}))
    assert "should be provided only if Hyperband is selected" in message
    code, message = refused(create, sagemaker_client, tuning=config(
        "Hyperband", StrategyConfig={"HyperbandStrategyConfig": {"MinResource": 1, "MaxResource": 20001}}))
    assert "maximum of 20000 epochs" in message
    create(sagemaker_client, "inferred", tuning=config("Hyperband"),
           training=definition(StaticHyperParameters={"epochs": "10"}))
    assert describe(sagemaker_client, "inferred")["HyperParameterTuningJobStatus"] == "Completed"


def test_limits_no_quota_raises(sagemaker_client):
    code, message = refused(create, sagemaker_client, tuning=config(parallel=101))
    assert code == "ResourceLimitExceeded" and "100 parallel training jobs" in message
    code, message = refused(create, sagemaker_client, tuning=config("Random", jobs=751))
    assert code == "ResourceLimitExceeded" and "at most 750" in message
    code, message = refused(create, sagemaker_client, tuning=config(jobs=None))
    assert "MaxNumberOfTrainingJobs is required" in message
    # "The training jobs launched by every parent job in a warm start tuning job count against" the limit.
    create(sagemaker_client, "parent", tuning=config(jobs=2))
    code, message = refused(create, sagemaker_client, "child", tuning=config(jobs=749), WarmStartConfig={
        "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "parent"}],
        "WarmStartType": "TransferLearning"})
    assert code == "ResourceLimitExceeded" and "2 launched by its warm start parents" in message


def test_a_single_instance_tuning_resource_config_is_answered_as_a_resource_config(sagemaker_client):
    """As the SageMaker SDK sends it; AWS answers ResourceConfig (hashicorp/terraform-provider-aws), which the
    SDK's attach reads."""
    flexible = {"InstanceType": "ml.c5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30}
    training = definition(HyperParameterTuningResourceConfig=flexible)
    del training["ResourceConfig"]
    create(sagemaker_client, training=training)
    described = describe(sagemaker_client)["TrainingJobDefinition"]
    assert described["ResourceConfig"] == flexible and "HyperParameterTuningResourceConfig" not in described
    job = sagemaker_client.describe_training_job(TrainingJobName=children(sagemaker_client)[0]["TrainingJobName"])
    assert job["ResourceConfig"] == flexible
    preferences = {"AllocationStrategy": "Prioritized", "InstanceConfigs": [
        {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        {"InstanceType": "ml.c5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10}]}
    training = definition(HyperParameterTuningResourceConfig=preferences)
    del training["ResourceConfig"]
    create(sagemaker_client, "flexible", training=training)
    assert describe(sagemaker_client, "flexible")["TrainingJobDefinition"][
        "HyperParameterTuningResourceConfig"] == preferences
    job = sagemaker_client.describe_training_job(
        TrainingJobName=children(sagemaker_client, "flexible")[0]["TrainingJobName"])
    assert job["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    code, message = refused(create, sagemaker_client, "both", training=definition(
        HyperParameterTuningResourceConfig=flexible))
    assert "not both" in message


# -- what it reports of its training jobs ---------------------------------------------------------


@pytest.mark.parametrize("objective, best_value", [("Maximize", 0.9), ("Minimize", 0.6)])
def test_the_best_training_job_follows_the_objective(sagemaker_client, sagemaker_mock, objective, best_value):
    create(sagemaker_client, tuning=config(objective=objective))
    described = describe(sagemaker_client)
    assert "BestTrainingJob" not in described
    assert described["ObjectiveStatusCounters"] == {"Succeeded": 0, "Pending": 0, "Failed": 4}
    launched = children(sagemaker_client, SortBy="CreationTime")
    for summary, value in zip(launched, (0.7, 0.9, 0.6), strict=False):
        report(sagemaker_mock, summary, value)
    report(sagemaker_mock, launched[3], 0.3, metric="train:loss")  # not the objective
    described = describe(sagemaker_client)
    assert described["ObjectiveStatusCounters"] == {"Succeeded": 3, "Pending": 0, "Failed": 1}
    best = described["BestTrainingJob"]
    assert best["FinalHyperParameterTuningJobObjectiveMetric"] == {"Type": objective, "MetricName": METRIC,
                                                                   "Value": best_value}
    expected = next(s for s, v in zip(launched, (0.7, 0.9, 0.6), strict=False) if v == best_value)
    assert best["TrainingJobName"] == expected["TrainingJobName"]
    assert best["TunedHyperParameters"] == expected["TunedHyperParameters"]
    assert best["ObjectiveStatus"] == "Succeeded" and best["TuningJobName"] == "churn"
    summary = sagemaker_client.list_hyper_parameter_tuning_jobs()["HyperParameterTuningJobSummaries"][0]
    assert summary["ObjectiveStatusCounters"]["Succeeded"] == 3


def test_failed_training_jobs_are_counted_and_a_job_none_succeeded_in_fails(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("training-job", "AlgorithmError: out of memory")
    create(sagemaker_client, tuning=config(jobs=3))
    described = describe(sagemaker_client)
    assert described["HyperParameterTuningJobStatus"] == "Completed"
    assert described["TrainingJobStatusCounters"]["NonRetryableError"] == 1
    failed = [s for s in children(sagemaker_client) if s["TrainingJobStatus"] == "Failed"]
    assert failed[0]["FailureReason"] == "AlgorithmError: out of memory"
    assert failed[0]["ObjectiveStatus"] == "Failed"
    for _ in range(2):
        sagemaker_mock.fail_next("training-job", "AlgorithmError")
    create(sagemaker_client, "doomed", tuning=config(jobs=2))
    doomed = describe(sagemaker_client, "doomed")
    assert doomed["HyperParameterTuningJobStatus"] == "Failed"
    assert doomed["FailureReason"] == ("No training job succeeded after 2 attempts. Please take a look at the "
                                       "training job failures to get more details.")


def test_a_planned_failure_fails_the_tuning_job_before_it_launches_anything(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("hyper-parameter-tuning-job", "planned", name="churn")
    create(sagemaker_client)
    described = describe(sagemaker_client)
    assert described["HyperParameterTuningJobStatus"] == "Failed" and described["FailureReason"] == "planned"
    assert children(sagemaker_client) == []
    assert "HyperParameterTuningEndTime" in described


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_no_more_training_jobs_run_at_once_than_allowed(sagemaker_client):
    create(sagemaker_client, tuning=config(jobs=5, parallel=2))
    seen = []
    for _ in range(40):
        described = describe(sagemaker_client)
        counters = described["TrainingJobStatusCounters"]
        seen.append((counters["InProgress"], sum(counters.values())))
        if described["HyperParameterTuningJobStatus"] == "Completed":
            break
    assert described["HyperParameterTuningJobStatus"] == "Completed"
    assert max(running for running, _total in seen) == 2
    assert seen[0] == (2, 2)
    assert sum(described["TrainingJobStatusCounters"].values()) == 5
    assert described["TrainingJobStatusCounters"]["Completed"] == 5


@pytest.mark.sagemock(transitions="seconds", transition_seconds=60)
def test_on_the_mock_clock_training_jobs_are_launched_as_slots_free(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, tuning=config(jobs=3, parallel=2))
    assert describe(sagemaker_client)["TrainingJobStatusCounters"]["InProgress"] == 2
    sagemaker_mock.advance(3 * 60)
    assert describe(sagemaker_client)["TrainingJobStatusCounters"]["InProgress"] == 2  # still training
    sagemaker_mock.advance(60)
    described = describe(sagemaker_client)  # the first two completed: the third is launched now
    assert described["TrainingJobStatusCounters"] == {"Completed": 2, "InProgress": 1, "RetryableError": 0,
                                                      "NonRetryableError": 0, "Stopped": 0}
    assert described["HyperParameterTuningJobStatus"] == "InProgress"
    sagemaker_mock.advance(4 * 60)
    described = describe(sagemaker_client)
    assert described["HyperParameterTuningJobStatus"] == "Completed"
    assert described["ConsumedResources"]["RuntimeInSeconds"] == 8 * 60
    third = children(sagemaker_client, SortBy="CreationTime")[2]
    assert round((third["CreationTime"] - described["CreationTime"]).total_seconds()) == 4 * 60


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_early_stopping_stops_a_job_worse_than_the_median(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, tuning=config(jobs=3, parallel=1, TrainingJobEarlyStoppingType="Auto"))
    first = children(sagemaker_client)[0]
    report(sagemaker_mock, first, 0.8)
    while len(children(sagemaker_client)) < 2:
        describe(sagemaker_client)
    second = [s for s in children(sagemaker_client) if s["TrainingJobName"] != first["TrainingJobName"]][0]
    assert second["TrainingJobStatus"] == "InProgress"
    report(sagemaker_mock, second, 0.5)  # worse than the median of the jobs before it, while it runs
    describe(sagemaker_client)
    job = sagemaker_client.describe_training_job(TrainingJobName=second["TrainingJobName"])
    assert job["TrainingJobStatus"] in ("Stopping", "Stopped")
    for _ in range(20):
        described = describe(sagemaker_client)
        if described["HyperParameterTuningJobStatus"] == "Completed":
            break
    assert described["TrainingJobStatusCounters"]["Stopped"] == 1
    assert described["BestTrainingJob"]["TrainingJobName"] == first["TrainingJobName"]


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_early_stopping_off_lets_every_job_run(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, tuning=config(jobs=2, parallel=1))
    report(sagemaker_mock, children(sagemaker_client)[0], 0.8)
    while len(children(sagemaker_client)) < 2:
        describe(sagemaker_client)
    report(sagemaker_mock, children(sagemaker_client, SortBy="CreationTime")[1], 0.1)
    for _ in range(20):
        if describe(sagemaker_client)["HyperParameterTuningJobStatus"] == "Completed":
            break
    assert describe(sagemaker_client)["TrainingJobStatusCounters"]["Completed"] == 2


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_reached_target_launches_no_more_training_jobs(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, tuning=config(jobs=5, parallel=1, TuningJobCompletionCriteria={
        "TargetObjectiveMetricValue": 0.9}))
    report(sagemaker_mock, children(sagemaker_client)[0], 0.95)
    for _ in range(20):
        described = describe(sagemaker_client)
        if described["HyperParameterTuningJobStatus"] == "Completed":
            break
    assert described["HyperParameterTuningJobStatus"] == "Completed"
    assert len(children(sagemaker_client)) == 1
    assert described["TuningJobCompletionDetails"]["NumberOfTrainingJobsObjectiveNotImproving"] == 0


# -- stop and delete --------------------------------------------------------------------------------


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_stop_stops_the_running_training_jobs_too(sagemaker_client):
    create(sagemaker_client, tuning=config(jobs=6, parallel=2))
    sagemaker_client.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName="churn")
    assert describe(sagemaker_client)["HyperParameterTuningJobStatus"] in ("Stopping", "Stopped")
    for _ in range(10):
        described = describe(sagemaker_client)
    assert described["HyperParameterTuningJobStatus"] == "Stopped"
    launched = children(sagemaker_client)
    assert len(launched) == 2  # nothing launched after the stop
    assert {s["TrainingJobStatus"] for s in launched} == {"Stopped"}
    assert described["TrainingJobStatusCounters"]["Stopped"] == 2
    code, message = refused(sagemaker_client.stop_hyper_parameter_tuning_job, HyperParameterTuningJobName="churn")
    assert code == "ValidationException" and "already Stopped" in message


def test_delete_only_a_finished_job_and_keep_its_training_jobs(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client)
    sagemaker_mock.set_status(arn, "InProgress")
    before = sagemaker_mock.snapshot()
    code, message = refused(sagemaker_client.delete_hyper_parameter_tuning_job, HyperParameterTuningJobName="churn")
    assert code == "ValidationException" and "not in a terminal state" in message
    assert sagemaker_mock.snapshot() == before
    sagemaker_mock.set_status(arn, "Completed")
    launched = children(sagemaker_client)
    sagemaker_client.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName="churn")
    code, message = refused(describe, sagemaker_client)
    assert code == "ResourceNotFound"
    assert message == "Amazon SageMaker can't find a tuning job called churn. Type another name."
    # "It does not delete training jobs"
    for summary in launched:
        assert sagemaker_client.describe_training_job(TrainingJobName=summary["TrainingJobName"])["TuningJobArn"] == arn
    create(sagemaker_client)  # the name is free again


def test_a_set_status_sticks(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client)
    sagemaker_mock.set_status(arn, "InProgress")
    assert describe(sagemaker_client)["HyperParameterTuningJobStatus"] == "InProgress"
    assert "HyperParameterTuningEndTime" not in describe(sagemaker_client)


# -- names ------------------------------------------------------------------------------------------


def test_names_are_unique_in_any_case_and_arns_keep_case(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client, "Churn-Tuning")
    assert arn == TUNING_ARN + "Churn-Tuning"
    before = sagemaker_mock.snapshot()
    code, message = refused(create, sagemaker_client, "churn-tuning")
    assert code == "ResourceInUse"
    assert message == "A hyperparameter tuning job with the name, Churn-Tuning, already exists. Choose a different name."
    assert sagemaker_mock.snapshot() == before
    assert describe(sagemaker_client, "CHURN-TUNING")["HyperParameterTuningJobArn"] == arn
    # The List summary keeps the ARN's case (boto/boto3#4606 reports AWS lower-casing it: see docs/tuning.md).
    [summary] = sagemaker_client.list_hyper_parameter_tuning_jobs()["HyperParameterTuningJobSummaries"]
    assert summary["HyperParameterTuningJobArn"] == arn
    assert sagemaker_client.list_tags(ResourceArn=summary["HyperParameterTuningJobArn"])["Tags"] == []


def test_a_missing_job_is_awss_resource_not_found(sagemaker_client):
    for call in (sagemaker_client.describe_hyper_parameter_tuning_job, sagemaker_client.stop_hyper_parameter_tuning_job,
                 sagemaker_client.list_training_jobs_for_hyper_parameter_tuning_job):
        code, message = refused(call, HyperParameterTuningJobName="DEMO-hpo-mxnet")
        assert (code, message) == ("ResourceNotFound", "Amazon SageMaker can't find a tuning job called DEMO-hpo-mxnet. "
                                                       "Type another name.")


# -- definitions and metrics ----------------------------------------------------------------------


def test_the_objective_must_be_a_defined_metric(sagemaker_client):
    training = definition()
    training["AlgorithmSpecification"]["MetricDefinitions"] = [{"Name": "validation:rmse", "Regex": "rmse=(.*)"}]
    code, message = refused(create, sagemaker_client, training=training)
    assert (code, message) == ("ValidationException", "A metric is required for this hyperparameter tuning job "
                                                      "objective. Provide a metric in the metric definitions.")


def test_definition_refusals(sagemaker_client):
    code, message = refused(sagemaker_client.create_hyper_parameter_tuning_job, HyperParameterTuningJobName="churn",
                            HyperParameterTuningJobConfig=config())
    assert "either TrainingJobDefinition or TrainingJobDefinitions" in message
    tuning = config()
    del tuning["HyperParameterTuningJobObjective"]
    code, message = refused(create, sagemaker_client, tuning=tuning)
    assert "HyperParameterTuningJobObjective is required" in message
    training = definition()
    training["AlgorithmSpecification"]["AlgorithmName"] = "xgb"
    code, message = refused(create, sagemaker_client, training=training)
    assert "either the TrainingImage or the AlgorithmName" in message


def test_the_training_jobs_own_rules_refuse_the_tuning_job_and_nothing_is_made(sagemaker_client, sagemaker_mock):
    training = definition()
    training["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3DataType"] = "AugmentedManifestFile"
    before = sagemaker_mock.snapshot()
    code, message = refused(create, sagemaker_client, training=training)
    assert code == "ValidationException" and "can only be used if the Channel's input mode is Pipe" in message
    assert sagemaker_mock.snapshot() == before


def definitions_of(*names):
    found = []
    for name in names:
        item = definition(DefinitionName=name, TuningObjective={"Type": "Maximize", "MetricName": METRIC},
                          HyperParameterRanges={"IntegerParameterRanges": [
                              {"Name": "max_depth", "MinValue": "1", "MaxValue": "20"}]})
        found.append(item)
    return found


def test_several_definitions_share_the_training_jobs(sagemaker_client, sagemaker_mock):
    tuning = {key: value for key, value in config(jobs=4).items()
              if key not in ("HyperParameterTuningJobObjective", "ParameterRanges")}
    create(sagemaker_client, tuning=tuning, TrainingJobDefinitions=definitions_of("xgb-a", "xgb-b"))
    described = describe(sagemaker_client)
    assert [item["DefinitionName"] for item in described["TrainingJobDefinitions"]] == ["xgb-a", "xgb-b"]
    ranges = described["TrainingJobDefinitions"][0]["HyperParameterRanges"]
    assert ranges["ContinuousParameterRanges"] == [] and ranges["CategoricalParameterRanges"] == []
    launched = children(sagemaker_client, SortBy="CreationTime")
    assert [s["TrainingJobDefinitionName"] for s in launched] == ["xgb-a", "xgb-b", "xgb-a", "xgb-b"]
    report(sagemaker_mock, launched[1], 0.9)
    assert describe(sagemaker_client)["BestTrainingJob"]["TrainingJobDefinitionName"] == "xgb-b"
    code, message = refused(create, sagemaker_client, "again", tuning=tuning,
                            TrainingJobDefinitions=definitions_of("xgb", "XGB"))
    assert "definition names must be unique" in message
    code, message = refused(create, sagemaker_client, "stopping", tuning={**tuning, "TrainingJobEarlyStoppingType": "Auto"},
                            TrainingJobDefinitions=definitions_of("a", "b"))
    assert "Early stopping is available only when tuning a single algorithm" in message


def test_an_algorithm_resource_gives_the_metrics_and_the_tunable_hyperparameters(sagemaker_client):
    sagemaker_client.create_algorithm(AlgorithmName="xgb", TrainingSpecification={
        "TrainingImage": IMAGE, "SupportedTrainingInstanceTypes": ["ml.m5.large"],
        "TrainingChannels": [{"Name": "train", "SupportedContentTypes": ["text/csv"], "SupportedInputModes": ["File"]}],
        "MetricDefinitions": [{"Name": METRIC, "Regex": "auc=(.*)"}],
        "SupportedTuningJobObjectiveMetrics": [{"Type": "Maximize", "MetricName": METRIC}],
        "SupportedHyperParameters": [
            {"Name": "max_depth", "Type": "Integer", "IsTunable": True,
             "Range": {"IntegerParameterRangeSpecification": {"MinValue": "1", "MaxValue": "10"}}},
            {"Name": "num_round", "Type": "Integer", "IsTunable": False}]})
    training = definition(AlgorithmSpecification={"AlgorithmName": "xgb", "TrainingInputMode": "File"})
    ranges = {"IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "2", "MaxValue": "8"}]}
    create(sagemaker_client, tuning=config(ranges=ranges), training=training)
    specification = describe(sagemaker_client)["TrainingJobDefinition"]["AlgorithmSpecification"]
    assert specification["AlgorithmName"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:algorithm/xgb"
    assert specification["MetricDefinitions"] == [{"Name": METRIC, "Regex": "auc=(.*)"}]
    wide = {"IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "2", "MaxValue": "80"}]}
    assert "outside the range" in refused(create, sagemaker_client, "wide", tuning=config(ranges=wide),
                                          training=training)[1]
    fixed = {"IntegerParameterRanges": [{"Name": "num_round", "MinValue": "2", "MaxValue": "8"}]}
    training_without_static = {**training, "StaticHyperParameters": {}}
    assert "not a tunable hyperparameter" in refused(create, sagemaker_client, "fixed", tuning=config(ranges=fixed),
                                                     training=training_without_static)[1]
    assert "is not one of the SupportedTuningJobObjectiveMetrics" in refused(
        create, sagemaker_client, "minimize", tuning=config(objective="Minimize", ranges=ranges), training=training)[1]


# -- warm start -------------------------------------------------------------------------------------


def warm(*parents, kind="IdenticalDataAndAlgorithm"):
    return {"ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": name} for name in parents],
            "WarmStartType": kind}


def test_warm_start_from_finished_parents(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, "parent", tuning=config(jobs=2))
    [top, _other] = children(sagemaker_client, "parent")
    report(sagemaker_mock, top, 0.99)
    ranges = {"ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.2", "MaxValue": "0.3"}],
              "CategoricalParameterRanges": [{"Name": "booster", "Values": ["gbtree", "dart"]}]}
    training = definition(StaticHyperParameters={"num_round": "50", "max_depth": "6"})
    create(sagemaker_client, "child", tuning=config(jobs=2, ranges=ranges), training=training,
           WarmStartConfig=warm("parent"))
    report(sagemaker_mock, children(sagemaker_client, "child")[0], 0.5)
    described = describe(sagemaker_client, "child")
    assert described["WarmStartConfig"] == warm("parent")
    assert described["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == 0.5
    overall = described["OverallBestTrainingJob"]
    assert overall["TrainingJobName"] == top["TrainingJobName"] and overall["TuningJobName"] == "parent"


def test_warm_start_restrictions(sagemaker_client, sagemaker_mock):
    parent_arn = create(sagemaker_client, "parent", tuning=config(jobs=2))
    code, message = refused(create, sagemaker_client, "orphan", WarmStartConfig=warm("nobody"))
    assert "can't find a tuning job called nobody" in message
    sagemaker_mock.set_status(parent_arn, "InProgress")
    code, message = refused(create, sagemaker_client, "early", WarmStartConfig=warm("parent"))
    assert "must be in a terminal state" in message
    sagemaker_mock.set_status(parent_arn, "Completed")
    tuning = config()
    tuning["HyperParameterTuningJobObjective"]["MetricName"] = "train:loss"
    code, message = refused(create, sagemaker_client, "metric", tuning=tuning, WarmStartConfig=warm("parent"))
    assert "must be the same as the objective metric used in the parent jobs" in message
    code, message = refused(create, sagemaker_client, "names", training=definition(StaticHyperParameters={}),
                            WarmStartConfig=warm("parent"))
    assert message.startswith("The set of tunable plus static HyperParameter names is not the same across current "
                              "and parent tuning jobs.")
    retyped = copy.deepcopy(RANGES)
    retyped["IntegerParameterRanges"] = []
    retyped["ContinuousParameterRanges"].append({"Name": "max_depth", "MinValue": "3", "MaxValue": "9"})
    code, message = refused(create, sagemaker_client, "types", tuning=config(ranges=retyped),
                            WarmStartConfig=warm("parent"))
    assert "must not change between parent jobs and the new tuning job" in message
    moved = definition()
    moved["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] = "s3://bucket/other"
    code, message = refused(create, sagemaker_client, "moved", training=moved, WarmStartConfig=warm("parent"))
    assert "uses the same input data" in message
    create(sagemaker_client, "transfer", training=moved, WarmStartConfig=warm("parent", kind="TransferLearning"))
    assert "OverallBestTrainingJob" not in describe(sagemaker_client, "transfer")


# -- lists and Search -------------------------------------------------------------------------------


def test_list_tuning_jobs_sorts_by_name_by_default_and_filters(sagemaker_client, sagemaker_mock):
    for name in ("b-job", "a-job", "c-other"):
        create(sagemaker_client, name, tuning=config(jobs=1, parallel=1))
    sagemaker_mock.set_status(TUNING_ARN + "c-other", "Stopped")
    listed = sagemaker_client.list_hyper_parameter_tuning_jobs()["HyperParameterTuningJobSummaries"]
    assert [s["HyperParameterTuningJobName"] for s in listed] == ["a-job", "b-job", "c-other"]
    assert listed[0]["Strategy"] == "Random"
    assert listed[0]["ResourceLimits"] == {"MaxNumberOfTrainingJobs": 1, "MaxParallelTrainingJobs": 1}
    assert listed[0]["TrainingJobStatusCounters"]["Completed"] == 1
    names = [s["HyperParameterTuningJobName"] for s in sagemaker_client.list_hyper_parameter_tuning_jobs(
        NameContains="JOB", StatusEquals="Completed", SortOrder="Descending")["HyperParameterTuningJobSummaries"]]
    assert names == ["b-job", "a-job"]


def _listed(client, **params):
    return {summary["HyperParameterTuningJobName"]: summary for summary in client.list_hyper_parameter_tuning_jobs(
        MaxResults=100, **params)["HyperParameterTuningJobSummaries"]}


@pytest.mark.sagemock(transitions="seconds", transition_seconds=60)
def test_list_shows_a_job_the_clock_moved_on_without_a_read_of_it(sagemaker_client, sagemaker_mock):
    """List brings up to date only the running jobs, not every job it holds: a job whose training
    jobs ended with the clock is listed as it now is, and a status filter finds it there."""
    create(sagemaker_client, "quick", tuning=config(jobs=1, parallel=1))
    create(sagemaker_client, "slow", tuning=config(jobs=3, parallel=1))
    assert set(_listed(sagemaker_client, StatusEquals="InProgress")) == {"quick", "slow"}
    sagemaker_mock.advance(4 * 60)  # the quick job's one training job is done; the slow job's first too
    assert set(_listed(sagemaker_client, StatusEquals="Completed")) == {"quick"}
    running = _listed(sagemaker_client, StatusEquals="InProgress")
    assert set(running) == {"slow"}
    assert running["slow"]["TrainingJobStatusCounters"] == {"Completed": 1, "InProgress": 1, "RetryableError": 0,
                                                           "NonRetryableError": 0, "Stopped": 0}
    sagemaker_mock.advance(4 * 60)  # the second done: a read launches the third
    assert set(_listed(sagemaker_client, StatusEquals="Completed")) == {"quick"}
    sagemaker_mock.advance(4 * 60)
    listed = _listed(sagemaker_client, StatusEquals="Completed", SortBy="Status")
    assert set(listed) == {"quick", "slow"}
    assert listed["slow"]["TrainingJobStatusCounters"]["Completed"] == 3
    assert describe(sagemaker_client, "slow")["HyperParameterTuningJobStatus"] == "Completed"


@pytest.mark.sagemock(transitions="seconds", transition_seconds=60)
def test_a_restored_running_job_is_still_brought_up_to_date_by_list(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, tuning=config(jobs=1, parallel=1))
    sagemaker_mock.restore(sagemaker_mock.snapshot())
    sagemaker_mock.advance(10 * 60)
    listed = _listed(sagemaker_client, StatusEquals="Completed")
    assert listed["churn"]["TrainingJobStatusCounters"]["Completed"] == 1


def test_list_answers_each_listed_jobs_counters_as_its_training_jobs_now_are(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, tuning=config(jobs=2, parallel=1))
    first = children(sagemaker_client)[0]
    report(sagemaker_mock, first, 0.7)
    sagemaker_mock.set_status(children(sagemaker_client)[1]["TrainingJobArn"], "Stopped")
    listed = _listed(sagemaker_client)["churn"]
    assert listed["ObjectiveStatusCounters"] == {"Succeeded": 1, "Pending": 0, "Failed": 1}
    assert listed["TrainingJobStatusCounters"] == {"Completed": 1, "InProgress": 0, "RetryableError": 0,
                                                   "NonRetryableError": 0, "Stopped": 1}
    assert {member: describe(sagemaker_client)[member] for member in (
        "TrainingJobStatusCounters", "ObjectiveStatusCounters")} == {
        member: listed[member] for member in ("TrainingJobStatusCounters", "ObjectiveStatusCounters")}


def test_list_training_jobs_of_a_tuning_job_sorts_filters_and_pages(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, tuning=config(jobs=4))
    launched = children(sagemaker_client)
    assert [s["TrainingJobName"] for s in launched] == sorted(s["TrainingJobName"] for s in launched)
    report(sagemaker_mock, launched[0], 0.3)
    report(sagemaker_mock, launched[2], 0.8)
    by_value = children(sagemaker_client, SortBy="FinalObjectiveMetricValue", SortOrder="Descending")
    # "any training jobs that did not return an objective metric are not listed"
    assert [s["TrainingJobName"] for s in by_value] == [launched[2]["TrainingJobName"], launched[0]["TrainingJobName"]]
    paged = sagemaker_client.get_paginator("list_training_jobs_for_hyper_parameter_tuning_job").paginate(
        HyperParameterTuningJobName="churn", PaginationConfig={"PageSize": 1}).build_full_result()
    assert [s["TrainingJobName"] for s in paged["TrainingJobSummaries"]] == [s["TrainingJobName"] for s in launched]
    assert children(sagemaker_client, StatusEquals="Failed") == []


def test_search_finds_tuning_jobs_and_their_training_jobs(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    create(sagemaker_client, "other", tuning=config(jobs=1, parallel=1))
    top = children(sagemaker_client)[1]
    report(sagemaker_mock, top, 0.9)
    found = sagemaker_client.search(Resource="HyperParameterTuningJob", SearchExpression={"Filters": [
        {"Name": "BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value", "Operator": "GreaterThan",
         "Value": "0.5"}]})["Results"]
    assert [r["HyperParameterTuningJob"]["HyperParameterTuningJobArn"] for r in found] == [arn]
    record = found[0]["HyperParameterTuningJob"]
    assert record["Tags"] == [{"Key": "team", "Value": "ml"}]
    assert record["BestTrainingJob"]["TrainingJobName"] == top["TrainingJobName"]
    assert record["TrainingJobStatusCounters"]["Completed"] == 4
    trained = sagemaker_client.search(Resource="TrainingJob", SearchExpression={"Filters": [
        {"Name": "TuningJobArn", "Operator": "Equals", "Value": arn}]})["Results"]
    assert len(trained) == 4


def test_concurrent_tuning_jobs_lose_nothing(sagemaker_mock):
    import boto3

    errors = []

    def tune(index):
        client = boto3.client("sagemaker", region_name=REGION, aws_access_key_id=ACCOUNT, aws_secret_access_key="x")
        try:
            create(client, f"job-{index}", tuning=config(jobs=3))
        except Exception as error:  # noqa: BLE001 (collected, asserted below)
            errors.append(error)

    threads = [threading.Thread(target=tune, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    client = boto3.client("sagemaker", region_name=REGION, aws_access_key_id=ACCOUNT, aws_secret_access_key="x")
    assert len(client.list_hyper_parameter_tuning_jobs(MaxResults=100)["HyperParameterTuningJobSummaries"]) == 8
    jobs = client.get_paginator("list_training_jobs").paginate().build_full_result()["TrainingJobSummaries"]
    assert len(jobs) == 24


# -- categorical values given twice, Hyperband's inferred MaxResource, metrics that are no number ----

REPEATED = {"CategoricalParameterRanges": [{"Name": "booster", "Values": ["gbtree", "gbtree", "dart"]}]}


def test_a_categorical_value_given_twice_is_one_category_for_grid(sagemaker_client):
    code, message = refused(create, sagemaker_client, tuning=config("Grid", jobs=3, ranges=REPEATED))
    assert "should equal the total number of distinct categorical combinations possible (2)" in message
    create(sagemaker_client, tuning=config("Grid", jobs=None, ranges=REPEATED))
    described = describe(sagemaker_client)
    assert described["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 2
    assert described["HyperParameterTuningJobConfig"]["ParameterRanges"]["CategoricalParameterRanges"] == \
        REPEATED["CategoricalParameterRanges"]  # answered as given
    assert sorted(s["TunedHyperParameters"]["booster"] for s in children(sagemaker_client)) == ["dart", "gbtree"]


def test_a_categorical_value_given_twice_is_one_combination_for_random(sagemaker_client):
    code, message = refused(create, sagemaker_client, tuning=config(jobs=3, ranges=REPEATED))
    assert code == "ValidationException" and "enough combinations" in message
    create(sagemaker_client, tuning=config(jobs=2, ranges=REPEATED))
    assert sorted(s["TunedHyperParameters"]["booster"] for s in children(sagemaker_client)) == ["dart", "gbtree"]


@pytest.mark.parametrize("static, hyperband, words", [
    ({"epochs": "abc"}, {}, "the static hyperparameter epochs is 'abc', not a whole number"),
    ({"num_epochs": "2.5"}, {}, "the static hyperparameter num_epochs is '2.5', not a whole number"),
    ({"epochs": "30000"}, {}, "(inferred from the static hyperparameter epochs) 30000 is more than the maximum of "
                              "20000 epochs"),
    ({"epochs": "0"}, {}, "0 is less than the minimum of 1"),
    ({"epochs": "10"}, {"MinResource": 20}, "MinResource 20 is more than HyperbandStrategyConfig.MaxResource "
                                            "(inferred from the static hyperparameter epochs) 10"),
    ({}, {"MinResource": 20, "MaxResource": 10}, "MinResource 20 is more than HyperbandStrategyConfig.MaxResource 10"),
])
def test_hyperbands_max_resource_given_or_inferred_is_checked(sagemaker_client, static, hyperband, words):
    strategy = {"StrategyConfig": {"HyperbandStrategyConfig": hyperband}} if hyperband else {}
    code, message = refused(create, sagemaker_client, tuning=config("Hyperband", **strategy),
                            training=definition(StaticHyperParameters=static))
    assert code == "ValidationException" and words in message
    assert sagemaker_client.list_hyper_parameter_tuning_jobs()["HyperParameterTuningJobSummaries"] == []
    assert sagemaker_client.list_training_jobs()["TrainingJobSummaries"] == []


def test_hyperband_infers_max_resource_from_the_first_key_the_model_lists(sagemaker_client):
    create(sagemaker_client, tuning=config("Hyperband", StrategyConfig={"HyperbandStrategyConfig": {"MinResource": 5}}),
           training=definition(StaticHyperParameters={"epochs": "20000", "num_epochs": "junk"}))
    assert describe(sagemaker_client)["HyperParameterTuningJobStatus"] == "Completed"


@pytest.mark.parametrize("objective, value", [("Maximize", float("nan")), ("Maximize", float("inf")),
                                              ("Minimize", float("-inf")), ("Minimize", float("nan"))])
def test_a_metric_that_is_no_finite_number_is_no_objective(sagemaker_client, sagemaker_mock, objective, value):
    create(sagemaker_client, tuning=config(objective=objective))
    first, second = children(sagemaker_client, SortBy="CreationTime")[:2]
    report(sagemaker_mock, first, value)
    report(sagemaker_mock, second, 0.5)
    described = describe(sagemaker_client)
    assert described["BestTrainingJob"]["TrainingJobName"] == second["TrainingJobName"]
    assert described["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == 0.5
    assert described["ObjectiveStatusCounters"] == {"Succeeded": 1, "Pending": 0, "Failed": 3}
    [listed] = [s for s in children(sagemaker_client) if s["TrainingJobName"] == first["TrainingJobName"]]
    assert listed["ObjectiveStatus"] == "Failed" and "FinalHyperParameterTuningJobObjectiveMetric" not in listed
    job = sagemaker_client.describe_training_job(TrainingJobName=first["TrainingJobName"])
    assert job.get("FinalMetricDataList", []) == []  # CloudWatch records no NaN or infinity


def test_a_metric_that_is_no_finite_number_keeps_the_last_finite_value(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    first = children(sagemaker_client, SortBy="CreationTime")[0]
    report(sagemaker_mock, first, 0.8)
    report(sagemaker_mock, first, float("nan"))
    job = sagemaker_client.describe_training_job(TrainingJobName=first["TrainingJobName"])
    assert [(m["MetricName"], m["Value"]) for m in job["FinalMetricDataList"]] == [(METRIC, 0.8)]
    assert describe(sagemaker_client)["BestTrainingJob"]["TrainingJobName"] == first["TrainingJobName"]


@pytest.mark.parametrize("ranges, words", [
    ({"IntegerParameterRanges": [{"Name": "x", "MinValue": "1_000", "MaxValue": "2000"}]}, "'1_000' is not an integer"),
    ({"IntegerParameterRanges": [{"Name": "x", "MinValue": "\u0661", "MaxValue": "5"}]}, "is not an integer"),
    ({"ContinuousParameterRanges": [{"Name": "x", "MinValue": "0.1", "MaxValue": "1_0.5"}]}, "is not a number"),
    ({"ContinuousParameterRanges": [{"Name": "x", "MinValue": "\u0660.5", "MaxValue": "1"}]}, "is not a number"),
])
def test_range_bounds_are_ascii_numbers_without_underscores(sagemaker_client, ranges, words):
    code, message = refused(create, sagemaker_client, tuning=config(ranges=ranges))
    assert code == "ValidationException" and words in message
    assert sagemaker_client.list_training_jobs()["TrainingJobSummaries"] == []
