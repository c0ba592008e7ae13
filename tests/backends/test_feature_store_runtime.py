"""SageMaker Feature Store Runtime through boto3: PutRecord, GetRecord, BatchGetRecord and
DeleteRecord against the feature groups of the control plane, their refusals (which change
nothing), TTL on the mock's clock, snapshots, threads and the server."""
from __future__ import annotations

import datetime
import threading

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from sagemock.server import ThreadedServer

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
#: Event times in Unix seconds (the clock's "now" is later than all of them).
T1, T2, T3 = 1_700_000_000.0, 1_700_000_100.0, 1_700_000_200.0


def make_group(sm, name="customers", *, online=True, offline=False, event_time_type="Fractional", ttl=None,
               extra=(), storage=None):
    features = [{"FeatureName": "customer_id", "FeatureType": "String"},
                {"FeatureName": "event_time", "FeatureType": event_time_type},
                {"FeatureName": "tenure", "FeatureType": "Integral"},
                {"FeatureName": "spend", "FeatureType": "Fractional"}, *extra]
    request = {"FeatureGroupName": name, "RecordIdentifierFeatureName": "customer_id",
               "EventTimeFeatureName": "event_time", "FeatureDefinitions": features, "RoleArn": ROLE}
    if online:
        request["OnlineStoreConfig"] = {"EnableOnlineStore": True}
        if ttl is not None:
            request["OnlineStoreConfig"]["TtlDuration"] = ttl
        if storage is not None:
            request["OnlineStoreConfig"]["StorageType"] = storage
    if offline:
        request["OfflineStoreConfig"] = {"S3StorageConfig": {"S3Uri": "s3://bucket/features"}}
    sm.create_feature_group(**request)
    assert sm.describe_feature_group(FeatureGroupName=name)["FeatureGroupStatus"] == "Created"
    return name


def record(customer="c-1", event_time=T1, tenure="3", spend="20.5", **more):
    values = {"customer_id": customer, "event_time": None if event_time is None else str(event_time),
              "tenure": tenure, "spend": spend, **more}
    return [{"FeatureName": name, "ValueAsString": value} for name, value in values.items() if value is not None]


def values_of(answer):
    return {value["FeatureName"]: value.get("ValueAsString", value.get("ValueAsStringList"))
            for value in answer.get("Record", [])}


@pytest.fixture
def records(sagemaker_mock):
    return boto3.client("sagemaker-featurestore-runtime", region_name=REGION)


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


# -- put and get --------------------------------------------------------------------------------------

def test_a_record_put_is_got_back_with_its_values(sagemaker_client, records):
    make_group(sagemaker_client)
    records.put_record(FeatureGroupName="customers", Record=record())
    answer = records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    assert answer["Record"] == record()
    assert "ExpiresAt" not in answer
    chosen = records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1",
                                FeatureNames=["tenure", "spend"])
    assert values_of(chosen) == {"tenure": "3", "spend": "20.5"}


def test_a_group_is_named_by_name_or_arn(sagemaker_client, records):
    make_group(sagemaker_client)
    arn = sagemaker_client.describe_feature_group(FeatureGroupName="customers")["FeatureGroupArn"]
    records.put_record(FeatureGroupName=arn, Record=record())
    assert values_of(records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1"))


def test_a_record_not_found_is_an_empty_answer(sagemaker_client, records):
    make_group(sagemaker_client)
    answer = records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="nobody")
    assert "Record" not in answer


def test_the_latest_event_time_wins(sagemaker_client, records):
    make_group(sagemaker_client)
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T2, tenure="5"))
    # Older: a historic record, written to the offline store only.
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T1, tenure="1"))
    got = records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    assert values_of(got)["tenure"] == "5"
    # Newer: a full overwrite (a feature left out is gone).
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T3, tenure="9", spend=None))
    got = records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    assert values_of(got) == {"customer_id": "c-1", "event_time": str(T3), "tenure": "9"}


def test_iso_8601_event_times_are_compared_as_times(sagemaker_client, records):
    make_group(sagemaker_client, event_time_type="String")
    records.put_record(FeatureGroupName="customers", Record=record(event_time="2024-01-02T00:00:00Z", tenure="2"))
    records.put_record(FeatureGroupName="customers", Record=record(event_time="2024-01-01T23:59:59.999Z", tenure="1"))
    got = records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    assert values_of(got)["tenure"] == "2"
    with pytest.raises(ClientError) as excinfo:
        records.put_record(FeatureGroupName="customers", Record=record(event_time="2024-01-03 00:00:00"))
    code, message = error_of(excinfo)
    assert code == "ValidationError" and "is not an ISO-8601 string in a supported format" in message
    assert values_of(records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1"))[
        "tenure"] == "2"


def test_target_stores_offline_only_leaves_the_online_record(sagemaker_client, records):
    make_group(sagemaker_client, offline=True)
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T1, tenure="1"))
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T2, tenure="2"),
                       TargetStores=["OfflineStore"])
    assert values_of(records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1"))[
        "tenure"] == "1"
    records.put_record(FeatureGroupName="customers", Record=record(customer="c-2"), TargetStores=["OfflineStore"])
    assert "Record" not in records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-2")


def test_collection_features_take_value_lists(sagemaker_client, records):
    make_group(sagemaker_client, storage="InMemory", extra=[
        {"FeatureName": "tags", "FeatureType": "String", "CollectionType": "Set"},
        {"FeatureName": "embedding", "FeatureType": "Fractional", "CollectionType": "Vector",
         "CollectionConfig": {"VectorConfig": {"Dimension": 2}}}])
    good = [*record(), {"FeatureName": "tags", "ValueAsStringList": ["a", "b"]},
            {"FeatureName": "embedding", "ValueAsStringList": ["0.1", "0.2"]}]
    records.put_record(FeatureGroupName="customers", Record=good)
    got = values_of(records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1"))
    assert got["tags"] == ["a", "b"] and got["embedding"] == ["0.1", "0.2"]
    refused = {
        "Feature tags is a Set collection: its values must be unique.":
            {"FeatureName": "tags", "ValueAsStringList": ["a", "a"]},
        "Feature embedding is a Vector of dimension 2: it was given 3 values.":
            {"FeatureName": "embedding", "ValueAsStringList": ["1", "2", "3"]},
        "Feature tags is a Set collection: its value must be given as ValueAsStringList.":
            {"FeatureName": "tags", "ValueAsString": "a"},
        "Feature tenure is not a collection: its value must be given as ValueAsString.":
            {"FeatureName": "tenure", "ValueAsStringList": ["1"]},
    }
    for message, value in refused.items():
        bad = [item for item in record(event_time=T2) if item["FeatureName"] != value["FeatureName"]] + [value]
        with pytest.raises(ClientError) as excinfo:
            records.put_record(FeatureGroupName="customers", Record=bad)
        assert error_of(excinfo) == ("ValidationError", message)
    assert values_of(records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")) == got


# -- refusals -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("bad", "message"), [
    (record(plan="gold"), "The feature plan is not defined in FeatureGroup customers: a record can hold only the "
                          "features of the group's FeatureDefinitions."),
    (record(customer=None), "The record has no value for customer_id, the group's RecordIdentifierFeatureName: every "
                            "record must have its record identifier and its event time."),
    (record(event_time=None), "The record has no value for event_time, the group's EventTimeFeatureName: every record "
                              "must have its record identifier and its event time."),
    (record(tenure="3.5"), "The value '3.5' of feature tenure is not an Integral (a 64-bit integer)."),
    (record(tenure=str(2 ** 63)), f"The value '{2 ** 63}' of feature tenure is not an Integral (a 64-bit integer)."),
    (record(spend="lots"), "The value 'lots' of feature spend is not a Fractional (a floating-point number)."),
    (record(event_time="yesterday"), "The value 'yesterday' of feature event_time is not a Fractional (a "
                                     "floating-point number)."),
    ([*record(), {"FeatureName": "tenure", "ValueAsString": "4"}], "The feature tenure is given more than once in "
                                                                   "the record."),
])
def test_a_record_the_group_does_not_define_is_refused_and_changes_nothing(sagemaker_client, records, bad, message):
    make_group(sagemaker_client)
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T1))
    with pytest.raises(ClientError) as excinfo:
        records.put_record(FeatureGroupName="customers", Record=bad)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error_of(excinfo) == ("ValidationError", message)
    assert records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")["Record"] == record()


def test_a_missing_group(records):
    message = "Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name ghosts"
    with pytest.raises(ClientError) as excinfo:
        records.put_record(FeatureGroupName="ghosts", Record=record())
    assert error_of(excinfo) == ("ValidationError", message)
    with pytest.raises(ClientError) as excinfo:
        records.get_record(FeatureGroupName="ghosts", RecordIdentifierValueAsString="c-1")
    assert error_of(excinfo) == ("ResourceNotFound", message)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as excinfo:
        records.delete_record(FeatureGroupName="ghosts", RecordIdentifierValueAsString="c-1", EventTime=str(T1))
    assert error_of(excinfo) == ("ValidationError", message)


@pytest.mark.sagemock(transitions="seconds", transition_seconds=60)
def test_a_group_must_be_created(sagemaker_client, sagemaker_mock, records):
    sagemaker_client.create_feature_group(
        FeatureGroupName="slow", RecordIdentifierFeatureName="customer_id", EventTimeFeatureName="event_time",
        OnlineStoreConfig={"EnableOnlineStore": True},
        FeatureDefinitions=[{"FeatureName": "customer_id", "FeatureType": "String"},
                            {"FeatureName": "event_time", "FeatureType": "Fractional"}])
    with pytest.raises(ClientError) as excinfo:
        records.put_record(FeatureGroupName="slow", Record=record(tenure=None, spend=None))
    assert error_of(excinfo) == ("ValidationError", "The FeatureGroup slow is Creating: records can be written and "
                                                    "read only once it is Created.")
    sagemaker_mock.advance(61)
    records.put_record(FeatureGroupName="slow", Record=record(tenure=None, spend=None))
    assert values_of(records.get_record(FeatureGroupName="slow", RecordIdentifierValueAsString="c-1"))


def test_an_offline_only_group_has_no_online_records(sagemaker_client, records):
    make_group(sagemaker_client, online=False, offline=True)
    records.put_record(FeatureGroupName="customers", Record=record())  # to the offline store
    with pytest.raises(ClientError) as excinfo:
        records.put_record(FeatureGroupName="customers", Record=record(), TargetStores=["OnlineStore"])
    assert error_of(excinfo) == ("ValidationError", "The FeatureGroup customers has no OnlineStore: TargetStores may "
                                                    "name only the stores it uses (OfflineStore).")
    with pytest.raises(ClientError) as excinfo:
        records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    assert error_of(excinfo) == ("ValidationError", "The FeatureGroup customers has no OnlineStore: records can be "
                                                    "read only from a feature group with an online store "
                                                    "(OnlineStoreConfig EnableOnlineStore).")


def test_the_model_validates_first(sagemaker_client, sagemaker_mock):
    make_group(sagemaker_client)
    unchecked = boto3.client("sagemaker-featurestore-runtime", region_name=REGION,
                             config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as excinfo:
        unchecked.put_record(FeatureGroupName="customers", Record=[])
    assert error_of(excinfo) == ("ValidationError", "1 validation error detected: Value '[]' at 'record' failed to "
                                                    "satisfy constraint: Member must have length greater than or "
                                                    "equal to 1")


# -- BatchGetRecord -------------------------------------------------------------------------------------

def test_batch_get_answers_records_and_errors(sagemaker_client, records):
    make_group(sagemaker_client)
    make_group(sagemaker_client, "offline", online=False, offline=True)
    for customer in ("c-1", "c-2"):
        records.put_record(FeatureGroupName="customers", Record=record(customer=customer))
    answer = records.batch_get_record(Identifiers=[
        {"FeatureGroupName": "customers", "RecordIdentifiersValueAsString": ["c-1", "c-2", "c-3"],
         "FeatureNames": ["customer_id", "tenure"]},
        {"FeatureGroupName": "ghosts", "RecordIdentifiersValueAsString": ["g-1"]},
        {"FeatureGroupName": "offline", "RecordIdentifiersValueAsString": ["o-1"]},
    ])
    assert answer["Records"] == [
        {"FeatureGroupName": "customers", "RecordIdentifierValueAsString": customer,
         "Record": [{"FeatureName": "customer_id", "ValueAsString": customer},
                    {"FeatureName": "tenure", "ValueAsString": "3"}]} for customer in ("c-1", "c-2")]
    assert [(error["FeatureGroupName"], error["RecordIdentifierValueAsString"], error["ErrorCode"])
            for error in answer["Errors"]] == [("ghosts", "g-1", "ResourceNotFound"), ("offline", "o-1",
                                                                                       "ValidationError")]
    assert answer["Errors"][0]["ErrorMessage"] == ("Resource Not Found: Amazon SageMaker can't find a FeatureGroup "
                                                   "with name ghosts")
    assert answer["UnprocessedIdentifiers"] == []


# -- DeleteRecord -----------------------------------------------------------------------------------------

def test_soft_delete_hides_the_record_until_a_later_put(sagemaker_client, records):
    make_group(sagemaker_client)
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T1))
    records.delete_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1", EventTime=str(T2))
    assert "Record" not in records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    assert records.batch_get_record(Identifiers=[{"FeatureGroupName": "customers",
                                                  "RecordIdentifiersValueAsString": ["c-1"]}])["Records"] == []
    # A record older than the deletion stays deleted; a later one is the record again.
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T1 + 50))
    assert "Record" not in records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T3, tenure="7"))
    assert values_of(records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1"))[
        "tenure"] == "7"


def test_a_delete_no_later_than_the_record_does_not_occur(sagemaker_client, records):
    make_group(sagemaker_client)
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T2))
    records.delete_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1", EventTime=str(T1))
    assert records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")["Record"] == \
        record(event_time=T2)
    with pytest.raises(ClientError) as excinfo:
        records.delete_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1", EventTime=str(T2),
                              DeletionMode="HardDelete")
    assert error_of(excinfo) == ("ValidationError", f"EventTime: the EventTime of the deletion ({T2}) must be later "
                                                    "than the EventTime of the record c-1 in the OnlineStore.")
    assert records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")["Record"] == \
        record(event_time=T2)


def test_hard_delete_removes_the_record(sagemaker_client, records):
    make_group(sagemaker_client)
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T2))
    records.delete_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1", EventTime=str(T3),
                          DeletionMode="HardDelete")
    assert "Record" not in records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    # Nothing is left to be later than: an older record goes in.
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T1))
    assert records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")["Record"] == record()


def test_a_delete_event_time_must_be_of_the_groups_type(sagemaker_client, records):
    make_group(sagemaker_client)
    records.put_record(FeatureGroupName="customers", Record=record())
    with pytest.raises(ClientError) as excinfo:
        records.delete_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1",
                              EventTime="2024-01-01T00:00:00Z")
    assert error_of(excinfo) == ("ValidationError", "The EventTime of the deletion, '2024-01-01T00:00:00Z' is not a "
                                                    "Unix timestamp in seconds: the EventTime feature event_time is "
                                                    "Fractional.")
    assert records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")["Record"] == record()


# -- TTL ---------------------------------------------------------------------------------------------------

def test_a_record_expires_on_the_mocks_clock(sagemaker_client, sagemaker_mock, records):
    make_group(sagemaker_client, ttl={"Unit": "Hours", "Value": 1})
    now = sagemaker_mock.state.clock.now().timestamp()
    records.put_record(FeatureGroupName="customers", Record=record(event_time=now))
    records.put_record(FeatureGroupName="customers", Record=record(customer="c-2", event_time=now),
                       TtlDuration={"Unit": "Days", "Value": 1})  # the record's TTL supersedes the group's
    answer = records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1",
                                ExpirationTimeResponse="Enabled")
    expected = datetime.datetime.fromtimestamp(now + 3600, datetime.timezone.utc)
    assert answer["ExpiresAt"] == expected.strftime("%Y-%m-%dT%H:%M:%S.") + f"{expected.microsecond // 1000:03d}Z"
    assert "ExpiresAt" not in records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    sagemaker_mock.advance(3601)
    assert "Record" not in records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
    assert "Record" in records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-2")
    # An expired record is hard deleted: an older record than it goes in.
    records.put_record(FeatureGroupName="customers", Record=record(event_time=now - 1),
                       TtlDuration={"Unit": "Days", "Value": 1})
    assert records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")["Record"] == \
        record(event_time=now - 1)


def test_a_past_event_time_with_a_ttl_is_already_expired(sagemaker_client, records):
    make_group(sagemaker_client, ttl={"Unit": "Weeks", "Value": 1})
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T1))  # November 2023
    assert "Record" not in records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")


# -- state -------------------------------------------------------------------------------------------------

def test_records_are_in_snapshots_and_go_with_their_group(sagemaker_client, sagemaker_mock, records):
    make_group(sagemaker_client)
    records.put_record(FeatureGroupName="customers", Record=record())
    saved = sagemaker_mock.snapshot()
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T2, tenure="8"))
    sagemaker_mock.restore(saved)
    assert records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")["Record"] == record()
    sagemaker_client.delete_feature_group(FeatureGroupName="customers")
    assert all("FeatureStoreRuntime" not in store["families"] for store in sagemaker_mock.snapshot()["stores"])
    make_group(sagemaker_client)
    assert "Record" not in records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")


def test_eight_threads_lose_no_record(sagemaker_client, records):
    make_group(sagemaker_client)
    failures = []

    def put(worker):
        try:
            client = boto3.client("sagemaker-featurestore-runtime", region_name=REGION)
            for index in range(25):
                client.put_record(FeatureGroupName="customers",
                                  Record=record(customer=f"c-{worker}-{index}", tenure=str(index)))
        except Exception as failure:  # noqa: BLE001  (reported below)
            failures.append(failure)

    threads = [threading.Thread(target=put, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for worker in range(8):
        answer = records.batch_get_record(Identifiers=[{
            "FeatureGroupName": "customers",
            "RecordIdentifiersValueAsString": [f"c-{worker}-{index}" for index in range(25)]}])
        assert len(answer["Records"]) == 25


def test_the_server_answers_the_feature_store_runtime():
    with ThreadedServer() as server:
        options = {"region_name": REGION, "endpoint_url": server.url, "aws_access_key_id": ACCOUNT,
                   "aws_secret_access_key": "sagemock"}
        sm = boto3.client("sagemaker", **options)
        client = boto3.client("sagemaker-featurestore-runtime", **options)
        make_group(sm)
        client.put_record(FeatureGroupName="customers", Record=record())
        assert client.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")["Record"] == \
            record()
        client.delete_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1", EventTime=str(T2),
                             DeletionMode="HardDelete")
        assert "Record" not in client.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")
        with pytest.raises(ClientError) as excinfo:
            client.get_record(FeatureGroupName="ghosts", RecordIdentifierValueAsString="c-1")
        assert excinfo.value.response["Error"]["Code"] == "ResourceNotFound"


# -- BatchWriteRecord, UpdateRecord and ListRecords (botocore 1.44 on) ----------------------------------------

def newer_operation(name):
    from sagemock.core import service

    present = name in service.operation_names_in("sagemaker-featurestore-runtime")
    return pytest.mark.skipif(not present, reason=f"the installed botocore model has no {name}")


@newer_operation("BatchWriteRecord")
def test_batch_write_writes_each_entry_and_reports_the_refused(sagemaker_client, sagemaker_mock, records):
    make_group(sagemaker_client, ttl={"Unit": "Hours", "Value": 1})
    now = sagemaker_mock.state.clock.now().timestamp()
    refused = {"FeatureGroupName": "customers", "Record": record(customer="c-3", tenure="x", event_time=now)}
    answer = records.batch_write_record(
        TtlDuration={"Unit": "Days", "Value": 1},  # for the entries without their own
        Entries=[{"FeatureGroupName": "customers", "Record": record(customer="c-1", event_time=now)},
                 {"FeatureGroupName": "customers", "Record": record(customer="c-2", event_time=now),
                  "TtlDuration": {"Unit": "Seconds", "Value": 10}},
                 refused,
                 {"FeatureGroupName": "ghosts", "Record": record()}])
    assert answer["UnprocessedEntries"] == []
    assert [(error["Entry"], error["ErrorCode"]) for error in answer["Errors"]] == [
        (refused, "ValidationError"), ({"FeatureGroupName": "ghosts", "Record": record()}, "ResourceNotFound")]
    assert answer["Errors"][0]["ErrorMessage"] == "The value 'x' of feature tenure is not an Integral (a 64-bit integer)."
    sagemaker_mock.advance(3600)  # past the group's hour and the entry's 10 seconds, within the request's day
    found = records.batch_get_record(Identifiers=[{"FeatureGroupName": "customers",
                                                   "RecordIdentifiersValueAsString": ["c-1", "c-2", "c-3"]}])
    assert [entry["RecordIdentifierValueAsString"] for entry in found["Records"]] == ["c-1"]


@newer_operation("UpdateRecord")
def test_update_changes_some_features_and_keeps_the_others(sagemaker_client, records):
    make_group(sagemaker_client, storage="Standard_V2")
    records.put_record(FeatureGroupName="customers", Record=record(event_time=T2))
    records.update_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1",
                          Features=[{"FeatureName": "tenure", "ValueAsString": "4"}])
    assert values_of(records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")) == {
        "customer_id": "c-1", "event_time": str(T2), "tenure": "4", "spend": "20.5"}
    records.update_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1",
                          Features=[{"FeatureName": "event_time", "ValueAsString": str(T2)},
                                    {"FeatureName": "spend", "ValueAsString": "1.0"}])  # equal EventTime: applied
    with pytest.raises(ClientError) as excinfo:
        records.update_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1",
                              Features=[{"FeatureName": "event_time", "ValueAsString": str(T1)},
                                        {"FeatureName": "tenure", "ValueAsString": "0"}])
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error_of(excinfo) == ("ConflictException", f"The EventTime {T1} is older than the record's current "
                                                      "EventTime: retrieve the record's latest EventTime and resubmit.")
    with pytest.raises(ClientError) as excinfo:
        records.update_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1",
                              Features=[{"FeatureName": "tenure", "ValueAsString": "5"}],
                              TtlDuration={"Unit": "Days", "Value": 1})
    assert error_of(excinfo) == ("ValidationError", "If you specify a TtlDuration, you must also provide an EventTime "
                                                    "(the feature event_time) in the request.")
    assert values_of(records.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")) == {
        "customer_id": "c-1", "event_time": str(T2), "tenure": "4", "spend": "1.0"}


@newer_operation("UpdateRecord")
def test_update_needs_a_record_and_a_standard_v2_or_in_memory_store(sagemaker_client, records):
    make_group(sagemaker_client, storage="Standard_V2")
    with pytest.raises(ClientError) as excinfo:
        records.update_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-9",
                              Features=[{"FeatureName": "tenure", "ValueAsString": "4"}])
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error_of(excinfo) == ("ResourceNotFound", "The record c-9 does not exist in FeatureGroup customers: to "
                                                     "create a record, use PutRecord.")
    make_group(sagemaker_client, "standard")
    records.put_record(FeatureGroupName="standard", Record=record())
    with pytest.raises(ClientError) as excinfo:
        records.update_record(FeatureGroupName="standard", RecordIdentifierValueAsString="c-1",
                              Features=[{"FeatureName": "tenure", "ValueAsString": "4"}])
    assert error_of(excinfo) == ("ValidationError", "UpdateRecord is available only for feature groups that use the "
                                                    "Standard_V2 or InMemory online store type; FeatureGroup standard "
                                                    "uses Standard.")
    assert records.get_record(FeatureGroupName="standard", RecordIdentifierValueAsString="c-1")["Record"] == record()


@newer_operation("ListRecords")
def test_list_records_pages_the_identifiers(sagemaker_client, records):
    make_group(sagemaker_client)
    for index in range(5):
        records.put_record(FeatureGroupName="customers", Record=record(customer=f"c-{index}"))
    records.delete_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-2", EventTime=str(T2))
    first = records.list_records(FeatureGroupName="customers", MaxResults=2)
    assert first["RecordIdentifiers"] == ["c-0", "c-1"]
    rest = records.list_records(FeatureGroupName="customers", MaxResults=2, NextToken=first["NextToken"])
    assert rest["RecordIdentifiers"] == ["c-3", "c-4"] and "NextToken" not in rest
    everything = records.list_records(FeatureGroupName="customers", IncludeSoftDeletedRecords=True)
    assert everything["RecordIdentifiers"] == [f"c-{index}" for index in range(5)]
    paginator = records.get_paginator("list_records") if records.can_paginate("list_records") else None
    if paginator is not None:
        pages = paginator.paginate(FeatureGroupName="customers", PaginationConfig={"PageSize": 1})
        assert [identifier for page in pages for identifier in page["RecordIdentifiers"]] == [
            "c-0", "c-1", "c-3", "c-4"]


@pytest.mark.parametrize("file_name", ["state.db", "state.json"])
def test_records_outlive_a_server_in_its_state_file(tmp_path, file_name):
    """The SQLite file saves what each request reached: a record write reaches its group's row."""
    path = tmp_path / file_name
    options = {"region_name": REGION, "aws_access_key_id": ACCOUNT, "aws_secret_access_key": "sagemock"}
    with ThreadedServer(state_file=path) as server:
        sm = boto3.client("sagemaker", endpoint_url=server.url, **options)
        client = boto3.client("sagemaker-featurestore-runtime", endpoint_url=server.url, **options)
        make_group(sm)
        client.put_record(FeatureGroupName="customers", Record=record())
        client.put_record(FeatureGroupName="customers", Record=record(customer="c-2"))
        client.put_record(FeatureGroupName="customers", Record=record(event_time=T2, tenure="6"))
        client.delete_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-2", EventTime=str(T3),
                             DeletionMode="HardDelete")
    with ThreadedServer(state_file=path) as server:
        client = boto3.client("sagemaker-featurestore-runtime", endpoint_url=server.url, **options)
        assert client.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-1")["Record"] == \
            record(event_time=T2, tenure="6")
        assert "Record" not in client.get_record(FeatureGroupName="customers", RecordIdentifierValueAsString="c-2")
