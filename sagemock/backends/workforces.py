"""Private workforces and work teams: who labels data and reviews human loops.

A workforce is the pool of workers of one account in one region, authenticated by an Amazon
Cognito user pool (`CognitoConfig`) or the customer's own OIDC identity provider (`OidcConfig`);
a work team is a group of its workers (Cognito user groups, or OIDC groups) that labeling jobs and
flow definitions name by ARN (`workteam/private-crowd/<name>`).

Written by hand rather than declared: DescribeWorkforce and DescribeWorkteam answer the resource
inside a wrapper member (`{"Workforce": {...}}`), which the declared-resource engine does not
model. The documents kept are those wrappers' contents; private fields start with `_`.

AWS's rules (docs/workforces.md gives each source):

* "You can only create one workforce in each Amazon Web Services Region per Amazon Web Services
  account" (CreateWorkforce): a second one is refused until the first is deleted.
* A workforce uses Cognito or OIDC: "Do not use OidcConfig if you specify values for
  CognitoConfig" (and the reverse); one of them is needed, the only two ways AWS documents.
* A workforce walks Initializing -> Active, UpdateWorkforce Updating -> Active, DeleteWorkforce
  Deleting -> gone; a planned failure ends creation in Failed with its reason.
* "If you try to delete a workforce that contains one or more work teams, you will receive a
  ResourceInUse error" (DeleteWorkforce).
* "You can only update your OIDC IdP configuration when there are no work teams associated with
  your workforce" (UpdateWorkforce), and OidcConfig updates only an OIDC workforce.
* A work team's MemberDefinitions are all Cognito (for a Cognito workforce, from its user pool:
  "private work teams correspond to Amazon Cognito user groups within the user pool used to create
  a workforce") or all OIDC (for an OIDC workforce); "Do not provide input for both of these
  parameters in a single request".
* "You cannot create more than 25 work teams in an account and region" (CreateWorkteam:
  ResourceLimitExceeded).
* A work team made with no workforce in the region and Cognito members makes the region's private
  workforce from that user pool, named `default`, as the console's "Create private team" does.

Vendor work teams (ListSubscribedWorkteams) come from AWS Marketplace subscriptions, which cannot
be made through the SageMaker API: the list is empty, as for an account with no subscription.
DescribeSubscribedWorkteam is left unimplemented: it could never answer anything but a refusal.
"""
from __future__ import annotations

from typing import Any

from ..core import tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceLimitExceeded, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.state import Store
from ..core.table import Table

Document = dict[str, Any]

WORKFORCE = "workforce"
WORKTEAM = "workteam"
#: A private work team's ARN path: `workteam/private-crowd/<name>` (AWS's IAM examples and the
#: console's ARNs; vendor teams are `workteam/vendor-crowd/...`, the public one `public-crowd/default`).
PRIVATE = "private-crowd/"
#: CreateWorkteam: "You cannot create more than 25 work teams in an account and region."
MAX_WORKTEAMS = 25
#: The workforce a Cognito work team makes where the region has none (the console's name for it).
DEFAULT_WORKFORCE = "default"


def _gone(document: Document, _status: str, store: Store, _now: Any) -> None:
    store.table(WORKFORCE).remove(document)


LIFECYCLE = Lifecycle(
    resource_type=WORKFORCE, status_key="Status", status_shape="WorkforceStatus",
    paths={"create": ("Initializing", "Active"), "update": ("Updating", "Active"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Initializing", "Failed")},
    name_key="WorkforceName",
    on_gone=_gone,
)

WORKFORCE_LISTING = Listing(sort_keys={"Name": "WorkforceName", "CreateDate": "CreateDate"},
                            default_sort="CreateDate", default_order="Ascending", id_key="WorkforceArn",
                            name_key="WorkforceName")
# ListWorkteams: "The default is CreationTime" (the SortBy enum's CreateDate) and "Ascending".
WORKTEAM_LISTING = Listing(sort_keys={"Name": "WorkteamName", "CreateDate": "CreateDate"},
                           default_sort="CreateDate", default_order="Ascending", id_key="WorkteamArn",
                           name_key="WorkteamName")


def _missing_workforce(arn: str) -> ServiceError:
    return ValidationError(f"Workforce {arn.rsplit('/', 1)[-1]} does not exist.")


def _missing_workteam(arn: str) -> ServiceError:
    return ValidationError(f"Workteam {arn} does not exist.")


def _identity(params: Params) -> None:
    """A workforce authenticates through Cognito or through OIDC, never both."""
    cognito, oidc = params.get("CognitoConfig"), params.get("OidcConfig")
    if cognito is not None and oidc is not None:
        raise ValidationError("Do not use OidcConfig if you specify values for CognitoConfig: "
                              "specify exactly one of CognitoConfig and OidcConfig.")
    if cognito is None and oidc is None:
        raise ValidationError("Specify exactly one of CognitoConfig and OidcConfig to create a private workforce.")


def _vpc(config: Document | None, ctx: Context) -> Document | None:
    """The VPC configuration as Describe answers it: VpcId, SecurityGroupIds and Subnets (each
    required in the answer's shape), and the VPC endpoint SageMaker makes for the worker portal."""
    if config is None:
        return None
    missing = [member for member in ("VpcId", "SecurityGroupIds", "Subnets") if not config.get(member)]
    if missing:
        raise ValidationError(f"WorkforceVpcConfig requires {', '.join(missing)}.")
    return {**config, "VpcEndpointId": "vpce-" + ctx.random_id(17)}


def _member_kind(definitions: list[Document]) -> str:
    """"Cognito" or "Oidc": what every one of a team's member definitions is, or the refusal."""
    kinds = set()
    for definition in definitions:
        given = [kind for kind in ("Cognito", "Oidc") if definition.get(f"{kind}MemberDefinition") is not None]
        if len(given) != 1:
            raise ValidationError("Each MemberDefinition must have exactly one of CognitoMemberDefinition and "
                                  "OidcMemberDefinition.")
        kinds.add(given[0])
    if len(kinds) != 1:
        raise ValidationError("MemberDefinitions must be all CognitoMemberDefinition or all OidcMemberDefinition; "
                              "do not provide input for both in a single request.")
    kind = kinds.pop()
    if kind == "Cognito":
        pools = {(d["CognitoMemberDefinition"]["UserPool"], d["CognitoMemberDefinition"]["ClientId"])
                 for d in definitions}
        if len(pools) != 1:
            raise ValidationError("All of the CognitoMemberDefinition objects that make up the member definition "
                                  "must have the same ClientId and UserPool values.")
    return kind


def _fits(workforce: Document, definitions: list[Document], kind: str) -> None:
    """A team's members come from its workforce: its Cognito user pool, or its OIDC groups."""
    if kind == "Cognito":
        config = workforce.get("CognitoConfig")
        cognito = definitions[0]["CognitoMemberDefinition"]
        if config is None:
            raise ValidationError(f"Workforce {workforce['WorkforceName']} uses an OIDC identity provider: use "
                                  "OidcMemberDefinition for its work teams.")
        if (cognito["UserPool"], cognito["ClientId"]) != (config["UserPool"], config["ClientId"]):
            raise ValidationError(f"The CognitoMemberDefinition's UserPool and ClientId must be those of workforce "
                                  f"{workforce['WorkforceName']} ({config['UserPool']}, {config['ClientId']}).")
    elif workforce.get("OidcConfig") is None:
        raise ValidationError(f"Workforce {workforce['WorkforceName']} uses Amazon Cognito: use "
                              "CognitoMemberDefinition for its work teams.")


class Workforces(Backend):
    workforces = Table.of(WORKFORCE, arn="WorkforceArn", name="WorkforceName", missing=_missing_workforce,
                          lifecycle=LIFECYCLE)
    workteams = Table.of(WORKTEAM, arn="WorkteamArn", name="WorkteamName", missing=_missing_workteam)

    # -- lookups ------------------------------------------------------------------------------

    def _region_workforce(self, ctx: Context) -> Document | None:
        """The account's one workforce in this region, if any."""
        found = self.workforces.live(ctx)
        return found[0] if found else None

    def _workteam(self, ctx: Context, name: str) -> Document:
        return self.workteams.require(ctx, PRIVATE + name)

    def _teams_of(self, workforce: Document) -> list[Document]:
        arn = workforce["WorkforceArn"]
        return [team for team in self.workteams.values() if team.get("WorkforceArn") == arn]

    def _new_workforce(self, ctx: Context, name: str, params: Params) -> Document:
        """A workforce document, held and Initializing (its checks already passed)."""
        document: Document = {
            "WorkforceName": name,
            "WorkforceArn": ctx.arn(WORKFORCE, name),
            "SourceIpConfig": params.get("SourceIpConfig") or {"Cidrs": []},
            "SubDomain": f"{ctx.random_id(10)}.labeling.sagemaker.aws",
            "CreateDate": ctx.now,
        }
        if params.get("IpAddressType") is not None:
            document["IpAddressType"] = params["IpAddressType"]
        if params.get("CognitoConfig") is not None:
            document["CognitoConfig"] = params["CognitoConfig"]
        if params.get("OidcConfig") is not None:
            # The client secret is kept by AWS, never answered (OidcConfigForResponse has none).
            document["OidcConfig"] = {k: v for k, v in params["OidcConfig"].items() if k != "ClientSecret"}
        vpc = _vpc(params.get("WorkforceVpcConfig"), ctx)
        if vpc is not None:
            document["WorkforceVpcConfig"] = vpc
        self.workforces.add(document, params.get("Tags"))
        LIFECYCLE.begin(document, "create", ctx)
        return document

    # -- workforces ---------------------------------------------------------------------------

    @operation
    def create_workforce(self, params: Params, ctx: Context) -> Document:
        name = params["WorkforceName"]
        existing = self._region_workforce(ctx)
        if existing is not None:
            raise ValidationError(f"You can only create one workforce in each region per account: workforce "
                                  f"{existing['WorkforceName']} already exists ({existing['WorkforceArn']}). Delete "
                                  "it with DeleteWorkforce to create a new one.")
        _identity(params)
        tags.check(params.get("Tags"))
        document = self._new_workforce(ctx, name, params)
        return {"WorkforceArn": document["WorkforceArn"]}

    @operation
    def describe_workforce(self, params: Params, ctx: Context) -> Document:
        return {"Workforce": self.workforces.require(ctx, params["WorkforceName"])}

    @operation
    def list_workforces(self, params: Params, ctx: Context) -> Document:
        page, token = WORKFORCE_LISTING.walk(self.workforces, ctx, params)
        return {"Workforces": page, "NextToken": token}

    @operation
    def update_workforce(self, params: Params, ctx: Context) -> Document:
        document = self.workforces.require(ctx, params["WorkforceName"])
        if document["Status"] not in ("Active", "Failed"):
            raise ConflictError(f"Workforce {document['WorkforceName']} is {document['Status']}: it can be updated "
                                "once it is Active.")
        oidc = params.get("OidcConfig")
        if oidc is not None:
            if document.get("OidcConfig") is None:
                raise ValidationError("OidcConfig updates only a workforce created using your own OIDC identity "
                                      f"provider; workforce {document['WorkforceName']} uses Amazon Cognito.")
            teams = self._teams_of(document)
            if teams:
                raise ConflictError("You can only update your OIDC IdP configuration when there are no work teams "
                                    f"associated with your workforce; {len(teams)} work teams use it.")
        vpc = _vpc(params.get("WorkforceVpcConfig"), ctx)
        if "SourceIpConfig" in params:
            document["SourceIpConfig"] = params["SourceIpConfig"]
        if oidc is not None:
            document["OidcConfig"] = {k: v for k, v in oidc.items() if k != "ClientSecret"}
        if vpc is not None:
            document["WorkforceVpcConfig"] = vpc
        if "IpAddressType" in params:
            document["IpAddressType"] = params["IpAddressType"]
        document["LastUpdatedDate"] = ctx.now
        document.pop("FailureReason", None)
        LIFECYCLE.begin(document, "update", ctx)
        return {"Workforce": document}

    @operation
    def delete_workforce(self, params: Params, ctx: Context) -> Document:
        document = self.workforces.require(ctx, params["WorkforceName"])
        teams = self._teams_of(document)
        if teams:
            # DeleteWorkforce declares no error, yet AWS names this one: "you will receive a
            # ResourceInUse error".
            raise ServiceError(f"Workforce {document['WorkforceName']} contains {len(teams)} work teams: delete them "
                               "with DeleteWorkteam before you delete the workforce.", code="ResourceInUse")
        LIFECYCLE.begin(document, "delete", ctx)
        return {}

    # -- work teams ---------------------------------------------------------------------------

    @operation
    def create_workteam(self, params: Params, ctx: Context) -> Document:
        name = params["WorkteamName"]
        existing = self.workteams.find(ctx, PRIVATE + name)
        if existing is not None:
            raise ServiceError(f"Workteam {existing['WorkteamArn']} already exists.", code="ResourceInUse")
        definitions = params["MemberDefinitions"]
        kind = _member_kind(definitions)
        tags.check(params.get("Tags"))
        if params.get("WorkforceName") is not None:
            workforce: Document | None = self.workforces.require(ctx, params["WorkforceName"])
        else:
            workforce = self._region_workforce(ctx)
            if workforce is None and kind == "Oidc":
                raise ValidationError("No workforce exists in this region: create one with CreateWorkforce "
                                      "(OidcConfig) before its OIDC work teams.")
        if workforce is not None:
            _fits(workforce, definitions, kind)
        if len(self.workteams) >= MAX_WORKTEAMS:
            raise ResourceLimitExceeded(f"You cannot create more than {MAX_WORKTEAMS} work teams in an account and "
                                        "region.")
        if workforce is None:  # the region's private workforce, made from the team's user pool
            cognito = definitions[0]["CognitoMemberDefinition"]
            workforce = self._new_workforce(ctx, DEFAULT_WORKFORCE, {"CognitoConfig": {
                "UserPool": cognito["UserPool"], "ClientId": cognito["ClientId"]}})
        document: Document = {
            "WorkteamName": name,
            "MemberDefinitions": definitions,
            "WorkteamArn": ctx.arn(WORKTEAM, PRIVATE + name),
            "WorkforceArn": workforce["WorkforceArn"],
            "Description": params["Description"],
            "SubDomain": workforce["SubDomain"],
            "CreateDate": ctx.now,
            "LastUpdatedDate": ctx.now,
        }
        for member in ("NotificationConfiguration", "WorkerAccessConfiguration"):
            if params.get(member) is not None:
                document[member] = params[member]
        self.workteams.add(document, params.get("Tags"))
        return {"WorkteamArn": document["WorkteamArn"]}

    @operation
    def describe_workteam(self, params: Params, ctx: Context) -> Document:
        return {"Workteam": self._workteam(ctx, params["WorkteamName"])}

    @operation
    def list_workteams(self, params: Params, ctx: Context) -> Document:
        page, token = WORKTEAM_LISTING.walk(self.workteams, ctx, params)
        return {"Workteams": page, "NextToken": token}

    @operation
    def update_workteam(self, params: Params, ctx: Context) -> Document:
        document = self._workteam(ctx, params["WorkteamName"])
        definitions = params.get("MemberDefinitions")
        if definitions is not None:
            kind = _member_kind(definitions)
            workforce = self.workforces.find(ctx, document["WorkforceArn"])
            if workforce is not None:
                _fits(workforce, definitions, kind)
            document["MemberDefinitions"] = definitions
        for member in ("Description", "NotificationConfiguration", "WorkerAccessConfiguration"):
            if params.get(member) is not None:
                document[member] = params[member]
        document["LastUpdatedDate"] = ctx.now
        return {"Workteam": document}

    @operation
    def delete_workteam(self, params: Params, ctx: Context) -> Document:
        self.workteams.remove(self._workteam(ctx, params["WorkteamName"]))
        return {"Success": True}

    # -- vendor work teams (AWS Marketplace) --------------------------------------------------

    @operation(ignores={member: "no AWS Marketplace subscription can be made through SageMaker's API, so there is "
                        "nothing to filter or page" for member in ("NameContains", "NextToken", "MaxResults")})
    def list_subscribed_workteams(self, params: Params, ctx: Context) -> Document:
        """No Marketplace subscription can be made through SageMaker's API: none to list."""
        return {"SubscribedWorkteams": []}
