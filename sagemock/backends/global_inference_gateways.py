"""Global inference gateways: one managed HTTPS endpoint in front of the in-cluster inference
gateways of several SageMaker HyperPod clusters (its members), in one or more Regions.

A declared resource (`core.resource`): Create, Describe and List are generated from the model; the
read operations take an `Identifier` that is a name, an ARN or the 12-character id SageMaker makes
(`generated=`, `named_by=`, `found_by_name=`), and the ARN member is `Arn`. Update and Delete are
written here, since the pattern cannot express them: an update of a gateway that failed to create
keeps its status (FAILED) and reason, a busy member refuses both, and DeleteGlobalInferenceGateway
succeeds for a gateway that does not exist and for one being deleted.

A gateway walks CREATING -> ACTIVE, UPDATING -> ACTIVE and DELETING -> gone; a planned failure
(`mock.fail_next("global-inference-gateway")`) ends its creation in FAILED with its FailureReason.
Its members are kept on its document (ListInferenceGateways lists them, in the order they were
added; Describe does not answer them), each with a status machine of its own (ADDING -> ACTIVE,
REMOVING -> gone; `mock.fail_next("global-inference-gateway/member")` fails the next addition),
moved wherever the gateway is read. An in-cluster gateway (cluster ARN, namespace, name) belongs to
at most one global gateway. The clusters are not looked at: HyperPod is reached with the gateway's
role, which the mock does not model. The rules, each with its source, and the choices made where AWS
is silent are in docs/inference-gateways.md.

The data plane (the SageMaker Gateway Runtime's InvokeGlobalInferenceGateway) is a service botocore
does not ship, so nothing is invoked through a gateway.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Any

from ..core import arns, pagination
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceInUse, ResourceLimitExceeded, ResourceNotFound, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, in_use
from ..core.state import Store

Document = dict[str, Any]
KIND = "global-inference-gateway"
MEMBER_KIND = "global-inference-gateway/member"
MEMBERS = "_members"
#: GlobalInferenceGatewayId's pattern; the name "can't be exactly 12 lowercase letters or digits,
#: because the global inference gateway ID uses that format".
ID = re.compile(r"[a-z0-9]{12}")
#: The statuses in which an operation is in progress on the gateway, and those of a member.
BUSY = ("CREATING", "UPDATING", "DELETING")
MEMBER_BUSY = ("ADDING", "REMOVING")
#: CreateGlobalInferenceGateway's Gateways: "The 1 to 10 in-cluster inference gateways".
MAX_MEMBERS = 10
#: ListGlobalInferenceGateways and ListInferenceGateways state no default page size; the largest
#: MaxResults they accept is 100, and sagemock pages by 10, as most SageMaker Lists do.
DEFAULT_MAX = 10


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """EndpointUrl and VpcEndpointServiceName: "This value is set after the global inference gateway
    becomes ACTIVE." Their forms are sagemock's (AWS publishes no example)."""
    if status == "ACTIVE" and "EndpointUrl" not in document:
        document["EndpointUrl"] = f"https://{document['Id']}.gateway-runtime.sagemaker.{store.region}.amazonaws.com"
        document["VpcEndpointServiceName"] = f"com.amazonaws.vpce.{store.region}.{document['_service']}"


class GatewayLifecycle(Lifecycle):
    """The gateway's status machine, which also moves its members' (each a nested `Lifecycle`)
    wherever the gateway is read, and drops those whose removal finished."""

    def observe(self, document: Document, ctx: Context) -> bool:
        members = document.get(MEMBERS)
        if members and any(MEMBER_LIFECYCLE.in_transition(member) for member in members):
            document[MEMBERS] = [member for member in members if MEMBER_LIFECYCLE.observe(member, ctx)]
        return super().observe(document, ctx)

    def in_transition(self, document: Document) -> bool:
        return super().in_transition(document) or any(MEMBER_LIFECYCLE.in_transition(member)
                                                      for member in document.get(MEMBERS) or ())


LIFECYCLE = GatewayLifecycle(
    resource_type=KIND,
    status_key="Status",
    status_shape="GlobalInferenceGatewayStatus",
    paths={"create": ("CREATING", "ACTIVE"), "update": ("UPDATING", "ACTIVE"), "delete": ("DELETING", GONE)},
    failure_paths={"create": ("CREATING", "FAILED")},
    failure_key="FailureReason",
    name_key="Name",
    # Drawn in the status diagram; the operations refuse a gateway that is busy themselves (`_idle`).
    accepts={"update": ("ACTIVE",), "delete": ("ACTIVE", "FAILED")},
    on_enter=_entered,
)

MEMBER_LIFECYCLE = Lifecycle(
    resource_type=MEMBER_KIND,
    status_key="Status",
    status_shape="GlobalInferenceGatewayMemberStatus",
    paths={"add": ("ADDING", "ACTIVE"), "remove": ("REMOVING", GONE)},
    failure_paths={"add": ("ADDING", "FAILED")},
    # FailureReason: "The reason that adding or removing the in-cluster inference gateway failed."
    failure_key="FailureReason",
    name_key="Name",
    accepts={"remove": ("ACTIVE", "FAILED")},
)

def _missing(arn: str) -> ResourceNotFound:
    # The operations declare ResourceNotFound; AWS's wording is not published.
    return ResourceNotFound(f"Global inference gateway {arn} does not exist.")


def _member_key(member: Document) -> tuple[str, str, str]:
    """What makes an in-cluster inference gateway one: its cluster, namespace and name."""
    return member["ClusterArn"], member["Namespace"], member["Name"]


def _member(source: Document) -> Document:
    return {"Name": source["Name"], "Namespace": source["Namespace"], "ClusterArn": source["ClusterArn"]}


def _has(member: str, value: str, document: Document) -> bool:
    """A List filter: "Multiple filters are combined with a logical AND"."""
    return bool(document.get(member) == value)


def _public(member: Document) -> Document:
    return {key: value for key, value in member.items() if not key.startswith("_")}


def _new_id(params: Params, ctx: Context) -> str:
    """The gateway's id (GlobalInferenceGatewayId: 12 lowercase letters or digits), one no gateway has."""
    held = ctx.store.table(KIND)
    gateway_id = ctx.random_id(12)
    while gateway_id in held:
        gateway_id = ctx.random_id(12)
    return gateway_id


def _not_id_shaped(params: Params, ctx: Context) -> None:
    """A gateway's name is not 12 lowercase letters or digits, the form of its id."""
    name = params["Name"]
    if ID.fullmatch(name):
        raise ValidationError(f"The name {name} is not valid: a global inference gateway's name can't be exactly "
                              "12 lowercase letters or digits, because the global inference gateway ID uses "
                              "that format.")


def _members_free(params: Params, ctx: Context) -> None:
    """Each in-cluster gateway of the request: in the gateway's account and partition, listed once,
    and not a member of another global inference gateway."""
    seen: set[tuple[str, str, str]] = set()
    for member in (_member(given) for given in params["Gateways"]):
        _check_cluster(ctx, member["ClusterArn"])
        key = _member_key(member)
        if key in seen:
            raise ValidationError(f"The in-cluster inference gateway {member['Namespace']}/{member['Name']} of "
                                  f"cluster {member['ClusterArn']} is listed more than once in Gateways.")
        seen.add(key)
        _unclaimed(ctx, member, None)


def _created(document: Document, params: Params, ctx: Context) -> None:
    """The VPC endpoint service the gateway will answer at, and its members on their way in."""
    document["_service"] = f"vpce-svc-{ctx.random_id(17, '0123456789abcdef')}"
    document[MEMBERS] = [_added(_member(given), ctx) for given in params["Gateways"]]


def _added(member: Document, ctx: Context) -> Document:
    """A member on its way in: ADDING, then ACTIVE (or FAILED, where a test planned it)."""
    MEMBER_LIFECYCLE.begin(member, "add", ctx)
    return member


def _unclaimed(ctx: Context, wanted: Document, besides: Document | None) -> None:
    """ResourceInUse where the in-cluster gateway belongs to a global gateway (other than `besides`)."""
    key = _member_key(wanted)
    for document in ctx.store.table(KIND).live(ctx):
        if document is not besides and any(_member_key(member) == key for member in document.get(MEMBERS, ())):
            raise ResourceInUse(f"The in-cluster inference gateway {wanted['Namespace']}/{wanted['Name']} of "
                                f"cluster {wanted['ClusterArn']} already belongs to global inference gateway "
                                f"{document['Arn']}.")


def _check_cluster(ctx: Context, cluster_arn: str) -> None:
    """ClusterArn: "The cluster must be in the same account and partition as the global
    inference gateway. It can be in a different Region"."""
    parsed = arns.parse(cluster_arn)
    if parsed is not None and (parsed.account != ctx.account or parsed.partition != arns.partition(ctx.region)):
        raise ValidationError(f"The cluster {cluster_arn} must be in the same account and partition as the "
                              "global inference gateway.")


def _status_filters(document: Document, filters: list[Document]) -> bool:
    """ListGlobalInferenceGateways' Filters (by Status): "Multiple filters are combined with a logical AND"."""
    return all(_has(flt["Name"], flt["Value"], document) for flt in filters)


GLOBAL_INFERENCE_GATEWAY = Resource(
    "GlobalInferenceGateway",
    kind=KIND,
    missing=_missing,
    # CreateGlobalInferenceGateway declares ResourceInUse; AWS's wording is not published.
    duplicate=in_use("The name of global inference gateway {arn} is already in use."),
    lifecycle=LIFECYCLE,
    generated=_new_id,
    named_by="Name",
    found_by_name=True,  # Identifier: "The name, Amazon Resource Name (ARN), or ID of the global inference gateway"
    # ListGlobalInferenceGateways has no SortBy and states no order, nor a default page size: the oldest
    # first, as created, 10 a page (sagemock's choices, as most SageMaker Lists page).
    default_sort=("CreationTime", "Ascending"),
    filters={"Filters": _status_filters},
    rules=(Rule(_not_id_shaped, "CreateGlobalInferenceGateway.Name: 'The name can't be exactly 12 lowercase letters "
                "or digits, because the global inference gateway ID uses that format.'",
                claims=("can't be exactly 12 lowercase letters or digits",)),
           Rule(_members_free, "InferenceGatewayMember.ClusterArn: 'The cluster must be in the same account and "
                "partition as the global inference gateway'; an in-cluster inference gateway belongs to at most one "
                "global inference gateway (docs/inference-gateways.md)",
                claims=("must be in the same account and partition",))),
    waivers={"must be unique in your account in the current Region, and is case-sensitive": "claimed by the "
             "engine's name check of a resource found by name (found_by_name=): ResourceInUse; names are compared "
             "as given",
             "You can't change the role after you create": "UpdateGlobalInferenceGateway takes only Routing: nothing "
             "can change it",
             "RemoveInferenceGateway can't remove the last one": "enforced by RemoveInferenceGateway (written here); "
             "Create's Gateways holds at least one by the model's own constraint",
             "completes no more than one time": "core.idempotency answers a repeated ClientToken as the first request "
             "was answered, for every operation"},
    on_create=_created,
    follows_name=("Gateways.Name",),  # an in-cluster inference gateway belongs to one global inference gateway
    example={"Name": "chat", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/gateway",
             "Gateways": [{"Name": "chat-igw", "Namespace": "default",
                           "ClusterArn": "arn:aws:sagemaker:us-east-1:123456789012:cluster/abcdefghijkl"}],
             "Routing": {"Weights": {"KVHeadroom": 0.4, "QueueDepth": 0.6}}},
)


class GlobalInferenceGateways(Backend):
    gateways = GLOBAL_INFERENCE_GATEWAY.table()

    # -- finding -----------------------------------------------------------------------------------

    def _find(self, ctx: Context, identifier: str) -> Document | None:
        """The gateway an Identifier names: "The name, Amazon Resource Name (ARN), or ID"."""
        if arns.is_arn(identifier) or ID.fullmatch(identifier):
            return self.gateways.find(ctx, identifier)  # the table keys gateways by id, as ARNs end
        return self.gateways.find_named(ctx, "Name", identifier)

    def _require(self, ctx: Context, identifier: str) -> Document:
        document = self._find(ctx, identifier)
        if document is None:
            raise _missing(identifier)
        return document

    @staticmethod
    def _idle(document: Document, action: str) -> None:
        """ConflictException "while another operation is in progress on the global inference gateway"."""
        busy = [member for member in document.get(MEMBERS, ()) if member["Status"] in MEMBER_BUSY]
        if document["Status"] in BUSY or busy:
            doing = document["Status"] if document["Status"] in BUSY else \
                f"{busy[0]['Status']} in-cluster inference gateway {busy[0]['Name']}"
            raise ConflictError(f"Cannot {action} global inference gateway {document['Arn']} while another "
                                f"operation is in progress on it ({doing}).")

    # -- the gateway -------------------------------------------------------------------------------

    @operation
    def update_global_inference_gateway(self, params: Params, ctx: Context) -> Document:
        document = self._require(ctx, params["Identifier"])
        self._idle(document, "update")
        document["Routing"] = params["Routing"]
        if document["Status"] != "FAILED":  # a gateway that failed to create keeps its status and reason
            LIFECYCLE.begin(document, "update", ctx)
        return {key: document[key] for key in ("Arn", "Id", "Name", "Status", "Routing")}

    @operation
    def delete_global_inference_gateway(self, params: Params, ctx: Context) -> Document:
        """Idempotent: "a Delete whose Identifier matches no global inference gateway succeeds and
        echoes what the Identifier says (Arn and Id for an ARN or Id, Name for a name)"."""
        identifier = params["Identifier"]
        document = self._find(ctx, identifier)
        if document is None:
            if arns.is_arn(identifier):
                parsed = arns.parse(identifier)
                return {"Arn": identifier, "Id": parsed.resource if parsed is not None else None}
            if ID.fullmatch(identifier):
                return {"Arn": ctx.arn(KIND, identifier), "Id": identifier}
            return {"Name": identifier}
        if document["Status"] != "DELETING":
            self._idle(document, "delete")
            # Its members go with it: they "are then free to join another global inference gateway".
            document[MEMBERS] = []
            LIFECYCLE.begin(document, "delete", ctx)
        return {key: document[key] for key in ("Arn", "Id", "Name")}

    # -- its members -------------------------------------------------------------------------------

    def _membership(self, params: Params, ctx: Context) -> tuple[Document, Document, Document, Document | None]:
        """(the gateway, the in-cluster gateway a request names, the answer's common members, the
        member it is in the gateway, if it is)."""
        document = self._require(ctx, params["Identifier"])
        wanted = _member(params)
        answer = {"Arn": document["Arn"], "Id": document["Id"], "Name": document["Name"], "Gateway": wanted}
        key = _member_key(wanted)
        return document, wanted, answer, next((member for member in document[MEMBERS] if _member_key(member) == key),
                                              None)

    @operation
    def add_inference_gateway(self, params: Params, ctx: Context) -> Document:
        document, wanted, answer, present = self._membership(params, ctx)
        if present is not None:  # "the operation succeeds and returns its current status"
            return {**answer, "Status": present["Status"]}
        if document["Status"] == "FAILED":
            raise ConflictError(f"Cannot add an in-cluster inference gateway to global inference gateway "
                                f"{document['Arn']}: it failed to create.")
        self._idle(document, "add an in-cluster inference gateway to")
        _check_cluster(ctx, wanted["ClusterArn"])
        _unclaimed(ctx, wanted, document)
        if len(document[MEMBERS]) >= MAX_MEMBERS:
            raise ResourceLimitExceeded(f"Global inference gateway {document['Arn']} already has {MAX_MEMBERS} "
                                        "in-cluster inference gateways, the most it can have.")
        member = _added(dict(wanted), ctx)
        document[MEMBERS] = [*document[MEMBERS], member]
        if MEMBER_LIFECYCLE.in_transition(member):
            self.gateways.note_moving(document)
        return {**answer, "Status": member["Status"]}

    @operation
    def remove_inference_gateway(self, params: Params, ctx: Context) -> Document:
        document, wanted, answer, present = self._membership(params, ctx)
        if present is None:  # "the operation succeeds and returns no status"
            return answer
        if present["Status"] == "REMOVING":
            return {**answer, "Status": "REMOVING"}
        self._idle(document, "remove an in-cluster inference gateway from")
        staying = [member for member in document[MEMBERS] if member is not present]
        if not staying:
            raise ValidationError(f"Cannot remove the in-cluster inference gateway {wanted['Namespace']}/"
                                  f"{wanted['Name']}: it is the last one of global inference gateway "
                                  f"{document['Arn']}, and a global inference gateway must have at least one.")
        present.pop("FailureReason", None)
        MEMBER_LIFECYCLE.begin(present, "remove", ctx)
        status = "REMOVING"
        if MEMBER_LIFECYCLE.in_transition(present):
            self.gateways.note_moving(document)
        else:
            document[MEMBERS] = staying
        return {**answer, "Status": status}

    @operation
    def list_inference_gateways(self, params: Params, ctx: Context) -> Document:
        document = self._require(ctx, params["Identifier"])
        tests = [functools.partial(_has, flt["Name"], flt["Value"]) for flt in params.get("Filters") or ()]
        members = [_public(member) for member in document[MEMBERS] if all(test(member) for test in tests)]
        page, token = pagination.offset_page(members, params, DEFAULT_MAX,
                                             pagination.digest({**params, "Identifier": document["Arn"]}))
        return {"InferenceGatewaySummaries": page, "NextToken": token}
