"""Endpoints through boto3: lifecycle, deployments, weights and capacities, lists, waiters, lineage, Search."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from botocore.exceptions import ClientError, WaiterError
from freezegun import freeze_time

from sagemock.core import service

ACCOUNT = "123456789012"
REGION = "us-east-1"
ENDPOINT_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/serve:latest"
OTHER_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/serve:v2"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
MODEL_DATA = "s3://bucket/train/output/model.tar.gz"
STATUSES = service.enum_values("EndpointStatus")


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def variant(name="AllTraffic", model="model", count=1, weight=None, **extra):
    found = {"VariantName": name, "ModelName": model, "InstanceType": "ml.m5.large", "InitialInstanceCount": count,
             **extra}
    if weight is not None:
        found["InitialVariantWeight"] = weight
    return found


def setup(client, config="config", variants=None, model="model", image=IMAGE, **kwargs):
    """A model (unless it exists) and an endpoint configuration serving it."""
    if model not in [m["ModelName"] for m in client.list_models()["Models"]]:
        client.create_model(ModelName=model, ExecutionRoleArn=ROLE,
                            PrimaryContainer={"Image": image, "ModelDataUrl": MODEL_DATA})
    client.create_endpoint_config(EndpointConfigName=config, ProductionVariants=variants or [variant(model=model)],
                                  **kwargs)


def create(client, name="ep", config="config", **kwargs):
    return client.create_endpoint(EndpointName=name, EndpointConfigName=config, **kwargs)["EndpointArn"]


def describe(client, name="ep"):
    document = client.describe_endpoint(EndpointName=name)
    document.pop("ResponseMetadata")
    return document


def status(client, name="ep"):
    return client.describe_endpoint(EndpointName=name)["EndpointStatus"]


def names(client, **kwargs):
    return [item["EndpointName"] for item in client.list_endpoints(**kwargs)["Endpoints"]]


@pytest.fixture
def client(sagemaker_client):
    setup(sagemaker_client)
    return sagemaker_client


# -- CreateEndpoint / DescribeEndpoint -------------------------------------------------------------

def test_create_then_describe_an_endpoint_in_service(client):
    arn = create(client, "My-Endpoint", Tags=[{"Key": "team", "Value": "ml"}])
    # The ARN keeps the name's case (ListEndpoints output of 2024: `endpoint/DEMO-endpoint-2024-...`); AWS
    # lower-cased it before its late-2022 change.
    assert arn == ENDPOINT_ARN + "My-Endpoint"
    endpoint = describe(client, "My-Endpoint")
    assert endpoint["EndpointName"] == "My-Endpoint" and endpoint["EndpointArn"] == arn
    assert endpoint["EndpointConfigName"] == "config"
    assert endpoint["EndpointStatus"] == "InService"
    assert isinstance(endpoint["CreationTime"], dt.datetime)
    assert endpoint["LastModifiedTime"] >= endpoint["CreationTime"]
    [production] = endpoint["ProductionVariants"]
    assert production["VariantName"] == "AllTraffic"
    assert (production["CurrentWeight"], production["DesiredWeight"]) == (1.0, 1.0)
    assert (production["CurrentInstanceCount"], production["DesiredInstanceCount"]) == (1, 1)
    assert "VariantStatus" not in production
    [image] = production["DeployedImages"]
    assert image["SpecifiedImage"] == IMAGE
    assert re.fullmatch(rf"{re.escape(IMAGE.rsplit(':', 1)[0])}@sha256:[0-9a-f]{{64}}", image["ResolvedImage"])
    assert isinstance(image["ResolutionTime"], dt.datetime)
    for absent in ("FailureReason", "PendingDeploymentSummary", "DataCaptureConfig", "ShadowProductionVariants",
                   "AsyncInferenceConfig", "ExplainerConfig", "LastDeploymentConfig"):
        assert absent not in endpoint
    assert client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_resolved_images_follow_the_seed(client, sagemaker_mock):
    sagemaker_mock.seed(7)
    create(client)
    first = describe(client)["ProductionVariants"][0]["DeployedImages"][0]["ResolvedImage"]
    sagemaker_mock.reset()
    setup(client)
    sagemaker_mock.seed(7)
    create(client)
    assert describe(client)["ProductionVariants"][0]["DeployedImages"][0]["ResolvedImage"] == first


def test_options_of_the_configuration_are_described(sagemaker_client):
    capture = {"InitialSamplingPercentage": 30, "DestinationS3Uri": "s3://bucket/capture",
               "CaptureOptions": [{"CaptureMode": "Input"}], "KmsKeyId": "key-1"}
    async_config = {"OutputConfig": {"S3OutputPath": "s3://bucket/async"}}
    setup(sagemaker_client, variants=[variant(weight=2.0), variant("B", count=3)], DataCaptureConfig=capture,
          AsyncInferenceConfig=async_config)
    create(sagemaker_client)
    endpoint = describe(sagemaker_client)
    assert endpoint["DataCaptureConfig"] == {"EnableCapture": True, "CaptureStatus": "Started",
                                             "CurrentSamplingPercentage": 30,
                                             "DestinationS3Uri": "s3://bucket/capture", "KmsKeyId": "key-1"}
    assert endpoint["AsyncInferenceConfig"] == async_config
    weights = [(v["VariantName"], v["CurrentWeight"], v["CurrentInstanceCount"]) for v in endpoint["ProductionVariants"]]
    assert weights == [("AllTraffic", 2.0, 1), ("B", 1.0, 3)]


def test_serverless_and_shadow_variants(sagemaker_client):
    serverless = {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    setup(sagemaker_client, variants=[{"VariantName": "AllTraffic", "ModelName": "model",
                                       "ServerlessConfig": serverless}])
    create(sagemaker_client)
    [production] = describe(sagemaker_client)["ProductionVariants"]
    assert production["CurrentServerlessConfig"] == serverless == production["DesiredServerlessConfig"]
    assert "CurrentInstanceCount" not in production

    setup(sagemaker_client, "shadowed", variants=[variant()], ShadowProductionVariants=[variant("Shadow")])
    create(sagemaker_client, "shadow-ep", "shadowed")
    [shadow] = describe(sagemaker_client, "shadow-ep")["ShadowProductionVariants"]
    assert shadow["VariantName"] == "Shadow" and shadow["CurrentInstanceCount"] == 1


def test_create_needs_an_existing_configuration(client):
    with pytest.raises(ClientError) as err:
        create(client, config="nope")
    assert error_of(err) == ("ValidationException",
                             f'Could not find endpoint configuration "arn:aws:sagemaker:{REGION}:{ACCOUNT}'
                             ':endpoint-config/nope".')
    assert names(client) == []


def test_duplicate_name_is_refused_and_keeps_the_first(client):
    arn = create(client, "ep")
    setup(client, "other")
    for name in ("ep", "EP"):
        with pytest.raises(ClientError) as err:
            create(client, name, "other")
        assert error_of(err) == ("ValidationException", f'Cannot create already existing endpoint "{arn}".')
    assert describe(client)["EndpointConfigName"] == "config"
    assert names(client) == ["ep"]


@pytest.mark.parametrize("call", [
    lambda c: c.describe_endpoint(EndpointName="nope"),
    lambda c: c.delete_endpoint(EndpointName="nope"),
    lambda c: c.update_endpoint(EndpointName="nope", EndpointConfigName="config"),
    lambda c: c.update_endpoint_weights_and_capacities(
        EndpointName="nope", DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredWeight": 1.0}]),
])
def test_a_missing_endpoint_is_a_validation_exception(client, call):
    with pytest.raises(ClientError) as err:
        call(client)
    assert error_of(err) == ("ValidationException", f'Could not find endpoint "{ENDPOINT_ARN}nope".')


def test_reserved_tag_key_creates_nothing(client):
    with pytest.raises(ClientError) as err:
        create(client, Tags=[{"Key": "aws:owner", "Value": "x"}])
    assert error_of(err)[0] == "ValidationException"
    assert names(client) == []


def test_deployment_config_is_the_last_deployment_config(client):
    config = {"BlueGreenUpdatePolicy": {"TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE",
                                                                        "WaitIntervalInSeconds": 60}}}
    create(client, DeploymentConfig=config)
    assert describe(client)["LastDeploymentConfig"] == config
    both = {**config, "RollingUpdatePolicy": {"MaximumBatchSize": {"Type": "INSTANCE_COUNT", "Value": 1},
                                              "WaitIntervalInSeconds": 60}}
    with pytest.raises(ClientError) as err:
        create(client, "two", DeploymentConfig=both)
    assert error_of(err)[0] == "ValidationException" and "not both" in error_of(err)[1]
    assert names(client) == ["ep"]


# -- the status machine ------------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_each_transition_is_observable_step_by_step(client):
    setup(client, "config-2", variants=[variant(count=2)])
    create(client)
    creating = describe(client)
    assert creating["EndpointStatus"] == "Creating"
    assert creating["ProductionVariants"][0]["VariantStatus"][0]["Status"] == "Creating"
    assert "CurrentWeight" not in creating["ProductionVariants"][0]
    pending = creating["PendingDeploymentSummary"]
    assert pending["EndpointConfigName"] == "config"
    assert pending["ProductionVariants"][0]["InstanceType"] == "ml.m5.large"
    in_service = describe(client)
    assert in_service["EndpointStatus"] == "InService" and "PendingDeploymentSummary" not in in_service
    assert in_service["ProductionVariants"][0]["CurrentInstanceCount"] == 1

    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-2")
    updating = describe(client)
    assert updating["EndpointStatus"] == "Updating"
    assert updating["EndpointConfigName"] == "config"  # the old configuration serves until the new one is in
    assert updating["PendingDeploymentSummary"]["EndpointConfigName"] == "config-2"
    assert updating["PendingDeploymentSummary"]["ProductionVariants"][0]["DesiredInstanceCount"] == 2
    updated = describe(client)
    assert (updated["EndpointStatus"], updated["EndpointConfigName"]) == ("InService", "config-2")
    assert updated["ProductionVariants"][0]["CurrentInstanceCount"] == 2

    client.update_endpoint_weights_and_capacities(
        EndpointName="ep", DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredWeight": 0.5,
                                                         "DesiredInstanceCount": 4}])
    rescaling = describe(client)
    [production] = rescaling["ProductionVariants"]
    assert rescaling["EndpointStatus"] == "Updating" and "PendingDeploymentSummary" not in rescaling
    assert (production["CurrentWeight"], production["DesiredWeight"]) == (1.0, 0.5)
    assert (production["CurrentInstanceCount"], production["DesiredInstanceCount"]) == (2, 4)
    assert production["VariantStatus"][0]["Status"] == "Updating"
    [production] = describe(client)["ProductionVariants"]
    assert (production["CurrentWeight"], production["CurrentInstanceCount"]) == (0.5, 4)

    client.delete_endpoint(EndpointName="ep")
    deleting = describe(client)
    assert deleting["EndpointStatus"] == "Deleting"
    assert deleting["ProductionVariants"][0]["VariantStatus"][0]["Status"] == "Deleting"
    with pytest.raises(ClientError) as err:
        describe(client)
    assert error_of(err) == ("ValidationException", f'Could not find endpoint "{ENDPOINT_ARN}ep".')
    assert names(client) == []


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_deleting_endpoint_still_holds_its_name(client):
    arn = create(client)
    assert [status(client) for _ in range(2)] == ["Creating", "InService"]
    client.delete_endpoint(EndpointName="ep")
    with pytest.raises(ClientError) as err:
        create(client)
    assert error_of(err) == ("ValidationException", f'Cannot create already existing endpoint "{arn}".')
    assert status(client) == "Deleting"
    with pytest.raises(ClientError):
        status(client)
    create(client)
    assert [status(client) for _ in range(2)] == ["Creating", "InService"]


def _into(client, mock, wanted):
    arn = create(client)
    mock.set_status(arn, wanted)
    assert status(client) == wanted
    return arn


ALLOWED = {
    "update": ("InService", "UpdateRollbackFailed"),
    "weights": ("InService",),
    "delete": ("OutOfService", "Creating", "Updating", "RollingBack", "InService", "Failed", "UpdateRollbackFailed"),
}
CALLS = {
    "update": lambda c: c.update_endpoint(EndpointName="ep", EndpointConfigName="config-2"),
    "weights": lambda c: c.update_endpoint_weights_and_capacities(
        EndpointName="ep", DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredWeight": 3.0}]),
    "delete": lambda c: c.delete_endpoint(EndpointName="ep"),
}


@pytest.mark.parametrize("operation", sorted(CALLS))
@pytest.mark.parametrize("current", STATUSES)
def test_each_operation_is_accepted_only_from_the_statuses_aws_accepts(client, sagemaker_mock, operation, current):
    setup(client, "config-2")
    arn = _into(client, sagemaker_mock, current)
    before = describe(client)
    if current in ALLOWED[operation]:
        CALLS[operation](client)
        if operation == "delete":
            with pytest.raises(ClientError):
                describe(client)
        else:
            assert status(client) == "InService"
        return
    with pytest.raises(ClientError) as err:
        CALLS[operation](client)
    code, message = error_of(err)
    verb = "delete" if operation == "delete" else "update"
    assert code == "ValidationException"
    if current in ("Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting"):
        assert message == f'Cannot {verb} in-progress endpoint "{arn}".'
    else:
        assert message.startswith(f'Cannot {verb} ') and arn in message
    assert describe(client) == before  # a refused call changes nothing


def test_a_planned_failure_fails_the_create(client, sagemaker_mock):
    sagemaker_mock.fail_next("endpoint", reason="The primary container for production variant AllTraffic did not "
                                                "pass the ping health check.")
    create(client)
    endpoint = describe(client)
    assert endpoint["EndpointStatus"] == "Failed"
    assert endpoint["FailureReason"].startswith("The primary container")
    assert "PendingDeploymentSummary" not in endpoint
    with pytest.raises(WaiterError) as err:
        client.get_waiter("endpoint_in_service").wait(EndpointName="ep")
    assert "Failed" in str(err.value)
    client.delete_endpoint(EndpointName="ep")  # a failed endpoint can be deleted
    assert names(client) == []


def test_a_named_failure_fails_only_its_endpoint(client, sagemaker_mock):
    sagemaker_mock.fail_next("endpoint", reason="capacity", name="second")
    create(client, "first")
    create(client, "second")
    assert status(client, "first") == "InService"
    assert describe(client, "second")["FailureReason"] == "capacity"


def test_last_modified_time_follows_every_change(client, sagemaker_mock):
    create(client)
    created = describe(client)
    sagemaker_mock.advance(90)
    client.update_endpoint_weights_and_capacities(
        EndpointName="ep", DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredWeight": 2.0}])
    after = describe(client)
    assert after["CreationTime"] == created["CreationTime"]
    assert (after["LastModifiedTime"] - created["LastModifiedTime"]).total_seconds() == pytest.approx(90, abs=1)


# -- waiters ---------------------------------------------------------------------------------------

def test_the_two_waiters_finish_without_sleeping(client):
    started = time.perf_counter()
    create(client)
    client.get_waiter("endpoint_in_service").wait(EndpointName="ep")
    assert time.perf_counter() - started < 1.0
    started = time.perf_counter()
    client.delete_endpoint(EndpointName="ep")
    client.get_waiter("endpoint_deleted").wait(EndpointName="ep")
    assert time.perf_counter() - started < 1.0


def test_waiter_after_an_update(client):
    setup(client, "config-2")
    create(client)
    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-2")
    started = time.perf_counter()
    client.get_waiter("endpoint_in_service").wait(EndpointName="ep")
    assert time.perf_counter() - started < 1.0
    assert describe(client)["EndpointConfigName"] == "config-2"


# -- UpdateEndpoint ----------------------------------------------------------------------------------

def test_update_deploys_the_new_configuration(client):
    client.create_model(ModelName="model-2", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": OTHER_IMAGE})
    setup(client, "config-2", variants=[variant("Blue", model="model-2", count=2)],
          ExplainerConfig={"ClarifyExplainerConfig": {"ShapConfig": {"ShapBaselineConfig": {"ShapBaseline": "1,2"}}}})
    create(client)
    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-2")
    endpoint = describe(client)
    assert endpoint["EndpointConfigName"] == "config-2"
    [blue] = endpoint["ProductionVariants"]
    assert blue["VariantName"] == "Blue" and blue["CurrentInstanceCount"] == 2
    assert blue["DeployedImages"][0]["SpecifiedImage"] == OTHER_IMAGE
    assert endpoint["ExplainerConfig"]["ClarifyExplainerConfig"]["ShapConfig"]["ShapBaselineConfig"] == {
        "ShapBaseline": "1,2"}


def test_update_can_retain_variant_properties(client):
    setup(client, "config-2", variants=[variant(count=5, weight=9.0)])
    create(client)
    client.update_endpoint_weights_and_capacities(
        EndpointName="ep", DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredWeight": 3.0,
                                                         "DesiredInstanceCount": 2}])
    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-2", RetainAllVariantProperties=True)
    [production] = describe(client)["ProductionVariants"]
    assert (production["CurrentWeight"], production["CurrentInstanceCount"]) == (3.0, 2)

    setup(client, "config-3", variants=[variant(count=7, weight=4.0)])
    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-3", RetainAllVariantProperties=True,
                           ExcludeRetainedVariantProperties=[{"VariantPropertyType": "DesiredInstanceCount"}])
    [production] = describe(client)["ProductionVariants"]
    assert (production["CurrentWeight"], production["CurrentInstanceCount"]) == (3.0, 7)

    setup(client, "config-4", variants=[variant(count=6, weight=5.0)])
    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-4")  # default: the new config's values
    [production] = describe(client)["ProductionVariants"]
    assert (production["CurrentWeight"], production["CurrentInstanceCount"]) == (5.0, 6)


def test_update_deployment_config_can_be_retained(client):
    policy = {"RollingUpdatePolicy": {"MaximumBatchSize": {"Type": "INSTANCE_COUNT", "Value": 1},
                                      "WaitIntervalInSeconds": 30}}
    create(client)
    for name in ("config-2", "config-3", "config-4"):
        setup(client, name)
    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-2", DeploymentConfig=policy)
    assert describe(client)["LastDeploymentConfig"] == policy
    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-3", RetainDeploymentConfig=True)
    assert describe(client)["LastDeploymentConfig"] == policy
    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-4")
    assert "LastDeploymentConfig" not in describe(client)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"EndpointConfigName": "config"}, "already uses"),
    ({"EndpointConfigName": "nope"}, "Could not find endpoint configuration"),
    ({"EndpointConfigName": "config-2", "RetainAllVariantProperties": True,
      "ExcludeRetainedVariantProperties": [{"VariantPropertyType": "DataCaptureConfig"}]}, "not currently supported"),
    ({"EndpointConfigName": "config-2", "RetainDeploymentConfig": True,
      "DeploymentConfig": {"AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "a"}]}}}, "cannot both"),
])
def test_update_refusals_change_nothing(client, kwargs, fragment):
    setup(client, "config-2")
    create(client)
    before = describe(client)
    with pytest.raises(ClientError) as err:
        client.update_endpoint(EndpointName="ep", **kwargs)
    code, message = error_of(err)
    assert code == "ValidationException" and fragment in message
    assert describe(client) == before


def test_excluded_properties_without_retain_all_are_ignored(client):
    """ExcludeRetainedVariantProperties applies "When you are updating endpoint resources with
    RetainAllVariantProperties ... set to true"; AWS states no refusal without it."""
    setup(client, "config-2")
    create(client)
    client.update_endpoint(EndpointName="ep", EndpointConfigName="config-2",
                           ExcludeRetainedVariantProperties=[{"VariantPropertyType": "DesiredWeight"}])
    assert describe(client)["EndpointConfigName"] == "config-2"


# -- UpdateEndpointWeightsAndCapacities ---------------------------------------------------------------

def test_a_weights_entry_that_asks_for_nothing_changes_nothing(client):
    """Only VariantName is required in DesiredWeightAndCapacity; AWS states no refusal of the rest missing."""
    create(client)
    before = describe(client)["ProductionVariants"]
    client.update_endpoint_weights_and_capacities(EndpointName="ep",
                                                  DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic"}])
    after = describe(client)
    assert after["EndpointStatus"] == "InService"
    assert [(v["CurrentWeight"], v["CurrentInstanceCount"]) for v in after["ProductionVariants"]] == \
        [(v["CurrentWeight"], v["CurrentInstanceCount"]) for v in before]


def test_weights_and_capacities_apply_to_the_named_variants(sagemaker_client):
    setup(sagemaker_client, variants=[variant("A"), variant("B", count=2)])
    create(sagemaker_client)
    arn = sagemaker_client.update_endpoint_weights_and_capacities(
        EndpointName="ep", DesiredWeightsAndCapacities=[{"VariantName": "B", "DesiredWeight": 0.0}])["EndpointArn"]
    assert arn == ENDPOINT_ARN + "ep"
    variants = {v["VariantName"]: v for v in describe(sagemaker_client)["ProductionVariants"]}
    assert (variants["A"]["CurrentWeight"], variants["B"]["CurrentWeight"]) == (1.0, 0.0)
    assert variants["B"]["CurrentInstanceCount"] == 2  # only the weight was asked for


@pytest.mark.parametrize(("desired", "fragment"), [
    ([{"VariantName": "Ghost", "DesiredWeight": 1.0}],
     'The variant name(s) "Ghost" is/are not present within endpoint configuration "config".'),
    ([{"VariantName": "AllTraffic", "DesiredWeight": 1.0}, {"VariantName": "AllTraffic", "DesiredWeight": 2.0}],
     'The variant name "AllTraffic" was non-unique within the request.'),
    ([{"VariantName": "AllTraffic", "DesiredWeight": 5.0}, {"VariantName": "Ghost", "DesiredWeight": 1.0}],
     "Ghost"),
])
def test_weights_refusals_change_nothing(client, desired, fragment):
    create(client)
    before = describe(client)
    with pytest.raises(ClientError) as err:
        client.update_endpoint_weights_and_capacities(EndpointName="ep", DesiredWeightsAndCapacities=desired)
    code, message = error_of(err)
    assert code == "ValidationException" and fragment in message
    assert describe(client) == before


def test_serverless_variants_take_no_instance_count(sagemaker_client):
    setup(sagemaker_client, variants=[{"VariantName": "AllTraffic", "ModelName": "model",
                                       "ServerlessConfig": {"MemorySizeInMB": 1024, "MaxConcurrency": 2}}])
    create(sagemaker_client)
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_endpoint_weights_and_capacities(
            EndpointName="ep", DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredInstanceCount": 2}])
    assert error_of(err)[0] == "ValidationException" and "serverless" in error_of(err)[1]
    assert describe(sagemaker_client) == before


# -- ListEndpoints -----------------------------------------------------------------------------------

def test_list_defaults_to_newest_first_with_summaries(client, sagemaker_mock):
    for name in ("a", "b", "c"):
        create(client, name)
        sagemaker_mock.advance(10)
    listed = client.list_endpoints()["Endpoints"]
    assert [item["EndpointName"] for item in listed] == ["c", "b", "a"]
    assert set(listed[0]) == {"EndpointName", "EndpointArn", "CreationTime", "LastModifiedTime", "EndpointStatus"}


@freeze_time("2024-05-01T00:00:00Z")  # whole seconds: botocore before 1.4x sends timestamps without fractions
def test_list_filters_and_sorts(client, sagemaker_mock):
    start = describe_time = None
    for name in ("alpha", "beta", "gamma"):
        create(client, name)
        if name == "alpha":
            start = client.describe_endpoint(EndpointName="alpha")["CreationTime"]
        sagemaker_mock.advance(60)
    describe_time = client.describe_endpoint(EndpointName="beta")["CreationTime"]
    sagemaker_mock.set_status(ENDPOINT_ARN + "gamma", "Failed")
    assert names(client, NameContains="AM") == ["gamma"]  # case-insensitive
    assert names(client, StatusEquals="Failed") == ["gamma"]
    assert names(client, StatusEquals="InService", SortBy="Name", SortOrder="Ascending") == ["alpha", "beta"]
    # CreationTimeAfter is "greater than or equal to"; CreationTimeBefore is strict.
    assert names(client, CreationTimeAfter=describe_time, SortOrder="Ascending") == ["beta", "gamma"]
    assert names(client, CreationTimeBefore=describe_time) == ["alpha"]
    assert names(client, CreationTimeAfter=start, CreationTimeBefore=describe_time) == ["alpha"]
    assert names(client, LastModifiedTimeAfter=describe_time, SortBy="Name") == ["gamma"]
    assert names(client, SortBy="Status", SortOrder="Ascending") == ["gamma", "alpha", "beta"]


def test_list_pages_with_the_botocore_paginator(client):
    for index in range(12):
        create(client, f"ep-{index:02d}")
    pages = list(client.get_paginator("list_endpoints").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(page["Endpoints"]) for page in pages] == [5, 5, 2]
    assert sorted(item["EndpointName"] for page in pages for item in page["Endpoints"]) == \
        [f"ep-{index:02d}" for index in range(12)]


# -- lineage ---------------------------------------------------------------------------------------

def test_a_deployment_records_its_lineage(client):
    arn = create(client)
    [context] = client.list_contexts(SourceUri=arn)["ContextSummaries"]
    assert context["ContextType"] == "Endpoint" and context["Source"]["SourceType"] == "ARN"
    [action] = client.list_associations(DestinationArn=context["ContextArn"])["AssociationSummaries"]
    assert action["SourceType"] == "ModelDeployment"
    inputs = client.list_associations(DestinationArn=action["SourceArn"])["AssociationSummaries"]
    assert sorted(item["SourceType"] for item in inputs) == ["Image", "Model"]
    model = client.list_artifacts(SourceUri=MODEL_DATA)["ArtifactSummaries"]
    assert [item["ArtifactType"] for item in model] == ["Model"]


def test_query_lineage_walks_from_the_endpoint_back_to_the_training_data(sagemaker_client):
    client = sagemaker_client
    # What a training job leaves (as the training family records it): data -> job -> model artifact.
    data = client.create_artifact(ArtifactType="DataSet", Source={"SourceUri": "s3://bucket/train/data"})["ArtifactArn"]
    output = client.create_artifact(ArtifactType="Model", Source={"SourceUri": MODEL_DATA})["ArtifactArn"]
    client.create_action(ActionName="training", ActionType="Training", Source={"SourceUri": "job"})
    training = client.describe_action(ActionName="training")["ActionArn"]
    client.add_association(SourceArn=data, DestinationArn=training)
    client.add_association(SourceArn=training, DestinationArn=output)
    setup(client)
    arn = create(client)
    assert [a["ArtifactArn"] for a in client.list_artifacts(SourceUri=MODEL_DATA)["ArtifactSummaries"]] == [output]
    [context] = client.list_contexts(SourceUri=arn)["ContextSummaries"]
    found = client.query_lineage(StartArns=[context["ContextArn"]], Direction="Ascendants",
                                 Filters={"LineageTypes": ["Artifact"]}, IncludeEdges=False)
    assert data in [vertex["Arn"] for vertex in found["Vertices"]]


def test_a_second_endpoint_reuses_the_model_artifacts(client):
    create(client, "one")
    create(client, "two")
    assert len(client.list_artifacts(SourceUri=MODEL_DATA)["ArtifactSummaries"]) == 1
    assert len(client.list_contexts(ContextType="Endpoint")["ContextSummaries"]) == 2


# -- Search ------------------------------------------------------------------------------------------

def test_search_endpoint_records_by_status_and_tags(client, sagemaker_mock):
    create(client, "tagged", Tags=[{"Key": "team", "Value": "ml"}])
    arn = create(client, "plain")
    sagemaker_mock.set_status(arn, "Failed", reason="boom")

    def search(*filters):
        results = client.search(Resource="Endpoint", SearchExpression={"Filters": list(filters)})["Results"]
        return [record["Endpoint"] for record in results]

    [record] = search({"Name": "Tags.team", "Operator": "Equals", "Value": "ml"})
    assert record["EndpointName"] == "tagged" and record["Tags"] == [{"Key": "team", "Value": "ml"}]
    assert record["EndpointStatus"] == "InService" and record["EndpointConfigName"] == "config"
    assert record["ProductionVariants"][0]["VariantName"] == "AllTraffic"
    [failed] = search({"Name": "EndpointStatus", "Value": "Failed"})
    assert failed["EndpointName"] == "plain" and failed["FailureReason"] == "boom"
    assert [r["EndpointName"] for r in search({"Name": "ProductionVariants.CurrentInstanceCount",
                                               "Operator": "GreaterThanOrEqualTo", "Value": "1"})] == ["plain", "tagged"]
    client.delete_endpoint(EndpointName="tagged")
    assert search({"Name": "Tags.team", "Value": "ml"}) == []
