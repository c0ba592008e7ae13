"""Sorted indexes: a table's documents kept in List order as they come, change and go."""
from __future__ import annotations

import datetime as dt
import random

import boto3

from sagemock import mock_sagemaker
from sagemock.core.ordered import SortedIndex, position

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
STATUSES = ("InProgress", "Completed", "Failed", "Stopped", None)
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}


def _sorted(documents, member):
    return sorted(documents, key=lambda document: position(document, member, "Arn"))


def test_an_index_keeps_list_order_through_adds_removals_and_changes_in_place():
    rng = random.Random(7)
    held: list[dict] = []
    by_status = SortedIndex("Status", "Arn", False, [])
    by_time = SortedIndex("CreationTime", "Arn", True, [])
    for step in range(3000):
        action = rng.random()
        if action < 0.5 or not held:
            document = {"Arn": f"arn:{step}", "_seq": step + 1, "Status": rng.choice(STATUSES),
                        "CreationTime": T0 + dt.timedelta(seconds=rng.randrange(500))}
            held.append(document)
            by_status.add(document)
            by_time.add(document)
        elif action < 0.7:
            document = held.pop(rng.randrange(len(held)))
            by_status.remove(document)  # (perhaps moved since it was filed)
            by_time.remove(document)
        else:
            rng.choice(held)["Status"] = rng.choice(STATUSES)  # in place, as families write
        if step % 97 == 0 or step > 2900:
            by_status.refresh()
            assert by_status.documents == _sorted(held, "Status")
            assert by_time.documents == _sorted(held, "CreationTime")


def test_an_index_refiles_many_moved_documents_at_once():
    documents = [{"Arn": f"arn:{n}", "_seq": n + 1, "Status": "InProgress"} for n in range(500)]
    index = SortedIndex("Status", "Arn", False, documents)
    for document in documents[::3]:
        document["Status"] = "Completed"
    index.refresh()
    assert index.documents == _sorted(documents, "Status")
    assert index.values == [document["Status"] for document in index.documents]


def test_a_page_after_a_write_and_a_status_change_sorts_as_the_change_says():
    with mock_sagemaker() as mock:
        client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        client.create_model_package_group(ModelPackageGroupName="g")
        arns = [client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)["ModelPackageArn"]
                for _ in range(30)]
        client.list_model_packages(ModelPackageGroupName="g")  # the index, made
        mock.set_status(arns[3], "Failed")
        failed = client.list_model_packages(ModelPackageGroupName="g", ModelApprovalStatus="PendingManualApproval",
                                            MaxResults=100)["ModelPackageSummaryList"]
        assert [summary["ModelPackageStatus"] for summary in failed].count("Failed") == 1
        # Search's default sort (LastModifiedTime, descending) reads the index; a write moves the package.
        client.update_model_package(ModelPackageArn=arns[5], ApprovalDescription="checked")
        first = client.search(Resource="ModelPackage", MaxResults=1)["Results"][0]["ModelPackage"]
        assert first["ModelPackageArn"] == arns[5]
        ascending = client.search(Resource="ModelPackage", SortOrder="Ascending", MaxResults=100)["Results"]
        assert ascending[-1]["ModelPackage"]["ModelPackageArn"] == arns[5]


def test_reads_move_only_what_is_in_transition_and_pages_see_it():
    with mock_sagemaker(transitions="reads") as mock:
        client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        client.create_model_package_group(ModelPackageGroupName="g")
        for _ in range(5):
            client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)
        table = mock.state.store("123456789012", "us-east-1").table("model-package")
        assert len(table.moving) == 5
        statuses = []
        for _ in range(3):
            page = client.list_model_packages(ModelPackageGroupName="g")["ModelPackageSummaryList"]
            statuses.append({summary["ModelPackageStatus"] for summary in page})
        assert statuses == [{"Pending"}, {"InProgress"}, {"Completed"}]
        assert not table.moving  # settled: later Lists read none of them through the lifecycle
