"""SageMaker Studio: domains, user profiles, spaces, apps, Studio lifecycle configurations, and
CreatePresignedDomainUrl.

Five declared resources (`core.resource`). A domain's `d-` id is made on Create (`generated=`);
user profiles and spaces are keyed by `DomainId` + name, apps by `DomainId` + the user profile or
space + `AppType` + `AppName` (`scope=`), as their ARNs are (`user-profile/d-.../alice`,
`app/d-.../alice/JupyterServer/default`). Domains, user profiles and spaces walk Pending ->
InService, Updating -> InService and Deleting -> gone, with Failed, Update_Failed and
Delete_Failed for a planned failure; apps walk Pending -> InService and Deleting -> Deleted, and a
Deleted app stays listed until its name is taken again or its owner is deleted.

AWS's rules of the hierarchy: a domain is deleted only once it holds no user profiles or spaces; a
user profile only once its apps and the spaces it owns are gone; a space only once its apps are
gone (a Failed or Deleted app does not count). docs/studio.md gives the sources, and what is a
placeholder (EFS ids, IAM Identity Center ids, URLs' tokens).
"""
from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Iterable
from typing import Any

from ..core.backend import Backend, operation
from ..core.context import LOWER_ALNUM, Context
from ..core.errors import ResourceInUse, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Answer, Resource, Rule, in_use, not_found
from . import plan_use

Document = dict[str, Any]
Params = dict[str, Any]

HEX = "0123456789abcdef"
#: Apps that no longer hold their owner: "No need to delete an app in Failed status to delete the
#: domain that contains it" (Delete a domain, Requirements).
SETTLED_APPS = ("Failed", "Deleted")
ROLE = "arn:aws:iam::123456789012:role/sagemaker"


def _studio_lifecycle(kind: str, name_key: str) -> Lifecycle:
    """The status machine domains, user profiles and spaces share (their status enums are the same):
    Pending -> InService; UpdateX: Updating -> InService; DeleteX: Deleting -> gone; a planned
    failure ends each in Failed, Update_Failed or Delete_Failed."""
    return Lifecycle(
        resource_type=kind, status_key="Status", status_shape={"domain": "DomainStatus",
                                                               "user-profile": "UserProfileStatus",
                                                               "space": "SpaceStatus"}[kind],
        paths={"create": ("Pending", "InService"), "update": ("Updating", "InService"),
               "delete": ("Deleting", GONE)},
        failure_paths={"create": ("Pending", "Failed"), "update": ("Updating", "Update_Failed"),
                       "delete": ("Deleting", "Delete_Failed")},
        name_key=name_key,
        accepts={"update": ("InService", "Update_Failed"),
                 "delete": ("InService", "Failed", "Update_Failed", "Delete_Failed")},
        stamps_modified=True)


DOMAIN_LIFECYCLE = _studio_lifecycle("domain", "DomainName")
USER_PROFILE_LIFECYCLE = _studio_lifecycle("user-profile", "UserProfileName")
SPACE_LIFECYCLE = _studio_lifecycle("space", "SpaceName")
APP_LIFECYCLE = Lifecycle(
    resource_type="app", status_key="Status", status_shape="AppStatus",
    paths={"create": ("Pending", "InService"), "delete": ("Deleting", "Deleted")},
    failure_paths={"create": ("Pending", "Failed")},
    name_key="AppName",
    # "You can only delete an app with InService status" (Delete a domain, Requirements).
    accepts={"delete": ("InService",)})


# -- who holds what ---------------------------------------------------------------------------------

def _live(ctx: Context, kind: str, domain_id: str) -> list[Document]:
    return [document for document in ctx.store.table(kind).live(ctx) if document["DomainId"] == domain_id]


def _running_apps(ctx: Context, domain_id: str, *, user: str | None = None, space: str | None = None) -> list[Document]:
    return [app for app in _live(ctx, "app", domain_id) if app["Status"] not in SETTLED_APPS
            and (user is None or app.get("UserProfileName") == user)
            and (space is None or app.get("SpaceName") == space)]


def _forget_settled_apps(ctx: Context, domain_id: str, *, user: str | None = None, space: str | None = None) -> None:
    """An owner deleted takes its Deleted and Failed apps with it."""
    table = ctx.store.table("app")
    for app in list(table.values()):
        if app["DomainId"] == domain_id and app["Status"] in SETTLED_APPS and \
                ((user is not None and app.get("UserProfileName") == user) or
                 (space is not None and app.get("SpaceName") == space)):
            table.remove(app)


def _names(documents: Iterable[Document], member: str) -> str:
    return ", ".join(sorted(str(document[member]) for document in documents))


# -- domains ----------------------------------------------------------------------------------------

def _domain_id(params: Params, ctx: Context) -> str:
    """`d-` and twelve lower-case letters and digits, as AWS's ids are (`d-dtvlrpsmuyzj`,
    turbot/steampipe-plugin-aws#974; the model's pattern is `d-(-*[a-z0-9]){1,61}`)."""
    return "d-" + ctx.random_id(12, LOWER_ALNUM)


def _domain_computed(document: Document, params: Params, ctx: Context) -> None:
    domain_id = document["DomainId"]
    document["Url"] = f"https://{domain_id}.studio.{ctx.region}.sagemaker.aws"
    # "The default value is PublicInternetOnly" (CreateDomain.AppNetworkAccessType);
    # "Defaults to DISABLED" (CreateDomain.TagPropagation).
    document.setdefault("AppNetworkAccessType", "PublicInternetOnly")
    document.setdefault("TagPropagation", "DISABLED")
    if document.get("HomeEfsFileSystemCreation") != "Disabled":
        document["HomeEfsFileSystemId"] = "fs-" + ctx.random_id(17, HEX)  # placeholder: no EFS is made
    if document["AuthMode"] == "SSO":
        instance = "ssoins-" + ctx.random_id(16, HEX)  # placeholders: IAM Identity Center is not modelled
        document["SingleSignOnManagedApplicationInstanceId"] = "ins-" + ctx.random_id(16, HEX)
        document["SingleSignOnApplicationArn"] = (f"arn:aws:sso::{ctx.account}:application/{instance}/"
                                                  f"apl-{ctx.random_id(16, HEX)}")
    if document["AppNetworkAccessType"] == "VpcOnly":
        document["SecurityGroupIdForDomainBoundary"] = "sg-" + ctx.random_id(17, HEX)


def _domain_updated(document: Document, params: Params, ctx: Context) -> None:
    """DomainSettingsForUpdate updates the DomainSettings Describe answers."""
    update = params.get("DomainSettingsForUpdate")
    if update:
        document["DomainSettings"] = {**(document.get("DomainSettings") or {}), **update}


def _domain_empty(params: Params, ctx: Context) -> None:
    """"To delete a domain, the domain cannot contain any user profiles or shared spaces"."""
    domain_id = params["DomainId"]
    profiles, spaces = _live(ctx, "user-profile", domain_id), _live(ctx, "space", domain_id)
    if profiles or spaces:
        held = [f"user profiles ({_names(profiles, 'UserProfileName')})" if profiles else "",
                f"spaces ({_names(spaces, 'SpaceName')})" if spaces else ""]
        raise ResourceInUse(f"Domain {domain_id} cannot be deleted while it contains "
                            f"{' and '.join(part for part in held if part)}: delete them first.")


def _domain_vpc(params: Params, ctx: Context) -> None:
    """VpcOnly sends all traffic "through the specified VPC and subnets": it needs them, and
    DefaultUserSettings.SecurityGroups is "Required when the CreateDomain.AppNetworkAccessType
    parameter is set to VpcOnly"."""
    if params.get("AppNetworkAccessType") != "VpcOnly":
        return
    if not (params.get("SubnetIds") and params.get("VpcId")):
        raise ValidationError("SubnetIds and VpcId are required when AppNetworkAccessType is VpcOnly.")
    if not (params.get("DefaultUserSettings") or {}).get("SecurityGroups"):
        raise ValidationError("DefaultUserSettings.SecurityGroups is required when AppNetworkAccessType is VpcOnly.")


def _landing_uri(settings_member: str) -> Any:
    """DefaultLandingUri: 'This value can only be passed if StudioWebPortal is set to ENABLED.'"""
    def check(params: Params, ctx: Context) -> None:
        settings = params.get(settings_member) or {}
        if settings.get("DefaultLandingUri") is not None and settings.get("StudioWebPortal") == "DISABLED":
            raise ValidationError(f"{settings_member}.DefaultLandingUri can only be passed if StudioWebPortal is "
                                  "ENABLED.")
    return check


def _amazon_q(params: Params, ctx: Context) -> None:
    """AmazonQSettings: 'The AuthMode that you use to create the domain must be SSO.'"""
    settings = (params.get("DomainSettings") or {}).get("AmazonQSettings") or {}
    if settings.get("Status") == "ENABLED" and params["AuthMode"] != "SSO":
        raise ValidationError("Amazon Q can only be enabled for a domain whose AuthMode is SSO.")


def _domain_update(params: Params, ctx: Context) -> None:
    """What UpdateDomain cannot change: EFS 'from Enabled to Disabled'; AppNetworkAccessType 'only
    if there are no apps in the InService, Pending, or Deleting state'; ExecutionRoleIdentityConfig
    'only if there are no apps in the InService or Pending state'."""
    domain = ctx.store.table("domain").require(ctx, params["DomainId"])
    if params.get("HomeEfsFileSystemCreation") == "Disabled" and \
            domain.get("HomeEfsFileSystemCreation", "Enabled") == "Enabled":
        raise ValidationError("HomeEfsFileSystemCreation cannot be changed from Enabled to Disabled.")
    apps = [app["Status"] for app in _live(ctx, "app", params["DomainId"])]
    network = params.get("AppNetworkAccessType")
    if network is not None and network != domain.get("AppNetworkAccessType") and \
            any(status in ("InService", "Pending", "Deleting") for status in apps):
        raise ValidationError("AppNetworkAccessType can only be modified if there are no apps in the InService, "
                              "Pending, or Deleting state.")
    identity = (params.get("DomainSettingsForUpdate") or {}).get("ExecutionRoleIdentityConfig")
    if identity is not None and any(status in ("InService", "Pending") for status in apps):
        raise ValidationError("ExecutionRoleIdentityConfig can only be modified if there are no apps in the "
                              "InService or Pending state.")


#: Sentences of the user and space settings (shared by domains, user profiles and spaces) that are
#: not rules sagemock enforces, with the reason.
SETTINGS_WAIVERS = {
    "To remove a Lifecycle Config, you must set LifecycleConfigArns to an empty list": "describes how to ask for "
    "no configuration: the list is kept as given",
    "To remove a lifecycle config, you must set LifecycleConfigArns to an empty list": "describes how to ask for "
    "no configuration: the list is kept as given",
    "Must be unique to your account": "a custom image's name names an image, which is not yet modelled",
    "Canvas users must log out and log back in": "describes Canvas's behaviour, not the API's",
    "These roles define the permissions and access policies required": "IAM is not modelled",
    "the user cannot access Studio, even if that is the default experience": "describes Studio's user interface",
}

DOMAIN_EXAMPLE = {"DomainName": "studio", "AuthMode": "IAM", "DefaultUserSettings": {"ExecutionRole": ROLE},
                  "SubnetIds": ["subnet-0123456789abcdef0"], "VpcId": "vpc-0123456789abcdef0"}
#: The id of the domain an example's `example_needs` made.
DOMAIN_ID = Answer("CreateDomain", "DomainId", from_arn="DomainArn")
NEEDS_DOMAIN = (("CreateDomain", DOMAIN_EXAMPLE),)

DOMAIN = Resource(
    "Domain",
    kind="domain",
    missing=not_found("Domain {arn} does not exist."),
    duplicate=in_use("Domain {arn} already exists."),
    lifecycle=DOMAIN_LIFECYCLE,
    generated=_domain_id,
    named_by="DomainName",
    # ListDomains takes no SortBy: domains are listed oldest first, as created.
    default_sort=("CreationTime", "Ascending"),
    rules=(
        Rule(_domain_empty, "Delete a domain, Requirements: 'To delete a domain, the domain cannot contain any "
             "user profiles or shared spaces.'", on=("delete",)),
        Rule(_domain_vpc, "CreateDomain.AppNetworkAccessType: 'VpcOnly - All traffic is through the specified VPC "
             "and subnets'; UserSettings.SecurityGroups", claims=(
                 "Required when the CreateDomain.AppNetworkAccessType parameter is set to VpcOnly",)),
        Rule(_landing_uri("DefaultUserSettings"), "UserSettings.DefaultLandingUri", claims=(
            "This value can only be passed if StudioWebPortal is set to ENABLED",), on=("create", "update")),
        Rule(_amazon_q, "DomainSettings.AmazonQSettings", claims=(
            "The AuthMode that you use to create the domain must be SSO",)),
        Rule(_domain_update, "UpdateDomain.HomeEfsFileSystemCreation, AppNetworkAccessType and "
             "DomainSettingsForUpdate.ExecutionRoleIdentityConfig", on=("update",), claims=(
                 "you cannot change from Enabled to Disabled",
                 "can only be modified if there are no apps in the InService , Pending , or Deleting state",
                 "can only be modified if there are no apps in the InService or Pending state")),
    ),
    waivers={**SETTINGS_WAIVERS,
             "you must specify a NAT gateway": "networking is not modelled: nothing reaches the internet",
             "DISABLED You can't access the domain": "describes the setting's effect in Studio's user interface",
             "the subnet must support IPv6 CIDR blocks": "subnets are not modelled: their CIDR blocks are not known",
             "If setting up the domain for use with RStudio": "RStudio licences and its security groups are not "
                                                              "modelled: the value is kept as given",
             "RStudioServerProDomainSettings.DomainExecutionRoleArn is provided": "RStudio is not modelled: the "
                                                                                   "value is kept as given",
             "Use this field only when adding VPC configuration": "SageMaker Unified Studio is not modelled: the VPC "
                                                                  "id is kept as given"},
    on_create=_domain_computed,
    on_update=_domain_updated,
    ignores={"DeleteDomain": {"RetentionPolicy": "EFS is not modelled: nothing is retained or deleted beside the "
                                                 "domain"}},
    example=DOMAIN_EXAMPLE,
)


# -- user profiles ----------------------------------------------------------------------------------

def _efs_uid(kind: str) -> Any:
    """A user's or space's POSIX id on the domain's EFS volume: AWS numbers them from 200000 up
    (DescribeUserProfile answers `HomeEfsFileSystemUid` "200005"-like ids)."""
    def compute(document: Document, params: Params, ctx: Context) -> None:
        taken = [int(found.get("HomeEfsFileSystemUid") or 0)
                 for table in (ctx.store.table("user-profile"), ctx.store.table("space"))
                 for found in table.values() if found["DomainId"] == document["DomainId"]]
        document["HomeEfsFileSystemUid"] = str(max([200000, *taken]) + 1)
    return compute


def _sso_user(params: Params, ctx: Context) -> None:
    """SingleSignOnUserIdentifier: 'If the Domain's AuthMode is IAM Identity Center, this field is
    required. If the Domain's AuthMode is not IAM Identity Center, this field cannot be specified.'"""
    domain = ctx.store.table("domain").require(ctx, params["DomainId"])
    given = [member for member in ("SingleSignOnUserIdentifier", "SingleSignOnUserValue") if params.get(member)]
    if domain["AuthMode"] == "SSO" and len(given) != 2:
        raise ValidationError("SingleSignOnUserIdentifier and SingleSignOnUserValue are required for a domain "
                              "whose AuthMode is SSO.")
    if domain["AuthMode"] != "SSO" and given:
        raise ValidationError(f"{' and '.join(given)} cannot be specified for a domain whose AuthMode is "
                              f"{domain['AuthMode']}.")


def _profile_unused(params: Params, ctx: Context) -> None:
    """'All apps launched by a user profile and all spaces owned by the user profile must be deleted
    to delete the user profile.'"""
    domain_id, name = params["DomainId"], params["UserProfileName"]
    apps = _running_apps(ctx, domain_id, user=name)
    spaces = [space for space in _live(ctx, "space", domain_id)
              if (space.get("OwnershipSettings") or {}).get("OwnerUserProfileName") == name]
    if apps:
        raise ResourceInUse(f"User profile {name} in domain {domain_id} has apps that are not deleted "
                            f"({_names(apps, 'AppName')}): delete them first.")
    if spaces:
        raise ResourceInUse(f"User profile {name} in domain {domain_id} owns spaces "
                            f"({_names(spaces, 'SpaceName')}): delete them first.")
    _forget_settled_apps(ctx, domain_id, user=name)


USER_PROFILE = Resource(
    "UserProfile",
    kind="user-profile",
    scope=("DomainId",),
    missing=not_found("User profile {arn} does not exist."),
    duplicate=in_use("User profile {arn} already exists."),
    lifecycle=USER_PROFILE_LIFECYCLE,
    references={"DomainId": "domain"},
    rules=(
        Rule(_sso_user, "CreateUserProfile.SingleSignOnUserIdentifier", claims=(
            "If the Domain's AuthMode is IAM Identity Center, this field is required",
            "If the Domain's AuthMode is not IAM Identity Center, this field cannot be specified")),
        Rule(_profile_unused, "Remove user profiles: 'All apps launched by a user profile and all spaces owned by "
             "the user profile must be deleted to delete the user profile.'", on=("delete",)),
        Rule(_landing_uri("UserSettings"), "UserSettings.DefaultLandingUri", claims=(
            "This value can only be passed if StudioWebPortal is set to ENABLED",), on=("create", "update")),
    ),
    waivers={**SETTINGS_WAIVERS,
             "unless specified as part of the DefaultUserSettings for the domain": "a VpcOnly domain cannot be made "
             "without DefaultUserSettings.SecurityGroups (the domain's rule), which every user profile inherits"},
    on_create=_efs_uid("user-profile"),
    example={"DomainId": DOMAIN_ID, "UserProfileName": "alice", "UserSettings": {"ExecutionRole": ROLE}},
    example_needs=NEEDS_DOMAIN,
)


# -- spaces -----------------------------------------------------------------------------------------

def _space_owner(params: Params, ctx: Context) -> None:
    """OwnershipSettings.OwnerUserProfileName names a user profile of the domain."""
    owner = (params.get("OwnershipSettings") or {}).get("OwnerUserProfileName")
    if owner is not None:
        ctx.store.table("user-profile").require(ctx, f"{params['DomainId']}/{owner}")
    sharing = (params.get("SpaceSharingSettings") or {}).get("SharingType")
    if sharing is not None and owner is None:
        raise ValidationError("OwnershipSettings is required when SpaceSharingSettings is given.")


def _space_app_type(params: Params, ctx: Context) -> None:
    """UpdateSpace: 'You can't edit the app type of a space in the SpaceSettings.'"""
    wanted = (params.get("SpaceSettings") or {}).get("AppType")
    if wanted is None:
        return
    space = ctx.store.table("space").require(ctx, f"{params['DomainId']}/{params['SpaceName']}")
    current = (space.get("SpaceSettings") or {}).get("AppType")
    if current is not None and current != wanted:
        raise ValidationError(f"The app type of space {params['SpaceName']} is {current}: it cannot be changed to "
                              f"{wanted}.")


def _space_computed(document: Document, params: Params, ctx: Context) -> None:
    _efs_uid("space")(document, params, ctx)
    # A space's own Studio address: AWS gives each space a host of its own (placeholder token).
    document["Url"] = f"https://{ctx.random_id(15, LOWER_ALNUM)}.studio.{ctx.region}.sagemaker.aws"


def _space_unused(params: Params, ctx: Context) -> None:
    """'To delete a user profile or shared space, the profile or space cannot contain any
    non-failed apps.'"""
    domain_id, name = params["DomainId"], params["SpaceName"]
    apps = _running_apps(ctx, domain_id, space=name)
    if apps:
        raise ResourceInUse(f"Space {name} in domain {domain_id} has apps that are not deleted "
                            f"({_names(apps, 'AppName')}): delete them first.")
    _forget_settled_apps(ctx, domain_id, space=name)


def _space_summary(member: str, source: str, keys: tuple[str, ...]) -> Any:
    def summarize(document: Document) -> Any:
        found = document.get(source)
        if not found:
            return None
        picked = {key: found[key] for key in keys if key in found}
        return picked or None
    return summarize


SPACE = Resource(
    "Space",
    kind="space",
    scope=("DomainId",),
    missing=not_found("Space {arn} does not exist."),
    duplicate=in_use("Space {arn} already exists."),
    lifecycle=SPACE_LIFECYCLE,
    references={"DomainId": "domain"},
    summary={
        "SpaceSettingsSummary": _space_summary("SpaceSettingsSummary", "SpaceSettings",
                                               ("AppType", "RemoteAccess", "SpaceStorageSettings")),
        "SpaceSharingSettingsSummary": _space_summary("SpaceSharingSettingsSummary", "SpaceSharingSettings",
                                                      ("SharingType",)),
        "OwnershipSettingsSummary": _space_summary("OwnershipSettingsSummary", "OwnershipSettings",
                                                   ("OwnerUserProfileName",)),
    },
    rules=(
        Rule(_space_owner, "CreateSpace.OwnershipSettings: 'A collection of ownership settings.' and "
             "OwnerUserProfileName: 'The user profile who is the owner of the space.'"),
        Rule(_space_unused, "Delete a domain, Requirements: 'To delete a user profile or shared space, the profile "
             "or space cannot contain any non-failed apps.'", on=("delete",)),
        Rule(_space_app_type, "UpdateSpace: 'You can't edit the app type of a space in the SpaceSettings.'",
             on=("update",), claims=("You can't edit the app type of a space",
                                     "you can't change the app type of your space")),
    ),
    waivers={**{fragment: reason for fragment, reason in SETTINGS_WAIVERS.items()
                if fragment.startswith(("To remove a Lifecycle Config", "Must be unique"))},
             "Tag keys must be unique for each resource": "core.tags.check enforces it for every resource"},
    on_create=_space_computed,
    example={"DomainId": DOMAIN_ID, "SpaceName": "team-space",
             "OwnershipSettings": {"OwnerUserProfileName": "owner"},
             "SpaceSharingSettings": {"SharingType": "Shared"}},
    example_needs=(*NEEDS_DOMAIN, ("CreateUserProfile", {"DomainId": DOMAIN_ID, "UserProfileName": "owner"})),
)


# -- apps -------------------------------------------------------------------------------------------

def _app_plan(params: Params, ctx: Context) -> None:
    """ResourceSpec.TrainingPlanArn: "This field is supported for JupyterLab and CodeEditor app
    types"; the plan must be one bought for Studio apps (`plan_use`)."""
    plan = (params.get("ResourceSpec") or {}).get("TrainingPlanArn")
    if not plan:
        return
    if params["AppType"] not in ("JupyterLab", "CodeEditor"):
        raise ValidationError(f"A training plan is supported for JupyterLab and CodeEditor apps, not for a "
                              f"{params['AppType']} app.")
    plan_use.require(ctx, plan, "studio-apps")


def _app_owner(params: Params, ctx: Context) -> None:
    """UserProfileName: 'If this value is not set, then SpaceName must be set.' The owner must exist."""
    user, space = params.get("UserProfileName"), params.get("SpaceName")
    if (user is None) == (space is None):
        raise ValidationError("Exactly one of UserProfileName and SpaceName must be set.")
    if user is not None:
        ctx.store.table("user-profile").require(ctx, f"{params['DomainId']}/{user}")
    else:
        ctx.store.table("space").require(ctx, f"{params['DomainId']}/{space}")


def _app_list_owner(params: Params, ctx: Context) -> None:
    """ListApps: UserProfileNameEquals 'If SpaceNameEquals is set, then this value cannot be set.'"""
    if params.get("UserProfileNameEquals") is not None and params.get("SpaceNameEquals") is not None:
        raise ValidationError("UserProfileNameEquals and SpaceNameEquals cannot both be set.")


def _app_owner_named(params: Params, ctx: Context) -> None:
    user, space = params.get("UserProfileName"), params.get("SpaceName")
    if (user is None) == (space is None):
        raise ValidationError("Exactly one of UserProfileName and SpaceName must be set.")


APP = Resource(
    "App",
    kind="app",
    scope=("DomainId", "UserProfileName", "SpaceName", "AppType"),
    missing=not_found("App {arn} does not exist."),
    duplicate=in_use("App {arn} already exists."),
    lifecycle=APP_LIFECYCLE,
    reusable=("Deleted", "Failed"),
    references={"DomainId": "domain"},
    refusal=lambda trigger, status, accepted: ValidationError(
        f"App is in status {status}: only an app that is {' or '.join(accepted)} can be deleted."),
    rules=(
        Rule(_app_owner, "CreateApp.UserProfileName: 'If this value is not set, then SpaceName must be set.'",
             claims=("If this value is not set, then SpaceName must be set",
                     "If this value is not set, then UserProfileName must be set")),
        Rule(_app_plan, "ResourceSpec.TrainingPlanArn: 'This field is supported for JupyterLab and CodeEditor app "
             "types'; DescribeTrainingPlan.TargetResources: 'A training plan for Studio apps can be used to launch "
             "JupyterLab and Code Editor apps on reserved training plan capacity'"),
        Rule(_app_owner_named, "DeleteApp.UserProfileName: 'If this value is not set, then SpaceName must be set.'",
             on=("delete",)),
        Rule(_app_list_owner, "ListApps.UserProfileNameEquals and SpaceNameEquals", on=("list",), claims=(
            "If SpaceNameEquals is set, then this value cannot be set",
            "If UserProfileNameEquals is set, then this value cannot be set")),
    ),
    example={"DomainId": DOMAIN_ID, "UserProfileName": "alice", "AppType": "JupyterServer", "AppName": "default"},
    example_needs=(*NEEDS_DOMAIN, ("CreateUserProfile", {"DomainId": DOMAIN_ID, "UserProfileName": "alice"})),
)


# -- Studio lifecycle configurations ----------------------------------------------------------------

def _base64(params: Params, ctx: Context) -> None:
    """StudioLifecycleConfigContent: 'This content must be base64 encoded.'"""
    try:
        base64.b64decode(params["StudioLifecycleConfigContent"], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("StudioLifecycleConfigContent must be base64 encoded.") from None


def _config_unused(params: Params, ctx: Context) -> None:
    """DeleteStudioLifecycleConfig: 'there must be no running apps using the Lifecycle Configuration.
    You must also remove the Lifecycle Configuration from UserSettings in all Domains and UserProfiles.'"""
    arn = ctx.arn("studio-lifecycle-config", params["StudioLifecycleConfigName"])
    for app in ctx.store.table("app").live(ctx):
        if app["Status"] not in SETTLED_APPS and (app.get("ResourceSpec") or {}).get("LifecycleConfigArn") == arn:
            raise ResourceInUse(f"Studio lifecycle config {arn} is used by app {app['AppArn']}, which is running.")
    for kind, settings in (("domain", "DefaultUserSettings"), ("domain", "DefaultSpaceSettings"),
                           ("user-profile", "UserSettings"), ("space", "SpaceSettings")):
        for document in ctx.store.table(kind).live(ctx):
            if arn in _lifecycle_configs(document.get(settings)):
                holder = document.get("UserProfileName") or document.get("SpaceName") or document["DomainId"]
                raise ResourceInUse(f"Studio lifecycle config {arn} is in use by {kind} {holder}.")


def _lifecycle_configs(settings: Any) -> set[str]:
    """Every `LifecycleConfigArns` and `DefaultResourceSpec.LifecycleConfigArn` under an app-settings tree."""
    found: set[str] = set()
    if isinstance(settings, dict):
        for key, value in settings.items():
            if key == "LifecycleConfigArns" and isinstance(value, list):
                found.update(value)
            elif key == "LifecycleConfigArn" and isinstance(value, str):
                found.add(value)
            else:
                found |= _lifecycle_configs(value)
    elif isinstance(settings, list):
        for item in settings:
            found |= _lifecycle_configs(item)
    return found


STUDIO_LIFECYCLE_CONFIG = Resource(
    "StudioLifecycleConfig",
    kind="studio-lifecycle-config",
    missing=not_found("Studio lifecycle config {arn} does not exist."),
    duplicate=in_use("Studio lifecycle config {arn} already exists."),
    filters={"AppTypeEquals": lambda document, value: document["StudioLifecycleConfigAppType"] == value,
             "ModifiedTimeBefore": lambda document, value: document["LastModifiedTime"] < value,
             "ModifiedTimeAfter": lambda document, value: document["LastModifiedTime"] > value},
    rules=(
        Rule(_base64, "CreateStudioLifecycleConfig.StudioLifecycleConfigContent",
             claims=("This content must be base64 encoded",)),
        Rule(_config_unused, "DeleteStudioLifecycleConfig", on=("delete",), claims=(
            "there must be no running apps using the Lifecycle Configuration",
            "You must also remove the Lifecycle Configuration from UserSettings")),
    ),
    example={"StudioLifecycleConfigName": "install-tools", "StudioLifecycleConfigContent": "ZWNobyBoaQ==",
             "StudioLifecycleConfigAppType": "JupyterLab"},
)


class Studio(Backend):
    domains = DOMAIN.table()
    user_profiles = USER_PROFILE.table()
    spaces = SPACE.table()
    apps = APP.table()
    studio_lifecycle_configs = STUDIO_LIFECYCLE_CONFIG.table()

    @operation
    def create_presigned_domain_url(self, params: Params, ctx: Context) -> Document:
        """A URL that signs the user in to Studio: `https://<domain-id>.studio.<region>.sagemaker.aws/auth?token=...`.
        'This operation can only be called when the authentication mode equals IAM.' The user
        profile must exist, and the space where one is named. The expiry parameters are checked
        against the model's ranges by the validator (ExpiresInSeconds 5-300, default 300;
        SessionExpirationDurationInSeconds 1800-43200, default 43200)."""
        domain = self.domains.require(ctx, params["DomainId"])
        if domain["AuthMode"] != "IAM":
            raise ValidationError(f"CreatePresignedDomainUrl can only be called for a domain whose AuthMode is IAM; "
                                  f"{domain['DomainId']} uses {domain['AuthMode']}.")
        self.user_profiles.require(ctx, f"{params['DomainId']}/{params['UserProfileName']}")
        if params.get("SpaceName") is not None:
            self.spaces.require(ctx, f"{params['DomainId']}/{params['SpaceName']}")
        token = secrets.token_urlsafe(96)  # placeholder: nothing will ever read it
        url = f"{domain['Url']}/auth?token={token}"
        extras = {"SpaceName": params.get("SpaceName"), "LandingUri": params.get("LandingUri")}
        for key, value in extras.items():
            if value is not None:
                url += f"&{key}={value}"
        return {"AuthorizedUrl": url}

