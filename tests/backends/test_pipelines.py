"""SageMaker Pipelines: pipelines, versions, executions and their steps, through boto3."""
from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from tests.model_support import declared, requires_member, requires_output_member

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/pipelines"
PIPELINE_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/"
UTC = dt.timezone.utc
STEP = "pipeline/execution/step"

IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/churn:1"


def processing_arguments(instance_count=1, **extra):
    """A CreateProcessingJob request less its name, as a Processing step's `Arguments` hold it."""
    return {"ProcessingResources": {"ClusterConfig": {"InstanceCount": instance_count, "InstanceType": "ml.m5.xlarge",
                                                      "VolumeSizeInGB": 30}},
            "AppSpecification": {"ImageUri": IMAGE}, "RoleArn": ROLE,
            "ProcessingOutputConfig": {"Outputs": [{"OutputName": "train", "S3Output": {
                "S3Uri": "s3://bucket/prepared/train", "LocalPath": "/opt/ml/processing/train",
                "S3UploadMode": "EndOfJob"}}]}, **extra}


def training_arguments(train_uri="s3://bucket/train", **extra):
    """A CreateTrainingJob request less its name, as a Training step's `Arguments` hold it."""
    return {"AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"}, "RoleArn": ROLE,
            "OutputDataConfig": {"S3OutputPath": "s3://bucket/models"},
            "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
            "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": train_uri}}}], **extra}


def training(name="Train", **extra):
    return {"Name": name, "Type": "Training", "Arguments": training_arguments(), **extra}


def processing(name="Prepare", **extra):
    return {"Name": name, "Type": "Processing", "Arguments": processing_arguments(), **extra}


def model_step(name="Ship", **environment):
    return {"Name": name, "Type": "Model", "Arguments": {
        "ExecutionRoleArn": ROLE, "PrimaryContainer": {"Image": IMAGE, "ModelDataUrl": "s3://bucket/models/model.tar.gz",
                                                       "Environment": environment}}}


TWO_STEPS = {
    "Version": "2020-12-01",
    "Parameters": [{"Name": "InstanceCount", "Type": "Integer", "DefaultValue": 1},
                   {"Name": "InputData", "Type": "String", "DefaultValue": "s3://bucket/in"}],
    "PipelineExperimentConfig": {"ExperimentName": {"Get": "Execution.PipelineName"},
                                 "TrialName": {"Get": "Execution.PipelineExecutionId"}},
    "Steps": [
        {"Name": "Prepare", "Type": "Processing", "DisplayName": "Prepare data", "Description": "splits the data",
         "Arguments": processing_arguments({"Get": "Parameters.InstanceCount"}, ProcessingInputs=[{
             "InputName": "raw", "S3Input": {"S3Uri": {"Get": "Parameters.InputData"}, "LocalPath": "/opt/ml/processing/in",
                                             "S3DataType": "S3Prefix", "S3InputMode": "File"}}])},
        {"Name": "Train", "Type": "Training", "Arguments": training_arguments(
            {"Get": "Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"})},
    ],
}


def definition(steps, parameters=(), **extra):
    return json.dumps({"Version": "2020-12-01", "Parameters": list(parameters), "Steps": steps, **extra})


def create(client, name="flow", body=None, **kwargs):
    text = body if body is not None else json.dumps(TWO_STEPS)
    return client.create_pipeline(PipelineName=name, PipelineDefinition=text, RoleArn=ROLE,
                                  **kwargs)["PipelineArn"]


def start(client, name="flow", **kwargs):
    return client.start_pipeline_execution(PipelineName=name, **kwargs)["PipelineExecutionArn"]


def describe(client, arn):
    return client.describe_pipeline_execution(PipelineExecutionArn=arn)


def status(client, arn):
    return describe(client, arn)["PipelineExecutionStatus"]


def steps(client, arn, **kwargs):
    return client.list_pipeline_execution_steps(PipelineExecutionArn=arn, **kwargs)["PipelineExecutionSteps"]


def step_states(client, arn):
    return {step["StepName"]: step["StepStatus"] for step in steps(client, arn)}


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def executions(client, name="flow", **kwargs):
    return client.list_pipeline_executions(PipelineName=name, **kwargs)["PipelineExecutionSummaries"]


def callback(name="Approve", **extra):
    return {"Name": name, "Type": "Callback", "Arguments": {},
            "SqsQueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
            "OutputParameters": [{"OutputName": "verdict", "OutputType": "String"}], **extra}


# -- pipelines -----------------------------------------------------------------------------

def test_create_describe_and_list_a_pipeline(sagemaker_client):
    with freeze_time("2024-05-01 10:00:00"):
        arn = create(sagemaker_client, name="Churn", PipelineDescription="weekly churn model",
                     ParallelismConfiguration={"MaxParallelExecutionSteps": 2}, Tags=[{"Key": "team", "Value": "ml"}])
    # The ARN keeps the name's case: a 2024 DescribePipelineExecution transcript shows
    # "PipelineArn": "...:pipeline/SimpleXGBoostPipeline" (AWS lower-cased it until late 2022).
    assert arn == PIPELINE_ARN + "Churn"
    described = sagemaker_client.describe_pipeline(PipelineName="Churn")
    at = dt.datetime(2024, 5, 1, 10, tzinfo=UTC)
    user = described["CreatedBy"]
    assert user == {}  # IamIdentity is documented for registry and project entities only
    assert {k: v for k, v in described.items() if k != "ResponseMetadata"} == {
        "PipelineArn": arn, "PipelineName": "Churn", "PipelineDisplayName": "Churn",
        "PipelineDefinition": json.dumps(TWO_STEPS), "PipelineDescription": "weekly churn model", "RoleArn": ROLE,
        "PipelineStatus": "Active", "CreationTime": at, "LastModifiedTime": at, "CreatedBy": user,
        "LastModifiedBy": user, "ParallelismConfiguration": {"MaxParallelExecutionSteps": 2},
    }
    # Names ignore case (SageMaker keys pipelines by the lower-cased name), ARNs are accepted too.
    assert sagemaker_client.describe_pipeline(PipelineName="churn")["PipelineArn"] == arn
    assert sagemaker_client.describe_pipeline(PipelineName=arn.lower())["PipelineName"] == "Churn"
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
    summaries = sagemaker_client.list_pipelines()["PipelineSummaries"]
    assert summaries == [{"PipelineArn": arn, "PipelineName": "Churn", "PipelineDisplayName": "Churn",
                          "PipelineDescription": "weekly churn model", "RoleArn": ROLE, "CreationTime": at,
                          "LastModifiedTime": at}]


def test_a_duplicate_name_is_refused_in_any_case(sagemaker_client):
    arn = create(sagemaker_client, name="Churn")
    for duplicate in ("Churn", "CHURN"):
        with pytest.raises(ClientError) as err:
            create(sagemaker_client, name=duplicate, body=definition([]))
        code, message = error_of(err)
        assert code == "ValidationException"
        assert "Pipeline names must be unique within an AWS account and region" in message and "already exists" in message
    assert [p["PipelineName"] for p in sagemaker_client.list_pipelines()["PipelineSummaries"]] == ["Churn"]
    assert sagemaker_client.describe_pipeline(PipelineName=arn)["PipelineDefinition"] == json.dumps(TWO_STEPS)


@pytest.mark.parametrize("body, words", [
    ("{not json", "not valid JSON"),
    (json.dumps({"Version": "2020-12-01"}), "has no Steps"),
    (definition([{"Name": "A", "Type": "Training"}, {"Name": "A", "Type": "Processing"}]), "two steps named A"),
    (definition([{"Name": "A", "Type": "Training", "DependsOn": ["Nope"]}]), "'Nope'"),
    (definition([{"Name": "A", "Type": "Training", "DependsOn": ["B"]},
                 {"Name": "B", "Type": "Training", "DependsOn": ["A"]}]), "cycle"),
    (definition([{"Name": "A", "Type": "Training", "Arguments": {"x": {"Get": "Parameters.Missing"}}}]),
     "parameter 'Missing'"),
    (definition([], [{"Name": "N", "Type": "Integer", "DefaultValue": "one"}]), "must be an Integer"),
])
def test_an_invalid_definition_is_refused(sagemaker_client, body, words):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, body=body)
    code, message = error_of(err)
    assert code == "ValidationException" and words in message
    assert sagemaker_client.list_pipelines()["PipelineSummaries"] == []


def test_missing_pipelines_are_resource_not_found(sagemaker_client):
    for call in (lambda: sagemaker_client.describe_pipeline(PipelineName="ghost"),
                 lambda: start(sagemaker_client, "ghost"),
                 lambda: sagemaker_client.list_pipeline_executions(PipelineName="ghost"),
                 lambda: sagemaker_client.delete_pipeline(PipelineName="ghost")):
        with pytest.raises(ClientError) as err:
            call()
        code, message = error_of(err)
        assert code == "ResourceNotFound" and message == f"Pipeline '{PIPELINE_ARN}ghost' does not exist."


@requires_output_member("UpdatePipeline", "PipelineVersionId")
def test_update_makes_a_version_only_when_the_definition_changes(sagemaker_client):
    arn = create(sagemaker_client)
    first = sagemaker_client.update_pipeline(PipelineName="flow", PipelineDescription="same steps",
                                             PipelineDefinition=json.dumps(TWO_STEPS, indent=2))
    assert first["PipelineVersionId"] == 1  # the same definition, written differently
    changed = definition([training("Only")])
    assert sagemaker_client.update_pipeline(PipelineName="flow", PipelineDefinition=changed)["PipelineVersionId"] == 2
    latest = sagemaker_client.describe_pipeline(PipelineName="flow")
    assert latest["PipelineDefinition"] == changed and latest["PipelineDescription"] == "same steps"
    assert sagemaker_client.describe_pipeline(PipelineName="flow", PipelineVersionId=1)["PipelineDefinition"] == \
        json.dumps(TWO_STEPS)
    sagemaker_client.update_pipeline_version(PipelineArn=arn, PipelineVersionId=1,
                                             PipelineVersionDisplayName="first", PipelineVersionDescription="v1")
    versions = sagemaker_client.list_pipeline_versions(PipelineName="flow")["PipelineVersionSummaries"]
    assert [(v["PipelineVersionId"], v.get("PipelineVersionDisplayName")) for v in versions] == [(2, None), (1, "first")]
    old = sagemaker_client.describe_pipeline(PipelineName="flow", PipelineVersionId=1)
    assert (old["PipelineVersionDisplayName"], old["PipelineVersionDescription"]) == ("first", "v1")
    # An execution of an older version runs that version's definition.
    execution = start(sagemaker_client, PipelineVersionId=1)
    assert describe(sagemaker_client, execution)["PipelineVersionId"] == 1
    assert sagemaker_client.describe_pipeline_definition_for_execution(
        PipelineExecutionArn=execution)["PipelineDefinition"] == json.dumps(TWO_STEPS)
    assert set(step_states(sagemaker_client, execution)) == {"Prepare", "Train"}
    versions = sagemaker_client.list_pipeline_versions(PipelineName="flow")["PipelineVersionSummaries"]
    assert versions[1]["LastExecutionPipelineExecutionArn"] == execution
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_pipeline(PipelineName="flow", PipelineVersionId=7)
    assert error_of(err)[0] == "ResourceNotFound"


@requires_member("UpdatePipeline", "PipelineVersionAliases")
def test_version_aliases(sagemaker_client):
    arn = create(sagemaker_client, PipelineVersionAliases=["stable"])
    with pytest.raises(ClientError) as err:  # the definition does not change: no new version to alias
        sagemaker_client.update_pipeline(PipelineName="flow", PipelineDescription="x", PipelineVersionAliases=["next"])
    assert error_of(err)[0] == "ValidationException"
    sagemaker_client.update_pipeline(PipelineName="flow", PipelineDefinition=definition([]),
                                     PipelineVersionAliases=["next"])
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_pipeline_version(PipelineArn=arn, PipelineVersionId=2,
                                                 PipelineVersionAliasOperations={"Add": ["stable"]})
    assert error_of(err)[0] == "ValidationException" and "already assigned to version 1" in error_of(err)[1]
    assert sagemaker_client.describe_pipeline(PipelineName="flow", PipelineVersionAlias="stable")["PipelineDefinition"] \
        == json.dumps(TWO_STEPS)
    execution = start(sagemaker_client, PipelineVersionAlias="stable")
    assert describe(sagemaker_client, execution)["PipelineVersionId"] == 1


def test_delete_walks_deleting_then_the_pipeline_and_its_executions_are_gone(sagemaker_client, sagemaker_mock):
    execution = start(sagemaker_client, create(sagemaker_client))
    with pytest.raises(ClientError):
        describe(sagemaker_client, execution + "x")
    sagemaker_client.delete_pipeline(PipelineName="flow")
    for call in (lambda: sagemaker_client.describe_pipeline(PipelineName="flow"), lambda: describe(sagemaker_client, execution)):
        with pytest.raises(ClientError) as err:
            call()
        assert error_of(err)[0] == "ResourceNotFound"
    assert sagemaker_client.list_pipelines()["PipelineSummaries"] == []
    create(sagemaker_client)  # the name is free again


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_delete_is_refused_while_an_execution_runs_and_shows_deleting(sagemaker_client):
    create(sagemaker_client)
    execution = start(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_pipeline(PipelineName="flow")
    code, message = error_of(err)
    assert code == "ConflictException" and execution in message
    assert status(sagemaker_client, execution) == "Executing"
    sagemaker_client.stop_pipeline_execution(PipelineExecutionArn=execution)
    assert [status(sagemaker_client, execution) for _ in range(2)] == ["Stopping", "Stopped"]
    sagemaker_client.delete_pipeline(PipelineName="flow")
    with pytest.raises(ClientError) as err:
        start(sagemaker_client)
    assert error_of(err) == ("ConflictException", f"Pipeline {PIPELINE_ARN}flow is Deleting: it can be started only "
                                                  "when it is Active.")
    assert sagemaker_client.describe_pipeline(PipelineName="flow")["PipelineStatus"] == "Deleting"
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_pipeline(PipelineName="flow")
    assert error_of(err)[0] == "ResourceNotFound"


# -- executions ----------------------------------------------------------------------------

def test_pipeline_and_execution_arns_keep_the_names_case(sagemaker_client):
    """A 2024 transcript: StartPipelineExecution returns `...:pipeline/SimpleXGBoostPipeline/execution/
    ztefwbnlgoif` and DescribePipelineExecution `"PipelineArn": "...:pipeline/SimpleXGBoostPipeline"`, with
    `CreatedBy.IamIdentity`, and the pipeline's default experiment named `simplexgboostpipeline`."""
    pipeline_arn = create(sagemaker_client, name="SimpleXGBoostPipeline")
    assert pipeline_arn == PIPELINE_ARN + "SimpleXGBoostPipeline"
    arn = start(sagemaker_client, "SimpleXGBoostPipeline")
    assert arn.startswith(PIPELINE_ARN + "SimpleXGBoostPipeline/execution/")
    # Lookups still ignore case, by name and by ARN.
    described = describe(sagemaker_client, arn.replace("SimpleXGBoostPipeline", "simplexgboostpipeline"))
    assert (described["PipelineArn"], described["PipelineExecutionArn"]) == (pipeline_arn, arn)
    assert sagemaker_client.describe_pipeline(PipelineName=PIPELINE_ARN + "SIMPLEXGBOOSTPIPELINE")["PipelineArn"] \
        == pipeline_arn
    assert described["CreatedBy"]["IamIdentity"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/sagemock"
    assert described["LastModifiedBy"] == described["CreatedBy"]
    assert described["PipelineExperimentConfig"]["ExperimentName"] == "simplexgboostpipeline"
    assert [summary["PipelineExecutionArn"] for summary in executions(sagemaker_client, "simplexgboostpipeline")] \
        == [arn]


def test_a_two_step_execution_with_a_parameter(sagemaker_client):
    with freeze_time("2024-05-01 10:00:00"):
        create(sagemaker_client, name="Churn")
    with freeze_time("2024-05-02 08:30:00"):
        arn = start(sagemaker_client, "Churn", PipelineParameters=[{"Name": "InstanceCount", "Value": "3"}])
    execution_id = arn.rsplit("/", 1)[1]
    assert arn == f"{PIPELINE_ARN}Churn/execution/{execution_id}"
    assert len(execution_id) == 12 and execution_id.isalnum() and execution_id == execution_id.lower()
    described = describe(sagemaker_client, arn)
    at = dt.datetime(2024, 5, 2, 8, 30, tzinfo=UTC)
    assert {k: v for k, v in described.items() if k not in ("ResponseMetadata", "CreatedBy", "LastModifiedBy")} == {
        "PipelineArn": PIPELINE_ARN + "Churn", "PipelineExecutionArn": arn,
        "PipelineExecutionDisplayName": f"execution-{int(at.timestamp() * 1000)}",
        "PipelineExecutionStatus": "Succeeded",
        "PipelineExperimentConfig": {"ExperimentName": "churn", "TrialName": execution_id},
        "CreationTime": at, "LastModifiedTime": at,
        **({"PipelineVersionId": 1} if declared("DescribePipelineExecutionResponse", "PipelineVersionId") else {}),
    }
    assert sagemaker_client.list_pipeline_parameters_for_execution(PipelineExecutionArn=arn)["PipelineParameters"] == [
        {"Name": "InstanceCount", "Value": "3"}, {"Name": "InputData", "Value": "s3://bucket/in"}]
    listed = steps(sagemaker_client, arn)
    assert [step["StepName"] for step in listed] == ["Train", "Prepare"]  # newest first
    prepare = listed[1]
    assert prepare["StepDisplayName"] == "Prepare data" and prepare["StepDescription"] == "splits the data"
    assert (prepare["StepStatus"], prepare["StartTime"], prepare["EndTime"], prepare["AttemptCount"]) == \
        ("Succeeded", at, at, 1)
    job = prepare["Metadata"]["ProcessingJob"]["Arn"]
    assert job.startswith(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:processing-job/pipelines-{execution_id}-Prepare-")  # keeps case (2026 step metadata: `training-job/pipelines-<id>-EvaluateCustomModel-...`)
    assert listed[0]["Metadata"]["TrainingJob"]["Arn"].startswith(
        f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/pipelines-{execution_id}-Train-")
    assert [s["StepName"] for s in steps(sagemaker_client, arn, SortOrder="Ascending")] == ["Prepare", "Train"]
    assert sagemaker_client.describe_pipeline(PipelineName="Churn")["LastRunTime"] == at


def test_list_executions_sorts_filters_and_pages(sagemaker_client):
    create(sagemaker_client)
    arns = []
    for day in (1, 2, 3):
        with freeze_time(f"2024-05-0{day} 12:00:00"):
            arns.append(start(sagemaker_client, PipelineExecutionDisplayName=f"run-{day}",
                              PipelineExecutionDescription=f"day {day}"))
    assert [e["PipelineExecutionArn"] for e in executions(sagemaker_client)] == arns[::-1]
    assert [e["PipelineExecutionArn"] for e in executions(sagemaker_client, SortOrder="Ascending")] == arns
    assert [e["PipelineExecutionArn"] for e in executions(sagemaker_client, SortBy="PipelineExecutionArn",
                                                          SortOrder="Ascending")] == sorted(arns)
    window = executions(sagemaker_client, CreatedAfter=dt.datetime(2024, 5, 1, 12, tzinfo=UTC),
                        CreatedBefore=dt.datetime(2024, 5, 3, 12, tzinfo=UTC))
    assert [e["PipelineExecutionDisplayName"] for e in window] == ["run-2"]
    first = sagemaker_client.list_pipeline_executions(PipelineName="flow", MaxResults=2)
    second = sagemaker_client.list_pipeline_executions(PipelineName="flow", MaxResults=2, NextToken=first["NextToken"])
    assert [e["PipelineExecutionArn"] for e in first["PipelineExecutionSummaries"] + second["PipelineExecutionSummaries"]] \
        == arns[::-1]
    assert "NextToken" not in second
    assert first["PipelineExecutionSummaries"][0] == {
        "PipelineExecutionArn": arns[2], "StartTime": dt.datetime(2024, 5, 3, 12, tzinfo=UTC),
        "PipelineExecutionStatus": "Succeeded", "PipelineExecutionDescription": "day 3",
        "PipelineExecutionDisplayName": "run-3"}


def test_parameters_are_checked_against_the_definition(sagemaker_client):
    create(sagemaker_client)
    for parameters, words in (
            ([{"Name": "InstanceCount", "Value": "three"}], "The value of parameter InstanceCount must be an Integer"),
            ([{"Name": "InputData", "Value": "a"}, {"Name": "InputData", "Value": "b"}], "more than once")):
        with pytest.raises(ClientError) as err:
            start(sagemaker_client, PipelineParameters=parameters)
        code, message = error_of(err)
        assert code == "ValidationException" and words in message
    assert executions(sagemaker_client) == []
    assert "LastRunTime" not in sagemaker_client.describe_pipeline(PipelineName="flow")


def test_a_parameter_the_definition_does_not_declare_is_ignored(sagemaker_client):
    """AWS states no refusal of an undeclared parameter at start: it is not used, nor listed."""
    create(sagemaker_client)
    arn = start(sagemaker_client, PipelineParameters=[{"Name": "Epochs", "Value": "3"}])
    listed = sagemaker_client.list_pipeline_parameters_for_execution(PipelineExecutionArn=arn)["PipelineParameters"]
    assert [parameter["Name"] for parameter in listed] == ["InstanceCount", "InputData"]


def test_an_execution_variable_sagemock_does_not_know_is_accepted(sagemaker_client):
    """AWS may add execution variables; one sagemock does not know is a value it cannot know (a
    condition reading it holds; a step creating a resource with it fails, saying so)."""
    body = definition([{"Name": "Gate", "Type": "Condition", "Arguments": {
        "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Execution.SomethingNew"}, "RightValue": "x"}],
        "IfSteps": [training("Only", Arguments=training_arguments(Environment={"TAG": {"Get": "Execution.SomethingNew"}}))],
        "ElseSteps": []}}])
    create(sagemaker_client, body=body)
    arn = start(sagemaker_client)
    assert status(sagemaker_client, arn) == "Failed"
    listed = {s["StepName"]: s for s in steps(sagemaker_client, arn)}
    assert listed["Gate"]["Metadata"] == {"Condition": {"Outcome": "True"}}
    assert listed["Only"]["StepStatus"] == "Failed" and listed["Only"]["Metadata"] == {}
    assert "Execution.SomethingNew" in listed["Only"]["FailureReason"]


def test_typed_parameters_defaults_and_enums(sagemaker_client):
    parameters = [{"Name": "Rate", "Type": "Float", "DefaultValue": 0.5}, {"Name": "Deploy", "Type": "Boolean"},
                  {"Name": "Stage", "Type": "String", "DefaultValue": "dev", "EnumValues": ["dev", "prod"]}]
    create(sagemaker_client, body=definition([training("Only")], parameters))
    with pytest.raises(ClientError) as err:
        start(sagemaker_client)
    assert error_of(err)[1] == "Parameter Deploy has no default value: give it a value in PipelineParameters."
    with pytest.raises(ClientError) as err:
        start(sagemaker_client, PipelineParameters=[{"Name": "Deploy", "Value": "yes"}])
    assert "must be a Boolean" in error_of(err)[1]
    with pytest.raises(ClientError) as err:
        start(sagemaker_client, PipelineParameters=[{"Name": "Deploy", "Value": "true"}, {"Name": "Stage", "Value": "qa"}])
    assert "must be one of dev, prod" in error_of(err)[1]
    arn = start(sagemaker_client, PipelineParameters=[{"Name": "Deploy", "Value": "TRUE"}])
    assert sagemaker_client.list_pipeline_parameters_for_execution(PipelineExecutionArn=arn)["PipelineParameters"] == [
        {"Name": "Rate", "Value": "0.5"}, {"Name": "Deploy", "Value": "TRUE"}, {"Name": "Stage", "Value": "dev"}]


def test_listing_steps_without_an_execution_lists_nothing(sagemaker_client):
    """`PipelineExecutionArn` is optional in the model, and AWS states no refusal: nothing to list."""
    create(sagemaker_client)
    start(sagemaker_client)
    assert sagemaker_client.list_pipeline_execution_steps()["PipelineExecutionSteps"] == []


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_steps_progress_one_status_per_read_and_a_stop(sagemaker_client):
    create(sagemaker_client)
    arn = start(sagemaker_client)
    assert status(sagemaker_client, arn) == "Executing"
    assert step_states(sagemaker_client, arn) == {"Prepare": "Executing"}
    assert step_states(sagemaker_client, arn) == {"Prepare": "Succeeded", "Train": "Starting"}
    # A write sees the status the reads have earned: Train is Executing when the stop arrives.
    sagemaker_client.stop_pipeline_execution(PipelineExecutionArn=arn)
    assert status(sagemaker_client, arn) == "Stopping"
    assert step_states(sagemaker_client, arn) == {"Prepare": "Succeeded", "Train": "Stopped"}
    described = describe(sagemaker_client, arn)
    assert described["PipelineExecutionStatus"] == "Stopped" and "FailureReason" not in described
    with pytest.raises(ClientError) as err:
        sagemaker_client.stop_pipeline_execution(PipelineExecutionArn=arn)
    assert error_of(err) == ("ConflictException", f"Pipeline execution {arn} is Stopped: only an execution that is "
                                                  "Executing can be stopped.")
    with pytest.raises(ClientError) as err:
        sagemaker_client.retry_pipeline_execution(PipelineExecutionArn=arn)
    assert error_of(err)[0] == "ConflictException" and "only an execution that is Failed can be retried" in error_of(err)[1]
    assert status(sagemaker_client, arn) == "Stopped"


def test_a_named_step_made_to_fail_fails_the_execution_and_a_retry_reruns_it(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    sagemaker_mock.fail_next(STEP, reason="AlgorithmError: loss is NaN", name="Train")
    arn = start(sagemaker_client)
    described = describe(sagemaker_client, arn)
    assert described["PipelineExecutionStatus"] == "Failed"
    assert described["FailureReason"] == "Step failure: One or multiple steps failed."
    train = {s["StepName"]: s for s in steps(sagemaker_client, arn)}["Train"]
    assert (train["StepStatus"], train["FailureReason"], train["AttemptCount"]) == \
        ("Failed", "AlgorithmError: loss is NaN", 1)
    assert executions(sagemaker_client)[0]["PipelineExecutionFailureReason"] == "Step failure: One or multiple steps failed."
    sagemaker_client.retry_pipeline_execution(PipelineExecutionArn=arn, ParallelismConfiguration={"MaxParallelExecutionSteps": 1})
    described = describe(sagemaker_client, arn)
    assert described["PipelineExecutionStatus"] == "Succeeded" and "FailureReason" not in described
    assert described["ParallelismConfiguration"] == {"MaxParallelExecutionSteps": 1}
    states = {s["StepName"]: (s["StepStatus"], s["AttemptCount"], "FailureReason" in s) for s in steps(sagemaker_client, arn)}
    assert states == {"Prepare": ("Succeeded", 1, False), "Train": ("Succeeded", 2, False)}
    with pytest.raises(ClientError) as err:
        sagemaker_client.retry_pipeline_execution(PipelineExecutionArn=arn)
    assert error_of(err)[0] == "ConflictException"


def test_after_a_failure_the_later_steps_do_not_start(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    sagemaker_mock.fail_next(STEP, reason="no capacity", name="Prepare")
    arn = start(sagemaker_client)
    assert step_states(sagemaker_client, arn) == {"Prepare": "Failed"}
    assert status(sagemaker_client, arn) == "Failed"


def test_an_execution_made_to_fail_as_it_starts(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    sagemaker_mock.fail_next("pipeline/execution", reason="cannot assume the role", name="flow")
    arn = start(sagemaker_client)
    described = describe(sagemaker_client, arn)
    assert (described["PipelineExecutionStatus"], described["FailureReason"]) == ("Failed", "cannot assume the role")
    assert steps(sagemaker_client, arn) == []


def test_update_execution(sagemaker_client):
    create(sagemaker_client)
    arn = start(sagemaker_client)
    sagemaker_client.update_pipeline_execution(PipelineExecutionArn=arn, PipelineExecutionDisplayName="renamed",
                                               PipelineExecutionDescription="checked")
    described = describe(sagemaker_client, arn)
    assert (described["PipelineExecutionDisplayName"], described["PipelineExecutionDescription"]) == ("renamed", "checked")
    other = arn[:-1] + ("1" if arn.endswith("0") else "0")  # an execution id that does not exist
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_pipeline_execution(PipelineExecutionArn=other)
    assert error_of(err) == ("ResourceNotFound", f"Pipeline execution '{other}' does not exist.")


def test_parallelism_limits_how_many_steps_run_at_once(sagemaker_client):
    create(sagemaker_client, body=definition([{"Name": n, "Type": "Callback", "Arguments": {}} for n in "ABC"]),
           ParallelismConfiguration={"MaxParallelExecutionSteps": 2})
    arn = start(sagemaker_client)
    assert step_states(sagemaker_client, arn) == {"A": "Executing", "B": "Executing"}
    token = {s["StepName"]: s for s in steps(sagemaker_client, arn)}["A"]["Metadata"]["Callback"]["CallbackToken"]
    sagemaker_client.send_pipeline_execution_step_success(CallbackToken=token)
    assert step_states(sagemaker_client, arn) == {"A": "Succeeded", "B": "Executing", "C": "Executing"}


# -- callback steps ------------------------------------------------------------------------

def test_a_callback_step_waits_for_its_token_then_succeeds(sagemaker_client):
    body = definition([callback(), model_step("Deploy", VERDICT={"Get": "Steps.Approve.OutputParameters['verdict']"})])
    create(sagemaker_client, body=body)
    arn = start(sagemaker_client)
    assert status(sagemaker_client, arn) == "Executing"
    [waiting] = steps(sagemaker_client, arn)
    assert waiting["StepStatus"] == "Executing"
    token = waiting["Metadata"]["Callback"]["CallbackToken"]
    assert len(token) == 10 and token.isalnum()
    assert waiting["Metadata"]["Callback"]["SqsQueueUrl"].endswith("/approvals")
    # An output the step does not declare is kept as sent (AWS states no refusal).
    answer = sagemaker_client.send_pipeline_execution_step_success(
        CallbackToken=token, OutputParameters=[{"Name": "verdict", "Value": "approved"}, {"Name": "other", "Value": "x"}])
    assert answer["PipelineExecutionArn"] == arn
    assert status(sagemaker_client, arn) == "Succeeded"
    listed = {s["StepName"]: s for s in steps(sagemaker_client, arn)}
    assert listed["Approve"]["Metadata"]["Callback"]["OutputParameters"] == [
        {"Name": "verdict", "Value": "approved"}, {"Name": "other", "Value": "x"}]
    assert listed["Deploy"]["StepStatus"] == "Succeeded"
    model = sagemaker_client.describe_model(ModelName=listed["Deploy"]["Metadata"]["Model"]["Arn"].rsplit("/", 1)[1])
    assert model["PrimaryContainer"]["Environment"] == {"VERDICT": "approved"}  # the callback's output
    with pytest.raises(ClientError) as err:  # the token is spent
        sagemaker_client.send_pipeline_execution_step_success(CallbackToken=token)
    assert error_of(err) == ("ResourceNotFound", f"No callback step is waiting for callback token {token}.")


def test_a_callback_step_reported_failed_fails_the_execution(sagemaker_client):
    create(sagemaker_client, body=definition([callback(), training("After", DependsOn=["Approve"])]))
    arn = start(sagemaker_client)
    token = steps(sagemaker_client, arn)[0]["Metadata"]["Callback"]["CallbackToken"]
    sagemaker_client.send_pipeline_execution_step_failure(CallbackToken=token, FailureReason="rejected by reviewer")
    assert status(sagemaker_client, arn) == "Failed"
    assert [(s["StepName"], s["StepStatus"], s["FailureReason"]) for s in steps(sagemaker_client, arn)] == \
        [("Approve", "Failed", "rejected by reviewer")]
    # A retry runs the callback step again, with a new token.
    sagemaker_client.retry_pipeline_execution(PipelineExecutionArn=arn)
    [again] = steps(sagemaker_client, arn)
    assert again["AttemptCount"] == 2 and again["StepStatus"] == "Executing"
    assert again["Metadata"]["Callback"]["CallbackToken"] != token
    sagemaker_client.send_pipeline_execution_step_success(CallbackToken=again["Metadata"]["Callback"]["CallbackToken"])
    assert status(sagemaker_client, arn) == "Succeeded"


def test_a_running_callback_step_holds_a_stop_until_it_is_released(sagemaker_client):
    create(sagemaker_client, body=definition([callback(), training("After", DependsOn=["Approve"])]))
    arn = start(sagemaker_client)
    sagemaker_client.stop_pipeline_execution(PipelineExecutionArn=arn)
    assert status(sagemaker_client, arn) == "Stopping"
    token = steps(sagemaker_client, arn)[0]["Metadata"]["Callback"]["CallbackToken"]
    sagemaker_client.send_pipeline_execution_step_success(CallbackToken=token)
    assert status(sagemaker_client, arn) == "Stopped"
    assert step_states(sagemaker_client, arn) == {"Approve": "Succeeded"}  # After never started


# -- condition and fail steps --------------------------------------------------------------

CONDITIONAL = definition(
    [processing("Evaluate"),
     {"Name": "Check", "Type": "Condition", "Arguments": {
         "Conditions": [{"Type": "GreaterThanOrEqualTo", "LeftValue": {"Get": "Parameters.Accuracy"}, "RightValue": 0.8},
                        {"Type": "Not", "Expression": {"Type": "In", "QueryValue": {"Get": "Parameters.Stage"},
                                                       "Values": ["frozen", "retired"]}}],
         "IfSteps": [{"Name": "Register", "Type": "RegisterModel", "DependsOn": ["Evaluate"], "Arguments": {
             "ModelPackageGroupName": "churn", "InferenceSpecification": {
                 "Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
                 "SupportedResponseMIMETypes": ["text/csv"]}}}],
         "ElseSteps": [{"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": {"Std:Join": {
             "On": " ", "Values": ["accuracy", {"Get": "Parameters.Accuracy"}, "is too low"]}}}}]}}],
    [{"Name": "Accuracy", "Type": "Float", "DefaultValue": 0.9}, {"Name": "Stage", "DefaultValue": "dev"}])


def test_a_condition_step_follows_the_branch_its_parameters_select(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName="churn")
    create(sagemaker_client, body=CONDITIONAL)
    good = start(sagemaker_client)
    assert status(sagemaker_client, good) == "Succeeded"
    listed = {s["StepName"]: s for s in steps(sagemaker_client, good)}
    assert set(listed) == {"Evaluate", "Check", "Register"}
    assert listed["Check"]["Metadata"] == {"Condition": {"Outcome": "True"}}

    bad = start(sagemaker_client, PipelineParameters=[{"Name": "Accuracy", "Value": "0.5"}])
    described = describe(sagemaker_client, bad)
    assert described["PipelineExecutionStatus"] == "Failed"
    listed = {s["StepName"]: s for s in steps(sagemaker_client, bad)}
    assert set(listed) == {"Evaluate", "Check", "Stop"}
    assert listed["Check"]["Metadata"] == {"Condition": {"Outcome": "False"}}
    assert listed["Stop"]["FailureReason"] == "accuracy 0.5 is too low"
    assert listed["Stop"]["Metadata"] == {"Fail": {"ErrorMessage": "accuracy 0.5 is too low"}}

    frozen = start(sagemaker_client, PipelineParameters=[{"Name": "Stage", "Value": "frozen"}])
    assert {s["StepName"] for s in steps(sagemaker_client, frozen)} == {"Evaluate", "Check", "Stop"}


def test_conditions_on_values_the_mock_cannot_know_take_the_if_branch(sagemaker_client):
    body = definition([processing("Eval"),
                       {"Name": "Gate", "Type": "Condition", "Arguments": {
                           "Conditions": [{"Type": "LessThanOrEqualTo", "RightValue": 6.0, "LeftValue": {"Std:JsonGet": {
                               "PropertyFile": {"Get": "Steps.Eval.PropertyFiles.Report"}, "Path": "mse"}}}],
                           "IfSteps": [model_step("Ship")], "ElseSteps": []}}])
    create(sagemaker_client, body=body)
    arn = start(sagemaker_client)
    assert step_states(sagemaker_client, arn) == {"Eval": "Succeeded", "Gate": "Succeeded", "Ship": "Succeeded"}


def test_condition_on_a_callback_output_and_or(sagemaker_client):
    body = definition([callback(), {"Name": "Gate", "Type": "Condition", "Arguments": {
        "Conditions": [{"Type": "Or", "Conditions": [
            {"Type": "Equals", "LeftValue": {"Get": "Steps.Approve.OutputParameters['verdict']"}, "RightValue": "yes"},
            {"Type": "LessThan", "LeftValue": {"Get": "Parameters.Count"}, "RightValue": 0}]}],
        "IfSteps": [training("Yes")],
        "ElseSteps": [training("No")]}}],
        [{"Name": "Count", "Type": "Integer", "DefaultValue": 1}])
    create(sagemaker_client, body=body)
    arn = start(sagemaker_client)
    token = steps(sagemaker_client, arn)[0]["Metadata"]["Callback"]["CallbackToken"]
    sagemaker_client.send_pipeline_execution_step_success(CallbackToken=token,
                                                          OutputParameters=[{"Name": "verdict", "Value": "no"}])
    assert step_states(sagemaker_client, arn) == {"Approve": "Succeeded", "Gate": "Succeeded", "No": "Succeeded"}


# -- selective execution -------------------------------------------------------------------

def test_selective_execution_runs_only_the_selected_steps(sagemaker_client):
    create(sagemaker_client)
    source = start(sagemaker_client)
    config = {"SourcePipelineExecutionArn": source, "SelectedSteps": [{"StepName": "Train"}]}
    arn = start(sagemaker_client, SelectiveExecutionConfig=config)
    assert describe(sagemaker_client, arn)["SelectiveExecutionConfig"] == config
    [train] = steps(sagemaker_client, arn)
    assert train["StepName"] == "Train" and train["SelectiveExecutionResult"] == {"SourcePipelineExecutionArn": source}
    with pytest.raises(ClientError) as err:
        start(sagemaker_client, SelectiveExecutionConfig={"SelectedSteps": [{"StepName": "Nope"}]})
    assert error_of(err)[0] == "ValidationException" and len(executions(sagemaker_client)) == 2


# -- definitions in S3 ---------------------------------------------------------------------

def test_a_definition_read_from_s3_through_moto(sagemaker_client):
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="definitions")
        s3.put_object(Bucket="definitions", Key="flow.json", Body=json.dumps(TWO_STEPS).encode())
        arn = sagemaker_client.create_pipeline(
            PipelineName="flow", RoleArn=ROLE,
            PipelineDefinitionS3Location={"Bucket": "definitions", "ObjectKey": "flow.json"})["PipelineArn"]
        with pytest.raises(ClientError) as err:
            sagemaker_client.update_pipeline(
                PipelineName="flow", PipelineDefinitionS3Location={"Bucket": "definitions", "ObjectKey": "missing.json"})
        code, message = error_of(err)
        assert code == "ValidationException"
        assert message.startswith("The pipeline definition could not be read from s3://definitions/missing.json: NoSuchKey")
    assert sagemaker_client.describe_pipeline(PipelineName=arn)["PipelineDefinition"] == json.dumps(TWO_STEPS)


@requires_output_member("UpdatePipeline", "PipelineVersionId")
def test_a_definition_that_cannot_be_read_makes_no_version(sagemaker_client):
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="definitions")
        s3.put_object(Bucket="definitions", Key="flow.json", Body=json.dumps(TWO_STEPS).encode())
        sagemaker_client.create_pipeline(
            PipelineName="flow", RoleArn=ROLE,
            PipelineDefinitionS3Location={"Bucket": "definitions", "ObjectKey": "flow.json"})
        with pytest.raises(ClientError):
            sagemaker_client.update_pipeline(
                PipelineName="flow", PipelineDefinitionS3Location={"Bucket": "definitions", "ObjectKey": "missing.json"})
    assert [v["PipelineVersionId"] for v in sagemaker_client.list_pipeline_versions(
        PipelineName="flow")["PipelineVersionSummaries"]] == [1]


def test_a_definition_in_s3_without_an_s3_mock_is_refused_and_never_sent(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_pipeline(PipelineName="flow", RoleArn=ROLE,
                                         PipelineDefinitionS3Location={"Bucket": "definitions", "ObjectKey": "flow.json"})
    code, message = error_of(err)
    assert code == "ValidationException"
    assert message.startswith("The pipeline definition could not be read from s3://definitions/flow.json: nothing "
                              "serves S3 in this test (start moto's mock_aws")
    assert sagemaker_client.list_pipelines()["PipelineSummaries"] == []
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_pipeline(PipelineName="flow", RoleArn=ROLE, PipelineDefinition=json.dumps(TWO_STEPS),
                                         PipelineDefinitionS3Location={"Bucket": "definitions", "ObjectKey": "flow.json"})
    assert "not both" in error_of(err)[1]
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_pipeline(PipelineName="flow", RoleArn=ROLE)
    assert error_of(err)[0] == "ValidationException"


# -- slower transitions --------------------------------------------------------------------

@pytest.mark.sagemock(transitions="seconds", transition_seconds=10)
def test_seconds_mode_catches_up_with_the_clock(sagemaker_client, sagemaker_mock):
    with freeze_time("2024-05-01 10:00:00"):
        create(sagemaker_client)
        arn = start(sagemaker_client)
        assert step_states(sagemaker_client, arn) == {"Prepare": "Starting"}
    with freeze_time("2024-05-01 10:05:00"):
        described = describe(sagemaker_client, arn)
        assert described["PipelineExecutionStatus"] == "Succeeded"
        listed = {s["StepName"]: s for s in steps(sagemaker_client, arn)}
    start_at = dt.datetime(2024, 5, 1, 10, tzinfo=UTC)
    # Each step is Starting for 10 seconds, then Executing until the job it created as it started
    # has ended (a processing job is InProgress for 10 seconds; a training job walks its secondary
    # statuses for 40): the step ends with its job.
    prepared = sagemaker_client.describe_processing_job(
        ProcessingJobName=listed["Prepare"]["Metadata"]["ProcessingJob"]["Arn"].split("/")[-1])
    assert (prepared["CreationTime"], prepared["ProcessingEndTime"]) == (start_at, start_at + dt.timedelta(seconds=10))
    assert (listed["Prepare"]["StartTime"], listed["Prepare"]["EndTime"]) == (start_at, start_at + dt.timedelta(seconds=10))
    trained = sagemaker_client.describe_training_job(
        TrainingJobName=listed["Train"]["Metadata"]["TrainingJob"]["Arn"].split("/")[-1])
    assert (trained["CreationTime"], trained["TrainingEndTime"]) == \
        (start_at + dt.timedelta(seconds=10), start_at + dt.timedelta(seconds=50))
    assert (listed["Train"]["StartTime"], listed["Train"]["EndTime"]) == \
        (start_at + dt.timedelta(seconds=10), start_at + dt.timedelta(seconds=50))
    assert described["LastModifiedTime"] == start_at + dt.timedelta(seconds=50)


def test_set_status_ends_the_running_steps(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, body=definition([callback()]))
    arn = start(sagemaker_client)
    sagemaker_mock.set_status(arn, "Failed", reason="forced by the test")
    described = describe(sagemaker_client, arn)
    assert (described["PipelineExecutionStatus"], described["FailureReason"]) == ("Failed", "forced by the test")
    assert step_states(sagemaker_client, arn) == {"Approve": "Failed"}


def test_parameter_values_are_refused_as_aws_refuses_them(sagemaker_client):
    create(sagemaker_client, name="Churn", body=definition([{"Name": "A", "Type": "Callback", "Arguments": {}}],
                                             parameters=[{"Name": "S", "Type": "String", "DefaultValue": "x"},
                                                         {"Name": "F", "Type": "Float", "DefaultValue": 1.0}]))
    for bad in ([{"Name": "S", "Value": ""}], [{"Name": "F", "Value": "nan"}], [{"Name": "F", "Value": "inf"}]):
        with pytest.raises(ClientError) as err:
            sagemaker_client.start_pipeline_execution(PipelineName="Churn", PipelineParameters=bad)
        assert err.value.response["Error"]["Code"] == "ValidationException"
    assert sagemaker_client.list_pipeline_executions(PipelineName="Churn")["PipelineExecutionSummaries"] == []


# -- steps create what they describe -------------------------------------------------------

GROUP = "churn-models"
TRAIN_REGISTER = definition([
    {"Name": "Train", "Type": "Training", "Arguments": training_arguments(
        HyperParameters={"epochs": {"Get": "Parameters.Epochs"}, "run": {"Get": "Execution.PipelineExecutionId"}})},
    {"Name": "Check", "Type": "Condition", "Arguments": {
        "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Steps.Train.HyperParameters['epochs']"},
                        "RightValue": {"Get": "Parameters.Epochs"}},
                       {"Type": "GreaterThanOrEqualTo", "LeftValue": {"Get": "Steps.Train.ResourceConfig.InstanceCount"},
                        "RightValue": {"Get": "Parameters.MinInstances"}}],
        "IfSteps": [
            {"Name": "CreateModel", "Type": "Model", "Arguments": {
                "ExecutionRoleArn": ROLE, "PrimaryContainer": {
                    "Image": IMAGE, "ModelDataUrl": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"},
                    "Environment": {"TRAINED_BY": {"Std:Join": {"On": "/", "Values": [
                        {"Get": "Execution.PipelineName"}, {"Get": "Steps.Train.TrainingJobName"}]}}}}}},
            {"Name": "Register", "Type": "RegisterModel", "Arguments": {
                "ModelPackageGroupName": {"Get": "Parameters.Group"},
                "ModelApprovalStatus": "PendingManualApproval",
                "InferenceSpecification": {
                    "Containers": [{"Image": IMAGE,
                                    "ModelDataUrl": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}}],
                    "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}}}],
        "ElseSteps": [{"Name": "TooSmall", "Type": "Fail", "Arguments": {"ErrorMessage": {"Std:Join": {
            "On": " ", "Values": ["trained on", {"Get": "Steps.Train.ResourceConfig.InstanceCount"}, "instance"]}}}}]}}],
    [{"Name": "Epochs", "Type": "Integer", "DefaultValue": 5}, {"Name": "Group", "DefaultValue": GROUP},
     {"Name": "MinInstances", "Type": "Integer", "DefaultValue": 1}])


def by_name(client, arn):
    return {step["StepName"]: step for step in steps(client, arn)}


def name_of(step, member):
    return step["Metadata"][member]["Arn"].rsplit("/", 1)[1]


def test_steps_create_the_training_job_model_and_package_they_describe(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName=GROUP)
    create(sagemaker_client, name="Churn", body=TRAIN_REGISTER)
    arn = start(sagemaker_client, "Churn", PipelineParameters=[{"Name": "Epochs", "Value": "7"}])
    execution_id = arn.rsplit("/", 1)[1]
    assert status(sagemaker_client, arn) == "Succeeded"
    listed = by_name(sagemaker_client, arn)
    assert {name: step["StepStatus"] for name, step in listed.items()} == {
        "Train": "Succeeded", "Check": "Succeeded", "CreateModel": "Succeeded", "Register": "Succeeded"}

    # The training job exists, named as AWS names a step's job, from the step's arguments.
    job_name = name_of(listed["Train"], "TrainingJob")
    assert job_name.startswith(f"pipelines-{execution_id}-Train-") and len(job_name) == len(f"pipelines-{execution_id}-Train-") + 10
    [summary] = sagemaker_client.list_training_jobs()["TrainingJobSummaries"]
    assert summary["TrainingJobName"] == job_name and summary["TrainingJobStatus"] == "Completed"
    job = sagemaker_client.describe_training_job(TrainingJobName=job_name)
    assert listed["Train"]["Metadata"] == {"TrainingJob": {"Arn": job["TrainingJobArn"]}}
    assert job["HyperParameters"] == {"epochs": "7", "run": execution_id}  # the parameter, as the API's text
    assert job["RoleArn"] == ROLE and job["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    artifact = job["ModelArtifacts"]["S3ModelArtifacts"]

    # The condition read the job's properties (both hold), so the If branch ran.
    assert listed["Check"]["Metadata"] == {"Condition": {"Outcome": "True"}}

    # The model reads the training job's artifact and name.
    model = sagemaker_client.describe_model(ModelName=name_of(listed["CreateModel"], "Model"))
    assert listed["CreateModel"]["Metadata"] == {"Model": {"Arn": model["ModelArn"]}}
    assert model["ModelName"].startswith(f"pipelines-{execution_id}-CreateModel-")
    assert model["PrimaryContainer"]["ModelDataUrl"] == artifact
    assert model["PrimaryContainer"]["Environment"] == {"TRAINED_BY": f"Churn/{job_name}"}

    # The package version was registered in the group the step names, with the training job's artifact.
    [package] = sagemaker_client.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"]
    assert listed["Register"]["Metadata"] == {"RegisterModel": {"Arn": package["ModelPackageArn"]}}
    assert package["ModelPackageArn"].endswith(f":model-package/{GROUP}/1")
    described = sagemaker_client.describe_model_package(ModelPackageName=package["ModelPackageArn"])
    assert described["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] == artifact
    assert described["ModelApprovalStatus"] == "PendingManualApproval"

    # A second execution creates its own job and registers version 2.
    again = start(sagemaker_client, "Churn")
    assert status(sagemaker_client, again) == "Succeeded"
    assert len(sagemaker_client.list_training_jobs()["TrainingJobSummaries"]) == 2
    versions = sagemaker_client.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"]
    assert sorted(v["ModelPackageVersion"] for v in versions) == [1, 2]


def test_a_condition_on_a_job_property_can_take_the_else_branch(sagemaker_client):
    sagemaker_client.create_model_package_group(ModelPackageGroupName=GROUP)
    create(sagemaker_client, body=TRAIN_REGISTER)
    arn = start(sagemaker_client, PipelineParameters=[{"Name": "MinInstances", "Value": "2"}])
    listed = by_name(sagemaker_client, arn)
    assert listed["Check"]["Metadata"] == {"Condition": {"Outcome": "False"}}
    assert listed["TooSmall"]["FailureReason"] == "trained on 1 instance"
    assert set(listed) == {"Train", "Check", "TooSmall"}
    assert sagemaker_client.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"] == []
    assert sagemaker_client.list_models()["Models"] == []


def test_a_processing_output_feeds_the_training_input(sagemaker_client):
    create(sagemaker_client)
    arn = start(sagemaker_client, PipelineParameters=[{"Name": "InstanceCount", "Value": "2"}])
    listed = by_name(sagemaker_client, arn)
    processing_job = sagemaker_client.describe_processing_job(ProcessingJobName=name_of(listed["Prepare"], "ProcessingJob"))
    assert processing_job["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 2
    assert processing_job["ProcessingInputs"][0]["S3Input"]["S3Uri"] == "s3://bucket/in"
    training_job = sagemaker_client.describe_training_job(TrainingJobName=name_of(listed["Train"], "TrainingJob"))
    assert training_job["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://bucket/prepared/train"


def test_arguments_the_service_refuses_fail_the_step(sagemaker_client):
    body = definition([training("Train", Arguments=training_arguments(
        ResourceConfig={"InstanceCount": 1, "InstanceType": "ml.bogus.xlarge", "VolumeSizeInGB": 30})),
        {**model_step("Ship"), "DependsOn": ["Train"]}])
    create(sagemaker_client, body=body)
    arn = start(sagemaker_client)
    described = describe(sagemaker_client, arn)
    assert (described["PipelineExecutionStatus"], described["FailureReason"]) == \
        ("Failed", "Step failure: One or multiple steps failed.")
    [train] = steps(sagemaker_client, arn)  # Ship never started
    with pytest.raises(ClientError) as err:  # what the service answers the same request
        sagemaker_client.create_training_job(TrainingJobName="direct", **training_arguments(
            ResourceConfig={"InstanceCount": 1, "InstanceType": "ml.bogus.xlarge", "VolumeSizeInGB": 30}))
    assert train["StepStatus"] == "Failed" and train["Metadata"] == {}
    assert train["FailureReason"] == ("ClientError: Failed to invoke sagemaker:CreateTrainingJob. Error Details: "
                                      + error_of(err)[1])
    assert sagemaker_client.list_training_jobs()["TrainingJobSummaries"] == []


def test_registering_creates_the_group_when_there_is_none(sagemaker_client):
    create(sagemaker_client, body=TRAIN_REGISTER)
    arn = start(sagemaker_client, PipelineParameters=[{"Name": "Group", "Value": "new-group"}])
    assert status(sagemaker_client, arn) == "Succeeded"
    group = sagemaker_client.describe_model_package_group(ModelPackageGroupName="new-group")
    [package] = sagemaker_client.list_model_packages(ModelPackageGroupName="new-group")["ModelPackageSummaryList"]
    assert by_name(sagemaker_client, arn)["Register"]["Metadata"]["RegisterModel"]["Arn"] == package["ModelPackageArn"]
    assert group["ModelPackageGroupArn"] == package["ModelPackageArn"].replace("model-package/", "model-package-group/").rsplit("/", 1)[0]


def test_a_registration_the_service_refuses_fails_the_step_and_creates_no_group(sagemaker_client):
    create(sagemaker_client, body=TRAIN_REGISTER)
    arn = start(sagemaker_client, PipelineParameters=[{"Name": "Group", "Value": "bad_group!"}])
    listed = by_name(sagemaker_client, arn)
    assert listed["Register"]["StepStatus"] == "Failed" and listed["Register"]["Metadata"] == {}
    assert listed["Register"]["FailureReason"].startswith(
        "ClientError: Failed to invoke sagemaker:CreateModelPackage. Error Details: 1 validation error detected: ")
    assert listed["CreateModel"]["StepStatus"] == "Succeeded"
    assert status(sagemaker_client, arn) == "Failed"
    assert sagemaker_client.list_model_package_groups()["ModelPackageGroupSummaryList"] == []


def test_a_failed_training_job_fails_its_step_and_the_execution(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_model_package_group(ModelPackageGroupName=GROUP)
    create(sagemaker_client, body=TRAIN_REGISTER)
    sagemaker_mock.fail_next("training-job", reason="AlgorithmError: loss is NaN")
    arn = start(sagemaker_client)
    described = describe(sagemaker_client, arn)
    assert (described["PipelineExecutionStatus"], described["FailureReason"]) == \
        ("Failed", "Step failure: One or multiple steps failed.")
    [train] = steps(sagemaker_client, arn)
    job = sagemaker_client.describe_training_job(TrainingJobName=name_of(train, "TrainingJob"))
    assert (job["TrainingJobStatus"], job["FailureReason"]) == ("Failed", "AlgorithmError: loss is NaN")
    assert (train["StepStatus"], train["FailureReason"]) == ("Failed", "AlgorithmError: loss is NaN")
    # A retry runs the step again: a new training job, which completes, and the steps after it.
    sagemaker_client.retry_pipeline_execution(PipelineExecutionArn=arn)
    assert status(sagemaker_client, arn) == "Succeeded"
    retried = by_name(sagemaker_client, arn)["Train"]
    assert retried["AttemptCount"] == 2 and name_of(retried, "TrainingJob") != job["TrainingJobName"]
    statuses = sorted(s["TrainingJobStatus"] for s in sagemaker_client.list_training_jobs()["TrainingJobSummaries"])
    assert statuses == ["Completed", "Failed"]


def test_a_step_made_to_fail_creates_nothing(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    sagemaker_mock.fail_next(STEP, reason="no capacity", name="Prepare")
    arn = start(sagemaker_client)
    [prepare] = steps(sagemaker_client, arn)
    assert (prepare["StepStatus"], prepare["FailureReason"], prepare["Metadata"]) == ("Failed", "no capacity", {})
    assert sagemaker_client.list_processing_jobs()["ProcessingJobSummaries"] == []


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_step_executes_while_its_job_runs_and_a_stop_stops_the_job(sagemaker_client):
    create(sagemaker_client, body=definition([training("Train")]))
    arn = start(sagemaker_client)
    assert step_states(sagemaker_client, arn) == {"Train": "Starting"}
    [train] = steps(sagemaker_client, arn)
    job_name = name_of(train, "TrainingJob")
    table = {"TrainingJobName": job_name}
    assert train["StepStatus"] == "Executing" and train["Metadata"]["TrainingJob"]["Arn"].endswith(job_name)
    assert sagemaker_client.describe_training_job(**table)["TrainingJobStatus"] == "InProgress"
    assert step_states(sagemaker_client, arn) == {"Train": "Executing"}  # the job still runs
    sagemaker_client.stop_pipeline_execution(PipelineExecutionArn=arn)
    for _ in range(5):
        if status(sagemaker_client, arn) != "Stopping":
            break
    assert status(sagemaker_client, arn) == "Stopped"
    assert step_states(sagemaker_client, arn) == {"Train": "Stopped"}
    assert sagemaker_client.describe_training_job(**table)["TrainingJobStatus"] in ("Stopping", "Stopped")


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_step_succeeds_once_its_job_has_completed(sagemaker_client):
    create(sagemaker_client, body=definition([training("Train")]))
    arn = start(sagemaker_client)
    seen = []
    for _ in range(20):
        [train] = steps(sagemaker_client, arn)
        if train.get("Metadata"):
            job = sagemaker_client.describe_training_job(TrainingJobName=name_of(train, "TrainingJob"))
            seen.append((train["StepStatus"], job["TrainingJobStatus"]))
        if train["StepStatus"] == "Succeeded":
            break
    assert seen[-1] == ("Succeeded", "Completed")
    assert ("Executing", "InProgress") in seen
    assert all(job_status == "Completed" for step_status, job_status in seen if step_status == "Succeeded")


def tuning_arguments():
    """A CreateHyperParameterTuningJob request less its name."""
    algorithm = {"TrainingImage": IMAGE, "TrainingInputMode": "File",
                 "MetricDefinitions": [{"Name": "validation:auc", "Regex": "auc=(.*)"}]}
    definition_ = {key: value for key, value in training_arguments().items() if key != "AlgorithmSpecification"}
    return {"HyperParameterTuningJobConfig": {
        "Strategy": "Random", "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
        "ParameterRanges": {"IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "3", "MaxValue": "9"}]}},
        "TrainingJobDefinition": {**definition_, "AlgorithmSpecification": algorithm,
                                  "StaticHyperParameters": {"num_round": "50"}}}


def test_tuning_model_transform_and_check_steps(sagemaker_client, sagemaker_mock):
    body = definition([
        {"Name": "Tune", "Type": "Tuning", "Arguments": tuning_arguments()},
        callback("Metrics", DependsOn=["Tune"]),  # the test reports the training jobs' metrics meanwhile
        {"Name": "BestModel", "Type": "Model", "DependsOn": ["Metrics"], "Arguments": {
            "ExecutionRoleArn": ROLE, "PrimaryContainer": {"Image": IMAGE, "ModelDataUrl": {"Std:Join": {
                "On": "/", "Values": ["s3://bucket/out", {"Get": "Steps.Tune.TrainingJobSummaries[0].TrainingJobName"},
                                      "output/model.tar.gz"]}}}}},
        {"Name": "Score", "Type": "Transform", "Arguments": {
            "ModelName": {"Get": "Steps.BestModel.ModelName"},
            "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/batch"}}},
            "TransformOutput": {"S3OutputPath": "s3://bucket/scores"},
            "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}}},
        {"Name": "DataQuality", "Type": "QualityCheck", "CheckType": "DATA_QUALITY", "SkipCheck": False,
         "RegisterNewBaseline": True, "ModelPackageGroupName": GROUP, "DependsOn": ["Score"],
         "Arguments": processing_arguments()}])
    create(sagemaker_client, body=body)
    arn = start(sagemaker_client)
    listed = by_name(sagemaker_client, arn)
    launched = sagemaker_client.list_training_jobs_for_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=name_of(listed["Tune"], "TuningJob"))["TrainingJobSummaries"]
    scores = dict(zip(sorted(job["TrainingJobName"] for job in launched), (0.7, 0.9), strict=True))
    for job in launched:
        sagemaker_mock.put_training_metrics(job["TrainingJobArn"], {"validation:auc": scores[job["TrainingJobName"]]})
    sagemaker_client.send_pipeline_execution_step_success(
        CallbackToken=listed["Metrics"]["Metadata"]["Callback"]["CallbackToken"])
    assert status(sagemaker_client, arn) == "Succeeded"
    listed = by_name(sagemaker_client, arn)
    execution_id = arn.rsplit("/", 1)[1]

    tuning_name = name_of(listed["Tune"], "TuningJob")
    assert len(tuning_name) <= 32 and tuning_name.startswith(f"{execution_id}-Tune-")
    tuning = sagemaker_client.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=tuning_name)
    assert tuning["HyperParameterTuningJobStatus"] == "Completed"
    assert listed["Tune"]["Metadata"] == {"TuningJob": {"Arn": tuning["HyperParameterTuningJobArn"]}}
    launched = sagemaker_client.list_training_jobs_for_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=tuning_name)["TrainingJobSummaries"]
    assert len(launched) == 2

    model = sagemaker_client.describe_model(ModelName=name_of(listed["BestModel"], "Model"))
    best = model["PrimaryContainer"]["ModelDataUrl"].split("/")[4]
    assert scores[best] == 0.9  # TrainingJobSummaries[0] is the best training job

    transform = sagemaker_client.describe_transform_job(TransformJobName=name_of(listed["Score"], "TransformJob"))
    assert transform["ModelName"] == model["ModelName"] and transform["TransformJobStatus"] == "Completed"
    assert listed["Score"]["Metadata"] == {"TransformJob": {"Arn": transform["TransformJobArn"]}}

    check = listed["DataQuality"]["Metadata"]["QualityCheck"]
    job = sagemaker_client.describe_processing_job(ProcessingJobName=check["CheckJobArn"].rsplit("/", 1)[1])
    assert check == {"CheckType": "DATA_QUALITY", "SkipCheck": False, "RegisterNewBaseline": True,
                     "ModelPackageGroupName": GROUP, "CheckJobArn": job["ProcessingJobArn"]}
    assert job["ProcessingJobName"].startswith(f"pipelines-{execution_id}-DataQuality-")
