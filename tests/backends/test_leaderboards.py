"""Leaderboards and their candidates through boto3: unique names, candidate identity, results added
up, the latest run per criterion, sorting by a metric, and deletion only of an empty leaderboard."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_operation

pytestmark = requires_operation("CreateLeaderboard")

ACCOUNT = "123456789012"
REGION = "us-east-1"
CRITERIA = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub-content/evals/JsonDoc/helpfulness/1.0.0"
DATASET = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub-content/evals/DataSet/questions/1.0.0"
KNOWLEDGE_BASE = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:knowledge-base/ABCDE12345"
DAY = dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc)


def board(client, name="chat-models", **extra):
    return client.create_leaderboard(Name=name, Type="CUSTOMER_MODEL", **extra)["Arn"]


def config(model="model-a", **extra):
    return {"CustomerModelConfig": {"ModelRef": model, "EvalCriteriaArn": CRITERIA, **extra}}


def result(accuracy, days=0, criterion="quality", **extra):
    return {"CriterionName": criterion, "Metrics": {"accuracy": accuracy}, "RecordedAt": DAY + dt.timedelta(days=days),
            **extra}


def add(client, arn, model="model-a", results=None, **extra):
    return client.add_candidate(LeaderboardArn=arn, CandidateConfig=config(model), EvaluationResults=results or
                                [result(0.5)], **extra)["CandidateId"]


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_a_leaderboard_is_named_uniquely_and_answers_its_tags(sagemaker_client):
    arn = board(sagemaker_client, Description="chat", Tags=[{"Key": "team", "Value": "ml"}],
                RequiredMetrics=[{"CriterionName": "quality", "MetricNames": ["accuracy"]}])
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:leaderboard/chat-models"
    got = sagemaker_client.get_leaderboard(Arn=arn)
    assert (got["Name"], got["Type"], got["Description"]) == ("chat-models", "CUSTOMER_MODEL", "chat")
    sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    assert sorted(tag["Key"] for tag in sagemaker_client.get_leaderboard(Arn=arn)["Tags"]) == ["stage", "team"]
    with pytest.raises(ClientError) as taken:
        board(sagemaker_client)
    assert code_of(taken) == "ResourceAlreadyExists" and arn in str(taken.value)
    [listed] = sagemaker_client.list_leaderboards()["Items"]
    assert (listed["Arn"], listed["CreationTime"]) == (arn, got["CreationTime"])


def test_the_same_configuration_is_the_same_candidate_and_gains_results(sagemaker_client):
    arn = board(sagemaker_client)
    first = add(sagemaker_client, arn, DisplayName="first name", Labels={"stage": "dev"})
    again = add(sagemaker_client, arn, results=[result(0.7, days=1)], DisplayName="ignored")
    assert first == again
    candidate = sagemaker_client.get_candidate(LeaderboardArn=arn, CandidateId=first)
    assert candidate["DisplayName"] == "first name"  # "DisplayName takes effect only when the candidate is created"
    assert candidate["Labels"] == {"stage": "dev"}  # kept when Labels is not given
    assert [entry["Metrics"]["accuracy"] for entry in candidate["EvaluationResults"]] == [0.5, 0.7]
    assert all("IngestedAt" in entry for entry in candidate["EvaluationResults"])
    add(sagemaker_client, arn, results=[result(0.8, days=2)], Labels={})
    assert sagemaker_client.get_candidate(LeaderboardArn=arn, CandidateId=first)["Labels"] == {}
    other = add(sagemaker_client, arn, model="model-b")
    assert other != first


def test_dimensions_follow_their_documented_rules(sagemaker_client):
    arn = board(sagemaker_client)
    cases = [
        [{"Key": "COLOUR", "Value": "blue"}],
        [{"Key": "RAG_KNOWLEDGE_BASE_ARN", "Value": KNOWLEDGE_BASE}],
        [{"Key": "RAG_KNOWLEDGE_BASE_ARN", "Value": KNOWLEDGE_BASE}, {"Key": "RAG_NUMBER_OF_RESULTS", "Value": "07"}],
        [{"Key": "RAG_NUMBER_OF_RESULTS", "Value": "5"}, {"Key": "RAG_NUMBER_OF_RESULTS", "Value": "6"}],
    ]
    for dimensions in cases:
        with pytest.raises(ClientError) as refused:
            sagemaker_client.add_candidate(LeaderboardArn=arn, CandidateConfig=config(Dimensions=dimensions),
                                           EvaluationResults=[result(0.5)])
        assert code_of(refused) == "ValidationException", dimensions
    rag = [{"Key": "RAG_NUMBER_OF_RESULTS", "Value": "5"}, {"Key": "RAG_KNOWLEDGE_BASE_ARN", "Value": KNOWLEDGE_BASE}]
    made = sagemaker_client.add_candidate(LeaderboardArn=arn, CandidateConfig=config(Dimensions=rag),
                                          EvaluationResults=[result(0.5)])["CandidateId"]
    # Dimensions in another order are the same candidate.
    assert sagemaker_client.add_candidate(LeaderboardArn=arn, CandidateConfig=config(Dimensions=rag[::-1]),
                                          EvaluationResults=[result(0.6)])["CandidateId"] == made
    assert len(sagemaker_client.list_candidates(LeaderboardArn=arn)["Items"]) == 1


def test_list_shows_the_latest_run_per_criterion_and_sorts_by_a_metric(sagemaker_client):
    arn = board(sagemaker_client)
    low = add(sagemaker_client, arn, "model-low", [result(0.9), result(0.2, days=1), result(0.4, criterion="speed")])
    high = add(sagemaker_client, arn, "model-high", [result(0.6)])
    unscored = add(sagemaker_client, arn, "model-speed", [result(0.1, criterion="speed")])
    items = sagemaker_client.list_candidates(LeaderboardArn=arn, SortBy="METRIC",
                                             SortMetric={"CriterionName": "quality", "MetricName": "accuracy"})["Items"]
    # Only the candidates whose latest run reports the metric, highest first (DESCENDING by default).
    assert [item["CandidateId"] for item in items] == [high, low]
    latest = {entry["CriterionName"]: entry["Metrics"]["accuracy"] for entry in items[1]["EvaluationResults"]}
    assert latest == {"quality": 0.2, "speed": 0.4}
    ascending = sagemaker_client.list_candidates(LeaderboardArn=arn, SortBy="CREATION_TIME", SortOrder="ASCENDING")
    assert [item["CandidateId"] for item in ascending["Items"]] == [low, high, unscored]
    default = [item["CandidateId"] for item in sagemaker_client.list_candidates(LeaderboardArn=arn)["Items"]]
    assert default == sorted((low, high, unscored), reverse=True)  # by CandidateId, DESCENDING
    with pytest.raises(ClientError) as refused:
        sagemaker_client.list_candidates(LeaderboardArn=arn, SortBy="METRIC")
    assert code_of(refused) == "ValidationException"


def test_filters_and_pages_of_candidates(sagemaker_client):
    arn = board(sagemaker_client)
    with_data = sagemaker_client.add_candidate(LeaderboardArn=arn, CandidateConfig=config(DatasetArn=DATASET),
                                               EvaluationResults=[result(0.5)])["CandidateId"]
    for model in ("model-a", "model-b"):
        add(sagemaker_client, arn, model)
    filtered = sagemaker_client.list_candidates(LeaderboardArn=arn, Filters={"DatasetArn": DATASET})["Items"]
    assert [item["CandidateId"] for item in filtered] == [with_data]
    first = sagemaker_client.list_candidates(LeaderboardArn=arn, MaxResults=2)
    assert len(first["Items"]) == 2 and first["NextToken"]
    rest = sagemaker_client.list_candidates(LeaderboardArn=arn, MaxResults=2, NextToken=first["NextToken"])
    assert len(rest["Items"]) == 1 and "NextToken" not in rest
    with pytest.raises(ClientError) as refused:  # the token of another query
        sagemaker_client.list_candidates(LeaderboardArn=arn, SortOrder="ASCENDING", NextToken=first["NextToken"])
    assert code_of(refused) == "ValidationException"


def test_a_leaderboard_with_candidates_is_not_deleted(sagemaker_client):
    arn = board(sagemaker_client)
    candidate = add(sagemaker_client, arn)
    with pytest.raises(ClientError) as refused:
        sagemaker_client.delete_leaderboard(Arn=arn)
    assert code_of(refused) == "ConflictException"
    sagemaker_client.delete_candidate(LeaderboardArn=arn, CandidateId=candidate)
    with pytest.raises(ClientError) as missing:
        sagemaker_client.get_candidate(LeaderboardArn=arn, CandidateId=candidate)
    assert code_of(missing) == "ResourceNotFound"
    sagemaker_client.delete_leaderboard(Arn=arn)
    assert sagemaker_client.list_leaderboards()["Items"] == []
    with pytest.raises(ClientError) as missing:
        add(sagemaker_client, arn)
    assert code_of(missing) == "ResourceNotFound"


def test_a_candidate_holds_at_most_100_results(sagemaker_client):
    arn = board(sagemaker_client)
    add(sagemaker_client, arn, results=[result(0.5, days=day) for day in range(100)])
    with pytest.raises(ClientError) as refused:
        add(sagemaker_client, arn, results=[result(0.5)])
    assert code_of(refused) == "ResourceLimitExceeded"
