"""Endpoint configurations through boto3: variants and the models they name, options, lists, deletion."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from sagemock.core import service
from tests.model_support import requires_member

ACCOUNT = "123456789012"
REGION = "us-east-1"
CONFIG_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint-config/"
MODEL_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/serve:latest"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def declared(shape_name: str, members: dict) -> dict:
    """The members the installed botocore model declares on a shape (newer ones are left out)."""
    known = service.shape(shape_name).members
    return {key: value for key, value in members.items() if key in known}


def variant(name="AllTraffic", model="model", **extra):
    return {"VariantName": name, "ModelName": model, "InstanceType": "ml.m5.large", "InitialInstanceCount": 1,
            **extra}


def serverless(name="AllTraffic", model="model", memory=2048, concurrency=5, **extra):
    return {"VariantName": name, "ModelName": model,
            "ServerlessConfig": {"MemorySizeInMB": memory, "MaxConcurrency": concurrency}, **extra}


def create(client, name="config", variants=None, **kwargs):
    return client.create_endpoint_config(EndpointConfigName=name, ProductionVariants=variants or [variant()],
                                         **kwargs)["EndpointConfigArn"]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def names(client, **kwargs):
    return [config["EndpointConfigName"] for config in client.list_endpoint_configs(**kwargs)["EndpointConfigs"]]


def refused(client, fragment, variants=None, **kwargs):
    """Create a configuration named "refused" expecting a ValidationException; nothing may be created."""
    before = names(client)
    with pytest.raises(ClientError) as err:
        create(client, "refused", variants, **kwargs)
    code, message = error_of(err)
    assert code == "ValidationException"
    assert fragment in message
    assert names(client) == before
    with pytest.raises(ClientError):
        client.describe_endpoint_config(EndpointConfigName="refused")
    return message


@pytest.fixture
def client(sagemaker_client):
    """A client whose account holds the models "model" and "other"."""
    for name in ("model", "other"):
        sagemaker_client.create_model(ModelName=name, PrimaryContainer={"Image": IMAGE}, ExecutionRoleArn=ROLE)
    return sagemaker_client


# -- CreateEndpointConfig / DescribeEndpointConfig -----------------------------------------------

def test_every_variant_field_is_kept(client):
    full = declared("ProductionVariant", {
        "VariantName": "primary",
        "ModelName": "model",
        "InitialInstanceCount": 2,
        "InstanceType": "ml.g5.2xlarge",
        "InitialVariantWeight": 0.75,
        "CoreDumpConfig": {"DestinationS3Uri": "s3://bucket/dumps", "KmsKeyId": "alias/dumps"},
        "VolumeSizeInGB": 128,
        "ModelDataDownloadTimeoutInSeconds": 1200,
        "ContainerStartupHealthCheckTimeoutInSeconds": 600,
        "EnableSSMAccess": True,
        "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
        "InferenceAmiVersion": "al2-ami-sagemaker-inference-gpu-2",
        "CapacityReservationConfig": {"CapacityReservationPreference": "capacity-reservations-only",
                                      "MlReservationArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:ml-reservation/r-1"},
    })
    accelerated = variant("accelerated", "other", InstanceType="ml.m5.xlarge", InitialVariantWeight=0.25,
                          AcceleratorType="ml.eia2.medium")
    arn = create(client, "full", [full, accelerated])
    assert arn == CONFIG_ARN + "full"

    config = client.describe_endpoint_config(EndpointConfigName="full")
    assert config["EndpointConfigName"] == "full"
    assert config["EndpointConfigArn"] == arn
    assert config["ProductionVariants"] == [full, accelerated]
    assert isinstance(config["CreationTime"], dt.datetime)
    for absent in ("DataCaptureConfig", "KmsKeyId", "AsyncInferenceConfig", "ExplainerConfig",
                   "ShadowProductionVariants", "ExecutionRoleArn", "VpcConfig", "EnableNetworkIsolation"):
        assert absent not in config


def test_configuration_options_are_kept(client):
    capture = {"EnableCapture": False, "InitialSamplingPercentage": 20, "DestinationS3Uri": "s3://bucket/capture",
               "KmsKeyId": "alias/capture", "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
               "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]}}
    asynchronous = {"ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
                    "OutputConfig": declared("AsyncInferenceOutputConfig", {
                        "KmsKeyId": "alias/async", "S3OutputPath": "s3://bucket/async-out",
                        "S3FailurePath": "s3://bucket/async-failures",
                        "NotificationConfig": {"SuccessTopic": f"arn:aws:sns:{REGION}:{ACCOUNT}:ok",
                                               "ErrorTopic": f"arn:aws:sns:{REGION}:{ACCOUNT}:ko"}})}
    vpc = {"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123"]}
    create(client, "options", DataCaptureConfig=capture, KmsKeyId=KEY, AsyncInferenceConfig=asynchronous,
           ExecutionRoleArn=ROLE, VpcConfig=vpc, EnableNetworkIsolation=True,
           Tags=[{"Key": "team", "Value": "ml"}])
    config = client.describe_endpoint_config(EndpointConfigName="options")
    assert config["DataCaptureConfig"] == capture
    assert config["KmsKeyId"] == KEY
    assert config["AsyncInferenceConfig"] == asynchronous
    assert (config["ExecutionRoleArn"], config["VpcConfig"], config["EnableNetworkIsolation"]) == (ROLE, vpc, True)
    assert client.list_tags(ResourceArn=CONFIG_ARN + "options")["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_documented_defaults_are_filled(client):
    capture = {"InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://bucket/capture",
               "CaptureOptions": [{"CaptureMode": "InputAndOutput"}]}
    create(client, variants=[variant("a"), variant("b", "other")], DataCaptureConfig=capture)
    config = client.describe_endpoint_config(EndpointConfigName="config")
    assert [v["InitialVariantWeight"] for v in config["ProductionVariants"]] == [1.0, 1.0]
    assert config["DataCaptureConfig"] == {**capture, "EnableCapture": True}


def test_kms_key_is_accepted_with_local_storage_instances(client):
    # The model's KmsKeyId documentation: with nitro-based instances that have local storage, the key
    # "does not encrypt instance local storage" -- it no longer says the call fails.
    create(client, variants=[variant(InstanceType="ml.m5d.large")], KmsKeyId="alias/endpoint")
    assert client.describe_endpoint_config(EndpointConfigName="config")["KmsKeyId"] == "alias/endpoint"


def test_explainer_config_is_kept(client):
    explainer = {"ClarifyExplainerConfig": {
        "EnableExplanations": "`true`",
        "InferenceConfig": {"FeatureHeaders": ["age", "income"], "FeatureTypes": ["numerical", "numerical"]},
        "ShapConfig": {"ShapBaselineConfig": {"MimeType": "text/csv", "ShapBaseline": "35,50000"},
                       "NumberOfSamples": 100, "UseLogit": False, "Seed": 7}}}
    create(client, ExplainerConfig=explainer)
    assert client.describe_endpoint_config(EndpointConfigName="config")["ExplainerConfig"] == explainer


def test_shap_baseline_is_inline_or_in_s3_not_both(client):
    def explainer(**baseline):
        return {"ClarifyExplainerConfig": {"ShapConfig": {"ShapBaselineConfig": baseline}}}

    refused(client, "exactly one of ShapBaseline and ShapBaselineUri",
            ExplainerConfig=explainer(ShapBaseline="1,2", ShapBaselineUri="s3://bucket/baseline.csv"))
    refused(client, "exactly one of ShapBaseline and ShapBaselineUri", ExplainerConfig=explainer(MimeType="text/csv"))
    create(client, ExplainerConfig=explainer(ShapBaselineUri="s3://bucket/baseline.csv"))


def test_arn_lower_cases_the_name_and_models_are_found_regardless_of_case(client):
    arn = create(client, "Prod-Config", [variant(model="MODEL")])
    assert arn == CONFIG_ARN + "prod-config"
    config = client.describe_endpoint_config(EndpointConfigName="PROD-CONFIG")
    assert (config["EndpointConfigName"], config["EndpointConfigArn"]) == ("Prod-Config", arn)
    assert config["ProductionVariants"][0]["ModelName"] == "MODEL"


def test_duplicate_name_regardless_of_case_keeps_the_first(client):
    create(client, "Prod", [variant(InstanceType="ml.c5.large")])
    for name in ("Prod", "prod", "PROD"):
        with pytest.raises(ClientError) as err:
            create(client, name, [variant(model="other")], Tags=[{"Key": "k", "Value": "v"}])
        assert error_of(err) == ("ValidationException",
                                 f'Cannot create already existing endpoint configuration "{CONFIG_ARN}prod".')
    config = client.describe_endpoint_config(EndpointConfigName="prod")
    assert config["ProductionVariants"][0]["InstanceType"] == "ml.c5.large"
    assert client.list_tags(ResourceArn=CONFIG_ARN + "prod")["Tags"] == []
    assert names(client) == ["Prod"]


# -- models named by variants --------------------------------------------------------------------

def test_variant_naming_a_missing_model(client):
    message = refused(client, "Could not find model", [variant(), variant("second", "Missing-Model")])
    assert message == f'Could not find model "{MODEL_ARN}missing-model".'


def test_deleted_model_cannot_be_named_but_configs_naming_it_stay(client):
    create(client, "before")
    client.delete_model(ModelName="model")
    refused(client, f'Could not find model "{MODEL_ARN}model".')
    assert client.describe_endpoint_config(EndpointConfigName="before")["ProductionVariants"][0]["ModelName"] == "model"


def test_shadow_variant_naming_a_missing_model(client):
    refused(client, f'Could not find model "{MODEL_ARN}ghost".', ShadowProductionVariants=[variant("shadow", "ghost")])


def test_instance_pool_model_override_must_exist(client):
    if "InstancePools" not in service.shape("ProductionVariant").members:
        pytest.skip("the installed botocore model has no InstancePools")
    pools = [{"InstanceType": "ml.g5.xlarge", "Priority": 1},
             {"InstanceType": "ml.g6.xlarge", "Priority": 2, "ModelNameOverride": "nowhere"}]
    refused(client, f'Could not find model "{MODEL_ARN}nowhere".',
            [{"VariantName": "pooled", "ModelName": "model", "InitialInstanceCount": 1, "InstancePools": pools}])
    pools[1]["ModelNameOverride"] = "other"
    create(client, variants=[{"VariantName": "pooled", "ModelName": "model", "InitialInstanceCount": 1,
                              "InstancePools": pools}])
    assert client.describe_endpoint_config(EndpointConfigName="config")["ProductionVariants"][0]["InstancePools"] \
        == pools


def test_variant_without_a_model_is_for_inference_components(client):
    component_host = {"VariantName": "AllTraffic", "InstanceType": "ml.g5.2xlarge", "InitialInstanceCount": 1,
                      "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 1, "MaxInstanceCount": 4},
                      "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}}
    create(client, "components", [component_host], ExecutionRoleArn=ROLE)
    described = client.describe_endpoint_config(EndpointConfigName="components")["ProductionVariants"][0]
    assert described == {**component_host, "InitialVariantWeight": 1.0}


def test_managed_instance_scaling_needs_an_inference_component_endpoint(client):
    scaling = {"Status": "ENABLED", "MinInstanceCount": 1, "MaxInstanceCount": 2}
    message = refused(client, "inference component", [variant(ManagedInstanceScaling=scaling)])
    assert message == "ManagedInstanceScaling is only supported for inference component endpoints."


def test_managed_instance_scaling_minimum_cannot_exceed_maximum(client):
    host = {"VariantName": "host", "InstanceType": "ml.g5.2xlarge", "InitialInstanceCount": 1,
            "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 5, "MaxInstanceCount": 2}}
    refused(client, "MinInstanceCount (5) cannot exceed MaxInstanceCount (2)", [host])


# -- variants: names, kinds, shadows -------------------------------------------------------------

def test_variant_names_are_unique(client):
    refused(client, "twin is used more than once", [variant("twin"), variant("twin", "other")])
    refused(client, "twin is used more than once", [variant("twin")],
            ShadowProductionVariants=[variant("twin", "other")])


def test_instance_based_variant_needs_type_and_count(client):
    refused(client, "needs an InstanceType", [{"VariantName": "v", "ModelName": "model", "InitialInstanceCount": 1}])
    refused(client, "needs an InitialInstanceCount",
            [{"VariantName": "v", "ModelName": "model", "InstanceType": "ml.m5.large"}])


def test_serverless_configuration(client):
    provisioned = serverless(memory=6144, concurrency=20)
    if "ProvisionedConcurrency" in service.shape("ProductionVariantServerlessConfig").members:
        provisioned["ServerlessConfig"]["ProvisionedConcurrency"] = 20
    create(client, "serverless", [provisioned])
    described = client.describe_endpoint_config(EndpointConfigName="serverless")["ProductionVariants"]
    assert described == [{**provisioned, "InitialVariantWeight": 1.0}]


@pytest.mark.parametrize("member, value", [("InstanceType", "ml.m5.large"), ("InitialInstanceCount", 1)])
def test_serverless_variant_has_no_instances(client, member, value):
    refused(client, f"cannot also specify {member}", [serverless(**{member: value})])


def test_serverless_memory_is_in_gigabyte_steps(client):
    refused(client, "MemorySizeInMB must be in 1 GB increments", [serverless(memory=1536)])


def test_provisioned_concurrency_is_at_most_the_maximum(client):
    if "ProvisionedConcurrency" not in service.shape("ProductionVariantServerlessConfig").members:
        pytest.skip("the installed botocore model has no ProvisionedConcurrency")
    too_many = serverless(concurrency=5)
    too_many["ServerlessConfig"]["ProvisionedConcurrency"] = 6
    refused(client, "ProvisionedConcurrency (6) must be less than or equal to MaxConcurrency (5)", [too_many])


def test_serverless_and_instance_variants_do_not_mix(client):
    refused(client, "either serverless or instance-based", [serverless("a"), variant("b", "other")])


def test_serverless_variant_cannot_host_a_model_data_source(client):
    source = {"S3DataSource": {"S3Uri": "s3://bucket/model/", "S3DataType": "S3Prefix", "CompressionType": "None"}}
    client.create_model(ModelName="uncompressed", PrimaryContainer={"Image": IMAGE, "ModelDataSource": source})
    refused(client, "uses ModelDataSource, which serverless endpoints do not support", [serverless(model="uncompressed")])
    create(client, "instances", [variant(model="uncompressed")])


def test_shadow_variant(client):
    shadow = variant("shadow", "other", InitialVariantWeight=0.5)
    create(client, "shadowed", [variant("production")], ShadowProductionVariants=[shadow])
    config = client.describe_endpoint_config(EndpointConfigName="shadowed")
    assert config["ShadowProductionVariants"] == [shadow]
    assert config["ProductionVariants"][0]["VariantName"] == "production"


def test_shadow_variants_take_one_production_and_one_shadow(client):
    rule = "only specify one variant for ProductionVariants and one variant for ShadowProductionVariants"
    refused(client, rule, [variant("a"), variant("b", "other")], ShadowProductionVariants=[variant("s")])
    refused(client, rule, [variant("a")], ShadowProductionVariants=[variant("s"), variant("t", "other")])


def test_prefix_aware_routing_settings_need_the_prefix_aware_strategy(client):
    if "PrefixAwareRoutingConfig" not in service.shape("ProductionVariantRoutingConfig").members:
        pytest.skip("the installed botocore model has no PrefixAwareRoutingConfig")
    prefix = {"PrefixLength": 2048}
    refused(client, "only when RoutingStrategy is PREFIX_AWARE",
            [variant(RoutingConfig={"RoutingStrategy": "RANDOM", "PrefixAwareRoutingConfig": prefix})])
    create(client, variants=[variant(RoutingConfig={"RoutingStrategy": "PREFIX_AWARE",
                                                    "PrefixAwareRoutingConfig": prefix})])


@requires_member("CreateEndpointConfig", "CrossRegionTrafficConfig")
def test_cross_region_traffic_cap_is_for_instance_endpoints_without_async(client):
    cap = {"MaxInvocationsPerSecondPerInstance": 100, "MaxCrossRegionPercentPerEndpoint": 50}
    rule = "CrossRegionTrafficConfig cannot be specified with serverless variants or with AsyncInferenceConfig"
    refused(client, rule, [serverless()], CrossRegionTrafficConfig=cap)
    refused(client, rule, CrossRegionTrafficConfig=cap,
            AsyncInferenceConfig={"OutputConfig": {"S3OutputPath": "s3://bucket/out"}})
    create(client, CrossRegionTrafficConfig=cap)
    assert client.describe_endpoint_config(EndpointConfigName="config")["CrossRegionTrafficConfig"] == cap


def test_input_shape_is_enforced(client):
    with pytest.raises(ClientError) as err:
        create(client, variants=[variant(InstanceType="ml.m5.gigantic")])
    code, message = error_of(err)
    assert code == "ValidationException"
    assert "at 'productionVariants.1.member.instanceType' failed to satisfy constraint" in message
    with pytest.raises(ClientError) as err:
        create(client, variants=[variant(str(i)) for i in range(11)])
    assert "at 'productionVariants' failed to satisfy constraint: Member must have length less than or equal to 10" \
        in error_of(err)[1]
    with pytest.raises(ClientError) as err:
        create(client, variants=[serverless(memory=8192)])  # botocore checks only minimums
    assert "at 'productionVariants.1.member.serverlessConfig.memorySizeInMB'" in error_of(err)[1]
    assert names(client) == []


def test_reserved_tag_key_creates_nothing(client):
    refused(client, "reserved", Tags=[{"Key": "aws:cost-center", "Value": "1"}])


# -- DescribeEndpointConfig / DeleteEndpointConfig -----------------------------------------------

@pytest.mark.parametrize("operation", ["describe_endpoint_config", "delete_endpoint_config"])
def test_missing_configuration(client, operation):
    create(client, "present")
    with pytest.raises(ClientError) as err:
        getattr(client, operation)(EndpointConfigName="Absent")
    assert error_of(err) == ("ValidationException", f'Could not find endpoint configuration "{CONFIG_ARN}absent".')
    assert names(client) == ["present"]


def test_delete_removes_the_configuration_and_its_tags(client):
    arn = create(client, "Temp", Tags=[{"Key": "stage", "Value": "dev"}])
    create(client, "kept")
    client.delete_endpoint_config(EndpointConfigName="temp")
    assert names(client) == ["kept"]
    with pytest.raises(ClientError) as err:
        client.describe_endpoint_config(EndpointConfigName="Temp")
    assert error_of(err)[1] == f'Could not find endpoint configuration "{arn}".'
    with pytest.raises(ClientError):
        client.list_tags(ResourceArn=arn)
    assert create(client, "temp", [variant(model="other")]) == arn
    assert client.describe_endpoint_config(EndpointConfigName="temp")["ProductionVariants"][0]["ModelName"] == "other"
    assert client.describe_model(ModelName="model")["ModelName"] == "model"  # deleting a config keeps its models


# -- ListEndpointConfigs -------------------------------------------------------------------------

@pytest.fixture
def five_configs(client, sagemaker_mock):
    created = ["beta", "Alpha", "gamma-prod", "delta", "prod-epsilon"]
    for name in created:
        create(client, name)
        sagemaker_mock.advance(2)
    return created


def test_list_defaults_to_newest_first(client, five_configs):
    listed = client.list_endpoint_configs()["EndpointConfigs"]
    assert [c["EndpointConfigName"] for c in listed] == five_configs[::-1]
    assert set(listed[0]) == {"EndpointConfigName", "EndpointConfigArn", "CreationTime"}


def test_list_sort_and_filters(client, five_configs):
    assert names(client, SortOrder="Ascending") == five_configs
    assert names(client, SortBy="Name", SortOrder="Ascending") == ["Alpha", "beta", "delta", "gamma-prod",
                                                                   "prod-epsilon"]
    assert names(client, NameContains="prod", SortBy="Name") == ["prod-epsilon", "gamma-prod"]
    half = dt.timedelta(seconds=1)  # between creations, in whole seconds (older botocore drops fractions)
    times = [client.describe_endpoint_config(EndpointConfigName=name)["CreationTime"] for name in five_configs]
    assert names(client, CreationTimeAfter=times[1] + half, CreationTimeBefore=times[4] - half,
                 SortOrder="Ascending") == five_configs[2:4]


def test_list_pages_with_the_paginator(client, five_configs):
    paginator = client.get_paginator("list_endpoint_configs")
    pages = [[c["EndpointConfigName"] for c in page["EndpointConfigs"]]
             for page in paginator.paginate(SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": 2})]
    assert pages == [["Alpha", "beta"], ["delta", "gamma-prod"], ["prod-epsilon"]]
    everything = paginator.paginate(PaginationConfig={"PageSize": 3}).build_full_result()
    assert [c["EndpointConfigName"] for c in everything["EndpointConfigs"]] == five_configs[::-1]
