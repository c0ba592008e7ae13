"""The server's HTTP side under clients that misbehave: every request gets an answer in AWS's
JSON error form, or none at all; none is run unless it arrived whole; nothing wedges it.

Each test here reproduces one of the defects of issue 16 against a real server (a `sagemock
server` process, or a `ThreadedServer` where the test has to look inside).
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import struct
import time
from typing import Any

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

import sagemock.server
from sagemock.server import ThreadedServer, _HTTPServer

from .server_process import ServerProcess

GROUP = "SageMaker.CreateModelPackageGroup"
#: The request-size limit docs/server.md states.
LIMIT = 16 * 1024 * 1024


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def exchange(port: int, request: bytes, *, half_close: bool = False, timeout: float = 10) -> bytes:
    """Send raw bytes, then read until the server closes or the answer is whole."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> bytes:
    received = b""
    while True:
        try:
            piece = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            return received
        if not piece:
            return received
        received += piece
        head, separator, body = received.partition(b"\r\n\r\n")
        if separator:
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), None)
            if length is not None and len(body) >= length:
                return received


def parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def post(target: str, body: bytes, path: str = "/", extra: str = "") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {target}\r\n"
            f"Content-Type: application/x-amz-json-1.1\r\nContent-Length: {len(body)}\r\n{extra}\r\n").encode() + body


def assert_aws_error(answer: bytes, status: int, code: str) -> dict[str, Any]:
    got, headers, body = parse(answer)
    assert got == status, answer[:300]
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert headers["x-amzn-requestid"]
    payload = json.loads(body)
    assert payload["__type"] == code, payload
    return payload


def group_names(server: ServerProcess) -> list[str]:
    return sorted(g["ModelPackageGroupName"]
                  for g in server.client().list_model_package_groups()["ModelPackageGroupSummaryList"])


@pytest.fixture(scope="module")
def server():
    with ServerProcess() as running:
        yield running


# -- 3. the listen backlog and idle connections --------------------------------------------------


def test_a_burst_of_new_connections_waits_in_the_queue_instead_of_being_dropped():
    """With the default backlog of 5, the sixth simultaneous connection's SYN is dropped and the
    client retries a second later. The kernel queues connections while the process accepts none
    (here: stopped), so the queue's length is exactly what this measures."""
    with ServerProcess() as server:
        assert server.process is not None
        port = port_of(server.url)
        os.kill(server.process.pid, signal.SIGSTOP)
        sockets: list[socket.socket] = []
        try:
            for _ in range(64):
                sockets.append(socket.create_connection(("127.0.0.1", port), timeout=0.5))
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        try:
            for sock in sockets:
                sock.settimeout(10)
                sock.sendall(b"GET /_sagemock/health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert {parse(read_answer(sock))[0] for sock in sockets} == {200}
        finally:
            for sock in sockets:
                sock.close()


def test_an_idle_keep_alive_connection_is_closed_and_frees_its_thread():
    with ThreadedServer(idle_timeout=0.3) as srv:
        sock = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        sock.sendall(b"GET /_sagemock/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert parse(read_answer(sock))[0] == 200  # kept alive: the server waits for the next request
        started = time.monotonic()
        assert sock.recv(1) == b""  # ... until it has waited idle_timeout, then closes
        assert 0.2 < time.monotonic() - started < 3
        connections = srv._httpd._connections  # the handler threads the server knows
        deadline = time.monotonic() + 3
        while connections and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not connections
        sock.close()


# -- 5. bodies that do not arrive whole ---------------------------------------------------------------


def test_a_body_shorter_than_its_content_length_is_refused_and_not_run(server):
    body = b'{"ModelPackageGroupName": "cut"}'
    request = post(GROUP, body).replace(f"Content-Length: {len(body)}".encode(), b"Content-Length: 200")
    answer = exchange(port_of(server.url), request, half_close=True)
    payload = assert_aws_error(answer, 400, "SerializationException")
    assert "200" in payload["message"]
    assert "cut" not in group_names(server)


def test_a_stopping_server_reads_the_rest_of_a_body_it_began_instead_of_refusing_it(tmp_path):
    state = tmp_path / "state.json"
    server = ServerProcess("--state-file", state).start()
    assert server.process is not None
    body = b'{"ModelPackageGroupName": "late"}'
    sock = socket.create_connection(("127.0.0.1", port_of(server.url)), timeout=10)
    sock.sendall(post(GROUP, body)[:-10])  # all but the last ten bytes of the body
    time.sleep(0.3)
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.5)  # the server is stopping now, with this request begun
    try:
        sock.sendall(body[-10:])
    except OSError:
        pass
    answer = read_answer(sock)
    sock.close()
    code, err = server.wait()
    assert code == 0, err
    if answer:  # finished: answered, and durable
        status, headers, _ = parse(answer)
        assert status == 200, answer
        assert headers["connection"] == "close"
        with ServerProcess("--state-file", state) as restarted:
            assert "late" in group_names(restarted)
    # (else closed without an answer: never a refusal of a request the client sent whole)


# -- 7. bad input: a 4xx in AWS's form, never a 500 or silence ----------------------------------------


def test_json_nested_100000_deep_is_a_serialization_error(server):
    body = b"[" * 100_000 + b"]" * 100_000
    payload = assert_aws_error(exchange(port_of(server.url), post("SageMaker.ListModelPackageGroups", body)),
                               400, "SerializationException")
    assert "nested" in payload["message"]


def test_a_search_expression_400_deep_is_refused_as_bad_input(server):
    expression: dict[str, Any] = {"Filters": [{"Name": "ModelPackageGroupName", "Operator": "Equals", "Value": "x"}]}
    for _ in range(400):
        expression = {"SubExpressions": [expression]}
    body = json.dumps({"Resource": "ModelPackageGroup", "SearchExpression": expression}).encode()
    status, _, _ = parse(exchange(port_of(server.url), post("SageMaker.Search", body)))
    assert status == 400


def test_a_snake_case_target_is_an_unknown_operation(server):
    answer = exchange(port_of(server.url), post("SageMaker.list_model_package_groups", b"{}"))
    payload = assert_aws_error(answer, 400, "UnknownOperationException")
    assert "list_model_package_groups" in payload["message"]


@pytest.mark.parametrize("framing", ["Content-Length: 1000000000000\r\n", "Transfer-Encoding: chunked\r\n"])
def test_a_body_announced_beyond_the_limit_is_refused_at_once(server, framing):
    request = (f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {GROUP}\r\n{framing}\r\n").encode()
    if "chunked" in framing:
        request += b"ffffffffffff\r\n"
    payload = assert_aws_error(exchange(port_of(server.url), request, timeout=10), 413,
                               "RequestEntityTooLargeException")
    assert str(LIMIT) in payload["message"]
    assert group_names(server) is not None  # still serving


def test_a_body_just_over_the_limit_is_refused_and_one_at_it_is_read(server):
    assert getattr(sagemock.server, "MAX_REQUEST_BYTES", None) == LIMIT
    too_big = b'{"ModelPackageGroupName": "big", "x": "' + b"a" * LIMIT + b'"}'
    assert_aws_error(exchange(port_of(server.url), post(GROUP, too_big), timeout=30), 413,
                     "RequestEntityTooLargeException")
    filler = LIMIT - len(b'{"ModelPackageGroupName": "big", "x": ""}')
    at_limit = b'{"ModelPackageGroupName": "big", "x": "' + b"a" * filler + b'"}'
    assert len(at_limit) == LIMIT
    status, _, _ = parse(exchange(port_of(server.url), post(GROUP, at_limit), timeout=30))
    assert status == 200
    assert "big" in group_names(server)


# -- 10. other methods, long lines, other paths: JSON, and as documented --------------------------------


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "TRACE", "CONNECT", "BREW"])
def test_other_methods_get_a_json_405(server, method):
    answer = exchange(port_of(server.url), f"{method} / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    status, headers, body = parse(answer)
    assert status == 405 and headers["content-type"] == "application/x-amz-json-1.1"
    if method == "HEAD":
        assert body == b"" and int(headers["content-length"]) > 0  # the length of the body GET would get
    else:
        assert json.loads(body)["__type"] == "UnknownOperationException"


def test_an_over_long_request_line_gets_a_json_414(server):
    answer = exchange(port_of(server.url), b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_aws_error(answer, 414, "RequestURITooLongException")


def test_an_over_long_header_line_gets_a_json_431(server):
    answer = exchange(port_of(server.url), b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n")
    assert_aws_error(answer, 431, "RequestHeaderFieldsTooLargeException")


def test_an_operation_posted_to_another_path_is_404_and_not_run(server):
    answer = exchange(port_of(server.url), post(GROUP, b'{"ModelPackageGroupName": "elsewhere"}', path="/other"))
    payload = assert_aws_error(answer, 404, "UnknownOperationException")
    assert "/other" in payload["message"]
    assert "elsewhere" not in group_names(server)


@pytest.mark.parametrize(("method", "path"), [("GET", "/_sagemock/reset"), ("GET", "/_sagemock/restore")])
def test_a_known_admin_path_with_another_method_is_405_as_documented(server, method, path):
    answer = exchange(port_of(server.url), f"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    payload = assert_aws_error(answer, 405, "UnknownOperationException")
    assert "POST" in payload["message"]


# -- 11. an answer cut in the middle never reads as a success ------------------------------------------


class _CutAfterFirstWrite:
    """A connection whose server dies after its first write of an answer (as a `kill -9` would
    leave it): the client gets that write and then the connection closes."""

    def __init__(self, sock: socket.socket, writes: list[bytes]):
        self._sock = sock
        self._writes = writes

    def sendall(self, data: bytes) -> None:
        self._writes.append(bytes(data))
        self._sock.sendall(data)
        if len(self._writes) == 1:
            self._sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError("the server died here")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def test_a_connection_cut_after_the_first_write_never_gives_boto3_a_success_without_its_answer(monkeypatch):
    writes: list[bytes] = []
    get_request = _HTTPServer.get_request

    def cut(self: _HTTPServer) -> tuple[Any, Any]:
        sock, address = get_request(self)
        return _CutAfterFirstWrite(sock, writes), address

    monkeypatch.setattr(_HTTPServer, "get_request", cut)
    with ThreadedServer() as srv:
        client = boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1",
                              aws_access_key_id="a", aws_secret_access_key="b",
                              config=botocore.config.Config(retries={"max_attempts": 0}))
        try:
            answer = client.create_model_package_group(ModelPackageGroupName="g")
        except Exception:  # noqa: BLE001 (a failure the client can see is what a cut should give)
            answer = None
    assert writes, "the server wrote nothing"
    assert writes[0].startswith(b"HTTP/1.1 200") and writes[0].endswith(b'model-package-group/g"}')
    if answer is not None:
        assert answer["ModelPackageGroupArn"].endswith("/g")


# -- 14. a client that goes away is one line, not a traceback ------------------------------------------


def reset_connections(port: int, count: int = 5) -> None:
    """Clients that send a request and reset the connection (SO_LINGER 0) before the answer."""
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(post("SageMaker.ListModelPackageGroups", b"{}"))
        sock.close()
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        time.sleep(0.05)
        sock.close()
    time.sleep(0.3)


def test_clients_that_go_away_print_no_traceback():
    with ServerProcess() as server:
        reset_connections(port_of(server.url))
        assert group_names(server) == []  # still serving
        code, err = server.stop()
    assert code == 0
    assert "Traceback" not in err and "Exception occurred" not in err, err


def test_with_verbose_logging_a_client_that_went_away_is_one_line():
    with ServerProcess("-v") as server:
        reset_connections(port_of(server.url), count=1)
        code, err = server.stop()
    assert code == 0
    assert "Traceback" not in err
    gone = [line for line in err.splitlines() if "went away" in line]
    assert gone and all("Error" in line for line in gone), err


# -- lone surrogates over the wire (4) -------------------------------------------------------------------


def test_a_lone_surrogate_is_a_validation_exception_and_is_never_stored(tmp_path):
    state = tmp_path / "state.json"
    with ServerProcess("--state-file", state) as server:
        client = server.client(retries={"max_attempts": 0})
        client.create_model_package_group(ModelPackageGroupName="g")
        with pytest.raises(ClientError) as refused:
            client.create_model_package_group(ModelPackageGroupName="h", ModelPackageGroupDescription="caf\udcff")
        error = refused.value.response
        assert error["Error"]["Code"] == "ValidationException"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert "modelPackageGroupDescription" in error["Error"]["Message"]
        assert "\\udcff" in error["Error"]["Message"]
        assert group_names(server) == ["g"]
    with ServerProcess("--state-file", state) as restarted:
        assert restarted.client().describe_model_package_group(ModelPackageGroupName="g")["ModelPackageGroupName"] == "g"


def test_http_client_sees_health_over_a_kept_alive_connection(server):
    """(The ordinary path still works after the changes above: keep-alive, one answer per request.)"""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(server.url), timeout=10)
    for _ in range(3):
        connection.request("GET", "/_sagemock/health")
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["status"] == "ok"
    connection.close()


# -- 8. hostile snapshots over HTTP -------------------------------------------------------------------


def test_a_hostile_snapshot_posted_to_restore_is_a_validation_exception_and_changes_nothing(server):
    from .core.test_snapshot import HOSTILE, sample_document

    client = server.client()
    client.create_model_package_group(ModelPackageGroupName="kept")
    for name in ("a table entry that is not a document", "a time that is a string", "a list that contains itself"):
        document = sample_document()
        HOSTILE[name](document["stores"][0])
        body = json.dumps(document).encode()
        answer = exchange(port_of(server.url), post("-", body, path="/_sagemock/restore"))
        assert_aws_error(answer, 400, "ValidationException")
        assert "kept" in group_names(server)
    client.delete_model_package_group(ModelPackageGroupName="kept")
