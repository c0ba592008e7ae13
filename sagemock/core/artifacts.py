"""What a finished job leaves in S3: the archive a training job or a compilation job writes, the
files a processing job uploads, when moto serves S3 in the process.

The SageMaker Python SDK reads these back (framework estimators repack `model.tar.gz` with the
inference code before deploying it; `compile_model` then `deploy` reads the compiled archive), so a
flow that goes on past the job needs them. sagemock writes each one as the job reaches its
successful end, with a boto3 S3 client of its own that moto's `mock_aws` answers.

Only when moto serves S3 (its `mock_aws` active): with nothing serving S3 nothing is written and
nothing reaches the network, and a test that never starts moto pays nothing (a job never builds an
S3 client). A bucket the S3 mock does not hold is left alone too: the job still completes, as its
documents say (sagemock does not fail a job for its output location).

What an artifact holds is the test's choice (`MockSageMaker.set_job_artifact`): bytes, or a function
of the job's Describe document, per job or for every job of a kind; otherwise a placeholder
archive (a gzip'ed tar with one small text file naming the job), which the SDK can open and repack.
"""
from __future__ import annotations

import io
import sys
import tarfile
from collections.abc import Callable
from typing import Any

from . import s3

Document = dict[str, Any]
#: What an artifact may be: its bytes, or a function of the job's Describe document that returns them.
Content = bytes | Callable[[Document], bytes]

#: `State.hooks` key of the registered contents: (job kind, job name or None) -> content.
HOOK = "artifacts"
PLACEHOLDER_FILE = "sagemock-placeholder.txt"
#: The job kinds that write an artifact, and what it is.
WRITERS = {"training-job": "model.tar.gz under <S3OutputPath>/<job>/output/",
           "compilation-job": "<S3OutputLocation>/<input archive name>-<target>.tar.gz",
           "processing-job": "the files of each output, under its S3Uri (only the test's: none by default)",
           "transform-job": "<input object>.out under <S3OutputPath>, for each input object"}


def register(hooks: dict[str, Any], kind: str, content: Content, job_name: str | None = None) -> None:
    """Make the jobs of `kind` (one of them, with `job_name`) write `content`."""
    hooks.setdefault(HOOK, {})[(kind, job_name)] = content


def placeholder(kind: str, name: str) -> bytes:
    """A gzip'ed tar holding one text file that names the job: an archive any reader can open."""
    text = f"Written by sagemock for the {kind} {name}: a placeholder, not a model.\n".encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        entry = tarfile.TarInfo(PLACEHOLDER_FILE)
        entry.size = len(text)
        entry.mtime = 0
        archive.addfile(entry, io.BytesIO(text))
    return buffer.getvalue()


def moto_serves_s3() -> bool:
    """Whether moto's `mock_aws` is active in this process (without importing moto)."""
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def read(region: str, uri: str) -> bytes | None:
    """An object a job wrote (a processing job's property file), or None when moto does not serve
    S3 or holds no such object."""
    if not moto_serves_s3():
        return None
    bucket, key = s3.split(uri)
    try:
        body: bytes = s3.call(s3.client(region), "get_object", Bucket=bucket, Key=key)["Body"].read()
    except (s3.NothingServesS3, s3.S3Error):
        return None
    return body


def _registered(store: Any, kind: str, name: str) -> Any:
    contents = store.state.hooks.get(HOOK) or {}
    return contents.get((kind, name), contents.get((kind, None)))


def _put(store: Any, uri: str, body: bytes) -> bool:
    bucket, key = s3.split(uri)
    try:
        s3.call(s3.client(store.region), "put_object", Bucket=bucket, Key=key, Body=body)
    except (s3.NothingServesS3, s3.S3Error):
        return False
    return True


def write(store: Any, kind: str, name: str, document: Document, uri: str) -> bool:
    """Write the artifact of job `name` (of `kind`) at `uri` when moto serves S3; whether it was."""
    if not moto_serves_s3():
        return False
    content = _registered(store, kind, name)
    body = placeholder(kind, name) if content is None else content(document) if callable(content) else content
    return _put(store, uri, body)


def write_outputs(store: Any, name: str, document: Document) -> int:
    """A completed processing job's output files: what the test registered for it, as a mapping of
    output name -> {file path under the output's S3Uri: bytes} (or a function of the job's document
    that returns one). A container's files cannot be guessed, so nothing is written by default.
    How many files were written."""
    content = _registered(store, "processing-job", name) if moto_serves_s3() else None
    if content is None:
        return 0
    files = content(document) if callable(content) else content
    outputs = {output["OutputName"]: output["S3Output"]["S3Uri"]
               for output in (document.get("ProcessingOutputConfig") or {}).get("Outputs") or ()
               if output.get("S3Output")}
    written = 0
    for output_name, found in files.items():
        if output_name not in outputs:
            continue  # no such output: the container's file goes nowhere
        for path, body in found.items():
            written += _put(store, f"{outputs[output_name].rstrip('/')}/{path.lstrip('/')}", body)
    return written


def _inputs(client: Any, source: Document) -> list[tuple[str, str]]:
    """The input objects of a transform job's S3 data source, as (URI, path relative to the
    source): every object under an S3Prefix, each entry of a ManifestFile (`[{"prefix": ...},
    "relative/path", ...]`, TransformS3DataSource.S3Uri)."""
    bucket, key = s3.split(source["S3Uri"])
    if source.get("S3DataType") == "ManifestFile":
        import json

        manifest = json.loads(s3.call(client, "get_object", Bucket=bucket, Key=key)["Body"].read())
        prefix = str(manifest[0]["prefix"])
        return [(prefix.rstrip("/") + "/" + entry, entry) for entry in manifest[1:]]
    found: list[tuple[str, str]] = []
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key)
    for page in pages:
        for item in page.get("Contents") or ():
            relative = item["Key"][len(key):].lstrip("/") or item["Key"].rsplit("/", 1)[-1]
            if not item["Key"].endswith("/"):
                found.append((f"s3://{bucket}/{item['Key']}", relative))
    return found


def write_results(store: Any, name: str, document: Document) -> int:
    """A completed transform job's results: for every input object, `<relative path>.out` under
    `S3OutputPath` ("For every S3 object used as input for the transform job, batch transform stores
    the transformed data with an .out suffix in a corresponding subfolder", TransformOutput). Each
    holds the registered content (bytes, or a function of the input object's bytes and the job's
    document), else the input itself, as an endpoint with nothing registered echoes it. How many
    were written."""
    if not moto_serves_s3():
        return 0
    client = s3.client(store.region)
    source = document["TransformInput"]["DataSource"].get("S3DataSource")
    try:
        inputs = _inputs(client, source) if source else []
    except (s3.NothingServesS3, s3.S3Error, ValueError, LookupError, TypeError):
        return 0
    content = _registered(store, "transform-job", name)
    output = document["TransformOutput"]["S3OutputPath"].rstrip("/")
    written = 0
    for uri, relative in inputs:
        bucket, key = s3.split(uri)
        try:
            body = s3.call(client, "get_object", Bucket=bucket, Key=key)["Body"].read()
        except (s3.NothingServesS3, s3.S3Error):
            continue
        result = body if content is None else content(body, document) if callable(content) else content
        written += _put(store, f"{output}/{relative}.out", result)
    return written
