"""SageMaker projects: Create, Describe, List, Update and Delete.

A project is kept as the document DescribeProject returns. It is provisioned either from an AWS
Service Catalog product (`ServiceCatalogProvisioningDetails`) or, in newer models, from a
CloudFormation template in S3 (`TemplateProviders`); sagemock provisions nothing, it keeps what
the request says and reports the provisioning the way DescribeProject does.

Statuses (`ProjectStatus`): create walks CreateInProgress -> CreateCompleted, UpdateProject
UpdateInProgress -> UpdateCompleted, DeleteProject DeleteInProgress -> DeleteCompleted -> gone;
after `mock.fail_next("project", ...)` the operation ends in CreateFailed, UpdateFailed or
DeleteFailed, and the reason is where DescribeProject reports it: the provisioned product's
`ProvisionedProductStatusMessage` (or the template's `StackDetail.StatusMessage`).

What AWS documents or shows, and sagemock enforces (sources in docs/projects.md):

* A missing project is a `ValidationException` whose message says it "does not exist"
  (DescribeProject declares no error; Terraform's AWS provider matches that text).
* DeleteProject of a project in DeleteCompleted: "Cannot delete Project in DeleteCompleted
  status" (`ValidationException`, matched by Terraform's AWS provider).
* `ProvisioningArtifactId` "will default to the latest provisioning artifact ID of the product".
* ListProjects: SortBy "The default is CreationTime", SortOrder "The default is Ascending".
* A template provider: "Only one type of template provider can be specified."

Where AWS is silent the choices are sagemock's (see docs/projects.md): UpdateProject and
DeleteProject are refused while another operation is in progress (`ConflictException`, the error
both declare), `Tags` on UpdateProject replace the project's tags, names are case-sensitive.
"""
from __future__ import annotations

import functools
import re
import uuid
from typing import Any

import botocore.session

from ..core import arns, service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.searchable import Provider, own_tags, provide
from ..core.table import Table

Document = dict[str, Any]

RESOURCE_TYPE = "project"

#: The statuses in which an operation is still running: a write then conflicts with it.
BUSY = frozenset(("Pending", "CreateInProgress", "UpdateInProgress", "DeleteInProgress"))

#: What the provisioned product reports in each status (ServiceCatalogProvisionedProductDetails.
#: ProvisionedProductStatusMessage documents AVAILABLE and UNDER_CHANGE); a failure reports its
#: reason instead, and DeleteCompleted leaves the last message as it was.
PRODUCT_MESSAGES = {
    "Pending": "UNDER_CHANGE", "CreateInProgress": "UNDER_CHANGE", "UpdateInProgress": "UNDER_CHANGE",
    "DeleteInProgress": "UNDER_CHANGE", "CreateCompleted": "AVAILABLE", "UpdateCompleted": "AVAILABLE",
}
#: What a template's CloudFormation stack reports in each status (StackDetail.StatusMessage).
STACK_MESSAGES = {
    "Pending": "CREATE_IN_PROGRESS", "CreateInProgress": "CREATE_IN_PROGRESS", "CreateCompleted": "CREATE_COMPLETE",
    "UpdateInProgress": "UPDATE_IN_PROGRESS", "UpdateCompleted": "UPDATE_COMPLETE",
    "DeleteInProgress": "DELETE_IN_PROGRESS", "DeleteCompleted": "DELETE_COMPLETE",
}


def _entered(document: Document, status: str, store: Any, now: Any) -> None:
    """Every status change is a modification; the product or stack reports the same state."""
    reason = document.pop("_failure_reason", None) if status in LIFECYCLE.failure_statuses else None
    product = document.get("ServiceCatalogProvisionedProductDetails")
    if product is not None:
        message = reason or PRODUCT_MESSAGES.get(status)
        if message:
            product["ProvisionedProductStatusMessage"] = message
    for provider in document.get("TemplateProviderDetails") or ():
        message = reason or STACK_MESSAGES.get(status)
        if message:
            provider["CfnTemplateProviderDetail"]["StackDetail"]["StatusMessage"] = message


def _gone(document: Document, status: str, store: Any, now: Any) -> None:
    store.table(RESOURCE_TYPE).remove(document)


LIFECYCLE = Lifecycle(
    resource_type=RESOURCE_TYPE,
    status_key="ProjectStatus",
    status_shape="ProjectStatus",
    paths={
        "create": ("CreateInProgress", "CreateCompleted"),
        "update": ("UpdateInProgress", "UpdateCompleted"),
        "delete": ("DeleteInProgress", "DeleteCompleted", GONE),
    },
    failure_paths={
        "create": ("CreateInProgress", "CreateFailed"),
        "update": ("UpdateInProgress", "UpdateFailed"),
        "delete": ("DeleteInProgress", "DeleteFailed"),
    },
    failure_key=None,  # DescribeProject has no FailureReason: `_entered` puts the reason in place
    name_key="ProjectName",
    accepts={
        "update": ("CreateCompleted", "UpdateCompleted", "UpdateFailed"),
        "delete": ("CreateCompleted", "CreateFailed", "UpdateCompleted", "UpdateFailed", "DeleteFailed"),
    },
    stamps_modified=True,
    on_enter=_entered,
    on_gone=_gone,
)
#: ListProjects: SortBy "The default is CreationTime", SortOrder "The default is Ascending"; no
#: default page size is documented (10). CreationTimeAfter/Before: "created after/before".
LISTING = Listing(
    sort_keys={"Name": "ProjectName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Ascending", id_key="ProjectArn", name_key="ProjectName",
)


class Projects(Backend):
    projects = Table.of(RESOURCE_TYPE, arn="ProjectArn", name="ProjectName", lifecycle=LIFECYCLE,
                        missing=lambda arn: ValidationError(f"Project {arn.rsplit('/', 1)[-1]} does not exist."))

    def __init__(self, store: Any):
        super().__init__(store)
        #: Service Catalog product id -> the id sagemock gives its latest provisioning artifact.
        self.latest_artifacts: dict[str, str] = {}

    def _project(self, ctx: Context, name: str) -> Document:
        """The project a request names; AWS's message repeats the name as given."""
        document = self.projects.find(ctx, name)
        if document is None:
            raise ValidationError(f"Project {name} does not exist.")
        return document

    @staticmethod
    def _guard(document: Document, trigger: str) -> None:
        """Refuse `trigger` unless the project is in a status it is accepted from.

        While another operation runs the refusal is a `ConflictException` (the error UpdateProject
        and DeleteProject declare); otherwise it is AWS's "Cannot delete Project in DeleteCompleted
        status" form, a `ValidationException`.
        """
        def refuse(status: str, accepted: tuple[str, ...]) -> ServiceError:
            message = f"Cannot {trigger} Project in {status} status"
            if status in BUSY:
                return ConflictError(f"{message}: another operation on project {document['ProjectName']} is in "
                                     "progress. Wait until it completes.")
            return ValidationError(message)

        LIFECYCLE.guard(document, trigger, refuse)

    # -- operations ---------------------------------------------------------------------------

    @operation
    def create_project(self, params: Params, ctx: Context) -> Document:
        name = params["ProjectName"]
        existing = self.projects.get(self.projects.key(name))
        if existing is not None and LIFECYCLE.observe(existing, ctx):
            raise ValidationError(f"Project {name} already exists ({existing['ProjectArn']}): project names must be "
                                  "unique within an AWS account and region.")
        tags.check(params.get("Tags"))
        catalog, templates = params.get("ServiceCatalogProvisioningDetails"), params.get("TemplateProviders")
        config = params.get("ProjectConfig")
        if config is not None and (catalog is not None or templates is not None):
            # ProjectConfig: "You can't specify ProjectConfig together with ServiceCatalogProvisioningDetails
            # or TemplateProviders."
            raise ValidationError("You can't specify ProjectConfig together with ServiceCatalogProvisioningDetails "
                                  "or TemplateProviders.")
        if config is None and catalog is None and templates is None:
            # "To create a CLASSIC project, specify ServiceCatalogProvisioningDetails or TemplateProviders ...
            # To create a STANDARD project, specify ProjectConfig" (older models require the first).
            standard = ", or ProjectConfig for a STANDARD project" if _has("CreateProject", "ProjectConfig") else ""
            raise ValidationError("Specify ServiceCatalogProvisioningDetails or TemplateProviders for a CLASSIC "
                                  f"project{standard}.")
        if config is not None and ctx.region not in standard_regions():
            raise ValidationError(f"STANDARD projects are not available in {ctx.region}: they are available only in "
                                  f"{', '.join(sorted(standard_regions()))}.")
        if templates is not None:
            _check_providers(templates)
        # Every rule holds: create the project.
        project_id = f"p-{ctx.random_id(12)}"
        arn = ctx.arn(RESOURCE_TYPE, name)
        document: Document = {
            "ProjectArn": arn,
            "ProjectName": name,
            "ProjectId": project_id,
            "ProjectDescription": params.get("ProjectDescription"),
            "CreatedBy": ctx.user_for("project"),
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
            "LastModifiedBy": ctx.user_for("project"),
        }
        if _has("DescribeProject", "ProjectType"):
            document["ProjectType"] = "STANDARD" if config is not None else "CLASSIC"
        if catalog is not None:
            details = dict(catalog)
            details["ProvisioningArtifactId"] = catalog.get("ProvisioningArtifactId") or self._latest(ctx, catalog)
            document["ServiceCatalogProvisioningDetails"] = details
            document["ServiceCatalogProvisionedProductDetails"] = {"ProvisionedProductId": f"pp-{ctx.random_id(13)}"}
        if templates is not None:
            document["TemplateProviderDetails"] = [self._provider_detail(ctx, document, provider["CfnTemplateProvider"])
                                                   for provider in templates if provider.get("CfnTemplateProvider")]
        if config is not None:
            document["ProjectConfigDetails"] = _standard_details(ctx, config, project_id)
        LIFECYCLE.begin(document, "create", ctx)
        self.projects.add(document, params.get("Tags"))
        return {"ProjectArn": arn, "ProjectId": project_id}

    @operation
    def describe_project(self, params: Params, ctx: Context) -> Document:
        return self._project(ctx, params["ProjectName"])

    @operation
    def list_projects(self, params: Params, ctx: Context) -> Document:
        wanted = params.get("ProjectType")
        where = []
        if wanted is not None:  # "A CLASSIC filter also returns projects that have no project type."
            where.append(lambda document: document.get("ProjectType", "CLASSIC") == wanted)
        page, token = LISTING.walk(self.projects, ctx, params, where)
        summary = service.shape("ProjectSummary")
        return {"ProjectSummaryList": [shape.project(document, summary) for document in page], "NextToken": token}

    @operation
    def update_project(self, params: Params, ctx: Context) -> Document:
        """Description, provisioning, templates and tags; walks UpdateInProgress -> UpdateCompleted."""
        document = self._project(ctx, params["ProjectName"])
        self._guard(document, "update")
        new_tags = params.get("Tags")
        tags.check(new_tags)
        catalog = params.get("ServiceCatalogProvisioningUpdateDetails")
        if catalog is not None and "ServiceCatalogProvisioningDetails" not in document:
            raise ValidationError(f"Project {document['ProjectName']} is not provisioned from a Service Catalog "
                                  "product: ServiceCatalogProvisioningUpdateDetails cannot be applied to it.")
        updates = params.get("TemplateProvidersToUpdate")
        targets: list[tuple[Document, Document]] = []
        if updates is not None:
            _check_providers(updates)
            current = {provider["CfnTemplateProviderDetail"]["TemplateName"]: provider["CfnTemplateProviderDetail"]
                       for provider in document.get("TemplateProviderDetails") or ()}
            for update in updates:
                wanted = update["CfnTemplateProvider"]
                if wanted["TemplateName"] not in current:
                    known = ", ".join(sorted(current)) or "none"
                    raise ValidationError(f"Project {document['ProjectName']} has no template named "
                                          f"{wanted['TemplateName']} (its templates: {known}).")
                targets.append((current[wanted["TemplateName"]], wanted))
        # Every rule holds: apply the request.
        if "ProjectDescription" in params:
            document["ProjectDescription"] = params["ProjectDescription"]
        if catalog is not None:
            details = document["ServiceCatalogProvisioningDetails"]
            details["ProvisioningArtifactId"] = catalog.get("ProvisioningArtifactId") or self._latest(ctx, details)
            if "ProvisioningParameters" in catalog:
                details["ProvisioningParameters"] = catalog["ProvisioningParameters"]
        for detail, wanted in targets:
            detail["TemplateURL"] = wanted["TemplateURL"]
            if "Parameters" in wanted:
                detail["Parameters"] = wanted["Parameters"]
        if new_tags is not None:
            tags.replace(self.store, document["ProjectArn"], new_tags)
        document["LastModifiedBy"] = ctx.user_for("project")
        LIFECYCLE.begin(document, "update", ctx)
        return {"ProjectArn": document["ProjectArn"]}

    @operation
    def delete_project(self, params: Params, ctx: Context) -> None:
        """DeleteInProgress -> DeleteCompleted -> gone; refused while another operation runs."""
        document = self._project(ctx, params["ProjectName"])
        self._guard(document, "delete")
        document["LastModifiedBy"] = ctx.user_for("project")
        LIFECYCLE.begin(document, "delete", ctx)
        return None

    # -- helpers ------------------------------------------------------------------------------

    def _latest(self, ctx: Context, catalog: Document) -> str:
        """The id of the product's latest provisioning artifact: one per product, made up once."""
        product = catalog["ProductId"]
        found = self.latest_artifacts.get(product)
        if found is None:
            found = self.latest_artifacts[product] = f"pa-{ctx.random_id(13)}"
        return found

    @staticmethod
    def _provider_detail(ctx: Context, document: Document, provider: Document) -> Document:
        """A template provider as DescribeProject reports it, with the stack that provisions it."""
        stack = f"sagemaker-{document['ProjectName']}-{document['ProjectId']}"
        stack_id = uuid.UUID(int=ctx.state.random.getrandbits(128), version=4)
        detail: Document = {key: provider[key] for key in ("TemplateName", "TemplateURL", "RoleARN", "Parameters")
                            if key in provider}
        detail["StackDetail"] = {
            "Name": stack,
            "Id": (f"arn:{arns.partition(ctx.region)}:cloudformation:{ctx.region}:{ctx.account}:"
                   f"stack/{stack}/{stack_id}"),
            "StatusMessage": STACK_MESSAGES["CreateInProgress"],
        }
        return {"CfnTemplateProviderDetail": detail}


def _check_providers(providers: list[Document]) -> None:
    """Each template provider names exactly one type ("Only one type of template provider can be
    specified"); of the types the installed model has, sagemock provisions CfnTemplateProvider."""
    types = tuple(service.shape("CreateTemplateProvider").members)
    for provider in providers:
        kinds = [key for key, value in provider.items() if value is not None]
        if len(kinds) != 1:
            raise ValidationError("Each template provider must specify exactly one type of template provider "
                                  f"({', '.join(types)}).")


def _has(operation: str, member: str) -> bool:
    """Whether the installed model's operation has a member (STANDARD projects came in botocore 1.44)."""
    shape = service.operation(operation)
    found = shape.output_shape if operation.startswith("Describe") else shape.input_shape
    return found is not None and member in found.members


@functools.cache
def standard_regions() -> frozenset[str]:
    """The regions CreateProject documents for STANDARD projects ("available only in the US East (N.
    Virginia) and US West (Oregon) Regions"), as region codes from botocore's endpoint data."""
    text = re.sub(r"<[^>]+>", "", service.operation("CreateProject").documentation or "")
    found = re.search(r"STANDARD projects are available only in the (.+?) Regions?\.", text)
    if found is None:
        return frozenset()  # the model names no limit (or predates STANDARD projects)
    named = {name.strip() for name in re.split(r",\s*(?:and\s+)?|\s+and\s+", found.group(1))}
    regions = {code for partition in botocore.session.get_session().get_data("endpoints")["partitions"]
               for code, region in partition["regions"].items() if region.get("description") in named}
    if len(regions) != len(named):
        raise LookupError(f"CreateProject names regions sagemock cannot find in botocore's endpoints: {named}")
    return frozenset(regions)


def _standard_details(ctx: Context, config: Document, project_id: str) -> Document:
    """ProjectConfigDetails of a STANDARD project: "If you don't specify a repository, SageMaker creates
    an Amazon Web Services CodeCommit repository named sagemaker- followed by the project ID"; "If you
    don't specify a leaderboard, SageMaker creates one" (its name is sagemock's choice)."""
    name = ((config.get("RepositoryConfig") or {}).get("CodeCommitConfig") or {}).get("RepositoryName") \
        or f"sagemaker-{project_id}"
    repository = {"CodeCommitConfig": {"RepositoryName": name}}
    return {
        "RepositoryConfig": repository,
        "RepositoryUrl": f"https://git-codecommit.{ctx.region}.amazonaws.com/v1/repos/{name}",
        "LeaderboardArn": config.get("LeaderboardArn") or ctx.arn("leaderboard", f"sagemaker-{project_id}"),
    }


provide(Provider("Project", "Project", "ProjectArn",
                 lambda store: store.table(RESOURCE_TYPE).values(), LIFECYCLE,
                 {"Tags": own_tags("ProjectArn")}, family="Projects", kind="project", table=RESOURCE_TYPE))
