"""Private workforces and work teams: who labels data and reviews human loops.

A workforce is the pool of workers of one account in one region, authenticated by an Amazon
Cognito user pool (`CognitoConfig`) or the customer's own OIDC identity provider (`OidcConfig`);
a work team is a group of its workers (Cognito user groups, or OIDC groups) that labeling jobs and
flow definitions name by ARN (`workteam/private-crowd/<name>`).

Both are declared resources whose Describe answers the resource inside a member named after it
(`{"Workforce": {...}}`, `wrapped=`); the documents kept are those members' contents, private
fields start with `_`. Written by hand: DeleteWorkteam, which answers `Success`, not a member of
the team, and ListSubscribedWorkteams.

AWS's rules are the declarations' rules, each with its source (docs/workforces.md lists them): one
workforce a region, Cognito or OIDC, a workforce with work teams not deleted (ResourceInUse), its
OIDC configuration changed only while no team uses it, a team's members all Cognito (from its
workforce's user pool) or all OIDC, 25 teams at most. A workforce walks Initializing -> Active,
UpdateWorkforce Updating -> Active, DeleteWorkforce Deleting -> gone. A work team made with no
workforce in the region and Cognito members makes the region's private workforce from that user
pool, named `default`, as the console's "Create private team" does.

Vendor work teams (ListSubscribedWorkteams) come from AWS Marketplace subscriptions, which cannot
be made through the SageMaker API: the list is empty, as for an account with no subscription.
DescribeSubscribedWorkteam is left unimplemented: it could never answer anything but a refusal.
"""
from __future__ import annotations

from typing import Any

from ..core import dispatch
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceLimitExceeded, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, in_use, invalid

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
#: The Cognito user pool and app client of the examples (the fuzz world's, and the flow definition's teams').
_EXAMPLE_POOL = {"UserPool": "us-east-1_Example1", "ClientId": "client"}

LIFECYCLE = Lifecycle(
    resource_type=WORKFORCE, status_key="Status", status_shape="WorkforceStatus",
    paths={"create": ("Initializing", "Active"), "update": ("Updating", "Active"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Initializing", "Failed")},
    name_key="WorkforceName",
    accepts={"update": ("Active", "Failed")},
)


def _missing_workforce(arn: str) -> ServiceError:
    return ValidationError(f"Workforce {arn.rsplit('/', 1)[-1]} does not exist.")


def _one_a_region(arn: str, name: str | None = None) -> ServiceError:
    return ValidationError(f"You can only create one workforce in each region per account: workforce "
                           f"{name or arn.rsplit('/', 1)[-1]} already exists ({arn}). Delete it with DeleteWorkforce "
                           "to create a new one.")


def _region_workforce(ctx: Context) -> Document | None:
    """The account's one workforce in this region, if any."""
    found = ctx.store.table(WORKFORCE).live(ctx)
    return found[0] if found else None


def _only_workforce(params: Params, ctx: Context) -> None:
    """One workforce in each region of an account: another is refused until it is deleted."""
    existing = _region_workforce(ctx)
    if existing is not None:
        raise _one_a_region(existing["WorkforceArn"], existing["WorkforceName"])


def _identity(params: Params, ctx: Context) -> None:
    """A workforce authenticates through exactly one of Cognito (CognitoConfig) and OIDC (OidcConfig)."""
    cognito, oidc = params.get("CognitoConfig"), params.get("OidcConfig")
    if cognito is not None and oidc is not None:
        raise ValidationError("Do not use OidcConfig if you specify values for CognitoConfig: "
                              "specify exactly one of CognitoConfig and OidcConfig.")
    if cognito is None and oidc is None:
        raise ValidationError("Specify exactly one of CognitoConfig and OidcConfig to create a private workforce.")


def _vpc_complete(params: Params, ctx: Context) -> None:
    """The VPC configuration names VpcId, SecurityGroupIds and Subnets (each required in the shape
    Describe answers)."""
    config = params.get("WorkforceVpcConfig")
    missing = [member for member in ("VpcId", "SecurityGroupIds", "Subnets") if not config.get(member)] \
        if config is not None else []
    if missing:
        raise ValidationError(f"WorkforceVpcConfig requires {', '.join(missing)}.")


def _oidc_update(params: Params, ctx: Context) -> None:
    """OidcConfig updates only an OIDC workforce, and only while no work team uses it."""
    if params.get("OidcConfig") is None:
        return
    document = ctx.store.table(WORKFORCE).require(ctx, params["WorkforceName"])
    if document.get("OidcConfig") is None:
        raise ValidationError("OidcConfig updates only a workforce created using your own OIDC identity "
                              f"provider; workforce {document['WorkforceName']} uses Amazon Cognito.")
    teams = _teams_of(ctx, document)
    if teams:
        raise ConflictError("You can only update your OIDC IdP configuration when there are no work teams "
                            f"associated with your workforce; {len(teams)} work teams use it.")


def _no_teams(params: Params, ctx: Context) -> None:
    """A workforce that work teams use is not deleted (ResourceInUse)."""
    document = ctx.store.table(WORKFORCE).require(ctx, params["WorkforceName"])
    teams = _teams_of(ctx, document)
    if teams:
        # DeleteWorkforce declares no error, yet AWS names this one: "you will receive a
        # ResourceInUse error".
        raise ServiceError(f"Workforce {document['WorkforceName']} contains {len(teams)} work teams: delete them "
                           "with DeleteWorkteam before you delete the workforce.", code="ResourceInUse")


def _teams_of(ctx: Context, workforce: Document) -> list[Document]:
    arn = workforce["WorkforceArn"]
    return [team for team in ctx.store.table(WORKTEAM).values() if team.get("WorkforceArn") == arn]


def _portal(document: Document, params: Params, ctx: Context) -> None:
    """What AWS keeps of the identity provider and the VPC: the OIDC client secret is kept by AWS,
    never answered (OidcConfigForResponse has none); SageMaker makes a VPC endpoint for the portal."""
    if params.get("OidcConfig") is not None:
        document["OidcConfig"] = {k: v for k, v in params["OidcConfig"].items() if k != "ClientSecret"}
    if params.get("WorkforceVpcConfig") is not None:
        document["WorkforceVpcConfig"] = {**params["WorkforceVpcConfig"], "VpcEndpointId": "vpce-" + ctx.random_id(17)}


def _workforce_made(document: Document, params: Params, ctx: Context) -> None:
    """The worker portal's subdomain, the allow-list ("By default, a workforce isn't restricted to
    specific IP addresses"), the creation date."""
    document["SourceIpConfig"] = params.get("SourceIpConfig") or {"Cidrs": []}
    document["SubDomain"] = f"{ctx.random_id(10)}.labeling.sagemaker.aws"
    document["CreateDate"] = ctx.now
    _portal(document, params, ctx)


def _workforce_updated(document: Document, params: Params, ctx: Context) -> None:
    _portal(document, params, ctx)
    document["LastUpdatedDate"] = ctx.now
    document.pop("FailureReason", None)


_ONE_A_REGION = ("CreateWorkforce: 'You can only create one workforce in each Amazon Web Services Region per "
                 "Amazon Web Services account'")

WORKFORCE_RESOURCE = Resource(
    "Workforce",
    kind=WORKFORCE,
    wrapped="Workforce",
    missing=_missing_workforce,
    # The region's one workforce already has the name: the rule it breaks is one workforce a region.
    duplicate=_one_a_region,
    lifecycle=LIFECYCLE,
    refusal=lambda _trigger, status, accepted: ConflictError(
        f"The workforce is {status}: only a workforce that is {' or '.join(accepted)} can be updated."),
    most=1,
    # ListWorkforces states no default order: by creation date, ascending, as ListWorkteams documents.
    default_sort=("CreateDate", "Ascending"),
    # The client secret is kept, never answered (OidcConfigForResponse has none): `_portal` keeps the rest.
    not_echoed=("OidcConfig",),
    on_create=_workforce_made,
    on_update=_workforce_updated,
    rules=(
        Rule(_only_workforce, _ONE_A_REGION, claims=("You can only create one workforce in each",
                                                     "you can only have one private workforce per")),
        Rule(_identity, "CreateWorkforce.CognitoConfig: 'Do not use OidcConfig if you specify values for "
             "CognitoConfig' (and the reverse); the API reference documents only these two ways",
             claims=("To create a private workforce using Amazon Cognito, you must specify a Cognito user pool",)),
        Rule(_vpc_complete, "WorkforceVpcConfigResponse requires VpcId, SecurityGroupIds and Subnets",
             on=("create", "update")),
        Rule(_oidc_update, "UpdateWorkforce: 'You can only update your OIDC IdP configuration when there are no "
             "work teams associated with your workforce'; 'Use OidcConfig to update the configuration of a "
             "workforce created using your own OIDC IdP'", on=("update",),
             claims=("You can only update your OIDC IdP configuration when there are no work teams",)),
        Rule(_no_teams, "DeleteWorkforce: 'If you try to delete a workforce that contains one or more work teams, "
             "you will receive a ResourceInUse error'", on=("delete",),
             claims=("you must use the DeleteWorkteam operation to delete all work teams",)),
    ),
    waivers={
        "Your OIDC IdP must support groups": "the identity provider is not reached: its groups are not known",
        "The security groups must be for the same VPC as specified in the subnet":
            "EC2 is not modelled: a security group's or subnet's VPC is not known",
        "WorkforceName is automatically set to default": "describes the console's workforce (the one a Cognito work "
                                                         "team makes is named `default`); CreateWorkforce takes the "
                                                         "name, and no operation renames a workforce",
    },
    example={"WorkforceName": "labelers", "CognitoConfig": _EXAMPLE_POOL,
             "SourceIpConfig": {"Cidrs": ["10.0.0.0/16"]}},
)


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


def _team_workforce(params: Params, ctx: Context) -> Document | None:
    """The workforce a new team belongs to: the one named, else the region's (None: none yet)."""
    if params.get("WorkforceName") is not None:
        return ctx.store.table(WORKFORCE).require(ctx, params["WorkforceName"])
    return _region_workforce(ctx)


def _members_fit(params: Params, ctx: Context) -> None:
    """A new team's member definitions are all Cognito (one user pool and app client: its
    workforce's) or all OIDC (for an OIDC workforce); an OIDC team needs an existing workforce."""
    definitions = params["MemberDefinitions"]
    kind = _member_kind(definitions)
    workforce = _team_workforce(params, ctx)
    if workforce is None and kind == "Oidc":
        raise ValidationError("No workforce exists in this region: create one with CreateWorkforce "
                              "(OidcConfig) before its OIDC work teams.")
    if workforce is not None:
        _fits(workforce, definitions, kind)


def _new_members_fit(params: Params, ctx: Context) -> None:
    """An update's member definitions, as a new team's, come from the team's workforce."""
    definitions = params.get("MemberDefinitions")
    if definitions is None:
        return
    kind = _member_kind(definitions)
    team = ctx.store.table(WORKTEAM).require(ctx, PRIVATE + params["WorkteamName"])
    workforce = ctx.store.table(WORKFORCE).find(ctx, team["WorkforceArn"])
    if workforce is not None:
        _fits(workforce, definitions, kind)


def _room_for_a_team(params: Params, ctx: Context) -> None:
    """At most 25 work teams in an account and region (ResourceLimitExceeded)."""
    if len(ctx.store.table(WORKTEAM)) >= MAX_WORKTEAMS:
        raise ResourceLimitExceeded(f"You cannot create more than {MAX_WORKTEAMS} work teams in an account and "
                                    "region.")


def _team_made(document: Document, params: Params, ctx: Context) -> None:
    """The team's workforce (the region's private one, made from the team's user pool where there is
    none yet), whose portal it shares; the dates."""
    workforce = _team_workforce(params, ctx)
    if workforce is None:
        cognito = params["MemberDefinitions"][0]["CognitoMemberDefinition"]
        dispatch.call(ctx, "CreateWorkforce", {"WorkforceName": DEFAULT_WORKFORCE, "CognitoConfig": {
            "UserPool": cognito["UserPool"], "ClientId": cognito["ClientId"]}})
        workforce = ctx.store.table(WORKFORCE).require(ctx, DEFAULT_WORKFORCE)
    document["WorkforceArn"] = workforce["WorkforceArn"]
    document["SubDomain"] = workforce["SubDomain"]
    document["CreateDate"] = document["LastUpdatedDate"] = ctx.now


def _team_updated(document: Document, params: Params, ctx: Context) -> None:
    document["LastUpdatedDate"] = ctx.now


WORKTEAM_RESOURCE = Resource(
    "Workteam",
    kind=WORKTEAM,
    wrapped="Workteam",
    id_prefix=PRIVATE,
    missing=invalid("Workteam {arn} does not exist."),
    duplicate=in_use("Workteam {arn} already exists."),
    references={"WorkforceName": WORKFORCE},
    most=MAX_WORKTEAMS,
    # ListWorkteams: "The default is CreationTime" (the SortBy enum's CreateDate) and "Ascending".
    default_sort=("CreateDate", "Ascending"),
    on_create=_team_made,
    on_update=_team_updated,
    rules=(
        Rule(_members_fit, "CreateWorkteam.MemberDefinitions: 'Do not provide input for both of these parameters in "
             "a single request'; 'For private workforces created using Amazon Cognito use CognitoMemberDefinition. "
             "For workforces created using your own OIDC identity provider (IdP) use OidcMemberDefinition'; the AWS "
             "CLI reference: 'All of the CognitoMemberDefinition objects that make up the member definition must "
             "have the same ClientId and UserPool values'",
             claims=("must have the same ClientId and UserPool values",)),
        Rule(_new_members_fit, "UpdateWorkteam.MemberDefinitions: as CreateWorkteam's (the same sentences)",
             on=("update",)),
        Rule(_room_for_a_team, "CreateWorkteam: 'You cannot create more than 25 work teams in an account and region'",
             claims=("You cannot create more than 25 work teams",)),
    ),
    waivers={
        "You must first create the user pools": "Amazon Cognito is not modelled: a user pool is not looked up (a "
                                                "team's pool must be its workforce's, which is enforced)",
        "You must create the app client ID using Amazon Cognito": "Amazon Cognito is not modelled",
        "Possible sources are either SourceIp or VpcSourceIp": "describes the values the model's enum admits",
        "checked by Amazon S3 and must match": "S3 is not read: the worker portal renders nothing",
        "must also be listed in Groups when you make this request": "describes the update: MemberDefinitions replaces "
                                                                    "the team's members, as sagemock does",
        "This operation can't be undone": "describes the deletion: the team is gone",
    },
    example={"WorkteamName": "labelers", "Description": "Labels images",
             "MemberDefinitions": [{"CognitoMemberDefinition": {**_EXAMPLE_POOL, "UserGroup": "labelers"}}],
             "NotificationConfiguration": {"NotificationTopicArn": "arn:aws:sns:us-east-1:123456789012:labels"}},
)


class Workforces(Backend):
    workforces = WORKFORCE_RESOURCE.table()
    workteams = WORKTEAM_RESOURCE.table()

    @operation
    def delete_workteam(self, params: Params, ctx: Context) -> Document:
        """DeleteWorkteam answers `Success`, which is no member of the team."""
        self.workteams.remove(self.workteams.require(ctx, PRIVATE + params["WorkteamName"]))
        return {"Success": True}

    # -- vendor work teams (AWS Marketplace) --------------------------------------------------

    @operation(ignores={member: "no AWS Marketplace subscription can be made through SageMaker's API, so there is "
                        "nothing to filter or page" for member in ("NameContains", "NextToken", "MaxResults")})
    def list_subscribed_workteams(self, params: Params, ctx: Context) -> Document:
        """No Marketplace subscription can be made through SageMaker's API: none to list."""
        return {"SubscribedWorkteams": []}
