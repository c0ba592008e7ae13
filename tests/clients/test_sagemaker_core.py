"""sagemaker-core, the SDK AWS generates from the service model, driven against sagemock as a user drives it.

sagemaker-core (pypi `sagemaker-core`, imported as `sagemaker.core`) is checked class by class --
ModelPackageGroup, ModelPackage, Artifact, Action, Context, Association, NotebookInstance, CompilationJob,
Experiment, Trial, TrialComponent, Pipeline, Project, ModelCard, Image, AppImageConfig, Hub and HubContent: create,
get, get_all, update, wait and delete -- and through the classic helpers it carries: lineage
(`sagemaker.core.lineage`), experiments (`sagemaker.core.experiments`: Run, load_run, list_runs) and the model
registry helper.

How sagemaker-core is kept off the network:

* Credentials and region come from the environment (`testing`/`testing`, us-east-1). The AWS config and
  credentials files and sagemaker-core's own config files (SAGEMAKER_ADMIN_CONFIG_OVERRIDE,
  SAGEMAKER_USER_CONFIG_OVERRIDE) are files of the test, so no profile, no S3 config URI and no
  "intelligent default" of the machine applies.
* Resource classes get this test's boto3 session (`session=`, `region=`); sagemaker-core caches one client per
  session, and the cache is emptied around each test.
* The helpers' `Session` gets its config (`sagemaker_config=`) with TelemetryOptOut: otherwise
  `Experiment._load_or_create`, and so every `Run`, calls STS and sends a telemetry GET to S3 from a thread.
* The SageMaker Metrics service (`sagemaker-metrics` BatchPutMetrics, where `Run.log_metric` and
  `TrialComponent.batch_put_metrics` write) is not SageMaker: a stand-in answers it (`serve_metrics`).
* S3 and STS (default bucket, artifact uploads, pipeline definitions in S3) come from moto where needed.
* `no_network` fails any test that looks a host up or opens a connection, so nothing that escaped would go
  unnoticed (without TelemetryOptOut, a Run fails it from the telemetry thread).

Where sagemaker-core 2.27 itself departs from the service model, the test works around it and says why where it
does (ModelPackage.create and versioned packages, its InferenceSpecification, ModelCard.refresh, ImageVersion
and Image.get_all_aliases, HubContent.load, HubContent.get_all_versions and HubContentReference.create).

Waiting: sagemaker-core's wait, wait_for_status and wait_for_delete sleep `poll` seconds (5 by default) between
polls. Every call here passes poll=0 and a timeout (WAIT), so a status that never comes fails the test instead
of hanging it. In sagemock's default "instant" mode the first poll already sees the final status; the tests
marked `transitions="reads"` make each poll see the next status, so the waiters really loop.
"""
from __future__ import annotations

import datetime
import json
import logging
import socket
import types
import uuid

import boto3
import botocore.loaders
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

pytest.importorskip("sagemaker.core", reason="sagemaker-core is an optional client checked against sagemock")

_root = logging.getLogger()
_root_state = (_root.level, list(_root.handlers))

from sagemaker.core.config.config_manager import SageMakerConfig  # noqa: E402
from sagemaker.core.experiments import experiment as experiment_helpers  # noqa: E402
from sagemaker.core.experiments import trial_component as trial_component_helpers  # noqa: E402
from sagemaker.core.experiments.run import Run, list_runs, load_run  # noqa: E402
from sagemaker.core.experiments.trial import _Trial  # noqa: E402
from sagemaker.core.helper.session_helper import Session  # noqa: E402
from sagemaker.core.lineage import (  # noqa: E402
    LineageEntityEnum,
    LineageFilter,
    LineageQuery,
    LineageQueryDirectionEnum,
    LineageSourceEnum,
    LineageTableVisualizer,
    LineageTrialComponent,
)
from sagemaker.core.lineage import action as lineage_action  # noqa: E402
from sagemaker.core.lineage import artifact as lineage_artifact  # noqa: E402
from sagemaker.core.lineage import association as lineage_association  # noqa: E402
from sagemaker.core.lineage import context as lineage_context  # noqa: E402
from sagemaker.core.model_registry import create_model_package_from_containers  # noqa: E402
from sagemaker.core.resources import (  # noqa: E402
    Action,
    AppImageConfig,
    Artifact,
    Association,
    Base,
    CompilationJob,
    Context,
    Experiment,
    Hub,
    HubContent,
    Image,
    ModelCard,
    ModelPackage,
    ModelPackageGroup,
    NotebookInstance,
    Pipeline,
    Project,
    Tag,
    Trial,
    TrialComponent,
)
from sagemaker.core.shapes import (  # noqa: E402
    ActionSource,
    ArtifactSource,
    ArtifactSourceType,
    ContainersItem,
    ContextSource,
    InferenceSpecification,
    InputConfig,
    IntendedUses,
    ModelCardContent,
    ModelOverview,
    OutputConfig,
    PipelineDefinitionS3Location,
    RawMetricData,
    ServiceCatalogProvisioningDetails,
    StoppingCondition,
    TrialComponentArtifact,
    TrialComponentParameterValue,
    TrialComponentStatus,
)
from sagemaker.core.utils.exceptions import FailedStatusError  # noqa: E402
from sagemaker.core.utils.utils import SageMakerClient  # noqa: E402

# sagemaker.core.experiments._metrics calls logging.basicConfig(level=INFO) when imported: give the rest of the
# suite its root logger back.
_root.setLevel(_root_state[0])
_root.handlers[:] = _root_state[1]

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
REGION = "us-east-1"
ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/churn:1"
ENDPOINT = f"{ARN}:endpoint/churn"
TRAINING_JOB = f"{ARN}:training-job/churn-train"
WAIT = {"poll": 0, "timeout": 10}
SDK_CONFIG = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}
DEFINITION = {"Version": "2020-12-01", "Metadata": {},
              "Parameters": [{"Name": "Threshold", "Type": "Float", "DefaultValue": 0.5}],
              "Steps": [{"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": "not trained yet"}}]}
Direction = LineageQueryDirectionEnum


# -- isolation -------------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """A name lookup or connection is refused and fails the test, even one from a thread that swallows errors."""
    attempts = []

    def refuse(address):
        attempts.append(address)
        raise ConnectionRefusedError(f"this test tried to reach the network: {address!r}")

    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *args, **kwargs: refuse((host, port)))
    monkeypatch.setattr(socket.socket, "connect", lambda sock, address: refuse(address))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda sock, address: refuse(address))
    yield
    assert attempts == [], f"sagemaker-core reached for the network: {attempts}"


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch, tmp_path):
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL",
                 "AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_ROLE_ARN",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "TRAINING_JOB_ARN",
                 "TRANSFORM_JOB_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    no_defaults = tmp_path / "sagemaker-config.yaml"
    no_defaults.write_text("")
    monkeypatch.setenv("SAGEMAKER_ADMIN_CONFIG_OVERRIDE", str(no_defaults))
    monkeypatch.setenv("SAGEMAKER_USER_CONFIG_OVERRIDE", str(no_defaults))
    SageMakerConfig.load_default_configs_for_resource_name.cache_clear()
    SageMakerClient.reset()
    yield
    SageMakerClient.reset()
    SageMakerConfig.load_default_configs_for_resource_name.cache_clear()


def serve_metrics(boto_session, mock):
    """A stand-in for the SageMaker Metrics service, on the clients of `boto_session`.

    BatchPutMetrics belongs to `sagemaker-metrics`, a service of its own: sagemock does not intercept it, and
    moto's keeps metrics only for moto's own trial components. The stand-in answers after botocore has checked
    the request against that service's model, and hands the values to sagemock the way SageMaker's metrics
    pipeline feeds DescribeTrialComponent (`mock.put_trial_component_metrics`).
    """
    sagemaker = []

    def batch_put_metrics(params, **_):
        request = json.loads(params["body"])
        if not sagemaker:
            sagemaker.append(boto_session.client("sagemaker"))
        component = sagemaker[0].describe_trial_component(TrialComponentName=request["TrialComponentName"])
        values = {}
        for datum in request["MetricData"]:
            values.setdefault(datum["MetricName"], []).append(datum["Value"])
        mock.put_trial_component_metrics(component["TrialComponentArn"], values)
        return AWSResponse(params["url"], 200, {}, None), {"Errors": []}

    boto_session.events.register("before-call.sagemaker-metrics.BatchPutMetrics", batch_put_metrics)


_LOADER = botocore.loaders.create_loader()  # service models parsed once for the module, not once per session


@pytest.fixture
def boto_session(sagemaker_mock):
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    session = boto3.Session(botocore_session=core, region_name=REGION)
    _LOADER.search_paths[:] = dict.fromkeys(_LOADER.search_paths)  # each Session appends boto3's data path again
    serve_metrics(session, sagemaker_mock)
    return session


@pytest.fixture
def on(boto_session):
    """What every sagemaker-core resource call takes to act through this test's session."""
    return {"session": boto_session, "region": REGION}


@pytest.fixture
def sdk_session(boto_session):
    """The Session of the classic helpers (lineage, experiments, model registry)."""
    return Session(boto_session=boto_session, sagemaker_config=SDK_CONFIG)


@pytest.fixture
def sm(boto_session):
    """A plain boto3 client, to look at what sagemaker-core did."""
    return boto_session.client("sagemaker")


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def statuses(boto_session, **keys):
    """Record the status each Describe answers (operation name -> its status member), for clients made later."""
    seen = {operation: [] for operation in keys}

    def record(parsed, model, **_):
        if model.name in keys and keys[model.name] in parsed:
            seen[model.name].append(parsed[keys[model.name]])

    boto_session.events.register("after-call.sagemaker", record)
    return seen


# -- model registry --------------------------------------------------------------------------------------------

def test_model_package_group_create_get_list_policy_and_delete(on):
    group = ModelPackageGroup.create(model_package_group_name="churn", model_package_group_description="Churn models",
                                     tags=[{"key": "team", "value": "ml"}], **on)
    ModelPackageGroup.create(model_package_group_name="fraud", **on)

    assert group.model_package_group_arn == f"{ARN}:model-package-group/churn"
    assert group.model_package_group_description == "Churn models"
    assert group.model_package_group_status == "Completed"
    assert group.created_by.iam_identity.arn.startswith(f"arn:aws:iam::{ACCOUNT}:")
    group.wait_for_status("Completed", **WAIT)
    assert ModelPackageGroup.get("churn", **on).creation_time == group.creation_time
    assert [g.model_package_group_name for g in ModelPackageGroup.get_all(name_contains="chu", **on)] == ["churn"]
    assert [g.model_package_group_name for g in ModelPackageGroup.get_all(sort_by="Name", sort_order="Descending",
                                                                           **on)] == ["fraud", "churn"]
    assert [(t.key, t.value) for t in Tag.get_all(resource_arn=group.model_package_group_arn, **on)] == [("team", "ml")]

    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "ShareWithProd", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
        "Action": ["sagemaker:DescribeModelPackageGroup"], "Resource": group.model_package_group_arn}]}
    group.put_policy(resource_policy=json.dumps(policy))
    assert json.loads(group.get_policy()) == policy
    group.delete_policy()
    with pytest.raises(ClientError) as missing_policy:
        group.get_policy()
    assert error_of(missing_policy) == ("ValidationException",
                                        f"Cannot find resource policy for: {group.model_package_group_arn}")

    group.delete()
    group.wait_for_delete(**WAIT)
    with pytest.raises(ClientError) as gone:
        ModelPackageGroup.get("churn", **on)
    assert error_of(gone) == ("ValidationException",
                              f"ModelPackageGroup {ARN}:model-package-group/churn does not exist.")
    assert [g.model_package_group_name for g in ModelPackageGroup.get_all(**on)] == ["fraud"]


def create_model_package(on, **kwargs):
    """`ModelPackage.create`, around a bug of sagemaker-core 2.27.

    After CreateModelPackage it describes the new package by `response["ModelPackageName"]`, but
    CreateModelPackageOutput has only `ModelPackageArn` (botocore's model), so against AWS, and sagemock, it
    raises KeyError once the package exists. The ARN it was answered is taken from the call and described.
    """
    client = Base.get_sagemaker_client(session=on["session"], region_name=on["region"])
    created = []

    def remember(parsed, **_):
        created.append(parsed.get("ModelPackageArn"))

    client.meta.events.register("after-call.sagemaker.CreateModelPackage", remember)
    try:
        return ModelPackage.create(**kwargs, **on)
    except KeyError as missing:
        assert missing.args == ("ModelPackageName",)
        return ModelPackage.get(model_package_name=created[-1], **on)
    finally:
        client.meta.events.unregister("after-call.sagemaker.CreateModelPackage", remember)


def by_arn(package):
    """Address a versioned package by its ARN, around another bug of sagemaker-core 2.27.

    refresh (so wait_for_status and update) and delete name the package by `model_package_name`. For a versioned
    package DescribeModelPackage answers the group's name there (the ARN `model-package/<group>/<version>` is what
    names the version), so the service answers "ModelPackage .../model-package/<group> does not exist.".
    DescribeModelPackage and DeleteModelPackage take the ARN as ModelPackageName. (Each refresh puts the group's
    name back.)
    """
    package.model_package_name = package.model_package_arn
    return package


def test_versioned_model_packages(on):
    group = ModelPackageGroup.create(model_package_group_name="churn", **on)
    spec = InferenceSpecification(containers=[ContainersItem(image=IMAGE, model_data_url="s3://bucket/churn/1.tar.gz")])
    first = create_model_package(on, model_package_group_name=group, inference_specification=spec,
                                 model_package_description="first")
    second = create_model_package(on, model_package_group_name="churn", inference_specification=spec,
                                  model_approval_status="Approved")

    assert first.model_package_arn == f"{ARN}:model-package/churn/1"
    # A versioned package's ModelPackageName is its group's name.
    assert (first.model_package_group_name, first.model_package_version, first.model_package_name) == (
        "churn", 1, "churn")
    assert (first.model_package_status, first.model_approval_status) == ("Completed", "PendingManualApproval")
    assert first.model_package_description == "first"
    assert first.inference_specification.containers[0].image == IMAGE
    assert second.model_package_arn == f"{ARN}:model-package/churn/2"
    by_arn(first).wait_for_status("Completed", **WAIT)

    by_arn(first).update(model_approval_status="Rejected", approval_description="worse than v2")
    assert (first.model_approval_status, first.approval_description) == ("Rejected", "worse than v2")
    assert first.last_modified_time >= first.creation_time

    listed = ModelPackage.get_all(model_package_group_name="churn", **on)
    assert [(p.model_package_version, p.model_approval_status) for p in listed] == [(1, "Rejected"), (2, "Approved")]
    approved = ModelPackage.get_all(model_package_group_name="churn", model_approval_status="Approved", **on)
    assert [p.model_package_arn for p in approved] == [second.model_package_arn]
    assert list(ModelPackage.get_all(**on)) == []  # without a group: unversioned packages only, as AWS lists
    described = first.batch_get(model_package_arn_list=[first.model_package_arn, second.model_package_arn])
    assert sorted(described.model_package_summaries) == [first.model_package_arn, second.model_package_arn]

    with pytest.raises(ClientError) as not_empty:
        group.delete()
    assert error_of(not_empty)[0] == "ConflictException"
    by_arn(first).delete()
    by_arn(second).delete()
    with pytest.raises(ClientError) as gone:
        ModelPackage.get(first.model_package_arn, **on)
    assert error_of(gone) == ("ValidationException", f"ModelPackage {first.model_package_arn} does not exist.")
    group.delete()
    group.wait_for_delete(**WAIT)


def test_unversioned_model_package_through_the_model_registry_helper(on, sdk_session, sm):
    # An unversioned package needs SupportedTransformInstanceTypes and SupportedRealtimeInferenceInstanceTypes,
    # which sagemaker-core 2.27's ModelPackage.create cannot send: resources.InferenceSpecification is the
    # model-card shape of the same name (sagemaker.core.shapes imports model_card_shapes after shapes), whose
    # only member is `containers`. Its own registry helper builds the request as botocore's model has it.
    create_model_package_from_containers(
        sdk_session, containers=[{"Image": IMAGE, "ModelDataUrl": "s3://bucket/churn.tar.gz"}],
        content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"], model_package_name="churn-standalone", description="standalone")
    # With a group it creates the group first when there is none (found through Search).
    create_model_package_from_containers(sdk_session, containers=[{"Image": IMAGE}], content_types=["text/csv"],
                                         response_types=["text/csv"], model_package_group_name="fraud")

    package = ModelPackage.get("churn-standalone", **on)
    assert package.model_package_arn == f"{ARN}:model-package/churn-standalone"
    assert (package.model_package_status, package.model_package_description) == ("Completed", "standalone")
    assert package.inference_specification.containers[0].model_data_url == "s3://bucket/churn.tar.gz"
    described = sm.describe_model_package(ModelPackageName="churn-standalone")["InferenceSpecification"]
    assert described["SupportedRealtimeInferenceInstanceTypes"] == ["ml.m5.large"]
    package.wait_for_status("Completed", **WAIT)
    package.update(customer_metadata_properties={"team": "ml", "tier": "gold"})
    assert package.customer_metadata_properties == {"team": "ml", "tier": "gold"}
    package.update(customer_metadata_properties_to_remove=["tier"])
    assert ModelPackage.get("churn-standalone", **on).customer_metadata_properties == {"team": "ml"}
    assert ModelPackageGroup.get("fraud", **on).model_package_group_status == "Completed"
    assert [p.model_package_version for p in ModelPackage.get_all(model_package_group_name="fraud", **on)] == [1]
    assert [p.model_package_name for p in ModelPackage.get_all(**on)] == ["churn-standalone"]

    package.delete()
    package.wait_for_delete(**WAIT)
    with pytest.raises(ClientError) as gone:
        ModelPackage.get("churn-standalone", **on)
    assert error_of(gone)[0] == "ValidationException"


# -- lineage entities -------------------------------------------------------------------------------------------

def test_artifact(on):
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    etag = ArtifactSourceType(source_id_type="S3ETag", value="e1")
    data = Artifact.create(source=ArtifactSource(source_uri="s3://bucket/train.csv", source_types=[etag]),
                           artifact_type="DataSet", artifact_name="train-data", properties={"rows": "1000"}, **on)
    Artifact.create(source=ArtifactSource(source_uri="s3://bucket/model.tar.gz"), artifact_type="Model", **on)

    assert data.artifact_arn.startswith(f"{ARN}:artifact/") and len(data.artifact_arn.split("/")[-1]) == 32
    assert (data.artifact_name, data.artifact_type, data.properties) == ("train-data", "DataSet", {"rows": "1000"})
    assert data.source.source_types[0].value == "e1"
    assert data.lineage_group_arn == f"{ARN}:lineage-group/sagemaker-default-lineage-group"
    data.update(artifact_name="training-data", properties={"columns": "12"}, properties_to_remove=["rows"])
    assert (data.artifact_name, data.properties) == ("training-data", {"columns": "12"})
    assert Artifact.get(data.artifact_arn, **on).properties == {"columns": "12"}
    assert [a.artifact_arn for a in Artifact.get_all(artifact_type="DataSet", created_after=before, **on)] == [
        data.artifact_arn]
    assert [a.artifact_arn for a in Artifact.get_all(source_uri="s3://bucket/train.csv", **on)] == [data.artifact_arn]

    data.delete()
    with pytest.raises(ClientError) as gone:
        Artifact.get(data.artifact_arn, **on)
    assert error_of(gone) == ("ResourceNotFound", f"Artifact {data.artifact_arn} does not exist.")
    assert [a.artifact_type for a in Artifact.get_all(**on)] == ["Model"]


def test_action(on):
    code = ActionSource(source_uri="s3://bucket/code.tar.gz", source_type="S3")
    train = Action.create(action_name="train", source=code, action_type="Training", status="InProgress",
                          description="first try", **on)
    Action.create(action_name="approve", source=ActionSource(source_uri=f"{ARN}:model-package/churn/1"),
                  action_type="ModelPackageApproval", **on)

    assert train.action_arn == f"{ARN}:action/train"
    assert (train.status, train.description, train.source.source_type) == ("InProgress", "first try", "S3")
    train.update(status="Completed", description="done", properties={"epochs": "3"})
    assert (train.status, train.description, train.properties) == ("Completed", "done", {"epochs": "3"})
    assert train.last_modified_time >= train.creation_time
    assert [a.action_name for a in Action.get_all(action_type="Training", **on)] == ["train"]
    assert [a.action_name for a in Action.get_all(sort_by="Name", sort_order="Ascending", **on)] == ["approve", "train"]

    train.delete()
    with pytest.raises(ClientError) as gone:
        Action.get("train", **on)
    assert error_of(gone) == ("ResourceNotFound", f"Action {ARN}:action/train does not exist.")


def test_context(on):
    endpoint = Context.create(context_name="churn-endpoint", source=ContextSource(source_uri=ENDPOINT),
                              context_type="Endpoint", description="serves churn", properties={"stage": "beta"}, **on)

    assert endpoint.context_arn == f"{ARN}:context/churn-endpoint"
    assert (endpoint.context_type, endpoint.source.source_uri, endpoint.properties) == ("Endpoint", ENDPOINT,
                                                                                       {"stage": "beta"})
    endpoint.update(description="serves churn v2", properties={"owner": "ml"}, properties_to_remove=["stage"])
    assert (endpoint.description, endpoint.properties) == ("serves churn v2", {"owner": "ml"})
    assert [c.context_name for c in Context.get_all(context_type="Endpoint", source_uri=ENDPOINT, **on)] == [
        "churn-endpoint"]

    endpoint.delete()
    with pytest.raises(ClientError) as gone:
        Context.get("churn-endpoint", **on)
    assert error_of(gone)[0] == "ResourceNotFound"
    assert list(Context.get_all(**on)) == []


def test_association(on):
    data = Artifact.create(source=ArtifactSource(source_uri="s3://bucket/train.csv"), artifact_type="DataSet",
                           artifact_name="train-data", **on)
    train = Action.create(action_name="train", source=ActionSource(source_uri="s3://bucket/code"),
                          action_type="Training", **on)
    model = Artifact.create(source=ArtifactSource(source_uri="s3://bucket/model.tar.gz"), artifact_type="Model", **on)
    Association.add(source_arn=data.artifact_arn, destination_arn=train.action_arn, association_type="ContributedTo",
                    **on)
    Association.add(source_arn=train.action_arn, destination_arn=model.artifact_arn, association_type="Produced", **on)

    [into_training] = Association.get_all(source_arn=data.artifact_arn, **on)
    assert (into_training.destination_arn, into_training.association_type) == (train.action_arn, "ContributedTo")
    assert (into_training.source_type, into_training.destination_type) == ("DataSet", "Training")
    assert (into_training.source_name, into_training.destination_name) == ("train-data", "train")
    assert not hasattr(into_training.created_by, "iam_identity") or not getattr(
        into_training.created_by.iam_identity, "arn", None)  # no IamIdentity outside the registry and projects
    produced = Association.get_all(destination_type="Model", association_type="Produced", **on)
    assert [(a.source_arn, a.destination_arn) for a in produced] == [(train.action_arn, model.artifact_arn)]

    into_training.delete()
    assert list(Association.get_all(source_arn=data.artifact_arn, **on)) == []
    with pytest.raises(ClientError) as gone:
        into_training.delete()
    assert error_of(gone)[0] == "ResourceNotFound"
    model.delete()  # an association goes with either of its ends
    assert list(Association.get_all(source_arn=train.action_arn, **on)) == []


# -- notebook instances and compilation jobs --------------------------------------------------------------------

def test_notebook_instance(on):
    notebook = NotebookInstance.create(notebook_instance_name="analysis", instance_type="ml.t3.medium",
                                       role_arn=ROLE, volume_size_in_gb=5, **on)
    notebook.wait_for_status("InService", **WAIT)
    assert notebook.notebook_instance_arn == f"{ARN}:notebook-instance/analysis"
    assert notebook.url == f"analysis.notebook.{REGION}.sagemaker.aws"
    assert (notebook.instance_type, notebook.volume_size_in_gb, notebook.role_arn) == ("ml.t3.medium", 5, ROLE)
    with pytest.raises(ClientError) as running:
        notebook.delete()
    assert error_of(running)[0] == "ValidationException"

    notebook.stop()
    notebook.wait_for_status("Stopped", **WAIT)
    notebook.update(instance_type="ml.t3.large", volume_size_in_gb=10)
    notebook.wait_for_status("Stopped", **WAIT)
    assert (notebook.instance_type, notebook.volume_size_in_gb) == ("ml.t3.large", 10)
    notebook.start()
    notebook.wait_for_status("InService", **WAIT)
    assert [n.notebook_instance_name for n in NotebookInstance.get_all(status_equals="InService", **on)] == ["analysis"]
    assert list(NotebookInstance.get_all(status_equals="Stopped", **on)) == []

    notebook.stop()
    notebook.wait_for_status("Stopped", **WAIT)
    notebook.delete()
    notebook.wait_for_delete(**WAIT)
    with pytest.raises(ClientError) as gone:
        NotebookInstance.get("analysis", **on)
    assert error_of(gone) == ("ValidationException", "RecordNotFound")


def compile_job(name, on):
    return CompilationJob.create(
        compilation_job_name=name, role_arn=ROLE,
        input_config=InputConfig(s3_uri="s3://bucket/model.tar.gz", data_input_config='{"input0": [1, 3, 224, 224]}',
                                 framework="PYTORCH", framework_version="1.13"),
        output_config=OutputConfig(s3_output_location="s3://bucket/compiled", target_device="ml_c5"),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=900), **on)


def test_compilation_job(on):
    job = compile_job("resnet-c5", on)
    job.wait(**WAIT)
    assert job.compilation_job_arn == f"{ARN}:compilation-job/resnet-c5"
    assert job.compilation_job_status == "COMPLETED"
    assert job.model_artifacts.s3_model_artifacts == "s3://bucket/compiled/model-ml_c5.tar.gz"
    assert job.compilation_start_time <= job.compilation_end_time
    assert (job.input_config.framework, job.output_config.target_device) == ("PYTORCH", "ml_c5")
    assert [j.compilation_job_name for j in CompilationJob.get_all(status_equals="COMPLETED", **on)] == ["resnet-c5"]

    job.delete()
    with pytest.raises(ClientError) as gone:
        CompilationJob.get("resnet-c5", **on)
    assert error_of(gone)[0] == "ResourceNotFound"


def test_failed_statuses_end_the_waits(on, sagemaker_mock):
    sagemaker_mock.fail_next("notebook-instance", reason="Insufficient capacity")
    notebook = NotebookInstance.create(notebook_instance_name="unlucky", instance_type="ml.t3.medium", role_arn=ROLE,
                                       **on)
    with pytest.raises(FailedStatusError, match="Insufficient capacity"):
        notebook.wait_for_status("InService", **WAIT)
    assert notebook.notebook_instance_status == "Failed"

    sagemaker_mock.fail_next("compilation-job", reason="Unsupported operator")
    job = compile_job("unlucky", on)
    with pytest.raises(FailedStatusError, match="Unsupported operator"):
        job.wait(**WAIT)
    assert job.compilation_job_status == "FAILED"


# -- experiments, trials and trial components -------------------------------------------------------------------

def test_experiment_trial_and_trial_component(on):
    experiment = Experiment.create(experiment_name="churn", description="churn models", **on)
    assert (experiment.experiment_arn, experiment.display_name) == (f"{ARN}:experiment/churn", "churn")
    experiment.update(display_name="Churn", description="churn models, 2024")
    assert (experiment.display_name, experiment.description) == ("Churn", "churn models, 2024")

    trial = Trial.create(trial_name="lr-0-01", experiment_name=experiment, **on)  # an object for its name
    Trial.create(trial_name="lr-0-1", experiment_name="churn", **on)
    assert (trial.trial_arn, trial.experiment_name) == (f"{ARN}:experiment-trial/lr-0-01", "churn")
    trial.update(display_name="LR-0-01")
    assert Trial.get("lr-0-01", **on).display_name == "LR-0-01"
    assert sorted(t.trial_name for t in Trial.get_all(experiment_name="churn", **on)) == ["lr-0-01", "lr-0-1"]

    component = TrialComponent.create(
        trial_component_name="train-lr-0-01", status=TrialComponentStatus(primary_status="InProgress"),
        parameters={"lr": TrialComponentParameterValue(number_value=0.01),
                    "optimizer": TrialComponentParameterValue(string_value="adam")},
        input_artifacts={"train": TrialComponentArtifact(value="s3://bucket/train.csv", media_type="text/csv")}, **on)
    assert component.trial_component_arn == f"{ARN}:experiment-trial-component/train-lr-0-01"
    assert component.parameters["optimizer"].string_value == "adam"
    assert component.input_artifacts["train"].media_type == "text/csv"
    component.associate_trail(trial_name="lr-0-01")
    assert [c.trial_component_name for c in TrialComponent.get_all(trial_name="lr-0-01", **on)] == ["train-lr-0-01"]
    assert [c.trial_component_name for c in TrialComponent.get_all(experiment_name="churn", **on)] == ["train-lr-0-01"]
    assert [t.trial_name for t in Trial.get_all(trial_component_name="train-lr-0-01", **on)] == ["lr-0-01"]
    assert [e.experiment_name for e in Experiment.get_all(**on)] == ["churn"]

    # AWS's order: components are disassociated before they go, trials go before their experiment.
    with pytest.raises(ClientError) as associated:
        component.delete()
    assert error_of(associated)[0] == "ValidationException"
    with pytest.raises(ClientError) as has_trials:
        experiment.delete()
    assert error_of(has_trials)[0] == "ValidationException"
    component.disassociate_trail(trial_name="lr-0-01")
    component.delete()
    for name in ("lr-0-01", "lr-0-1"):
        Trial.get(name, **on).delete()
    experiment.delete()
    for get, name in ((TrialComponent.get, "train-lr-0-01"), (Trial.get, "lr-0-01"), (Experiment.get, "churn")):
        with pytest.raises(ClientError) as gone:
            get(name, **on)
        assert error_of(gone)[0] == "ResourceNotFound"


def test_trial_component_update_wait_and_metrics(on):
    start = datetime.datetime.now(datetime.timezone.utc)
    component = TrialComponent.create(
        trial_component_name="evaluate", status=TrialComponentStatus(primary_status="InProgress"), start_time=start,
        parameters={"threshold": TrialComponentParameterValue(number_value=0.5),
                    "metric": TrialComponentParameterValue(string_value="auc")}, **on)
    component.update(status=TrialComponentStatus(primary_status="Completed", message="done"),
                     end_time=start + datetime.timedelta(minutes=5),
                     parameters={"threshold": TrialComponentParameterValue(number_value=0.7)},
                     parameters_to_remove=["metric"],
                     output_artifacts={"report": TrialComponentArtifact(value="s3://bucket/report.html")})
    component.wait_for_status("Completed", **WAIT)
    assert (component.status.primary_status, component.status.message) == ("Completed", "done")
    assert {name: value.number_value for name, value in component.parameters.items()} == {"threshold": 0.7}
    assert component.output_artifacts["report"].value == "s3://bucket/report.html"
    assert component.end_time - component.start_time == datetime.timedelta(minutes=5)

    component.batch_put_metrics(metric_data=[
        RawMetricData(metric_name="auc", timestamp=start, step=step, value=value)
        for step, value in enumerate([0.71, 0.78, 0.75])])
    [auc] = TrialComponent.get("evaluate", **on).metrics
    assert (auc.metric_name, auc.count, auc.min, auc.max, auc.last) == ("auc", 3, 0.71, 0.78, 0.75)


# -- pipelines, projects and model cards ------------------------------------------------------------------------

def test_pipeline(on):
    pipeline = Pipeline.create(pipeline_name="churn", client_request_token=str(uuid.uuid4()), role_arn=ROLE,
                               pipeline_definition=json.dumps(DEFINITION), pipeline_description="trains churn", **on)
    pipeline.wait_for_status("Active", **WAIT)
    assert pipeline.pipeline_arn == f"{ARN}:pipeline/churn"
    assert (pipeline.pipeline_display_name, pipeline.role_arn) == ("churn", ROLE)
    assert json.loads(pipeline.pipeline_definition) == DEFINITION

    pipeline.update(pipeline_display_name="Churn", pipeline_description="trains and registers churn")
    assert (pipeline.pipeline_display_name, pipeline.pipeline_description) == ("Churn", "trains and registers churn")
    changed = {**DEFINITION, "Steps": [{"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": "v2"}}]}
    pipeline.update(pipeline_definition=json.dumps(changed))
    assert json.loads(pipeline.pipeline_definition) == changed
    assert json.loads(Pipeline.get("churn", pipeline_version_id=1, **on).pipeline_definition) == DEFINITION
    Pipeline.create(pipeline_name="fraud", client_request_token=str(uuid.uuid4()), role_arn=ROLE,
                    pipeline_definition=json.dumps(DEFINITION), **on)
    assert [p.pipeline_name for p in Pipeline.get_all(pipeline_name_prefix="chu", **on)] == ["churn"]

    pipeline.delete(client_request_token=str(uuid.uuid4()))
    pipeline.wait_for_delete(**WAIT)
    with pytest.raises(ClientError) as gone:
        Pipeline.get("churn", **on)
    assert error_of(gone)[0] == "ResourceNotFound"
    assert [p.pipeline_name for p in Pipeline.get_all(**on)] == ["fraud"]


def test_project(on):
    project = Project.create(project_name="churn", project_description="churn MLOps",
                             service_catalog_provisioning_details=ServiceCatalogProvisioningDetails(
                                 product_id="prod-abcdefghijklm"), **on)
    project.wait_for_status("CreateCompleted", **WAIT)
    assert project.project_arn == f"{ARN}:project/churn"
    assert project.project_id.startswith("p-")
    assert project.service_catalog_provisioning_details.provisioning_artifact_id.startswith("pa-")
    assert project.service_catalog_provisioned_product_details.provisioned_product_status_message == "AVAILABLE"

    project.update(project_description="churn MLOps, v2")
    project.wait_for_status("UpdateCompleted", **WAIT)
    assert project.project_description == "churn MLOps, v2"
    assert [p.project_name for p in Project.get_all(name_contains="chu", **on)] == ["churn"]

    project.delete()
    with pytest.raises(ClientError) as gone:
        Project.get("churn", **on)
    assert error_of(gone) == ("ValidationException", "Project churn does not exist.")


def test_image_and_app_image_config(on, sm):
    """Image and AppImageConfig through sagemaker-core. Its ImageVersion class cannot read a version
    (2.27's model requires an `image_name` that DescribeImageVersion does not answer, so `get`, and
    `create` which calls it, fail against AWS too): versions are made through boto3."""
    image = Image.create(image_name="conda-env-kernel", role_arn=ROLE, display_name="Conda kernel", **on)
    image.wait_for_status("CREATED", **WAIT)
    assert image.image_arn == f"{ARN}:image/conda-env-kernel"
    for token, aliases in (("first", ["stable"]), ("second", ["nightly"])):
        sm.create_image_version(ImageName="conda-env-kernel", BaseImage=IMAGE, ClientToken=token, Aliases=aliases)
    # (2.27's Image.get_all_aliases reads each alias, a string, as a summary structure: it fails against AWS too.)
    assert sm.list_aliases(ImageName="conda-env-kernel")["SageMakerImageVersionAliases"] == ["nightly", "stable"]

    image.update(delete_properties=["DisplayName"], description="conda env")
    image.wait_for_status("CREATED", **WAIT)
    assert image.description == "conda env"
    assert "DisplayName" not in sm.describe_image(ImageName="conda-env-kernel")  # (refresh keeps attributes absent)
    assert [found.image_name for found in Image.get_all(name_contains="conda", **on)] == ["conda-env-kernel"]

    config = AppImageConfig.create(app_image_config_name="conda-env-kernel-config", **on)
    assert config.app_image_config_arn == f"{ARN}:app-image-config/conda-env-kernel-config"
    assert [found.app_image_config_name for found in AppImageConfig.get_all(**on)] == ["conda-env-kernel-config"]
    config.delete()

    image.delete()
    image.wait_for_delete(**WAIT)
    with pytest.raises(ClientError) as gone:
        sm.describe_image_version(ImageName="conda-env-kernel", Version=1)
    assert error_of(gone)[0] == "ResourceNotFound"


def test_hub_its_content_and_a_model_reference(on, sm):
    """Hub, HubContent and HubContentReference: a hub, a model in two versions, a reference to a public hub
    model; the hub is deleted once emptied. (HubContent.load, HubContent.get_all_versions and
    HubContentReference.create fail in 2.27, against AWS too: see below.)"""
    hub = Hub.create(hub_name="curated", hub_description="Approved models", **on)
    hub.wait_for_status("InService", **WAIT)
    assert hub.hub_arn == f"{ARN}:hub/curated"
    # (2.27's HubContent.load, its ImportHubContent, builds its client with an argument its own client cache
    # refuses, `service_name`: it fails before any request, against AWS too. Content is imported through boto3.)
    for version in ("1.0.0", "1.1.0"):
        sm.import_hub_content(HubContentName="churn-xgboost", HubContentType="Model", DocumentSchemaVersion="2.0.0",
                              HubName="curated", HubContentDocument="{}", HubContentVersion=version)
    latest = HubContent.get(hub_name="curated", hub_content_type="Model", hub_content_name="churn-xgboost", **on)
    assert (latest.hub_content_version, latest.hub_content_status) == ("1.1.0", "Available")
    # (2.27's get_all_versions reads each version from its summary, which has no HubName, and so describes it
    # without one: it fails against AWS too. The versions are listed through boto3.)
    versions = [found["HubContentVersion"] for found in sm.list_hub_content_versions(
        HubName="curated", HubContentType="Model", HubContentName="churn-xgboost")["HubContentSummaries"]]
    assert versions == ["1.1.0", "1.0.0"]
    public = f"arn:aws:sagemaker:{REGION}:aws:hub-content/SageMakerPublicHub/Model/huggingface-llm-mistral-7b"
    # (2.27's HubContentReference.create sends the request, then builds its object from the request's
    # serialized members, which its model refuses: it raises after AWS answered, too. References go through boto3.)
    sm.create_hub_content_reference(HubName="curated", SageMakerPublicHubContentArn=public, HubContentName="mistral")
    reference = HubContent.get(hub_name="curated", hub_content_type="ModelReference", hub_content_name="mistral", **on)
    assert reference.hub_content_arn == f"{ARN}:hub-content/curated/ModelReference/mistral/1.0.0"
    assert reference.sage_maker_public_hub_content_arn == public
    assert [found.hub_name for found in Hub.get_all(**on)] == ["curated"]

    with pytest.raises(ClientError) as in_use:
        hub.delete()
    assert error_of(in_use)[0] == "ResourceInUse"
    sm.delete_hub_content_reference(HubName="curated", HubContentType="ModelReference", HubContentName="mistral")
    for version in versions:
        HubContent.get(hub_name="curated", hub_content_type="Model", hub_content_name="churn-xgboost",
                       hub_content_version=version, **on).delete()
    hub.delete()
    hub.wait_for_delete(**WAIT)
    assert sm.list_hubs()["HubSummaries"] == []


def test_model_card(on):
    content = ModelCardContent(model_overview=ModelOverview(model_description="predicts churn"),
                               intended_uses=IntendedUses(risk_rating="Low")).model_dump_json(exclude_none=True)
    card = ModelCard.create(model_card_name="churn", content=content, model_card_status="Draft", **on)
    card.wait_for_status("Draft", **WAIT)
    assert (card.model_card_arn, card.model_card_version) == (f"{ARN}:model-card/churn", 1)
    assert json.loads(card.content)["intended_uses"]["risk_rating"] == "Low"

    card.update(model_card_status="PendingReview")  # a status changes the version it is on
    card.wait_for_status("PendingReview", **WAIT)
    assert card.model_card_version == 1
    revised = json.dumps({**json.loads(content), "model_overview": {"model_description": "predicts churn, v2"}})
    card.update(content=revised)  # content makes a new version
    # sagemaker-core's refresh asks for the version the object holds (ModelCardVersion=self.model_card_version),
    # so after a content update the object keeps showing version 1: get() describes the latest.
    latest = ModelCard.get("churn", **on)
    assert (latest.model_card_version, latest.content, latest.model_card_status) == (2, revised, "PendingReview")
    assert ModelCard.get("churn", model_card_version=1, **on).content == content
    assert [(v.model_card_version, v.model_card_status) for v in latest.get_all_versions()] == [
        (1, "PendingReview"), (2, "PendingReview")]
    assert [c.model_card_name for c in ModelCard.get_all(model_card_status="PendingReview", **on)] == ["churn"]
    metadata = ModelCard.get("churn", included_data="MetadataOnly", **on).content
    assert json.loads(metadata) == {"intended_uses": {"risk_rating": "Low"}}  # the paths the model lists only

    card.delete()
    with pytest.raises(ClientError) as gone:
        ModelCard.get("churn", **on)
    assert error_of(gone)[0] == "ResourceNotFound"


# -- waiting, lists and sessions --------------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads")
def test_waiters_poll_until_the_status_comes(on, boto_session, sdk_session):
    seen = statuses(boto_session, DescribeModelPackageGroup="ModelPackageGroupStatus",
                    DescribeModelPackage="ModelPackageStatus", DescribeNotebookInstance="NotebookInstanceStatus",
                    DescribeCompilationJob="CompilationJobStatus", DescribeProject="ProjectStatus")

    group = ModelPackageGroup.create(model_package_group_name="churn", **on)  # create describes once: Pending
    group.wait_for_status("Completed", **WAIT)
    group.delete()
    group.wait_for_delete(**WAIT)
    assert seen["DescribeModelPackageGroup"] == ["Pending", "InProgress", "Completed", "Deleting"]

    create_model_package_from_containers(
        sdk_session, containers=[{"Image": IMAGE}], content_types=["text/csv"], response_types=["text/csv"],
        inference_instances=["ml.m5.large"], transform_instances=["ml.m5.large"], model_package_name="churn")
    ModelPackage.get("churn", **on).wait_for_status("Completed", **WAIT)
    assert seen["DescribeModelPackage"] == ["Pending", "InProgress", "Completed"]

    notebook = NotebookInstance.create(notebook_instance_name="analysis", instance_type="ml.t3.medium",
                                       role_arn=ROLE, **on)
    notebook.wait_for_status("InService", **WAIT)
    notebook.stop()
    notebook.wait_for_status("Stopped", **WAIT)
    notebook.update(volume_size_in_gb=20)
    notebook.wait_for_status("Stopped", **WAIT)
    notebook.delete()
    notebook.wait_for_delete(**WAIT)
    assert seen["DescribeNotebookInstance"] == ["Pending", "InService", "Stopping", "Stopped", "Updating", "Stopped",
                                                "Deleting"]

    job = compile_job("resnet", on)
    job.wait(**WAIT)
    stopped = compile_job("stopped", on)
    stopped.stop()
    stopped.wait(**WAIT)
    assert stopped.compilation_job_status == "STOPPED"
    assert seen["DescribeCompilationJob"] == ["STARTING", "INPROGRESS", "COMPLETED", "STARTING", "STOPPING", "STOPPED"]

    product = ServiceCatalogProvisioningDetails(product_id="prod-abcdefghijklm")
    project = Project.create(project_name="churn", service_catalog_provisioning_details=product, **on)
    project.wait_for_status("CreateCompleted", **WAIT)
    project.delete()
    project.wait_for_status("DeleteCompleted", **WAIT)
    assert seen["DescribeProject"] == ["CreateInProgress", "CreateCompleted", "DeleteInProgress", "DeleteCompleted"]


def test_get_all_follows_next_tokens(on):
    # sagemock answers ten results a page unless asked otherwise; get_all pages through NextToken itself.
    for index in range(12):
        Experiment.create(experiment_name=f"experiment-{index:02d}", **on)
        Context.create(context_name=f"context-{index:02d}", source=ContextSource(source_uri=f"s3://bucket/{index}"),
                       context_type="Dataset", **on)
    numbers = [f"{index:02d}" for index in range(12)]
    experiments = Experiment.get_all(sort_by="Name", sort_order="Ascending", **on)
    assert [e.experiment_name for e in experiments] == [f"experiment-{number}" for number in numbers]
    contexts = Context.get_all(sort_by="Name", sort_order="Ascending", **on)
    assert [c.context_name for c in contexts] == [f"context-{number}" for number in numbers]


def test_each_session_acts_in_its_own_account_and_region(on):
    other = boto3.Session(region_name=REGION, aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="testing")
    ModelPackageGroup.create(model_package_group_name="churn", **on)
    ModelPackageGroup.create(model_package_group_name="churn", session=other, region=REGION)
    ModelPackageGroup.create(model_package_group_name="churn-eu", session=on["session"], region="eu-west-1")

    [theirs] = ModelPackageGroup.get_all(session=other, region=REGION)
    assert theirs.model_package_group_arn == f"arn:aws:sagemaker:{REGION}:{OTHER_ACCOUNT}:model-package-group/churn"
    theirs.delete()  # a listed resource keeps the session it was listed with
    assert list(ModelPackageGroup.get_all(session=other, region=REGION)) == []
    assert [g.model_package_group_arn for g in ModelPackageGroup.get_all(**on)] == [f"{ARN}:model-package-group/churn"]
    [european] = ModelPackageGroup.get_all(session=on["session"], region="eu-west-1")
    assert european.model_package_group_arn == f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package-group/churn-eu"


# -- the lineage helpers ----------------------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:The 'sagemaker\\.lineage:DeprecationWarning")  # sagemaker-core's own shim
def test_lineage_helpers_walk_a_models_lineage(sdk_session, on, sagemaker_mock):
    # dataset -> training job's trial component -> model -> deployment -> endpoint, as SageMaker records them.
    data = lineage_artifact.Artifact.create(artifact_name="train-data", source_uri="s3://bucket/train.csv",
                                            artifact_type="DataSet", properties={"rows": "1000"},
                                            sagemaker_session=sdk_session)
    training = TrialComponent.create(trial_component_name="churn-train-aws-training-job", **on)
    sagemaker_mock.set_trial_component_source(training.trial_component_arn, TRAINING_JOB, "SageMakerTrainingJob")
    model = lineage_artifact.Artifact.create(artifact_name="model", source_uri="s3://bucket/model.tar.gz",
                                             artifact_type="Model", sagemaker_session=sdk_session)
    deployment = lineage_action.Action.create(action_name="churn-deployment", source_uri=ENDPOINT,
                                              action_type="ModelDeployment", status="Completed",
                                              sagemaker_session=sdk_session)
    endpoint = lineage_context.Context.create(context_name="churn-endpoint", source_uri=ENDPOINT,
                                              context_type="Endpoint", sagemaker_session=sdk_session)
    edges = [(data.artifact_arn, training.trial_component_arn, "ContributedTo"),
             (training.trial_component_arn, model.artifact_arn, "Produced"),
             (model.artifact_arn, deployment.action_arn, "ContributedTo"),
             (deployment.action_arn, endpoint.context_arn, "AssociatedWith")]
    for source, destination, kind in edges:
        lineage_association.Association.create(source_arn=source, destination_arn=destination, association_type=kind,
                                               sagemaker_session=sdk_session)

    loaded = lineage_artifact.Artifact.load(data.artifact_arn, sagemaker_session=sdk_session)
    loaded.properties["owner"] = "ml"
    loaded.save()
    assert lineage_artifact.Artifact.load(data.artifact_arn, sagemaker_session=sdk_session).properties == {
        "rows": "1000", "owner": "ml"}
    datasets = lineage_artifact.Artifact.list(artifact_type="DataSet", sagemaker_session=sdk_session)
    assert [a.artifact_arn for a in datasets] == [data.artifact_arn]
    assert [a.destination_arn for a in lineage_association.Association.list(
        source_arn=data.artifact_arn, sagemaker_session=sdk_session)] == [training.trial_component_arn]

    found = LineageQuery(sdk_session).query(start_arns=[data.artifact_arn], direction=Direction.DESCENDANTS)
    assert [(v.arn, v.lineage_entity, v.lineage_source) for v in found.vertices] == [
        (training.trial_component_arn, "TrialComponent", "TrainingJob"), (model.artifact_arn, "Artifact", "Model"),
        (deployment.action_arn, "Action", "ModelDeployment"), (endpoint.context_arn, "Context", "Endpoint")]
    assert sorted((e.source_arn, e.destination_arn, e.association_type) for e in found.edges) == sorted(edges)
    models = LineageQuery(sdk_session).query(
        start_arns=[data.artifact_arn], direction=Direction.DESCENDANTS, include_edges=False,
        query_filter=LineageFilter(entities=[LineageEntityEnum.ARTIFACT], sources=[LineageSourceEnum.MODEL]))
    [model_vertex] = models.vertices
    assert models.edges == []
    as_object = model_vertex.to_lineage_object()
    assert (type(as_object), as_object.artifact_name) == (lineage_artifact.ModelArtifact, "model")

    at_endpoint = lineage_context.EndpointContext.load("churn-endpoint", sagemaker_session=sdk_session)
    assert [(type(a), a.artifact_name) for a in at_endpoint.dataset_artifacts()] == [
        (lineage_artifact.DatasetArtifact, "train-data")]
    assert at_endpoint.training_job_arns() == [TRAINING_JOB]
    assert [c.trial_component_name for c in at_endpoint.trial_components()] == [training.trial_component_name]
    assert [a.action_name for a in at_endpoint.actions(Direction.ASCENDANTS)] == ["churn-deployment"]
    assert [c.context_name for c in as_object.endpoint_contexts()] == ["churn-endpoint"]
    assert as_object.training_job_arns() == [TRAINING_JOB]
    job = LineageTrialComponent.load(training.trial_component_name, sagemaker_session=sdk_session)
    assert [a.artifact_name for a in job.dataset_artifacts()] == ["train-data"]
    assert [a.artifact_name for a in job.models()] == ["model"]
    upstream = lineage_action.Action.load("churn-deployment", sagemaker_session=sdk_session).artifacts(
        Direction.ASCENDANTS)
    assert [a.artifact_name for a in upstream] == ["model", "train-data"]
    table = LineageTableVisualizer(sdk_session).show(trial_component_name=training.trial_component_name)
    assert table[["Name/Source", "Direction", "Type", "Association Type"]].values.tolist() == [
        ["train-data", "Input", "DataSet", "ContributedTo"], ["model", "Output", "Model", "Produced"]]

    model.delete(disassociate=True)  # the helper removes the model's associations, then the model
    with pytest.raises(ClientError) as gone:
        lineage_artifact.Artifact.load(model.artifact_arn, sagemaker_session=sdk_session)
    assert error_of(gone)[0] == "ResourceNotFound"
    assert list(lineage_association.Association.list(destination_arn=deployment.action_arn,
                                                     sagemaker_session=sdk_session)) == []


# -- the experiments helpers ------------------------------------------------------------------------------------

def test_run_records_parameters_metrics_and_artifacts(sdk_session, sm):
    with Run(experiment_name="churn", run_name="LR-01", sagemaker_session=sdk_session) as run:
        run.log_parameter("lr", 0.01)
        run.log_parameters({"optimizer": "adam", "epochs": 3})
        for step, loss in enumerate([0.9, 0.5, 0.3]):
            run.log_metric("loss", loss, step=step)
        run.log_artifact("train", "s3://bucket/train.csv", media_type="text/csv", is_output=False)
        running = sm.describe_trial_component(TrialComponentName="churn-lr-01")["Status"]["PrimaryStatus"]

    assert running == "InProgress"
    assert run.experiment_config == {"ExperimentName": "churn", "TrialName": "Default-Run-Group-churn",
                                     "RunName": "churn-lr-01"}
    component = sm.describe_trial_component(TrialComponentName="churn-lr-01")
    assert component["Status"] == {"PrimaryStatus": "Completed"}
    assert component["Parameters"] == {"lr": {"NumberValue": 0.01}, "optimizer": {"StringValue": "adam"},
                                       "epochs": {"NumberValue": 3}}
    assert component["InputArtifacts"] == {"train": {"Value": "s3://bucket/train.csv", "MediaType": "text/csv"}}
    assert component["StartTime"] <= component["EndTime"]
    [loss] = component["Metrics"]
    assert (loss["MetricName"], loss["Count"], loss["Min"], loss["Max"], loss["Last"]) == ("loss", 3, 0.3, 0.9, 0.3)
    trials = sm.list_trials(ExperimentName="churn")["TrialSummaries"]
    assert [t["TrialName"] for t in trials] == ["Default-Run-Group-churn"]
    members = sm.list_trial_components(TrialName="Default-Run-Group-churn")["TrialComponentSummaries"]
    assert [c["TrialComponentName"] for c in members] == ["churn-lr-01"]


def test_a_run_that_raises_is_failed(sdk_session, sm):
    with pytest.raises(ValueError, match="loss diverged"):
        with Run(experiment_name="churn", run_name="lr-10", sagemaker_session=sdk_session):
            raise ValueError("loss diverged")
    status = sm.describe_trial_component(TrialComponentName="churn-lr-10")["Status"]
    assert status == {"PrimaryStatus": "Failed", "Message": "loss diverged"}


def test_load_run_and_list_runs(sdk_session, sm, monkeypatch):
    for name, lr in (("lr-01", 0.01), ("lr-10", 0.1)):
        with Run(experiment_name="churn", run_name=name, sagemaker_session=sdk_session) as run:
            run.log_parameter("lr", lr)
    # A component in the experiment that no Run made: list_runs tells them apart by the Run's tag.
    sm.create_trial_component(TrialComponentName="manual")
    sm.associate_trial_component(TrialComponentName="manual", TrialName="Default-Run-Group-churn")

    with load_run(experiment_name="churn", run_name="lr-01", sagemaker_session=sdk_session) as loaded:
        assert loaded._trial_component.parameters == {"lr": 0.01}
        loaded.log_parameter("batch", 32)
    assert sm.describe_trial_component(TrialComponentName="churn-lr-01")["Parameters"] == {
        "lr": {"NumberValue": 0.01}, "batch": {"NumberValue": 32}}
    assert sorted(r.run_name for r in list_runs(experiment_name="churn", sagemaker_session=sdk_session)) == [
        "lr-01", "lr-10"]

    # Inside a training job started with a run's experiment config, load_run() finds the run from the job.
    job_arn = sm.create_training_job(
        TrainingJobName="churn-train", RoleArn=ROLE, ExperimentConfig=run.experiment_config,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://bucket/output"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})["TrainingJobArn"]
    monkeypatch.setenv("TRAINING_JOB_ARN", job_arn)
    with load_run(sagemaker_session=sdk_session) as in_job:
        assert (in_job.experiment_name, in_job.run_name) == ("churn", "lr-10")
        in_job.log_metric("accuracy", 0.93)
    [accuracy] = sm.describe_trial_component(TrialComponentName="churn-lr-10")["Metrics"]
    assert (accuracy["MetricName"], accuracy["Last"]) == ("accuracy", 0.93)


def test_experiment_helpers_and_delete_all(sdk_session, monkeypatch):
    slept = []  # the helpers sleep 1.2 s between deletes "to prevent throttling"; sagemock does not throttle
    monkeypatch.setattr(experiment_helpers, "time", types.SimpleNamespace(sleep=slept.append))
    monkeypatch.setattr(trial_component_helpers, "time", types.SimpleNamespace(sleep=slept.append))
    experiment = experiment_helpers.Experiment.create(experiment_name="churn", description="churn models",
                                                      sagemaker_session=sdk_session)
    trial = _Trial.create(trial_name="lr-0-01", experiment_name="churn", sagemaker_session=sdk_session)
    component = trial_component_helpers._TrialComponent.create(trial_component_name="train",
                                                               sagemaker_session=sdk_session)
    trial.add_trial_component(component)
    experiment.description = "churn models, 2024"
    experiment.save()

    loaded = experiment_helpers.Experiment.load("churn", sagemaker_session=sdk_session)
    assert (loaded.experiment_arn, loaded.description) == (f"{ARN}:experiment/churn", "churn models, 2024")
    assert [t.trial_name for t in loaded.list_trials()] == ["lr-0-01"]
    assert [c.trial_component_name for c in trial.list_trial_components()] == ["train"]
    searched = trial_component_helpers._TrialComponent.search(sagemaker_session=sdk_session)
    assert [(c.trial_component_name, [p.trial_name for p in c.parents]) for c in searched] == [("train", ["lr-0-01"])]

    loaded._delete_all(action="--force")
    assert slept  # it did go through its waits
    for load, name in ((experiment_helpers.Experiment.load, "churn"), (_Trial.load, "lr-0-01"),
                       (trial_component_helpers._TrialComponent.load, "train")):
        with pytest.raises(ClientError) as gone:
            load(name, sagemaker_session=sdk_session)
        assert error_of(gone)[0] == "ResourceNotFound"


# -- with moto beside sagemock ----------------------------------------------------------------------------------

def test_run_uploads_files_to_the_default_bucket_moto_serves(sagemaker_mock, tmp_path):
    moto = pytest.importorskip("moto")
    report = tmp_path / "report.txt"
    report.write_text("accuracy 0.93\n")
    with moto.mock_aws():
        boto_session = boto3.Session(region_name=REGION)
        sdk_session = Session(boto_session=boto_session, sagemaker_config=SDK_CONFIG)
        bucket = sdk_session.default_bucket()  # STS for the account, then S3: both moto's
        with Run(experiment_name="churn", run_name="lr-01", sagemaker_session=sdk_session) as run:
            run.log_file(str(report), name="report", is_output=True)

        assert bucket == f"sagemaker-{REGION}-{ACCOUNT}"
        key = "trial-component-artifacts/churn-lr-01/report.txt"
        assert boto_session.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read() == b"accuracy 0.93\n"
        outputs = boto_session.client("sagemaker").describe_trial_component(
            TrialComponentName="churn-lr-01")["OutputArtifacts"]
        assert outputs == {"report": {"Value": f"s3://{bucket}/{key}", "MediaType": "text/plain"}}


def test_pipeline_definition_in_s3_moto_serves(sagemaker_mock):
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        boto_session = boto3.Session(region_name=REGION)
        s3 = boto_session.client("s3")
        s3.create_bucket(Bucket="definitions")
        s3.put_object(Bucket="definitions", Key="churn.json", Body=json.dumps(DEFINITION).encode())
        pipeline = Pipeline.create(
            pipeline_name="churn", client_request_token=str(uuid.uuid4()), role_arn=ROLE,
            pipeline_definition_s3_location=PipelineDefinitionS3Location(bucket="definitions", object_key="churn.json"),
            session=boto_session, region=REGION)
        assert json.loads(pipeline.pipeline_definition) == DEFINITION
