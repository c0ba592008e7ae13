"""The declared-resource engine's identifiers beside the Create member that names a resource:
`named_by=` for a resource read by its ARN or by name or ARN, `found_by_name=` for one found by
name, ARN or generated id, the ARN member `Arn`, and what the contract tests make several resources
with (`renamed`, `follows_name=`, `list_example=`, `made_key`)."""
from __future__ import annotations

from typing import Any

import pytest

from sagemock.core.errors import ResourceInUse, ResourceNotFound
from sagemock.core.resource import BindingError, Resource
from tests.model_support import requires_operation


def look(noun: str, **declared: Any) -> Resource:
    """A look-only declaration (it answers nothing)."""
    return Resource(noun, missing=ResourceNotFound, duplicate=ResourceInUse, registered=False, **declared)


def _id(params: Any, ctx: Any) -> str:  # pragma: no cover - only bound, never run
    return "abcdefghijkl"


@requires_operation("GetLeaderboard")
def test_a_resource_read_by_its_arn_is_named_by_the_create_member():
    declared = dict(default_sort=("CreationTime", "Ascending"), undescribed={"LastModifiedTime": "_LastModifiedTime"})
    with pytest.raises(BindingError, match="named_by="):
        look("Leaderboard", **declared).bound  # noqa: B018 - binding is the check
    bound = look("Leaderboard", named_by="Name", default_max=20, **declared).bound
    assert (bound.name, bound.arn, bound.key_member, bound.apart) == ("Arn", "Arn", "Name", True)
    assert bound.listing is not None and bound.listing.default_max == 20
    arn = "arn:aws:sagemaker:us-east-1:123456789012:leaderboard/chat"
    assert bound.made_key({"Name": "chat"}, {"Arn": arn}) == {"Arn": arn}  # the key is what Create answered


@requires_operation("GetModelMonitorConfig")
def test_a_resource_read_by_name_or_arn_sorts_on_its_own_creation_member():
    bound = look("ModelMonitorConfig", named_by="ModelMonitorConfigName", sort_members={"CreationTime": "CreatedAt"},
                 default_sort=("CreationTime", "Descending"), filters={"TargetType": bool, "TargetName": bool},
                 summary={"Target": dict}, list_example={"TargetType": "SageMakerEndpoint", "TargetName": "e"}).bound
    assert (bound.name, bound.arn, bound.key_member) == ("ModelMonitorConfigNameOrArn", "ModelMonitorConfigArn",
                                                         "ModelMonitorConfigName")
    assert bound.listing is not None and dict(bound.listing.sort_keys) == {"CreationTime": "CreatedAt"}
    assert bound.list_request({}) == {"TargetType": "SageMakerEndpoint", "TargetName": "e"}
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-monitor-config/quality"
    # (The answer has no ModelMonitorConfigNameOrArn: the ARN's last segment is the name.)
    assert bound.made_key({}, {"ModelMonitorConfigArn": arn}) == {"ModelMonitorConfigNameOrArn": "quality"}


@requires_operation("DescribeGlobalInferenceGateway")
def test_a_resource_found_by_name_arn_or_id_keeps_its_id_in_the_id_member():
    declared = dict(kind="global-inference-gateway", default_sort=("CreationTime", "Ascending"),
                    filters={"Filters": bool})
    with pytest.raises(BindingError, match="found_by_name"):
        look("GlobalInferenceGateway", named_by="Name", found_by_name=True, **declared).bound  # noqa: B018
    bound = look("GlobalInferenceGateway", generated=_id, named_by="Name", found_by_name=True, **declared).bound
    assert (bound.name, bound.arn, bound.key_member, bound.apart) == ("Identifier", "Arn", "Id", False)


@requires_operation("CreateGlobalInferenceGateway")
def test_members_that_follow_the_name_change_with_it():
    gateway = look("GlobalInferenceGateway", kind="global-inference-gateway", generated=_id, named_by="Name",
                   found_by_name=True, follows_name=("Gateways.Name",), default_sort=("CreationTime", "Ascending"),
                   filters={"Filters": bool})
    example = {"Name": "chat", "Gateways": [{"Name": "igw", "Namespace": "default"}, {"Namespace": "other"}]}
    assert gateway.renamed(example, "chat-2") == {
        "Name": "chat-2", "Gateways": [{"Name": "chat-2", "Namespace": "default"}, {"Namespace": "other"}]}
    assert example["Gateways"][0]["Name"] == "igw"  # the example itself is left as it was


@requires_operation("DescribeGlobalInferenceGateway")
def test_found_by_name_through_the_generated_operations(sagemaker_client):
    """Describe finds the gateway by name, ARN or id; a second Create of the name is refused; Create
    answers the Gateways Describe does not hold, as the request gave them."""
    member = {"Name": "igw", "Namespace": "default", "ClusterArn": "arn:aws:sagemaker:us-east-1:123456789012:cluster/"
              "abcdefghijkl"}
    made = sagemaker_client.create_global_inference_gateway(Name="chat", ExecutionRoleArn="arn:aws:iam::123456789012:"
                                                            "role/gateway", Gateways=[member])
    assert made["Gateways"] == [member] and "Gateways" not in sagemaker_client.describe_global_inference_gateway(
        Identifier="chat")
    for identifier in ("chat", made["Arn"], made["Id"]):
        assert sagemaker_client.describe_global_inference_gateway(Identifier=identifier)["Id"] == made["Id"]
    with pytest.raises(sagemaker_client.exceptions.ResourceInUse):
        sagemaker_client.create_global_inference_gateway(Name="chat", ExecutionRoleArn="arn:aws:iam::123456789012:"
                                                         "role/gateway", Gateways=[{**member, "Name": "other"}])
    with pytest.raises(sagemaker_client.exceptions.ResourceNotFound, match="Global inference gateway nope does not"):
        sagemaker_client.describe_global_inference_gateway(Identifier="nope")
