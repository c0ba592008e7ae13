"""Amazon Augmented AI (A2I) on SageMaker's API: human task UIs (worker task templates) and flow
definitions (human review workflows).

Two declared resources (`core.resource`). A human task UI holds a Liquid/HTML template; Describe
answers where the template is kept (`UiTemplate.Url`) and its SHA-256 (`ContentSha256`), not the
content given. A flow definition names the work team that reviews and the task UI they review in
(`HumanLoopConfig`), both of which must exist, and walks Initializing -> Active; Delete walks
Deleting -> gone. The human loops themselves (StartHumanLoop ...) belong to the A2I runtime
service (`sagemaker-a2i-runtime`), not to SageMaker's API. docs/human-loops.md gives the sources.
"""
from __future__ import annotations

import hashlib
from typing import Any

from ..core.backend import Backend
from ..core.context import Context
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, in_use, not_found

Document = dict[str, Any]
Params = dict[str, Any]

ROLE = "arn:aws:iam::123456789012:role/a2i"
TEMPLATE = "<crowd-form><crowd-classifier name=\"label\" categories=\"['yes', 'no']\" header=\"Is it?\">" \
           "</crowd-classifier></crowd-form>"

UI_LIFECYCLE = Lifecycle(
    resource_type="human-task-ui", status_key="HumanTaskUiStatus", status_shape="HumanTaskUiStatus",
    paths={"create": ("Active",), "delete": ("Deleting", GONE)},
    name_key="HumanTaskUiName",
)

FLOW_LIFECYCLE = Lifecycle(
    resource_type="flow-definition", status_key="FlowDefinitionStatus", status_shape="FlowDefinitionStatus",
    paths={"create": ("Initializing", "Active"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Initializing", "Failed")},
    name_key="FlowDefinitionName",
    # A flow definition being deleted is not deleted again (DeleteFlowDefinition declares ResourceInUse).
    accepts={"delete": ("Initializing", "Active", "Failed")},
)


def _template(document: Document, params: Params, ctx: Context) -> None:
    """Describe answers where the template is kept and its SHA-256, not the content itself."""
    content = params["UiTemplate"]["Content"]
    name = params["HumanTaskUiName"]
    document["UiTemplate"] = {
        "Url": f"https://sagemaker-human-task-ui-{ctx.region}.s3.{ctx.region}.amazonaws.com/{ctx.account}/{name}/"
               "template.liquid",
        "ContentSha256": hashlib.sha256(content.encode("utf-8")).hexdigest(),
    }
    document["_content"] = content  # what RenderUiTemplate renders for the UI's HumanTaskUiArn


HUMAN_TASK_UI = Resource(
    "HumanTaskUi",
    kind="human-task-ui",
    # Describe and Delete declare ResourceNotFound; Create ResourceInUse. AWS's words are not published.
    missing=not_found("Could not find HumanTaskUi {arn}."),
    duplicate=in_use("HumanTaskUi {arn} already exists."),
    lifecycle=UI_LIFECYCLE,
    # ListHumanTaskUis documents no default order: newest first, as most SageMaker lists.
    default_sort=("CreationTime", "Descending"),
    not_echoed=("UiTemplate",),
    on_create=_template,
    example={"HumanTaskUiName": "review-ui", "UiTemplate": {"Content": TEMPLATE}},
)


def _references(params: Params, ctx: Context) -> None:
    """The work team and the task UI a flow definition names must exist. A work team of another
    account (the public Mechanical Turk crowd, a vendor's team) is taken on trust."""
    config = params.get("HumanLoopConfig")
    if config is None:
        return
    ctx.store.table("workteam").require_own(ctx, config["WorkteamArn"])
    ctx.store.table("human-task-ui").require(ctx, config["HumanTaskUiArn"])


FLOW_DEFINITION = Resource(
    "FlowDefinition",
    kind="flow-definition",
    missing=not_found("Could not find FlowDefinition {arn}."),
    duplicate=in_use("FlowDefinition {arn} already exists."),
    lifecycle=FLOW_LIFECYCLE,
    default_sort=("CreationTime", "Descending"),
    rules=[
        Rule(_references, "HumanLoopConfig.WorkteamArn: 'Amazon Resource Name (ARN) of a team of workers'; "
             "HumanTaskUiArn: 'The Amazon Resource Name (ARN) of the human task user interface' (both name "
             "resources that must exist)"),
    ],
    example={"FlowDefinitionName": "review-flow", "RoleArn": ROLE,
             "OutputConfig": {"S3OutputPath": "s3://bucket/a2i-output"},
             "HumanLoopConfig": {"WorkteamArn": "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/"
                                                "reviewers",
                                 "HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/"
                                                   "review-flow-ui",
                                 "TaskTitle": "Review", "TaskDescription": "Review the label", "TaskCount": 1}},
    example_needs=(
        ("CreateWorkteam", {"WorkteamName": "reviewers", "Description": "reviewers", "MemberDefinitions": [
            {"CognitoMemberDefinition": {"UserPool": "us-east-1_Example1", "UserGroup": "reviewers",
                                         "ClientId": "client"}}]}),
        ("CreateHumanTaskUi", {"HumanTaskUiName": "review-flow-ui", "UiTemplate": {"Content": TEMPLATE}}),
    ),
)


class HumanLoops(Backend):
    task_uis = HUMAN_TASK_UI.table()
    flow_definitions = FLOW_DEFINITION.table()
