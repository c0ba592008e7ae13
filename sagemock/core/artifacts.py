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

import functools
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
           "compilation-job": "<S3OutputLocation>/<input archive name>-<target>.tar.gz"}


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


@functools.cache
def _client(region: str) -> Any:
    """One S3 client per region, made once moto is loaded (moto answers through a handler every
    client made after its import carries), so a job does not pay for a new client."""
    return s3.client(region)


def write(store: Any, kind: str, name: str, document: Document, uri: str) -> bool:
    """Write the artifact of job `name` (of `kind`) at `uri` when moto serves S3; whether it was."""
    if not moto_serves_s3():
        return False
    contents = store.state.hooks.get(HOOK) or {}
    content = contents.get((kind, name), contents.get((kind, None)))
    body = placeholder(kind, name) if content is None else content(document) if callable(content) else content
    bucket, key = s3.split(uri)
    try:
        s3.call(_client(store.region), "put_object", Bucket=bucket, Key=key, Body=body)
    except (s3.NothingServesS3, s3.S3Error):
        return False
    return True
