"""The nodes, instance groups and events of a HyperPod cluster, as its document holds them.

clusters.py answers the operations; this module keeps what a cluster's document holds beside its
Describe members: each instance group as DescribeCluster answers it (ClusterInstanceGroupDetails,
with the specification it came from in `_spec`), the nodes materialised from the groups (`_nodes`,
as DescribeClusterNode answers each) and the events recorded for a Continuous cluster (`_events`).
A document's nodes and events are numbered in the order they were made (`_seq`), so those made by
one request list in that order where their times tie.
"""
from __future__ import annotations

import functools
from typing import Any

from ..core import service
from ..core.context import Context

Document = dict[str, Any]
HEX = "0123456789abcdef"
#: Groups materialise as nodes in both lists.
GROUP_LISTS = ("InstanceGroups", "RestrictedInstanceGroups")
#: The statuses of a node still being provisioned, and of one that is.
PENDING, RUNNING = "Pending", "Running"


# -- the model's shapes, read once -----------------------------------------------------------------

@functools.cache
def details_members(group_list: str) -> frozenset[str]:
    """The members DescribeCluster answers for one group of `group_list`."""
    shape = service.operation("DescribeCluster").output_shape.members[group_list].member
    return frozenset(shape.members)


@functools.cache
def node_members() -> frozenset[str]:
    return frozenset(service.operation("DescribeClusterNode").output_shape.members["NodeDetails"].members)


# -- groups and nodes --------------------------------------------------------------------------

def groups(document: Document) -> list[Document]:
    return [group for key in GROUP_LISTS for group in document.get(key) or ()]


def count(document: Document) -> None:
    """Each group's CurrentCount: its nodes that are Running."""
    for group in groups(document):
        group["CurrentCount"] = sum(1 for node in document.get("_nodes", ())
                                    if node["InstanceGroupName"] == group["InstanceGroupName"]
                                    and node["InstanceStatus"]["Status"] == RUNNING)


def group_details(spec: Document, group_list: str) -> Document:
    """A group as DescribeCluster answers it (ClusterInstanceGroupDetails), from its specification."""
    members = details_members(group_list)
    details: Document = {"CurrentCount": 0, "TargetCount": spec["InstanceCount"]}
    if spec.get("MinInstanceCount") is not None:
        details["MinCount"] = spec["MinInstanceCount"]
    for key, value in spec.items():
        if key in members and key not in details:
            details[key] = value
    if spec.get("InstanceRequirements") is not None:
        types = spec["InstanceRequirements"]["InstanceTypes"]
        details["InstanceRequirements"] = {"CurrentInstanceTypes": types, "DesiredInstanceTypes": types}
    for given, current, desired in (("ImageId", "CurrentImageId", "DesiredImageId"),
                                    ("ImageReleaseVersion", "CurrentImageReleaseVersion",
                                     "DesiredImageReleaseVersion")):
        if spec.get(given) is not None:
            details[current] = details[desired] = spec[given]
    kubernetes = spec.get("KubernetesConfig")
    if kubernetes is not None:
        details["KubernetesConfig"] = kubernetes(kubernetes)
    patch = spec.get("AutoPatchConfig")
    if patch is not None:
        details["AutoPatchConfig"] = {key: value for key, value in patch.items() if key != "PatchSchedule"}
        if patch.get("PatchSchedule") is not None:
            details["AutoPatchConfig"]["DesiredPatchSchedule"] = patch["PatchSchedule"]
    environment = spec.get("EnvironmentConfig")
    if environment is not None:
        details["EnvironmentConfig"] = dict(environment)
    details["_spec"] = spec
    return details


def kubernetes(config: Document) -> Document:
    answer: Document = {}
    if config.get("Labels") is not None:
        answer["CurrentLabels"] = answer["DesiredLabels"] = config["Labels"]
    if config.get("Taints") is not None:
        answer["CurrentTaints"] = answer["DesiredTaints"] = config["Taints"]
    return answer


def serial(document: Document) -> int:
    """The next number of the cluster's nodes and events: what they were made in order of, so
    those of one request list in that order (sorting by time ties them)."""
    document["_serial"] = document.get("_serial", 0) + 1
    return int(document["_serial"])


def new_node(document: Document, group: Document, ctx: Context, status: str) -> Document:
    """One node of `group`: an EC2-style instance id, a logical id, a private address in the region."""
    members = node_members()
    instance_id = "i-" + ctx.random_id(17, HEX)
    octets = [ctx.state.random.randint(0, 255) for _ in range(3)]
    address = "10." + ".".join(map(str, octets))
    node: Document = {
        "_seq": serial(document),
        "InstanceGroupName": group["InstanceGroupName"],
        "InstanceId": instance_id,
        "NodeLogicalId": f"{group['InstanceGroupName']}-{ctx.random_id(12, HEX)}"[-128:],
        "InstanceStatus": {"Status": status},
        "InstanceType": group["InstanceType"],
        "LaunchTime": ctx.now,
        "PrivatePrimaryIp": address,
        "PrivateDnsHostname": f"ip-{address.replace('.', '-')}.{ctx.region}.compute.internal",
        "Placement": {"AvailabilityZone": f"{ctx.region}a"},
        "CapacityType": "OnDemand",
    }
    spec = group["_spec"]
    for key in ("LifeCycleConfig", "ThreadsPerCore", "InstanceStorageConfigs", "NetworkInterface"):
        if spec.get(key) is not None and key in members:
            node[key] = spec[key]
    vpc = spec.get("OverrideVpcConfig") or document.get("VpcConfig")
    if vpc is not None:
        node["OverrideVpcConfig"] = vpc
    for key in ("CurrentImageId", "DesiredImageId", "CurrentImageReleaseVersion", "DesiredImageReleaseVersion"):
        if group.get(key) is not None:
            node[key] = group[key]
    if spec.get("KubernetesConfig") is not None:
        node["KubernetesConfig"] = kubernetes(spec["KubernetesConfig"])
    document.setdefault("_nodes", []).append(node)
    return node


def scale(document: Document, group: Document, target: int, ctx: Context, status: str) -> tuple[int, int]:
    """Nodes added or removed so that `group` has `target` of them: (added, removed). Removed
    are the newest first."""
    name = group["InstanceGroupName"]
    nodes = [node for node in document.get("_nodes", ()) if node["InstanceGroupName"] == name]
    added = removed = 0
    while len(nodes) < target:
        nodes.append(new_node(document, group, ctx, status))
        added += 1
    for node in reversed(nodes[target:]):
        document["_nodes"].remove(node)
        removed += 1
    group["TargetCount"] = target
    return added, removed


# -- events --------------------------------------------------------------------------------------

def continuous(document: Document) -> bool:
    return document.get("NodeProvisioningMode") == "Continuous"


def event(document: Document, ctx: Context, resource_type: str, description: str, *,
           group: str | None = None, instance: str | None = None, level: str = "Info") -> None:
    """Record what happened, for a cluster whose events are kept (Continuous provisioning)."""
    if not continuous(document):
        return
    event_id = "-".join(ctx.random_id(length, HEX) for length in (8, 4, 4, 4, 12))
    event: Document = {"_seq": serial(document), "EventId": event_id, "ClusterArn": document["ClusterArn"],
                       "ClusterName": document["ClusterName"], "ResourceType": resource_type,
                       "EventTime": ctx.now, "Description": description, "EventLevel": level}
    if group is not None:
        event["InstanceGroupName"] = group
    if instance is not None:
        event["InstanceId"] = instance
    document.setdefault("_events", []).append(event)


def shared_environment(config: Document) -> Document:
    shared = config["SharedEnvironmentConfig"]
    details: Document = {}
    if shared.get("FSxLustreConfig") is not None:
        details["CurrentFSxLustreConfig"] = details["DesiredFSxLustreConfig"] = shared["FSxLustreConfig"]
    if shared.get("FSxLustreDeletionPolicy") is not None:
        details["CurrentFSxLustreDeletionPolicy"] = shared["FSxLustreDeletionPolicy"]
        details["DesiredFSxLustreDeletionPolicy"] = shared["FSxLustreDeletionPolicy"]
    return {"SharedEnvironmentConfig": details}
