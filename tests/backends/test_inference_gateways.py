"""Global inference gateways (and their in-cluster members) and inference routers, through boto3."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.model_support import requires_operation

pytestmark = [requires_operation("CreateGlobalInferenceGateway"), requires_operation("CreateInferenceRouter")]

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/gateway"
EAST = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:cluster/east00000001"
WEST = f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:cluster/west00000001"


def member(name="igw", cluster=EAST, namespace="default"):
    return {"Name": name, "Namespace": namespace, "ClusterArn": cluster}


def create(client, name="chat", gateways=None, **extra):
    return client.create_global_inference_gateway(Name=name, ExecutionRoleArn=ROLE,
                                                   Gateways=gateways or [member()], **extra)


def error_of(excinfo):
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def members_of(client, identifier="chat", **extra):
    return client.list_inference_gateways(Identifier=identifier, **extra)["InferenceGatewaySummaries"]


# -- global inference gateways -----------------------------------------------------------------------

def test_a_gateway_gets_an_id_and_arn_and_is_found_by_name_arn_or_id(sagemaker_client):
    created = create(sagemaker_client, Routing={"Weights": {"KVHeadroom": 0.7, "ErrorRate": 0.3}},
                     Tags=[{"Key": "team", "Value": "ml"}])
    assert re.fullmatch(r"[a-z0-9]{12}", created["Id"])
    assert created["Arn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:global-inference-gateway/{created['Id']}"
    assert created["Status"] == "ACTIVE" and created["Gateways"] == [member()]
    for identifier in ("chat", created["Id"], created["Arn"]):
        described = sagemaker_client.describe_global_inference_gateway(Identifier=identifier)
        assert described["Arn"] == created["Arn"]
    assert described["Routing"] == {"Weights": {"KVHeadroom": 0.7, "ErrorRate": 0.3}}
    assert described["ExecutionRoleArn"] == ROLE
    assert "Gateways" not in described  # "use ListInferenceGateways to list them"
    assert described["EndpointUrl"].startswith("https://") and described["VpcEndpointServiceName"]
    assert sagemaker_client.list_tags(ResourceArn=created["Arn"])["Tags"] == [{"Key": "team", "Value": "ml"}]


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_gateway_is_creating_until_read_again_and_has_no_url_before_it_is_active(sagemaker_client):
    create(sagemaker_client)
    first = sagemaker_client.describe_global_inference_gateway(Identifier="chat")
    assert first["Status"] == "CREATING" and "EndpointUrl" not in first
    second = sagemaker_client.describe_global_inference_gateway(Identifier="chat")
    assert second["Status"] == "ACTIVE" and "EndpointUrl" in second
    # Every read of the gateway (Describe or ListInferenceGateways) moves its members too.
    create(sagemaker_client, name="other", gateways=[member("second")])
    assert [m["Status"] for m in members_of(sagemaker_client, "other")] == ["ADDING"]
    assert [m["Status"] for m in members_of(sagemaker_client, "other")] == ["ACTIVE"]


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_an_operation_in_progress_refuses_the_others_with_conflict(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_global_inference_gateway(Identifier="chat", Routing={"Weights": {"QueueDepth": 1.0}})
    assert error_of(refused)[0] == "ConflictException"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.add_inference_gateway(Identifier="chat", **member("second"))
    assert error_of(refused)[0] == "ConflictException"
    assert sagemaker_client.describe_global_inference_gateway(Identifier="chat")["Status"] == "CREATING"
    assert sagemaker_client.describe_global_inference_gateway(Identifier="chat")["Status"] == "ACTIVE"
    sagemaker_client.list_inference_gateways(Identifier="chat")  # the first member is now ACTIVE
    assert sagemaker_client.add_inference_gateway(Identifier="chat", **member("second"))["Status"] == "ADDING"
    with pytest.raises(ClientError) as refused:  # a member being added is an operation in progress
        sagemaker_client.update_global_inference_gateway(Identifier="chat", Routing={"Weights": {"QueueDepth": 1.0}})
    assert error_of(refused)[0] == "ConflictException"


def test_a_name_in_use_or_shaped_like_an_id_is_refused(sagemaker_client):
    create(sagemaker_client)
    with pytest.raises(ClientError) as refused:
        create(sagemaker_client, gateways=[member("other")])
    assert error_of(refused)[0] == "ResourceInUse"
    with pytest.raises(ClientError) as refused:
        create(sagemaker_client, name="abcdef123456", gateways=[member("other")])
    assert error_of(refused)[0] == "ValidationException" and "12 lowercase letters or digits" in error_of(refused)[1]
    create(sagemaker_client, name="Chat", gateways=[member("other")])  # names are case-sensitive
    assert len(sagemaker_client.list_global_inference_gateways()["GlobalInferenceGatewaySummaries"]) == 2


def test_an_in_cluster_gateway_belongs_to_one_global_gateway(sagemaker_client):
    create(sagemaker_client, gateways=[member(), member(cluster=WEST)])
    with pytest.raises(ClientError) as refused:
        create(sagemaker_client, name="other", gateways=[member(cluster=WEST)])
    assert error_of(refused)[0] == "ResourceInUse"
    create(sagemaker_client, name="other", gateways=[member(namespace="serving")])  # another namespace: another one
    with pytest.raises(ClientError) as refused:
        sagemaker_client.add_inference_gateway(Identifier="other", **member())
    assert error_of(refused)[0] == "ResourceInUse"
    # Already in this gateway: success with its current status, nothing added.
    assert sagemaker_client.add_inference_gateway(Identifier="chat", **member())["Status"] == "ACTIVE"
    assert len(members_of(sagemaker_client)) == 2
    # Deleting a gateway frees its members.
    sagemaker_client.delete_global_inference_gateway(Identifier="chat")
    assert sagemaker_client.add_inference_gateway(Identifier="other", **member(cluster=WEST))["Status"] == "ACTIVE"


def test_a_cluster_in_another_account_is_refused_and_another_region_accepted(sagemaker_client):
    foreign = f"arn:aws:sagemaker:{REGION}:111122223333:cluster/east00000001"
    with pytest.raises(ClientError) as refused:
        create(sagemaker_client, gateways=[member(cluster=foreign)])
    assert error_of(refused)[0] == "ValidationException"
    assert sagemaker_client.list_global_inference_gateways()["GlobalInferenceGatewaySummaries"] == []
    create(sagemaker_client, gateways=[member(cluster=WEST)])


def test_members_are_listed_in_the_order_added_filtered_and_paged(sagemaker_client):
    create(sagemaker_client, gateways=[member("a"), member("b", cluster=WEST)])
    for name in ("c", "d"):
        sagemaker_client.add_inference_gateway(Identifier="chat", **member(name))
    assert [m["Name"] for m in members_of(sagemaker_client)] == ["a", "b", "c", "d"]
    by_cluster = members_of(sagemaker_client, Filters=[{"Name": "ClusterArn", "Value": WEST}])
    assert [m["Name"] for m in by_cluster] == ["b"]
    both = members_of(sagemaker_client, Filters=[{"Name": "ClusterArn", "Value": WEST},
                                                  {"Name": "Status", "Value": "ADDING"}])
    assert both == []
    pages = sagemaker_client.get_paginator("list_inference_gateways").paginate(
        Identifier="chat", PaginationConfig={"PageSize": 3})
    assert [[m["Name"] for m in page["InferenceGatewaySummaries"]] for page in pages] == [["a", "b", "c"], ["d"]]


def test_remove_takes_a_member_out_but_never_the_last(sagemaker_client):
    create(sagemaker_client, gateways=[member("a"), member("b")])
    removed = sagemaker_client.remove_inference_gateway(Identifier="chat", **member("a"))
    assert removed["Status"] == "REMOVING" and removed["Gateway"] == member("a")
    assert [m["Name"] for m in members_of(sagemaker_client)] == ["b"]
    absent = sagemaker_client.remove_inference_gateway(Identifier="chat", **member("a"))
    assert "Status" not in absent  # "the operation succeeds and returns no status"
    with pytest.raises(ClientError) as refused:
        sagemaker_client.remove_inference_gateway(Identifier="chat", **member("b"))
    assert error_of(refused)[0] == "ValidationException" and "at least one" in error_of(refused)[1]
    assert [m["Name"] for m in members_of(sagemaker_client)] == ["b"]


def test_a_gateway_holds_at_most_ten_members(sagemaker_client):
    create(sagemaker_client, gateways=[member(f"igw-{n}") for n in range(10)])
    with pytest.raises(ClientError) as refused:
        sagemaker_client.add_inference_gateway(Identifier="chat", **member("igw-10"))
    assert error_of(refused)[0] == "ResourceLimitExceeded"


def test_a_planned_failure_fails_the_gateway_and_refuses_additions(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("global-inference-gateway", "role cannot reach the cluster", name="chat")
    create(sagemaker_client)
    described = sagemaker_client.describe_global_inference_gateway(Identifier="chat")
    assert (described["Status"], described["FailureReason"]) == ("FAILED", "role cannot reach the cluster")
    assert "EndpointUrl" not in described
    with pytest.raises(ClientError) as refused:
        sagemaker_client.add_inference_gateway(Identifier="chat", **member("second"))
    assert error_of(refused)[0] == "ConflictException"
    sagemaker_client.delete_global_inference_gateway(Identifier="chat")


def test_a_planned_member_failure_is_listed_with_its_reason(sagemaker_mock, sagemaker_client):
    create(sagemaker_client)
    sagemaker_mock.fail_next("global-inference-gateway/member", "InferenceGatewayConfig not found", name="second")
    assert sagemaker_client.add_inference_gateway(Identifier="chat", **member("second"))["Status"] == "FAILED"
    failed = members_of(sagemaker_client, Filters=[{"Name": "Status", "Value": "FAILED"}])
    assert failed == [{**member("second"), "Status": "FAILED", "FailureReason": "InferenceGatewayConfig not found"}]


def test_update_sets_the_routing_weights(sagemaker_client):
    create(sagemaker_client)
    updated = sagemaker_client.update_global_inference_gateway(Identifier="chat",
                                                               Routing={"Weights": {"RegionProximity": 0.9}})
    assert updated["Status"] == "ACTIVE" and updated["Routing"] == {"Weights": {"RegionProximity": 0.9}}
    assert sagemaker_client.describe_global_inference_gateway(Identifier="chat")["Routing"] == updated["Routing"]


def test_list_filters_by_status_and_pages_in_creation_order(sagemaker_mock, sagemaker_client):
    for n in range(3):
        create(sagemaker_client, name=f"gw-{n}", gateways=[member(f"igw-{n}")])
    failed = create(sagemaker_client, name="gw-failed", gateways=[member("igw-f")])
    sagemaker_mock.set_status(failed["Arn"], "FAILED", reason="planned")
    summaries = sagemaker_client.list_global_inference_gateways(
        Filters=[{"Name": "Status", "Value": "ACTIVE"}])["GlobalInferenceGatewaySummaries"]
    assert [s["Name"] for s in summaries] == ["gw-0", "gw-1", "gw-2"]
    pages = sagemaker_client.get_paginator("list_global_inference_gateways").paginate(PaginationConfig={"PageSize": 3})
    names = [[s["Name"] for s in page["GlobalInferenceGatewaySummaries"]] for page in pages]
    assert names == [["gw-0", "gw-1", "gw-2"], ["gw-failed"]]


def test_delete_is_idempotent_and_echoes_what_the_identifier_says(sagemaker_client):
    created = create(sagemaker_client)
    assert sagemaker_client.delete_global_inference_gateway(Identifier="chat")["Id"] == created["Id"]
    with pytest.raises(ClientError) as missing:
        sagemaker_client.describe_global_inference_gateway(Identifier=created["Id"])
    assert error_of(missing)[0] == "ResourceNotFound"
    by_name = sagemaker_client.delete_global_inference_gateway(Identifier="chat")
    assert {k: v for k, v in by_name.items() if k != "ResponseMetadata"} == {"Name": "chat"}
    by_id = sagemaker_client.delete_global_inference_gateway(Identifier=created["Id"])
    assert (by_id["Arn"], by_id["Id"], by_id.get("Name")) == (created["Arn"], created["Id"], None)
    by_arn = sagemaker_client.delete_global_inference_gateway(Identifier=created["Arn"])
    assert (by_arn["Arn"], by_arn["Id"]) == (created["Arn"], created["Id"])


def test_a_missing_gateway_is_resource_not_found_for_its_members_too(sagemaker_client):
    for call in (lambda: sagemaker_client.list_inference_gateways(Identifier="nope"),
                 lambda: sagemaker_client.add_inference_gateway(Identifier="nope", **member()),
                 lambda: sagemaker_client.remove_inference_gateway(Identifier="nope", **member()),
                 lambda: sagemaker_client.update_global_inference_gateway(
                     Identifier="nope", Routing={"Weights": {"ErrorRate": 1.0}})):
        with pytest.raises(ClientError) as missing:
            call()
        assert error_of(missing)[0] == "ResourceNotFound"


def test_a_client_token_repeated_answers_the_first_create(sagemaker_client):
    first = create(sagemaker_client, ClientToken="token-1")
    again = create(sagemaker_client, ClientToken="token-1")
    assert again["Id"] == first["Id"]
    with pytest.raises(ClientError) as refused:  # the same token for another request
        create(sagemaker_client, name="other", ClientToken="token-1")
    # A conflict, answered as ValidationException: the operation declares no ConflictException.
    assert error_of(refused)[0] == "ValidationException"
    assert len(sagemaker_client.list_global_inference_gateways()["GlobalInferenceGatewaySummaries"]) == 1


# -- inference routers -----------------------------------------------------------------------------

def _endpoint(client, name, asynchronous=False):
    client.create_model(ModelName=f"{name}-model", ExecutionRoleArn=ROLE,
                        PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/chat:1"})
    extra = {"AsyncInferenceConfig": {"OutputConfig": {"S3OutputPath": "s3://bucket/async"}}} if asynchronous else {}
    client.create_endpoint_config(EndpointConfigName=f"{name}-config", ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": f"{name}-model", "InstanceType": "ml.g5.xlarge",
         "InitialInstanceCount": 1}], **extra)
    return client.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")["EndpointArn"]


def target(name, *arns_, **extra):
    return {"Name": name, "Destinations": [{"ResourceArn": arn} for arn in arns_], **extra}


ASYNC = {"OutputConfig": {"S3OutputPath": "s3://bucket/out", "S3FailurePath": "s3://bucket/failed"}}


def statuses(client, name="router"):
    described = client.describe_inference_router(InferenceRouterName=name)
    return {d["ResourceArn"]: d["RoutingStatus"] for t in described["RoutingTargets"] for d in t["Destinations"]}


def test_describe_checks_each_destination_now(sagemaker_mock, sagemaker_client):
    live = _endpoint(sagemaker_client, "live")
    missing = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/not-there"
    foreign = f"arn:aws:sagemaker:{REGION}:111122223333:endpoint/theirs"
    sagemaker_client.create_inference_router(InferenceRouterName="router", RoutingTargets=[
        target("chat", live, missing, foreign)])
    assert statuses(sagemaker_client) == {live: "Routable", missing: "Unroutable", foreign: "Unknown"}
    sagemaker_mock.set_status(live, "Failed", reason="planned")
    assert statuses(sagemaker_client)[live] == "Unroutable"


def test_routing_statuses_sent_are_ignored_and_update_replaces_the_targets(sagemaker_client):
    missing = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/not-there"
    sagemaker_client.create_inference_router(InferenceRouterName="router", RoutingTargets=[
        {"Name": "chat", "Destinations": [{"ResourceArn": missing, "RoutingStatus": "Routable"}]}])
    assert statuses(sagemaker_client) == {missing: "Unroutable"}
    other = f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:endpoint/west"
    sagemaker_client.update_inference_router(InferenceRouterName="router", RoutingTargets=[target("code", other)])
    described = sagemaker_client.describe_inference_router(InferenceRouterName="router")
    assert [t["Name"] for t in described["RoutingTargets"]] == ["code"]
    assert described["LastModifiedTime"] >= described["CreationTime"]


def test_the_routing_target_rules_are_enforced(sagemaker_client):
    live = _endpoint(sagemaker_client, "live")
    queued = _endpoint(sagemaker_client, "queued", asynchronous=True)
    component = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:inference-component/ic"
    refused_requests = [
        [target("chat", live), target("chat", live)],                         # target names unique
        [target("chat", live, live)],                                          # a destination once a target
        [target("chat", queued)],                                              # real-time target, async endpoint
        [target("chat", live, AsyncInferenceConfig=ASYNC)],                    # async target, real-time endpoint
        [target("chat", live, RoutingPreference="InstancePoolOrder")],        # pool order: async targets only
        [target("chat", component, AsyncInferenceConfig=ASYNC, RoutingPreference="InstancePoolOrder")],
        [target("chat", "arn:aws-cn:sagemaker:cn-north-1:123456789012:endpoint/china")],  # another partition
    ]
    for targets in refused_requests:
        with pytest.raises(ClientError) as refused:
            sagemaker_client.create_inference_router(InferenceRouterName="router", RoutingTargets=targets)
        assert error_of(refused)[0] == "ValidationException", targets
    assert sagemaker_client.list_inference_routers()["InferenceRouters"] == []
    sagemaker_client.create_inference_router(InferenceRouterName="router", RoutingTargets=[
        target("chat", live), target("batch", queued, AsyncInferenceConfig=ASYNC, RoutingPreference="InstancePoolOrder")])
    with pytest.raises(ClientError) as refused:
        sagemaker_client.update_inference_router(InferenceRouterName="router", RoutingTargets=[target("chat", queued)])
    assert error_of(refused)[0] == "ValidationException"
    described = sagemaker_client.describe_inference_router(InferenceRouterName="router")
    assert [t["Name"] for t in described["RoutingTargets"]] == ["chat", "batch"]


def test_a_router_name_in_use_is_resource_already_exists(sagemaker_client):
    sagemaker_client.create_inference_router(InferenceRouterName="router", RoutingTargets=[
        target("chat", f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/e")])
    with pytest.raises(ClientError) as refused:
        sagemaker_client.create_inference_router(InferenceRouterName="router", RoutingTargets=[
            target("chat", f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/e")])
    assert error_of(refused)[0] == "ResourceAlreadyExists"


@pytest.mark.sagemock(transitions="reads", transition_reads=1)
def test_a_router_being_created_refuses_update_and_delete(sagemaker_client):
    sagemaker_client.create_inference_router(InferenceRouterName="router", RoutingTargets=[
        target("chat", f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/e")])
    for call in (lambda: sagemaker_client.delete_inference_router(InferenceRouterName="router"),
                 lambda: sagemaker_client.update_inference_router(InferenceRouterName="router", RoutingTargets=[
                     target("chat", f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/f")])):
        with pytest.raises(ClientError) as refused:
            call()
        assert error_of(refused)[0] == "ConflictException"
    assert sagemaker_client.describe_inference_router(InferenceRouterName="router")["Status"] == "Creating"
    assert sagemaker_client.describe_inference_router(InferenceRouterName="router")["Status"] == "InService"
    sagemaker_client.delete_inference_router(InferenceRouterName="router")


def test_a_planned_failure_leaves_the_router_failed_with_its_reason(sagemaker_mock, sagemaker_client):
    sagemaker_mock.fail_next("inference-router", "capacity unavailable", name="router")
    sagemaker_client.create_inference_router(InferenceRouterName="router", RoutingTargets=[
        target("chat", f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/e")])
    described = sagemaker_client.describe_inference_router(InferenceRouterName="router")
    assert (described["Status"], described["StatusReason"]) == ("Failed", "capacity unavailable")
    sagemaker_client.delete_inference_router(InferenceRouterName="router")
    assert sagemaker_client.list_inference_routers()["InferenceRouters"] == []


# -- sequences and concurrency -----------------------------------------------------------------------

def test_concurrent_additions_lose_no_member(sagemaker_client):
    import threading

    create(sagemaker_client, gateways=[member("first")])
    errors: list[Exception] = []

    def add(name):
        try:
            sagemaker_client.add_inference_gateway(Identifier="chat", **member(name))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=add, args=(f"igw-{n}",)) for n in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(m["Name"] for m in members_of(sagemaker_client)) == sorted(["first", *(f"igw-{n}" for n in range(9))])


def _membership_sequences():
    """Gateways and members under random creates, adds, removes and deletes, checked against a
    plain model: each in-cluster gateway in at most one global gateway, never none in a gateway,
    at most ten, and every list agreeing with the model."""
    import boto3
    from hypothesis import settings
    from hypothesis import strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

    from sagemock import mock_sagemaker

    gateways, members_ = st.sampled_from(["a", "b", "c"]), st.sampled_from([f"igw-{n}" for n in range(12)])

    class Sequences(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.mock = mock_sagemaker(seed=3)
            self.mock.start()
            self.sm = boto3.client("sagemaker", region_name=REGION)
            self.model: dict[str, list[str]] = {}

        def teardown(self):
            self.mock.stop()

        def owner(self, name):
            return next((gateway for gateway, held in self.model.items() if name in held), None)

        def code(self, call, **params):
            try:
                call(**params)
            except ClientError as error:
                return error.response["Error"]["Code"]
            return None

        @rule(gateway=gateways, name=members_)
        def create(self, gateway, name):
            code = self.code(create, client=self.sm, name=gateway, gateways=[member(name)])
            if gateway in self.model or self.owner(name):
                assert code == "ResourceInUse"
            else:
                assert code is None
                self.model[gateway] = [name]

        @rule(gateway=gateways, name=members_)
        def add(self, gateway, name):
            code = self.code(self.sm.add_inference_gateway, Identifier=gateway, **member(name))
            if gateway not in self.model:
                assert code == "ResourceNotFound"
            elif name in self.model[gateway]:
                assert code is None
            elif self.owner(name):
                assert code == "ResourceInUse"
            elif len(self.model[gateway]) == 10:
                assert code == "ResourceLimitExceeded"
            else:
                assert code is None
                self.model[gateway].append(name)

        @rule(gateway=gateways, name=members_)
        def remove(self, gateway, name):
            code = self.code(self.sm.remove_inference_gateway, Identifier=gateway, **member(name))
            if gateway not in self.model:
                assert code == "ResourceNotFound"
            elif name not in self.model[gateway]:
                assert code is None
            elif len(self.model[gateway]) == 1:
                assert code == "ValidationException"
            else:
                assert code is None
                self.model[gateway].remove(name)

        @rule(gateway=gateways)
        def delete(self, gateway):
            assert self.code(self.sm.delete_global_inference_gateway, Identifier=gateway) is None
            self.model.pop(gateway, None)

        @invariant()
        def lists_agree(self):
            summaries = self.sm.list_global_inference_gateways(MaxResults=100)["GlobalInferenceGatewaySummaries"]
            assert sorted(s["Name"] for s in summaries) == sorted(self.model)
            for gateway, held in self.model.items():
                assert [m["Name"] for m in members_of(self.sm, gateway, MaxResults=100)] == held

    Sequences.TestCase.settings = settings(max_examples=10, stateful_step_count=20, deadline=None, database=None)
    return Sequences.TestCase


TestMembershipSequences = _membership_sequences()
