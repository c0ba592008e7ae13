"""The SageMaker Python SDK v2's FeatureGroup and FeatureStore against sagemock, with moto serving S3:
the control plane, and records through the sagemaker-featurestore-runtime service (ingest, get_record,
batch_get_record, delete_record)."""
from __future__ import annotations

import time

import pytest

from tests.sdk_v2.conftest import ACCOUNT, REGION, ROLE


def frame():
    import pandas as pd

    data = pd.DataFrame({"customer_id": ["c-1", "c-2"], "tenure": [3, 14], "monthly_spend": [20.5, 71.0],
                         "event_time": [1_700_000_000.0, 1_700_000_100.0]})
    data["customer_id"] = data["customer_id"].astype("string")  # object columns are not inferred
    return data


def created(session, name: str = "customers", **options):
    """A FeatureGroup made as the SDK's documentation shows, waited for as its examples wait."""
    from sagemaker.feature_store.feature_group import FeatureGroup

    group = FeatureGroup(name=name, sagemaker_session=session)
    group.load_feature_definitions(data_frame=frame())
    group.create(s3_uri=f"s3://{session.default_bucket()}/feature-store", record_identifier_name="customer_id",
                 event_time_feature_name="event_time", role_arn=ROLE, **options)
    status = group.describe()["FeatureGroupStatus"]
    deadline = time.monotonic() + 5
    while status == "Creating" and time.monotonic() < deadline:
        time.sleep(0.01)
        status = group.describe()["FeatureGroupStatus"]
    assert status == "Created"
    return group


def test_create_wait_describe_and_the_offline_store_aws_resolves(session):
    group = created(session, enable_online_store=True, description="churn features",
                    tags=[{"Key": "team", "Value": "growth"}])
    described = group.describe()
    assert [feature["FeatureName"] for feature in described["FeatureDefinitions"]] == [
        "customer_id", "tenure", "monthly_spend", "event_time"]
    assert described["OnlineStoreConfig"] == {"EnableOnlineStore": True}
    storage = described["OfflineStoreConfig"]["S3StorageConfig"]
    assert storage["ResolvedOutputS3Uri"].startswith(
        f"s3://{session.default_bucket()}/feature-store/{ACCOUNT}/sagemaker/{REGION}/offline-store/customers-")
    assert group.list_tags() == [{"Key": "team", "Value": "growth"}]
    # What the SDK reads of the offline store: the Glue table (athena_query) and the S3 path (as_hive_ddl).
    query = group.athena_query()
    assert query.database == "sagemaker_featurestore" and query.table_name.startswith("customers_")
    assert f"LOCATION '{storage['ResolvedOutputS3Uri']}'" in group.as_hive_ddl()


def test_update_and_feature_metadata(session):
    from sagemaker.feature_store.feature_definition import StringFeatureDefinition
    from sagemaker.feature_store.inputs import FeatureParameter, OnlineStoreConfigUpdate, TtlDuration

    group = created(session, enable_online_store=True)
    group.update(feature_additions=[StringFeatureDefinition("plan")])
    described = group.describe()
    assert described["FeatureDefinitions"][-1] == {"FeatureName": "plan", "FeatureType": "String"}
    assert described["LastUpdateStatus"] == {"Status": "Successful"}
    group.update(online_store_config=OnlineStoreConfigUpdate(ttl_duration=TtlDuration(unit="Days", value=7)))
    assert group.describe()["OnlineStoreConfig"]["TtlDuration"] == {"Unit": "Days", "Value": 7}
    # The SDK sends empty ParameterAdditions and ParameterRemovals with a description alone.
    group.update_feature_metadata("plan", description="the customer's plan")
    group.update_feature_metadata("plan", parameter_additions=[FeatureParameter(key="source", value="crm")])
    metadata = group.describe_feature_metadata("plan")
    assert metadata["Description"] == "the customer's plan"
    assert group.list_parameters_for_feature_metadata("plan") == [{"Key": "source", "Value": "crm"}]


def test_delete_and_a_missing_group(session):
    from botocore.exceptions import ClientError

    group = created(session)
    group.delete()
    with pytest.raises(ClientError) as excinfo:
        group.describe()
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFound"


def test_ingest_then_get_record(session):
    """`FeatureGroup.ingest` puts a record per row (PutRecord, each value as a string); `get_record`
    reads the online store, `FeatureStore.batch_get_record` several groups' records at once."""
    from sagemaker.feature_store.feature_store import FeatureStore
    from sagemaker.feature_store.inputs import DeletionModeEnum, Identifier

    group = created(session, enable_online_store=True)
    manager = group.ingest(data_frame=frame(), max_workers=1, wait=True)
    assert manager.failed_rows == []
    assert group.get_record(record_identifier_value_as_string="c-2") == [
        {"FeatureName": "customer_id", "ValueAsString": "c-2"}, {"FeatureName": "tenure", "ValueAsString": "14"},
        {"FeatureName": "monthly_spend", "ValueAsString": "71.0"},
        {"FeatureName": "event_time", "ValueAsString": "1700000100.0"}]
    assert group.get_record(record_identifier_value_as_string="c-9") is None
    answer = FeatureStore(sagemaker_session=session).batch_get_record(identifiers=[
        Identifier(feature_group_name="customers", record_identifiers_value_as_string=["c-1", "c-2"],
                   feature_names=["tenure"])])
    assert [(found["RecordIdentifierValueAsString"], found["Record"]) for found in answer["Records"]] == [
        ("c-1", [{"FeatureName": "tenure", "ValueAsString": "3"}]),
        ("c-2", [{"FeatureName": "tenure", "ValueAsString": "14"}])]
    assert answer["Errors"] == [] and answer["UnprocessedIdentifiers"] == []
    group.delete_record(record_identifier_value_as_string="c-1", event_time="1700000500.0",
                        deletion_mode=DeletionModeEnum.HARD_DELETE)
    assert group.get_record(record_identifier_value_as_string="c-1") is None


def test_a_row_the_group_refuses_fails_the_ingestion(session):
    """A value that is not of its feature's type is refused (ValidationError): the SDK reports the row."""
    from sagemaker.feature_store.feature_group import IngestionError

    group = created(session, enable_online_store=True)
    rows = frame()
    rows["tenure"] = rows["tenure"].astype(float) + 0.5  # 3.5 is no Integral
    with pytest.raises(IngestionError) as excinfo:
        group.ingest(data_frame=rows, max_workers=1, wait=True)
    assert excinfo.value.failed_rows == [0, 1]
    assert group.get_record(record_identifier_value_as_string="c-1") is None
