"""JumpStart private hubs, their content, versions and model references, through boto3."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_enum_value, requires_operation

ACCOUNT = "123456789012"
REGION = "us-east-1"
HUB_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub/curated"
PUBLIC = f"arn:aws:sagemaker:{REGION}:aws:hub-content/SageMakerPublicHub/Model/huggingface-llm-mistral-7b"
DOCUMENT = json.dumps({"Url": "https://example.com/model", "HostingArtifactUri": "s3://bucket/model/"})


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def make_hub(client, name="curated", **extra):
    return client.create_hub(HubName=name, HubDescription="Approved models", **extra)["HubArn"]


def import_model(client, name="churn-xgboost", version="1.0.0", hub="curated", **extra):
    request = {"HubName": hub, "HubContentType": "Model", "HubContentName": name, "DocumentSchemaVersion": "2.0.0",
               "HubContentDocument": DOCUMENT, **extra}
    if version is not None:
        request["HubContentVersion"] = version
    return client.import_hub_content(**request)["HubContentArn"]


# -- hubs ----------------------------------------------------------------------------------------------

def test_a_hub_is_created_in_service(sagemaker_client):
    arn = make_hub(sagemaker_client, HubDisplayName="Curated", HubSearchKeywords=["approved"])
    assert arn == HUB_ARN
    described = sagemaker_client.describe_hub(HubName="curated")
    assert described["HubStatus"] == "InService"
    assert (described["HubName"], described["HubDescription"], described["HubDisplayName"],
            described["HubSearchKeywords"]) == ("curated", "Approved models", "Curated", ["approved"])
    # No storage configuration given: DescribeHub still answers one (the SDK reads it unguarded).
    assert described["S3StorageConfig"] == {}
    assert sagemaker_client.describe_hub(HubName=arn)["HubArn"] == arn


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_hub_walks_creating_to_in_service(sagemaker_client):
    make_hub(sagemaker_client)
    statuses = [sagemaker_client.describe_hub(HubName="curated")["HubStatus"] for _ in range(2)]
    assert statuses == ["Creating", "InService"]


def test_a_planned_failure_leaves_the_hub_create_failed(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("hub", "bucket is not reachable", name="curated")
    make_hub(sagemaker_client)
    described = sagemaker_client.describe_hub(HubName="curated")
    assert (described["HubStatus"], described["FailureReason"]) == ("CreateFailed", "bucket is not reachable")


def test_a_duplicate_or_missing_hub_is_refused(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as duplicate:
        make_hub(sagemaker_client)
    assert error_of(duplicate) == ("ResourceInUse", f"Hub {HUB_ARN} already exists.")
    with pytest.raises(ClientError) as missing:
        sagemaker_client.describe_hub(HubName="no-such-hub")
    assert error_of(missing) == ("ResourceNotFound",
                                 f"Hub arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub/no-such-hub does not exist.")
    assert sagemaker_mock.snapshot() == before


def test_the_public_hub_is_not_one_sagemock_holds(sagemaker_client):
    with pytest.raises(ClientError) as public:
        sagemaker_client.describe_hub(HubName="SageMakerPublicHub")
    assert error_of(public)[0] == "ResourceNotFound"
    with pytest.raises(ClientError) as listed:
        sagemaker_client.list_hub_contents(HubName="SageMakerPublicHub", HubContentType="Model")
    assert error_of(listed)[0] == "ResourceNotFound"


def test_update_hub_changes_what_it_names(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client, HubDisplayName="Curated")
    sagemaker_mock.advance(30)
    assert sagemaker_client.update_hub(HubName="curated", HubDescription="Renewed")["HubArn"] == HUB_ARN
    described = sagemaker_client.describe_hub(HubName="curated")
    assert (described["HubDescription"], described["HubDisplayName"]) == ("Renewed", "Curated")
    assert described["LastModifiedTime"] > described["CreationTime"]


def test_list_hubs_filters_sorts_and_pages(sagemaker_mock, sagemaker_client):
    for name in ("beta-hub", "alpha-hub", "gamma"):
        make_hub(sagemaker_client, name)
        sagemaker_mock.advance(10)
    listed = sagemaker_client.list_hubs()["HubSummaries"]
    assert [hub["HubName"] for hub in listed] == ["gamma", "alpha-hub", "beta-hub"]
    by_name = sagemaker_client.list_hubs(SortBy="HubName", SortOrder="Ascending", NameContains="hub")
    assert [hub["HubName"] for hub in by_name["HubSummaries"]] == ["alpha-hub", "beta-hub"]
    first = sagemaker_client.list_hubs(MaxResults=2)
    second = sagemaker_client.list_hubs(MaxResults=2, NextToken=first["NextToken"])
    assert [hub["HubName"] for hub in first["HubSummaries"] + second["HubSummaries"]] == \
        ["gamma", "alpha-hub", "beta-hub"]
    owned = sagemaker_client.list_hubs(SortBy="AccountIdOwner")["HubSummaries"]
    assert len(owned) == 3


def test_a_hub_holding_content_is_not_deleted(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    import_model(sagemaker_client)
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as in_use:
        sagemaker_client.delete_hub(HubName="curated")
    code, message = error_of(in_use)
    assert code == "ResourceInUse"
    assert "remove the content of a hub before deleting it" in message and "churn-xgboost" in message
    assert sagemaker_mock.snapshot() == before
    sagemaker_client.delete_hub_content(HubName="curated", HubContentType="Model", HubContentName="churn-xgboost",
                                        HubContentVersion="1.0.0")
    sagemaker_client.delete_hub(HubName="curated")
    assert sagemaker_client.list_hubs()["HubSummaries"] == []


# -- content and versions --------------------------------------------------------------------------

def test_imported_content_is_described_with_its_arn_and_status(sagemaker_client):
    make_hub(sagemaker_client)
    answer = sagemaker_client.import_hub_content(
        HubName="curated", HubContentType="Model", HubContentName="churn-xgboost", HubContentVersion="1.2.0",
        DocumentSchemaVersion="2.0.0", HubContentDocument=DOCUMENT, HubContentDisplayName="Churn",
        HubContentSearchKeywords=["@task:classification"])
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub-content/curated/Model/churn-xgboost/1.2.0"
    assert answer == {"HubArn": HUB_ARN, "HubContentArn": arn, "ResponseMetadata": answer["ResponseMetadata"]}
    described = sagemaker_client.describe_hub_content(HubName="curated", HubContentType="Model",
                                                      HubContentName="churn-xgboost")
    assert described["HubContentStatus"] == "Available"
    assert (described["HubContentArn"], described["HubContentVersion"], described["HubContentDocument"],
            described["HubContentDisplayName"], described["HubContentSearchKeywords"], described["HubName"]) == (
        arn, "1.2.0", DOCUMENT, "Churn", ["@task:classification"], "curated")
    # The hub named by its ARN reaches the same content.
    assert sagemaker_client.describe_hub_content(HubName=HUB_ARN, HubContentType="Model",
                                                 HubContentName="churn-xgboost")["HubContentArn"] == arn


def test_a_version_is_the_first_unless_given_and_is_not_imported_twice(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    arn = import_model(sagemaker_client, version=None)
    assert arn.endswith("/Model/churn-xgboost/1.0.0")
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as again:
        import_model(sagemaker_client, version="1.0.0")
    assert error_of(again) == ("ResourceInUse", f"Hub content {arn} already exists.")
    assert sagemaker_mock.snapshot() == before


def test_content_needs_its_hub(sagemaker_mock, sagemaker_client):
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as missing:
        import_model(sagemaker_client, hub="no-such-hub")
    assert error_of(missing)[0] == "ResourceNotFound"
    assert sagemaker_mock.snapshot() == before


def test_the_latest_version_is_described_and_listed(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    for version in ("1.9.0", "1.10.0", "1.2.0"):
        import_model(sagemaker_client, version=version)
        sagemaker_mock.advance(5)
    import_model(sagemaker_client, "churn-notebook", hub="curated", version="2.0.0")
    sagemaker_client.import_hub_content(HubName="curated", HubContentType="Notebook", HubContentName="walkthrough",
                                        DocumentSchemaVersion="1.0.0", HubContentDocument="{}")
    described = sagemaker_client.describe_hub_content(HubName="curated", HubContentType="Model",
                                                      HubContentName="churn-xgboost")
    assert described["HubContentVersion"] == "1.10.0"  # semantic order, not the order of import
    older = sagemaker_client.describe_hub_content(HubName="curated", HubContentType="Model",
                                                  HubContentName="churn-xgboost", HubContentVersion="1.2.0")
    assert older["HubContentVersion"] == "1.2.0"
    models = sagemaker_client.list_hub_contents(HubName="curated", HubContentType="Model", SortBy="HubContentName",
                                                SortOrder="Ascending")["HubContentSummaries"]
    assert [(model["HubContentName"], model["HubContentVersion"]) for model in models] == [
        ("churn-notebook", "2.0.0"), ("churn-xgboost", "1.10.0")]
    first = next(model for model in models if model["HubContentName"] == "churn-xgboost")
    assert first["OriginalCreationTime"] < first["CreationTime"]  # the first version came before
    contains = sagemaker_client.list_hub_contents(HubName="curated", HubContentType="Model", NameContains="xgb")
    assert [model["HubContentName"] for model in contains["HubContentSummaries"]] == ["churn-xgboost"]
    notebooks = sagemaker_client.list_hub_contents(HubName="curated", HubContentType="Notebook")
    assert [found["HubContentName"] for found in notebooks["HubContentSummaries"]] == ["walkthrough"]


def test_list_hub_content_versions_bounds_versions_and_schemas(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    for version, schema in (("1.0.0", "1.0.0"), ("1.1.0", "2.0.0"), ("2.0.0", "3.0.0")):
        import_model(sagemaker_client, version=version, DocumentSchemaVersion=schema)
        sagemaker_mock.advance(5)
    request = {"HubName": "curated", "HubContentType": "Model", "HubContentName": "churn-xgboost"}
    every = sagemaker_client.list_hub_content_versions(**request)["HubContentSummaries"]
    assert [found["HubContentVersion"] for found in every] == ["2.0.0", "1.1.0", "1.0.0"]
    at_least = sagemaker_client.list_hub_content_versions(**request, MinVersion="1.1.0")["HubContentSummaries"]
    assert [found["HubContentVersion"] for found in at_least] == ["2.0.0", "1.1.0"]
    schema = sagemaker_client.list_hub_content_versions(**request, MaxSchemaVersion="2.0.0")["HubContentSummaries"]
    assert [found["HubContentVersion"] for found in schema] == ["1.1.0", "1.0.0"]
    assert {found["OriginalCreationTime"] for found in every} == {every[-1]["CreationTime"]}
    with pytest.raises(ClientError) as missing:
        sagemaker_client.list_hub_content_versions(HubName="curated", HubContentType="Model",
                                                   HubContentName="not-imported")
    assert error_of(missing)[0] == "ResourceNotFound"


def test_content_lists_page(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    for index in range(5):
        import_model(sagemaker_client, version=f"1.{index}.0")
        import_model(sagemaker_client, f"model-{index}")
        sagemaker_mock.advance(1)
    for operation, request, expected in (
            (sagemaker_client.list_hub_content_versions, {"HubContentName": "churn-xgboost"},
             [f"1.{index}.0" for index in range(4, -1, -1)]),
            (sagemaker_client.list_hub_contents, {}, ["model-4", "churn-xgboost", "model-3", "model-2", "model-1",
                                                      "model-0"])):
        walked, token = [], None
        while True:
            page = operation(HubName="curated", HubContentType="Model", MaxResults=2, **request,
                             **({"NextToken": token} if token else {}))
            assert len(page["HubContentSummaries"]) <= 2
            walked += page["HubContentSummaries"]
            token = page.get("NextToken")
            if not token:
                break
        key = "HubContentVersion" if "HubContentName" in request else "HubContentName"
        assert [found[key] for found in walked] == expected


@requires_operation("UpdateHubContent")
def test_update_hub_content_sets_metadata_of_one_version(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    import_model(sagemaker_client, version="1.0.0")
    import_model(sagemaker_client, version="2.0.0")
    sagemaker_mock.advance(30)
    sagemaker_client.update_hub_content(HubName="curated", HubContentType="Model", HubContentName="churn-xgboost",
                                        HubContentVersion="1.0.0", SupportStatus="Deprecated")
    old = sagemaker_client.describe_hub_content(HubName="curated", HubContentType="Model",
                                                HubContentName="churn-xgboost", HubContentVersion="1.0.0")
    new = sagemaker_client.describe_hub_content(HubName="curated", HubContentType="Model",
                                                HubContentName="churn-xgboost")
    assert (old["SupportStatus"], new.get("SupportStatus")) == ("Deprecated", None)
    assert old["LastModifiedTime"] > old["CreationTime"]


@requires_operation("UpdateHubContent")
def test_update_hub_content_refuses_references_and_empty_updates(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    import_model(sagemaker_client)
    sagemaker_client.create_hub_content_reference(HubName="curated", SageMakerPublicHubContentArn=PUBLIC)
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as nothing:
        sagemaker_client.update_hub_content(HubName="curated", HubContentType="Model",
                                            HubContentName="churn-xgboost", HubContentVersion="1.0.0")
    assert error_of(nothing)[0] == "ValidationException"
    assert "specify at least one of the following fields" in error_of(nothing)[1]
    with pytest.raises(ClientError) as reference:
        sagemaker_client.update_hub_content(HubName="curated", HubContentType="ModelReference",
                                            HubContentName="huggingface-llm-mistral-7b", HubContentVersion="1.0.0",
                                            SupportStatus="Deprecated")
    assert error_of(reference)[0] == "ValidationException"
    assert "use the UpdateHubContentReference API instead" in error_of(reference)[1]
    assert sagemaker_mock.snapshot() == before


def test_deleting_a_version_keeps_the_others(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    import_model(sagemaker_client, version="1.0.0")
    import_model(sagemaker_client, version="2.0.0")
    sagemaker_client.delete_hub_content(HubName="curated", HubContentType="Model", HubContentName="churn-xgboost",
                                        HubContentVersion="2.0.0")
    latest = sagemaker_client.describe_hub_content(HubName="curated", HubContentType="Model",
                                                   HubContentName="churn-xgboost")
    assert latest["HubContentVersion"] == "1.0.0"
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as gone:
        sagemaker_client.delete_hub_content(HubName="curated", HubContentType="Model",
                                            HubContentName="churn-xgboost", HubContentVersion="2.0.0")
    assert error_of(gone) == ("ResourceNotFound", f"Hub content arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub-content/"
                                                  "curated/Model/churn-xgboost/2.0.0 does not exist.")
    assert sagemaker_mock.snapshot() == before


def test_a_planned_failure_leaves_the_content_import_failed(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    sagemaker_mock.fail_next("hub-content", "document is not valid", name="churn-xgboost")
    import_model(sagemaker_client)
    described = sagemaker_client.describe_hub_content(HubName="curated", HubContentType="Model",
                                                      HubContentName="churn-xgboost")
    assert (described["HubContentStatus"], described["FailureReason"]) == ("ImportFailed", "document is not valid")


@pytest.mark.sagemock(transitions="reads", transition_reads=3)
def test_content_being_imported_is_not_deleted(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    sagemaker_client.describe_hub(HubName="curated")
    sagemaker_client.describe_hub(HubName="curated")
    import_model(sagemaker_client)
    with pytest.raises(ClientError) as busy:
        sagemaker_client.delete_hub_content(HubName="curated", HubContentType="Model",
                                            HubContentName="churn-xgboost", HubContentVersion="1.0.0")
    assert error_of(busy)[0] == "ResourceInUse" and "is Importing" in error_of(busy)[1]


@requires_enum_value("ResourceType", "HubContent")
def test_content_is_tagged_and_searched(sagemaker_client):
    make_hub(sagemaker_client)
    arn = import_model(sagemaker_client, Tags=[{"Key": "team", "Value": "churn"}])
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "churn"}]
    found = sagemaker_client.search(Resource="HubContent", SearchExpression={"Filters": [
        {"Name": "HubContentName", "Operator": "Equals", "Value": "churn-xgboost"}]})["Results"]
    assert [result["HubContent"]["HubContentArn"] for result in found] == [arn]
    assert found[0]["HubContent"]["Tags"] == [{"Key": "team", "Value": "churn"}]


# -- model references ---------------------------------------------------------------------------------

def test_a_reference_adds_a_public_model_under_its_name(sagemaker_client):
    make_hub(sagemaker_client)
    answer = sagemaker_client.create_hub_content_reference(HubName="curated", SageMakerPublicHubContentArn=PUBLIC,
                                                           MinVersion="2.1.0")
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub-content/curated/ModelReference/huggingface-llm-mistral-7b/2.1.0"
    assert (answer["HubArn"], answer["HubContentArn"]) == (HUB_ARN, arn)
    described = sagemaker_client.describe_hub_content(HubName="curated", HubContentType="ModelReference",
                                                      HubContentName="huggingface-llm-mistral-7b")
    assert (described["SageMakerPublicHubContentArn"], described["ReferenceMinVersion"],
            described["HubContentStatus"]) == (PUBLIC, "2.1.0", "Available")
    listed = sagemaker_client.list_hub_contents(HubName="curated", HubContentType="ModelReference")
    assert [found["SageMakerPublicHubContentArn"] for found in listed["HubContentSummaries"]] == [PUBLIC]


def test_a_reference_is_named_once_per_hub(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    sagemaker_client.create_hub_content_reference(HubName="curated", SageMakerPublicHubContentArn=PUBLIC,
                                                  HubContentName="mistral")
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as taken:
        sagemaker_client.create_hub_content_reference(HubName="curated", SageMakerPublicHubContentArn=PUBLIC,
                                                      HubContentName="mistral")
    assert error_of(taken)[0] == "ResourceInUse"
    with pytest.raises(ClientError) as no_hub:
        sagemaker_client.create_hub_content_reference(HubName="other", SageMakerPublicHubContentArn=PUBLIC)
    assert error_of(no_hub)[0] == "ResourceNotFound"
    assert sagemaker_mock.snapshot() == before


@requires_operation("UpdateHubContentReference")
def test_update_and_delete_a_reference(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    import_model(sagemaker_client)
    sagemaker_client.create_hub_content_reference(HubName="curated", SageMakerPublicHubContentArn=PUBLIC,
                                                  HubContentName="mistral")
    sagemaker_client.update_hub_content_reference(HubName="curated", HubContentType="ModelReference",
                                                  HubContentName="mistral", MinVersion="3.0.0")
    described = sagemaker_client.describe_hub_content(HubName="curated", HubContentType="ModelReference",
                                                      HubContentName="mistral")
    assert described["ReferenceMinVersion"] == "3.0.0"
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as model:
        sagemaker_client.delete_hub_content_reference(HubName="curated", HubContentType="Model",
                                                      HubContentName="churn-xgboost")
    assert error_of(model)[0] == "ValidationException" and "ModelReference only" in error_of(model)[1]
    with pytest.raises(ClientError) as model_update:
        sagemaker_client.update_hub_content_reference(HubName="curated", HubContentType="Model",
                                                      HubContentName="churn-xgboost", MinVersion="1.0.0")
    assert error_of(model_update)[0] == "ValidationException"
    assert sagemaker_mock.snapshot() == before
    sagemaker_client.delete_hub_content_reference(HubName="curated", HubContentType="ModelReference",
                                                  HubContentName="mistral")
    with pytest.raises(ClientError) as gone:
        sagemaker_client.describe_hub_content(HubName="curated", HubContentType="ModelReference",
                                              HubContentName="mistral")
    assert error_of(gone)[0] == "ResourceNotFound"


@requires_operation("CreateHubContentPresignedUrls")
def test_presigned_urls_answer_not_implemented_with_the_reason(sagemaker_mock, sagemaker_client):
    make_hub(sagemaker_client)
    import_model(sagemaker_client)
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as unanswered:
        sagemaker_client.create_hub_content_presigned_urls(HubName="curated", HubContentType="Model",
                                                           HubContentName="churn-xgboost")
    code, message = error_of(unanswered)
    assert code == "NotImplemented" and unanswered.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "CreateHubContentPresignedUrls" in message and "cannot be answered honestly by a mock" in message
    assert sagemaker_mock.snapshot() == before
