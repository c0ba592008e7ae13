"""Inference routers: a Regional resource that sends each inference request for a routing target
to one of the endpoints or inference components listed for it, in any account and Region of the
router's partition.

A declared resource (`core.resource`): Create, List, Update and Delete are derived from the model.
Describe is written here, because each destination's `RoutingStatus` is "checked when you called
DescribeInferenceRouter": it is computed from the destinations the mock holds (the endpoint and
inference-component tables of the store of the destination's account and Region, reached through
the state, never by importing those families). A router walks Creating -> InService, Updating ->
InService and Deleting -> gone; a planned failure (`mock.fail_next("inference-router")`) ends its
creation in Failed with its StatusReason. The rules, each with its source, and the choices made
where AWS is silent are in docs/inference-gateways.md.

The runtime operations that invoke a router (InvokeInferenceRouter, InvokeInferenceRouterAsync,
named by CreateInferenceRouter's documentation) are not in the sagemaker-runtime model botocore
ships, so nothing routes requests through a router.
"""
from __future__ import annotations

import functools
from typing import Any

from ..core import arns
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, not_found

Document = dict[str, Any]
KIND = "inference-router"
ENDPOINT, COMPONENT = "endpoint", "inference-component"
#: The statuses in which a destination serves requests: an endpoint being updated (or rolled back)
#: still serves its current deployment (EndpointStatus's documentation).
SERVING = {ENDPOINT: ("InService", "Updating", "SystemUpdating", "RollingBack", "UpdateRollbackFailed"),
           COMPONENT: ("InService", "Updating")}

LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="Status",
    status_shape="InferenceRouterStatus",
    paths={"create": ("Creating", "InService"), "update": ("Updating", "InService"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Creating", "Failed")},
    failure_key="StatusReason",
    name_key="InferenceRouterName",
    # UpdateInferenceRouter, DeleteInferenceRouter: "If the router is being created, updated, or
    # deleted, you get a ConflictException."
    accepts={"update": ("InService", "Failed"), "delete": ("InService", "Failed")},
    stamps_modified=True,
)


def _refusal(trigger: str, status: str, accepted: tuple[str, ...]) -> ServiceError:
    return ConflictError(f"Cannot {trigger} the inference router while its status is {status}. Describe the "
                         "router, and then send your request again.")


def _already_exists(arn: str) -> ServiceError:
    """CreateInferenceRouter declares ResourceAlreadyExists ("The resource that you are trying to
    create already exists"), not ResourceInUse."""
    return ServiceError(f"Inference router {arn} already exists.", code="ResourceAlreadyExists")


# -- where a destination is, and what the mock knows of it -------------------------------------------

@functools.lru_cache(maxsize=4096)
def _where(arn: str) -> tuple[str, str, str, str] | None:
    """(account, Region, kind, key) of a destination ARN (a router's Describe reads each one)."""
    parsed = arns.parse(arn)
    if parsed is None:
        return None
    return parsed.account, parsed.region, parsed.resource_type, arns.key(parsed.resource_type, parsed.resource)


def _locate(ctx: Context, arn: str) -> tuple[Document | None, Document | None, bool]:
    """(the destination's document, the endpoint it is on, whether SageMaker could check it) for a
    destination ARN. A destination in the caller's account is always checked (one that does not
    exist is then None); one in another account only where its endpoint has an endpoint policy,
    since "SageMaker AI checks endpoints in other accounts with your credentials, so the endpoint
    policy must allow sagemaker:DescribeEndpoint" (IAM is not evaluated: a policy is taken to allow).
    A destination in the caller's store is read through its lifecycle; one in another store is read
    as the last request there left it (its lifecycle moves it in its own store's requests)."""
    where = _where(arn)
    if where is None:
        return None, None, False
    account, region, kind, key = where
    store = ctx.store if (account, region) == (ctx.account, ctx.region) else ctx.state.stores.get((account, region))
    found = endpoint = None
    if store is ctx.store:
        found = store.table(kind).find(ctx, key)
        if found is not None and kind == COMPONENT:
            endpoint = store.table(ENDPOINT).find(ctx, found["EndpointName"])
    elif store is not None:
        found = store.table(kind).get(key)
        found = None if found is None or "_gone" in found else found
        if found is not None and kind == COMPONENT:
            endpoint = store.table(ENDPOINT).get(arns.key(ENDPOINT, found["EndpointName"]))
    if kind == ENDPOINT:
        endpoint = found
    if account == ctx.account:
        return found, endpoint, True
    checked = endpoint is not None and endpoint.get("_ResourcePolicy") is not None
    return (found, endpoint, True) if checked else (None, None, False)


def _routing_status(ctx: Context, arn: str) -> str:
    """Routable, Unroutable or Unknown, as RoutingStatus's documentation defines them."""
    found, _endpoint, checked = _locate(ctx, arn)
    if not checked:
        return "Unknown"  # "SageMaker AI couldn't check the destination"
    if found is None:
        return "Unroutable"  # "A destination in your account that doesn't exist is also Unroutable."
    kind = COMPONENT if ":inference-component/" in arn else ENDPOINT
    status = found.get("InferenceComponentStatus" if kind == COMPONENT else "EndpointStatus")
    return "Routable" if status in SERVING[kind] else "Unroutable"


# -- the rules of a router's routing targets -----------------------------------------------------------

def _names_unique(params: Params, ctx: Context) -> None:
    """No two routing targets of a router share a name (ValidationException)."""
    seen: set[str] = set()
    for target in params["RoutingTargets"]:
        if target["Name"] in seen:
            raise ValidationError(f"Routing target names must be unique within the router: {target['Name']} "
                                  "appears more than once.")
        seen.add(target["Name"])


def _destinations_unique(params: Params, ctx: Context) -> None:
    """No destination appears twice in one routing target (ValidationException)."""
    for target in params["RoutingTargets"]:
        seen: set[str] = set()
        for destination in target["Destinations"]:
            if destination["ResourceArn"] in seen:
                raise ValidationError(f"Destination {destination['ResourceArn']} appears more than once in routing "
                                      f"target {target['Name']}.")
            seen.add(destination["ResourceArn"])


def _same_partition(params: Params, ctx: Context) -> None:
    """Every destination is in the router's partition (ValidationException); any account and Region."""
    partition = arns.partition(ctx.region)
    for target in params["RoutingTargets"]:
        for destination in target["Destinations"]:
            parsed = arns.parse(destination["ResourceArn"])
            if parsed is not None and parsed.partition != partition:
                raise ValidationError(f"Destination {destination['ResourceArn']} is not in the partition of the "
                                      f"inference router ({partition}).")


def _pool_order(params: Params, ctx: Context) -> None:
    """InstancePoolOrder only on an asynchronous routing target, whose destinations are all
    endpoints (ValidationException)."""
    for target in params["RoutingTargets"]:
        if target.get("RoutingPreference") != "InstancePoolOrder":
            continue
        if target.get("AsyncInferenceConfig") is None:
            raise ValidationError(f"Routing target {target['Name']}: the RoutingPreference InstancePoolOrder is "
                                  "supported only for asynchronous routing targets.")
        for destination in target["Destinations"]:
            if ":inference-component/" in destination["ResourceArn"]:
                raise ValidationError(f"Routing target {target['Name']}: with the RoutingPreference "
                                      "InstancePoolOrder every destination must be an endpoint, not "
                                      f"{destination['ResourceArn']}.")


def _modes_match(params: Params, ctx: Context) -> None:
    """Each endpoint SageMaker can check must serve the target's mode; one it cannot check is
    accepted ("SageMaker AI accepts an endpoint that it can't check, for example one that doesn't
    exist")."""
    for target in params["RoutingTargets"]:
        asynchronous = target.get("AsyncInferenceConfig") is not None
        for destination in target["Destinations"]:
            _found, endpoint, checked = _locate(ctx, destination["ResourceArn"])
            if not checked or endpoint is None:
                continue
            if (endpoint.get("AsyncInferenceConfig") is not None) != asynchronous:
                mode, served = ("asynchronous", "real-time") if asynchronous else ("real-time", "asynchronous")
                raise ValidationError(f"Routing target {target['Name']} is {mode}, but destination "
                                      f"{destination['ResourceArn']} is served by {served} endpoint "
                                      f"{endpoint['EndpointArn']}: every destination of an asynchronous routing "
                                      "target must be an asynchronous inference endpoint, and no destination of a "
                                      "real-time one can be.")


def _without_statuses(document: Document, params: Params, ctx: Context) -> None:
    """RoutingStatus: "SageMaker AI ignores this field in CreateInferenceRouter and
    UpdateInferenceRouter requests" (Describe computes it)."""
    document["RoutingTargets"] = [
        {**target, "Destinations": [{"ResourceArn": destination["ResourceArn"]}
                                    for destination in target["Destinations"]]}
        for target in document["RoutingTargets"]]


_BOTH = ("create", "update")
ROUTER = Resource(
    "InferenceRouter",
    kind=KIND,
    # DescribeInferenceRouter declares ResourceNotFound; AWS's wording is not published.
    missing=not_found("Inference router {arn} does not exist."),
    duplicate=_already_exists,
    lifecycle=LIFECYCLE,
    refusal=_refusal,
    # ListInferenceRouters takes no SortBy and states no order; sagemock lists the newest first, as
    # most SageMaker Lists do by default.
    default_sort=("CreationTime", "Descending"),
    on_create=_without_statuses,
    on_update=_without_statuses,
    rules=(
        Rule(_names_unique, "RoutingTarget.Name: 'The name must be unique within the router.'",
             claims=("The name must be unique within the router",), on=_BOTH),
        Rule(_destinations_unique, "RoutingTarget.Destinations: 'Each destination can appear only once in a "
             "routing target.'", on=_BOTH),
        Rule(_same_partition, "Destination.ResourceArn: 'The destination can be in any account, and in any Amazon "
             "Web Services Region in the same partition as the inference router.'",
             on=_BOTH),
        Rule(_pool_order, "RoutingPreference: InstancePoolOrder 'is supported only for asynchronous routing "
             "targets', and 'Every destination must be an endpoint'",
             claims=("Every destination must be an endpoint",), on=_BOTH),
        Rule(_modes_match, "CreateInferenceRouter: 'SageMaker AI checks that each endpoint is a real-time or "
             "asynchronous endpoint, as the routing target requires, and rejects one of the wrong type.'",
             claims=("In an asynchronous routing target, every destination must be an asynchronous inference",
                     "endpoint policy must allow", "SageMaker AI accepts an endpoint that it can't check",
                     "If an endpoint can't be checked"), on=_BOTH),
    ),
    waivers={
        "The name must be unique within your account": "the engine refuses a name in use (duplicate=: "
            "ResourceAlreadyExists, the error CreateInferenceRouter declares)",
        "its owner must allow your account to invoke it through your router": "no runtime operation invokes a "
            "router (botocore's sagemaker-runtime has none); DescribeInferenceRouter's RoutingStatus reads whether "
            "the endpoint has a policy",
        "Unroutable The destination can't serve requests": "defines RoutingStatus, which DescribeInferenceRouter "
                                                           "computes",
        "The bucket must be in the inference router's": "S3 is not read: a bucket's Region and owner are not known",
        "The topic must be a standard topic": "SNS is not modelled: a topic's type is not known",
        "when the router can't place it on any destination": "describes when the topic is published to; nothing is "
                                                             "invoked through a router",
        "lists the same two or more instance types": "the destinations' instance pools are not compared: AWS accepts "
            "a destination it cannot check, and sagemock checks only that each is an endpoint",
        "With either value, the router uses destinations": "describes how requests are routed; nothing is invoked "
                                                           "through a router",
        "The update is applied in full or not at all": "every rule is checked before anything changes (the "
            "engine's guarantee), so an update is applied whole or not at all",
    },
    example={"InferenceRouterName": "chat-router", "RoutingTargets": [
        {"Name": "chat", "Destinations": [
            {"ResourceArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/chat-east"},
            {"ResourceArn": "arn:aws:sagemaker:us-west-2:123456789012:endpoint/chat-west"}]}]},
)


class InferenceRouters(Backend):
    routers = ROUTER.table()

    @operation
    def describe_inference_router(self, params: Params, ctx: Context) -> Document:
        """The router, with each destination's RoutingStatus checked now."""
        document = self.routers.require(ctx, params["InferenceRouterName"])
        targets = [{**target, "Destinations": [{**destination,
                                                "RoutingStatus": _routing_status(ctx, destination["ResourceArn"])}
                                               for destination in target["Destinations"]]}
                   for target in document["RoutingTargets"]]
        return {**document, "RoutingTargets": targets}
