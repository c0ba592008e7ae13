"""Search and GetSearchSuggestions through boto3: the expression language, records, sort, pages."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock.backends.search import max_nodes
from tests.model_support import requires_enum_value

ACCOUNT = "123456789012"
REGION = "us-east-1"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/"
START = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def spec(*images, content_types=("text/csv",)):
    return {"Containers": [{"Image": IMAGE + image, "ModelDataUrl": f"s3://bucket/{image}.tar.gz"} for image in images],
            "SupportedContentTypes": list(content_types), "SupportedResponseMIMETypes": ["text/csv"]}


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def search(client, resource="ModelPackage", **kwargs):
    return client.search(Resource=resource, **kwargs)


def versions(client, *filters, operator=None, **kwargs):
    expression = {"Filters": list(filters)}
    if operator:
        expression["Operator"] = operator
    kwargs.setdefault("SortBy", "ModelPackageVersion")
    kwargs.setdefault("SortOrder", "Ascending")
    results = search(client, SearchExpression=expression, **kwargs)["Results"]
    return [record["ModelPackage"]["ModelPackageVersion"] for record in results]


def refused(client, fragment, **kwargs):
    with pytest.raises(ClientError) as err:
        client.search(**kwargs)
    code, message = error_of(err)
    assert code == "ValidationException"
    assert fragment in message, message
    return message


@pytest.fixture
def registry(sagemaker_client, sagemaker_mock):
    """A group `churn` (tagged) holding versions 1-5, one minute apart from 2024-05-01T12:00:00Z.

    v1: image a, Approved        v2: images a+b, Rejected      v3: image b, Approved, csv+json
    v4: image c, Pending         v5: image ab, Pending (no description)
    """
    client = sagemaker_client
    with freeze_time(START):
        client.create_model_package_group(ModelPackageGroupName="churn",
                                          Tags=[{"Key": "team", "Value": "risk"}])
        plan = [
            (spec("a:1"), "Approved", "first model"),
            (spec("a:2", "b:1"), "Rejected", "second model"),
            (spec("b:2", content_types=("text/csv", "application/json")), "Approved", "third model"),
            (spec("c:1"), "PendingManualApproval", "fourth model"),
            (spec("ab:1"), "PendingManualApproval", None),
        ]
        for inference, status, description in plan:
            sagemaker_mock.advance(60)
            kwargs = {"ModelPackageDescription": description} if description else {}
            client.create_model_package(ModelPackageGroupName="churn", InferenceSpecification=inference,
                                        ModelApprovalStatus=status, **kwargs)
    return client


def at(minutes: int, seconds: int = 0) -> str:
    return (START + dt.timedelta(minutes=minutes, seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")


# -- records ------------------------------------------------------------------------------------

def test_model_package_record_is_the_describe_document_with_the_group_tags(registry):
    results = search(registry, SearchExpression={"Filters": [{"Name": "ModelPackageVersion", "Value": "2"}]})
    assert len(results["Results"]) == 1
    record = results["Results"][0]["ModelPackage"]
    described = registry.describe_model_package(ModelPackageName=record["ModelPackageArn"])
    for key, value in described.items():
        if key != "ResponseMetadata":
            assert record[key] == value
    assert record["Tags"] == [{"Key": "team", "Value": "risk"}]
    assert results.get("TotalHits", {"Value": 1, "Relation": "EqualTo"}) == {"Value": 1, "Relation": "EqualTo"}
    assert "NextToken" not in results


def test_no_expression_finds_every_resource_newest_change_first(registry):
    # The default sort is LastModifiedTime, Descending.
    results = search(registry)["Results"]
    assert [record["ModelPackage"]["ModelPackageVersion"] for record in results] == [5, 4, 3, 2, 1]
    registry.update_model_package(ModelPackageArn=results[-1]["ModelPackage"]["ModelPackageArn"],
                                  ApprovalDescription="reviewed")
    results = search(registry)["Results"]
    assert results[0]["ModelPackage"]["ModelPackageVersion"] == 1


def test_group_records_and_tag_filters(registry):
    registry.create_model_package_group(ModelPackageGroupName="fraud", Tags=[{"Key": "team", "Value": "ops"}])
    registry.create_model_package_group(ModelPackageGroupName="plain")
    found = search(registry, "ModelPackageGroup",
                   SearchExpression={"Filters": [{"Name": "Tags.team", "Operator": "Equals", "Value": "ops"}]})
    [record] = found["Results"]
    assert record["ModelPackageGroup"]["ModelPackageGroupName"] == "fraud"
    assert record["ModelPackageGroup"]["Tags"] == [{"Key": "team", "Value": "ops"}]
    assert record["ModelPackageGroup"]["ModelPackageGroupStatus"] == "Completed"

    def groups(*filters):
        results = search(registry, "ModelPackageGroup", SearchExpression={"Filters": list(filters)},
                         SortBy="ModelPackageGroupName", SortOrder="Ascending")["Results"]
        return [record["ModelPackageGroup"]["ModelPackageGroupName"] for record in results]

    assert groups({"Name": "Tags.team", "Operator": "Exists"}) == ["churn", "fraud"]
    assert groups({"Name": "Tags.team", "Operator": "NotExists"}) == ["plain"]
    assert groups({"Name": "Tags.team", "Operator": "In", "Value": "risk,ops"}) == ["churn", "fraud"]
    assert groups({"Name": "Tags.team", "Operator": "NotEquals", "Value": "ops"}) == ["churn", "plain"]
    registry.add_tags(ResourceArn=f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/plain",
                      Tags=[{"Key": "team", "Value": "ops"}])
    assert groups({"Name": "Tags.team", "Value": "ops"}) == ["fraud", "plain"]
    # A versioned package carries its group's tags.
    assert versions(registry, {"Name": "Tags.team", "Value": "risk"}) == [1, 2, 3, 4, 5]


# -- operators by property type -----------------------------------------------------------------

@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("Equals", "3", [3]),
    ("NotEquals", "3", [1, 2, 4, 5]),
    ("GreaterThan", "3", [4, 5]),
    ("GreaterThanOrEqualTo", "3", [3, 4, 5]),
    ("LessThan", "3", [1, 2]),
    ("LessThanOrEqualTo", "3.0", [1, 2, 3]),
    ("Exists", None, [1, 2, 3, 4, 5]),
    ("NotExists", None, []),
])
def test_number_operators(registry, operator, value, expected):
    condition = {"Name": "ModelPackageVersion", "Operator": operator}
    if value is not None:
        condition["Value"] = value
    assert versions(registry, condition) == expected


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("Equals", at(3), [3]),
    ("NotEquals", at(3), [1, 2, 4, 5]),
    ("GreaterThan", at(3), [4, 5]),
    ("GreaterThanOrEqualTo", at(3), [3, 4, 5]),
    ("LessThan", at(3), [1, 2]),
    ("LessThanOrEqualTo", at(3), [1, 2, 3]),
    ("GreaterThan", str(int((START + dt.timedelta(minutes=3)).timestamp())), [4, 5]),  # epoch seconds
    ("LessThan", at(2, 30) + "Z", [1, 2]),
    ("Exists", None, [1, 2, 3, 4, 5]),
    ("NotExists", None, []),
])
def test_time_operators(registry, operator, value, expected):
    condition = {"Name": "CreationTime", "Operator": operator}
    if value is not None:
        condition["Value"] = value
    assert versions(registry, condition) == expected


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("Equals", "Approved", [1, 3]),
    ("NotEquals", "Approved", [2, 4, 5]),
    ("In", "Rejected, PendingManualApproval", [2, 4, 5]),
    ("Contains", "pend", [4, 5]),
    (None, "Rejected", [2]),  # a Value without an Operator: Equals
])
def test_text_operators(registry, operator, value, expected):
    condition = {"Name": "ModelApprovalStatus", "Value": value}
    if operator:
        condition["Operator"] = operator
    assert versions(registry, condition) == expected


def test_exists_on_an_optional_text_property(registry):
    assert versions(registry, {"Name": "ModelPackageDescription", "Operator": "Exists"}) == [1, 2, 3, 4]
    assert versions(registry, {"Name": "ModelPackageDescription", "Operator": "NotExists"}) == [5]
    assert versions(registry, {"Name": "ModelPackageDescription"}) == [1, 2, 3, 4]  # no Operator, no Value


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("Equals", "application/json", [3]),
    ("NotEquals", "application/json", [1, 2, 4, 5]),
    ("In", "application/json,text/plain", [3]),
    ("Contains", "json", [3]),
    ("Exists", None, [1, 2, 3, 4, 5]),
])
def test_list_operators(registry, operator, value, expected):
    condition = {"Name": "InferenceSpecification.SupportedContentTypes", "Operator": operator}
    if value is not None:
        condition["Value"] = value
    assert versions(registry, condition) == expected


def test_paths_traverse_lists_of_structures(registry):
    image = {"Name": "InferenceSpecification.Containers.Image", "Operator": "Equals", "Value": IMAGE + "b:1"}
    assert versions(registry, image) == [2]
    contains = {"Name": "InferenceSpecification.Containers.Image", "Operator": "Contains", "Value": "/a"}
    assert versions(registry, contains) == [1, 2, 5]


@pytest.mark.parametrize(("name", "operator", "value", "fragment"), [
    ("ModelApprovalStatus", "GreaterThan", "A", "not supported for the text property 'ModelApprovalStatus'"),
    ("ModelApprovalStatus", "LessThanOrEqualTo", "A", "not supported for the text property"),
    ("ModelPackageVersion", "Contains", "3", "only supported for text properties"),
    ("ModelPackageVersion", "In", "1,2", "only supported for text properties"),
    ("ModelPackageVersion", "Equals", "three", "is not a number"),
    ("CreationTime", "GreaterThan", "yesterday", "is not a timestamp"),
    ("CreationTime", "In", at(1), "only supported for text properties"),
    ("InferenceSpecification", "Equals", "x", "is not a single value"),
    ("ModelPackageVersion", "GreaterThan", None, "needs a Value"),
])
def test_operators_the_property_type_does_not_support_are_refused(registry, name, operator, value, fragment):
    condition = {"Name": name, "Operator": operator}
    if value is not None:
        condition["Value"] = value
    refused(registry, fragment, Resource="ModelPackage", SearchExpression={"Filters": [condition]})


def test_boolean_and_nested_model_records(sagemaker_client):
    client = sagemaker_client
    container = {"Image": IMAGE + "serve:1"}
    client.create_model(ModelName="open", PrimaryContainer=container, Tags=[{"Key": "stage", "Value": "dev"}])
    client.create_model(ModelName="closed", PrimaryContainer=container, EnableNetworkIsolation=True)

    def models(*filters, **kwargs):
        results = search(client, "Model", SearchExpression={"Filters": list(filters)}, **kwargs)["Results"]
        return [record["Model"]["Model"]["ModelName"] for record in results]

    assert models({"Name": "Model.EnableNetworkIsolation", "Value": "true"}) == ["closed"]
    assert models({"Name": "Model.EnableNetworkIsolation", "Operator": "NotEquals", "Value": "TRUE"}) == ["open"]
    assert models({"Name": "Model.Tags.stage", "Value": "dev"}) == ["open"]
    assert models({"Name": "Model.ModelName", "Operator": "Exists"}) == ["closed", "open"]  # newest first
    refused(client, "is not a Boolean", Resource="Model",
            SearchExpression={"Filters": [{"Name": "Model.EnableNetworkIsolation", "Value": "yes"}]})
    # Filter.Operator: the range operators are "Not supported for text properties" only; false < true.
    assert models({"Name": "Model.EnableNetworkIsolation", "Operator": "GreaterThan", "Value": "false"}) == ["closed"]
    assert models({"Name": "Model.EnableNetworkIsolation", "Operator": "LessThanOrEqualTo", "Value": "false"}) == \
        ["open"]
    [record] = search(client, "Model", SearchExpression={"Filters": [{"Name": "Model.ModelName",
                                                                      "Value": "open"}]})["Results"]
    model = record["Model"]["Model"]
    assert model["ModelArn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/open"
    assert model["PrimaryContainer"] == container
    assert model["Tags"] == [{"Key": "stage", "Value": "dev"}]


# -- And / Or / SubExpressions / NestedFilters --------------------------------------------------

def test_and_is_the_default_and_or_combines(registry):
    approved = {"Name": "ModelApprovalStatus", "Value": "Approved"}
    late = {"Name": "ModelPackageVersion", "Operator": "GreaterThan", "Value": "2"}
    assert versions(registry, approved, late) == [3]
    assert versions(registry, approved, late, operator="And") == [3]
    assert versions(registry, approved, late, operator="Or") == [1, 3, 4, 5]


def test_sub_expressions_nest(registry):
    # (status = Rejected OR version >= 4) AND NOT has image c   ->  2, 5
    expression = {
        "SubExpressions": [
            {"Operator": "Or", "Filters": [{"Name": "ModelApprovalStatus", "Value": "Rejected"},
                                           {"Name": "ModelPackageVersion", "Operator": "GreaterThanOrEqualTo",
                                            "Value": "4"}]},
            {"SubExpressions": [{"Filters": [{"Name": "InferenceSpecification.Containers.Image",
                                              "Operator": "NotEquals", "Value": IMAGE + "c:1"}]}]},
        ],
    }
    results = search(registry, SearchExpression=expression, SortBy="ModelPackageVersion", SortOrder="Ascending")
    assert [record["ModelPackage"]["ModelPackageVersion"] for record in results["Results"]] == [2, 5]


def test_nested_filters_need_one_element_to_satisfy_all(registry):
    image_a2 = {"Name": "InferenceSpecification.Containers.Image", "Value": IMAGE + "a:2"}
    data_b1 = {"Name": "InferenceSpecification.Containers.ModelDataUrl", "Value": "s3://bucket/b:1.tar.gz"}
    data_a2 = {"Name": "InferenceSpecification.Containers.ModelDataUrl", "Value": "s3://bucket/a:2.tar.gz"}
    # Plain filters match across different containers of v2; a nested filter does not.
    assert versions(registry, image_a2, data_b1) == [2]

    def nested(*filters):
        expression = {"NestedFilters": [{"NestedPropertyName": "InferenceSpecification.Containers",
                                         "Filters": list(filters)}]}
        results = search(registry, SearchExpression=expression, SortBy="ModelPackageVersion", SortOrder="Ascending")
        return [record["ModelPackage"]["ModelPackageVersion"] for record in results["Results"]]

    assert nested(image_a2, data_b1) == []
    assert nested(image_a2, data_a2) == [2]
    assert nested({"Name": "InferenceSpecification.Containers.Image", "Operator": "Contains", "Value": "/b:"}) == [2, 3]
    refused(registry, "must start with 'InferenceSpecification.Containers.'", Resource="ModelPackage",
            SearchExpression={"NestedFilters": [{"NestedPropertyName": "InferenceSpecification.Containers",
                                                 "Filters": [{"Name": "ModelPackageVersion", "Value": "1"}]}]})
    refused(registry, "is not a list property", Resource="ModelPackage",
            SearchExpression={"NestedFilters": [{"NestedPropertyName": "InferenceSpecification",
                                                 "Filters": [{"Name": "InferenceSpecification.Containers.Image",
                                                              "Value": "x"}]}]})


# -- limits and errors --------------------------------------------------------------------------

def test_unknown_properties_are_refused_naming_them(registry):
    for name in ("Foo", "InferenceSpecification.Containers.Colour", "ModelPackageVersion.Major"):
        message = refused(registry, f"Invalid property name '{name}'", Resource="ModelPackage",
                          SearchExpression={"Filters": [{"Name": name, "Value": "x"}]})
        assert "ModelPackage search records" in message
    refused(registry, "Invalid property name 'Nope'", Resource="ModelPackage", SortBy="Nope")
    refused(registry, "Cannot sort by 'InferenceSpecification'", Resource="ModelPackage",
            SortBy="InferenceSpecification")


def test_contains_may_be_used_once_outside_the_whitelist(registry, sagemaker_client):
    two = {"Filters": [{"Name": "ModelApprovalStatus", "Operator": "Contains", "Value": "A"}],
           "SubExpressions": [{"Filters": [{"Name": "ModelPackageDescription", "Operator": "Contains",
                                            "Value": "model"}]}]}
    message = refused(registry, "'CONTAINS' operator usage limit of 1 exceeded.", Resource="ModelPackage",
                      SearchExpression=two)
    assert message == "'CONTAINS' operator usage limit of 1 exceeded."
    # Experiment names, display names and tags are whitelisted.
    for name in ("alpha-run", "alpha-test", "beta-run"):
        sagemaker_client.create_experiment(ExperimentName=name, Tags=[{"Key": "owner", "Value": name[:4]}])
    expression = {"Filters": [{"Name": "ExperimentName", "Operator": "Contains", "Value": "alpha"},
                              {"Name": "DisplayName", "Operator": "Contains", "Value": "run"},
                              {"Name": "Tags.owner", "Operator": "Contains", "Value": "alp"}]}
    results = search(sagemaker_client, "Experiment", SearchExpression=expression)["Results"]
    assert [record["Experiment"]["ExperimentName"] for record in results] == ["alpha-run"]
    assert results[0]["Experiment"]["Tags"] == [{"Key": "owner", "Value": "alph"}]


def test_expression_limits(registry):
    refused(registry, "at least one subexpression, filter, or nested filter", Resource="ModelPackage",
            SearchExpression={})
    refused(registry, "at least one subexpression, filter, or nested filter", Resource="ModelPackage",
            SearchExpression={"SubExpressions": [{"Operator": "Or"}]})
    condition = {"Name": "ModelPackageVersion", "Operator": "GreaterThan", "Value": "0"}
    limit = max_nodes()
    assert limit == 50  # the model's documentation of SearchExpression
    # 3 sub-expressions of 16 filters + the 3 sub-expressions themselves: 51 nodes.
    too_many = {"SubExpressions": [{"Filters": [condition] * 16}] * 3}
    refused(registry, f"more than {limit} SubExpressions, NestedFilters and Filters", Resource="ModelPackage",
            SearchExpression=too_many)
    fits = {"SubExpressions": [{"Filters": [condition] * 16}, {"Filters": [condition] * 16},
                               {"Filters": [condition] * 15}]}  # 50
    assert len(search(registry, SearchExpression=fits)["Results"]) == 5
    with pytest.raises(ClientError) as err:  # the model caps each list at 20
        search(registry, SearchExpression={"Filters": [condition] * 21})
    assert error_of(err)[0] == "ValidationException"


def test_a_resource_we_do_not_mock_has_no_results(registry):
    results = search(registry, "TrainingJob",
                     SearchExpression={"Filters": [{"Name": "Metrics.accuracy", "Operator": "GreaterThan",
                                                    "Value": "0.9"}]})
    assert results["Results"] == [] and "NextToken" not in results
    assert results.get("TotalHits", {"Value": 0})["Value"] == 0  # (TotalHits: botocore 1.36 and later)
    # The expression is still checked against the TrainingJob record.
    refused(registry, "Invalid property name 'Colour'", Resource="TrainingJob",
            SearchExpression={"Filters": [{"Name": "Colour", "Value": "red"}]})
    with pytest.raises(ClientError) as err:
        search(registry, "Spaceship")
    assert error_of(err)[0] == "ValidationException"


# -- sort ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sort_by", "ascending"), [
    ("ModelPackageVersion", [1, 2, 3, 4, 5]),
    ("CreationTime", [1, 2, 3, 4, 5]),
    ("ModelApprovalStatus", [1, 3, 4, 5, 2]),  # Approved < Pending... < Rejected; ties by creation
    ("InferenceSpecification.Containers.Image", [1, 2, 5, 3, 4]),  # a list sorts by its smallest value
])
def test_sort_both_ways(registry, sort_by, ascending):
    results = search(registry, SortBy=sort_by, SortOrder="Ascending")["Results"]
    assert [record["ModelPackage"]["ModelPackageVersion"] for record in results] == ascending
    results = search(registry, SortBy=sort_by)["Results"]  # Descending by default
    got = [record["ModelPackage"]["ModelPackageVersion"] for record in results]
    if sort_by == "ModelApprovalStatus":
        assert got == [2, 5, 4, 3, 1]  # ties newest first when descending
    elif sort_by.startswith("Inference"):
        assert got == [4, 3, 2, 5, 1]  # by the largest value descending: c:1, b:2, b:1 (v2), ab:1, a:1
    else:
        assert got == list(reversed(ascending))


def test_missing_sort_values_come_last_either_way(registry):
    results = search(registry, SortBy="ModelPackageDescription", SortOrder="Ascending")["Results"]
    assert [record["ModelPackage"]["ModelPackageVersion"] for record in results] == [1, 4, 2, 3, 5]
    results = search(registry, SortBy="ModelPackageDescription", SortOrder="Descending")["Results"]
    assert [record["ModelPackage"]["ModelPackageVersion"] for record in results] == [3, 2, 4, 1, 5]


# -- pages --------------------------------------------------------------------------------------

def test_paginator_walks_every_result_once_across_inserts(sagemaker_client):
    client = sagemaker_client
    client.create_model_package_group(ModelPackageGroupName="many")
    for _ in range(25):
        client.create_model_package(ModelPackageGroupName="many", InferenceSpecification=spec("m:1"))
    expression = {"Filters": [{"Name": "ModelPackageVersion", "Operator": "LessThanOrEqualTo", "Value": "1000"}]}
    pages = client.get_paginator("search").paginate(
        Resource="ModelPackage", SearchExpression=expression, SortBy="ModelPackageVersion",
        SortOrder="Ascending", PaginationConfig={"PageSize": 4})
    seen = []
    for number, page in enumerate(pages):
        assert len(page["Results"]) <= 4
        assert page.get("TotalHits", {"Relation": "EqualTo"})["Relation"] == "EqualTo"
        seen.extend(record["ModelPackage"]["ModelPackageVersion"] for record in page["Results"])
        if number == 2:  # items added while paging: those after the cursor are met, none repeats
            for _ in range(3):
                client.create_model_package(ModelPackageGroupName="many", InferenceSpecification=spec("m:1"))
    assert seen == list(range(1, 29))


def test_descending_pages_skip_nothing_when_newer_items_arrive(sagemaker_client):
    client = sagemaker_client
    client.create_model_package_group(ModelPackageGroupName="many")
    for _ in range(10):
        client.create_model_package(ModelPackageGroupName="many", InferenceSpecification=spec("m:1"))
    first = search(client, SortBy="ModelPackageVersion", MaxResults=4)
    assert [r["ModelPackage"]["ModelPackageVersion"] for r in first["Results"]] == [10, 9, 8, 7]
    client.create_model_package(ModelPackageGroupName="many", InferenceSpecification=spec("m:1"))  # v11
    seen, token = [], first["NextToken"]
    while token:
        page = search(client, SortBy="ModelPackageVersion", MaxResults=4, NextToken=token)
        seen.extend(r["ModelPackage"]["ModelPackageVersion"] for r in page["Results"])
        token = page.get("NextToken")
    assert seen == [6, 5, 4, 3, 2, 1]  # v11 sorts before the cursor: not repeated, nothing skipped


def test_tokens_belong_to_their_query(registry):
    first = search(registry, SortBy="ModelPackageVersion", MaxResults=2)
    assert len(first["Results"]) == 2 and first["NextToken"]
    refused(registry, "issued for a different query", Resource="ModelPackage", SortBy="CreationTime",
            MaxResults=2, NextToken=first["NextToken"])
    refused(registry, "malformed token", Resource="ModelPackage", SortBy="ModelPackageVersion",
            NextToken="not-a-token")
    # MaxResults may change between pages.
    rest = search(registry, SortBy="ModelPackageVersion", MaxResults=10, NextToken=first["NextToken"])
    assert [r["ModelPackage"]["ModelPackageVersion"] for r in rest["Results"]] == [3, 2, 1]
    assert "NextToken" not in rest


def test_deleted_resources_leave_the_results(registry):
    arn = search(registry, SearchExpression={"Filters": [{"Name": "ModelPackageVersion", "Value": "2"}]})[
        "Results"][0]["ModelPackage"]["ModelPackageArn"]
    registry.delete_model_package(ModelPackageName=arn)
    assert versions(registry, {"Name": "ModelPackageVersion", "Operator": "Exists"}) == [1, 3, 4, 5]


# -- experiments ---------------------------------------------------------------------------------

@pytest.fixture
def experiments(sagemaker_client):
    client = sagemaker_client
    client.create_experiment(ExperimentName="exp")
    client.create_trial(TrialName="t1", ExperimentName="exp", Tags=[{"Key": "kind", "Value": "baseline"}])
    client.create_trial(TrialName="t2", ExperimentName="exp")
    for name, lr, optimiser in (("c1", 0.1, "sgd"), ("c2", 0.25, "adam"), ("c3", 1.5, "adam")):
        client.create_trial_component(TrialComponentName=name, Parameters={
            "lr": {"NumberValue": lr}, "optimiser": {"StringValue": optimiser}})
    client.associate_trial_component(TrialComponentName="c1", TrialName="t1")
    client.associate_trial_component(TrialComponentName="c2", TrialName="t2")
    client.associate_trial_component(TrialComponentName="c2", TrialName="t1")
    return client


def components(client, *filters, **kwargs):
    expression = {"Filters": list(filters)}
    results = search(client, "ExperimentTrialComponent", SearchExpression=expression, SortBy="TrialComponentName",
                     SortOrder="Ascending", **kwargs)["Results"]
    return [record["TrialComponent"]["TrialComponentName"] for record in results]


def test_trial_component_parameters_compare_by_type(experiments):
    assert components(experiments, {"Name": "Parameters.lr", "Operator": "LessThan", "Value": "0.3"}) == ["c1", "c2"]
    assert components(experiments, {"Name": "Parameters.lr", "Operator": "GreaterThan", "Value": "0.2"}) == \
        ["c2", "c3"]
    # An integer Value compares the decimal values as integers (the Filter documentation's rule).
    assert components(experiments, {"Name": "Parameters.lr", "Operator": "Equals", "Value": "1"}) == ["c3"]
    assert components(experiments, {"Name": "Parameters.optimiser", "Value": "adam"}) == ["c2", "c3"]
    assert components(experiments, {"Name": "Parameters.optimiser", "Operator": "In", "Value": "sgd,rmsprop"}) == \
        ["c1"]
    assert components(experiments, {"Name": "Parameters.lr.NumberValue", "Operator": "GreaterThanOrEqualTo",
                                    "Value": "0.25"}) == ["c2", "c3"]
    assert components(experiments, {"Name": "Parameters.momentum", "Operator": "NotExists"}) == ["c1", "c2", "c3"]
    assert components(experiments, {"Name": "Metrics.loss.Min", "Operator": "Exists"}) == []


def test_trial_component_parents_and_trial_summaries(experiments):
    assert components(experiments, {"Name": "Parents.TrialName", "Value": "t1"}) == ["c1", "c2"]
    assert components(experiments, {"Name": "Parents.ExperimentName", "Value": "exp"}) == ["c1", "c2"]
    assert components(experiments, {"Name": "Parents", "Operator": "NotExists"}) == ["c3"]
    [record] = search(experiments, "ExperimentTrialComponent",
                      SearchExpression={"Filters": [{"Name": "TrialComponentName", "Value": "c2"}]})["Results"]
    component = record["TrialComponent"]
    assert component["Parents"] == [{"TrialName": "t2", "ExperimentName": "exp"},
                                    {"TrialName": "t1", "ExperimentName": "exp"}]
    assert component["Parameters"]["lr"] == {"NumberValue": 0.25}
    assert component["Tags"] == []
    trials = search(experiments, "ExperimentTrial", SearchExpression={"Filters": [
        {"Name": "TrialComponentSummaries.TrialComponentName", "Value": "c2"}]}, SortBy="TrialName",
        SortOrder="Ascending")["Results"]
    assert [record["Trial"]["TrialName"] for record in trials] == ["t1", "t2"]
    t1 = trials[0]["Trial"]
    assert [summary["TrialComponentName"] for summary in t1["TrialComponentSummaries"]] == ["c1", "c2"]
    assert t1["TrialComponentSummaries"][0]["TrialComponentArn"].endswith(":experiment-trial-component/c1")
    assert t1["Tags"] == [{"Key": "kind", "Value": "baseline"}]
    assert t1["ExperimentName"] == "exp"


def test_model_card_records_read_their_content(sagemaker_client):
    content = {"model_overview": {"model_id": "arn:aws:sagemaker:us-east-1:123456789012:model/churn"},
               "intended_uses": {"risk_rating": "Low"}}
    sagemaker_client.create_model_card(ModelCardName="churn-card", Content=json.dumps(content),
                                       ModelCardStatus="Draft")
    sagemaker_client.create_model_card(ModelCardName="other-card", Content="{}", ModelCardStatus="Approved")
    results = search(sagemaker_client, "ModelCard",
                     SearchExpression={"Filters": [{"Name": "RiskRating", "Value": "Low"}]})["Results"]
    [record] = results
    card = record["ModelCard"]
    assert card["ModelCardName"] == "churn-card"
    assert card["ModelId"] == content["model_overview"]["model_id"]
    assert card["ModelCardVersion"] == 1 and card["ModelCardStatus"] == "Draft"
    sagemaker_client.update_model_card(ModelCardName="churn-card", Content=json.dumps({}))
    results = search(sagemaker_client, "ModelCard", SearchExpression={"Filters": [
        {"Name": "ModelCardVersion", "Operator": "GreaterThan", "Value": "1"}]})["Results"]
    assert [record["ModelCard"]["ModelCardName"] for record in results] == ["churn-card"]
    assert "RiskRating" not in results[0]["ModelCard"]


# -- options ------------------------------------------------------------------------------------

def test_visibility_conditions_and_cross_account(registry):
    registry.create_model_package_group(ModelPackageGroupName="fraud", Tags=[{"Key": "team", "Value": "ops"}])
    registry.create_model_package_group(ModelPackageGroupName="plain")
    results = search(registry, "ModelPackageGroup", VisibilityConditions=[{"Key": "Tags.team", "Value": "ops"}],
                     SortBy="ModelPackageGroupName", SortOrder="Ascending")["Results"]
    assert [record["ModelPackageGroup"]["ModelPackageGroupName"] for record in results] == ["fraud", "plain"]
    assert search(registry, "ModelPackageGroup", CrossAccountFilterOption="CrossAccount")["Results"] == []
    assert len(search(registry, "ModelPackageGroup", CrossAccountFilterOption="SameAccount")["Results"]) == 3


def test_a_visibility_condition_without_a_key_is_refused(registry):
    """`Key` is optional in the model's VisibilityConditions; a condition without one names no tag."""
    refused(registry, "VisibilityConditions key '' must have the form Tags.<key>", Resource="ModelPackageGroup",
            VisibilityConditions=[{"Value": "ops"}])


# -- GetSearchSuggestions ------------------------------------------------------------------------

def suggestions(client, resource, hint):
    answer = client.get_search_suggestions(Resource=resource,
                                           SuggestionQuery={"PropertyNameQuery": {"PropertyNameHint": hint}})
    return [item["PropertyName"] for item in answer["PropertyNameSuggestions"]]


def test_suggestions_are_the_tag_parameter_and_metric_names_held(experiments, sagemaker_mock):
    """"Provides suggestions for HyperParameters, Tags, and Metrics" (GetSearchSuggestions)."""
    assert suggestions(experiments, "ExperimentTrialComponent", "Parameters") == [
        "Parameters.lr", "Parameters.optimiser"]
    assert suggestions(experiments, "ExperimentTrialComponent", "parameters.l") == ["Parameters.lr"]
    assert suggestions(experiments, "ExperimentTrial", "Tags") == ["Tags.kind"]
    assert suggestions(experiments, "ModelPackage", "InferenceSpecification") == []  # not a map
    assert suggestions(experiments, "ModelPackage", "NoSuchThing") == []
    component = experiments.list_trial_components()["TrialComponentSummaries"][0]["TrialComponentArn"]
    sagemaker_mock.put_trial_component_metrics(component, {"accuracy": [0.9]})
    assert suggestions(experiments, "ExperimentTrialComponent", "Metrics") == ["Metrics.accuracy"]
    # Every suggestion is a property Search accepts.
    for name in suggestions(experiments, "ExperimentTrialComponent", ""):
        search(experiments, "ExperimentTrialComponent",
               SearchExpression={"Filters": [{"Name": name, "Operator": "Exists"}]})


def test_pipeline_and_project_records(sagemaker_client):
    client = sagemaker_client
    definition = json.dumps({"Version": "2020-12-01", "Parameters": [], "Steps": [
        {"Name": "Prepare", "Type": "Processing", "Arguments": {}}]})
    role = f"arn:aws:iam::{ACCOUNT}:role/pipelines"
    client.create_pipeline(PipelineName="train-flow", PipelineDefinition=definition, RoleArn=role,
                           PipelineDescription="trains", Tags=[{"Key": "team", "Value": "ml"}])
    client.create_pipeline(PipelineName="serve-flow", PipelineDefinition=definition, RoleArn=role)
    results = search(client, "Pipeline", SearchExpression={"Filters": [{"Name": "Tags.team", "Value": "ml"}]})
    [record] = results["Results"]
    pipeline = record["Pipeline"]
    assert pipeline["PipelineName"] == "train-flow" and pipeline["PipelineStatus"] == "Active"
    assert pipeline["PipelineDescription"] == "trains" and pipeline["Tags"] == [{"Key": "team", "Value": "ml"}]
    assert "PipelineDefinition" not in pipeline  # not a member of the Pipeline search record
    names = [r["Pipeline"]["PipelineName"] for r in search(client, "Pipeline", SortBy="PipelineName")["Results"]]
    assert names == ["train-flow", "serve-flow"]

    client.create_project(ProjectName="churn-project",
                          ServiceCatalogProvisioningDetails={"ProductId": "prod-abcdefghijklm"})
    results = search(client, "Project", SearchExpression={"Filters": [
        {"Name": "ProjectStatus", "Value": "CreateCompleted"},
        {"Name": "ServiceCatalogProvisioningDetails.ProductId", "Value": "prod-abcdefghijklm"}]})
    [record] = results["Results"]
    assert record["Project"]["ProjectName"] == "churn-project"
    assert record["Project"]["ProjectId"].startswith("p-") and record["Project"]["Tags"] == []


def test_pipeline_execution_records(sagemaker_client):
    client = sagemaker_client
    definition = json.dumps({"Version": "2020-12-01",
                             "Parameters": [{"Name": "Epochs", "Type": "Integer", "DefaultValue": 3}],
                             "Steps": [{"Name": "Wait", "Type": "Callback", "Arguments": {}}]})
    client.create_pipeline(PipelineName="flow", PipelineDefinition=definition,
                           RoleArn=f"arn:aws:iam::{ACCOUNT}:role/pipelines")
    waiting = client.start_pipeline_execution(PipelineName="flow")["PipelineExecutionArn"]
    client.start_pipeline_execution(PipelineName="flow", PipelineParameters=[{"Name": "Epochs", "Value": "9"}])
    results = search(client, "PipelineExecution", SearchExpression={"Filters": [
        {"Name": "PipelineParameters.Value", "Value": "9"}]})["Results"]
    [record] = results
    assert record["PipelineExecution"]["PipelineParameters"] == [{"Name": "Epochs", "Value": "9"}]
    executing = search(client, "PipelineExecution", SearchExpression={"Filters": [
        {"Name": "PipelineExecutionStatus", "Value": "Executing"}]})["Results"]
    assert len(executing) == 2
    token = [s for s in client.list_pipeline_execution_steps(PipelineExecutionArn=waiting)["PipelineExecutionSteps"]
             ][0]["Metadata"]["Callback"]["CallbackToken"]
    client.send_pipeline_execution_step_success(CallbackToken=token)
    succeeded = search(client, "PipelineExecution", SearchExpression={"Filters": [
        {"Name": "PipelineExecutionStatus", "Value": "Succeeded"}]})["Results"]
    assert [r["PipelineExecution"]["PipelineExecutionArn"] for r in succeeded] == [waiting]


@requires_enum_value("ResourceType", "PipelineVersion")
def test_pipeline_version_records(sagemaker_client):
    client = sagemaker_client
    role = f"arn:aws:iam::{ACCOUNT}:role/pipelines"
    first = json.dumps({"Version": "2020-12-01", "Parameters": [], "Steps": [
        {"Name": "A", "Type": "Fail", "Arguments": {"ErrorMessage": "stop"}}]})
    second = json.dumps({"Version": "2020-12-01", "Parameters": [], "Steps": [
        {"Name": "B", "Type": "Fail", "Arguments": {"ErrorMessage": "stop"}}]})
    client.create_pipeline(PipelineName="flow", PipelineDefinition=first, RoleArn=role)
    client.update_pipeline(PipelineName="flow", PipelineDefinition=second)
    execution = client.start_pipeline_execution(PipelineName="flow")["PipelineExecutionArn"]
    records = search(client, "PipelineVersion", SortBy="PipelineVersionId", SortOrder="Ascending")["Results"]
    versions = [record["PipelineVersion"] for record in records]
    assert [v["PipelineVersionId"] for v in versions] == [1, 2]
    assert versions[1]["LastExecutedPipelineExecutionArn"] == execution
    assert versions[1]["LastExecutedPipelineExecutionStatus"] == "Failed"
    assert "LastExecutedPipelineExecutionArn" not in versions[0]
