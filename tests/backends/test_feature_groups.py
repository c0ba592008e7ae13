"""Feature groups and feature metadata through boto3: what AWS fills in, the rules of a group's
definition and stores, the two status machines (the group's and its last update's), feature
metadata, List, Search, and concurrent clients."""
from __future__ import annotations

import copy
import datetime as dt
import threading

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from sagemock import mock_sagemaker
from tests.model_support import declared

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/feature-store"
FEATURES = [{"FeatureName": "customer_id", "FeatureType": "String"},
            {"FeatureName": "event_time", "FeatureType": "Fractional"},
            {"FeatureName": "tenure", "FeatureType": "Integral"}]
OFFLINE = {"S3StorageConfig": {"S3Uri": "s3://features-bucket/store/"}}
requires_storage_migration = pytest.mark.skipif(
    not declared("OnlineStoreConfigUpdate", "StorageType"),
    reason="the installed botocore model cannot migrate an online store's StorageType")


def group(name: str = "customers", **extra):
    request = {"FeatureGroupName": name, "RecordIdentifierFeatureName": "customer_id",
               "EventTimeFeatureName": "event_time", "FeatureDefinitions": copy.deepcopy(FEATURES),
               "OfflineStoreConfig": copy.deepcopy(OFFLINE), "RoleArn": ROLE}
    request.update(extra)
    return {key: value for key, value in request.items() if value is not None}


def arn_of(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:feature-group/{name}"


def error_of(excinfo) -> tuple[str, str]:
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def refused(sagemaker_mock, call, **params) -> tuple[str, str]:
    """The error a call is refused with, having checked that it changed nothing."""
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    assert sagemaker_mock.snapshot() == before
    return error_of(excinfo)


def client_for(mock):
    return boto3.client("sagemaker", region_name=REGION, aws_access_key_id=ACCOUNT,
                        aws_secret_access_key="sagemock")


# -- what AWS fills in -------------------------------------------------------------------------------

def test_the_offline_store_gets_its_resolved_path_and_glue_table(sagemaker_client):
    """AWS's forms, from real answers: `<S3Uri>/<account>/sagemaker/<region>/offline-store/
    <name>-<creation epoch>/data` and the table `<name>_<creation epoch>` in sagemaker_featurestore."""
    with freeze_time("2023-04-27 21:04:17.926"):
        answer = sagemaker_client.create_feature_group(**group("feature-group-name-01"))
    assert answer["FeatureGroupArn"] == arn_of("feature-group-name-01")
    described = sagemaker_client.describe_feature_group(FeatureGroupName="feature-group-name-01")
    offline = described["OfflineStoreConfig"]
    assert offline["S3StorageConfig"] == {
        "S3Uri": "s3://features-bucket/store/",
        "ResolvedOutputS3Uri": f"s3://features-bucket/store/{ACCOUNT}/sagemaker/{REGION}/offline-store/"
                               "feature-group-name-01-1682629457/data"}
    assert offline["DataCatalogConfig"] == {"TableName": "feature-group-name-01_1682629457",
                                            "Catalog": "AwsDataCatalog", "Database": "sagemaker_featurestore"}
    assert offline["DisableGlueTableCreation"] is False
    assert described["OfflineStoreStatus"] == {"Status": "Active"}
    assert described["ThroughputConfig"] == {"ThroughputMode": "OnDemand"}
    assert described["FeatureGroupStatus"] == "Created"
    assert described["NextToken"] == ""
    assert "LastModifiedTime" not in described  # never updated
    assert described["CreationTime"] == dt.datetime(2023, 4, 27, 21, 4, 17, 926000, tzinfo=dt.timezone.utc)
    by_arn = sagemaker_client.describe_feature_group(FeatureGroupName=answer["FeatureGroupArn"])
    assert by_arn["FeatureDefinitions"] == FEATURES


def test_the_sdks_feature_processor_reads_what_it_reads(sagemaker_client):
    """sagemaker/feature_store/feature_processor/_input_loader.py reads these unconditionally."""
    sagemaker_client.create_feature_group(**group(OfflineStoreConfig={**OFFLINE, "TableFormat": "Iceberg"},
                                                  FeatureDefinitions=[FEATURES[0], {"FeatureName": "event_time",
                                                                                    "FeatureType": "String"}]))
    described = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert described["OfflineStoreConfig"]["S3StorageConfig"]["ResolvedOutputS3Uri"].endswith("/data")
    catalog = described["OfflineStoreConfig"]["DataCatalogConfig"]
    assert {catalog["Catalog"], catalog["Database"]} == {"AwsDataCatalog", "sagemaker_featurestore"}
    assert described["OfflineStoreConfig"]["TableFormat"] == "Iceberg"


def test_a_catalog_given_is_kept_and_none_is_made_when_glue_table_creation_is_disabled(sagemaker_client):
    given = {"TableName": "mine", "Catalog": "AwsDataCatalog", "Database": "db"}
    sagemaker_client.create_feature_group(**group("given", OfflineStoreConfig={**OFFLINE, "DataCatalogConfig": given}))
    sagemaker_client.create_feature_group(**group("none", OfflineStoreConfig={**OFFLINE,
                                                                              "DisableGlueTableCreation": True}))
    assert sagemaker_client.describe_feature_group(
        FeatureGroupName="given")["OfflineStoreConfig"]["DataCatalogConfig"] == given
    disabled = sagemaker_client.describe_feature_group(FeatureGroupName="none")["OfflineStoreConfig"]
    assert "DataCatalogConfig" not in disabled and disabled["DisableGlueTableCreation"] is True


def test_an_online_only_group_has_no_offline_store_status(sagemaker_client):
    sagemaker_client.create_feature_group(**group(OfflineStoreConfig=None, OnlineStoreConfig={
        "SecurityConfig": {"KmsKeyId": "key-1"}, "TtlDuration": {"Unit": "Days", "Value": 30}}))
    described = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert described["OnlineStoreConfig"] == {"SecurityConfig": {"KmsKeyId": "key-1"}, "EnableOnlineStore": False,
                                              "TtlDuration": {"Unit": "Days", "Value": 30}}
    assert "OfflineStoreStatus" not in described and "OfflineStoreConfig" not in described


def test_describe_refuses_a_token_it_never_issued(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_feature_group(**group())
    code, message = refused(sagemaker_mock, sagemaker_client.describe_feature_group, FeatureGroupName="customers",
                            NextToken="page-2")
    assert code == "ValidationException" and "pagination token" in message
    assert sagemaker_client.describe_feature_group(FeatureGroupName="customers", NextToken="")["FeatureGroupName"]


def test_duplicate_and_missing_names_answer_awss_errors(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_feature_group(**group())
    code, message = refused(sagemaker_mock, sagemaker_client.create_feature_group, **group())
    assert code == "ResourceInUse"
    assert message == ("Resource Already Exists: FeatureGroup with name customers already exists. Choose a different "
                       "name.\nInfo: Feature Group 'customers' already exists.")
    for call in (sagemaker_client.describe_feature_group, sagemaker_client.update_feature_group,
                 sagemaker_client.delete_feature_group):
        code, message = refused(sagemaker_mock, call, FeatureGroupName="orders")
        assert code == "ResourceNotFound"
        assert message == "Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name orders"


# -- the rules of a definition -------------------------------------------------------------------------

VECTOR = {"FeatureName": "embedding", "FeatureType": "Fractional", "CollectionType": "Vector",
          "CollectionConfig": {"VectorConfig": {"Dimension": 8}}}
IN_MEMORY = {"EnableOnlineStore": True, "StorageType": "InMemory"}


@pytest.mark.parametrize("extra, fragment", [
    ({"OfflineStoreConfig": None}, "at least one of OnlineStoreConfig and OfflineStoreConfig"),
    ({"FeatureDefinitions": [*FEATURES, {"FeatureName": "write_time", "FeatureType": "Fractional"}]},
     "write_time is a reserved feature name"),
    ({"FeatureDefinitions": [*FEATURES, {"FeatureName": "tenure", "FeatureType": "String"}]},
     "tenure is used more than once"),
    ({"RecordIdentifierFeatureName": "account_id"}, "RecordIdentifierFeatureName account_id must be one of"),
    ({"EventTimeFeatureName": "updated_at"}, "EventTimeFeatureName updated_at must be one of"),
    ({"EventTimeFeatureName": "tenure"}, "an EventTime can be a Fractional or String"),
    ({"OfflineStoreConfig": {**OFFLINE, "TableFormat": "Iceberg"}}, "you can only use String type for the event"),
    ({"OfflineStoreConfig": {**OFFLINE, "TableFormat": "Iceberg", "DisableGlueTableCreation": True}},
     "Iceberg table format is only supported when DisableGlueTableCreation is set to False"),
    ({"OnlineStoreConfig": IN_MEMORY}, "InMemory storage type does not support an offline store"),
    ({"FeatureDefinitions": [*FEATURES, {**VECTOR}]}, "Only InMemory online store feature groups support collection"),
    ({"OnlineStoreConfig": {"EnableOnlineStore": True, "TtlDuration": {"Unit": "Days"}}},
     "TtlDuration needs both its Unit and its Value"),
    ({"ThroughputConfig": {"ThroughputMode": "Provisioned", "ProvisionedReadCapacityUnits": 10,
                           "ProvisionedWriteCapacityUnits": 50_000}}, "exceeds the 40000 capacity units"),
])
def test_a_definition_aws_refuses_is_refused_and_changes_nothing(sagemaker_client, sagemaker_mock, extra, fragment):
    code, message = refused(sagemaker_mock, sagemaker_client.create_feature_group, **group(**extra))
    assert fragment in message
    assert code == ("ResourceLimitExceeded" if "capacity units" in fragment else "ValidationException")


@pytest.mark.parametrize("features, fragment", [
    ([{**VECTOR, "FeatureType": "Integral"}], "must have elements of the Fractional feature type"),
    ([{key: value for key, value in VECTOR.items() if key != "CollectionConfig"}], "needs CollectionConfig.VectorConfig"),
    ([VECTOR, {**VECTOR, "FeatureName": "embedding_2"}], "only have one Vector collection type"),
    ([{"FeatureName": "tags", "FeatureType": "String", "CollectionType": "List",
       "CollectionConfig": {"VectorConfig": {"Dimension": 2}}}], "VectorConfig is for Vector features only"),
    ([{"FeatureName": "event_time", "FeatureType": "Fractional", "CollectionType": "List"}],
     "is a List collection feature"),
])
def test_collection_types_follow_the_in_memory_rules(sagemaker_client, sagemaker_mock, features, fragment):
    definitions = [FEATURES[0], *features] if features[0]["FeatureName"] == "event_time" else [*FEATURES, *features]
    code, message = refused(sagemaker_mock, sagemaker_client.create_feature_group,
                            **group(OfflineStoreConfig=None, OnlineStoreConfig=IN_MEMORY,
                                    FeatureDefinitions=definitions))
    assert code == "ValidationException" and fragment in message


def test_an_in_memory_group_takes_collections_and_one_vector(sagemaker_client):
    features = [*FEATURES, VECTOR, {"FeatureName": "labels", "FeatureType": "String", "CollectionType": "Set"}]
    sagemaker_client.create_feature_group(**group(OfflineStoreConfig=None, OnlineStoreConfig=IN_MEMORY,
                                                  FeatureDefinitions=features))
    assert sagemaker_client.describe_feature_group(FeatureGroupName="customers")["FeatureDefinitions"] == features


def test_provisioned_throughput_needs_a_standard_or_no_online_store(sagemaker_client, sagemaker_mock):
    provisioned = {"ThroughputMode": "Provisioned", "ProvisionedReadCapacityUnits": 100,
                   "ProvisionedWriteCapacityUnits": 200}
    code, message = refused(sagemaker_mock, sagemaker_client.create_feature_group,
                            **group(OfflineStoreConfig=None, OnlineStoreConfig=IN_MEMORY, ThroughputConfig=provisioned))
    assert "PROVISIONED throughput mode is supported only" in message
    sagemaker_client.create_feature_group(**group(ThroughputConfig=provisioned))
    assert sagemaker_client.describe_feature_group(FeatureGroupName="customers")["ThroughputConfig"] == provisioned


def test_capacity_across_the_regions_groups_is_bounded(sagemaker_client, sagemaker_mock):
    for index in range(2):
        sagemaker_client.create_feature_group(**group(f"group-{index}", ThroughputConfig={
            "ThroughputMode": "Provisioned", "ProvisionedReadCapacityUnits": 40_000}))
    code, message = refused(sagemaker_mock, sagemaker_client.create_feature_group, **group("group-2", ThroughputConfig={
        "ThroughputMode": "Provisioned", "ProvisionedReadCapacityUnits": 1}))
    assert code == "ResourceLimitExceeded" and "80000" in message


# -- the group's status machine ---------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_creating_then_created_with_the_glue_table_once_created(sagemaker_client):
    sagemaker_client.create_feature_group(**group())
    creating = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert creating["FeatureGroupStatus"] == "Creating"
    assert "DataCatalogConfig" not in creating["OfflineStoreConfig"]
    assert creating["OfflineStoreConfig"]["S3StorageConfig"]["ResolvedOutputS3Uri"]  # known at once
    created = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert created["FeatureGroupStatus"] == "Created"
    assert created["OfflineStoreConfig"]["DataCatalogConfig"]["Database"] == "sagemaker_featurestore"


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_at_most_four_groups_are_created_at_once(sagemaker_client, sagemaker_mock):
    for index in range(4):
        sagemaker_client.create_feature_group(**group(f"group-{index}"))
    code, message = refused(sagemaker_mock, sagemaker_client.create_feature_group, **group("group-4"))
    assert code == "ResourceLimitExceeded"
    assert message.startswith("The account-level service limit 'Maximum number of feature group creation workflows "
                              "executing in parallel' is 4 FeatureGroups, with current utilization of 4 FeatureGroups")
    for _ in range(2):  # one read sees Creating, the next Created
        sagemaker_client.describe_feature_group(FeatureGroupName="group-0")
    sagemaker_client.create_feature_group(**group("group-4"))


def test_a_failed_creation_keeps_its_reason_and_can_be_deleted(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("feature-group", "The S3 bucket is not accessible.", name="customers")
    sagemaker_client.create_feature_group(**group())
    described = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert described["FeatureGroupStatus"] == "CreateFailed"
    assert described["FailureReason"] == "The S3 bucket is not accessible."
    assert "DataCatalogConfig" not in described["OfflineStoreConfig"] and "OfflineStoreStatus" not in described
    sagemaker_client.delete_feature_group(FeatureGroupName="customers")
    with pytest.raises(ClientError):
        sagemaker_client.describe_feature_group(FeatureGroupName="customers")


def test_delete_is_refused_while_creating_and_retried_after_a_failure(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_feature_group(**group())
    sagemaker_mock.set_status(arn_of("customers"), "Creating")
    code, message = refused(sagemaker_mock, sagemaker_client.delete_feature_group, FeatureGroupName="customers")
    assert code == "ValidationException" and "is in status Creating" in message
    sagemaker_mock.set_status(arn_of("customers"), "Created")
    sagemaker_mock.fail_next("feature-group", "Could not delete the Glue table.")
    sagemaker_client.delete_feature_group(FeatureGroupName="customers")
    failed = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert (failed["FeatureGroupStatus"], failed["FailureReason"]) == ("DeleteFailed", "Could not delete the Glue table.")
    sagemaker_client.delete_feature_group(FeatureGroupName="customers")
    assert sagemaker_client.list_feature_groups()["FeatureGroupSummaries"] == []


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_deleted_group_is_deleting_then_gone_with_its_tags(sagemaker_client):
    sagemaker_client.create_feature_group(**group(Tags=[{"Key": "team", "Value": "growth"}]))
    sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert sagemaker_client.list_tags(ResourceArn=arn_of("customers"))["Tags"] == [{"Key": "team", "Value": "growth"}]
    sagemaker_client.delete_feature_group(FeatureGroupName="customers")
    assert sagemaker_client.describe_feature_group(FeatureGroupName="customers")["FeatureGroupStatus"] == "Deleting"
    with pytest.raises(ClientError) as excinfo:
        sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert error_of(excinfo)[0] == "ResourceNotFound"
    with pytest.raises(ClientError):
        sagemaker_client.list_tags(ResourceArn=arn_of("customers"))


# -- UpdateFeatureGroup and LastUpdateStatus ------------------------------------------------------------------

def test_features_added_are_described_with_their_metadata(sagemaker_client):
    with freeze_time("2024-01-01"):
        sagemaker_client.create_feature_group(**group())
    with freeze_time("2024-02-01"):
        sagemaker_client.update_feature_group(FeatureGroupName="customers", FeatureAdditions=[
            {"FeatureName": "plan", "FeatureType": "String"}])
    described = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert described["FeatureDefinitions"] == [*FEATURES, {"FeatureName": "plan", "FeatureType": "String"}]
    assert described["LastUpdateStatus"] == {"Status": "Successful"}
    assert described["LastModifiedTime"] == dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    metadata = sagemaker_client.describe_feature_metadata(FeatureGroupName="customers", FeatureName="plan")
    assert metadata["CreationTime"] == dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    assert metadata["FeatureType"] == "String" and metadata["Parameters"] == []


@pytest.mark.parametrize("params, code, fragment", [
    ({"FeatureAdditions": [{"FeatureName": "tenure", "FeatureType": "Integral"}]}, "ValidationException",
     "tenure is used more than once"),
    ({"FeatureAdditions": [{"FeatureName": "is_deleted", "FeatureType": "String"}]}, "ValidationException",
     "is_deleted is a reserved feature name"),
    ({"FeatureAdditions": [{"FeatureName": "plan", "FeatureType": "String"}],
      "OnlineStoreConfig": {"TtlDuration": {"Unit": "Days", "Value": 1}}}, "ValidationException",
     "Use one of FeatureAdditions and OnlineStoreConfig at a time"),
    pytest.param({"OnlineStoreConfig": {"StorageType": "Standard_V2"}}, "ValidationException", "has no online store",
                 marks=requires_storage_migration),
    ({"ThroughputConfig": {"ThroughputMode": "Provisioned", "ProvisionedReadCapacityUnits": 40_001}},
     "ResourceLimitExceeded", "exceeds the 40000 capacity units"),
])
def test_an_update_aws_refuses_is_refused_and_changes_nothing(sagemaker_client, sagemaker_mock, params, code,
                                                              fragment):
    sagemaker_client.create_feature_group(**group())
    got, message = refused(sagemaker_mock, sagemaker_client.update_feature_group, FeatureGroupName="customers",
                           **params)
    assert got == code and fragment in message


def test_a_group_holds_at_most_the_models_number_of_features(sagemaker_client, sagemaker_mock):
    many = [*FEATURES, *({"FeatureName": f"f{index}", "FeatureType": "Integral"} for index in range(2497))]
    sagemaker_client.create_feature_group(**group(FeatureDefinitions=many))
    code, message = refused(sagemaker_mock, sagemaker_client.update_feature_group, FeatureGroupName="customers",
                            FeatureAdditions=[{"FeatureName": "one_more", "FeatureType": "String"}])
    assert code == "ResourceLimitExceeded" and "at most 2500 feature definitions" in message


def test_only_a_created_group_is_updated(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_feature_group(**group())
    sagemaker_mock.set_status(arn_of("customers"), "CreateFailed")
    code, message = refused(sagemaker_mock, sagemaker_client.update_feature_group, FeatureGroupName="customers",
                            FeatureAdditions=[{"FeatureName": "plan", "FeatureType": "String"}])
    assert "cannot be updated while it is CreateFailed" in message


def test_a_failed_update_changes_no_feature(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_feature_group(**group())
    sagemaker_mock.fail_next("feature-group/update", "Throughput update failed.", name="customers")
    sagemaker_client.update_feature_group(FeatureGroupName="customers", FeatureAdditions=[
        {"FeatureName": "plan", "FeatureType": "String"}])
    described = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert described["LastUpdateStatus"] == {"Status": "Failed", "FailureReason": "Throughput update failed."}
    assert described["FeatureDefinitions"] == FEATURES
    with pytest.raises(ClientError):
        sagemaker_client.describe_feature_metadata(FeatureGroupName="customers", FeatureName="plan")
    sagemaker_client.update_feature_group(FeatureGroupName="customers", FeatureAdditions=[
        {"FeatureName": "plan", "FeatureType": "String"}])  # a retry succeeds
    assert sagemaker_client.describe_feature_group(FeatureGroupName="customers")["LastUpdateStatus"] == {
        "Status": "Successful"}


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_an_update_is_in_progress_until_read_and_refuses_another(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_feature_group(**group())
    sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    sagemaker_client.describe_feature_group(FeatureGroupName="customers")  # Created
    sagemaker_client.update_feature_group(FeatureGroupName="customers", ThroughputConfig={
        "ThroughputMode": "Provisioned", "ProvisionedReadCapacityUnits": 5, "ProvisionedWriteCapacityUnits": 5})
    code, message = refused(sagemaker_mock, sagemaker_client.update_feature_group, FeatureGroupName="customers",
                            ThroughputConfig={"ThroughputMode": "OnDemand"})
    assert "another update is in progress" in message
    first = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert first["LastUpdateStatus"] == {"Status": "InProgress"}
    assert first["ThroughputConfig"] == {"ThroughputMode": "OnDemand"}  # not yet
    second = sagemaker_client.describe_feature_group(FeatureGroupName="customers")
    assert second["LastUpdateStatus"] == {"Status": "Successful"}
    assert second["ThroughputConfig"]["ThroughputMode"] == "Provisioned"


@requires_storage_migration
def test_the_online_store_ttl_is_set_and_removed_and_storage_migrates_one_way(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_feature_group(**group(OnlineStoreConfig={"EnableOnlineStore": True}))
    sagemaker_client.update_feature_group(FeatureGroupName="customers", OnlineStoreConfig={
        "TtlDuration": {"Unit": "Hours", "Value": 12}})
    online = sagemaker_client.describe_feature_group(FeatureGroupName="customers")["OnlineStoreConfig"]
    assert online["TtlDuration"] == {"Unit": "Hours", "Value": 12}
    # "To remove the default TtlDuration ... set the TtlDuration Unit and Value to null."
    sagemaker_client.update_feature_group(FeatureGroupName="customers", OnlineStoreConfig={"TtlDuration": {}})
    assert "TtlDuration" not in sagemaker_client.describe_feature_group(FeatureGroupName="customers")["OnlineStoreConfig"]
    sagemaker_client.update_feature_group(FeatureGroupName="customers", OnlineStoreConfig={"StorageType": "Standard_V2"})
    code, message = refused(sagemaker_mock, sagemaker_client.update_feature_group, FeatureGroupName="customers",
                            OnlineStoreConfig={"StorageType": "Standard"})
    assert "cannot be migrated from Standard_V2 to Standard" in message


def test_on_demand_once_in_24_hours(sagemaker_client, sagemaker_mock):
    provisioned = {"ThroughputMode": "Provisioned", "ProvisionedReadCapacityUnits": 10,
                   "ProvisionedWriteCapacityUnits": 10}
    with freeze_time("2024-03-01 00:00:00") as clock:
        sagemaker_client.create_feature_group(**group(ThroughputConfig=provisioned))
        sagemaker_client.update_feature_group(FeatureGroupName="customers", ThroughputConfig={"ThroughputMode": "OnDemand"})
        assert sagemaker_client.describe_feature_group(
            FeatureGroupName="customers")["ThroughputConfig"] == {"ThroughputMode": "OnDemand"}
        sagemaker_client.update_feature_group(FeatureGroupName="customers", ThroughputConfig=provisioned)
        clock.tick(dt.timedelta(hours=23))
        code, message = refused(sagemaker_mock, sagemaker_client.update_feature_group, FeatureGroupName="customers",
                                ThroughputConfig={"ThroughputMode": "OnDemand"})
        assert "only once in a 24 hour period" in message
        clock.tick(dt.timedelta(hours=1))
        sagemaker_client.update_feature_group(FeatureGroupName="customers", ThroughputConfig={"ThroughputMode": "OnDemand"})


# -- feature metadata --------------------------------------------------------------------------------------

def test_feature_metadata_is_described_and_updated(sagemaker_client):
    with freeze_time("2024-01-01"):
        sagemaker_client.create_feature_group(**group())
    initial = sagemaker_client.describe_feature_metadata(FeatureGroupName=arn_of("customers"), FeatureName="tenure")
    assert {key: initial[key] for key in ("FeatureGroupArn", "FeatureGroupName", "FeatureName", "FeatureType",
                                          "Parameters")} == {
        "FeatureGroupArn": arn_of("customers"), "FeatureGroupName": "customers", "FeatureName": "tenure",
        "FeatureType": "Integral", "Parameters": []}
    assert initial["CreationTime"] == initial["LastModifiedTime"] == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    with freeze_time("2024-01-02"):
        sagemaker_client.update_feature_metadata(FeatureGroupName="customers", FeatureName="tenure",
                                                 Description="Months as a customer", ParameterAdditions=[
                                                     {"Key": "unit", "Value": "months"}, {"Key": "owner", "Value": "x"}])
        sagemaker_client.update_feature_metadata(FeatureGroupName="customers", FeatureName="tenure",
                                                 ParameterRemovals=["owner", "never-set"],
                                                 ParameterAdditions=[{"Key": "unit", "Value": "days"}])
    updated = sagemaker_client.describe_feature_metadata(FeatureGroupName="customers", FeatureName="tenure")
    assert updated["Description"] == "Months as a customer"
    assert updated["Parameters"] == [{"Key": "unit", "Value": "days"}]
    assert updated["LastModifiedTime"] == dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc)
    assert updated["CreationTime"] == initial["CreationTime"]


def test_feature_metadata_refusals_change_nothing(sagemaker_client, sagemaker_mock):
    sagemaker_client.create_feature_group(**group())
    code, message = refused(sagemaker_mock, sagemaker_client.describe_feature_metadata, FeatureGroupName="customers",
                            FeatureName="plan")
    assert code == "ResourceNotFound" and "Feature with name plan" in message
    code, _ = refused(sagemaker_mock, sagemaker_client.update_feature_metadata, FeatureGroupName="orders",
                      FeatureName="tenure", Description="x")
    assert code == "ResourceNotFound"
    sagemaker_client.update_feature_metadata(FeatureGroupName="customers", FeatureName="tenure", ParameterAdditions=[
        {"Key": f"k{index}", "Value": "v"} for index in range(20)])
    code, message = refused(sagemaker_mock, sagemaker_client.update_feature_metadata, FeatureGroupName="customers",
                            FeatureName="tenure", Description="changed", ParameterAdditions=[
                                {"Key": f"more{index}", "Value": "v"} for index in range(6)])
    assert code == "ValidationException" and "at most 25 parameters" in message


# -- List and Search ------------------------------------------------------------------------------------------

def test_list_filters_and_sorts_by_the_offline_store_status(sagemaker_client, sagemaker_mock):
    for name in ("alpha", "beta", "gamma"):
        sagemaker_client.create_feature_group(**group(name))
    sagemaker_client.create_feature_group(**group("online-only", OfflineStoreConfig=None,
                                                  OnlineStoreConfig={"EnableOnlineStore": True}))
    blocked_search = {"Filters": [{"Name": "OfflineStoreStatus.Status", "Operator": "Equals", "Value": "Blocked"}]}
    assert sagemaker_client.search(Resource="FeatureGroup", SearchExpression=blocked_search)["Results"] == []
    sagemaker_mock.set_offline_store_status(arn_of("beta"), "Blocked", reason="Access denied to the S3 bucket.")
    found = sagemaker_client.search(Resource="FeatureGroup", SearchExpression=blocked_search)["Results"]
    assert [result["FeatureGroup"]["FeatureGroupName"] for result in found] == ["beta"]  # the cached view is stale
    blocked = sagemaker_client.list_feature_groups(OfflineStoreStatusEquals="Blocked")["FeatureGroupSummaries"]
    assert [(summary["FeatureGroupName"], summary["OfflineStoreStatus"]) for summary in blocked] == [
        ("beta", {"Status": "Blocked", "BlockedReason": "Access denied to the S3 bucket."})]
    ordered = sagemaker_client.list_feature_groups(SortBy="OfflineStoreStatus", SortOrder="Ascending")
    assert [summary["FeatureGroupName"] for summary in ordered["FeatureGroupSummaries"]] == [
        "online-only", "alpha", "gamma", "beta"]
    assert {summary["FeatureGroupName"] for summary in sagemaker_client.list_feature_groups(
        FeatureGroupStatusEquals="Created", NameContains="A")["FeatureGroupSummaries"]} == {"alpha", "beta", "gamma"}
    with pytest.raises(ValueError):
        sagemaker_mock.set_offline_store_status(arn_of("online-only"), "Blocked")
    with pytest.raises(ValueError):
        sagemaker_mock.set_offline_store_status(arn_of("alpha"), "Paused")


def test_search_finds_groups_and_feature_metadata(sagemaker_client):
    sagemaker_client.create_feature_group(**group(Tags=[{"Key": "domain", "Value": "churn"}]))
    sagemaker_client.create_feature_group(**group("orders", OfflineStoreConfig=None,
                                                  OnlineStoreConfig={"EnableOnlineStore": True}))
    found = sagemaker_client.search(Resource="FeatureGroup", SearchExpression={"Filters": [
        {"Name": "OfflineStoreConfig.DataCatalogConfig.Database", "Operator": "Equals",
         "Value": "sagemaker_featurestore"}]})["Results"]
    assert [result["FeatureGroup"]["FeatureGroupName"] for result in found] == ["customers"]
    assert found[0]["FeatureGroup"]["Tags"] == [{"Key": "domain", "Value": "churn"}]
    sagemaker_client.update_feature_metadata(FeatureGroupName="orders", FeatureName="tenure",
                                             ParameterAdditions=[{"Key": "pii", "Value": "no"}])
    metadata = sagemaker_client.search(Resource="FeatureMetadata", SearchExpression={"Filters": [
        {"Name": "FeatureName", "Operator": "Equals", "Value": "tenure"}]})["Results"]
    assert sorted(result["FeatureMetadata"]["FeatureGroupName"] for result in metadata) == ["customers", "orders"]
    sagemaker_client.delete_feature_group(FeatureGroupName="orders")
    after = sagemaker_client.search(Resource="FeatureMetadata")["Results"]
    assert {result["FeatureMetadata"]["FeatureGroupName"] for result in after} == {"customers"}


# -- concurrent clients ------------------------------------------------------------------------------------------

def test_concurrent_clients_lose_no_writes():
    with mock_sagemaker() as mock:
        clients = [client_for(mock) for _ in range(8)]
        clients[0].create_feature_group(**group())
        errors: list[BaseException] = []

        def work(index: int) -> None:
            try:
                clients[index].create_feature_group(**group(f"group-{index}"))
                clients[index].update_feature_metadata(FeatureGroupName="customers", FeatureName="tenure",
                                                       ParameterAdditions=[{"Key": f"k{index}", "Value": "v"}])
                clients[index].update_feature_group(FeatureGroupName=f"group-{index}", FeatureAdditions=[
                    {"FeatureName": f"extra_{index}", "FeatureType": "String"}])
            except BaseException as error:  # noqa: BLE001 (reported below)
                errors.append(error)

        threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        client = clients[0]
        assert len(client.list_feature_groups(MaxResults=100)["FeatureGroupSummaries"]) == 9
        parameters = client.describe_feature_metadata(FeatureGroupName="customers", FeatureName="tenure")["Parameters"]
        assert sorted(parameter["Key"] for parameter in parameters) == sorted(f"k{index}" for index in range(8))
        for index in range(8):
            names = [feature["FeatureName"] for feature in
                     client.describe_feature_group(FeatureGroupName=f"group-{index}")["FeatureDefinitions"]]
            assert names[-1] == f"extra_{index}"
