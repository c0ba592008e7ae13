"""The standalone server: real loopback HTTP into the same pipeline as the in-process mock."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import botocore
import botocore.config
import pytest
from botocore.exceptions import ClientError

import sagemock
from sagemock.core import backend, intercept, service, snapshot
from sagemock.mock import defaults
from sagemock.server import ThreadedServer


def client_for(srv: ThreadedServer, access_key: str = "testing", **config: Any) -> Any:
    return boto3.client(
        "sagemaker",
        endpoint_url=srv.url,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key="testing",
        config=botocore.config.Config(**config) if config else None,
    )


def raw(srv: ThreadedServer, method: str, path: str = "/", body: bytes | None = None,
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    """One plain HTTP request, as a non-boto3 client would send it."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), json.loads(data) if data else None
    finally:
        conn.close()


@pytest.fixture
def srv() -> Iterator[ThreadedServer]:
    with ThreadedServer() as server:
        yield server
    assert not server.running


@pytest.fixture
def sm(srv: ThreadedServer) -> Any:
    return client_for(srv)


def test_binds_loopback_on_a_free_port(srv):
    assert srv.url == f"http://127.0.0.1:{srv.port}"
    assert srv.port != 0


def test_strict_defaults_to_the_process_default(srv):
    assert srv.config.strict is defaults["strict"] is True
    assert ThreadedServer(strict=False).config.strict is False


def test_bad_configuration_fails_at_construction():
    with pytest.raises(ValueError, match="twelve digits"):
        ThreadedServer(account_id="123")
    with pytest.raises(ValueError, match="transitions"):
        ThreadedServer(transitions="later")


def test_model_package_group_round_trip(sm):
    arn = sm.create_model_package_group(ModelPackageGroupName="g", ModelPackageGroupDescription="d")[
        "ModelPackageGroupArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g"
    described = sm.describe_model_package_group(ModelPackageGroupName="g")
    assert described["ModelPackageGroupArn"] == arn
    assert described["ModelPackageGroupDescription"] == "d"
    assert isinstance(described["CreationTime"], dt.datetime)
    assert described["CreationTime"].tzinfo is not None


def test_twelve_digit_access_key_selects_the_account(srv):
    other = client_for(srv, access_key="210987654321")
    arn = other.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:210987654321:model-package-group/g"
    # The default account's store is a different one.
    with pytest.raises(ClientError):
        client_for(srv).describe_model_package_group(ModelPackageGroupName="g")


def test_region_comes_from_the_signature(srv):
    west = boto3.client("sagemaker", endpoint_url=srv.url, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")
    arn = west.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"]
    assert arn.startswith("arn:aws:sagemaker:eu-west-1:")


def test_service_error_arrives_as_client_error(sm):
    with pytest.raises(ClientError) as caught:
        sm.describe_model_package_group(ModelPackageGroupName="missing")
    error = caught.value.response
    assert error["Error"]["Code"] == "ValidationException"
    assert "missing" in error["Error"]["Message"]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["ResponseMetadata"]["RequestId"]


def test_validation_error_leaves_state_untouched(sm):
    with pytest.raises(ClientError) as caught:
        sm.create_model_package_group(ModelPackageGroupName="not valid!")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert sm.list_model_package_groups()["ModelPackageGroupSummaryList"] == []


def test_unimplemented_operation_names_itself(srv):
    # An unimplemented operation taking no required member, computed: families keep being added.
    unimplemented = next(op for op in sorted(set(service.operation_names()) - set(backend.implemented()))
                         if not service.operation(op).input_shape or not service.operation(op).input_shape.required_members)
    sm = client_for(srv, retries={"max_attempts": 1, "mode": "standard"})
    method = getattr(sm, botocore.xform_name(unimplemented))
    with pytest.raises(ClientError) as caught:
        method()
    error = caught.value.response
    assert error["Error"]["Code"] == "NotImplemented"
    assert unimplemented in error["Error"]["Message"]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_concurrent_clients_lose_no_writes(srv, sm):
    sm.create_model_package_group(ModelPackageGroupName="shared")
    errors: list[BaseException] = []

    inference = {"Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"}],
                 "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}

    def worker(client: Any) -> None:
        try:
            for _ in range(10):
                client.create_model_package(ModelPackageGroupName="shared", InferenceSpecification=inference)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    # One client per thread, each with its own connections; made here because creating clients
    # from boto3's default session is not thread-safe.
    threads = [threading.Thread(target=worker, args=(client_for(srv),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    versions = []
    for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName="shared"):
        versions += [summary["ModelPackageVersion"] for summary in page["ModelPackageSummaryList"]]
    assert sorted(versions) == list(range(1, 41))


def test_reset_forgets_everything(srv, sm):
    sm.create_model_package_group(ModelPackageGroupName="g")
    status, _, body = raw(srv, "POST", "/_sagemock/reset")
    assert (status, body) == (200, {"status": "reset"})
    assert sm.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    # The configuration stays.
    assert sm.create_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupArn"].endswith("/g")


def test_reset_from_python(srv, sm):
    sm.create_model_package_group(ModelPackageGroupName="g")
    srv.reset()
    assert sm.list_model_package_groups()["ModelPackageGroupSummaryList"] == []


@pytest.mark.parametrize("path", ["/", "/_sagemock/health"])
def test_health(srv, path):
    status, headers, body = raw(srv, "GET", path)
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body == {"status": "ok", "version": sagemock.__version__, "implemented": len(backend.implemented())}


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/nothing", 404), ("POST", "/_sagemock/nothing", 404), ("POST", "/_sagemock/health", 405),
    ("PUT", "/", 405), ("DELETE", "/_sagemock/reset", 405)])
def test_unknown_paths_answer_in_aws_error_form(srv, method, path, status):
    answered, headers, body = raw(srv, method, path, b"{}" if method != "GET" else None)
    assert answered == status
    assert body["__type"] == "UnknownOperationException" and path in body["message"]
    assert headers["x-amzn-RequestId"] and headers["Content-Type"] == "application/x-amz-json-1.1"


def test_snapshot_and_restore_over_http(srv, sm):
    arn = sm.create_model_package_group(ModelPackageGroupName="kept", Tags=[{"Key": "team", "Value": "a"}])[
        "ModelPackageGroupArn"]
    status, _, document = raw(srv, "GET", "/_sagemock/snapshot")
    assert status == 200 and document["format"] == "sagemock-state" and document["version"] == snapshot.VERSION
    sm.delete_model_package_group(ModelPackageGroupName="kept")
    sm.create_model_package_group(ModelPackageGroupName="dropped")

    status, _, body = raw(srv, "POST", "/_sagemock/restore", json.dumps(document).encode())
    assert (status, body) == (200, {"status": "restored"})
    names = [g["ModelPackageGroupName"] for g in sm.list_model_package_groups()["ModelPackageGroupSummaryList"]]
    assert names == ["kept"]
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    # The same document restores into another server (another process could hold it).
    with ThreadedServer() as other:
        other.restore(document)
        assert client_for(other).describe_model_package_group(ModelPackageGroupName="kept")["ModelPackageGroupArn"] == arn


@pytest.mark.parametrize(("body", "code"), [
    (b"{not json", "SerializationException"),
    (b'{"format": "something-else"}', "ValidationException"),
    (b'{"format": "sagemock-state", "version": 99, "stores": [], "objects": []}', "ValidationException")])
def test_a_bad_restore_is_refused_and_changes_nothing(srv, sm, body, code):
    sm.create_model_package_group(ModelPackageGroupName="kept")
    status, _, answer = raw(srv, "POST", "/_sagemock/restore", body)
    assert status == 400 and answer["__type"] == code
    assert [g["ModelPackageGroupName"] for g in sm.list_model_package_groups()["ModelPackageGroupSummaryList"]] == [
        "kept"]


@pytest.mark.parametrize("target", [None, "AmazonS3.ListBuckets", "SageMaker"])
def test_request_without_a_sagemaker_target_is_rejected(srv, target):
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    if target:
        headers["X-Amz-Target"] = target
    status, response_headers, body = raw(srv, "POST", "/", b"{}", headers)
    assert status == 400
    assert body["__type"] == "UnknownOperationException"
    assert "SageMaker.<Operation>" in body["message"]
    assert response_headers["x-amzn-RequestId"]


def test_unknown_sagemaker_operation(srv):
    status, _, body = raw(srv, "POST", "/", b"{}", {"X-Amz-Target": "SageMaker.MakeCoffee"})
    assert status == 400
    assert body["__type"] == "UnknownOperationException"


def test_malformed_body_is_a_serialization_error(srv):
    status, headers, body = raw(srv, "POST", "/", b"{not json", {"X-Amz-Target": "SageMaker.ListModelPackageGroups"})
    assert status == 400
    assert body["__type"] == "SerializationException"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"


def test_unsigned_request_uses_the_configured_account_and_region():
    with ThreadedServer(account_id="111122223333", region="ap-south-1") as server:
        status, _, body = raw(server, "POST", "/", json.dumps({"ModelPackageGroupName": "u"}).encode(),
                              {"X-Amz-Target": "SageMaker.CreateModelPackageGroup",
                               "Content-Type": "application/x-amz-json-1.1"})
    assert status == 200
    assert body["ModelPackageGroupArn"] == "arn:aws:sagemaker:ap-south-1:111122223333:model-package-group/u"


def test_chunked_request_body(srv):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        conn.request("POST", "/", body=iter([b'{"ModelPackageGroupName"', b': "chunked"}']),
                     headers={"X-Amz-Target": "SageMaker.CreateModelPackageGroup"}, encode_chunked=True)
        response = conn.getresponse()
        assert response.status == 200, response.read()
        assert json.loads(response.read())["ModelPackageGroupArn"].endswith("/chunked")
    finally:
        conn.close()


def test_requests_travel_over_real_http(srv, sm):
    """The answer comes from the server over loopback, not from an in-process interception."""
    seen: list[list[Any]] = []
    sm.meta.events.register("before-send.sagemaker", lambda **_: seen.append(list(intercept.active)))
    response = sm.create_model_package_group(ModelPackageGroupName="wire")
    assert seen == [[]]  # no in-process mock was active during the call
    assert response["ResponseMetadata"]["HTTPHeaders"]["server"].startswith("sagemock")
    # The server's own state holds it; reachable by a second, independent client.
    assert client_for(srv).describe_model_package_group(ModelPackageGroupName="wire")["ModelPackageGroupName"] == "wire"
    assert list(srv.state.stores) == [("123456789012", "us-east-1")]


def test_servers_are_independent():
    with ThreadedServer() as one, ThreadedServer() as two:
        client_for(one).create_model_package_group(ModelPackageGroupName="only-one")
        assert client_for(two).list_model_package_groups()["ModelPackageGroupSummaryList"] == []


def test_stop_closes_keep_alive_connections_and_frees_the_port():
    server = ThreadedServer().start()
    sm = client_for(server)
    sm.list_model_package_groups()  # leaves a pooled keep-alive connection open
    port = server.port
    server.stop()
    server.stop()  # idempotent
    assert not server.running
    assert not [t for t in threading.enumerate() if t.name == f"sagemock-server-{port}"]
    # Nothing listens any more.
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")
    # The same Server object cannot be used before it starts again.
    with pytest.raises(RuntimeError):
        _ = server.url


def test_an_internal_failure_is_a_500_naming_it(srv, monkeypatch, caplog):
    """A sagemock bug (or a strict-mode ShapeError) answers loudly instead of dropping the connection."""
    def broken(*_args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("sagemock.server.dispatch.handle", broken)
    status, _, body = raw(srv, "POST", "/", b"{}", {"X-Amz-Target": "SageMaker.ListModelPackageGroups"})
    assert status == 500
    assert body["__type"] == "InternalFailure"
    assert "RuntimeError: boom" in body["message"]
    assert "SageMaker.ListModelPackageGroups" in caplog.text


@pytest.mark.parametrize("headers, body", [
    ({"Content-Length": "abc"}, b""),
    ({"Transfer-Encoding": "chunked"}, b"zz\r\n"),
])
def test_an_unreadable_body_is_a_serialization_error(srv, headers, body):
    connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    connection.putrequest("POST", "/")
    connection.putheader("X-Amz-Target", "SageMaker.ListModelPackageGroups")
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(body)
    response = connection.getresponse()
    assert response.status == 400
    assert json.loads(response.read())["__type"] == "SerializationException"
    connection.close()


def test_a_timestamp_out_of_range_is_a_client_error(srv):
    status, _, payload = raw(srv, "POST", "/", json.dumps({"CreationTimeAfter": 1e300}).encode(),
                             {"X-Amz-Target": "SageMaker.ListModelPackageGroups"})
    assert status == 400
    assert payload["__type"] == "SerializationException"
