"""The SageMaker Python SDK v2's FeatureGroup against sagemock, with moto serving S3 (and answering the
sagemaker-featurestore-runtime service, which sagemock does not intercept, with its 404)."""
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


def test_ingestion_goes_to_the_runtime_service_which_sagemock_does_not_serve(session):
    """PutRecord belongs to sagemaker-featurestore-runtime: moto (5.2) answers it 404 "Not yet
    implemented", so the SDK's ingest fails without reaching the network."""
    from sagemaker.feature_store.feature_group import IngestionError

    group = created(session, enable_online_store=True)
    with pytest.raises(IngestionError):
        group.ingest(data_frame=frame(), max_workers=1, wait=True)
