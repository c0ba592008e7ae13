"""Filters, sorting and pages shared by every List operation."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock import mock_sagemaker
from sagemock.core.errors import ValidationError
from sagemock.core.pagination import Listing

LISTING = Listing(sort_keys={"Name": "Name", "CreationTime": "CreationTime"}, default_sort="CreationTime",
                  id_key="Arn", name_key="Name")
T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def docs(*names):
    return [{"Name": name, "Arn": f"arn:{name}", "CreationTime": T0 + dt.timedelta(minutes=i)}
            for i, name in enumerate(names)]


def walk(documents, **params):
    seen, token = [], None
    while True:
        page, token = LISTING.run(documents, {**params, **({"NextToken": token} if token else {})})
        seen.extend(doc["Name"] for doc in page)
        if token is None:
            return seen


def test_default_is_newest_first_in_pages_of_ten():
    documents = docs(*[f"n{i:02}" for i in range(25)])
    page, token = LISTING.run(documents, {})
    assert [doc["Name"] for doc in page] == [f"n{i:02}" for i in range(24, 14, -1)]
    assert token is not None
    assert walk(documents) == [f"n{i:02}" for i in range(24, -1, -1)]


def test_sort_by_name_ascending_with_max_results():
    documents = docs("b", "c", "a")
    assert walk(documents, SortBy="Name", SortOrder="Ascending", MaxResults=1) == ["a", "b", "c"]


def test_name_contains_is_case_insensitive_and_time_filters_are_strict():
    documents = docs("Alpha", "beta", "alphabet")
    assert walk(documents, NameContains="alpha", SortBy="Name", SortOrder="Ascending") == ["Alpha", "alphabet"]
    assert walk(documents, CreationTimeAfter=T0) == ["alphabet", "beta"]
    assert walk(documents, CreationTimeBefore=T0 + dt.timedelta(minutes=1)) == ["Alpha"]


def test_pages_stay_consistent_while_items_are_added():
    documents = docs("a", "c", "e", "g")
    page, token = LISTING.run(documents, {"SortBy": "Name", "SortOrder": "Ascending", "MaxResults": 2})
    assert [doc["Name"] for doc in page] == ["a", "c"]
    documents += [{"Name": "b", "Arn": "arn:b", "CreationTime": T0}, {"Name": "f", "Arn": "arn:f", "CreationTime": T0}]
    rest, _ = LISTING.run(documents, {"SortBy": "Name", "SortOrder": "Ascending", "MaxResults": 10,
                                      "NextToken": token})
    # nothing repeated, nothing already listed pushed out; the newcomer after the cursor appears
    assert [doc["Name"] for doc in rest] == ["e", "f", "g"]


def test_a_malformed_token_is_a_validation_error():
    with pytest.raises(ValidationError, match="Invalid pagination token"):
        LISTING.run(docs("a"), {"NextToken": "not-a-token"})


@mock_sagemaker
def test_boto3_paginator_walks_every_group_once():
    client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    for i in range(23):
        with freeze_time(T0 + dt.timedelta(seconds=i)):
            client.create_model_package_group(ModelPackageGroupName=f"group-{i:02}")
    pages = list(client.get_paginator("list_model_package_groups").paginate(PaginationConfig={"PageSize": 5}))
    names = [g["ModelPackageGroupName"] for page in pages for g in page["ModelPackageGroupSummaryList"]]
    assert len(pages) == 5
    assert names == [f"group-{i:02}" for i in range(23)]  # AWS's default: CreationTime, Ascending
    with pytest.raises(ClientError) as err:
        client.list_model_package_groups(NextToken="garbage")
    assert err.value.response["Error"]["Code"] == "ValidationException"


SPEC = {"Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"}]}


def sm():
    return boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")


@mock_sagemaker
def test_equal_times_keep_creation_order():
    client = sm()
    with freeze_time("2024-01-01"):
        client.create_model_package_group(ModelPackageGroupName="g")
        for _ in range(12):
            client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)
        latest = client.list_model_packages(ModelPackageGroupName="g", SortOrder="Descending", MaxResults=3)
        by_name = client.list_model_packages(ModelPackageGroupName="g", SortBy="Name")
    assert [p["ModelPackageVersion"] for p in latest["ModelPackageSummaryList"]] == [12, 11, 10]
    assert [p["ModelPackageVersion"] for p in by_name["ModelPackageSummaryList"]] == list(range(1, 11))


@mock_sagemaker
def test_a_token_for_another_query_is_refused():
    client = sm()
    for name in "abc":
        client.create_model_package_group(ModelPackageGroupName=name)
    token = client.list_model_package_groups(MaxResults=2)["NextToken"]
    for other in ({"SortBy": "Name"}, {"SortOrder": "Descending"}, {"NameContains": "a"}):
        with pytest.raises(ClientError) as err:
            client.list_model_package_groups(NextToken=token, **other)
        assert err.value.response["Error"]["Code"] == "ValidationException"
        assert "different query" in err.value.response["Error"]["Message"]
    with pytest.raises(ClientError):
        client.list_algorithms(NextToken=token)
    rest = client.list_model_package_groups(MaxResults=2, NextToken=token)["ModelPackageGroupSummaryList"]
    assert [g["ModelPackageGroupName"] for g in rest] == ["c"]
