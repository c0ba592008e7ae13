"""SageMaker Edge Manager device fleets and their devices.

A device fleet is a declared resource (CreateDeviceFleet, DescribeDeviceFleet, ListDeviceFleets,
UpdateDeviceFleet, DeleteDeviceFleet). Devices are written by hand: they live inside a fleet
(DescribeDevice needs both names, their ARN is `device-fleet/<fleet>/device/<device>`), and
RegisterDevices, UpdateDevices and DeregisterDevices act on many at once.

What a device reports itself (heartbeats, its agent's version, samples, inferences) reaches AWS
through the Edge Manager agent and the `sagemaker-edge` data plane, which sagemock does not answer:
no device has a heartbeat, so none is connected. The models on a device are those the edge
deployment stages put there (`edge_deployments`), which is also what GetDeviceFleetReport counts:
the report is computed from the fleet's devices, never stored.

AWS's rules and sagemock's choices where AWS is silent are listed, with their sources, in
docs/edge.md.
"""
from __future__ import annotations

from typing import Any

from ..core import arns, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ServiceError, ValidationError
from ..core.pagination import Listing, digest, offset_page
from ..core.resource import Resource, Rule, in_use
from ..core.table import Table

Document = dict[str, Any]

FLEET = "device-fleet"
DEVICE = "device-fleet/device"
#: The prefix of the IoT role alias CreateDeviceFleet makes with EnableIotRoleAlias ("The name of
#: the role alias generated will match this pattern: "SageMakerEdge-{DeviceFleetName}"").
ROLE_ALIAS_PREFIX = "SageMakerEdge-"
#: ListDevices takes no SortBy: devices are listed in the order of their ARNs (fleet, then name).
DEVICE_LISTING = Listing(sort_keys={"DeviceArn": "DeviceArn"}, default_sort="DeviceArn", default_order="Ascending",
                         id_key="DeviceArn", name_key="DeviceName")


def device_key(fleet: str, device: str) -> str:
    """The key a device is kept under: what its ARN ends in after `device-fleet/`."""
    return f"{fleet}/device/{device}"


def fleet_devices(ctx: Context, fleet: str) -> list[Document]:
    """The devices registered in a fleet (also read by the deployment plans, through the store)."""
    return [device for device in ctx.store.table(DEVICE).values() if device["DeviceFleetName"] == fleet]


def _role_alias(document: Document, params: Params, ctx: Context) -> None:
    """IotRoleAlias: the alias EnableIotRoleAlias asks for, in the pattern AWS documents. Turning it
    off in an update drops it (AWS is silent on what an update without it does: it keeps it)."""
    enabled = params.get("EnableIotRoleAlias")
    if enabled:
        # An AWS IoT ARN, as the Developer Guide's fleet shows it (the model's pattern says `iam::`).
        document["IotRoleAlias"] = (f"arn:{arns.partition(ctx.region)}:iot:{ctx.region}:{ctx.account}:rolealias/"
                                    f"{ROLE_ALIAS_PREFIX}{document['DeviceFleetName']}")
    elif enabled is not None:
        document.pop("IotRoleAlias", None)


def _alias_needs_role(params: Params, ctx: Context) -> None:
    """The role alias points at the fleet's role (AWS IoT's CreateRoleAlias requires one): an alias
    of no role cannot be made."""
    if not params.get("EnableIotRoleAlias") or params.get("RoleArn"):
        return
    fleet = ctx.store.table(FLEET).find(ctx, params["DeviceFleetName"])  # an update keeps the fleet's role
    if fleet is None or not fleet.get("RoleArn"):
        raise ValidationError("RoleArn is required when EnableIotRoleAlias is true: the IoT role alias "
                              f"{ROLE_ALIAS_PREFIX}{params['DeviceFleetName']} points at the fleet's role.")


def _fleet_unused(params: Params, ctx: Context) -> None:
    """DeleteDeviceFleet declares ResourceInUse: a fleet that still has registered devices, or that
    an edge deployment plan deploys to, is in use."""
    name = params["DeviceFleetName"]
    devices = fleet_devices(ctx, name)
    if devices:
        raise ResourceInUse(f"Device fleet {name} has {len(devices)} registered devices: deregister them with "
                            "DeregisterDevices before deleting the fleet.")
    plans = [plan["EdgeDeploymentPlanName"] for plan in ctx.store.table("edge-deployment").values()
             if plan["DeviceFleetName"] == name]
    if plans:
        raise ResourceInUse(f"Device fleet {name} is used by edge deployment plans {', '.join(sorted(plans))}: "
                            "delete them before deleting the fleet.")


def _missing_fleet(arn: str) -> ServiceError:
    """DescribeDeviceFleet's answer for a fleet that does not exist: ValidationException (not the
    ResourceNotFound the model declares), "No devicefleet with name ..." (hashicorp/terraform-provider-aws,
    internal/service/sagemaker/find.go, which tells a deleted fleet by these words)."""
    return ValidationError(f"No devicefleet with name {arn.rsplit('/', 1)[-1]}")


def _no_fleet(name: str) -> ServiceError:
    """The device operations' answer for a fleet that does not exist (terraform-provider-aws's
    device.go: "No device fleet with name")."""
    return ValidationError(f"No device fleet with name {name}")


DEVICE_FLEET = Resource(
    "DeviceFleet",
    kind=FLEET,  # the model's ARN pattern (`:iam::\d{12}:device-fleet/`) names the type in a form not read
    missing=_missing_fleet,
    duplicate=in_use("Device fleet {arn} already exists."),
    sort_members={"NAME": "DeviceFleetName", "CREATION_TIME": "CreationTime",
                  "LAST_MODIFIED_TIME": "LastModifiedTime"},
    # ListDeviceFleets documents no default order: the newest first, as SageMaker's lists default to.
    default_sort=("CREATION_TIME", "Descending"),
    rules=(
        Rule(_alias_needs_role, "CreateDeviceFleet.EnableIotRoleAlias (the alias is of the fleet's RoleArn)",
             on=("create", "update")),
        # DeleteDeviceFleet is written by hand (EdgeFleets.delete_device_fleet), which checks this.
        Rule(_fleet_unused, "DeleteDeviceFleet declares ResourceInUse (docs/edge.md: what counts as in use)",
             on=("delete",)),
    ),
    on_create=_role_alias,
    on_update=_role_alias,
    example={"DeviceFleetName": "cameras", "RoleArn": "arn:aws:iam::123456789012:role/edge",
             "Description": "Store cameras", "OutputConfig": {"S3OutputLocation": "s3://bucket/edge"},
             "EnableIotRoleAlias": True},
)


def _missing_device(arn: str) -> ServiceError:
    """DescribeDevice's answer for a device the fleet does not have: ValidationException, "No device
    with name ..." (terraform-provider-aws's device.go, which tells a deregistered device by it)."""
    return ValidationError(f"No device with name {arn.rsplit('/', 1)[-1]}")


def _unregistered(fleet: str, name: str) -> ServiceError:
    """DeregisterDevices' (and UpdateDevices') answer for a device the fleet does not have: "Device
    with name ..." (terraform-provider-aws's device.go)."""
    return ValidationError(f"Device with name {name} is not registered with device fleet {fleet}.")


def _names(devices: list[Document]) -> None:
    """Each device named once in a request: which of two entries would win is not AWS's to guess."""
    names = [device["DeviceName"] for device in devices]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(f"Devices names {', '.join(repeated)} more than once: name each device once.")


class EdgeFleets(Backend):
    fleets = DEVICE_FLEET.table()
    devices = Table.of(DEVICE, arn="DeviceArn", name="DeviceName", missing=_missing_device)

    def _fleet(self, ctx: Context, name: str) -> str:
        """The name of the fleet a device operation names, as the fleet spells it."""
        fleet = self.fleets.find(ctx, name)
        if fleet is None:
            raise _no_fleet(name)
        return str(fleet["DeviceFleetName"])

    @operation
    def delete_device_fleet(self, params: Params, ctx: Context) -> None:
        """Written by hand for AWS's words for a missing fleet, which are not DescribeDeviceFleet's
        ("DeviceFleet with name ...", terraform-provider-aws's device_fleet.go)."""
        name = params["DeviceFleetName"]
        fleet = self.fleets.find(ctx, name)
        if fleet is None:
            raise ValidationError(f"DeviceFleet with name {name} does not exist.")
        _fleet_unused(params, ctx)
        self.fleets.remove(fleet)
        return None

    @operation
    def register_devices(self, params: Params, ctx: Context) -> None:
        """Registers each device in the fleet; a device registered again is registered anew
        (its description and thing name replaced, its registration time now)."""
        fleet = self._fleet(ctx, params["DeviceFleetName"])
        _names(params["Devices"])
        tags.check(params.get("Tags"))
        for given in params["Devices"]:
            key = device_key(fleet, given["DeviceName"])
            existing = self.devices.get(key)
            document: Document = {
                "DeviceArn": ctx.arn(FLEET, key),
                "DeviceName": given["DeviceName"],
                "DeviceFleetName": fleet,
                "RegistrationTime": ctx.now,
                "_Models": existing["_Models"] if existing is not None else [],
            }
            for member in ("Description", "IotThingName"):
                if given.get(member) is not None:
                    document[member] = given[member]
            if existing is not None:
                self.devices.replace(document)
                tags.apply(ctx.store, document["DeviceArn"], params.get("Tags"))
            else:
                self.devices.add(document, params.get("Tags"))
        return None

    @operation
    def update_devices(self, params: Params, ctx: Context) -> None:
        """Sets each named device's description and thing name; every device must be registered."""
        fleet = self._fleet(ctx, params["DeviceFleetName"])
        _names(params["Devices"])
        found = [(self._registered(fleet, given["DeviceName"]), given) for given in params["Devices"]]
        for document, given in found:
            for member in ("Description", "IotThingName"):
                if given.get(member) is not None:
                    document[member] = given[member]
        return None

    @operation
    def deregister_devices(self, params: Params, ctx: Context) -> None:
        """Removes the named devices from the fleet, every one registered there, or none."""
        fleet = self._fleet(ctx, params["DeviceFleetName"])
        for document in [self._registered(fleet, name) for name in params["DeviceNames"]]:
            self.devices.remove(document)
        return None

    def _registered(self, fleet: str, name: str) -> Document:
        document = self.devices.get(device_key(fleet, name))
        if document is None:
            raise _unregistered(fleet, name)
        return document  # type: ignore[no-any-return]

    def _device(self, ctx: Context, fleet: str, name: str) -> Document:
        document = self.devices.get(device_key(fleet, name))
        if document is None:
            raise _missing_device(ctx.arn(FLEET, device_key(fleet, name)))
        return document  # type: ignore[no-any-return]

    @operation
    def describe_device(self, params: Params, ctx: Context) -> Document:
        """The device, with the models deployed to it, paged by NextToken (ten at a time)."""
        fleet = self._fleet(ctx, params["DeviceFleetName"])
        document = self._device(ctx, fleet, params["DeviceName"])
        page, token = offset_page(document["_Models"], params, MODELS_PAGE, digest(params))
        answer = {key: value for key, value in document.items() if not key.startswith("_")}
        if page:
            answer["Models"] = page
        answer["NextToken"] = token
        return answer

    @operation
    def list_devices(self, params: Params, ctx: Context) -> Document:
        where = []
        fleet = params.get("DeviceFleetName")
        if fleet is not None:
            where.append(lambda device: fleet in device["DeviceFleetName"])
        model = params.get("ModelName")
        if model is not None:
            where.append(lambda device: any(model in found["ModelName"] for found in device["_Models"]))
        after = params.get("LatestHeartbeatAfter")
        if after is not None:  # no device has a heartbeat: no agent reports to the mock
            where.append(lambda device: device.get("LatestHeartbeat") is not None
                         and device["LatestHeartbeat"] > after)
        page, token = DEVICE_LISTING.walk(self.devices, ctx, params, where,
                                          filters={key: params.get(key) for key in
                                                   ("DeviceFleetName", "ModelName", "LatestHeartbeatAfter")})
        return {"DeviceSummaries": [_device_summary(device) for device in page], "NextToken": token}

    @operation
    def get_device_fleet_report(self, params: Params, ctx: Context) -> Document:
        """Computed from the fleet's devices now: how many are registered, connected (none: no
        heartbeat reaches the mock), and, per model version deployed to them, on how many devices."""
        fleet = self.fleets.require(ctx, params["DeviceFleetName"])
        devices = fleet_devices(ctx, fleet["DeviceFleetName"])
        counts: dict[tuple[str, str], int] = {}
        for device in devices:
            for model in device["_Models"]:
                key = (model["ModelName"], model["ModelVersion"])
                counts[key] = counts.get(key, 0) + 1
        agents: dict[str, int] = {}
        for device in devices:
            if device.get("AgentVersion"):
                agents[device["AgentVersion"]] = agents.get(device["AgentVersion"], 0) + 1
        return {
            "DeviceFleetArn": fleet["DeviceFleetArn"],
            "DeviceFleetName": fleet["DeviceFleetName"],
            "OutputConfig": fleet["OutputConfig"],
            "Description": fleet.get("Description"),
            "ReportGenerated": ctx.now,
            "DeviceStats": {"ConnectedDeviceCount": 0, "RegisteredDeviceCount": len(devices)},
            "AgentVersions": [{"Version": version, "AgentCount": count} for version, count in sorted(agents.items())],
            "ModelStats": [{"ModelName": name, "ModelVersion": version, "OfflineDeviceCount": count,
                            "ConnectedDeviceCount": 0, "ActiveDeviceCount": 0, "SamplingDeviceCount": 0}
                           for (name, version), count in sorted(counts.items())],
        }


#: DescribeDevice pages a device's models (the model documents no MaxResults): ten at a time.
MODELS_PAGE = 10


def _device_summary(device: Document) -> Document:
    summary = {key: value for key, value in device.items() if not key.startswith("_")}
    summary["Models"] = [{"ModelName": model["ModelName"], "ModelVersion": model["ModelVersion"]}
                         for model in device["_Models"]]
    return summary
