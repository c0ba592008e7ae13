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


def test_an_index_rechecks_only_the_documents_named_and_finds_them_where_they_were_filed():
    rng = random.Random(11)
    documents = [{"Arn": f"arn:{n}", "_seq": n + 1, "Status": rng.choice(STATUSES)} for n in range(400)]
    index = SortedIndex("Status", "Arn", False, documents)
    for _ in range(200):
        changed = rng.sample(documents, rng.randrange(1, 5))
        for document in changed:
            document["Status"] = rng.choice(STATUSES)
        index.recheck([*changed, rng.choice(documents)])  # (one unchanged among them)
        assert index.documents == _sorted(documents, "Status")
        assert index.values == [document.get("Status") for document in index.documents]
        assert index.filed == {id(document): document.get("Status") for document in documents}
    moved = rng.choice(documents)
    moved["Status"] = "Stopped" if moved.get("Status") != "Stopped" else "Failed"
    index.remove(moved)  # found under the value it was filed under, not its value now
    assert moved not in index.documents and id(moved) not in index.filed and len(index) == 399


def _table(client, mock):
    client.list_model_packages(ModelPackageGroupName="g")  # (the family's table, made)
    return mock.state.store("123456789012", "us-east-1").table("model-package")


def _packages(client, count):
    client.create_model_package_group(ModelPackageGroupName="g")
    return [client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)["ModelPackageArn"]
            for _ in range(count)]


def test_search_right_after_a_write_shows_it_first_and_checks_only_what_the_write_reached(monkeypatch):
    with mock_sagemaker() as mock:
        client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        arns = _packages(client, 40)
        client.search(Resource="ModelPackage", MaxResults=5)  # the LastModifiedTime index, made
        table = _table(client, mock)
        passes = []
        monkeypatch.setattr(SortedIndex, "refresh", lambda self: passes.append(self.member))
        for number, arn in enumerate([arns[7], arns[30], arns[2], arns[7]]):
            mock.advance(seconds=1)
            client.update_model_package(ModelPackageArn=arn, ApprovalDescription=f"checked {number}")
            assert len(table.reached) == 1  # the package the write reached, and nothing else
            results = client.search(Resource="ModelPackage", MaxResults=3)["Results"]
            first = results[0]["ModelPackage"]
            assert (first["ModelPackageArn"], first["ApprovalDescription"]) == (arn, f"checked {number}")
            assert not table.reached
        assert [result["ModelPackage"]["ModelPackageArn"] for result in results] == [arns[7], arns[2], arns[30]]
        ascending = client.search(Resource="ModelPackage", SortOrder="Ascending", MaxResults=100)["Results"]
        assert [result["ModelPackage"]["ModelPackageArn"] for result in ascending[-3:]] == [arns[30], arns[2], arns[7]]
        by_status = client.search(Resource="ModelPackage", SortBy="ModelApprovalStatus", MaxResults=100)
        client.update_model_package(ModelPackageArn=arns[11], ModelApprovalStatus="Rejected")
        by_status = client.search(Resource="ModelPackage", SortBy="ModelApprovalStatus", SortOrder="Ascending",
                                  MaxResults=100)["Results"]
        statuses = [result["ModelPackage"]["ModelApprovalStatus"] for result in by_status]
        assert statuses == ["PendingManualApproval"] * 39 + ["Rejected"]
        assert by_status[-1]["ModelPackage"]["ModelPackageArn"] == arns[11]
        assert passes == []  # never a pass over every package


def test_a_status_the_test_sets_moves_a_package_in_search_sorted_by_status():
    with mock_sagemaker() as mock:
        client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        arns = _packages(client, 12)
        client.search(Resource="ModelPackage", SortBy="ModelPackageStatus", MaxResults=5)  # the index, made
        mock.set_status(arns[4], "Failed")  # outside any request
        results = client.search(Resource="ModelPackage", SortBy="ModelPackageStatus", SortOrder="Descending",
                                MaxResults=100)["Results"]
        assert [result["ModelPackage"]["ModelPackageStatus"] for result in results][:2] == ["Failed", "Completed"]
        assert results[0]["ModelPackage"]["ModelPackageArn"] == arns[4]


def test_a_document_changed_after_a_list_within_the_same_request_is_checked_at_the_next():
    with mock_sagemaker() as mock:
        client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        arns = _packages(client, 6)
        table = _table(client, mock)
        store = table.store
        index = table.ordered("ModelApprovalStatus", "ModelPackageArn")
        key = table.key_of(store.resources[arns[2]])
        with store.lock:  # as a write would: reach, list, then change
            store.changing = True
            document = table[key]
            table.ordered("ModelApprovalStatus", "ModelPackageArn")
            document["ModelApprovalStatus"] = "Approved"
            store.changing = False
        assert table.ordered("ModelApprovalStatus", "ModelPackageArn") is index
        assert index.documents[0] is document  # Approved sorts first


def test_concurrent_writes_and_searches_lose_no_move():
    import threading

    with mock_sagemaker():
        client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        arns = _packages(client, 60)
        errors: list[BaseException] = []

        def write(share: list[str]) -> None:
            try:
                own = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a",
                                   aws_secret_access_key="b")
                for number, arn in enumerate(share * 3):
                    own.update_model_package(ModelPackageArn=arn, ApprovalDescription=f"{arn} {number}")
            except BaseException as error:  # noqa: BLE001 (reported below)
                errors.append(error)

        def search() -> None:
            try:
                own = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a",
                                   aws_secret_access_key="b")
                for _ in range(30):
                    own.search(Resource="ModelPackage", MaxResults=10)
            except BaseException as error:  # noqa: BLE001
                errors.append(error)

        threads = [threading.Thread(target=write, args=(arns[start::4],)) for start in range(4)]
        threads.append(threading.Thread(target=search))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        results = client.search(Resource="ModelPackage", SortOrder="Ascending", MaxResults=100)["Results"]
        times = [result["ModelPackage"]["LastModifiedTime"] for result in results]
        assert times == sorted(times) and len(results) == 60
        for result in results:  # each where its last write put it
            package = result["ModelPackage"]
            described = client.describe_model_package(ModelPackageName=package["ModelPackageArn"])
            assert (package["LastModifiedTime"], package["ApprovalDescription"]) == \
                (described["LastModifiedTime"], described["ApprovalDescription"])
            at = arns.index(package["ModelPackageArn"])
            assert package["ApprovalDescription"] == f"{arns[at]} {30 + at // 4}"  # its thread's last write
