"""Algorithms through boto3: create, describe by name and ARN, list, delete, statuses."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

ACCOUNT = "123456789012"
REGION = "us-east-1"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1"


def algorithm_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:algorithm/{name}"


def training(**extra):
    return {
        "TrainingImage": IMAGE,
        "SupportedTrainingInstanceTypes": ["ml.m5.large"],
        "TrainingChannels": [{"Name": "train", "SupportedContentTypes": ["text/csv"],
                              "SupportedInputModes": ["File"]}],
        **extra,
    }


def inference():
    return {
        "Containers": [{"Image": IMAGE, "Environment": {"MODE": "serve"}}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
        "SupportedTransformInstanceTypes": ["ml.m5.large"],
        "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"],
    }


def validation(profile: str = "smoke"):
    return {
        "ValidationRole": f"arn:aws:iam::{ACCOUNT}:role/validation",
        "ValidationProfiles": [{
            "ProfileName": profile,
            "TrainingJobDefinition": {
                "TrainingInputMode": "File",
                "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                    "S3DataType": "S3Prefix", "S3Uri": "s3://bucket/train"}}}],
                "OutputDataConfig": {"S3OutputPath": "s3://bucket/out"},
                "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
                "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
            },
        }],
    }


def error_of(excinfo) -> tuple[str, str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_create_and_describe_by_name_and_arn(sagemaker_client):
    response = sagemaker_client.create_algorithm(
        AlgorithmName="xgb", AlgorithmDescription="boosted trees", TrainingSpecification=training(),
        InferenceSpecification=inference(), ValidationSpecification=validation("smoke"))
    assert response["AlgorithmArn"] == algorithm_arn("xgb")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    for ref in ("xgb", algorithm_arn("xgb")):
        described = sagemaker_client.describe_algorithm(AlgorithmName=ref)
        assert described["AlgorithmName"] == "xgb"
        assert described["AlgorithmArn"] == algorithm_arn("xgb")
        assert described["AlgorithmDescription"] == "boosted trees"
        assert described["TrainingSpecification"]["TrainingChannels"][0]["Name"] == "train"
        assert described["InferenceSpecification"]["Containers"][0]["Environment"] == {"MODE": "serve"}
        assert described["ValidationSpecification"]["ValidationProfiles"][0]["ProfileName"] == "smoke"
        assert described["AlgorithmStatus"] == "Completed"
        assert described["AlgorithmStatusDetails"]["ValidationStatuses"] == [{"Name": "smoke", "Status": "Completed"}]
        assert described["CertifyForMarketplace"] is False
        assert isinstance(described["CreationTime"], dt.datetime)


def test_algorithm_without_validation_has_no_validation_statuses(sagemaker_client):
    sagemaker_client.create_algorithm(AlgorithmName="plain", TrainingSpecification=training())
    described = sagemaker_client.describe_algorithm(AlgorithmName="plain")
    assert described["AlgorithmStatusDetails"]["ValidationStatuses"] == []
    assert "InferenceSpecification" not in described


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_status_walks_with_validation(sagemaker_client):
    sagemaker_client.create_algorithm(AlgorithmName="xgb", TrainingSpecification=training(),
                                      ValidationSpecification=validation("smoke"))
    seen = []
    for _ in range(3):
        described = sagemaker_client.describe_algorithm(AlgorithmName="xgb")
        seen.append((described["AlgorithmStatus"], described["AlgorithmStatusDetails"]["ValidationStatuses"][0]["Status"]))
    assert seen == [("Pending", "NotStarted"), ("InProgress", "InProgress"), ("Completed", "Completed")]


def test_duplicate_name(sagemaker_client):
    sagemaker_client.create_algorithm(AlgorithmName="xgb", TrainingSpecification=training(),
                                      AlgorithmDescription="first")
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_algorithm(AlgorithmName="xgb", TrainingSpecification=training(),
                                          AlgorithmDescription="second")
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationException", 400)
    assert "already exists" in message
    assert sagemaker_client.describe_algorithm(AlgorithmName="xgb")["AlgorithmDescription"] == "first"


def test_describe_missing(sagemaker_client):
    for ref in ("ghost", algorithm_arn("ghost")):
        with pytest.raises(ClientError) as err:
            sagemaker_client.describe_algorithm(AlgorithmName=ref)
        assert error_of(err) == ("ValidationException", f"Algorithm {algorithm_arn('ghost')} does not exist.", 400)


def test_describe_algorithm_of_another_account(sagemaker_client):
    foreign = "arn:aws:sagemaker:us-east-1:210987654321:algorithm/theirs"
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_algorithm(AlgorithmName=foreign)
    assert error_of(err) == ("ValidationException", f"Algorithm {foreign} does not exist.", 400)


def test_list_sort_filter_pages(sagemaker_client):
    names = ["beta", "alpha", "gamma-x"]
    for second, name in enumerate(names):
        with freeze_time(dt.datetime(2024, 1, 1, 0, 0, second)):
            sagemaker_client.create_algorithm(AlgorithmName=name, TrainingSpecification=training())
    listed = sagemaker_client.list_algorithms()["AlgorithmSummaryList"]
    assert [a["AlgorithmName"] for a in listed] == names
    assert all(a["AlgorithmStatus"] == "Completed" and a["AlgorithmArn"] == algorithm_arn(a["AlgorithmName"])
               for a in listed)
    by_name = sagemaker_client.list_algorithms(SortBy="Name", SortOrder="Ascending")["AlgorithmSummaryList"]
    assert [a["AlgorithmName"] for a in by_name] == sorted(names)
    contains = sagemaker_client.list_algorithms(NameContains="A-X")["AlgorithmSummaryList"]
    assert [a["AlgorithmName"] for a in contains] == ["gamma-x"]
    before = sagemaker_client.list_algorithms(
        CreationTimeBefore=dt.datetime(2024, 1, 1, 0, 0, 1, tzinfo=dt.timezone.utc))["AlgorithmSummaryList"]
    assert [a["AlgorithmName"] for a in before] == ["beta"]
    paginator = sagemaker_client.get_paginator("list_algorithms")
    pages = [[a["AlgorithmName"] for a in page["AlgorithmSummaryList"]]
             for page in paginator.paginate(PaginationConfig={"PageSize": 2})]
    assert pages == [["beta", "alpha"], ["gamma-x"]]


def test_delete(sagemaker_client):
    sagemaker_client.create_algorithm(AlgorithmName="xgb", TrainingSpecification=training())
    response = sagemaker_client.delete_algorithm(AlgorithmName="xgb")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_algorithm(AlgorithmName="xgb")
    assert error_of(err)[1] == f"Algorithm {algorithm_arn('xgb')} does not exist."
    assert sagemaker_client.list_algorithms()["AlgorithmSummaryList"] == []
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_algorithm(AlgorithmName="xgb")
    assert error_of(err) == ("ValidationException", f"Algorithm {algorithm_arn('xgb')} does not exist.", 400)


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_deleting_algorithm_is_seen_then_gone(sagemaker_client):
    sagemaker_client.create_algorithm(AlgorithmName="xgb", TrainingSpecification=training())
    sagemaker_client.create_algorithm(AlgorithmName="lgbm", TrainingSpecification=training())
    for _ in range(3):
        sagemaker_client.list_algorithms()
    sagemaker_client.delete_algorithm(AlgorithmName="xgb")
    first = sagemaker_client.list_algorithms()["AlgorithmSummaryList"]
    assert {a["AlgorithmName"]: a["AlgorithmStatus"] for a in first} == {"xgb": "Deleting", "lgbm": "Completed"}
    second = sagemaker_client.list_algorithms()["AlgorithmSummaryList"]
    assert [a["AlgorithmName"] for a in second] == ["lgbm"]


def test_training_specification_rules(sagemaker_client):
    # HyperParameterSpecification: "If a default value is specified, a hyperparameter cannot be required."
    required_with_default = training(SupportedHyperParameters=[
        {"Name": "eta", "Type": "Continuous", "IsRequired": True, "DefaultValue": "0.3"}])
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_algorithm(AlgorithmName="bad", TrainingSpecification=required_with_default)
    assert error_of(err)[0] == "ValidationException"
    assert sagemaker_client.list_algorithms()["AlgorithmSummaryList"] == []
    # ChannelSpecification states no rule against a repeated channel name: kept as given.
    repeated_channels = training(TrainingChannels=[
        {"Name": "train", "SupportedContentTypes": ["text/csv"], "SupportedInputModes": ["File"]},
        {"Name": "train", "SupportedContentTypes": ["text/csv"], "SupportedInputModes": ["Pipe"]}])
    sagemaker_client.create_algorithm(AlgorithmName="twice", TrainingSpecification=repeated_channels)
    described = sagemaker_client.describe_algorithm(AlgorithmName="twice")["TrainingSpecification"]
    assert [channel["Name"] for channel in described["TrainingChannels"]] == ["train", "train"]


def test_nested_validation_path(sagemaker_client):
    spec = training(TrainingChannels=[{"Name": "bad name", "SupportedContentTypes": ["text/csv"],
                                       "SupportedInputModes": ["File"]}])
    with pytest.raises(ClientError) as err:
        sagemaker_client.create_algorithm(AlgorithmName="xgb", TrainingSpecification=spec)
    assert error_of(err) == (
        "ValidationException",
        "1 validation error detected: Value 'bad name' at 'trainingSpecification.trainingChannels.1.member.name' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9\\.\\-_]+",
        400,
    )
    assert sagemaker_client.list_algorithms()["AlgorithmSummaryList"] == []


def test_tags_on_create(sagemaker_client):
    arn = sagemaker_client.create_algorithm(AlgorithmName="xgb", TrainingSpecification=training(),
                                            Tags=[{"Key": "team", "Value": "ml"}])["AlgorithmArn"]
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
