"""Images, image versions, aliases and app image configs through boto3."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError, WaiterError

from tests.model_support import requires_waiter_success_on

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
BASE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/conda-env-kernel:latest"
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
FAST = {"Delay": 0, "MaxAttempts": 5}


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def make_image(client, name="conda-env-kernel", **extra):
    return client.create_image(ImageName=name, RoleArn=ROLE, **extra)["ImageArn"]


def make_version(client, image="conda-env-kernel", **extra):
    return client.create_image_version(ImageName=image, BaseImage=BASE, **extra)["ImageVersionArn"]


# -- images --------------------------------------------------------------------------------------------

def test_an_image_is_created_then_described(sagemaker_client):
    arn = make_image(sagemaker_client, DisplayName="Conda kernel", Description="conda env")
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:image/conda-env-kernel"
    described = sagemaker_client.describe_image(ImageName="conda-env-kernel")
    assert described["ImageStatus"] == "CREATED"
    assert (described["DisplayName"], described["Description"], described["RoleArn"]) == (
        "Conda kernel", "conda env", ROLE)
    sagemaker_client.get_waiter("image_created").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)


def test_a_duplicate_image_is_refused_in_aws_words(sagemaker_client):
    make_image(sagemaker_client)
    with pytest.raises(ClientError) as duplicate:
        make_image(sagemaker_client)
    assert error_of(duplicate) == ("ResourceInUse", "The Image with ImageName conda-env-kernel already exists. "
                                                    "Please use a different ImageName.")


def test_update_image_sets_and_deletes_properties(sagemaker_mock, sagemaker_client):
    make_image(sagemaker_client, DisplayName="Conda kernel", Description="conda env")
    sagemaker_mock.advance(30)
    answer = sagemaker_client.update_image(ImageName="conda-env-kernel", DeleteProperties=["Description"],
                                           DisplayName="Renamed")
    described = sagemaker_client.describe_image(ImageName="conda-env-kernel")
    assert answer["ImageArn"] == described["ImageArn"]
    assert described["DisplayName"] == "Renamed" and "Description" not in described
    assert described["ImageStatus"] == "CREATED"
    assert described["LastModifiedTime"] > described["CreationTime"]
    sagemaker_client.get_waiter("image_updated").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)
    with pytest.raises(ClientError) as bad:
        sagemaker_client.update_image(ImageName="conda-env-kernel", DeleteProperties=["RoleArn"])
    assert error_of(bad)[0] == "ValidationException"
    assert sagemaker_client.describe_image(ImageName="conda-env-kernel")["RoleArn"] == ROLE


@pytest.mark.sagemock(transitions="reads", transition_reads=2)
def test_an_update_runs_through_updating(sagemaker_client):
    make_image(sagemaker_client)
    assert sagemaker_client.describe_image(ImageName="conda-env-kernel")["ImageStatus"] == "CREATING"
    # An image another operation is working on takes no update or delete.
    for call in (lambda: sagemaker_client.update_image(ImageName="conda-env-kernel", DisplayName="x"),
                 lambda: sagemaker_client.delete_image(ImageName="conda-env-kernel")):
        with pytest.raises(ClientError) as busy:
            call()
        assert error_of(busy)[0] == "ResourceInUse"
    sagemaker_client.get_waiter("image_created").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)
    sagemaker_client.update_image(ImageName="conda-env-kernel", DisplayName="x")
    assert sagemaker_client.describe_image(ImageName="conda-env-kernel")["ImageStatus"] == "UPDATING"
    sagemaker_client.get_waiter("image_updated").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)


@requires_waiter_success_on("ImageDeleted", "ResourceNotFound")
def test_failed_update_and_delete_end_their_waiters(sagemaker_mock, sagemaker_client):
    make_image(sagemaker_client)
    sagemaker_mock.fail_next("image", "role cannot be assumed", name="conda-env-kernel")
    sagemaker_client.update_image(ImageName="conda-env-kernel", Description="new")
    described = sagemaker_client.describe_image(ImageName="conda-env-kernel")
    assert (described["ImageStatus"], described["FailureReason"]) == ("UPDATE_FAILED", "role cannot be assumed")
    with pytest.raises(WaiterError):
        sagemaker_client.get_waiter("image_updated").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)
    sagemaker_mock.fail_next("image", "still in use")
    sagemaker_client.delete_image(ImageName="conda-env-kernel")
    assert sagemaker_client.describe_image(ImageName="conda-env-kernel")["ImageStatus"] == "DELETE_FAILED"
    with pytest.raises(WaiterError):
        sagemaker_client.get_waiter("image_deleted").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)
    sagemaker_client.delete_image(ImageName="conda-env-kernel")
    sagemaker_client.get_waiter("image_deleted").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)


def test_list_images_sorts_pages_and_filters(sagemaker_mock, sagemaker_client):
    for name in ("b-image", "a-image", "c-other"):
        make_image(sagemaker_client, name)
        sagemaker_mock.advance(10)
    listed = sagemaker_client.list_images()["Images"]
    assert [image["ImageName"] for image in listed] == ["c-other", "a-image", "b-image"]  # newest first
    by_name = sagemaker_client.list_images(SortBy="IMAGE_NAME", SortOrder="ASCENDING")["Images"]
    assert [image["ImageName"] for image in by_name] == ["a-image", "b-image", "c-other"]
    assert [image["ImageName"] for image in sagemaker_client.list_images(NameContains="IMAGE")["Images"]] == [
        "a-image", "b-image"]
    first = sagemaker_client.list_images(MaxResults=2, SortBy="IMAGE_NAME", SortOrder="DESCENDING")
    rest = sagemaker_client.list_images(MaxResults=2, SortBy="IMAGE_NAME", SortOrder="DESCENDING",
                                        NextToken=first["NextToken"])
    assert [image["ImageName"] for image in first["Images"] + rest["Images"]] == ["c-other", "b-image", "a-image"]
    created = sagemaker_client.describe_image(ImageName="a-image")["CreationTime"]
    # "created on or after the specified time"
    after = sagemaker_client.list_images(CreationTimeAfter=created)["Images"]
    assert sorted(image["ImageName"] for image in after) == ["a-image", "c-other"]


# -- image versions -----------------------------------------------------------------------------------

def test_versions_are_numbered_and_described(sagemaker_client):
    image_arn = make_image(sagemaker_client)
    first = make_version(sagemaker_client, Aliases=["stable"], JobType="NOTEBOOK_KERNEL", Processor="CPU",
                         MLFramework="PyTorch 2.1", ProgrammingLang="Python 3.10", Horovod=False)
    second = make_version(sagemaker_client)
    assert first == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:image-version/conda-env-kernel/1"
    assert second.endswith("image-version/conda-env-kernel/2")
    latest = sagemaker_client.describe_image_version(ImageName="conda-env-kernel")
    assert (latest["Version"], latest["ImageVersionArn"], latest["ImageArn"]) == (2, second, image_arn)
    assert latest["BaseImage"] == latest["ContainerImage"] == BASE
    assert latest["ImageVersionStatus"] == "CREATED"
    one = sagemaker_client.describe_image_version(ImageName="conda-env-kernel", Version=1)
    assert one == {**sagemaker_client.describe_image_version(ImageName="conda-env-kernel", Alias="stable"),
                   "ResponseMetadata": one["ResponseMetadata"]}
    assert (one["JobType"], one["Processor"], one["MLFramework"], one["ProgrammingLang"], one["Horovod"]) == (
        "NOTEBOOK_KERNEL", "CPU", "PyTorch 2.1", "Python 3.10", False)
    sagemaker_client.get_waiter("image_version_created").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)


def test_numbers_are_not_reused_after_a_delete(sagemaker_client):
    make_image(sagemaker_client)
    make_version(sagemaker_client)
    make_version(sagemaker_client)
    sagemaker_client.delete_image_version(ImageName="conda-env-kernel", Version=2)
    assert make_version(sagemaker_client).endswith("/3")


def test_missing_versions_answer_aws_words(sagemaker_client):
    make_image(sagemaker_client)
    with pytest.raises(ClientError) as latest:
        sagemaker_client.describe_image_version(ImageName="conda-env-kernel")
    assert error_of(latest) == ("ResourceNotFound", "Latest ImageVersion with ImageName conda-env-kernel does not "
                                                    "exist. Please provide a valid ImageName.")
    make_version(sagemaker_client, Aliases=["stable"])
    for named in ({"Version": 7}, {"Alias": "nightly"}, {"Version": 1, "Alias": "nightly"}):
        with pytest.raises(ClientError) as missing:
            sagemaker_client.describe_image_version(ImageName="conda-env-kernel", **named)
        assert error_of(missing)[0] == "ResourceNotFound"
    with pytest.raises(ClientError) as no_image:
        sagemaker_client.create_image_version(ImageName="no-such-image", BaseImage=BASE)
    assert error_of(no_image)[0] == "ResourceNotFound"


def test_a_version_needs_a_created_image(sagemaker_mock, sagemaker_client):
    make_image(sagemaker_client)
    sagemaker_mock.set_status(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:image/conda-env-kernel", "CREATE_FAILED")
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as invalid:
        make_version(sagemaker_client)
    assert error_of(invalid) == ("ValidationException", "Image conda-env-kernel is in an invalid state.")
    assert sagemaker_mock.snapshot() == before


def test_an_alias_names_one_version_of_an_image(sagemaker_mock, sagemaker_client):
    make_image(sagemaker_client)
    make_image(sagemaker_client, "other-image")
    make_version(sagemaker_client, Aliases=["stable"])
    make_version(sagemaker_client, image="other-image", Aliases=["stable"])  # another image: its own aliases
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError) as taken:
        make_version(sagemaker_client, Aliases=["stable"])
    assert error_of(taken)[0] == "ResourceInUse"
    assert sagemaker_mock.snapshot() == before
    make_version(sagemaker_client, Aliases=["nightly"])
    with pytest.raises(ClientError) as taken_by_update:
        sagemaker_client.update_image_version(ImageName="conda-env-kernel", Version=2, AliasesToAdd=["stable"])
    assert error_of(taken_by_update)[0] == "ResourceInUse"
    assert sagemaker_client.list_aliases(ImageName="conda-env-kernel")["SageMakerImageVersionAliases"] == [
        "nightly", "stable"]


def test_update_image_version_moves_aliases_and_metadata(sagemaker_client):
    make_image(sagemaker_client)
    make_version(sagemaker_client, Aliases=["stable", "v1"])
    make_version(sagemaker_client, Aliases=["nightly"])
    sagemaker_client.update_image_version(ImageName="conda-env-kernel", Alias="stable", AliasesToDelete=["stable"],
                                          ReleaseNotes="superseded")
    answer = sagemaker_client.update_image_version(ImageName="conda-env-kernel", Version=2, AliasesToAdd=["stable"],
                                                   VendorGuidance="STABLE")
    assert answer["ImageVersionArn"].endswith("/conda-env-kernel/2")
    aliases = sagemaker_client.list_aliases
    assert aliases(ImageName="conda-env-kernel", Version=1)["SageMakerImageVersionAliases"] == ["v1"]
    assert aliases(ImageName="conda-env-kernel", Version=2)["SageMakerImageVersionAliases"] == ["nightly", "stable"]
    assert aliases(ImageName="conda-env-kernel", Alias="stable")["SageMakerImageVersionAliases"] == ["stable"]
    assert sagemaker_client.describe_image_version(ImageName="conda-env-kernel", Alias="stable")["VendorGuidance"] \
        == "STABLE"
    assert sagemaker_client.describe_image_version(ImageName="conda-env-kernel", Version=1)["ReleaseNotes"] \
        == "superseded"
    paged = sagemaker_client.get_paginator("list_aliases").paginate(
        ImageName="conda-env-kernel", PaginationConfig={"PageSize": 1}).build_full_result()
    assert paged["SageMakerImageVersionAliases"] == ["nightly", "stable", "v1"]


def test_list_image_versions_sorts_and_filters(sagemaker_mock, sagemaker_client):
    make_image(sagemaker_client)
    for _ in range(3):
        make_version(sagemaker_client)
        sagemaker_mock.advance(10)
    listed = sagemaker_client.list_image_versions(ImageName="conda-env-kernel")["ImageVersions"]
    assert [version["Version"] for version in listed] == [3, 2, 1]  # CREATION_TIME, DESCENDING
    ascending = sagemaker_client.list_image_versions(ImageName="conda-env-kernel", SortBy="VERSION",
                                                     SortOrder="ASCENDING")["ImageVersions"]
    assert [version["Version"] for version in ascending] == [1, 2, 3]
    second = sagemaker_client.describe_image_version(ImageName="conda-env-kernel", Version=2)["CreationTime"]
    before = sagemaker_client.list_image_versions(ImageName="conda-env-kernel", CreationTimeBefore=second)
    assert [version["Version"] for version in before["ImageVersions"]] == [1]
    walked = sagemaker_client.get_paginator("list_image_versions").paginate(
        ImageName="conda-env-kernel", PaginationConfig={"PageSize": 1}).build_full_result()["ImageVersions"]
    assert walked == listed
    with pytest.raises(ClientError) as missing:
        sagemaker_client.list_image_versions(ImageName="no-such-image")
    assert error_of(missing)[0] == "ResourceNotFound"


@requires_waiter_success_on("ImageVersionDeleted", "ResourceNotFound")
def test_delete_image_version_by_alias_and_its_waiter(sagemaker_mock, sagemaker_client):
    make_image(sagemaker_client)
    make_version(sagemaker_client, Aliases=["old"])
    make_version(sagemaker_client)
    with pytest.raises(ClientError) as unnamed:
        sagemaker_client.delete_image_version(ImageName="conda-env-kernel")
    assert error_of(unnamed)[0] == "ValidationException"
    sagemaker_client.delete_image_version(ImageName="conda-env-kernel", Alias="old")
    with pytest.raises(ClientError):
        sagemaker_client.describe_image_version(ImageName="conda-env-kernel", Version=1)
    sagemaker_client.get_waiter("image_version_deleted").wait(ImageName="conda-env-kernel", Version=1,
                                                              WaiterConfig=FAST)
    sagemaker_mock.fail_next("image-version", "image in use by an app", name="conda-env-kernel")
    sagemaker_client.delete_image_version(ImageName="conda-env-kernel", Version=2)
    failed = sagemaker_client.describe_image_version(ImageName="conda-env-kernel", Version=2)
    assert (failed["ImageVersionStatus"], failed["FailureReason"]) == ("DELETE_FAILED", "image in use by an app")
    with pytest.raises(WaiterError):
        sagemaker_client.get_waiter("image_version_deleted").wait(ImageName="conda-env-kernel", Version=2,
                                                                  WaiterConfig=FAST)


def test_a_version_that_fails_to_create_ends_its_waiter(sagemaker_mock, sagemaker_client):
    make_image(sagemaker_client)
    sagemaker_mock.fail_next("image-version", "the ECR image was not found")
    make_version(sagemaker_client)
    with pytest.raises(WaiterError):
        sagemaker_client.get_waiter("image_version_created").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)
    assert sagemaker_client.describe_image_version(ImageName="conda-env-kernel")["FailureReason"] == (
        "the ECR image was not found")


@pytest.mark.sagemock(transitions="reads", transition_reads=2)
def test_a_version_in_creation_takes_no_update_or_delete(sagemaker_mock, sagemaker_client):
    make_image(sagemaker_client)
    sagemaker_mock.set_status(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:image/conda-env-kernel", "CREATED")
    make_version(sagemaker_client)
    assert sagemaker_client.describe_image_version(ImageName="conda-env-kernel")["ImageVersionStatus"] == "CREATING"
    for call in (lambda: sagemaker_client.update_image_version(ImageName="conda-env-kernel", Version=1,
                                                               AliasesToAdd=["x"]),
                 lambda: sagemaker_client.delete_image_version(ImageName="conda-env-kernel", Version=1)):
        with pytest.raises(ClientError) as busy:
            call()
        assert error_of(busy)[0] == "ResourceInUse"
    sagemaker_client.get_waiter("image_version_created").wait(ImageName="conda-env-kernel", WaiterConfig=FAST)


def test_a_client_token_creates_one_version(sagemaker_client):
    make_image(sagemaker_client)
    first = make_version(sagemaker_client, ClientToken="retry-1")
    assert make_version(sagemaker_client, ClientToken="retry-1") == first
    assert len(sagemaker_client.list_image_versions(ImageName="conda-env-kernel")["ImageVersions"]) == 1


def test_delete_image_deletes_its_versions(sagemaker_client):
    make_image(sagemaker_client)
    version = make_version(sagemaker_client, Aliases=["stable"])
    sagemaker_client.delete_image(ImageName="conda-env-kernel")
    with pytest.raises(ClientError):
        sagemaker_client.list_tags(ResourceArn=version)
    make_image(sagemaker_client)  # the name again: a new image, with no versions and numbers from 1
    with pytest.raises(ClientError) as latest:
        sagemaker_client.describe_image_version(ImageName="conda-env-kernel")
    assert error_of(latest)[0] == "ResourceNotFound"
    assert sagemaker_client.list_aliases(ImageName="conda-env-kernel")["SageMakerImageVersionAliases"] == []
    assert make_version(sagemaker_client) == version


# -- app image configs --------------------------------------------------------------------------------

KERNEL = {"KernelSpecs": [{"Name": "conda-env-py", "DisplayName": "Python (conda)"}],
          "FileSystemConfig": {"MountPath": "/root", "DefaultUid": 0, "DefaultGid": 0}}


def test_app_image_config_lifecycle(sagemaker_mock, sagemaker_client):
    arn = sagemaker_client.create_app_image_config(AppImageConfigName="conda-env-kernel-config",
                                                   KernelGatewayImageConfig=KERNEL)["AppImageConfigArn"]
    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:app-image-config/conda-env-kernel-config"
    with pytest.raises(ClientError) as duplicate:
        sagemaker_client.create_app_image_config(AppImageConfigName="conda-env-kernel-config")
    assert error_of(duplicate) == ("ResourceInUse", "The ID or Name specified is already in use.")
    sagemaker_mock.advance(60)
    lab = {"ContainerConfig": {"ContainerEntrypoint": ["jupyter-lab"], "ContainerEnvironmentVariables": {"A": "1"}}}
    sagemaker_client.update_app_image_config(AppImageConfigName="conda-env-kernel-config",
                                             JupyterLabAppImageConfig=lab)
    described = sagemaker_client.describe_app_image_config(AppImageConfigName="conda-env-kernel-config")
    assert described["KernelGatewayImageConfig"] == KERNEL and described["JupyterLabAppImageConfig"] == lab
    assert 60 <= (described["LastModifiedTime"] - described["CreationTime"]).total_seconds() < 61
    sagemaker_client.delete_app_image_config(AppImageConfigName="conda-env-kernel-config")
    with pytest.raises(ClientError) as missing:
        sagemaker_client.describe_app_image_config(AppImageConfigName="conda-env-kernel-config")
    assert error_of(missing)[0] == "ResourceNotFound"


def test_an_app_image_config_has_one_kernel(sagemaker_mock, sagemaker_client):
    two = {"KernelSpecs": [{"Name": "python3"}, {"Name": "ir"}]}
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_app_image_config(AppImageConfigName="two-kernels", KernelGatewayImageConfig=two)
    assert error_of(refused)[0] == "ValidationException"
    sagemaker_client.create_app_image_config(AppImageConfigName="one-kernel", KernelGatewayImageConfig=KERNEL)
    before = sagemaker_mock.snapshot()
    with pytest.raises(ClientError):
        sagemaker_client.update_app_image_config(AppImageConfigName="one-kernel", KernelGatewayImageConfig=two)
    assert sagemaker_mock.snapshot() == before


def test_list_app_image_configs_by_modification_time(sagemaker_mock, sagemaker_client):
    for name in ("first", "second"):
        sagemaker_client.create_app_image_config(AppImageConfigName=name)
        sagemaker_mock.advance(60)
    sagemaker_client.update_app_image_config(AppImageConfigName="first", KernelGatewayImageConfig=KERNEL)
    modified = sagemaker_client.describe_app_image_config(AppImageConfigName="first")["LastModifiedTime"]
    listed = sagemaker_client.list_app_image_configs
    assert [config["AppImageConfigName"] for config in listed()["AppImageConfigs"]] == ["second", "first"]
    assert [config["AppImageConfigName"] for config in listed(ModifiedTimeAfter=modified)["AppImageConfigs"]] == [
        "first"]
    assert [config["AppImageConfigName"] for config in listed(ModifiedTimeBefore=modified - dt.timedelta(seconds=1))[
        "AppImageConfigs"]] == ["second"]
    by_modification = listed(SortBy="LastModifiedTime", SortOrder="Ascending")["AppImageConfigs"]
    assert [config["AppImageConfigName"] for config in by_modification] == ["second", "first"]


def test_a_snapshot_keeps_versions_aliases_and_numbering(sagemaker_mock, sagemaker_client):
    make_image(sagemaker_client, Tags=[{"Key": "team", "Value": "ml"}])
    make_version(sagemaker_client, Aliases=["stable"])
    make_version(sagemaker_client)
    sagemaker_client.delete_image_version(ImageName="conda-env-kernel", Version=2)
    saved = sagemaker_mock.snapshot()
    sagemaker_client.delete_image(ImageName="conda-env-kernel")
    sagemaker_mock.restore(saved)
    assert sagemaker_client.describe_image_version(ImageName="conda-env-kernel", Alias="stable")["Version"] == 1
    assert make_version(sagemaker_client).endswith("/conda-env-kernel/3")
    image_arn = sagemaker_client.describe_image(ImageName="conda-env-kernel")["ImageArn"]
    assert sagemaker_client.list_tags(ResourceArn=image_arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
