"""Compilation jobs (SageMaker Neo): Create, Describe, List, Stop and Delete.

A job is kept as the document DescribeCompilationJob returns. It walks STARTING -> INPROGRESS ->
COMPLETED (instantly by default); StopCompilationJob walks it STOPPING -> STOPPED, and a failure
planned with `mock.fail_next("compilation-job", ...)` ends it in FAILED with the reason.

What AWS documents and sagemock enforces (API reference and the botocore model):

* `OutputConfig`: "TargetDevice and TargetPlatform are mutually exclusive, so you need to choose
  one between the two" (OutputConfig); `CompilerOptions` "is required for NVIDIA accelerators".
* `ModelPackageVersionArn`: "Provide either a ModelPackageVersionArn or an InputConfig object ...
  The presence of both objects in the CreateCompilationJob request will return an exception."
* DeleteCompilationJob: "You can delete a compilation job only if its current status is
  COMPLETED, FAILED, or STOPPED."
* Names are unique per account and region (CreateCompilationJob.CompilationJobName), regardless
  of case; the ARN carries the name in lower case.
* `DataInputConfig` and `CompilerOptions` are JSON or Python literals (the Neo tutorial sends
  "{'data':[1,3,224,224]}", the CompilerOptions reference writes {'mcpu': 'skylake-avx512'}). Neo
  reports input it cannot read through the job, not the request: it ends FAILED with a
  `ClientError: InputConfiguration: ...` reason ("Troubleshoot Neo Compilation Errors").

Where AWS is silent, the choices are sagemock's (see docs/compilation.md): the compiled artifact
is `<S3OutputLocation>/<input archive name>-<target>.tar.gz`, as Neo names it
(`model.tar.gz` compiled for `ml_c5` gives `model-ml_c5.tar.gz`; for a platform the target is
`<Os>_<Arch>[_<Accelerator>]`, e.g. `model-LINUX_X86_64.tar.gz`).
"""
from __future__ import annotations

import ast
import hashlib
import json
import posixpath
from typing import Any

from ..core import artifacts, service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceNotFound, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.pagination import Listing
from ..core.table import Table

Document = dict[str, Any]

RESOURCE_TYPE = "compilation-job"
#: The statuses a job ends in (and can be deleted in).
TERMINAL = frozenset(("COMPLETED", "FAILED", "STOPPED"))
#: The registry a cloud target's InferenceImage is put in: a placeholder, not an AWS account.
IMAGE_REGISTRY = "000000000000"


def _entered(document: Document, status: str, store: Any, now: Any) -> None:
    """Stamp each status change: start and end times, and what a finished job produced.

    Until a job completes, `ModelArtifacts.S3ModelArtifacts` is the output location; a completed
    job points at its compiled archive and carries its digest (and, for a cloud instance target,
    the image to serve it with).
    """
    if status != "FAILED":
        document["FailureReason"] = ""  # a required member of DescribeCompilationJob: empty, not absent
    if status == "INPROGRESS" or status == "COMPLETED":
        document.setdefault("CompilationStartTime", now)
    if status in TERMINAL:
        document["CompilationEndTime"] = now
    else:
        document.pop("CompilationEndTime", None)
    if status == "COMPLETED":
        document["ModelArtifacts"] = {"S3ModelArtifacts": document["_artifact"]}
        artifacts.write(store, RESOURCE_TYPE, document["CompilationJobName"], document, document["_artifact"])
        document["ModelDigests"] = {"ArtifactDigest": document["_digest"]}
        if document.get("_image"):
            document["InferenceImage"] = document["_image"]
    else:
        document["ModelArtifacts"] = {"S3ModelArtifacts": document["OutputConfig"]["S3OutputLocation"]}
        document.pop("ModelDigests", None)
        document.pop("InferenceImage", None)


LIFECYCLE = Lifecycle(
    resource_type=RESOURCE_TYPE,
    status_key="CompilationJobStatus",
    status_shape="CompilationJobStatus",
    paths={"create": ("STARTING", "INPROGRESS", "COMPLETED"), "stop": ("STOPPING", "STOPPED")},
    failure_paths={"create": ("STARTING", "INPROGRESS", "FAILED")},
    failure_key="FailureReason",
    name_key="CompilationJobName",
    # StopCompilationJob from STARTING or INPROGRESS; DeleteCompilationJob "only if its current
    # status is COMPLETED, FAILED, or STOPPED".
    accepts={"stop": ("STARTING", "INPROGRESS"), "delete": ("COMPLETED", "FAILED", "STOPPED")},
    stamps_modified=True,
    on_enter=_entered,
)
#: ListCompilationJobs: "The default is CreationTime" (SortBy), "The default is Ascending"
#: (SortOrder); no default page size is documented (10).
LISTING = Listing(
    sort_keys={"Name": "CompilationJobName", "CreationTime": "CreationTime", "Status": "CompilationJobStatus"},
    default_sort="CreationTime", default_order="Ascending", id_key="CompilationJobArn",
    name_key="CompilationJobName", status_key="CompilationJobStatus",
)


def _not_found(arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"Could not find compilation job '{arn.rsplit('/', 1)[-1]}'.")


class Compilation(Backend):
    jobs = Table.of(RESOURCE_TYPE, arn="CompilationJobArn", name="CompilationJobName", missing=_not_found,
                    lifecycle=LIFECYCLE)

    def _job(self, ctx: Context, name: str) -> Document:
        """The job a request names; AWS's message repeats the name as given."""
        document = self.jobs.find(ctx, name)
        if document is None:
            raise ResourceNotFound(f"Could not find compilation job '{name}'.")
        return document

    @operation
    def create_compilation_job(self, params: Params, ctx: Context) -> Document:
        name = params["CompilationJobName"]
        existing = self.jobs.get(self.jobs.key(name))
        if existing is not None:
            raise ResourceInUse(
                "Compilation job names must be unique within an AWS account and region, and a compilation job "
                f"with this name already exists ({existing['CompilationJobArn']})"
            )
        tags.check(params.get("Tags"))
        output = params["OutputConfig"]
        _check_target(output)
        input_config = self._input_config(params, ctx)
        arn = ctx.arn(RESOURCE_TYPE, name)
        artifact = _artifact_path(output, input_config)
        document: Document = {
            "CompilationJobName": name,
            "CompilationJobArn": arn,
            "StoppingCondition": params["StoppingCondition"],
            "ModelPackageVersionArn": params.get("ModelPackageVersionArn"),
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
            "FailureReason": "",
            "ModelArtifacts": {"S3ModelArtifacts": output["S3OutputLocation"]},
            "RoleArn": params["RoleArn"],
            "InputConfig": input_config,
            "OutputConfig": output,
            "VpcConfig": params.get("VpcConfig"),
            "_artifact": artifact,
            "_digest": hashlib.blake2b(f"{arn}\n{artifact}".encode(), digest_size=32).hexdigest(),
            "_image": _inference_image(ctx.region, output, input_config),
        }
        problem = _input_problem(input_config.get("DataInputConfig"), input_config["Framework"]) \
            or _options_problem(output.get("CompilerOptions"))
        LIFECYCLE.begin(document, "create", ctx, failure=problem)
        self.jobs.add(document, params.get("Tags"))
        return {"CompilationJobArn": arn}

    def _input_config(self, params: Params, ctx: Context) -> Document:
        """The job's InputConfig: as given, or read from the versioned model package it names."""
        given, package_arn = params.get("InputConfig"), params.get("ModelPackageVersionArn")
        if given is not None and package_arn is not None:
            raise ValidationError("Provide either a ModelPackageVersionArn or an InputConfig, not both: the presence "
                                  "of both in a CreateCompilationJob request is not allowed.")
        if given is None and package_arn is None:
            raise ValidationError("Provide either a ModelPackageVersionArn or an InputConfig.")
        if given is not None:
            return dict(given)
        assert package_arn is not None
        package = ctx.store.table("model-package").require(ctx, package_arn)
        if "ModelPackageGroupName" not in package:
            raise ValidationError(f"ModelPackage {package_arn} is not a versioned model package: "
                                  "ModelPackageVersionArn must name a version in a model package group.")
        return _package_input(package_arn, package)

    @operation
    def describe_compilation_job(self, params: Params, ctx: Context) -> Document:
        return self._job(ctx, params["CompilationJobName"])

    @operation
    def list_compilation_jobs(self, params: Params, ctx: Context) -> Document:
        page, token = LISTING.walk(self.jobs, ctx, params)
        return {"CompilationJobSummaries": [_summary(document) for document in page], "NextToken": token}

    @operation
    def stop_compilation_job(self, params: Params, ctx: Context) -> None:
        """STOPPING -> STOPPED, from STARTING or INPROGRESS only (AWS documents no other)."""
        name = params["CompilationJobName"]
        document = self._job(ctx, name)
        LIFECYCLE.guard(document, "stop", lambda status, accepted: ValidationError(
            f"Compilation job {name} cannot be stopped because its status is {status}: only a job that is "
            f"{' or '.join(accepted)} can be stopped."))
        LIFECYCLE.begin(document, "stop", ctx)
        return None

    @operation
    def delete_compilation_job(self, params: Params, ctx: Context) -> None:
        """Immediate; only when COMPLETED, FAILED or STOPPED (DeleteCompilationJob's documented rule)."""
        name = params["CompilationJobName"]
        document = self._job(ctx, name)
        LIFECYCLE.guard(document, "delete", lambda status, accepted: ValidationError(
            f"Compilation job {name} cannot be deleted because its status is {status}: a job can be deleted only "
            f"when it is {', '.join(accepted[:-1])} or {accepted[-1]}."
            + (" Stop the job first." if status in LIFECYCLE.accepts["stop"] else "")))
        self.jobs.remove(document)
        return None


def _check_target(output: Document) -> None:
    device, platform = output.get("TargetDevice"), output.get("TargetPlatform")
    if device is not None and platform is not None:
        raise ValidationError("TargetDevice and TargetPlatform are mutually exclusive: specify only one of them in "
                              "OutputConfig.")
    if device is None and platform is None:
        raise ValidationError("OutputConfig must specify either TargetDevice or TargetPlatform.")
    if platform is not None and platform.get("Accelerator") == "NVIDIA" and not output.get("CompilerOptions"):
        raise ValidationError("CompilerOptions are required for NVIDIA accelerators (gpu-code, trt-ver and "
                              "cuda-ver).")


def _literal(text: str) -> tuple[bool, Any]:
    """(True, value) for text that reads as JSON or as a Python literal, else (False, None).

    AWS's own Neo tutorial sends `DataInputConfig` written the Python way ("{'data':[1,3,224,224]}")
    and the `CompilerOptions` reference writes `{'mcpu': 'skylake-avx512'}`: both are accepted.
    """
    try:
        return True, json.loads(text)
    except (ValueError, RecursionError):
        pass
    try:
        return True, ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _input_problem(config: str | None, framework: str) -> str | None:
    """Why Neo would fail the job over its DataInputConfig, if it would (None: it would not).

    AWS documents the format ("a JSON dictionary form"; PyTorch "can also specify the shape only
    using a list format") but no synchronous check: Neo reports input problems through the job,
    which ends FAILED with a `ClientError: InputConfiguration: ...` reason (Developer Guide,
    "Troubleshoot Neo Compilation Errors").
    """
    if config is None:
        return None
    readable, parsed = _literal(config)
    if not readable:
        return (f"ClientError: InputConfiguration: DataInputConfig {config!r} is neither JSON nor a Python "
                "literal: specify the name and shape of the expected data inputs as a dictionary.")
    if isinstance(parsed, dict) or isinstance(parsed, list) and framework == "PYTORCH":
        return None
    expected = "a dictionary of input names and shapes, or a list of shapes" if framework == "PYTORCH" else \
        "a dictionary of input names and shapes"
    return f"ClientError: InputConfiguration: DataInputConfig for {framework} must be {expected}: {config!r}."


def _options_problem(options: str | None) -> str | None:
    """Why Neo would fail the job over its CompilerOptions (JSON or a Python literal, as documented)."""
    if options is None or _literal(options)[0]:
        return None
    return (f"ClientError: OutputConfiguration: CompilerOptions {options!r} is neither JSON nor a Python literal "
            "(e.g. {'mcpu': 'skylake-avx512'}).")


def _package_input(package_arn: str, package: Document) -> Document:
    """InputConfig from the first container of the package that names its model data and framework."""
    frameworks = service.enum_values("Framework")
    for container in (package.get("InferenceSpecification") or {}).get("Containers") or ():
        framework = (container.get("Framework") or "").upper()
        if container.get("ModelDataUrl") and framework in frameworks:
            config: Document = {"S3Uri": container["ModelDataUrl"], "Framework": framework}
            if container.get("FrameworkVersion"):
                config["FrameworkVersion"] = container["FrameworkVersion"]
            data_input = (container.get("ModelInput") or {}).get("DataInputConfig")
            if data_input:
                config["DataInputConfig"] = data_input
            return config
    raise ValidationError(f"ModelPackage {package_arn} has no container with a ModelDataUrl and a Framework "
                          f"({', '.join(frameworks)}) to compile.")


def _target(output: Document) -> str:
    """The name Neo gives the target in artifact names: the device, or Os_Arch[_Accelerator]."""
    if output.get("TargetDevice"):
        return str(output["TargetDevice"])
    platform = output["TargetPlatform"]
    return "_".join(part for part in (platform["Os"], platform["Arch"], platform.get("Accelerator")) if part)


def _artifact_path(output: Document, input_config: Document) -> str:
    """`<S3OutputLocation>/<input archive name without .tar.gz>-<target>.tar.gz`."""
    key = input_config["S3Uri"].split("://", 1)[-1].partition("/")[2]
    base = posixpath.basename(key.rstrip("/"))
    for suffix in (".tar.gz", ".tgz"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return f"{output['S3OutputLocation'].rstrip('/')}/{base or 'model'}-{_target(output)}.tar.gz"


def _inference_image(region: str, output: Document, input_config: Document) -> str | None:
    """A placeholder image for cloud instance targets (`ml_*`): "Specify an image only if the target
    device is a cloud instance" (DescribeCompilationJobResponse.InferenceImage)."""
    device = output.get("TargetDevice")
    if not device or not device.startswith("ml_"):
        return None
    version = input_config.get("FrameworkVersion") or "latest"
    return (f"{IMAGE_REGISTRY}.dkr.ecr.{region}.amazonaws.com/sagemaker-neo-{input_config['Framework'].lower()}:"
            f"{version}-{device}")


def _summary(document: Document) -> Document:
    summary = shape.project(document, service.shape("CompilationJobSummary"))
    output = document["OutputConfig"]
    summary["CompilationTargetDevice"] = output.get("TargetDevice")
    platform = output.get("TargetPlatform") or {}
    summary["CompilationTargetPlatformOs"] = platform.get("Os")
    summary["CompilationTargetPlatformArch"] = platform.get("Arch")
    summary["CompilationTargetPlatformAccelerator"] = platform.get("Accelerator")
    return summary
