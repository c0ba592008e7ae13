"""Training plans: reserved GPU capacity bought from an offering, and the reserved capacities in it.

AWS's flow (docs/training-plans.md cites each step): SearchTrainingPlanOfferings answers offerings
for an instance type, count, window and duration; CreateTrainingPlan buys one by its id; the plan
is Pending until paid, then Scheduled, Active from its start, Expired after its end (Scheduled again
between discontinuous capacities). ExtendTrainingPlan buys an extension offering that a search with
`TrainingPlanArn` answered.

No capacity market exists behind a mock, so offerings are computed from the request alone, the same
request always answering the same offerings: the duration is rounded up to whole days (AWS sells 1
to 182 days), the instance count up to AWS's quantity options (1, 2, 4 ... 64), the start is the
first whole hour not before both now and `StartTimeAfter`, and a second offering starts a day
later, each only if it ends by `EndTimeBefore`. An offering's id carries its terms, signed for the
account and region, so a search changes nothing (it is a read) and Create and Extend know exactly
what an id offers.

A plan's status after payment follows the clock from its capacities' start and end times, at every
request; how many instances are in use is counted from the training jobs (InProgress) and HyperPod
cluster instance groups that name the plan, read through the store (never importing those families).
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import math
from typing import Any

from ..core import arns, service, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceNotFound, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.pagination import Listing, offset_page
from ..core.resource import not_found
from ..core.state import Store
from ..core.table import Table
from .zones import zone_id

Document = dict[str, Any]
KIND = "training-plan"
CAPACITY_KIND = "reserved-capacity"
STATUS = "Status"
#: "Reservation durations are available in 1-day increments from 1 to 182 days."
MAX_DAYS = 182
#: "The reservation instance quantity options are 1, 2, 4, 8, 16, 32 or 64 instances."
QUANTITIES = (1, 2, 4, 8, 16, 32, 64)
#: sagemock's price (not AWS's): USD per instance-hour, so fees grow with what is reserved.
RATE = 1.0
#: Target resources as an offering id writes them (by position, to keep ids within 256 characters).
TARGETS = ("training-job", "hyperpod-cluster", "endpoint", "studio-apps")
#: The statuses a paid plan (or capacity) moves between with the clock.
TIMED = ("Scheduled", "Active", "Expired")


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """The plan's capacities are bought (or fail) with it; after payment each one's status, like the
    plan's, is the clock's (`view`)."""
    for capacity in document.get("ReservedCapacitySummaries", ()):
        capacity["Status"] = status


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key=STATUS,
    status_shape="TrainingPlanStatus",
    # "Upon successful payment, the status transitions from Pending to Scheduled"; "If the plan
    # purchase fails, the status is set to Failed."
    paths={"create": ("Pending", "Scheduled")},
    failure_paths={"create": ("Pending", "Failed")},
    failure_key="StatusMessage",
    name_key="TrainingPlanName",
    on_enter=_entered,
)


def _timed_status(now: _dt.datetime, start: _dt.datetime, end: _dt.datetime) -> str:
    return "Scheduled" if now < start else "Active" if now < end else "Expired"


def view(plan: Document, ctx: Context) -> Document:
    """The plan as a request sees it now: a copy whose statuses are the clock's and whose counts are
    the state's. The held document keeps only what writes set, so a read changes nothing."""
    current = {**plan, "ReservedCapacitySummaries": [dict(capacity)
                                                     for capacity in plan.get("ReservedCapacitySummaries") or ()]}
    tick(current, ctx.now)
    _counted(current, ctx)
    return current


def tick(document: Document, now: _dt.datetime) -> None:
    """Bring a paid plan's status and its capacities' up to the clock: Active while any capacity
    runs, Expired after the last ends, Scheduled before and between them."""
    if document[STATUS] not in TIMED:
        return
    capacities = document.get("ReservedCapacitySummaries") or []
    for capacity in capacities:
        capacity["Status"] = _timed_status(now, capacity["StartTime"], capacity["EndTime"])
    statuses = {capacity["Status"] for capacity in capacities}
    document[STATUS] = "Active" if "Active" in statuses else "Expired" if statuses == {"Expired"} else "Scheduled"


# -- offerings ------------------------------------------------------------------------------------

def _days(hours: int | None) -> int:
    """Whole days covering `hours` (a day where none is asked)."""
    return max(1, math.ceil((hours or 24) / 24))


def _next_hour(moment: _dt.datetime) -> _dt.datetime:
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + _dt.timedelta(hours=1)


def ultra_server(ultra_type: str) -> tuple[str, int] | None:
    """The instance type and instances per UltraServer of an UltraServer type: ml.u-p6e-gb200x72 is
    72 GPUs, 18 ml.p6e-gb200.36xlarge instances of 4 GPUs each. None for types sagemock does not know."""
    known = {"ml.u-p6e-gb200x72": ("ml.p6e-gb200.36xlarge", 18), "ml.u-p6e-gb200x36": ("ml.p6e-gb200.36xlarge", 9)}
    return known.get(ultra_type)


def _digest(prefix: str, *parts: Any) -> str:
    return prefix + hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def _fee(instances: int, hours: int) -> str:
    return f"{instances * hours * RATE:.2f}"


def _encode(prefix: str, ctx: Context, fields: list[Any]) -> str:
    """An offering id that carries what it offers, signed for the account and region: a search
    changes nothing (it is a read), yet Create and Extend know exactly what an id offers, and refuse
    one no search of theirs could have answered."""
    payload = "|".join(str(field) for field in fields)
    body = base64.b32encode(payload.encode()).decode().lower().rstrip("=")
    return f"{prefix}{_sign(ctx, payload)}-{body}"


def _sign(ctx: Context, payload: str) -> str:
    return hashlib.sha256(f"{ctx.account}|{ctx.region}|{payload}".encode()).hexdigest()[:16]


def _decode(prefix: str, ctx: Context, value: str) -> list[str] | None:
    """The fields of an id `_encode` made for this account and region; None for any other id."""
    if not value.startswith(prefix) or "-" not in value[len(prefix):]:
        return None
    sign, body = value[len(prefix):].split("-", 1)
    try:
        payload = base64.b32decode(body.upper() + "=" * (-len(body) % 8)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return payload.split("|") if sign == _sign(ctx, payload) else None


def _moment(epoch: str) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)


def _offering(ctx: Context, instance_type: str, count: int, ultra_type: str, servers: int, start: _dt.datetime,
              hours: int, targets: list[str], zone: str) -> Document:
    """One offering: a single reserved capacity of `count` instances in `zone` from `start`."""
    end = start + _dt.timedelta(hours=hours)
    capacity: Document = {"ReservedCapacityType": "UltraServer" if ultra_type else "Instance",
                          "InstanceType": instance_type, "InstanceCount": count, "AvailabilityZone": zone,
                          "DurationHours": hours, "DurationMinutes": 0, "StartTime": start, "EndTime": end}
    if ultra_type:
        capacity.update(UltraServerType=ultra_type, UltraServerCount=servers)
    fields = [instance_type, count, ultra_type, servers, int(start.timestamp()), hours,
              ",".join(str(TARGETS.index(target)) if target in TARGETS else target for target in targets), zone]
    return {"TrainingPlanOfferingId": _encode("tpo-", ctx, fields), "TargetResources": list(targets),
            "DurationHours": hours, "DurationMinutes": 0, "UpfrontFee": _fee(count, hours), "CurrencyCode": "USD",
            "ReservedCapacityOfferings": [capacity]}


def offered(ctx: Context, offering_id: str) -> Document | None:
    """What a training plan offering id offers, or None for an id no search here answered."""
    fields = _decode("tpo-", ctx, offering_id)
    if fields is None or len(fields) != 8:
        return None
    instance_type, count, ultra_type, servers, start, hours, targets, zone = fields
    return _offering(ctx, instance_type, int(count), ultra_type, int(servers), _moment(start), int(hours),
                     [TARGETS[int(target)] if target.isdigit() else target for target in targets.split(",")], zone)


def plan_offerings(params: Params, ctx: Context) -> list[Document]:
    """The training plan offerings a search answers (see the module's docstring)."""
    ultra_type = params.get("UltraServerType") or ""
    servers = params.get("UltraServerCount") or 1
    instance_type = params.get("InstanceType")
    if ultra_type:
        known = ultra_server(ultra_type)
        if known is None and not instance_type:
            return []
        instance_type = instance_type or known[0]  # type: ignore[index]
        count = servers * (known[1] if known is not None else 1)
    else:
        if not instance_type or params.get("InstanceCount") == 0:
            return []
        count = next((option for option in QUANTITIES if option >= (params.get("InstanceCount") or 1)), 0)
        if not count:
            return []
    days = _days(params.get("DurationHours"))
    if days > MAX_DAYS:
        return []
    targets = list(params.get("TargetResources") or ["training-job"])
    after, before = params.get("StartTimeAfter"), params.get("EndTimeBefore")
    first = _next_hour(max(ctx.now, after) if after is not None else ctx.now)
    found: list[Document] = []
    for index, zone in enumerate((f"{ctx.region}a", f"{ctx.region}b")):
        offering = _offering(ctx, instance_type, count, ultra_type, servers, first + _dt.timedelta(days=index),
                             days * 24, targets, zone)
        if before is not None and offering["ReservedCapacityOfferings"][0]["EndTime"] > before:
            break
        if after is not None:
            offering["RequestedStartTimeAfter"] = after
        if before is not None:
            offering["RequestedEndTimeBefore"] = before
        found.append(offering)
    return found


def _extension(ctx: Context, plan_name: str, start: _dt.datetime, hours: int, zone: str, instances: int) -> Document:
    fields = [plan_name, int(start.timestamp()), hours, zone, instances]
    return {"TrainingPlanExtensionOfferingId": _encode("tpeo-", ctx, fields), "AvailabilityZone": zone,
            "StartDate": start, "EndDate": start + _dt.timedelta(hours=hours), "DurationHours": hours,
            "UpfrontFee": _fee(instances, hours), "CurrencyCode": "USD"}


def extension_offering(plan: Document, params: Params, ctx: Context) -> Document:
    """The one extension offering a search with `TrainingPlanArn` answers: the asked hours rounded
    up to whole days (a day by default, at most the model's 4368 hours), from the plan's end."""
    capacities = plan.get("ReservedCapacitySummaries") or [{}]
    zone = capacities[-1].get("AvailabilityZone") or f"{ctx.region}a"
    instances = sum(capacity.get("TotalInstanceCount", 0) for capacity in capacities)
    return _extension(ctx, plan["TrainingPlanName"], plan["EndTime"], min(_days(params.get("DurationHours")) * 24,
                                                                           4368), zone, instances)


def extended(ctx: Context, offering_id: str) -> tuple[str, Document] | None:
    """The plan an extension offering id extends and what it offers, or None for an unknown id."""
    fields = _decode("tpeo-", ctx, offering_id)
    if fields is None or len(fields) != 5:
        return None
    name, start, hours, zone, instances = fields
    return name, _extension(ctx, name, _moment(start), int(hours), zone, int(instances))


# -- usage ----------------------------------------------------------------------------------------

def in_use(plan_arn: str, ctx: Context) -> int:
    """Instances the plan's capacity runs now: those of its InProgress training jobs, of its InService
    Studio apps (one each) and of the instance groups of HyperPod clusters that name it."""
    used = 0
    for job in ctx.store.table("training-job").values():
        config = job.get("ResourceConfig") or {}
        if config.get("TrainingPlanArn") == plan_arn and job.get("TrainingJobStatus") == "InProgress":
            used += config.get("InstanceCount") or sum(group.get("InstanceCount", 0)
                                                       for group in config.get("InstanceGroups") or ())
    for app in ctx.store.table("app").values():  # a Studio app on the plan runs one instance
        if app.get("Status") == "InService" and (app.get("ResourceSpec") or {}).get("TrainingPlanArn") == plan_arn:
            used += 1
    for cluster in ctx.store.table("cluster").values():
        if cluster.get("ClusterStatus") in ("Failed", "Deleting"):
            continue
        for key in ("InstanceGroups", "RestrictedInstanceGroups"):
            for group in cluster.get(key) or ():
                if group.get("TrainingPlanArn") == plan_arn:
                    used += group.get("CurrentCount", group.get("TargetCount", 0)) or 0
    return used


def _counted(plan: Document, ctx: Context) -> None:
    """The plan's instance counts as of now."""
    total = plan.get("TotalInstanceCount", 0)
    spare = plan.get("AvailableSpareInstanceCount", 0)
    used = min(in_use(plan["TrainingPlanArn"], ctx), total) if plan[STATUS] == "Active" else 0
    plan["InUseInstanceCount"] = used
    plan["AvailableInstanceCount"] = max(0, total - spare - used) if plan[STATUS] in ("Active", "Scheduled") else 0


_DESCRIBED = "DescribeTrainingPlanResponse"


def _answer(plan: Document) -> Document:
    """The plan as Describe answers it: the members the installed model has."""
    members = service.shape(_DESCRIBED).members
    return {key: value for key, value in plan.items() if key in members}


LISTING = Listing(sort_keys={"TrainingPlanName": "TrainingPlanName", "StartTime": "StartTime", "Status": STATUS},
                  # ListTrainingPlans states no defaults: newest start first, as most SageMaker lists sort.
                  default_sort="StartTime", default_order="Descending", id_key="TrainingPlanArn",
                  default_max=10)


class TrainingPlans(Backend):
    plans = Table.of(KIND, arn="TrainingPlanArn", name="TrainingPlanName",
                     missing=not_found("Training plan {arn} does not exist."), lifecycle=LIFECYCLE)

    def _plan(self, ctx: Context, name_or_arn: str) -> Document:
        return view(self.plans.require(ctx, name_or_arn), ctx)

    @operation
    def search_training_plan_offerings(self, params: Params, ctx: Context) -> Document:
        """Offerings computed from the request (the module's docstring); with TrainingPlanArn, the
        plan's extension offering instead."""
        if params.get("TrainingPlanArn"):
            plan = self._plan(ctx, params["TrainingPlanArn"])
            return {"TrainingPlanOfferings": [],
                    "TrainingPlanExtensionOfferings": [extension_offering(plan, params, ctx)]}
        return {"TrainingPlanOfferings": plan_offerings(params, ctx), "TrainingPlanExtensionOfferings": []}

    @operation
    def create_training_plan(self, params: Params, ctx: Context) -> Document:
        """A plan bought from an offering a search answered: Pending, then Scheduled once paid."""
        name = params["TrainingPlanName"]
        existing = self.plans.find(ctx, name)
        if existing is not None:
            raise ResourceInUse(f"Training plan {existing['TrainingPlanArn']} already exists.")
        offering = offered(ctx, params["TrainingPlanOfferingId"])
        if offering is None:
            raise ResourceNotFound(f"Training plan offering {params['TrainingPlanOfferingId']} does not exist: "
                                   "use an id SearchTrainingPlanOfferings returned.")
        tags.check(params.get("Tags"))
        arn = ctx.arn(KIND, name)
        spare_each = params.get("SpareInstanceCountPerUltraServer", 1)
        capacities, total, servers, spare = [], 0, 0, 0
        for index, given in enumerate(offering["ReservedCapacityOfferings"], start=1):
            capacity: Document = {
                "ReservedCapacityArn": ctx.arn(CAPACITY_KIND, f"{name}-rc{index}"),
                "ReservedCapacityType": given["ReservedCapacityType"], "InstanceType": given["InstanceType"],
                "TotalInstanceCount": given["InstanceCount"], "Status": "Pending",
                "AvailabilityZone": given["AvailabilityZone"],
                "AvailabilityZoneId": zone_id(given["AvailabilityZone"]),
                "DurationHours": given["DurationHours"], "DurationMinutes": given["DurationMinutes"],
                "StartTime": given["StartTime"], "EndTime": given["EndTime"]}
            if given.get("UltraServerType"):
                capacity.update(UltraServerType=given["UltraServerType"],
                                UltraServerCount=given["UltraServerCount"])
                servers += given["UltraServerCount"]
                spare += spare_each * given["UltraServerCount"]
            total += given["InstanceCount"]
            capacities.append(capacity)
        plan: Document = {
            "TrainingPlanArn": arn, "TrainingPlanName": name, STATUS: "Pending",
            "DurationHours": offering["DurationHours"], "DurationMinutes": offering["DurationMinutes"],
            "StartTime": min(capacity["StartTime"] for capacity in capacities),
            "EndTime": max(capacity["EndTime"] for capacity in capacities),
            "UpfrontFee": offering["UpfrontFee"], "CurrencyCode": offering["CurrencyCode"],
            "TotalInstanceCount": total, "AvailableInstanceCount": 0, "InUseInstanceCount": 0,
            "UnhealthyInstanceCount": 0, "TargetResources": list(offering["TargetResources"]),
            "ReservedCapacitySummaries": capacities, "_offering": offering["TrainingPlanOfferingId"],
            "_extensions": []}
        if servers:
            plan.update(TotalUltraServerCount=servers, AvailableSpareInstanceCount=spare, _spare_each=spare_each)
        self.plans.add(plan, params.get("Tags"))
        LIFECYCLE.begin(plan, "create", ctx)
        return {"TrainingPlanArn": arn}

    @operation
    def describe_training_plan(self, params: Params, ctx: Context) -> Document:
        return _answer(self._plan(ctx, params["TrainingPlanName"]))

    @operation
    def list_training_plans(self, params: Params, ctx: Context) -> Document:
        """Plans filtered by actual start time and Status filters, sorted by name, start time or status."""
        plans = [view(plan, ctx) for plan in self.plans.live(ctx)]
        after, before = params.get("StartTimeAfter"), params.get("StartTimeBefore")
        wanted = [entry["Value"] for entry in params.get("Filters") or () if entry["Name"] == STATUS]
        chosen = [plan for plan in plans
                  if (after is None or plan["StartTime"] > after) and (before is None or plan["StartTime"] < before)
                  and all(plan[STATUS] == value for value in wanted)]
        page, token = LISTING.run(chosen, params)
        summary = service.shape("TrainingPlanSummary").members
        return {"TrainingPlanSummaries": [{key: value for key, value in plan.items() if key in summary}
                                          for plan in page], "NextToken": token}

    @operation
    def extend_training_plan(self, params: Params, ctx: Context) -> Document:
        """Buy an extension offering: the plan (and its last capacity) runs on to the extension's end."""
        offering_id = params["TrainingPlanExtensionOfferingId"]
        found = extended(ctx, offering_id)
        plan = self.plans.find(ctx, found[0]) if found is not None else None
        if found is None or plan is None:
            raise ResourceNotFound(f"Training plan extension offering {offering_id} does not exist: use an id "
                                   "SearchTrainingPlanOfferings returned for the plan.")
        offering = found[1]
        if plan["EndTime"] != offering["StartDate"]:
            raise ValidationError(f"Training plan extension offering {offering_id} no longer starts where training "
                                  f"plan {plan['TrainingPlanArn']} ends: search for extension offerings again.")
        hours = offering["DurationHours"]
        last = plan["ReservedCapacitySummaries"][-1]
        last["EndTime"] = offering["EndDate"]
        last["DurationHours"] += hours
        plan["EndTime"] = offering["EndDate"]
        plan["DurationHours"] += hours
        plan["UpfrontFee"] = f"{float(plan['UpfrontFee']) + float(offering['UpfrontFee']):.2f}"
        plan["_extensions"].append({
            "TrainingPlanExtensionOfferingId": offering_id, "ExtendedAt": ctx.now, "StartDate": offering["StartDate"],
            "EndDate": offering["EndDate"], "PaymentStatus": "Completed",
            "AvailabilityZone": offering["AvailabilityZone"],
            "AvailabilityZoneId": zone_id(offering["AvailabilityZone"]), "DurationHours": hours,
            "UpfrontFee": offering["UpfrontFee"], "CurrencyCode": offering["CurrencyCode"]})
        return {"TrainingPlanExtensions": self._extensions(plan, ctx)}

    def _extensions(self, plan: Document, ctx: Context) -> list[Document]:
        return [{**extension, "Status": _timed_status(ctx.now, extension["StartDate"], extension["EndDate"])}
                for extension in plan["_extensions"]]

    @operation
    def describe_training_plan_extension_history(self, params: Params, ctx: Context) -> Document:
        plan = self._plan(ctx, params["TrainingPlanArn"])
        page, token = offset_page(self._extensions(plan, ctx), params, 100, plan["TrainingPlanArn"])
        return {"TrainingPlanExtensions": page, "NextToken": token}

    # -- reserved capacities ----------------------------------------------------------------------

    def _capacity(self, ctx: Context, arn: str) -> tuple[Document, Document]:
        """The reserved capacity behind an ARN, and the plan that holds it."""
        parsed = arns.parse(arn)
        if parsed is not None and parsed.account == ctx.account and parsed.region == ctx.region:
            plan_name = parsed.resource.rsplit("-rc", 1)[0]
            held = self.plans.find(ctx, plan_name)
            plan = view(held, ctx) if held is not None else {}
            for capacity in plan.get("ReservedCapacitySummaries", ()):
                if capacity["ReservedCapacityArn"] == arn:
                    return capacity, plan
        raise ResourceNotFound(f"Reserved capacity {arn} does not exist.")

    @operation
    def describe_reserved_capacity(self, params: Params, ctx: Context) -> Document:
        capacity, plan = self._capacity(ctx, params["ReservedCapacityArn"])
        share = _share(capacity, plan)
        answer: Document = {key: capacity[key] for key in (
            "ReservedCapacityArn", "ReservedCapacityType", "Status", "AvailabilityZone", "DurationHours",
            "DurationMinutes", "StartTime", "EndTime", "InstanceType", "TotalInstanceCount") if key in capacity}
        answer.update(InUseInstanceCount=share[0], AvailableInstanceCount=share[1])
        if capacity.get("UltraServerType"):
            answer["UltraServerSummary"] = {
                "UltraServerType": capacity["UltraServerType"], "InstanceType": capacity["InstanceType"],
                "UltraServerCount": capacity["UltraServerCount"],
                "AvailableSpareInstanceCount": plan.get("_spare_each", 1) * capacity["UltraServerCount"],
                "UnhealthyInstanceCount": 0}
        return answer

    @operation
    def list_ultra_servers_by_reserved_capacity(self, params: Params, ctx: Context) -> Document:
        """The UltraServers of an UltraServer capacity (none for an Instance one), ten a page by
        default as documented."""
        capacity, plan = self._capacity(ctx, params["ReservedCapacityArn"])
        servers: list[Document] = []
        count = capacity.get("UltraServerCount") or 0
        if capacity.get("UltraServerType") and count:
            each = capacity["TotalInstanceCount"] // count
            spare = min(plan.get("_spare_each", 1), each)
            used, _ = _share(capacity, plan)
            for index in range(count):
                running = min(max(0, used - index * (each - spare)), each - spare)
                servers.append({
                    "UltraServerId": _digest("us-", capacity["ReservedCapacityArn"], index)[:20],
                    "UltraServerType": capacity["UltraServerType"], "AvailabilityZone": capacity["AvailabilityZone"],
                    "InstanceType": capacity["InstanceType"], "TotalInstanceCount": each,
                    "ConfiguredSpareInstanceCount": spare, "AvailableInstanceCount": each - spare - running,
                    "InUseInstanceCount": running, "AvailableSpareInstanceCount": spare,
                    "UnhealthyInstanceCount": 0, "HealthStatus": "OK"})
        page, token = offset_page(servers, params, 10, capacity["ReservedCapacityArn"])
        return {"UltraServers": page, "NextToken": token}


def _share(capacity: Document, plan: Document) -> tuple[int, int]:
    """(in use, available) instances of one capacity: the plan's use falls on its Active capacities
    in order."""
    if capacity["Status"] != "Active":
        return 0, capacity["TotalInstanceCount"] if capacity["Status"] == "Scheduled" else 0
    used = plan.get("InUseInstanceCount", 0)
    for other in plan["ReservedCapacitySummaries"]:
        if other is capacity:
            break
        if other["Status"] == "Active":
            used -= min(used, other["TotalInstanceCount"])
    mine = min(used, capacity["TotalInstanceCount"])
    return mine, capacity["TotalInstanceCount"] - mine
