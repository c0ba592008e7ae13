"""Snapshots: the whole state as a JSON document that outlives the process and the version."""
from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

import sagemock
from sagemock import SnapshotError, mock_sagemaker
from sagemock.core import service, snapshot

V1 = Path(__file__).resolve().parent.parent / "data" / "snapshot-v1.json"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}


def client(access_key: str = "testing", region: str = "us-east-1"):
    return boto3.client("sagemaker", region_name=region, aws_access_key_id=access_key, aws_secret_access_key="s")


def group_names(c) -> list[str]:
    return [g["ModelPackageGroupName"] for g in c.list_model_package_groups()["ModelPackageGroupSummaryList"]]


def test_a_snapshot_is_json_with_a_format_version():
    with mock_sagemaker() as mock:
        client().create_model_package_group(ModelPackageGroupName="g")
        document = mock.snapshot()
    assert document["format"] == "sagemock-state" and document["version"] == snapshot.VERSION
    assert document["sagemock"] == sagemock.__version__
    assert json.loads(json.dumps(document, allow_nan=False)) == document


def test_restore_in_another_mock_brings_back_every_account_and_region():
    with mock_sagemaker() as mock:
        client().create_model_package_group(ModelPackageGroupName="home", Tags=[{"Key": "k", "Value": "v"}])
        client("210987654321", "eu-west-1").create_model_package_group(ModelPackageGroupName="away")
        saved = json.dumps(mock.snapshot())
    with mock_sagemaker() as other:
        other.restore(json.loads(saved))
        home = client().describe_model_package_group(ModelPackageGroupName="home")
        assert client().list_tags(ResourceArn=home["ModelPackageGroupArn"])["Tags"] == [{"Key": "k", "Value": "v"}]
        assert group_names(client("210987654321", "eu-west-1")) == ["away"]
        assert group_names(client("210987654321")) == []


def test_a_restored_document_is_one_object_wherever_it_is_held():
    """The family's table and the ARN index hold the same document: a write shows in both."""
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        arn = c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC,
                                     ModelApprovalStatus="PendingManualApproval")["ModelPackageArn"]
        mock.restore(json.loads(json.dumps(mock.snapshot())))
        c.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
        found = c.search(Resource="ModelPackage", SearchExpression={"Filters": [
            {"Name": "ModelApprovalStatus", "Operator": "Equals", "Value": "Approved"}]})["Results"]
        assert [r["ModelPackage"]["ModelPackageArn"] for r in found] == [arn]


def test_counters_and_order_continue_after_a_restore():
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)
        saved = json.dumps(mock.snapshot())
    with mock_sagemaker() as mock:
        mock.restore(json.loads(saved))
        c = client()
        assert c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)[
            "ModelPackageArn"].endswith("/g/2")
        c.create_model_package_group(ModelPackageGroupName="h")
        assert group_names(c) == ["g", "h"]


def test_idempotency_tokens_are_kept():
    with mock_sagemaker() as mock:
        c = client()
        first = c.create_action(ActionName="a", Source={"SourceUri": "u"}, ActionType="T")
        mock.restore(json.loads(json.dumps(mock.snapshot())))
        with pytest.raises(ClientError) as refused:
            c.create_action(ActionName="a", Source={"SourceUri": "u"}, ActionType="T")
        assert refused.value.response["Error"]["Code"] == "ValidationException"
        assert c.describe_action(ActionName="a")["ActionArn"] == first["ActionArn"]


def test_calls_that_change_nothing_leave_the_snapshot_as_it_was():
    """A family's backend and a store are made at their first request; refused calls and reads of
    nothing make them too, and that is no change of state: the documents stay equal."""
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g")
        before = mock.snapshot()
        with pytest.raises(ClientError):  # the Tags family's first request, refused
            c.add_tags(ResourceArn="arn:aws:sagemaker:us-east-1:123456789012:model/none", Tags=[])
        assert c.list_models()["Models"] == []  # the Models family's first request, a read
        assert group_names(client(region="eu-west-1")) == []  # a store's first request
        assert mock.snapshot() == before
        c.create_model(ModelName="m", PrimaryContainer={"Image": IMAGE})
        assert mock.snapshot() != before


def test_the_snapshot_of_version_1_still_restores():
    """tests/data/snapshot-v1.json was saved by sagemock 0.1.0; every later version reads it."""
    with mock_sagemaker() as mock:
        mock.restore(json.loads(V1.read_text(encoding="utf-8")))
        c = client()
        group = c.describe_model_package_group(ModelPackageGroupName="churn")
        assert c.list_tags(ResourceArn=group["ModelPackageGroupArn"])["Tags"] == [{"Key": "team", "Value": "ml"}]
        [package] = c.list_model_packages(ModelPackageGroupName="churn")["ModelPackageSummaryList"]
        assert package["ModelApprovalStatus"] == "PendingManualApproval"
        assert c.create_model_package(ModelPackageGroupName="churn", InferenceSpecification=SPEC)[
            "ModelPackageArn"].endswith("/churn/2")
        assert c.describe_trial(TrialName="churn-trial")["ExperimentName"] == "churn-exp"
        [data] = c.list_artifacts(SourceUri="s3://bucket/train.csv")["ArtifactSummaries"]
        edges = c.query_lineage(StartArns=[data["ArtifactArn"]], Direction="Descendants")["Vertices"]
        assert [v["Type"] for v in edges] == ["Training"]
        described = set(service.operation("DescribeNotebookInstance").output_shape.members)
        if {"IpAddressType", "PlatformIdentifier"} <= described:  # the members the saved notebook holds
            assert c.describe_notebook_instance(NotebookInstanceName="nb")["NotebookInstanceStatus"] == "InService"
            c.stop_notebook_instance(NotebookInstanceName="nb")
            assert c.describe_notebook_instance(NotebookInstanceName="nb")["NotebookInstanceStatus"] == "Stopped"


@pytest.mark.parametrize(("document", "message"), [
    (None, "not a sagemock snapshot"),
    ([], "not a sagemock snapshot"),
    ({"format": "other"}, "not a sagemock snapshot"),
    ({"format": "sagemock-state", "version": "1", "stores": []}, "format version is not a positive integer"),
    ({"format": "sagemock-state", "version": 0, "stores": []}, "format version is not a positive integer"),
    ({"format": "sagemock-state", "version": 2, "sagemock": "9.0", "stores": []},
     "format version 2 (written by sagemock 9.0); this sagemock 0.1.0 reads versions up to 1: upgrade sagemock"),
    ({"format": "sagemock-state", "version": 1}, "needs a \"stores\" list"),
    ({"format": "sagemock-state", "version": 1, "stores": [{"account": "123456789012"}]}, "damaged"),
    ({"format": "sagemock-state", "version": 1, "stores": [
        {"account": "123456789012", "region": "us-east-1", "families": {"Quantum": {}}, "resources": {},
         "folded": {}, "taggable": {"$set": []}, "tags": {}, "idempotency": {}}]},
     "a family this sagemock does not know: Quantum"),
    ({"format": "sagemock-state", "version": 1, "stores": [{"x": {"$ref": 4}}]}, "damaged"),
    ({"format": "sagemock-state", "version": 1, "stores": [{"x": {"$complex": 4}}]}, "tagged '$complex'"),
])
def test_a_bad_document_is_refused_and_changes_nothing(document, message):
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="kept")
        with pytest.raises(SnapshotError) as refused:
            mock.restore(document)
        assert message in str(refused.value)
        assert group_names(c) == ["kept"]


def test_values_json_lacks_survive():
    """The tagged forms, on values the backends could hold."""
    import datetime as dt

    from sagemock.core.state import Config, State

    state = State(Config())
    store = state.store("123456789012", "us-east-1")
    shared_list = [1, 2]
    store.resources["arn:x"] = {
        "when": dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=dt.timezone.utc), "pair": ("a", 1),
        "names": {"b", "a"}, "blob": b"\x00\xff", "inf": float("inf"), "$odd": 1, (1, 2): "tuple key",
        "same": shared_list, "again": shared_list,
    }
    document = json.loads(json.dumps(snapshot.dump(state), allow_nan=False))
    rebuilt = State(Config())
    snapshot.load(rebuilt, document)
    [restored] = rebuilt.stores.values()
    value = restored.resources["arn:x"]
    assert value == store.resources["arn:x"]
    assert value["same"] is value["again"]
