"""Notebook instances and their lifecycle configurations, through boto3 as a user drives them."""
from __future__ import annotations

import base64
import datetime as _dt
import re
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, WaiterError
from freezegun import freeze_time

from sagemock.core import service
from sagemock.core.errors import ValidationError
from tests.model_support import newest_matching, requires_member

ACCOUNT = "123456789012"
#: The newest notebook platform the installed model accepts (botocore 1.35 knows up to notebook-al2-v2).
PLATFORM = newest_matching("PlatformIdentifier", ["notebook-al2-v2", "notebook-al2-v3"])
REGION = "us-east-1"
NOTEBOOK_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/"
CONFIG_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance-lifecycle-config/"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole"
SCRIPT = base64.b64encode(b"#!/bin/bash\necho start\n").decode()
OTHER_SCRIPT = base64.b64encode(b"#!/bin/bash\necho other\n").decode()
STATUSES = service.enum_values("NotebookInstanceStatus")


@pytest.fixture
def unchecked_client(sagemaker_mock):
    """A client that sends what botocore's own parameter checks would stop, so the mock's are seen."""
    return boto3.client("sagemaker", region_name=REGION, aws_access_key_id=ACCOUNT, aws_secret_access_key="x",
                        config=Config(parameter_validation=False))


def create(client, name="nb", instance_type="ml.t3.medium", **kwargs):
    return client.create_notebook_instance(NotebookInstanceName=name, InstanceType=instance_type, RoleArn=ROLE,
                                           **kwargs)["NotebookInstanceArn"]


def create_config(client, name="lc", **kwargs):
    kwargs.setdefault("OnStart", [{"Content": SCRIPT}])
    return client.create_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name,
                                                            **kwargs)["NotebookInstanceLifecycleConfigArn"]


def describe(client, name="nb"):
    document = client.describe_notebook_instance(NotebookInstanceName=name)
    document.pop("ResponseMetadata")
    return document


def status(client, name="nb"):
    return client.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"]


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def names(client, **kwargs):
    return [item["NotebookInstanceName"] for item in client.list_notebook_instances(**kwargs)["NotebookInstances"]]


def refusal(arn, current, allowed, target):
    return f"Status ({current}) not in ([{', '.join(allowed)}]). Unable to transition to ({target}) for Notebook Instance ({arn})."


def stopped(client, name="nb", **kwargs):
    """A notebook created and stopped (the status Update and Delete need)."""
    arn = create(client, name, **kwargs)
    client.stop_notebook_instance(NotebookInstanceName=name)
    return arn


# -- CreateNotebookInstance / DescribeNotebookInstance ---------------------------------------------

def test_create_then_describe_with_the_documented_defaults(sagemaker_client):
    arn = create(sagemaker_client, "My-Notebook")
    # The ARN keeps the name's case (ListNotebookInstances output of 2024:
    # `notebook-instance/MySageMakerWorkshopNotebook`); AWS lower-cased it before late 2022.
    assert arn == NOTEBOOK_ARN + "My-Notebook"

    notebook = describe(sagemaker_client, "My-Notebook")
    assert notebook["NotebookInstanceArn"] == arn
    assert notebook["NotebookInstanceName"] == "My-Notebook"
    assert notebook["NotebookInstanceStatus"] == "InService"
    assert notebook["Url"] == f"my-notebook.notebook.{REGION}.sagemaker.aws"
    assert notebook["InstanceType"] == "ml.t3.medium"
    assert notebook["RoleArn"] == ROLE
    assert notebook["DirectInternetAccess"] == "Enabled"
    assert notebook["RootAccess"] == "Enabled"
    assert notebook["VolumeSizeInGB"] == 5
    assert isinstance(notebook["CreationTime"], _dt.datetime)
    assert notebook["LastModifiedTime"] >= notebook["CreationTime"]
    for absent in ("SubnetId", "SecurityGroups", "NetworkInterfaceId", "KmsKeyId", "FailureReason",
                   "NotebookInstanceLifecycleConfigName", "AcceleratorTypes", "DefaultCodeRepository",
                   "AdditionalCodeRepositories", "InstanceMetadataServiceConfiguration"):
        assert absent not in notebook


@requires_member("CreateNotebookInstance", "PlatformIdentifier")
def test_platform_identifier_defaults_to_the_documented_value(sagemaker_client):
    create(sagemaker_client)
    documented = service.operation("CreateNotebookInstance").input_shape.members["PlatformIdentifier"].documentation
    found = re.search(r"default value is <code>([\w-]+)</code>", documented)
    if found is None:  # older models state no default: none is described
        assert "PlatformIdentifier" not in describe(sagemaker_client)
    else:
        assert describe(sagemaker_client)["PlatformIdentifier"] == found.group(1)


@requires_member("CreateNotebookInstance", "IpAddressType")
def test_ip_address_type_defaults_to_ipv4(sagemaker_client):
    create(sagemaker_client)
    assert describe(sagemaker_client)["IpAddressType"] == "ipv4"
    create(sagemaker_client, "dual", SubnetId="subnet-0abc", IpAddressType="dualstack")
    assert describe(sagemaker_client, "dual")["IpAddressType"] == "dualstack"


def test_every_create_field_is_kept(sagemaker_client):
    create_config(sagemaker_client, "setup")
    create(sagemaker_client, instance_type="ml.c5d.2xlarge", SubnetId="subnet-0abc123",
           SecurityGroupIds=["sg-1", "sg-2"], KmsKeyId="arn:aws:kms:us-east-1:123456789012:key/k",
           LifecycleConfigName="setup", DirectInternetAccess="Disabled", VolumeSizeInGB=50,
           AcceleratorTypes=["ml.eia2.medium"], DefaultCodeRepository="https://github.com/org/repo.git",
           AdditionalCodeRepositories=["repo-two", "https://github.com/org/three"], RootAccess="Disabled")
    notebook = describe(sagemaker_client)
    assert notebook["InstanceType"] == "ml.c5d.2xlarge"
    assert notebook["SubnetId"] == "subnet-0abc123"
    assert notebook["SecurityGroups"] == ["sg-1", "sg-2"]  # SecurityGroupIds on the way in
    assert re.fullmatch(r"eni-[0-9a-f]{17}", notebook["NetworkInterfaceId"])
    assert notebook["KmsKeyId"] == "arn:aws:kms:us-east-1:123456789012:key/k"
    assert notebook["NotebookInstanceLifecycleConfigName"] == "setup"  # LifecycleConfigName on the way in
    assert notebook["DirectInternetAccess"] == "Disabled"
    assert notebook["VolumeSizeInGB"] == 50
    assert notebook["AcceleratorTypes"] == ["ml.eia2.medium"]
    assert notebook["DefaultCodeRepository"] == "https://github.com/org/repo.git"
    assert notebook["AdditionalCodeRepositories"] == ["repo-two", "https://github.com/org/three"]
    assert notebook["RootAccess"] == "Disabled"


@requires_member("CreateNotebookInstance", "InstanceMetadataServiceConfiguration")
def test_platform_and_imds_configuration_are_kept(sagemaker_client):
    create(sagemaker_client, PlatformIdentifier=PLATFORM,
           InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "2"})
    notebook = describe(sagemaker_client)
    assert notebook["PlatformIdentifier"] == PLATFORM
    assert notebook["InstanceMetadataServiceConfiguration"] == {"MinimumInstanceMetadataServiceVersion": "2"}


def test_network_interface_ids_come_from_the_seeded_random_source(sagemaker_client, sagemaker_mock):
    sagemaker_mock.seed(42)
    create(sagemaker_client, SubnetId="subnet-1")
    first = describe(sagemaker_client)["NetworkInterfaceId"]
    create(sagemaker_client, "other", SubnetId="subnet-1")
    assert describe(sagemaker_client, "other")["NetworkInterfaceId"] != first
    sagemaker_mock.reset()
    sagemaker_mock.seed(42)
    create(sagemaker_client, SubnetId="subnet-1")
    assert describe(sagemaker_client)["NetworkInterfaceId"] == first


@pytest.mark.parametrize("instance_type", [t for t in service.enum_values("InstanceType") if t.startswith("ml.c5d.")])
def test_c5d_instance_types_are_accepted(sagemaker_client, instance_type):
    create(sagemaker_client, instance_type=instance_type)
    assert describe(sagemaker_client)["InstanceType"] == instance_type


def test_an_instance_type_outside_the_model_is_refused(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, instance_type="ml.c5d.huge")
    code, message = error_of(err)
    assert code == "ValidationException" and "instanceType" in message
    assert names(sagemaker_client) == []


def test_volume_below_the_model_minimum_is_refused(sagemaker_client, unchecked_client):
    with pytest.raises(ClientError) as err:
        create(unchecked_client, VolumeSizeInGB=4)
    assert error_of(err)[0] == "ValidationException"
    assert names(sagemaker_client) == []


def test_duplicate_name_is_refused_and_keeps_the_first(sagemaker_client):
    arn = create(sagemaker_client, "nb", instance_type="ml.t3.large")
    for name in ("nb", "NB"):  # names are unique regardless of case
        with pytest.raises(ClientError) as err:
            create(sagemaker_client, name, instance_type="ml.m5.xlarge")
        assert error_of(err) == ("ValidationException", f"Cannot create a duplicate Notebook Instance ({arn})")
    assert describe(sagemaker_client)["InstanceType"] == "ml.t3.large"
    assert names(sagemaker_client) == ["nb"]


def test_internet_access_can_be_disabled_only_in_a_subnet(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, DirectInternetAccess="Disabled")
    code, message = error_of(err)
    assert code == "ValidationException" and "SubnetId" in message
    assert names(sagemaker_client) == []
    create(sagemaker_client, DirectInternetAccess="Disabled", SubnetId="subnet-1")
    assert describe(sagemaker_client)["DirectInternetAccess"] == "Disabled"


def test_only_one_accelerator_type(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, AcceleratorTypes=["ml.eia1.medium", "ml.eia2.large"])
    code, message = error_of(err)
    assert code == "ValidationException" and "Only one" in message
    assert names(sagemaker_client) == []


def test_more_than_three_additional_repositories_is_refused_by_the_model(sagemaker_client, unchecked_client):
    with pytest.raises(ClientError) as err:
        create(unchecked_client, AdditionalCodeRepositories=["a", "b", "c", "d"])
    assert error_of(err)[0] == "ValidationException"
    assert names(sagemaker_client) == []


def test_a_notebook_may_only_name_an_existing_lifecycle_config(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, LifecycleConfigName="missing")
    assert error_of(err) == ("ValidationException",
                             f"Unable to describe Notebook Instance Lifecycle Config '{CONFIG_ARN}missing'. "
                             "(Details: Notebook Instance Lifecycle Config does not exist.)")
    assert names(sagemaker_client) == []


def test_reserved_tag_key_creates_nothing(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create(sagemaker_client, Tags=[{"Key": "aws:team", "Value": "x"}])
    assert error_of(err)[0] == "ValidationException"
    assert names(sagemaker_client) == []


def test_tags_on_create_and_gone_with_the_notebook(sagemaker_client):
    arn = create(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
    sagemaker_client.stop_notebook_instance(NotebookInstanceName="nb")
    sagemaker_client.delete_notebook_instance(NotebookInstanceName="nb")
    with pytest.raises(ClientError):
        sagemaker_client.list_tags(ResourceArn=arn)


@pytest.mark.parametrize("call", [
    lambda c: c.describe_notebook_instance(NotebookInstanceName="ghost"),
    lambda c: c.start_notebook_instance(NotebookInstanceName="ghost"),
    lambda c: c.stop_notebook_instance(NotebookInstanceName="ghost"),
    lambda c: c.update_notebook_instance(NotebookInstanceName="ghost", VolumeSizeInGB=10),
    lambda c: c.delete_notebook_instance(NotebookInstanceName="ghost"),
    lambda c: c.create_presigned_notebook_instance_url(NotebookInstanceName="ghost"),
], ids=["describe", "start", "stop", "update", "delete", "presigned-url"])
def test_a_missing_notebook_is_record_not_found(sagemaker_client, call):
    with pytest.raises(ClientError) as err:
        call(sagemaker_client)
    assert error_of(err) == ("ValidationException", "RecordNotFound")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


# -- the status machine ------------------------------------------------------------------------------

@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_each_transition_is_observable_step_by_step(sagemaker_client):
    create(sagemaker_client)
    pending = describe(sagemaker_client)
    assert pending["NotebookInstanceStatus"] == "Pending" and "Url" not in pending
    in_service = describe(sagemaker_client)
    assert in_service["NotebookInstanceStatus"] == "InService"
    assert in_service["Url"] == f"nb.notebook.{REGION}.sagemaker.aws"

    sagemaker_client.stop_notebook_instance(NotebookInstanceName="nb")
    assert [status(sagemaker_client) for _ in range(3)] == ["Stopping", "Stopped", "Stopped"]
    assert describe(sagemaker_client)["Url"] == in_service["Url"]  # the URL stays with the instance

    sagemaker_client.start_notebook_instance(NotebookInstanceName="nb")
    assert [status(sagemaker_client) for _ in range(2)] == ["Pending", "InService"]

    sagemaker_client.stop_notebook_instance(NotebookInstanceName="nb")
    assert [status(sagemaker_client) for _ in range(2)] == ["Stopping", "Stopped"]
    sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.m5.xlarge")
    assert [status(sagemaker_client) for _ in range(2)] == ["Updating", "Stopped"]

    sagemaker_client.delete_notebook_instance(NotebookInstanceName="nb")
    assert status(sagemaker_client) == "Deleting"
    with pytest.raises(ClientError) as err:
        status(sagemaker_client)
    assert error_of(err) == ("ValidationException", "RecordNotFound")
    assert names(sagemaker_client) == []


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_notebook_in_transition_refuses_what_its_status_refuses(sagemaker_client):
    arn = create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.stop_notebook_instance(NotebookInstanceName="nb")  # sees Pending
    assert error_of(err) == ("ValidationException", refusal(arn, "Pending", ["InService"], "Stopping"))
    # the refused call is not a read: the walk is where it was, and goes on with the reads
    assert [status(sagemaker_client) for _ in range(2)] == ["Pending", "InService"]


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_deleting_notebook_still_holds_its_name(sagemaker_client):
    arn = create(sagemaker_client)
    assert [status(sagemaker_client) for _ in range(2)] == ["Pending", "InService"]
    sagemaker_client.stop_notebook_instance(NotebookInstanceName="nb")
    assert [status(sagemaker_client) for _ in range(2)] == ["Stopping", "Stopped"]
    sagemaker_client.delete_notebook_instance(NotebookInstanceName="nb")
    with pytest.raises(ClientError) as err:
        create(sagemaker_client)  # the notebook is still Deleting
    assert error_of(err) == ("ValidationException", f"Cannot create a duplicate Notebook Instance ({arn})")
    assert status(sagemaker_client) == "Deleting"  # a read ...
    with pytest.raises(ClientError):
        status(sagemaker_client)  # ... and the next one finds it gone
    create(sagemaker_client)
    assert [status(sagemaker_client) for _ in range(2)] == ["Pending", "InService"]


def test_last_modified_time_follows_every_status_change(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    created = describe(sagemaker_client)
    sagemaker_mock.advance(120)
    sagemaker_client.stop_notebook_instance(NotebookInstanceName="nb")
    after_stop = describe(sagemaker_client)
    assert after_stop["CreationTime"] == created["CreationTime"]
    assert (after_stop["LastModifiedTime"] - created["LastModifiedTime"]).total_seconds() == pytest.approx(120, abs=1)


def _into(client, mock, wanted):
    """A notebook put into `wanted` through the mock (the test's hand on the state machine)."""
    arn = create(client)
    mock.set_status(arn, wanted)
    assert status(client) == wanted
    return arn


GUARDED = [
    ("stop", ["InService"], "Stopping", lambda c: c.stop_notebook_instance(NotebookInstanceName="nb")),
    ("start", ["Stopped", "Failed"], "Pending", lambda c: c.start_notebook_instance(NotebookInstanceName="nb")),
    ("update", ["Stopped", "Failed"], "Updating",
     lambda c: c.update_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.m5.xlarge", VolumeSizeInGB=9)),
    ("delete", ["Stopped", "Failed"], "Deleting", lambda c: c.delete_notebook_instance(NotebookInstanceName="nb")),
]


@pytest.mark.parametrize("operation, allowed, target, call", GUARDED, ids=[g[0] for g in GUARDED])
@pytest.mark.parametrize("current", STATUSES)
def test_each_operation_is_accepted_only_from_the_statuses_aws_accepts(
        sagemaker_client, sagemaker_mock, operation, allowed, target, call, current):
    arn = _into(sagemaker_client, sagemaker_mock, current)
    before = describe(sagemaker_client)
    if current in allowed:
        call(sagemaker_client)
        after = {"stop": "Stopped", "start": "InService", "update": "Stopped"}.get(operation)
        if after is None:  # delete
            with pytest.raises(ClientError) as err:
                describe(sagemaker_client)
            assert error_of(err) == ("ValidationException", "RecordNotFound")
        else:
            assert status(sagemaker_client) == after
        return
    with pytest.raises(ClientError) as err:
        call(sagemaker_client)
    assert error_of(err) == ("ValidationException", refusal(arn, current, allowed, target))
    assert describe(sagemaker_client) == before  # a refused call changes nothing


# -- planned failures and forced statuses -------------------------------------------------------------

def test_a_planned_failure_fails_the_create(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("notebook-instance", reason="Insufficient capacity for ml.p3.2xlarge.")
    create(sagemaker_client, instance_type="ml.p3.2xlarge")
    notebook = describe(sagemaker_client)
    assert notebook["NotebookInstanceStatus"] == "Failed"
    assert notebook["FailureReason"] == "Insufficient capacity for ml.p3.2xlarge."
    assert "Url" not in notebook
    with pytest.raises(WaiterError) as err:
        sagemaker_client.get_waiter("notebook_instance_in_service").wait(NotebookInstanceName="nb")
    assert "Failed" in str(err.value)
    # A failed notebook can be started again, which clears the reason.
    sagemaker_client.start_notebook_instance(NotebookInstanceName="nb")
    notebook = describe(sagemaker_client)
    assert notebook["NotebookInstanceStatus"] == "InService" and "FailureReason" not in notebook


def test_a_named_failure_waits_for_its_notebook(sagemaker_client, sagemaker_mock):
    sagemaker_mock.fail_next("notebook-instance", reason="lifecycle script took longer than 5 minutes", name="second")
    create(sagemaker_client, "first")
    create(sagemaker_client, "second")
    assert status(sagemaker_client, "first") == "InService"
    assert describe(sagemaker_client, "second")["FailureReason"] == "lifecycle script took longer than 5 minutes"


def test_a_planned_failure_can_fail_a_start(sagemaker_client, sagemaker_mock):
    stopped(sagemaker_client)
    sagemaker_mock.fail_next("notebook-instance", reason="could not start")
    sagemaker_client.start_notebook_instance(NotebookInstanceName="nb")
    notebook = describe(sagemaker_client)
    assert (notebook["NotebookInstanceStatus"], notebook["FailureReason"]) == ("Failed", "could not start")
    sagemaker_client.delete_notebook_instance(NotebookInstanceName="nb")  # a failed notebook can be deleted
    assert names(sagemaker_client) == []


def test_set_status_with_a_reason(sagemaker_client, sagemaker_mock):
    arn = create(sagemaker_client)
    sagemaker_mock.set_status(arn, "Failed", reason="volume could not be attached")
    notebook = describe(sagemaker_client)
    assert (notebook["NotebookInstanceStatus"], notebook["FailureReason"]) == ("Failed", "volume could not be attached")
    with pytest.raises(ValidationError, match="is not a NotebookInstanceStatus"):
        sagemaker_mock.set_status(arn, "Running")  # not a NotebookInstanceStatus


# -- waiters ---------------------------------------------------------------------------------------------

def test_the_three_waiters_finish_without_sleeping(sagemaker_client):
    create(sagemaker_client)
    for waiter, then in (("notebook_instance_in_service", "stop_notebook_instance"),
                         ("notebook_instance_stopped", "delete_notebook_instance"),
                         ("notebook_instance_deleted", None)):
        started = time.perf_counter()
        sagemaker_client.get_waiter(waiter).wait(NotebookInstanceName="nb")
        assert time.perf_counter() - started < 1.0, waiter
        if then:
            getattr(sagemaker_client, then)(NotebookInstanceName="nb")


def test_waiter_after_a_start_and_an_update(sagemaker_client):
    stopped(sagemaker_client)
    sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", VolumeSizeInGB=20)
    started = time.perf_counter()
    sagemaker_client.get_waiter("notebook_instance_stopped").wait(NotebookInstanceName="nb")
    sagemaker_client.start_notebook_instance(NotebookInstanceName="nb")
    sagemaker_client.get_waiter("notebook_instance_in_service").wait(NotebookInstanceName="nb")
    assert time.perf_counter() - started < 1.0


# -- UpdateNotebookInstance -------------------------------------------------------------------------------

def test_update_changes_only_what_it_names(sagemaker_client):
    create_config(sagemaker_client, "setup")
    stopped(sagemaker_client, KmsKeyId="key", DefaultCodeRepository="repo", SubnetId="subnet-1",
            SecurityGroupIds=["sg-1"])
    before = describe(sagemaker_client)
    sagemaker_client.update_notebook_instance(
        NotebookInstanceName="nb", InstanceType="ml.c5d.4xlarge", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/Other",
        LifecycleConfigName="setup", VolumeSizeInGB=30, AdditionalCodeRepositories=["extra"],
        AcceleratorTypes=["ml.eia1.large"], RootAccess="Disabled")
    after = describe(sagemaker_client)
    assert after["InstanceType"] == "ml.c5d.4xlarge"
    assert after["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/Other"
    assert after["NotebookInstanceLifecycleConfigName"] == "setup"
    assert after["VolumeSizeInGB"] == 30
    assert after["AdditionalCodeRepositories"] == ["extra"]
    assert after["AcceleratorTypes"] == ["ml.eia1.large"]
    assert after["RootAccess"] == "Disabled"
    for kept in ("KmsKeyId", "DefaultCodeRepository", "SubnetId", "SecurityGroups", "NetworkInterfaceId",
                 "DirectInternetAccess", "CreationTime", "NotebookInstanceArn"):
        assert after[kept] == before[kept]
    assert after["NotebookInstanceStatus"] == "Stopped"


@requires_member("UpdateNotebookInstance", "PlatformIdentifier")
def test_update_platform_and_imds(sagemaker_client):
    stopped(sagemaker_client)
    sagemaker_client.update_notebook_instance(
        NotebookInstanceName="nb", PlatformIdentifier=PLATFORM,
        InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "2"})
    notebook = describe(sagemaker_client)
    assert notebook["PlatformIdentifier"] == PLATFORM
    assert notebook["InstanceMetadataServiceConfiguration"] == {"MinimumInstanceMetadataServiceVersion": "2"}


def test_the_volume_can_grow_but_not_shrink(sagemaker_client):
    arn = stopped(sagemaker_client, VolumeSizeInGB=20)
    sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", VolumeSizeInGB=20)  # equal is fine
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", VolumeSizeInGB=19,
                                                  InstanceType="ml.m5.xlarge")
    code, message = error_of(err)
    assert code == "ValidationException" and arn in message and "cannot be decreased" in message
    assert describe(sagemaker_client) == before
    sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", VolumeSizeInGB=21)
    assert describe(sagemaker_client)["VolumeSizeInGB"] == 21


DISASSOCIATIONS = [
    ("DisassociateLifecycleConfig", "NotebookInstanceLifecycleConfigName", "LifecycleConfigName", "setup"),
    ("DisassociateAcceleratorTypes", "AcceleratorTypes", "AcceleratorTypes", ["ml.eia2.xlarge"]),
    ("DisassociateDefaultCodeRepository", "DefaultCodeRepository", "DefaultCodeRepository", "repo"),
    ("DisassociateAdditionalCodeRepositories", "AdditionalCodeRepositories", "AdditionalCodeRepositories", ["a"]),
]


def _full(client):
    create_config(client, "setup")
    return stopped(client, LifecycleConfigName="setup", AcceleratorTypes=["ml.eia1.medium"],
                   DefaultCodeRepository="https://github.com/org/main", AdditionalCodeRepositories=["x", "y"])


@pytest.mark.parametrize("flag, member, request_member, value", DISASSOCIATIONS, ids=[d[0] for d in DISASSOCIATIONS])
def test_a_disassociate_flag_removes_what_it_names_idempotently(sagemaker_client, flag, member, request_member,
                                                                 value):
    _full(sagemaker_client)
    before = describe(sagemaker_client)
    sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", **{flag: True})
    after = describe(sagemaker_client)
    assert member not in after
    others = {d[1] for d in DISASSOCIATIONS} - {member}
    assert all(after[other] == before[other] for other in others)
    sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", **{flag: True})  # nothing to remove: fine
    assert member not in describe(sagemaker_client)
    sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", **{flag: False, request_member: value})
    assert describe(sagemaker_client)[member] == value


@pytest.mark.parametrize("flag, member, request_member, value", DISASSOCIATIONS, ids=[d[0] for d in DISASSOCIATIONS])
def test_a_disassociate_flag_with_the_value_it_removes_is_refused(sagemaker_client, flag, member, request_member,
                                                                  value):
    _full(sagemaker_client)
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", VolumeSizeInGB=40,
                                                  **{flag: True, request_member: value})
    code, message = error_of(err)
    assert code == "ValidationException" and flag in message and request_member in message
    assert describe(sagemaker_client) == before


def test_update_may_only_name_an_existing_lifecycle_config(sagemaker_client):
    stopped(sagemaker_client)
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_notebook_instance(NotebookInstanceName="nb", LifecycleConfigName="missing",
                                                  VolumeSizeInGB=50)
    code, message = error_of(err)
    assert code == "ValidationException" and f"'{CONFIG_ARN}missing'" in message
    assert describe(sagemaker_client) == before


def test_update_refuses_two_accelerators(sagemaker_client):
    stopped(sagemaker_client)
    before = describe(sagemaker_client)
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_notebook_instance(NotebookInstanceName="nb",
                                                  AcceleratorTypes=["ml.eia1.medium", "ml.eia1.large"])
    assert error_of(err)[0] == "ValidationException"
    assert describe(sagemaker_client) == before


# -- ListNotebookInstances --------------------------------------------------------------------------------

def test_list_defaults_to_name_ascending_with_summaries(sagemaker_client):
    create_config(sagemaker_client, "setup")
    for name in ("charlie", "alpha", "bravo"):
        create(sagemaker_client, name, LifecycleConfigName="setup", DefaultCodeRepository="main",
               AdditionalCodeRepositories=["extra"])
    listed = sagemaker_client.list_notebook_instances()["NotebookInstances"]
    assert [item["NotebookInstanceName"] for item in listed] == ["alpha", "bravo", "charlie"]
    summary = listed[0]
    assert summary["NotebookInstanceArn"] == NOTEBOOK_ARN + "alpha"
    assert summary["NotebookInstanceStatus"] == "InService"
    assert summary["Url"] == f"alpha.notebook.{REGION}.sagemaker.aws"
    assert summary["InstanceType"] == "ml.t3.medium"
    assert summary["NotebookInstanceLifecycleConfigName"] == "setup"
    assert summary["DefaultCodeRepository"] == "main"
    assert summary["AdditionalCodeRepositories"] == ["extra"]
    assert {"CreationTime", "LastModifiedTime"} <= set(summary)
    assert "RoleArn" not in summary and "VolumeSizeInGB" not in summary


def test_list_sorts_by_each_key(sagemaker_client, sagemaker_mock):
    for name in ("b", "c", "a"):
        create(sagemaker_client, name)
        sagemaker_mock.advance(1)
    sagemaker_client.stop_notebook_instance(NotebookInstanceName="c")
    arn = create(sagemaker_client, "d")
    sagemaker_mock.set_status(arn, "Failed")
    assert names(sagemaker_client, SortBy="Name", SortOrder="Descending") == ["d", "c", "b", "a"]
    assert names(sagemaker_client, SortBy="CreationTime") == ["b", "c", "a", "d"]
    assert names(sagemaker_client, SortBy="CreationTime", SortOrder="Descending") == ["d", "a", "c", "b"]
    by_status = names(sagemaker_client, SortBy="Status")  # Failed, InService x2, Stopped
    assert by_status[0] == "d" and set(by_status[1:3]) == {"a", "b"} and by_status[3] == "c"
    assert names(sagemaker_client, SortBy="Status", SortOrder="Descending")[0] == "c"


def test_list_filters(sagemaker_client, sagemaker_mock):
    create_config(sagemaker_client, "auto-stop")
    create_config(sagemaker_client, "install")
    create(sagemaker_client, "team-a-one", LifecycleConfigName="auto-stop",
           DefaultCodeRepository="https://github.com/org/analytics", AdditionalCodeRepositories=["shared"])
    sagemaker_mock.advance(10)
    middle = sagemaker_client.describe_notebook_instance(NotebookInstanceName="team-a-one")["CreationTime"] + \
        _dt.timedelta(seconds=5)
    create(sagemaker_client, "team-b-two", LifecycleConfigName="install", DefaultCodeRepository="models",
           AdditionalCodeRepositories=["shared", "https://github.com/org/x"])
    sagemaker_mock.advance(10)
    create(sagemaker_client, "solo")
    sagemaker_client.stop_notebook_instance(NotebookInstanceName="solo")

    assert names(sagemaker_client, NameContains="team") == ["team-a-one", "team-b-two"]
    assert names(sagemaker_client, NameContains="TEAM-B") == ["team-b-two"]
    assert names(sagemaker_client, StatusEquals="Stopped") == ["solo"]
    assert names(sagemaker_client, StatusEquals="InService") == ["team-a-one", "team-b-two"]
    assert names(sagemaker_client, CreationTimeBefore=middle) == ["team-a-one"]
    assert names(sagemaker_client, CreationTimeAfter=middle) == ["solo", "team-b-two"]
    assert names(sagemaker_client, LastModifiedTimeAfter=middle + _dt.timedelta(seconds=10)) == ["solo"]
    assert names(sagemaker_client, LastModifiedTimeBefore=middle) == ["team-a-one"]
    assert names(sagemaker_client, NotebookInstanceLifecycleConfigNameContains="stop") == ["team-a-one"]
    assert names(sagemaker_client, DefaultCodeRepositoryContains="analytics") == ["team-a-one"]
    assert names(sagemaker_client, DefaultCodeRepositoryContains="models") == ["team-b-two"]
    assert names(sagemaker_client, AdditionalCodeRepositoryEquals="shared") == ["team-a-one", "team-b-two"]
    assert names(sagemaker_client, AdditionalCodeRepositoryEquals="https://github.com/org/x") == ["team-b-two"]
    assert names(sagemaker_client, AdditionalCodeRepositoryEquals="share") == []
    assert names(sagemaker_client, NameContains="team", StatusEquals="Stopped") == []


def test_list_pages_with_the_botocore_paginator(sagemaker_client):
    expected = [f"nb-{index:02d}" for index in range(23)]
    for name in reversed(expected):
        create(sagemaker_client, name)
    pages = list(sagemaker_client.get_paginator("list_notebook_instances").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(page["NotebookInstances"]) for page in pages] == [5, 5, 5, 5, 3]
    assert [item["NotebookInstanceName"] for page in pages for item in page["NotebookInstances"]] == expected
    assert "NextToken" not in pages[-1]
    first = sagemaker_client.list_notebook_instances()
    assert len(first["NotebookInstances"]) == 10 and "NextToken" in first
    with pytest.raises(ClientError) as err:
        sagemaker_client.list_notebook_instances(NextToken="not-a-token")
    assert error_of(err)[0] == "ValidationException"


# -- CreatePresignedNotebookInstanceUrl -----------------------------------------------------------------

def test_presigned_url_for_the_notebook(sagemaker_client):
    create(sagemaker_client, "Analysis")
    first = sagemaker_client.create_presigned_notebook_instance_url(NotebookInstanceName="Analysis")["AuthorizedUrl"]
    match = re.fullmatch(rf"https://analysis\.notebook\.{REGION}\.sagemaker\.aws\?authToken=([A-Za-z0-9_=-]+)", first)
    assert match and len(match.group(1)) >= 32
    second = sagemaker_client.create_presigned_notebook_instance_url(
        NotebookInstanceName="Analysis", SessionExpirationDurationInSeconds=1800)["AuthorizedUrl"]
    assert second != first and second.split("?")[0] == first.split("?")[0]


def test_presigned_url_session_duration_is_bounded_by_the_model(sagemaker_client, unchecked_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as err:
        unchecked_client.create_presigned_notebook_instance_url(NotebookInstanceName="nb",
                                                                SessionExpirationDurationInSeconds=60)
    assert error_of(err)[0] == "ValidationException"


def test_presigned_url_tokens_follow_the_seed(sagemaker_client, sagemaker_mock):
    create(sagemaker_client)
    sagemaker_mock.seed(3)
    first = sagemaker_client.create_presigned_notebook_instance_url(NotebookInstanceName="nb")["AuthorizedUrl"]
    sagemaker_mock.seed(3)
    # the request id draws from the same source, so the same sequence of calls gives the same token
    assert sagemaker_client.create_presigned_notebook_instance_url(NotebookInstanceName="nb")["AuthorizedUrl"] == first


# -- lifecycle configurations -------------------------------------------------------------------------------

@requires_member("CreateNotebookInstanceLifecycleConfig", "Tags")
def test_lifecycle_config_create_describe(sagemaker_client):
    arn = create_config(sagemaker_client, "Auto-Stop", OnCreate=[{"Content": OTHER_SCRIPT}],
                        Tags=[{"Key": "team", "Value": "ml"}])
    assert arn == CONFIG_ARN + "Auto-Stop"  # keeps case since 2023 (awslabs/service-workbench-on-aws#1176)
    config = sagemaker_client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="Auto-Stop")
    assert config["NotebookInstanceLifecycleConfigArn"] == arn
    assert config["NotebookInstanceLifecycleConfigName"] == "Auto-Stop"
    assert config["OnCreate"] == [{"Content": OTHER_SCRIPT}]
    assert config["OnStart"] == [{"Content": SCRIPT}]
    assert config["CreationTime"] == config["LastModifiedTime"]
    assert sagemaker_client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
    bare = create_config(sagemaker_client, "bare", OnStart=[])
    described = sagemaker_client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="bare")
    assert "OnCreate" not in described and "OnStart" not in described and bare.endswith("/bare")


def test_lifecycle_config_duplicate_and_missing(sagemaker_client):
    arn = create_config(sagemaker_client, "lc")
    with pytest.raises(ClientError) as err:
        create_config(sagemaker_client, "LC", OnStart=[{"Content": OTHER_SCRIPT}])
    assert error_of(err) == ("ValidationException", f"Unable to create Notebook Instance Lifecycle Config {arn}. "
                                                    "(Details: Notebook Instance Lifecycle Config already exists.)")
    config = sagemaker_client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc")
    assert config["OnStart"] == [{"Content": SCRIPT}]
    for verb, call in (
        ("describe", lambda: sagemaker_client.describe_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName="ghost")),
        ("update", lambda: sagemaker_client.update_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName="ghost", OnStart=[{"Content": SCRIPT}])),
        ("delete", lambda: sagemaker_client.delete_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName="ghost")),
    ):
        with pytest.raises(ClientError) as err:
            call()
        assert error_of(err) == ("ValidationException",
                                 f"Unable to {verb} Notebook Instance Lifecycle Config '{CONFIG_ARN}ghost'. "
                                 "(Details: Notebook Instance Lifecycle Config does not exist.)")


def test_lifecycle_scripts_must_be_base64(sagemaker_client):
    with pytest.raises(ClientError) as err:
        create_config(sagemaker_client, "lc", OnCreate=[{"Content": "echo not base64!"}])
    code, message = error_of(err)
    assert code == "ValidationException" and "OnCreate" in message and "base64" in message
    assert sagemaker_client.list_notebook_instance_lifecycle_configs()["NotebookInstanceLifecycleConfigs"] == []
    create_config(sagemaker_client, "lc")
    with pytest.raises(ClientError) as err:
        sagemaker_client.update_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc",
                                                                   OnStart=[{"Content": "%%%"}])
    assert error_of(err)[0] == "ValidationException"
    config = sagemaker_client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc")
    assert config["OnStart"] == [{"Content": SCRIPT}]


def test_lifecycle_config_script_limit_comes_from_the_model(sagemaker_client, unchecked_client):
    limit = service.shape("NotebookInstanceLifecycleConfigContent").metadata["max"]
    too_long = "A" * (limit + 4)
    with pytest.raises(ClientError) as err:
        create_config(unchecked_client, "lc", OnStart=[{"Content": too_long}])
    assert error_of(err)[0] == "ValidationException"
    create_config(sagemaker_client, "lc", OnStart=[{"Content": "A" * limit}])


def test_lifecycle_config_update_replaces_the_scripts_it_names(sagemaker_client, sagemaker_mock):
    create_config(sagemaker_client, "lc", OnCreate=[{"Content": SCRIPT}])
    sagemaker_mock.advance(30)
    sagemaker_client.update_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc",
                                                               OnStart=[{"Content": OTHER_SCRIPT}])
    config = sagemaker_client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc")
    assert config["OnStart"] == [{"Content": OTHER_SCRIPT}]
    assert config["OnCreate"] == [{"Content": SCRIPT}]
    assert (config["LastModifiedTime"] - config["CreationTime"]).total_seconds() == pytest.approx(30, abs=1)
    sagemaker_client.update_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc", OnCreate=[])
    config = sagemaker_client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc")
    assert "OnCreate" not in config and config["OnStart"] == [{"Content": OTHER_SCRIPT}]


def test_lifecycle_config_delete_even_when_a_notebook_names_it(sagemaker_client):
    arn = create_config(sagemaker_client, "lc")
    create(sagemaker_client, LifecycleConfigName="lc")
    sagemaker_client.delete_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc")
    with pytest.raises(ClientError):
        sagemaker_client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="lc")
    with pytest.raises(ClientError):
        sagemaker_client.list_tags(ResourceArn=arn)
    assert describe(sagemaker_client)["NotebookInstanceLifecycleConfigName"] == "lc"
    with pytest.raises(ClientError):  # a new notebook cannot name it any more
        create(sagemaker_client, "second", LifecycleConfigName="lc")


@freeze_time("2024-05-01T00:00:00Z")  # whole seconds: botocore before 1.4x sends timestamps without fractions
def test_list_lifecycle_configs_filters_sorts_and_pages(sagemaker_client, sagemaker_mock):
    for name in ("gamma", "alpha", "beta"):
        create_config(sagemaker_client, name)
        sagemaker_mock.advance(10)
    sagemaker_client.update_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="gamma",
                                                               OnStart=[{"Content": OTHER_SCRIPT}])

    def listed(**kwargs):
        return [item["NotebookInstanceLifecycleConfigName"] for item in
                sagemaker_client.list_notebook_instance_lifecycle_configs(**kwargs)["NotebookInstanceLifecycleConfigs"]]

    assert listed() == ["gamma", "alpha", "beta"]  # CreationTime by default
    assert listed(SortBy="Name") == ["alpha", "beta", "gamma"]
    assert listed(SortBy="Name", SortOrder="Descending") == ["gamma", "beta", "alpha"]
    assert listed(SortBy="LastModifiedTime") == ["alpha", "beta", "gamma"]
    assert listed(NameContains="ta") == ["beta"]
    alpha = sagemaker_client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="alpha")
    assert listed(CreationTimeAfter=alpha["CreationTime"]) == ["beta"]
    assert listed(CreationTimeBefore=alpha["CreationTime"]) == ["gamma"]
    assert listed(LastModifiedTimeAfter=alpha["LastModifiedTime"]) == ["gamma", "beta"]
    assert listed(LastModifiedTimeBefore=alpha["LastModifiedTime"]) == []
    summary = sagemaker_client.list_notebook_instance_lifecycle_configs()["NotebookInstanceLifecycleConfigs"][0]
    assert set(summary) == {"NotebookInstanceLifecycleConfigName", "NotebookInstanceLifecycleConfigArn",
                            "CreationTime", "LastModifiedTime"}
    pages = list(sagemaker_client.get_paginator("list_notebook_instance_lifecycle_configs").paginate(
        SortBy="Name", PaginationConfig={"PageSize": 2}))
    assert [[item["NotebookInstanceLifecycleConfigName"] for item in page["NotebookInstanceLifecycleConfigs"]]
            for page in pages] == [["alpha", "beta"], ["gamma"]]


# -- regions and accounts ------------------------------------------------------------------------------------

@pytest.mark.sagemock(region="eu-west-1")
def test_arns_and_urls_follow_the_region(sagemaker_client):
    arn = create(sagemaker_client)
    assert arn == f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:notebook-instance/nb"
    assert describe(sagemaker_client)["Url"] == "nb.notebook.eu-west-1.sagemaker.aws"


def test_lifecycle_scripts_may_be_base64_with_line_breaks(sagemaker_client):
    """`base64.encodebytes` and GNU `base64` (without -w0) break lines every 76 characters; AWS
    documents no decoder that refuses them. The script is described as it was given."""
    script = b"#!/bin/bash\nset -e\n" + b"echo 'installing the team's packages into the conda environment'\n" * 4
    wrapped = base64.encodebytes(script).decode()
    assert "\n" in wrapped.rstrip("\n")
    create_config(sagemaker_client, "wrapped", OnCreate=[{"Content": wrapped}], OnStart=[{"Content": wrapped}])
    config = sagemaker_client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName="wrapped")
    assert config["OnCreate"] == config["OnStart"] == [{"Content": wrapped}]
    assert base64.b64decode(config["OnStart"][0]["Content"]) == script
