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
request; how many instances are in use is counted from the training jobs (InProgress), Studio apps
and HyperPod cluster instance groups that name the plan, read through the store (never importing
those families).

The plan is a declared resource (`TRAINING_PLAN`): the engine answers CreateTrainingPlan,
DescribeTrainingPlan and ListTrainingPlans. What the declaration adds: the offering a Create names
must be one a search answered (a rule), the plan is built from it (`on_create`), and before each of
those operations the plans it reads are brought up to the clock and the state (`prepare`), as a
lifecycle brings a resource in transition up to date when it is read. The search, the extensions
and the reserved capacities are not one noun's Create/Describe/List, so they are written by hand;
they read a plan as `view` makes it, a copy brought up to date, changing nothing held.
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import math
from typing import Any

from ..core import arns
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceNotFound, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.pagination import offset_page
from ..core.quiet import Quiet
from ..core.resource import Answer, Resource, Rule, in_use, not_found
from ..core.state import Store
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
    plan's, is the clock's, and its counts the state's (`refresh`).

    A status the clock sets that is entered other than by payment (the status after Pending that
    a new plan, `_paying`, enters) was set by the test (`mock.set_status`): it holds, for the plan
    and its capacities, until the clock moves the plan on (`tick`)."""
    paid = status != "Pending" and document.pop("_paying", False)
    document.pop("_forced", None)
    if status in TIMED and not paid:
        document["_forced"] = [status, _by_clock(document, now)[0]]
    for capacity in document.get("ReservedCapacitySummaries", ()):
        capacity["Status"] = status
    refresh(document, now, usage(store))


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
    """The plan as a hand-written request sees it now: a copy whose statuses are the clock's and whose
    counts are the state's, so reading a capacity changes nothing held."""
    current = {**plan, "ReservedCapacitySummaries": [dict(capacity)
                                                     for capacity in plan.get("ReservedCapacitySummaries") or ()]}
    refresh(current, ctx.now, usage(ctx.store))
    return current


def refresh(plan: Document, now: _dt.datetime, used: dict[str, int]) -> None:
    """Bring a plan's statuses up to the clock and its counts up to `used` (`usage`)."""
    tick(plan, now)
    _counted(plan, used)


def _by_clock(document: Document, now: _dt.datetime) -> tuple[str, list[str]]:
    """The plan's status by the clock and its capacities': Active while any capacity runs, Expired
    after the last ends, Scheduled before and between them."""
    statuses = [_timed_status(now, capacity["StartTime"], capacity["EndTime"])
                for capacity in document.get("ReservedCapacitySummaries") or ()]
    found = set(statuses)
    return "Active" if "Active" in found else "Expired" if found == {"Expired"} else "Scheduled", statuses


def tick(document: Document, now: _dt.datetime) -> None:
    """Bring a paid plan's status and its capacities' up to the clock (`_by_clock`), unless the
    test set it and the clock has not moved the plan on since (`_entered`)."""
    if document[STATUS] not in TIMED:
        return
    status, statuses = _by_clock(document, now)
    forced = document.get("_forced")
    if forced is not None and forced[1] == status:
        status, statuses = forced[0], [forced[0]] * len(statuses)
    else:
        document.pop("_forced", None)
    for capacity, current in zip(document.get("ReservedCapacitySummaries") or (), statuses, strict=True):
        capacity["Status"] = current
    document[STATUS] = status


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

def usage(store: Store) -> dict[str, int]:
    """Plan ARN -> the instances its capacity runs now: those of its InProgress training jobs, of its
    InService Studio apps (one each) and of the instance groups of HyperPod clusters that name it
    (one pass over each family's table, for every plan at once)."""
    used: dict[str, int] = {}
    for job in store.table("training-job").values():
        config = job.get("ResourceConfig") or {}
        plan_arn = config.get("TrainingPlanArn")
        if plan_arn and job.get("TrainingJobStatus") == "InProgress":
            used[plan_arn] = used.get(plan_arn, 0) + (config.get("InstanceCount") or sum(
                group.get("InstanceCount", 0) for group in config.get("InstanceGroups") or ()))
    for app in store.table("app").values():  # a Studio app on the plan runs one instance
        plan_arn = (app.get("ResourceSpec") or {}).get("TrainingPlanArn")
        if plan_arn and app.get("Status") == "InService":
            used[plan_arn] = used.get(plan_arn, 0) + 1
    for cluster in store.table("cluster").values():
        if cluster.get("ClusterStatus") in ("Failed", "Deleting"):
            continue
        for key in ("InstanceGroups", "RestrictedInstanceGroups"):
            for group in cluster.get(key) or ():
                plan_arn = group.get("TrainingPlanArn")
                if plan_arn:
                    used[plan_arn] = used.get(plan_arn, 0) + (group.get("CurrentCount",
                                                                        group.get("TargetCount", 0)) or 0)
    return used


def _counted(plan: Document, used: dict[str, int]) -> None:
    """The plan's instance counts as of now."""
    total = plan.get("TotalInstanceCount", 0)
    spare = plan.get("AvailableSpareInstanceCount", 0)
    running = min(used.get(plan["TrainingPlanArn"], 0), total) if plan[STATUS] == "Active" else 0
    plan["InUseInstanceCount"] = running
    plan["AvailableInstanceCount"] = max(0, total - spare - running) if plan[STATUS] in ("Active", "Scheduled") \
        else 0


# -- the declared resource ------------------------------------------------------------------------

#: A pass over every plan holds while the plans are as they were, their usage is the same and the
#: clock reached no plan's start or end.
QUIET = Quiet(KIND)


def _prepare(backend: TrainingPlans, params: Params, ctx: Context) -> None:
    """Bring the plans a request reads up to the clock and the state: the one it names (Describe,
    and Create's duplicate), or every plan (List). The usage is counted afresh (other families'
    documents change in place); nothing more to do while it and the plans are as the last pass
    over them all left them and the clock has reached no plan's start or end since (`QUIET`). A
    plan is looked up here without reading it through its lifecycle, which the operation itself
    does, once."""
    table, store = backend.plans, ctx.store
    used = usage(store)
    if QUIET.holds(store, ctx.now, used):
        return
    name = params.get("TrainingPlanName")
    if name is not None:
        resource = arns.resolve(name, KIND, ctx.region, ctx.account)
        held = table.get(table.key(resource)) if resource else None
        if held is not None:
            refresh(held, ctx.now, used)
        return
    for plan in table.values():
        refresh(plan, ctx.now, used)
    QUIET.keep(store, [moment for plan in table.values() if plan[STATUS] in TIMED
                       for capacity in plan.get("ReservedCapacitySummaries") or ()
                       for moment in (capacity["StartTime"], capacity["EndTime"])], ctx.now, used)


def _offering_exists(params: Params, ctx: Context) -> None:
    """CreateTrainingPlan buys an offering SearchTrainingPlanOfferings answered."""
    if offered(ctx, params["TrainingPlanOfferingId"]) is None:
        raise ResourceNotFound(f"Training plan offering {params['TrainingPlanOfferingId']} does not exist: "
                               "use an id SearchTrainingPlanOfferings returned.")


def _bought(plan: Document, params: Params, ctx: Context) -> None:
    """A plan bought from an offering a search answered: its reserved capacities are the offering's
    (named `<plan>-rc<n>`), Pending until paid."""
    offering = offered(ctx, params["TrainingPlanOfferingId"])
    assert offering is not None  # (`_offering_exists` refused any other)
    name = plan["TrainingPlanName"]
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
    plan.update({
        STATUS: "Pending",
        "DurationHours": offering["DurationHours"], "DurationMinutes": offering["DurationMinutes"],
        "StartTime": min(capacity["StartTime"] for capacity in capacities),
        "EndTime": max(capacity["EndTime"] for capacity in capacities),
        "UpfrontFee": offering["UpfrontFee"], "CurrencyCode": offering["CurrencyCode"],
        "TotalInstanceCount": total, "AvailableInstanceCount": 0, "InUseInstanceCount": 0,
        "UnhealthyInstanceCount": 0, "TargetResources": list(offering["TargetResources"]),
        "ReservedCapacitySummaries": capacities, "_offering": offering["TrainingPlanOfferingId"],
        "_extensions": [], "_paying": True})
    if servers:
        plan.update(TotalUltraServerCount=servers, AvailableSpareInstanceCount=spare, _spare_each=spare_each)


def _started_after(plan: Document, after: _dt.datetime) -> bool:
    """ListTrainingPlans' StartTimeAfter: "training plans with an actual start time after this date"."""
    return bool(plan["StartTime"] > after)


def _started_before(plan: Document, before: _dt.datetime) -> bool:
    """StartTimeBefore: "training plans with an actual start time before this date"."""
    return bool(plan["StartTime"] < before)


def _filtered(plan: Document, filters: list[Document]) -> bool:
    """Filters: each `Status` filter (the only name the model has) names the plan's status."""
    return all(plan[STATUS] == entry["Value"] for entry in filters if entry["Name"] == STATUS)


#: The search that answers the example's offering (the contract tests and the fuzz world buy it).
EXAMPLE_SEARCH = {"InstanceType": "ml.p5.48xlarge", "InstanceCount": 1, "TargetResources": ["training-job"]}

TRAINING_PLAN = Resource(
    "TrainingPlan",
    kind=KIND,
    # AWS's wording is not published (docs/training-plans.md).
    missing=not_found("Training plan {arn} does not exist."),
    duplicate=in_use("Training plan {arn} already exists."),
    lifecycle=LIFECYCLE,
    # ListTrainingPlans states no defaults: newest start first, as most SageMaker lists sort.
    default_sort=("StartTime", "Descending"),
    filters={"StartTimeAfter": _started_after, "StartTimeBefore": _started_before, "Filters": _filtered},
    prepare=_prepare,
    rules=(
        Rule(_offering_exists, "CreateTrainingPlan (plan creation workflow): \"Users search for available plan "
             "offerings ... using the SearchTrainingPlanOfferings API operation. They create a plan that best matches "
             "their needs using the ID of the plan offering they want to use.\""),
    ),
    on_create=_bought,
    example={"TrainingPlanName": "pretraining",
             "TrainingPlanOfferingId": Answer("SearchTrainingPlanOfferings", "TrainingPlanOfferings",
                                              within=(0, "TrainingPlanOfferingId"))},
    example_needs=(("SearchTrainingPlanOfferings", EXAMPLE_SEARCH),),
)


class TrainingPlans(Backend):
    plans = TRAINING_PLAN.table()

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
