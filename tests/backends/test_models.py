"""Models through boto3: containers, model packages from the registry, names, lists, deletion."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.exceptions import ClientError

from sagemock.core import service

ACCOUNT = "123456789012"
REGION = "us-east-1"
MODEL_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/serve:latest"
MODEL_DATA = "s3://bucket/model.tar.gz"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
VPC = {"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123", "subnet-4567"]}


def create(client, name="model", container=None, **kwargs):
    if "Containers" not in kwargs and "PrimaryContainer" not in kwargs:
        kwargs["PrimaryContainer"] = container or {"Image": IMAGE, "ModelDataUrl": MODEL_DATA}
    return client.create_model(ModelName=name, **kwargs)["ModelArn"]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def names(client, **kwargs):
    return [model["ModelName"] for model in client.list_models(**kwargs)["Models"]]


def refused(client, fragment, **kwargs):
    """Create a model named "refused" expecting a ValidationException; nothing may be created."""
    with pytest.raises(ClientError) as err:
        client.create_model(ModelName="refused", **kwargs)
    code, message = error_of(err)
    assert code == "ValidationException"
    assert fragment in message
    assert "refused" not in names(client)
    return message


# -- CreateModel / DescribeModel -----------------------------------------------------------------

def test_create_then_describe_returns_what_was_given(sagemaker_client):
    container = {
        "ContainerHostname": "serve",
        "Image": IMAGE,
        "ImageConfig": {"RepositoryAccessMode": "Platform"},
        "Mode": "SingleModel",
        "ModelDataUrl": MODEL_DATA,
        "Environment": {"SAGEMAKER_PROGRAM": "inference.py", "LOG_LEVEL": "20"},
    }
    arn = create(sagemaker_client, "churn", container, ExecutionRoleArn=ROLE, VpcConfig=VPC,
                 EnableNetworkIsolation=True, Tags=[{"Key": "team", "Value": "ml"}])
    assert arn == MODEL_ARN + "churn"

    model = sagemaker_client.describe_model(ModelName="churn")
    assert model["ModelName"] == "churn"
    assert model["ModelArn"] == arn
    assert model["PrimaryContainer"] == container
    assert model["ExecutionRoleArn"] == ROLE
    assert model["VpcConfig"] == VPC
    assert model["EnableNetworkIsolation"] is True
    assert "Containers" not in model and "InferenceExecutionConfig" not in model
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_network_isolation_is_false_unless_asked(sagemaker_client):
    create(sagemaker_client, ExecutionRoleArn=ROLE)
    model = sagemaker_client.describe_model(ModelName="model")
    assert model["EnableNetworkIsolation"] is False
    assert "VpcConfig" not in model


@pytest.mark.skipif("ExecutionRoleArn" in service.operation("CreateModel").input_shape.required_members,
                    reason="the installed botocore model requires ExecutionRoleArn")
def test_execution_role_is_optional(sagemaker_client):
    create(sagemaker_client)
    assert "ExecutionRoleArn" not in sagemaker_client.describe_model(ModelName="model")


def test_arn_lower_cases_the_name_which_keeps_its_case(sagemaker_client):
    arn = create(sagemaker_client, "Churn-Model-V2")
    assert arn == MODEL_ARN + "churn-model-v2"
    model = sagemaker_client.describe_model(ModelName="churn-model-v2")
    assert (model["ModelName"], model["ModelArn"]) == ("Churn-Model-V2", arn)
    assert sagemaker_client.describe_model(ModelName="CHURN-MODEL-V2")["ModelArn"] == arn


def test_duplicate_name_regardless_of_case_keeps_the_first_model(sagemaker_client):
    create(sagemaker_client, "Churn", ExecutionRoleArn=ROLE)
    for name in ("Churn", "churn", "CHURN"):
        with pytest.raises(ClientError) as err:
            create(sagemaker_client, name, {"Image": "other:latest"}, Tags=[{"Key": "k", "Value": "v"}])
        assert error_of(err) == ("ValidationException", f'Cannot create already existing model "{MODEL_ARN}churn".')
    model = sagemaker_client.describe_model(ModelName="churn")
    assert (model["ModelName"], model["PrimaryContainer"]["Image"]) == ("Churn", IMAGE)
    assert names(sagemaker_client) == ["Churn"]
    assert sagemaker_client.list_tags(ResourceArn=MODEL_ARN + "churn")["Tags"] == []


def test_inference_pipeline_of_containers(sagemaker_client):
    containers = [
        {"ContainerHostname": "preprocess", "Image": IMAGE, "Environment": {"STEP": "1"}},
        {"ContainerHostname": "predict", "Image": IMAGE, "ModelDataUrl": MODEL_DATA},
    ]
    create(sagemaker_client, "pipeline", Containers=containers, InferenceExecutionConfig={"Mode": "Direct"},
           ExecutionRoleArn=ROLE)
    model = sagemaker_client.describe_model(ModelName="pipeline")
    assert model["Containers"] == containers
    assert model["InferenceExecutionConfig"] == {"Mode": "Direct"}
    assert "PrimaryContainer" not in model


def test_pipeline_without_hostnames_is_accepted(sagemaker_client):
    create(sagemaker_client, "serial", Containers=[{"Image": IMAGE}, {"Image": IMAGE}])
    assert len(sagemaker_client.describe_model(ModelName="serial")["Containers"]) == 2


def test_model_data_source_is_kept(sagemaker_client):
    source = {"S3DataSource": {"S3Uri": "s3://bucket/model/", "S3DataType": "S3Prefix", "CompressionType": "None",
                               "ModelAccessConfig": {"AcceptEula": True}}}
    create(sagemaker_client, container={"Image": IMAGE, "ModelDataSource": source})
    assert sagemaker_client.describe_model(ModelName="model")["PrimaryContainer"]["ModelDataSource"] == source


# -- the rules CreateModel states in prose -------------------------------------------------------

def test_primary_container_and_containers_are_exclusive(sagemaker_client):
    refused(sagemaker_client, "either PrimaryContainer or Containers, not both",
            PrimaryContainer={"Image": IMAGE}, Containers=[{"Image": IMAGE}])


def test_a_model_needs_a_container(sagemaker_client):
    refused(sagemaker_client, "specify PrimaryContainer or Containers")
    refused(sagemaker_client, "specify PrimaryContainer or Containers", Containers=[])


def test_a_container_needs_an_image_or_a_model_package(sagemaker_client):
    refused(sagemaker_client, "PrimaryContainer needs an Image or a ModelPackageName",
            PrimaryContainer={"ModelDataUrl": MODEL_DATA})
    refused(sagemaker_client, "Containers[1] needs an Image or a ModelPackageName",
            Containers=[{"Image": IMAGE}, {"Environment": {"A": "b"}}])


def test_pipeline_hostnames_are_all_or_none_and_unique(sagemaker_client):
    refused(sagemaker_client, "you must specify it for every container",
            Containers=[{"Image": IMAGE, "ContainerHostname": "first"}, {"Image": IMAGE}])
    refused(sagemaker_client, "ContainerHostname must be unique",
            Containers=[{"Image": IMAGE, "ContainerHostname": "same"}, {"Image": IMAGE, "ContainerHostname": "same"}])


def test_environment_of_all_containers_combined_is_at_most_32_kb(sagemaker_client):
    def env(prefix, size):
        """Variables of four-byte keys and values up to 1020 bytes (each value may hold 1024), `size` bytes in all."""
        variables, index = {}, 0
        while size > 0:
            value = min(size - 4, 1020)
            variables[f"{prefix}{index:03d}"] = "x" * value
            size -= 4 + value
            index += 1
        return variables

    half = 32 * 1024 // 2
    create(sagemaker_client, "fits", Containers=[{"Image": IMAGE, "Environment": env("A", half)},
                                                 {"Image": IMAGE, "Environment": env("B", half)}])
    message = refused(sagemaker_client, "at most 32768 bytes",
                      Containers=[{"Image": IMAGE, "Environment": env("A", half)},
                                  {"Image": IMAGE, "Environment": env("B", half + 4)}])
    assert message.endswith("these hold 32772.")
    refused(sagemaker_client, "at most 32768 bytes", PrimaryContainer={"Image": IMAGE, "Environment": env("C", 2 * half + 4)})


def test_multi_model_container_cannot_use_model_data_source(sagemaker_client):
    source = {"S3DataSource": {"S3Uri": "s3://bucket/models/", "S3DataType": "S3Prefix", "CompressionType": "None"}}
    refused(sagemaker_client, "ModelDataSource cannot be used with multi-model endpoints",
            PrimaryContainer={"Image": IMAGE, "Mode": "MultiModel", "ModelDataSource": source})
    create(sagemaker_client, "multi", {"Image": IMAGE, "Mode": "MultiModel", "ModelDataUrl": "s3://bucket/models/"})


def test_input_shape_is_enforced(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, "bad_name")
    code, message = error_of(err)
    assert code == "ValidationException" and "at 'modelName' failed to satisfy constraint" in message
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, ExecutionRoleArn="not-a-role-arn-at-all")
    assert "at 'executionRoleArn' failed to satisfy constraint" in error_of(err)[1]
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, container={"Image": IMAGE, "Mode": "ManyModels"})
    assert "at 'primaryContainer.mode' failed to satisfy constraint" in error_of(err)[1]
    assert names(sagemaker_client) == []


def test_reserved_tag_key_creates_nothing(sagemaker_client):
    refused(sagemaker_client, "reserved", PrimaryContainer={"Image": IMAGE}, Tags=[{"Key": "aws:team", "Value": "x"}])
    assert sagemaker_client.list_models()["Models"] == []


# -- containers from the model registry ----------------------------------------------------------

def _versioned_package(client, group="churn"):
    client.create_model_package_group(ModelPackageGroupName=group)
    spec = {"Containers": [{"Image": IMAGE, "ModelDataUrl": MODEL_DATA}], "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"]}
    return client.create_model_package(ModelPackageGroupName=group, InferenceSpecification=spec)["ModelPackageArn"]


def test_model_from_a_registry_model_package_version(sagemaker_client):
    package = _versioned_package(sagemaker_client)
    create(sagemaker_client, "from-registry", {"ModelPackageName": package}, ExecutionRoleArn=ROLE)
    model = sagemaker_client.describe_model(ModelName="from-registry")
    assert model["PrimaryContainer"] == {"ModelPackageName": package}


def test_model_from_an_unversioned_package_by_name(sagemaker_client):
    sagemaker_client.create_model_package(ModelPackageName="solo", InferenceSpecification={
        "Containers": [{"Image": IMAGE, "ModelDataUrl": MODEL_DATA}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"], "SupportedTransformInstanceTypes": ["ml.m5.large"],
        "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"]})
    create(sagemaker_client, "pipeline", Containers=[{"ModelPackageName": "solo"}, {"Image": IMAGE}])
    assert sagemaker_client.describe_model(ModelName="pipeline")["Containers"][0] == {"ModelPackageName": "solo"}


def test_model_package_must_exist(sagemaker_client):
    _versioned_package(sagemaker_client)
    missing = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/churn/2"
    message = refused(sagemaker_client, "does not exist", PrimaryContainer={"ModelPackageName": missing})
    assert message == f"ModelPackage {missing} does not exist."
    message = refused(sagemaker_client, "does not exist", Containers=[{"Image": IMAGE}, {"ModelPackageName": "nope"}])
    assert message == f"ModelPackage arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/nope does not exist."


def test_deleted_model_package_cannot_be_used(sagemaker_client):
    package = _versioned_package(sagemaker_client)
    sagemaker_client.delete_model_package(ModelPackageName=package)
    refused(sagemaker_client, f"ModelPackage {package} does not exist.", PrimaryContainer={"ModelPackageName": package})


def test_model_package_of_another_region_is_refused(sagemaker_client):
    other = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package/churn/1"
    refused(sagemaker_client, "ARN should be scoped to correct region: us-east-1",
            PrimaryContainer={"ModelPackageName": other})


def test_model_package_of_another_account_is_taken_on_trust(sagemaker_client):
    marketplace = "arn:aws:sagemaker:us-east-1:865070037744:model-package/vendor-model-abc123"
    create(sagemaker_client, "subscribed", {"ModelPackageName": marketplace}, EnableNetworkIsolation=True)
    assert sagemaker_client.describe_model(ModelName="subscribed")["PrimaryContainer"]["ModelPackageName"] == marketplace


# -- DescribeModel / DeleteModel -----------------------------------------------------------------

@pytest.mark.parametrize("operation", ["describe_model", "delete_model"])
def test_missing_model(sagemaker_client, operation):
    create(sagemaker_client, "present")
    with pytest.raises(ClientError) as err:
        getattr(sagemaker_client, operation)(ModelName="Absent")
    assert error_of(err) == ("ValidationException", f'Could not find model "{MODEL_ARN}absent".')
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert names(sagemaker_client) == ["present"]


def test_delete_removes_the_model_and_its_tags(sagemaker_client):
    arn = create(sagemaker_client, "Temp", Tags=[{"Key": "stage", "Value": "dev"}])
    create(sagemaker_client, "kept")
    assert sagemaker_client.delete_model(ModelName="TEMP")["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert names(sagemaker_client) == ["kept"]
    with pytest.raises(ClientError) as err:
        sagemaker_client.describe_model(ModelName="Temp")
    assert error_of(err)[1] == f'Could not find model "{arn}".'
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_tags(ResourceArn=arn)
    assert error_of(err)[0] == "ValidationException"
    assert create(sagemaker_client, "temp", {"Image": "new:1"}) == arn  # the name is free again
    assert sagemaker_client.describe_model(ModelName="temp")["PrimaryContainer"] == {"Image": "new:1"}
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == []


def test_models_are_per_account_and_region(sagemaker_client):
    create(sagemaker_client, "mine")
    other_account = boto3.client("sagemaker", region_name=REGION, aws_access_key_id="210987654321",
                                 aws_secret_access_key="sagemock")
    other_region = boto3.client("sagemaker", region_name="eu-west-1", aws_access_key_id=ACCOUNT,
                                aws_secret_access_key="sagemock")
    for client in (other_account, other_region):
        assert client.list_models()["Models"] == []
        with pytest.raises(ClientError):
            client.describe_model(ModelName="mine")
    assert create(other_region, "mine") == f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model/mine"


# -- ListModels ----------------------------------------------------------------------------------

@pytest.fixture
def five_models(sagemaker_client, sagemaker_mock):
    """Models created two seconds apart, in this order."""
    created = ["beta", "Alpha", "gamma-churn", "delta", "churn-epsilon"]
    for name in created:
        create(sagemaker_client, name)
        sagemaker_mock.advance(2)
    return created


def test_list_defaults_to_newest_first(sagemaker_client, five_models):
    listed = sagemaker_client.list_models()["Models"]
    assert [m["ModelName"] for m in listed] == five_models[::-1]
    assert set(listed[0]) == {"ModelName", "ModelArn", "CreationTime"}
    assert listed[0]["ModelArn"] == MODEL_ARN + "churn-epsilon"


def test_list_sort(sagemaker_client, five_models):
    assert names(sagemaker_client, SortOrder="Ascending") == five_models
    assert names(sagemaker_client, SortBy="Name", SortOrder="Ascending") == [
        "Alpha", "beta", "churn-epsilon", "delta", "gamma-churn"]
    assert names(sagemaker_client, SortBy="Name") == ["gamma-churn", "delta", "churn-epsilon", "beta", "Alpha"]


def test_list_name_contains(sagemaker_client, five_models):
    assert names(sagemaker_client, NameContains="churn", SortOrder="Ascending") == ["gamma-churn", "churn-epsilon"]
    assert names(sagemaker_client, NameContains="alpha") == ["Alpha"]
    assert names(sagemaker_client, NameContains="zzz") == []


def test_list_creation_time_window(sagemaker_client, five_models):
    # Bounds fall between creations: whether a bound equal to a CreationTime includes it is left open here
    # (the model documents CreationTimeAfter as "greater than or equal to", the core filters strictly).
    half = dt.timedelta(seconds=1)  # between creations, in whole seconds (older botocore drops fractions)
    times = [sagemaker_client.describe_model(ModelName=name)["CreationTime"] for name in five_models]
    inside = names(sagemaker_client, CreationTimeAfter=times[0] + half, CreationTimeBefore=times[3] - half,
                   SortOrder="Ascending")
    assert inside == five_models[1:3]
    assert names(sagemaker_client, CreationTimeBefore=times[1] - half) == five_models[:1]
    assert names(sagemaker_client, CreationTimeAfter=times[4] + half) == []


def test_list_pages_with_the_paginator(sagemaker_client, five_models):
    paginator = sagemaker_client.get_paginator("list_models")
    pages = [[m["ModelName"] for m in page["Models"]]
             for page in paginator.paginate(SortOrder="Ascending", PaginationConfig={"PageSize": 2})]
    assert pages == [five_models[0:2], five_models[2:4], five_models[4:]]
    first = sagemaker_client.list_models(MaxResults=3)
    assert len(first["Models"]) == 3 and first["NextToken"]
    rest = sagemaker_client.list_models(MaxResults=3, NextToken=first["NextToken"])
    assert [m["ModelName"] for m in first["Models"] + rest["Models"]] == five_models[::-1]
    assert "NextToken" not in rest


def test_list_max_results_is_bounded_by_the_model(sagemaker_client):
    limit = service.max_results_limit("ListModels")
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_models(MaxResults=limit + 1)
    assert error_of(err)[0] == "ValidationException" and "'maxResults'" in error_of(err)[1]
