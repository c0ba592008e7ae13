"""Snapshots: the whole state as a JSON document that outlives the process and the version."""
from __future__ import annotations

import copy
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


def test_a_format_2_snapshot_of_model_cards_restores_every_version():
    """Format 2 held a model card as the list of its versions; format 3 folds them into the latest."""
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_card(ModelCardName="card", Content='{"v": 1}', ModelCardStatus="Draft",
                            Tags=[{"Key": "team", "Value": "ml"}])
        c.update_model_card(ModelCardName="card", Content='{"v": 2}')
        document = mock.snapshot()
    text = json.dumps(document)
    cards = document["stores"][0]["families"]["ModelCards"]["cards"]
    latest = cards["card"]
    cards["card"] = [*latest.pop("_history"), latest]  # the layout format 2 wrote
    document["version"] = 2
    assert json.dumps(document) != text
    with mock_sagemaker() as mock:
        mock.restore(document)
        c = client()
        assert [c.describe_model_card(ModelCardName="card", ModelCardVersion=n)["Content"] for n in (1, 2)] == [
            '{"v": 1}', '{"v": 2}']
        arn = c.describe_model_card(ModelCardName="card")["ModelCardArn"]
        assert c.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
        c.update_model_card(ModelCardName="card", Content='{"v": 3}')
        versions = c.list_model_card_versions(ModelCardName="card")["ModelCardVersionSummaryList"]
        assert [v["ModelCardVersion"] for v in versions] == [1, 2, 3]


@pytest.mark.parametrize(("document", "message"), [
    (None, "not a sagemock snapshot"),
    ([], "not a sagemock snapshot"),
    ({"format": "other"}, "not a sagemock snapshot"),
    ({"format": "sagemock-state", "version": "1", "stores": []}, "format version is not a positive integer"),
    ({"format": "sagemock-state", "version": 0, "stores": []}, "format version is not a positive integer"),
    ({"format": "sagemock-state", "version": snapshot.VERSION + 1, "sagemock": "9.0", "stores": []},
     f"format version {snapshot.VERSION + 1} (written by sagemock 9.0); this sagemock 0.1.0 reads versions up to "
     f"{snapshot.VERSION}: upgrade sagemock"),
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
    """The tagged forms, on values a family could hold (here in a document's private member)."""
    import datetime as dt

    shared_list = [1, 2]
    odd = {
        "when": dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=dt.timezone.utc), "pair": ("a", 1),
        "names": {"b", "a"}, "blob": b"\x00\xff", "inf": float("inf"), "$odd": 1, (1, 2): "tuple key",
        "same": shared_list, "again": shared_list, "empty": {}, "nested": (({"k": [shared_list]},),),
    }
    with mock_sagemaker() as mock:
        c = client()
        arn = c.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
        [store] = mock.state.stores.values()
        store.resources[arn]["_odd"] = odd
        document = json.loads(json.dumps(mock.snapshot(), allow_nan=False))
    with mock_sagemaker() as other:
        other.restore(document)
        [restored] = other.state.stores.values()
        value = restored.resources[arn]["_odd"]
    assert value == odd
    assert value["same"] is value["again"] is value["nested"][0][0]["k"][0]


# -- issue 16: snapshots that must be refused, and states of any depth ---------------------------

CYCLE = {"$id": 1, "$list": [{"$ref": 1}]}
GROUP_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g"


def sample_document() -> dict:
    """A snapshot of a group with tags and a package created with a token, as JSON gives it back."""
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="g", Tags=[{"Key": "k", "Value": "v"}])
        c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-1")
        return json.loads(json.dumps(mock.snapshot()))


def registry(store: dict) -> dict:
    return store["families"]["Registry"]


def group(store: dict) -> dict:
    return registry(store)["groups"]["g"]


def package(store: dict) -> dict:
    return registry(store)["packages"]["g/1"]


def set_in(mapping: dict, key: str, value) -> None:
    mapping[key] = value


#: One change each to a sound snapshot; each one, restored, made later operations fail with a raw
#: KeyError, TypeError or AttributeError, or a later snapshot fail (issue 16, defect 8).
HOSTILE = {
    "a table that is a list": lambda s: set_in(registry(s), "next_version", []),
    "a counter that is a string": lambda s: set_in(registry(s), "next_version", {"g": "2"}),
    "a table entry that is not a document": lambda s: set_in(registry(s)["groups"], "h", "not a document"),
    "a time that is a string": lambda s: set_in(group(s), "CreationTime", "yesterday"),
    "a time without a time zone": lambda s: set_in(group(s), "CreationTime", {"$datetime": "2025-01-01T00:00:00"}),
    "a required member missing": lambda s: group(s).pop("ModelPackageGroupName"),
    "an integer member that is a string": lambda s: set_in(package(s), "ModelPackageVersion", "1"),
    "a creation stamp that is a string": lambda s: set_in(group(s), "_seq", "1"),
    "an indexed document no family holds": lambda s: set_in(
        s["resources"], GROUP_ARN.replace("/g", "/ghost"), {"ModelPackageGroupName": "ghost"}),
    "an index key that is not an ARN": lambda s: set_in(s["resources"], "nonsense", {"ModelPackageGroupName": "x"}),
    "a document indexed under another ARN": lambda s: set_in(
        s["resources"], GROUP_ARN.replace("/g", "/other"), s["resources"][GROUP_ARN]),
    "tags that are a list": lambda s: set_in(s["tags"], GROUP_ARN, ["k", "v"]),
    "tags of an ARN not indexed": lambda s: set_in(s["tags"], GROUP_ARN + "x", {"k": "v"}),
    "a taggable set that is a list": lambda s: set_in(s, "taggable", [GROUP_ARN]),
    "a case-folded entry for nothing": lambda s: set_in(s, "folded", {"x": "arn:aws:sagemaker:x"}),
    "an idempotency record that is not one": lambda s: set_in(s, "idempotency", {"$dict": [
        [{"$tuple": ["CreateModelPackage", "t-1"]}, "garbage"]]}),
    "an idempotency record for no operation": lambda s: set_in(s, "idempotency", {"$dict": [
        [{"$tuple": ["MakeCoffee", "t-1"]}, {"$tuple": ["d", {}, None]}]]}),
    "an attribute the family does not have": lambda s: set_in(registry(s), "bogus", 1),
    "an account that is not twelve digits": lambda s: set_in(s, "account", "12345"),
    "a region that is not a region": lambda s: set_in(s, "region", "../../etc"),
    "a list that contains itself": lambda s: set_in(registry(s), "policies", {"g": CYCLE}),
    "a dict that contains itself": lambda s: set_in(registry(s), "policies", {"g": {"$id": 99, "x": {"$ref": 99}}}),
    "a store part this sagemock does not know": lambda s: set_in(s, "extra", {}),
}


@pytest.mark.parametrize("change", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_snapshot_is_refused_and_changes_nothing(change):
    document = sample_document()
    change(document["stores"][0])
    with mock_sagemaker() as mock:
        c = client()
        c.create_model_package_group(ModelPackageGroupName="kept")
        before = mock.snapshot()
        with pytest.raises(SnapshotError):
            mock.restore(document)
        assert mock.snapshot() == before
        assert group_names(c) == ["kept"]


def test_the_sound_sample_restores_and_answers():
    """(The hostile documents above are this one with one change each.)"""
    with mock_sagemaker() as mock:
        mock.restore(sample_document())
        c = client()
        assert c.list_tags(ResourceArn=GROUP_ARN)["Tags"] == [{"Key": "k", "Value": "v"}]
        assert c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC, ClientToken="t-1")[
            "ModelPackageArn"].endswith("/g/1")  # the token's first answer
        assert c.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)[
            "ModelPackageArn"].endswith("/g/2")


def test_a_document_nested_10000_deep_is_refused():
    deep: object = []
    for _ in range(10_000):
        deep = [deep]
    document = sample_document()
    registry(document["stores"][0])["policies"] = {"g": deep}
    with mock_sagemaker() as mock:
        with pytest.raises(SnapshotError, match="nested deeper"):
            mock.restore(document)
        assert mock.snapshot()["stores"] == []


def test_a_pipeline_whose_definition_nests_600_deep_snapshots_and_restores():
    definition = '{"Version": "2020-12-01", "Steps": [], "Metadata": ' + "[" * 600 + "]" * 600 + "}"
    with mock_sagemaker() as mock:
        c = client()
        c.create_pipeline(PipelineName="deep", PipelineDefinition=definition,
                          RoleArn="arn:aws:iam::123456789012:role/r")
        text = "".join(snapshot.chunks(mock.state))
    with mock_sagemaker() as other:
        other.restore(json.loads(text))
        assert client().describe_pipeline(PipelineName="deep")["PipelineDefinition"] == definition


def test_the_streamed_text_is_the_document():
    """`chunks` (the state file, GET /_sagemock/snapshot) and `dump` (mock.snapshot()) agree."""
    with mock_sagemaker() as mock:
        mock.restore(json.loads(V1.read_text(encoding="utf-8")))
        c = client()
        c.create_model_package_group(ModelPackageGroupName="more", Tags=[{"Key": "a", "Value": "b"}])
        c.create_model_package(ModelPackageGroupName="more", InferenceSpecification=SPEC, ClientToken="t")
        client(region="eu-west-1").create_model_package_group(ModelPackageGroupName="away")
        text = "".join(snapshot.chunks(mock.state))
        assert text == json.dumps(mock.snapshot(), separators=(",", ":"), allow_nan=False)


def test_live_contents_tell_a_change_from_none_as_a_snapshot_would():
    """The fuzz tests' check that a refusal or a read changes nothing compares these structures with
    a deep copy taken before (far cheaper than two snapshots): it must see what a snapshot sees."""
    with mock_sagemaker() as mock:
        sm = boto3.client("sagemaker", region_name="us-east-1")
        sm.create_model_package_group(ModelPackageGroupName="g", Tags=[{"Key": "k", "Value": "v"}])
        before, dumped = copy.deepcopy(snapshot.live_contents(mock.state)), mock.snapshot()
        sm.describe_model_package_group(ModelPackageGroupName="g")
        assert snapshot.live_contents(mock.state) == before and mock.snapshot() == dumped
        with pytest.raises(ClientError):
            sm.create_model_package_group(ModelPackageGroupName="g")
        assert snapshot.live_contents(mock.state) == before
        store = next(iter(mock.state.stores.values()))
        (document,) = store.table("model-package-group").values()
        document["ModelPackageGroupDescription"] = "changed in place"  # as a faulty read would
        assert snapshot.live_contents(mock.state) != before and mock.snapshot() != dumped
        del document["ModelPackageGroupDescription"]
        sm.add_tags(ResourceArn=document["ModelPackageGroupArn"], Tags=[{"Key": "k2", "Value": "v"}])
        assert snapshot.live_contents(mock.state) != before
