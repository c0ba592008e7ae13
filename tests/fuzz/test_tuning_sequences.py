"""Sequences of tuning job calls, checked against a model of what exists (as `test_sequences.py` does for
the other families).

Tuning jobs are created (with names that collide regardless of case), described, listed, stopped, deleted
and put back in progress with `mock.set_status`; their training jobs report objective values. After every
step the mock must agree with the model: the tuning jobs listed, each one's status, how many training jobs
it launched, its best training job (the highest value reported), and every training job it ever launched
still listed by ListTrainingJobs (DeleteHyperParameterTuningJob "does not delete training jobs"). A refused
call changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from tests.fuzz import world
from tests.fuzz.conftest import selected
from tests.fuzz.test_sequences import Machine

NAMES = st.sampled_from(["tune", "Tune", "TUNE-2", "tune-2", "other"])
METRIC = "validation:auc"


def request(name: str, jobs: int, parallel: int) -> dict[str, Any]:
    return {
        "HyperParameterTuningJobName": name,
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random",
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": METRIC},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": jobs, "MaxParallelTrainingJobs": parallel},
            "ParameterRanges": {"ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5"}]},
        },
        "TrainingJobDefinition": {
            "AlgorithmSpecification": {"TrainingImage": world.IMAGE, "TrainingInputMode": "File",
                                       "MetricDefinitions": [{"Name": METRIC, "Regex": "auc=(.*)"}]},
            "RoleArn": world.ROLE,
            "OutputDataConfig": {"S3OutputPath": f"{world.DATA}/tuning"},
            "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        },
    }


@dataclass
class Job:
    name: str
    arn: str
    status: str = "Completed"
    children: list[str] = field(default_factory=list)
    #: Training job name -> the objective value reported for it.
    values: dict[str, float] = field(default_factory=dict)


class TuningSequences(Machine):
    def __init__(self) -> None:
        super().__init__()
        self.jobs: dict[str, Job] = {}  # lower-cased name -> the model's job
        self.launched: set[str] = set()  # every training job ever launched

    @rule(name=NAMES, jobs=st.integers(1, 3), parallel=st.integers(1, 2))
    def create(self, name: str, jobs: int, parallel: int) -> None:
        held = self.jobs.get(name.lower())
        if held is not None:
            answer = self.refused("ResourceInUse", "create_hyper_parameter_tuning_job", **request(name, jobs, parallel))
            assert f", {held.name}, already exists" in answer["Message"]
            return
        arn = self.sm.create_hyper_parameter_tuning_job(**request(name, jobs, parallel))["HyperParameterTuningJobArn"]
        assert arn == f"arn:aws:sagemaker:{world.REGION}:{world.ACCOUNT}:hyper-parameter-tuning-job/{name}"
        children = [summary["TrainingJobName"] for summary in self.sm.list_training_jobs_for_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name, MaxResults=100)["TrainingJobSummaries"]]
        assert len(children) == jobs
        self.jobs[name.lower()] = Job(name, arn, children=children)
        self.launched |= set(children)

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), value=st.floats(0, 1, allow_nan=False))
    def report(self, data: st.DataObject, value: float) -> None:
        job = data.draw(st.sampled_from(sorted(self.jobs.values(), key=lambda held: held.name)))
        child = data.draw(st.sampled_from(job.children))
        arn = self.sm.describe_training_job(TrainingJobName=child)["TrainingJobArn"]
        self.mock.put_training_metrics(arn, {METRIC: value})
        job.values[child] = value

    @rule(name=NAMES)
    def describe(self, name: str) -> None:
        job = self.jobs.get(name.lower())
        if job is None:
            answer = self.refused("ResourceNotFound", "describe_hyper_parameter_tuning_job",
                                  HyperParameterTuningJobName=name)
            assert answer["Message"] == f"Amazon SageMaker can't find a tuning job called {name}. Type another name."
            return
        described = self.sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
        assert described["HyperParameterTuningJobArn"] == job.arn
        assert described["HyperParameterTuningJobStatus"] == job.status
        assert sum(described["TrainingJobStatusCounters"].values()) == len(job.children)
        assert described["ObjectiveStatusCounters"]["Succeeded"] == len(job.values)
        if job.values:
            best = max(job.values.values())
            assert described["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == best
            assert job.values[described["BestTrainingJob"]["TrainingJobName"]] == best
        else:
            assert "BestTrainingJob" not in described

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), status=st.sampled_from(["InProgress", "Completed", "Failed", "Stopped"]))
    def set_status(self, data: st.DataObject, status: str) -> None:
        job = data.draw(st.sampled_from(sorted(self.jobs.values(), key=lambda held: held.name)))
        self.mock.set_status(job.arn, status)
        job.status = status

    @rule(name=NAMES)
    def stop(self, name: str) -> None:
        job = self.jobs.get(name.lower())
        if job is None:
            self.refused("ResourceNotFound", "stop_hyper_parameter_tuning_job", HyperParameterTuningJobName=name)
        elif job.status != "InProgress":
            assert "already" in self.refused("ValidationException", "stop_hyper_parameter_tuning_job",
                                             HyperParameterTuningJobName=name)["Message"]
        else:
            self.sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
            job.status = "Stopped"

    @rule(name=NAMES)
    def delete(self, name: str) -> None:
        job = self.jobs.get(name.lower())
        if job is None:
            self.refused("ValidationException", "delete_hyper_parameter_tuning_job", HyperParameterTuningJobName=name)
        elif job.status not in ("Completed", "Failed", "Stopped"):
            assert "not in a terminal state" in self.refused("ValidationException", "delete_hyper_parameter_tuning_job",
                                                             HyperParameterTuningJobName=name)["Message"]
        else:
            self.sm.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
            del self.jobs[name.lower()]

    @invariant()
    def lists_agree(self) -> None:
        listed = self.listed("list_hyper_parameter_tuning_jobs", "HyperParameterTuningJobSummaries",
                             "HyperParameterTuningJobArn")
        assert sorted(listed) == sorted(job.arn for job in self.jobs.values())
        training = self.sm.get_paginator("list_training_jobs").paginate().build_full_result()["TrainingJobSummaries"]
        assert {summary["TrainingJobName"] for summary in training} == self.launched


TestTuningSequences = TuningSequences.TestCase
TestTuningSequences.settings = selected()
