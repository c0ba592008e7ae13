"""ARNs: built in one place, parsed in one place.

`arn:{partition}:sagemaker:{region}:{account}:{resource-type}/{name}`; wherever the model's pattern
accepts a name or an ARN, `resolve` gives the resource behind it.
"""
from __future__ import annotations

from typing import NamedTuple

from .errors import ValidationError


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("us-iso-"):
        return "aws-iso"
    return "aws"


#: Resource types whose ARNs SageMaker writes with the name in lower case (the `...Name` members
#: keep the case given). Their names are unique regardless of case, so families key them by
#: `key(resource_type, name)`. AWS lower-cased many more before its late-2022 backend change
#: (aws/sagemaker-experiments#172); the types here are those with no evidence of the change yet:
#: each family's docs page gives the evidence for its types.
LOWER_CASE = frozenset({
    "compilation-job", "model", "endpoint-config", "transform-job",
})


#: Resource types whose names are unique regardless of case although their ARNs keep the case
#: given ("must be unique in your account and is not case-sensitive", or lower-cased ARNs before
#: late 2022): lookups by name or ARN ignore case.
CASE_INSENSITIVE = LOWER_CASE | {
    "experiment", "experiment-trial", "experiment-trial-component",
    # Keep case since late 2022: a 2024 transcript returns `pipeline/SimpleXGBoostPipeline/execution/...`.
    "pipeline", "pipeline/execution",
    # Keep case: ListTags with a lower-cased training job ARN is "Resource does not exist" (aws/sagemaker-python-sdk
    # PR #4304, 2023-12); AutoML candidates' `training-job/Canvas-c7n-test-...` (cloud-custodian recordings, 2024).
    "training-job", "processing-job", "hyper-parameter-tuning-job",
    # Keep case: ListNotebookInstances and ListEndpoints output of 2024
    # (`notebook-instance/MySageMakerWorkshopNotebook`, `endpoint/DEMO-endpoint-...`); IAM resource ARNs of
    # lifecycle configurations keep case from 2023-04 (awslabs/service-workbench-on-aws#1176).
    "notebook-instance", "notebook-instance-lifecycle-config", "endpoint",
    # CreateAutoMLJob.AutoMLJobName: "The name must be unique to your account and is case insensitive."
    "automl-job",
}


#: Resource types whose ARN path is a composite key, not a resource and its nested sub-resources:
#: `user-profile/<domain-id>/<name>`, `space/<domain-id>/<name>`,
#: `app/<domain-id>/<user-profile-or-space>/<app-type>/<name>` (declared with `Resource.scope`),
#: `hub-content/<hub>/<content-type>/<name>/<version>`, `workteam/private-crowd/<name>`,
#: `extension/<extension name>/<cluster id>/<id>`, `job/<JobCategory>/<JobName>`.
COMPOSITE = frozenset({"user-profile", "space", "app", "hub-content", "workteam", "extension", "job"})


def key(resource_type: str, name: str) -> str:
    """The key a family keeps a resource under: its name, lower-cased where AWS ignores case."""
    return name.lower() if resource_type in CASE_INSENSITIVE else name


def build(region: str, account: str, resource_type: str, resource: str) -> str:
    if resource_type in LOWER_CASE:
        resource = resource.lower()
    return f"arn:{partition(region)}:sagemaker:{region}:{account}:{resource_type}/{resource}"


class Arn(NamedTuple):
    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    resource: str


def parse(arn: str) -> Arn | None:
    """The parts of an ARN, or None if `arn` is not one."""
    if not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return None
    _, part, service, region, account, rest = parts
    resource_type, _, resource = rest.partition("/")
    return Arn(part, service, region, account, resource_type, resource)


def is_arn(value: str) -> bool:
    return value.startswith("arn:")


def kind(arn: str) -> str | None:
    """The kind of resource an ARN names, nested sub-resources included.

    `model-card/c/export-job/j` is a `model-card/export-job`, `pipeline/p/execution/e` a
    `pipeline/execution`; `model-package/group/3` (a version number, not a sub-resource) is a
    `model-package`.
    """
    parsed = parse(arn)
    if parsed is None:
        return None
    if parsed.resource_type in COMPOSITE:
        return parsed.resource_type
    segments = parsed.resource.split("/")
    nested = [segment for index, segment in enumerate(segments) if index % 2 == 1 and not segment.isdigit()]
    return "/".join([parsed.resource_type, *nested])


def resolve(value: str, resource_type: str, region: str, account: str) -> str | None:
    """The resource id behind a name-or-ARN request value, checked against the caller's scope.

    A name is returned as is. An ARN of another region is refused as SageMaker refuses it; an
    ARN of another account or another resource type names nothing here (None).
    """
    if not value.startswith("arn:"):
        return value
    parsed = parse(value)
    if parsed is None or parsed.service != "sagemaker" or parsed.partition != partition(region):
        return None
    if parsed.region != region:
        raise ValidationError(f"ARN should be scoped to correct region: {region}")
    if parsed.account != account or parsed.resource_type != resource_type:
        return None
    return parsed.resource
