"""SageMaker Capacity Reservations (`sm-capacity-reservation/smcr-...`): instances AWS reserves for
an account outside the API.

No operation of the model creates one: AWS makes them (with the account's team), and the API only
reads them (DescribeCapacityReservation, ListCapacityReservations, GetCapacityReservationUsage). A
test puts one in the mock's account with `mock.add_capacity_reservation(...)`, as AWS would have.
Its status is the clock's, as AWS documents: "SageMaker AI sets the status from the start and end
times of the reservation" (Scheduled before StartTime, Active until EndTime, Expired after).

Usage is counted from the state at each request (so `LastRefreshTime` is the request's time): the
reserved instance type's instances that the account's HyperPod clusters run while the reservation
is Active and associated with them ("The association applies to all HyperPod clusters in your
account", the API reference of CapacityReservationHyperPodClustersAssociation), at most the
reservation's instances. DescribeResourceAssociations answers that association: AWS makes it with
the reservation (the control's `hyperpod_clusters`), Active from the time it was made. Endpoints
reach a reservation through ML capacity reservations, which nothing in the API makes either and the
mock does not hold, so no endpoint association is ever listed ("The list is empty when your account
has no associations with the reservation").
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.pagination import offset_page
from ..core.resource import not_found
from ..core.table import Table, creation_order
from .zones import zone_id

Document = dict[str, Any]
KIND = "sm-capacity-reservation"


def status_at(document: Document, now: _dt.datetime) -> str:
    """The status AWS sets from the start and end times."""
    if now < document["StartTime"]:
        return "Scheduled"
    end = document.get("EndTime")
    return "Active" if end is None or now < end else "Expired"


#: The private member holding the HyperPod clusters' association, as DescribeResourceAssociations
#: answers it (absent: the account's clusters are not associated).
HYPERPOD = "_HyperPodClusters"


def in_use(document: Document, ctx: Context) -> int:
    """Instances of the reserved type the account's HyperPod clusters run now (none unless Active
    and associated with the clusters)."""
    if document["Status"] != "Active" or (document.get(HYPERPOD) or {}).get("Status") != "Active":
        return 0
    used = 0
    for cluster in ctx.store.table("cluster").values():
        if cluster.get("ClusterStatus") in ("Failed", "Deleting"):
            continue
        for key in ("InstanceGroups", "RestrictedInstanceGroups"):
            for group in cluster.get(key) or ():
                if group.get("InstanceType") == document["InstanceType"]:
                    used += group.get("CurrentCount", 0) or 0
    return min(used, int(document["TotalInstanceCount"]))


class CapacityReservations(Backend):
    reservations = Table.of(KIND, arn="SMCapacityReservationArn", name="SMCapacityReservationId",
                            missing=not_found("SageMaker Capacity Reservation {arn} does not exist."),
                            taggable=False)

    def add(self, ctx: Context, instance_type: str, instance_count: int, start_time: _dt.datetime,
            end_time: _dt.datetime | None, availability_zone: str | None, hyperpod_clusters: bool = True) -> str:
        """Hold a reservation AWS made for the account (the mock control `add_capacity_reservation`)."""
        reservation_id = f"smcr-{ctx.random_id(12)}"
        zone = availability_zone or f"{ctx.region}a"
        arn = ctx.arn(KIND, reservation_id)
        document: Document = {
            "SMCapacityReservationArn": arn, "SMCapacityReservationId": reservation_id, "Owner": ctx.account,
            "Status": "Scheduled", "InstanceType": instance_type, "AvailabilityZone": zone,
            "AvailabilityZoneId": zone_id(zone), "TotalInstanceCount": instance_count, "StartTime": start_time,
            "CreationTime": ctx.now}
        if end_time is not None:
            document["EndTime"] = end_time
        if hyperpod_clusters:
            document[HYPERPOD] = {"Status": "Active", "AssociatedTime": ctx.now}
        document["Status"] = status_at(document, ctx.now)
        self.reservations.put(document)
        return arn

    def _current(self, ctx: Context, documents: list[Document]) -> list[Document]:
        """Copies whose status is the clock's: a read changes nothing held."""
        return [{**document, "Status": status_at(document, ctx.now)} for document in documents]

    @operation
    def describe_capacity_reservation(self, params: Params, ctx: Context) -> Document:
        document = self.reservations.require(ctx, params["SMCapacityReservationArn"])
        [current] = self._current(ctx, [document])
        return {"CapacityReservation": {key: value for key, value in current.items() if not key.startswith("_")}}

    @operation
    def list_capacity_reservations(self, params: Params, ctx: Context) -> Document:
        """The account's reservations in the order AWS made them, filtered by Status values."""
        documents = self._current(ctx, sorted(self.reservations.values(), key=creation_order))
        for entry in params.get("Filters") or ():
            if entry["Name"] == "Status":
                documents = [document for document in documents if document["Status"] in entry["Values"]]
        page, token = offset_page(documents, params, 100, str(params.get("Filters")))
        return {"CapacityReservationSummaries": [{key: value for key, value in document.items()
                                                  if not key.startswith("_")} for document in page],
                "NextToken": token}

    @operation
    def get_capacity_reservation_usage(self, params: Params, ctx: Context) -> Document:
        """Instances in use by account (only this one: the mock sees no other), by resource type."""
        document = self.reservations.require(ctx, params["SMCapacityReservationArn"])
        [current] = self._current(ctx, [document])
        used = in_use(current, ctx)
        usage = [{"AccountId": ctx.account, "InUseInstanceCount": used,
                  "ResourcesUsage": [{"ResourceType": "HyperPodClusters", "InUseInstanceCount": used}]}] if used else []
        page, token = offset_page(usage, params, 100, current["SMCapacityReservationArn"])
        return {"SMCapacityReservationId": current["SMCapacityReservationId"],
                "TotalInstanceCount": current["TotalInstanceCount"],
                "AvailableInstanceCount": current["TotalInstanceCount"] - used, "LastRefreshTime": ctx.now,
                "InstanceUsageSet": page, "NextToken": token}

    @operation
    def describe_resource_associations(self, params: Params, ctx: Context) -> Document:
        """The account's resources associated with the reservation: its HyperPod clusters, where AWS
        associated them (the only association the mock holds; see the module's docstring)."""
        document = self.reservations.require(ctx, params["SMCapacityReservationArn"])
        associations = [{"HyperPodClusters": dict(document[HYPERPOD])}] if document.get(HYPERPOD) else []
        page, token = offset_page(associations, params, 100, document["SMCapacityReservationArn"])
        return {"SMCapacityReservationArn": document["SMCapacityReservationArn"],
                "SMCapacityReservationId": document["SMCapacityReservationId"],
                "ResourceAssociations": page, "NextToken": token}
