"""Reading and writing S3 objects through whatever serves S3 in the test, never AWS.

SageMaker reads and writes S3 as part of what it does (a pipeline definition it reads, the output
of an asynchronous invocation it writes). sagemock does the same with a boto3 S3 client of its own,
so that an S3 mock in the process (moto's `mock_aws`) answers. The client's last `before-send`
handler answers every request itself: it is reached only when no S3 mock took the request, so
nothing is ever sent on the wire, and the caller learns that nothing serves S3 (`NothingServesS3`).
"""
from __future__ import annotations

import functools
import io
import sys
from typing import Any

NOTHING_SERVES_S3 = "SagemockNothingServesS3"


class NothingServesS3(Exception):
    """No S3 mock answered: the test runs without one."""


class S3Error(Exception):
    """What the S3 mock answered instead of the object (its code and message)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _nothing_serves_s3(request: Any, **_kwargs: Any) -> Any:
    """The last `before-send` handler of sagemock's S3 client: answers a request no S3 mock took."""
    from botocore.awsrequest import AWSResponse

    body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{NOTHING_SERVES_S3}</Code>"
            "<Message>No S3 mock answered this request.</Message></Error>").encode()
    response = AWSResponse(request.url, 400, {"Content-Type": "application/xml"}, io.BytesIO(body))
    response._content = body
    return response


def client(region: str) -> Any:
    """sagemock's S3 client for `region`, made once (a new client costs tens of milliseconds).

    An S3 mock answers through a handler every client made after its import carries (moto's
    `mock_aws` registers its stubber among botocore's built-in handlers), so the client is made
    again once moto is imported: one made before would never reach it.
    """
    return _client(region, "moto.core.models" in sys.modules)


@functools.cache
def _client(region: str, _moto_imported: bool) -> Any:
    import boto3
    from botocore.config import Config

    # The SageMaker request's credentials are not at hand: S3 mocks accept any.
    session = boto3.session.Session(aws_access_key_id="sagemock", aws_secret_access_key="sagemock",
                                    region_name=region)
    made = session.client("s3", config=Config(retries={"total_max_attempts": 1}))
    made.meta.events.register_last("before-send", _nothing_serves_s3)
    return made


def call(s3_client: Any, method: str, **request: Any) -> Any:
    """A request through `s3_client`; `NothingServesS3` or `S3Error` when nothing or an error answers."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return getattr(s3_client, method)(**request)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == NOTHING_SERVES_S3:
            raise NothingServesS3() from None
        raise S3Error(code, error.response.get("Error", {}).get("Message", "")) from None
    except BotoCoreError as error:
        raise S3Error(type(error).__name__, str(error)) from None


def get(bucket: str, key: str, region: str, version_id: str | None = None) -> bytes:
    """An object's bytes; `NothingServesS3` or `S3Error` when it cannot be read."""
    request = {"Bucket": bucket, "Key": key}
    if version_id:
        request["VersionId"] = version_id
    body: bytes = call(client(region), "get_object", **request)["Body"].read()
    return body


def put(bucket: str, key: str, body: bytes, region: str, content_type: str | None = None) -> None:
    """Write an object; `NothingServesS3` or `S3Error` when it cannot be written."""
    request: dict[str, Any] = {"Bucket": bucket, "Key": key, "Body": body}
    if content_type:
        request["ContentType"] = content_type
    call(client(region), "put_object", **request)


def split(uri: str) -> tuple[str, str]:
    """(bucket, key) of an `s3://bucket/key` URI (or an `https://bucket.s3...` one's path)."""
    rest = uri.split("://", 1)[-1]
    bucket, _, key = rest.partition("/")
    if uri.startswith("https://"):
        bucket = bucket.split(".", 1)[0]
    return bucket, key
