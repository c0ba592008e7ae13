"""Notebook instances and their lifecycle configurations.

A notebook instance walks the status machine AWS documents: created Pending -> InService, stopped
Stopping -> Stopped, started Pending -> InService, updated Updating -> Stopped, deleted
Deleting -> gone. Start, Stop, Update and Delete are each accepted from the statuses AWS accepts
them from, and refused otherwise with AWS's "Status (X) not in ([A, B]). Unable to transition to
(Y) for Notebook Instance (arn)." message. A lifecycle configuration is a pair of base64 shell
scripts (OnCreate, OnStart) that a notebook may name; it has no status.
"""
from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable
from typing import Any

from ..core import service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.table import Table

Document = dict[str, Any]

NOTEBOOK = "notebook-instance"
#: What MIME-style base64 puts between its lines.
_LINE_BREAKS = re.compile(r"[\r\n]")
CONFIG = "notebook-instance-lifecycle-config"


#: Update's Disassociate flags and the notebook members they remove, keyed by the request member
#: that sets the same thing (and so cannot be sent with its flag).
DISASSOCIATE = {
    "LifecycleConfigName": ("DisassociateLifecycleConfig", "NotebookInstanceLifecycleConfigName"),
    "AcceleratorTypes": ("DisassociateAcceleratorTypes", "AcceleratorTypes"),
    "DefaultCodeRepository": ("DisassociateDefaultCodeRepository", "DefaultCodeRepository"),
    "AdditionalCodeRepositories": ("DisassociateAdditionalCodeRepositories", "AdditionalCodeRepositories"),
}

#: Create's members kept in the Describe document under the same name.
_KEPT = ("InstanceType", "SubnetId", "RoleArn", "KmsKeyId", "AcceleratorTypes", "DefaultCodeRepository",
         "AdditionalCodeRepositories", "IpAddressType", "PlatformIdentifier", "InstanceMetadataServiceConfiguration")
#: Update's members that replace the member of the same name.
_REPLACED = ("InstanceType", "RoleArn", "VolumeSizeInGB", "DefaultCodeRepository", "AdditionalCodeRepositories",
             "AcceleratorTypes", "RootAccess", "IpAddressType", "PlatformIdentifier",
             "InstanceMetadataServiceConfiguration")


def _entered(document: Document, status: str, store: Any, now: Any) -> None:
    """Every status change is a modification; an instance in service has its Jupyter URL."""
    if status == "InService":
        document["Url"] = document["_url"]


def _gone(document: Document, status: str, store: Any, now: Any) -> None:
    store.table(NOTEBOOK).remove(document)


LIFECYCLE = Lifecycle(
    resource_type=NOTEBOOK,
    status_key="NotebookInstanceStatus",
    status_shape="NotebookInstanceStatus",
    paths={
        "create": ("Pending", "InService"),
        "start": ("Pending", "InService"),
        "stop": ("Stopping", "Stopped"),
        "update": ("Updating", "Stopped"),
        "delete": ("Deleting", GONE),
    },
    failure_paths={"create": ("Pending", "Failed"), "start": ("Pending", "Failed")},
    failure_key="FailureReason",
    name_key="NotebookInstanceName",
    # The statuses each operation is accepted from, as AWS states them in its refusals
    # (see docs/notebooks.md for the sources).
    accepts={"stop": ("InService",), "start": ("Stopped", "Failed"), "update": ("Stopped", "Failed"),
             "delete": ("Stopped", "Failed")},
    stamps_modified=True,
    on_enter=_entered,
    on_gone=_gone,
)

NOTEBOOK_LISTING = Listing(
    sort_keys={"Name": "NotebookInstanceName", "CreationTime": "CreationTime", "Status": "NotebookInstanceStatus"},
    default_sort="Name", default_order="Ascending", id_key="NotebookInstanceArn",
    name_key="NotebookInstanceName", status_key="NotebookInstanceStatus",
)
CONFIG_LISTING = Listing(
    sort_keys={"Name": "NotebookInstanceLifecycleConfigName", "CreationTime": "CreationTime",
               "LastModifiedTime": "LastModifiedTime"},
    default_sort="CreationTime", default_order="Ascending", id_key="NotebookInstanceLifecycleConfigArn",
    name_key="NotebookInstanceLifecycleConfigName",
)


def _config_missing(verb: str) -> Callable[[str], ServiceError]:
    def missing(arn: str) -> ServiceError:
        return ValidationError(f"Unable to {verb} Notebook Instance Lifecycle Config '{arn}'. "
                               "(Details: Notebook Instance Lifecycle Config does not exist.)")

    return missing


class Notebooks(Backend):
    instances = Table.of(NOTEBOOK, arn="NotebookInstanceArn", name="NotebookInstanceName", lifecycle=LIFECYCLE,
                         missing=lambda arn: ValidationError("RecordNotFound"))
    configs = Table.of(CONFIG, arn="NotebookInstanceLifecycleConfigArn", name="NotebookInstanceLifecycleConfigName",
                       missing=_config_missing("describe"))

    # -- notebook instances -------------------------------------------------------------------

    def _notebook(self, ctx: Context, name: str) -> Document:
        return self.instances.require(ctx, name)

    @operation
    def create_notebook_instance(self, params: Params, ctx: Context) -> Document:
        name = params["NotebookInstanceName"]
        arn = ctx.arn(NOTEBOOK, name)
        existing = self.instances.get(self.instances.key(name))
        if existing is not None and LIFECYCLE.observe(existing, ctx):
            raise ValidationError(f"Cannot create a duplicate Notebook Instance ({existing['NotebookInstanceArn']})")
        tags.check(params.get("Tags"))
        subnet = params.get("SubnetId")
        internet = params.get("DirectInternetAccess") or "Enabled"
        if internet == "Disabled" and not subnet:
            raise ValidationError("DirectInternetAccess can be Disabled only for a notebook instance in a VPC: "
                                  "a SubnetId is required.")
        _check_accelerators(params.get("AcceleratorTypes"))
        lifecycle_config = params.get("LifecycleConfigName")
        if lifecycle_config:
            self._config(ctx, lifecycle_config, "describe")
        document: Document = {
            "NotebookInstanceArn": arn,
            "NotebookInstanceName": name,
            "SecurityGroups": params.get("SecurityGroupIds") or None,
            "NotebookInstanceLifecycleConfigName": lifecycle_config or None,
            "DirectInternetAccess": internet,
            "VolumeSizeInGB": params.get("VolumeSizeInGB") or int(_default("VolumeSizeInGB")),
            "RootAccess": params.get("RootAccess") or _default("RootAccess"),
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
            "_url": f"{name.lower()}.notebook.{ctx.region}.sagemaker.aws",
        }
        for key in _KEPT:
            if params.get(key):
                document[key] = params[key]
        for key in ("IpAddressType", "PlatformIdentifier"):
            # Newer members: described, and their defaults documented, only by newer models.
            if key not in document and key in _describe_members() and service.documents_default(
                    "CreateNotebookInstance", key):
                document[key] = _default(key)
        if subnet:
            document["NetworkInterfaceId"] = f"eni-{ctx.state.random.getrandbits(68):017x}"
        LIFECYCLE.begin(document, "create", ctx)
        self.instances.add(document, params.get("Tags"))
        return {"NotebookInstanceArn": arn}

    @operation
    def describe_notebook_instance(self, params: Params, ctx: Context) -> Document:
        return self._notebook(ctx, params["NotebookInstanceName"])

    @operation
    def list_notebook_instances(self, params: Params, ctx: Context) -> Document:
        config = (params.get("NotebookInstanceLifecycleConfigNameContains") or "").lower()
        default_repository = (params.get("DefaultCodeRepositoryContains") or "").lower()
        additional = params.get("AdditionalCodeRepositoryEquals")

        def selected(document: Document) -> bool:
            if config and config not in (document.get("NotebookInstanceLifecycleConfigName") or "").lower():
                return False
            if default_repository and default_repository not in (document.get("DefaultCodeRepository") or "").lower():
                return False
            return not additional or additional in (document.get("AdditionalCodeRepositories") or ())

        page, token = NOTEBOOK_LISTING.walk(self.instances, ctx, params, [selected])
        summary = service.shape("NotebookInstanceSummary")
        return {"NotebookInstances": [shape.project(document, summary) for document in page], "NextToken": token}

    @staticmethod
    def _guard(document: Document, trigger: str) -> None:
        """Refuse `trigger` unless the notebook is in a status AWS accepts it from, in AWS's words."""
        target = LIFECYCLE.paths[trigger][0]

        def refuse(status: str, accepted: tuple[str, ...]) -> ValidationError:
            return ValidationError(f"Status ({status}) not in ([{', '.join(accepted)}]). Unable to transition to "
                                   f"({target}) for Notebook Instance ({document['NotebookInstanceArn']}).")

        LIFECYCLE.guard(document, trigger, refuse)

    @operation
    def start_notebook_instance(self, params: Params, ctx: Context) -> None:
        document = self._notebook(ctx, params["NotebookInstanceName"])
        self._guard(document, "start")
        LIFECYCLE.begin(document, "start", ctx)
        return None

    @operation
    def stop_notebook_instance(self, params: Params, ctx: Context) -> None:
        document = self._notebook(ctx, params["NotebookInstanceName"])
        self._guard(document, "stop")
        LIFECYCLE.begin(document, "stop", ctx)
        return None

    @operation
    def update_notebook_instance(self, params: Params, ctx: Context) -> None:
        document = self._notebook(ctx, params["NotebookInstanceName"])
        self._guard(document, "update")
        for member, (flag, _) in DISASSOCIATE.items():
            if params.get(flag) and member in params:
                raise ValidationError(f"{member} and {flag} cannot both be specified: {flag} removes the "
                                      f"{member} of the notebook instance.")
        volume = params.get("VolumeSizeInGB")
        current = document["VolumeSizeInGB"]
        if volume is not None and volume < current:
            raise ValidationError(f"The ML storage volume of notebook instance {document['NotebookInstanceArn']} "
                                  f"cannot be decreased: it is {current} GB and the request asks for {volume} GB.")
        _check_accelerators(params.get("AcceleratorTypes"))
        lifecycle_config = params.get("LifecycleConfigName")
        if lifecycle_config:
            self._config(ctx, lifecycle_config, "describe")
        # Every rule holds: apply the request.
        for flag, key in DISASSOCIATE.values():
            if params.get(flag):
                document.pop(key, None)
        for key in _REPLACED:
            if params.get(key) in (None, []):
                continue
            document[key] = params[key]
        if lifecycle_config:
            document["NotebookInstanceLifecycleConfigName"] = lifecycle_config
        LIFECYCLE.begin(document, "update", ctx)
        return None

    @operation
    def delete_notebook_instance(self, params: Params, ctx: Context) -> None:
        document = self._notebook(ctx, params["NotebookInstanceName"])
        self._guard(document, "delete")
        LIFECYCLE.begin(document, "delete", ctx)
        return None

    @operation
    def create_presigned_notebook_instance_url(self, params: Params, ctx: Context) -> Document:
        document = self._notebook(ctx, params["NotebookInstanceName"])
        token = base64.urlsafe_b64encode(ctx.state.random.getrandbits(384).to_bytes(48, "big")).decode()
        return {"AuthorizedUrl": f"https://{document['_url']}?authToken={token}"}

    # -- lifecycle configurations -------------------------------------------------------------

    def _config(self, ctx: Context, name: str, verb: str) -> Document:
        """The configuration a request names; AWS's message names the verb refused."""
        document = self.configs.find(ctx, name)
        if document is None:
            raise _config_missing(verb)(ctx.arn_for(CONFIG, name))
        return document

    @operation
    def create_notebook_instance_lifecycle_config(self, params: Params, ctx: Context) -> Document:
        name = params["NotebookInstanceLifecycleConfigName"]
        arn = ctx.arn(CONFIG, name)
        taken = self.configs.get(self.configs.key(name))
        if taken is not None:
            raise ValidationError(f"Unable to create Notebook Instance Lifecycle Config "
                                  f"{taken['NotebookInstanceLifecycleConfigArn']}. "
                                  "(Details: Notebook Instance Lifecycle Config already exists.)")
        tags.check(params.get("Tags"))
        _check_scripts(params)
        document: Document = {
            "NotebookInstanceLifecycleConfigArn": arn,
            "NotebookInstanceLifecycleConfigName": name,
            "OnCreate": params.get("OnCreate") or None,
            "OnStart": params.get("OnStart") or None,
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
        }
        self.configs.add(document, params.get("Tags"))
        return {"NotebookInstanceLifecycleConfigArn": arn}

    @operation
    def describe_notebook_instance_lifecycle_config(self, params: Params, ctx: Context) -> Document:
        return self._config(ctx, params["NotebookInstanceLifecycleConfigName"], "describe")

    @operation
    def list_notebook_instance_lifecycle_configs(self, params: Params, ctx: Context) -> Document:
        page, token = CONFIG_LISTING.walk(self.configs, ctx, params)
        summary = service.shape("NotebookInstanceLifecycleConfigSummary")
        return {"NotebookInstanceLifecycleConfigs": [shape.project(document, summary) for document in page],
                "NextToken": token}

    @operation
    def update_notebook_instance_lifecycle_config(self, params: Params, ctx: Context) -> None:
        document = self._config(ctx, params["NotebookInstanceLifecycleConfigName"], "update")
        _check_scripts(params)
        for key in ("OnCreate", "OnStart"):
            if key in params:
                document[key] = params[key] or None
        document["LastModifiedTime"] = ctx.now
        return None

    @operation
    def delete_notebook_instance_lifecycle_config(self, params: Params, ctx: Context) -> None:
        """Deletion is immediate; notebooks that name the configuration keep its name (AWS states no rule)."""
        document = self._config(ctx, params["NotebookInstanceLifecycleConfigName"], "delete")
        self.configs.remove(document)
        return None


def _check_accelerators(accelerators: list[str] | None) -> None:
    if accelerators and len(accelerators) > 1:
        raise ValidationError("Only one Elastic Inference accelerator type can be associated with a notebook "
                              f"instance; the request names {len(accelerators)}: {', '.join(accelerators)}.")


def _check_scripts(params: Params) -> None:
    """OnCreate and OnStart scripts must be base64-encoded, as the model documents.

    Line breaks are part of base64 as `base64.encodebytes` and GNU `base64` (without `-w0`) write
    it, and AWS documents no decoder that refuses them: they are ignored, and the script is kept
    (and described) as given.
    """
    for key in ("OnCreate", "OnStart"):
        for hook in params.get(key) or ():
            content = hook.get("Content")
            if content is None:
                continue
            try:
                base64.b64decode(_LINE_BREAKS.sub("", content), validate=True)
            except (binascii.Error, ValueError):
                raise ValidationError(f"The {key} script of a notebook instance lifecycle configuration must be a "
                                      "base64-encoded string.") from None


def _default(member: str) -> str:
    """CreateNotebookInstance's documented default for a member (stated in the model's prose)."""
    return service.documented_default("CreateNotebookInstance", member)


@functools.cache
def _describe_members() -> frozenset[str]:
    return frozenset(service.operation("DescribeNotebookInstance").output_shape.members)


