"""The Service Catalog portfolio flag and the default resource catalog, per account and Region."""
from __future__ import annotations

import datetime as dt

import boto3


def test_the_portfolio_is_disabled_until_enabled_per_region(sagemaker_client):
    assert sagemaker_client.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Disabled"
    sagemaker_client.enable_sagemaker_servicecatalog_portfolio()
    assert sagemaker_client.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Enabled"
    other = boto3.client("sagemaker", region_name="eu-west-1")
    assert other.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Disabled"
    sagemaker_client.disable_sagemaker_servicecatalog_portfolio()
    assert sagemaker_client.get_sagemaker_servicecatalog_portfolio_status()["Status"] == "Disabled"


def test_the_default_feature_group_catalog_is_listed(sagemaker_client):
    sagemaker_client.create_feature_group(
        FeatureGroupName="customers", RecordIdentifierFeatureName="customer_id", EventTimeFeatureName="event_time",
        FeatureDefinitions=[{"FeatureName": "customer_id", "FeatureType": "String"},
                            {"FeatureName": "event_time", "FeatureType": "String"}],
        OnlineStoreConfig={"EnableOnlineStore": True})
    created = sagemaker_client.describe_feature_group(FeatureGroupName="customers")["CreationTime"]
    [catalog] = sagemaker_client.list_resource_catalogs()["ResourceCatalogs"]
    assert catalog["ResourceCatalogName"] == "DefaultFeatureGroupCatalog"
    assert catalog["ResourceCatalogArn"] == \
        "arn:aws:sagemaker:us-east-1:123456789012:sagemaker-catalog/DefaultFeatureGroupCatalog"
    assert catalog["CreationTime"] == created  # its first entity's (AWS's own is not published)
    assert sagemaker_client.list_resource_catalogs(NameContains="Default")["ResourceCatalogs"] == [catalog]
    assert sagemaker_client.list_resource_catalogs(NameContains="absent")["ResourceCatalogs"] == []
    second = dt.timedelta(seconds=1)  # (older botocore sends times to the second)
    assert sagemaker_client.list_resource_catalogs(CreationTimeAfter=created + second)["ResourceCatalogs"] == []
    assert sagemaker_client.list_resource_catalogs(CreationTimeBefore=created + second)["ResourceCatalogs"] == [catalog]
