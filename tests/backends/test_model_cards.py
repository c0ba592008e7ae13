"""Model cards and their export jobs, through boto3 as a user drives them."""
from __future__ import annotations

import datetime as _dt
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_member

ACCOUNT = "123456789012"
CARD_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-card/"
CONTENT = json.dumps({"model_overview": {"model_id": "arn:aws:sagemaker:us-east-1:123456789012:model/m",
                                         "model_name": "m", "model_description": "classifier"},
                      "intended_uses": {"risk_rating": "Low", "purpose_of_model": "demo"}})


def create(client, name="card", content="{}", status="Draft", **kwargs):
    return client.create_model_card(ModelCardName=name, Content=content, ModelCardStatus=status,
                                    **kwargs)["ModelCardArn"]


def export(client, card="card", job="job", path="s3://bucket/exports", **kwargs):
    return client.create_model_card_export_job(ModelCardName=card, ModelCardExportJobName=job,
                                               OutputConfig={"S3OutputPath": path}, **kwargs)["ModelCardExportJobArn"]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def versions(client, name="card", **kwargs):
    return client.list_model_card_versions(ModelCardName=name, **kwargs)["ModelCardVersionSummaryList"]


# -- CreateModelCard / DescribeModelCard ---------------------------------------------------------

def test_create_then_describe_returns_version_one(sagemaker_client):
    response = sagemaker_client.create_model_card(ModelCardName="card", Content=CONTENT, ModelCardStatus="Draft")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["ModelCardArn"] == CARD_ARN + "card"

    card = sagemaker_client.describe_model_card(ModelCardName="card")
    assert card["ModelCardArn"] == CARD_ARN + "card"
    assert card["ModelCardName"] == "card"
    assert card["ModelCardVersion"] == 1
    assert card["Content"] == CONTENT
    assert card["ModelCardStatus"] == "Draft"
    # IamIdentity is given on model package groups, packages and projects only (UserContext.IamIdentity).
    assert card["CreatedBy"] == card["LastModifiedBy"] == {}
    assert card["LastModifiedTime"] == card["CreationTime"]
    assert "SecurityConfig" not in card and "ModelCardProcessingStatus" not in card


def test_security_config_is_kept(sagemaker_client):
    create(sagemaker_client, SecurityConfig={"KmsKeyId": "alias/cards"})
    assert sagemaker_client.describe_model_card(ModelCardName="card")["SecurityConfig"] == {"KmsKeyId": "alias/cards"}


def test_duplicate_name_is_a_conflict_and_keeps_the_first_card(sagemaker_client):
    create(sagemaker_client, content=CONTENT, status="Approved")
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, content="{}", status="Draft")
    code, message = error_of(err)
    assert code == "ConflictException"
    assert CARD_ARN + "card" in message and "already exists" in message
    card = sagemaker_client.describe_model_card(ModelCardName="card")
    assert (card["Content"], card["ModelCardStatus"], card["ModelCardVersion"]) == (CONTENT, "Approved", 1)


@pytest.mark.parametrize("content, fragment", [
    ("not json", "not valid JSON"),
    ("", "not valid JSON"),
    ('{"model_overview": ', "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('"text"', "must be a JSON object"),
])
def test_content_must_be_a_json_object(sagemaker_client, content, fragment):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, content=content)
    code, message = error_of(err)
    assert code == "ValidationException" and fragment in message
    assert sagemaker_client.list_model_cards()["ModelCardSummaries"] == []


def test_input_shape_is_enforced(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, name="bad_name")
    code, message = error_of(err)
    assert code == "ValidationException"
    assert "at 'modelCardName' failed to satisfy constraint" in message
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, status="Final")
    assert error_of(err)[0] == "ValidationException"
    assert sagemaker_client.list_model_cards()["ModelCardSummaries"] == []


def test_tags_on_create_and_tag_operations(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "ml"}, {"Key": "stage", "Value": "dev"}]


def test_reserved_tag_key_creates_nothing(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, Tags=[{"Key": "aws:owner", "Value": "x"}])
    assert error_of(err)[0] == "ValidationException"
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_model_card(ModelCardName="card")
    assert error_of(err)[0] == "ResourceNotFound"


def test_describe_unknown_card_and_version(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_model_card(ModelCardName="nope")
    code, message = error_of(err)
    assert code == "ResourceNotFound"
    assert message == f"Model card {CARD_ARN}nope does not exist."
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    create(sagemaker_client)
    for version in (0, 2, -1):
        with pytest.raises(ClientError) as err:
            sagemaker_client.describe_model_card(ModelCardName="card", ModelCardVersion=version)
        code, message = error_of(err)
        assert code == "ResourceNotFound" and f"has no version {version}" in message


def test_describe_accepts_an_arn(sagemaker_client):
    arn = create(sagemaker_client)
    assert sagemaker_client.describe_model_card(ModelCardName=arn)["ModelCardName"] == "card"


def test_arn_of_another_account_or_region(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_model_card(ModelCardName="arn:aws:sagemaker:us-east-1:210987654321:model-card/card")
    assert error_of(err)[0] == "ResourceNotFound"
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_model_card(ModelCardName=f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-card/card")
    code, message = error_of(err)
    assert code == "ValidationException" and "us-east-1" in message


def test_cards_are_per_account(sagemaker_client):
    create(sagemaker_client)
    other = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="210987654321",
                         aws_secret_access_key="sagemock")
    assert other.list_model_cards()["ModelCardSummaries"] == []
    assert create(other) == "arn:aws:sagemaker:us-east-1:210987654321:model-card/card"


@requires_member("DescribeModelCard", "IncludedData")
def test_metadata_only_keeps_the_documented_paths(sagemaker_client):
    create(sagemaker_client, content=CONTENT)
    card = sagemaker_client.describe_model_card(ModelCardName="card", IncludedData="MetadataOnly")
    assert json.loads(card["Content"]) == {
        "model_overview": {"model_id": "arn:aws:sagemaker:us-east-1:123456789012:model/m", "model_name": "m"},
        "intended_uses": {"risk_rating": "Low"},
    }
    assert sagemaker_client.describe_model_card(ModelCardName="card", IncludedData="AllData")["Content"] == CONTENT
    assert sagemaker_client.describe_model_card(ModelCardName="card")["Content"] == CONTENT


# -- UpdateModelCard and versions ----------------------------------------------------------------

def test_content_update_adds_a_version(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client, status="PendingReview")
    first = sagemaker_client.describe_model_card(ModelCardName="card")
    sagemaker_mock.advance(60)
    response = sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    assert response["ModelCardArn"] == arn

    latest = sagemaker_client.describe_model_card(ModelCardName="card")
    assert (latest["ModelCardVersion"], latest["Content"], latest["ModelCardStatus"]) == (2, CONTENT, "PendingReview")
    assert latest["CreationTime"] == first["CreationTime"]
    assert latest["LastModifiedTime"] - first["LastModifiedTime"] >= _dt.timedelta(seconds=60)
    old = sagemaker_client.describe_model_card(ModelCardName="card", ModelCardVersion=1)
    assert (old["ModelCardVersion"], old["Content"]) == (1, "{}")
    assert [v["ModelCardVersion"] for v in versions(sagemaker_client)] == [1, 2]


def test_every_content_update_adds_a_version_even_unchanged(sagemaker_client):
    create(sagemaker_client)
    for _ in range(3):
        sagemaker_client.update_model_card(ModelCardName="card", Content="{}")
    assert sagemaker_client.describe_model_card(ModelCardName="card")["ModelCardVersion"] == 4


def test_status_update_changes_the_latest_version_in_place(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    before = sagemaker_client.describe_model_card(ModelCardName="card")
    sagemaker_mock.advance(30)
    sagemaker_client.update_model_card(ModelCardName="card", ModelCardStatus="Approved")

    after = sagemaker_client.describe_model_card(ModelCardName="card")
    assert (after["ModelCardVersion"], after["ModelCardStatus"], after["Content"]) == (2, "Approved", CONTENT)
    assert after["LastModifiedTime"] - before["LastModifiedTime"] >= _dt.timedelta(seconds=30)
    listed = versions(sagemaker_client)
    assert [(v["ModelCardVersion"], v["ModelCardStatus"]) for v in listed] == [(1, "Draft"), (2, "Approved")]


def test_update_accepts_an_arn_and_archived_cards_stay_updatable(sagemaker_client):
    arn = create(sagemaker_client, status="Archived")
    sagemaker_client.update_model_card(ModelCardName=arn, Content=CONTENT)
    card = sagemaker_client.describe_model_card(ModelCardName="card")
    assert (card["ModelCardVersion"], card["ModelCardStatus"]) == (2, "Archived")


def test_content_and_status_together_are_rejected(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT, ModelCardStatus="Approved")
    code, message = error_of(err)
    assert code == "ValidationException"
    assert message == "You cannot update both model card content and model card status in a single call."
    card = sagemaker_client.describe_model_card(ModelCardName="card")
    assert (card["ModelCardVersion"], card["ModelCardStatus"], card["Content"]) == (1, "Draft", "{}")


def test_update_with_nothing_to_change_changes_nothing(sagemaker_client):
    """AWS states no refusal of an UpdateModelCard with neither Content nor ModelCardStatus."""
    arn = create(sagemaker_client)
    assert sagemaker_client.update_model_card(ModelCardName="card")["ModelCardArn"] == arn
    assert len(versions(sagemaker_client)) == 1


def test_update_with_invalid_content_adds_no_version(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_model_card(ModelCardName="card", Content="{oops")
    assert error_of(err)[0] == "ValidationException"
    assert sagemaker_client.describe_model_card(ModelCardName="card")["ModelCardVersion"] == 1


def test_update_unknown_card(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_model_card(ModelCardName="ghost", ModelCardStatus="Approved")
    code, message = error_of(err)
    assert code == "ResourceNotFound" and "ghost does not exist" in message


# -- DeleteModelCard -----------------------------------------------------------------------------

def test_delete_removes_card_versions_tags_and_export_jobs(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    job = export(sagemaker_client)
    response = sagemaker_client.delete_model_card(ModelCardName="card")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200

    for call in (lambda: sagemaker_client.describe_model_card(ModelCardName="card"),
                 lambda: versions(sagemaker_client),
                 lambda: sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=job)):
        with pytest.raises(ClientError) as err:
            call()
        assert error_of(err)[0] == "ResourceNotFound"
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_tags(ResourceArn=arn)
    assert error_of(err)[0] == "ValidationException"
    assert sagemaker_client.list_model_cards()["ModelCardSummaries"] == []
    assert sagemaker_client.list_model_card_export_jobs(ModelCardName="card")["ModelCardExportJobSummaries"] == []

    assert create(sagemaker_client) == arn
    assert sagemaker_client.describe_model_card(ModelCardName="card")["ModelCardVersion"] == 1
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == []


def test_delete_unknown_card_and_arn_input(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_model_card(ModelCardName="ghost")
    assert error_of(err)[0] == "ResourceNotFound"
    arn = create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.delete_model_card(ModelCardName=arn)  # DeleteModelCard takes a name only
    assert error_of(err)[0] == "ValidationException"
    assert sagemaker_client.describe_model_card(ModelCardName="card")["ModelCardName"] == "card"


def test_deleting_one_card_keeps_the_jobs_of_another(sagemaker_client):
    create(sagemaker_client, name="a")
    create(sagemaker_client, name="b")
    export(sagemaker_client, card="a", job="same")
    kept = export(sagemaker_client, card="b", job="same")
    sagemaker_client.delete_model_card(ModelCardName="a")
    assert sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=kept)["Status"] == "Completed"


# -- ListModelCards ------------------------------------------------------------------------------

def test_list_shows_one_summary_per_card_from_its_latest_version(sagemaker_client):
    create(sagemaker_client, name="card")
    sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    sagemaker_client.update_model_card(ModelCardName="card", ModelCardStatus="Approved")
    latest = sagemaker_client.describe_model_card(ModelCardName="card")
    summaries = sagemaker_client.list_model_cards()["ModelCardSummaries"]
    assert summaries == [{
        "ModelCardName": "card", "ModelCardArn": CARD_ARN + "card", "ModelCardStatus": "Approved",
        "CreationTime": latest["CreationTime"], "LastModifiedTime": latest["LastModifiedTime"],
    }]


def test_list_filters(sagemaker_client, sagemaker_mock):
    create(sagemaker_client, name="alpha-card", status="Draft")
    sagemaker_mock.advance(10)
    middle = _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=10)
    sagemaker_mock.advance(10)
    create(sagemaker_client, name="beta-card", status="Approved")
    create(sagemaker_client, name="gamma", status="Draft")
    sagemaker_client.update_model_card(ModelCardName="gamma", ModelCardStatus="PendingReview")

    def names(**kwargs):
        return [s["ModelCardName"] for s in sagemaker_client.list_model_cards(**kwargs)["ModelCardSummaries"]]

    assert names(NameContains="CARD") == ["alpha-card", "beta-card"]
    assert names(ModelCardStatus="Draft") == ["alpha-card"]
    assert names(ModelCardStatus="PendingReview") == ["gamma"]
    assert names(CreationTimeBefore=middle) == ["alpha-card"]
    assert names(CreationTimeAfter=middle) == ["beta-card", "gamma"]
    assert names(CreationTimeAfter=middle, NameContains="gam") == ["gamma"]


def test_list_sorting(sagemaker_client, sagemaker_mock):
    for name in ("b", "c", "a"):
        create(sagemaker_client, name=name)
        sagemaker_mock.advance(1)

    def names(**kwargs):
        return [s["ModelCardName"] for s in sagemaker_client.list_model_cards(**kwargs)["ModelCardSummaries"]]

    assert names() == ["b", "c", "a"]
    assert names(SortOrder="Descending") == ["a", "c", "b"]
    assert names(SortBy="Name") == ["a", "b", "c"]
    assert names(SortBy="Name", SortOrder="Descending") == ["c", "b", "a"]


def test_list_pages(sagemaker_client):
    assert sagemaker_client.can_paginate("list_model_cards")
    for index in range(12):
        create(sagemaker_client, name=f"card-{index:02}")
    first = sagemaker_client.list_model_cards(SortBy="Name")
    assert len(first["ModelCardSummaries"]) == 10 and "NextToken" in first
    second = sagemaker_client.list_model_cards(SortBy="Name", NextToken=first["NextToken"])
    assert [s["ModelCardName"] for s in second["ModelCardSummaries"]] == ["card-10", "card-11"]
    assert "NextToken" not in second

    pages = sagemaker_client.get_paginator("list_model_cards").paginate(
        SortBy="Name", SortOrder="Descending", PaginationConfig={"PageSize": 5})
    sizes, names = [], []
    for page in pages:
        sizes.append(len(page["ModelCardSummaries"]))
        names += [s["ModelCardName"] for s in page["ModelCardSummaries"]]
    assert sizes == [5, 5, 2]
    assert names == [f"card-{index:02}" for index in reversed(range(12))]


def test_list_rejects_a_malformed_token(sagemaker_client):
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_model_cards(NextToken="not-a-token")
    assert error_of(err)[0] == "ValidationException"


# -- ListModelCardVersions -----------------------------------------------------------------------

def test_versions_sort_filter_and_page(sagemaker_client, sagemaker_mock):
    assert sagemaker_client.can_paginate("list_model_card_versions")
    arn = create(sagemaker_client)
    for index in range(4):
        sagemaker_mock.advance(10)
        sagemaker_client.update_model_card(ModelCardName="card", Content=json.dumps({"n": index}))
    sagemaker_client.update_model_card(ModelCardName="card", ModelCardStatus="Approved")

    listed = versions(sagemaker_client, name=arn)
    assert [v["ModelCardVersion"] for v in listed] == [1, 2, 3, 4, 5]
    assert {v["ModelCardArn"] for v in listed} == {arn}
    assert [v["ModelCardVersion"] for v in versions(sagemaker_client, SortOrder="Descending")] == [5, 4, 3, 2, 1]
    assert [v["ModelCardVersion"] for v in versions(sagemaker_client, SortBy="Version")] == [1, 2, 3, 4, 5]
    assert [v["ModelCardVersion"] for v in versions(sagemaker_client, ModelCardStatus="Approved")] == [5]

    # CreationTime of a version is when that version was made
    third = listed[2]["CreationTime"]
    assert listed[0]["CreationTime"] < listed[1]["CreationTime"] < third
    # (between versions: older botocore sends timestamps in whole seconds)
    gap = _dt.timedelta(seconds=5)
    assert [v["ModelCardVersion"] for v in versions(sagemaker_client, CreationTimeAfter=third + gap)] == [4, 5]
    assert [v["ModelCardVersion"] for v in versions(sagemaker_client, CreationTimeBefore=third - gap)] == [1, 2]

    pages = sagemaker_client.get_paginator("list_model_card_versions").paginate(
        ModelCardName="card", PaginationConfig={"PageSize": 2})
    assert [[v["ModelCardVersion"] for v in page["ModelCardVersionSummaryList"]] for page in pages] == [
        [1, 2], [3, 4], [5]]


def test_versions_of_unknown_card(sagemaker_client):
    with pytest.raises(ClientError) as err:
        versions(sagemaker_client, name="ghost")
    assert error_of(err)[0] == "ResourceNotFound"


# -- export jobs ---------------------------------------------------------------------------------

def test_export_job_completes_with_a_pdf(sagemaker_client):
    card_arn = create(sagemaker_client)
    sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    arn = export(sagemaker_client, card=card_arn, path="s3://bucket/exports/")
    assert arn == CARD_ARN + "card/export-job/job"

    job = sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=arn)
    assert job["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert job["ModelCardExportJobName"] == "job"
    assert job["ModelCardName"] == "card"
    assert job["ModelCardVersion"] == 2  # the latest when no version is given
    assert job["Status"] == "Completed"
    assert job["OutputConfig"] == {"S3OutputPath": "s3://bucket/exports/"}
    assert job["ExportArtifacts"] == {"S3ExportArtifacts": "s3://bucket/exports/card/job.pdf"}
    assert job["LastModifiedAt"] >= job["CreatedAt"]
    assert "FailureReason" not in job


def test_export_of_a_chosen_version_and_an_archived_card(sagemaker_client):
    create(sagemaker_client, status="Archived")
    sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    arn = export(sagemaker_client, ModelCardVersion=1, path="s3://bucket")
    job = sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=arn)
    assert job["ModelCardVersion"] == 1
    assert job["ExportArtifacts"]["S3ExportArtifacts"] == "s3://bucket/card/job.pdf"


def test_export_errors_change_nothing(sagemaker_client):
    with pytest.raises(ClientError) as err:
        export(sagemaker_client, card="ghost")
    assert error_of(err)[0] == "ResourceNotFound"
    create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        export(sagemaker_client, ModelCardVersion=7)
    code, message = error_of(err)
    assert code == "ResourceNotFound" and "has no version 7" in message
    assert sagemaker_client.list_model_card_export_jobs(ModelCardName="card")["ModelCardExportJobSummaries"] == []

    export(sagemaker_client, path="s3://first")
    with pytest.raises(ClientError) as err:
        export(sagemaker_client, path="s3://second")
    code, message = error_of(err)
    assert code == "ConflictException" and "already exists" in message
    jobs = sagemaker_client.list_model_card_export_jobs(ModelCardName="card")["ModelCardExportJobSummaries"]
    assert len(jobs) == 1
    job = sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=jobs[0]["ModelCardExportJobArn"])
    assert job["OutputConfig"]["S3OutputPath"] == "s3://first"


def test_export_output_path_is_validated(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        export(sagemaker_client, path="bucket/exports")
    code, message = error_of(err)
    assert code == "ValidationException" and "outputConfig.s3OutputPath" in message


def test_describe_unknown_export_job(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=CARD_ARN + "card/export-job/none")
    code, message = error_of(err)
    assert code == "ResourceNotFound" and "none does not exist" in message


def test_forced_failure_has_a_reason_and_no_artifacts(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    arn = export(sagemaker_client)
    sagemaker_mock.advance(5)
    sagemaker_mock.set_status(arn, "Failed")
    job = sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=arn)
    assert job["Status"] == "Failed"
    assert job["FailureReason"] == "Failed to export version 1 of model card card to s3://bucket/exports."
    assert "ExportArtifacts" not in job
    assert job["LastModifiedAt"] - job["CreatedAt"] >= _dt.timedelta(seconds=5)


def test_set_status_refuses_a_model_card(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client)
    with pytest.raises(ValueError, match="no lifecycle for model-card resources"):
        sagemaker_mock.set_status(arn, "Completed")
    card = sagemaker_client.describe_model_card(ModelCardName="card")  # strict: no stray members
    assert card["ModelCardStatus"] == "Draft"


@pytest.mark.sagemock(transitions="reads")
def test_export_job_in_progress_until_read(sagemaker_client):
    create(sagemaker_client)
    arn = export(sagemaker_client)
    first = sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=arn)
    assert first["Status"] == "InProgress" and "ExportArtifacts" not in first
    second = sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=arn)
    assert second["Status"] == "Completed"
    assert second["ExportArtifacts"]["S3ExportArtifacts"] == "s3://bucket/exports/card/job.pdf"


@pytest.mark.sagemock(transitions="seconds", transition_seconds=30)
def test_export_job_completes_as_time_passes(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    arn = export(sagemaker_client)

    def statuses():
        return [s["Status"] for s in sagemaker_client.list_model_card_export_jobs(
            ModelCardName="card")["ModelCardExportJobSummaries"]]

    assert statuses() == ["InProgress"]
    assert sagemaker_client.list_model_card_export_jobs(ModelCardName="card", StatusEquals="Completed")[
        "ModelCardExportJobSummaries"] == []
    sagemaker_mock.advance(30)
    assert statuses() == ["Completed"]
    job = sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=arn)
    assert job["LastModifiedAt"] - job["CreatedAt"] >= _dt.timedelta(seconds=30)


def test_list_export_jobs_filters_and_sorts(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    create(sagemaker_client, name="other")
    export(sagemaker_client, card="other", job="elsewhere")
    export(sagemaker_client, job="b-report")
    sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    sagemaker_mock.advance(10)
    middle = _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=10)
    sagemaker_mock.advance(10)
    failed = export(sagemaker_client, job="c-report")
    export(sagemaker_client, job="a-pdf")
    sagemaker_mock.set_status(failed, "Failed")

    def names(**kwargs):
        response = sagemaker_client.list_model_card_export_jobs(ModelCardName="card", **kwargs)
        return [s["ModelCardExportJobName"] for s in response["ModelCardExportJobSummaries"]]

    assert names() == ["b-report", "c-report", "a-pdf"]
    assert names(SortOrder="Descending") == ["a-pdf", "c-report", "b-report"]
    assert names(SortBy="Name") == ["a-pdf", "b-report", "c-report"]
    # Completed < Failed; equal statuses keep creation order
    assert names(SortBy="Status") == ["b-report", "a-pdf", "c-report"]
    assert names(SortBy="Status", SortOrder="Descending")[0] == "c-report"
    assert names(ModelCardVersion=1) == ["b-report"]
    assert names(ModelCardVersion=2) == ["c-report", "a-pdf"]
    assert names(ModelCardExportJobNameContains="REPORT") == ["b-report", "c-report"]
    assert names(StatusEquals="Failed") == ["c-report"]
    assert names(StatusEquals="InProgress") == []
    assert names(CreationTimeBefore=middle) == ["b-report"]
    assert names(CreationTimeAfter=middle) == ["c-report", "a-pdf"]

    summary = sagemaker_client.list_model_card_export_jobs(ModelCardName="card", StatusEquals="Failed")[
        "ModelCardExportJobSummaries"][0]
    assert set(summary) == {"ModelCardExportJobName", "ModelCardExportJobArn", "Status", "ModelCardName",
                            "ModelCardVersion", "CreatedAt", "LastModifiedAt"}
    assert summary["ModelCardExportJobArn"] == failed


def test_list_export_jobs_pages(sagemaker_client):
    assert sagemaker_client.can_paginate("list_model_card_export_jobs")
    create(sagemaker_client)
    for index in range(11):
        export(sagemaker_client, job=f"job-{index:02}")
    first = sagemaker_client.list_model_card_export_jobs(ModelCardName="card", SortBy="Name")
    assert len(first["ModelCardExportJobSummaries"]) == 10 and "NextToken" in first
    pages = sagemaker_client.get_paginator("list_model_card_export_jobs").paginate(
        ModelCardName="card", SortBy="Name", PaginationConfig={"PageSize": 4})
    names = [s["ModelCardExportJobName"] for page in pages for s in page["ModelCardExportJobSummaries"]]
    assert names == [f"job-{index:02}" for index in range(11)]


def test_list_export_jobs_of_unknown_card_is_empty(sagemaker_client):
    response = sagemaker_client.list_model_card_export_jobs(ModelCardName="ghost")
    assert response["ModelCardExportJobSummaries"] == []
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_snapshot_and_restore_bring_back_versions_and_jobs(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    job = export(sagemaker_client)
    snapshot = sagemaker_mock.snapshot()
    sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    sagemaker_client.delete_model_card(ModelCardName="card")
    sagemaker_mock.restore(snapshot)
    assert sagemaker_client.describe_model_card(ModelCardName="card")["ModelCardVersion"] == 1
    assert sagemaker_client.describe_model_card_export_job(ModelCardExportJobArn=job)["Status"] == "Completed"
    sagemaker_client.update_model_card(ModelCardName="card", Content=CONTENT)
    assert [v["ModelCardVersion"] for v in versions(sagemaker_client)] == [1, 2]


def test_export_jobs_take_no_tags(sagemaker_client):
    create(sagemaker_client)
    arn = export(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.add_tags(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    assert err.value.response["Error"]["Code"] == "ValidationException"
