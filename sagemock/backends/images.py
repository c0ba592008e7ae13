"""Images: custom SageMaker images, their versions and aliases, and app image configs.

An image is a named set of versions; each version stands for one container image in ECR (its
`BaseImage`), numbered 1, 2, 3 ... within the image and named, besides its number, by the aliases
given to it. Studio runs a version as an app, configured by an app image config (kernels, file
system, container entrypoint).

Image and AppImageConfig are declared resources (`core.resource`): their Create, Describe, List,
Update and Delete are derived from the model. An image has a status machine (CREATING -> CREATED,
UPDATING -> CREATED, DELETING -> gone, each with its failure status), and deleting an image
deletes its versions, as DeleteImage's documentation says. ImageVersion does not fit the engine's
one-name pattern (an image name and a version number or alias, numbers sagemock hands out,
aliases that are a second key): its operations, and ListAliases, a view of the versions' aliases,
are written here, keeping the versions in a core Table with a lifecycle of their own. The rules,
each with its source, and the choices made where AWS is silent are in docs/images.md.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..core import pagination
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceNotFound, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store
from ..core.table import Table

Document = dict[str, Any]

IMAGE_KIND, VERSION_KIND, CONFIG_KIND = "image", "image-version", "app-image-config"
#: The statuses in which an image takes an update or a delete: any that no operation is running in.
SETTLED = ("CREATED", "CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED")
#: The statuses in which an image takes a new version: "Image <name> is in an invalid state."
#: otherwise (a transcript: aws-samples/sagemaker-studio-custom-image-samples#17). An image being
#: updated keeps its versions usable, so it takes new ones too.
TAKES_VERSIONS = ("CREATED", "UPDATING", "UPDATE_FAILED")
#: A version being created or deleted takes no update or delete (ResourceInUse, declared by both).
VERSION_SETTLED = ("CREATED", "CREATE_FAILED", "DELETE_FAILED")


# -- images -------------------------------------------------------------------------------------------

def _image_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _image_gone(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """DeleteImage: "Deletes a SageMaker AI image and all versions of the image." """
    versions = store.table(VERSION_KIND)
    for version in [found for found in versions.values() if found["ImageArn"] == document["ImageArn"]]:
        versions.remove(version)
    store.table(IMAGE_KIND).remove(document)


IMAGE_LIFECYCLE = Lifecycle(
    resource_type=IMAGE_KIND,
    status_key="ImageStatus",
    status_shape="ImageStatus",
    paths={"create": ("CREATING", "CREATED"), "update": ("UPDATING", "CREATED"), "delete": ("DELETING", GONE)},
    failure_paths={"create": ("CREATING", "CREATE_FAILED"), "update": ("UPDATING", "UPDATE_FAILED"),
                   "delete": ("DELETING", "DELETE_FAILED")},
    name_key="ImageName",
    accepts={"update": SETTLED, "delete": SETTLED},
    stamps_modified=True,
    on_gone=_image_gone,
)


def _image_refused(trigger: str, status: str, accepted: tuple[str, ...]) -> ServiceError:
    """UpdateImage and DeleteImage declare ResourceInUse, "Resource being accessed is in use", for
    an image another operation is still working on."""
    doing = "updated" if trigger == "update" else "deleted"
    return ResourceInUse(f"The image is {status}: it can be {doing} only when it is {' or '.join(accepted)}.")


def _delete_properties(document: Document, params: Params, ctx: Context) -> None:
    """UpdateImage's DeleteProperties: "Only the Description and DisplayName properties can be
    deleted" (the model's pattern admits only those two). A property given a new value in the same
    request keeps the new value."""
    for member in params.get("DeleteProperties") or ():
        if member not in params:
            document.pop(member, None)


IMAGE = Resource(
    "Image",
    kind=IMAGE_KIND,
    # No message of AWS's for a missing image is published; this one follows the words of the
    # duplicate's (below) and of DescribeImageVersion's "Latest ImageVersion with ImageName <name>
    # does not exist. Please provide a valid ImageName."
    missing=lambda arn: ResourceNotFound(f"Image with ImageName {_image_name(arn)} does not exist. Please provide a "
                                         "valid ImageName."),
    # aws-samples/sagemaker-studio-custom-image-samples#17 (a transcript).
    duplicate=lambda arn: ResourceInUse(f"The Image with ImageName {_image_name(arn)} already exists. Please use a "
                                        "different ImageName."),
    lifecycle=IMAGE_LIFECYCLE,
    refusal=_image_refused,
    # ListImages: SortBy "The default value is CREATION_TIME", SortOrder "DESCENDING".
    sort_members={"CREATION_TIME": "CreationTime", "LAST_MODIFIED_TIME": "LastModifiedTime",
                  "IMAGE_NAME": "ImageName"},
    # "A filter that returns only images created on or after the specified time."
    inclusive_after=True,
    on_update=_delete_properties,
    waivers={"Must be unique to your account": "the engine refuses a name in use (ResourceInUse, AWS's message)"},
    example={"ImageName": "custom-kernel", "RoleArn": "arn:aws:iam::123456789012:role/sagemaker",
             "DisplayName": "Custom kernel", "Description": "A conda environment as a Studio kernel"},
)


# -- app image configs --------------------------------------------------------------------------------

def _one_kernel(params: Params, ctx: Context) -> None:
    """KernelGatewayImageConfig: "You can only specify one image kernel in the AppImageConfig API"."""
    kernels = (params.get("KernelGatewayImageConfig") or {}).get("KernelSpecs") or ()
    if len(kernels) > 1:
        raise ValidationError(f"KernelGatewayImageConfig.KernelSpecs names {len(kernels)} kernels: you can only "
                              "specify one image kernel in the AppImageConfig API.")


def _modified(test: Any) -> Any:
    """ListAppImageConfigs' ModifiedTimeBefore/After: "modified on or before/after the specified time"."""
    return lambda document, bound: test(document["LastModifiedTime"], bound)


APP_IMAGE_CONFIG = Resource(
    "AppImageConfig",
    kind=CONFIG_KIND,
    # No message of AWS's for a missing config is published.
    missing=not_found("AppImageConfig {arn} does not exist."),
    # aws-samples/sagemaker-studio-custom-image-samples#17 (a transcript): AWS's words name nothing.
    duplicate=in_use("The ID or Name specified is already in use."),
    # "A filter that returns only AppImageConfigs created on or after the specified time."
    inclusive_after=True,
    filters={"ModifiedTimeBefore": _modified(lambda value, bound: value <= bound),
             "ModifiedTimeAfter": _modified(lambda value, bound: value >= bound)},
    waivers={"Must be unique to your account": "the engine refuses a name in use (ResourceInUse, AWS's message)"},
    rules=(Rule(_one_kernel, "KernelGatewayImageConfig: 'You can only specify one image kernel in the "
                "AppImageConfig API.'", claims=("You can only specify one image kernel",), on=("create", "update")),),
    example={"AppImageConfigName": "custom-kernel-config", "KernelGatewayImageConfig": {
        "KernelSpecs": [{"Name": "python3", "DisplayName": "Python 3 (custom)"}],
        "FileSystemConfig": {"MountPath": "/home/sagemaker-user", "DefaultUid": 1000, "DefaultGid": 100}}},
)


# -- image versions -----------------------------------------------------------------------------------

def _version_gone(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    store.table(VERSION_KIND).remove(document)


VERSION_LIFECYCLE = Lifecycle(
    resource_type=VERSION_KIND,
    status_key="ImageVersionStatus",
    status_shape="ImageVersionStatus",
    paths={"create": ("CREATING", "CREATED"), "delete": ("DELETING", GONE)},
    failure_paths={"create": ("CREATING", "CREATE_FAILED"), "delete": ("DELETING", "DELETE_FAILED")},
    # `mock.fail_next("image-version", name=<image name>)` fails the next version of that image.
    name_key="_image",
    accepts={"delete": VERSION_SETTLED},
    stamps_modified=True,
    on_gone=_version_gone,
)

#: ListImageVersions: SortBy "The default value is CREATION_TIME", SortOrder "DESCENDING";
#: MaxResults "The default value is 10"; the time filters are "on or after" / "on or before".
VERSION_LISTING = Listing(
    sort_keys={"CREATION_TIME": "CreationTime", "LAST_MODIFIED_TIME": "LastModifiedTime", "VERSION": "Version"},
    default_sort="CREATION_TIME", default_order="DESCENDING", id_key="ImageVersionArn", inclusive_after=True,
)
_SUMMARY = ("CreationTime", "FailureReason", "ImageArn", "ImageVersionArn", "ImageVersionStatus", "LastModifiedTime",
            "Version")
#: The members of CreateImageVersion (and UpdateImageVersion) that DescribeImageVersion answers as given.
_METADATA = ("VendorGuidance", "JobType", "MLFramework", "ProgrammingLang", "Processor", "Horovod", "ReleaseNotes")


def _latest_missing(image: str) -> ResourceNotFound:
    # aws-samples/sagemaker-studio-custom-image-samples#17 (a transcript).
    return ResourceNotFound(f"Latest ImageVersion with ImageName {image} does not exist. Please provide a valid "
                            "ImageName.")


class Images(Backend):
    images = IMAGE.table()
    configs = APP_IMAGE_CONFIG.table()
    #: By what the version's ARN ends in: `<image name>/<version>`.
    versions = Table.of(VERSION_KIND, arn="ImageVersionArn", name="Version", lifecycle=VERSION_LIFECYCLE,
                        missing=lambda arn: ResourceNotFound(f"ImageVersion {arn} does not exist."))

    # -- finding ----------------------------------------------------------------------------------

    def _versions_of(self, ctx: Context, image: Document) -> list[Document]:
        """The live versions of an image, oldest first."""
        found = [version for version in self.versions.values() if version["ImageArn"] == image["ImageArn"]]
        live = VERSION_LIFECYCLE.live(found, ctx)
        return sorted(live, key=lambda version: version["Version"])

    def _image(self, ctx: Context, name: str) -> Document:
        return self.images.require(ctx, name)

    def _version(self, ctx: Context, params: Params, *, latest: bool = True) -> Document:
        """The version a request names by `Version`, `Alias` (both: the version must carry the
        alias) or, with neither and `latest`, the highest number the image has."""
        name, number, alias = params["ImageName"], params.get("Version"), params.get("Alias")
        image = self.images.find(ctx, name)
        if number is None and alias is None:
            if not latest:
                raise ValidationError("Either Version or Alias must be specified to name the image version.")
            versions = self._versions_of(ctx, image) if image is not None else []
            if not versions:
                raise _latest_missing(name)
            return versions[-1]
        if image is None:
            raise IMAGE.missing(ctx.arn(IMAGE_KIND, name))
        for version in self._versions_of(ctx, image):
            if (number is None or version["Version"] == number) and (alias is None or alias in version["_aliases"]):
                return version
        named = " and ".join(part for part in (f"Version {number}" if number is not None else "",
                                               f"Alias {alias}" if alias is not None else "") if part)
        raise ResourceNotFound(f"ImageVersion with ImageName {name} and {named} does not exist.")

    @staticmethod
    def _check_aliases(versions: list[Document], aliases: list[str], owner: Document | None) -> None:
        """Aliases are "secondary identifiers for ImageVersions" (AWS's announcement of aliases,
        2022-12): one alias names one version of an image."""
        if len(set(aliases)) != len(aliases):
            raise ValidationError(f"The aliases {aliases} repeat an alias: each alias names one image version.")
        for version in versions:
            if version is owner:
                continue
            taken = sorted(set(aliases) & set(version["_aliases"]))
            if taken:
                raise ResourceInUse(f"The alias {taken[0]} is already used by version {version['Version']} of image "
                                    f"{version['_image']}: an alias names one image version.")

    # -- the operations ---------------------------------------------------------------------------

    @operation
    def create_image_version(self, params: Params, ctx: Context) -> Document:
        name = params["ImageName"]
        image = self._image(ctx, name)
        if image["ImageStatus"] not in TAKES_VERSIONS:
            raise ValidationError(f"Image {name} is in an invalid state.")
        versions = [version for version in self.versions.values() if version["ImageArn"] == image["ImageArn"]]
        aliases = list(params.get("Aliases") or ())
        self._check_aliases(VERSION_LIFECYCLE.live(versions, ctx), aliases, None)
        # Numbers are never reused within an image: the next is one past the highest ever given.
        number = image.get("_last_version", 0) + 1
        image["_last_version"] = number
        image_name = image["ImageName"]
        document: Document = {
            "BaseImage": params["BaseImage"],
            # The registry path of the container image the version stands for: the ECR image named,
            # as given (ECR is not read, so no digest is resolved).
            "ContainerImage": params["BaseImage"],
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
            "ImageArn": image["ImageArn"],
            "ImageVersionArn": ctx.arn(VERSION_KIND, f"{image_name}/{number}"),
            "Version": number,
            "_image": image_name,
            "_aliases": aliases,
            **{member: params[member] for member in _METADATA if member in params},
        }
        self.versions.put(document)
        VERSION_LIFECYCLE.begin(document, "create", ctx)
        return {"ImageVersionArn": document["ImageVersionArn"]}

    @operation
    def describe_image_version(self, params: Params, ctx: Context) -> Document:
        return self._version(ctx, params)

    @operation
    def list_image_versions(self, params: Params, ctx: Context) -> Document:
        image = self._image(ctx, params["ImageName"])
        page, token = VERSION_LISTING.run(self._versions_of(ctx, image), params)
        summaries = [{member: version[member] for member in _SUMMARY if member in version} for version in page]
        return {"ImageVersions": summaries, "NextToken": token}

    @operation
    def update_image_version(self, params: Params, ctx: Context) -> Document:
        """Aliases taken away, then added; the metadata members given replace the version's."""
        version = self._version(ctx, params)
        status = version["ImageVersionStatus"]
        if status not in VERSION_SETTLED:
            raise ResourceInUse(f"Version {version['Version']} of image {version['_image']} is {status}: it can be "
                                f"updated only when it is {' or '.join(VERSION_SETTLED)}.")
        removed = set(params.get("AliasesToDelete") or ())
        kept = [alias for alias in version["_aliases"] if alias not in removed]
        added = [alias for alias in params.get("AliasesToAdd") or () if alias not in kept]
        image = self._image(ctx, params["ImageName"])
        self._check_aliases(self._versions_of(ctx, image), kept + added, version)
        version["_aliases"] = kept + added
        for member in _METADATA:
            if member in params:
                version[member] = params[member]
        version["LastModifiedTime"] = ctx.now
        return {"ImageVersionArn": version["ImageVersionArn"]}

    @operation
    def delete_image_version(self, params: Params, ctx: Context) -> Document:
        version = self._version(ctx, params, latest=False)
        status = version["ImageVersionStatus"]
        if status not in VERSION_SETTLED:
            raise ResourceInUse(f"Version {version['Version']} of image {version['_image']} is {status}: it can be "
                                f"deleted only when it is {' or '.join(VERSION_SETTLED)}.")
        VERSION_LIFECYCLE.begin(version, "delete", ctx)
        return {}

    @operation
    def list_aliases(self, params: Params, ctx: Context) -> Document:
        """The aliases of one version (`Version`), of the version an `Alias` names, or of every
        version of the image, newest version first, each version's in the order they were given."""
        if params.get("Version") is not None or params.get("Alias") is not None:
            versions = [self._version(ctx, params)]
        else:
            versions = self._versions_of(ctx, self._image(ctx, params["ImageName"]))[::-1]
        aliases = [alias for version in versions for alias in version["_aliases"]]
        alias = params.get("Alias")
        if alias is not None:
            aliases = [alias]
        query = pagination.digest({**params, "_operation": "ListAliases"})
        page, token = pagination.offset_page(aliases, params, 10, query)
        return {"SageMakerImageVersionAliases": page, "NextToken": token}
