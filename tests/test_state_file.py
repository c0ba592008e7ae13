"""The server's state file: loaded at start, saved before each write is answered, whichever its
medium (an SQLite database for a new file, a JSON snapshot for a file that holds one)."""
from __future__ import annotations

import errno
import http.client
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from sagemock.server import ThreadedServer
from sagemock.state_file import StateFileError

from .server_process import MEDIA, ServerProcess, new_state_file, saved_keys

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"


def client(srv: ThreadedServer):
    return boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def saved_groups(path: Path) -> list[str]:
    return saved_keys(path, "Registry", "groups")


@pytest.fixture(params=MEDIA)
def medium(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_new_file_is_an_sqlite_database_and_a_json_snapshot_stays_one(tmp_path):
    new, old = tmp_path / "state.db", new_state_file(tmp_path, "json")
    for path in (new, old):
        with ThreadedServer(state_file=path) as srv:
            client(srv).create_model_package_group(ModelPackageGroupName="a")
    assert new.read_bytes().startswith(b"SQLite format 3\x00")
    assert json.loads(old.read_text(encoding="utf-8"))["format"] == "sagemock-state"
    assert saved_groups(new) == saved_groups(old) == ["a"]


def test_the_file_exists_from_the_start_and_holds_each_write_when_it_is_answered(tmp_path, medium):
    path = new_state_file(tmp_path, medium)
    with ThreadedServer(state_file=path) as srv:
        assert saved_groups(path) == []
        c = client(srv)
        for name in ("a", "b", "c"):
            c.create_model_package_group(ModelPackageGroupName=name)
            assert name in saved_groups(path)  # on disk before the answer arrived
        c.delete_model_package_group(ModelPackageGroupName="b")
        assert saved_groups(path) == ["a", "c"]


def test_reads_and_refused_writes_do_not_save(tmp_path, medium):
    with ThreadedServer(state_file=new_state_file(tmp_path, medium)) as srv:
        c = client(srv)
        c.create_model_package_group(ModelPackageGroupName="a")
        saves = srv.state_file.saves
        c.describe_model_package_group(ModelPackageGroupName="a")
        c.list_model_package_groups()
        with pytest.raises(c.exceptions.ClientError):
            c.create_model_package_group(ModelPackageGroupName="a")
        assert srv.state_file.saves == saves


def test_reset_and_restore_are_saved(tmp_path, medium):
    path = new_state_file(tmp_path, medium)
    with ThreadedServer(state_file=path) as srv:
        c = client(srv)
        c.create_model_package_group(ModelPackageGroupName="a")
        document = srv.snapshot()
        srv.reset()
        assert saved_groups(path) == []
        srv.restore(document)
        assert saved_groups(path) == ["a"]


def test_a_restart_continues_from_the_file(tmp_path, medium):
    path = new_state_file(tmp_path, medium)
    with ThreadedServer(state_file=path) as srv:
        client(srv).create_model_package_group(ModelPackageGroupName="a")
    with ThreadedServer(state_file=path) as srv:
        c = client(srv)
        assert c.describe_model_package_group(ModelPackageGroupName="a")["ModelPackageGroupName"] == "a"
        c.create_model_package_group(ModelPackageGroupName="b")
    assert saved_groups(path) == ["a", "b"]


@pytest.mark.parametrize("content", ["", "{", '{"format": "other"}',
                                     '{"format": "sagemock-state", "version": 7, "stores": []}'])
def test_a_file_that_cannot_be_restored_is_an_error_and_left_alone(tmp_path, content):
    path = tmp_path / "state.json"
    path.write_text(content, encoding="utf-8")
    srv = ThreadedServer(state_file=path)
    with pytest.raises(StateFileError, match="is not a sagemock snapshot this version can restore"):
        srv.start()
    assert not srv.running
    assert path.read_text(encoding="utf-8") == content


def test_a_missing_directory_is_an_error(tmp_path):
    srv = ThreadedServer(state_file=tmp_path / "nowhere" / "state.json")
    with pytest.raises(StateFileError, match="directory does not exist"):
        srv.start()
    assert not srv.running


def test_temporary_files_of_an_interrupted_save_are_removed(tmp_path):
    path = new_state_file(tmp_path, "json")
    leftover = tmp_path / ".state.json.abc123.tmp"
    leftover.write_text('{"half', encoding="utf-8")
    unrelated = tmp_path / ".other.json.abc123.tmp"
    unrelated.write_text("x", encoding="utf-8")
    with ThreadedServer(state_file=path):
        pass
    assert not leftover.exists() and unrelated.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.json.abc123.tmp", "state.json", "state.json.lock"]


# -- issue 16: durability when things go wrong ----------------------------------------------------

DEEP_DEFINITION = '{"Version": "2020-12-01", "Steps": [], "Metadata": ' + "[" * 600 + "]" * 600 + "}"
ROLE = "arn:aws:iam::123456789012:role/pipelines"
CYCLE = {"$id": 1, "$list": [{"$ref": 1}]}


def post_raw(url: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    host, port = url.split("//", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("POST", path, body=body)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def get_raw(url: str, path: str) -> tuple[int, Any]:
    host, port = url.split("//", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def names(client) -> list[str]:
    return sorted(g["ModelPackageGroupName"] for g in client.list_model_package_groups()["ModelPackageGroupSummaryList"])


def test_a_pipeline_whose_definition_nests_600_deep_is_saved_and_nothing_wedges(tmp_path, medium):
    """Defect 1: the definition is a string; that it holds deep JSON must not stop the server."""
    state = new_state_file(tmp_path, medium)
    with ServerProcess("--state-file", state) as server:
        c = server.client(retries={"max_attempts": 0}, read_timeout=20)
        arn = c.create_pipeline(PipelineName="deep", PipelineDefinition=DEEP_DEFINITION, RoleArn=ROLE)["PipelineArn"]
        c.create_model_package_group(ModelPackageGroupName="after")  # the next write is answered
        status, document = get_raw(server.url, "/_sagemock/snapshot")
        assert status == 200 and document["format"] == "sagemock-state"
        code, err = server.stop()
    assert code == 0, err
    with ServerProcess("--state-file", state) as restarted:
        c = restarted.client()
        assert c.describe_pipeline(PipelineName="deep")["PipelineArn"] == arn
        assert c.describe_pipeline(PipelineName="deep")["PipelineDefinition"] == DEEP_DEFINITION
        assert names(c) == ["after"]


@pytest.mark.parametrize("attribute", [("Registry", "next_version"), ("Registry", "policies")])
def test_a_restore_document_with_a_cycle_is_refused_and_nothing_wedges(tmp_path, attribute):
    """Defect 1: a 250-byte document holding a list that contains itself."""
    family, name = attribute
    document = {"format": "sagemock-state", "version": 1, "stores": [{
        "account": "123456789012", "region": "us-east-1", "families": {family: {name: {"g": CYCLE}}},
        "resources": {}, "folded": {}, "taggable": {"$set": []}, "tags": {}, "idempotency": {}}]}
    with ServerProcess("--state-file", tmp_path / "state.json") as server:
        c = server.client(retries={"max_attempts": 0}, read_timeout=20)
        c.create_model_package_group(ModelPackageGroupName="kept")
        status, answer = post_raw(server.url, "/_sagemock/restore", json.dumps(document).encode())
        assert status == 400 and answer["__type"] == "ValidationException"
        assert "contains itself" in answer["message"]
        c.create_model_package_group(ModelPackageGroupName="after")
        assert names(c) == ["after", "kept"]
        assert get_raw(server.url, "/_sagemock/snapshot")[0] == 200
        code, err = server.stop()
    assert code == 0, err


def test_a_restore_document_nested_100000_deep_is_refused(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    body = ('{"format": "sagemock-state", "version": 1, "stores": [{"account": "123456789012", "region": '
            '"us-east-1", "families": {"Registry": {"policies": {"g": ' + deep + '}}}, "resources": {}, "folded": {}, '
            '"taggable": {"$set": []}, "tags": {}, "idempotency": {}}]}')
    with ServerProcess("--state-file", tmp_path / "state.json") as server:
        server.client().create_model_package_group(ModelPackageGroupName="kept")
        status, answer = post_raw(server.url, "/_sagemock/restore", body.encode())
        assert status == 400 and answer["__type"] == "ValidationException"
        assert "nested deeper" in answer["message"]
        assert names(server.client()) == ["kept"]


def limit_file_size(pid: int, size: int | None) -> None:
    """Make writes of the server process fail past `size` bytes (EFBIG), as a full disk does."""
    resource = pytest.importorskip("resource")
    if not hasattr(resource, "prlimit"):
        pytest.skip("needs prlimit (Linux)")
    _soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY if size is None else size, hard))


def test_a_write_that_cannot_be_saved_is_undone_and_the_server_recovers_with_the_disk(tmp_path, medium):
    """Defect 2: a full disk. The refused writes are neither visible nor kept; when the disk has
    room again, writes succeed again without a restart."""
    state = new_state_file(tmp_path, medium)
    server = ServerProcess("--state-file", state).start()
    assert server.process is not None
    try:
        c = server.client(retries={"max_attempts": 0}, read_timeout=20)
        c.create_model_package_group(ModelPackageGroupName="before")
        grown = [path.stat().st_size for path in tmp_path.iterdir() if path.name.startswith(state.name)]
        limit_file_size(server.process.pid, max(grown))  # a save that grows a file fails
        for index in range(5):
            with pytest.raises(ClientError) as refused:
                c.create_model_package_group(ModelPackageGroupName=f"lost-{index}")
            assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
            assert "undone" in refused.value.response["Error"]["Message"]
            assert names(c) == ["before"]  # not visible
        limit_file_size(server.process.pid, None)  # the disk has room again
        c.create_model_package_group(ModelPackageGroupName="after")
        assert names(c) == ["after", "before"]
    finally:
        server.stop(signal.SIGKILL)
    with ServerProcess("--state-file", state) as restarted:
        assert names(restarted.client()) == ["after", "before"]


class StalledSaves:
    """`os.replace`, which publishes a save, held until released, then failing (a disk that
    fills up while a save is being written)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()
        self._replace = os.replace
        monkeypatch.setattr(os, "replace", self.replace)

    def replace(self, source: Any, target: Any) -> None:
        if self.armed and str(target).endswith("state.json"):
            self.armed = False
            self.entered.set()
            self.release.wait(10)
            raise OSError(errno.ENOSPC, "No space left on device")
        self._replace(source, target)


class StalledCommits(StalledSaves):
    """The SQLite commit that publishes a save, held until released, then failing."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        from sagemock import sqlite_state

        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()
        finish = sqlite_state._transaction.__exit__

        def exit_transaction(transaction: Any, kind: Any, error: Any, trace: Any) -> None:
            if self.armed and kind is None and transaction.begin == "BEGIN IMMEDIATE":
                self.armed = False
                self.entered.set()
                self.release.wait(10)
                transaction._roll_back()
                raise sqlite3.OperationalError("database or disk is full")
            finish(transaction, kind, error, trace)

        monkeypatch.setattr(sqlite_state._transaction, "__exit__", exit_transaction)


def test_reads_do_not_see_a_write_before_it_is_durable(tmp_path, monkeypatch, medium):
    """Defect 6: while a write's save is in flight, a read waits for it; when the save fails,
    the read answers from the state the write was undone to."""
    stalled = StalledSaves(monkeypatch) if medium == "json" else StalledCommits(monkeypatch)
    path = new_state_file(tmp_path, medium)
    with ThreadedServer(state_file=path) as srv:
        c = boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing", config=botocore.config.Config(retries={"max_attempts": 0}))
        c.create_model_package_group(ModelPackageGroupName="kept")
        stalled.armed = True
        outcome: dict[str, Any] = {}

        def write() -> None:
            try:
                c.create_model_package_group(ModelPackageGroupName="pending")
                outcome["write"] = "answered"
            except ClientError as error:
                outcome["write"] = error.response["Error"]["Code"]

        def read() -> None:
            reader = client(srv)
            outcome["read"] = names(reader)
            outcome["snapshot"] = sorted(get_raw(srv.url, "/_sagemock/snapshot")[1]["stores"][0]["families"]
                                         ["Registry"]["groups"])

        writer = threading.Thread(target=write)
        writer.start()
        assert stalled.entered.wait(10)  # the write is applied in memory, its save in flight
        reader = threading.Thread(target=read)
        reader.start()
        reader.join(0.5)
        assert "read" not in outcome, "a read answered with a write that was not durable"
        stalled.release.set()
        writer.join(10)
        reader.join(10)
        assert outcome == {"write": "InternalFailure", "read": ["kept"], "snapshot": ["kept"]}
        assert names(c) == ["kept"]
    assert saved_groups(path) == ["kept"]


def test_each_save_flushes_the_directory_after_the_rename(tmp_path, monkeypatch):
    """Defect 12: a rename is durable only once the directory is flushed too."""
    events: list[str] = []
    fsync, replace = os.fsync, os.replace

    def recording_fsync(descriptor: int) -> None:
        events.append("fsync directory" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "fsync file")
        fsync(descriptor)

    def recording_replace(source: Any, target: Any) -> None:
        events.append("rename")
        replace(source, target)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    monkeypatch.setattr(os, "replace", recording_replace)
    with ThreadedServer(state_file=new_state_file(tmp_path, "json")) as srv:
        c = client(srv)
        events.clear()
        c.create_model_package_group(ModelPackageGroupName="a")
        answered = list(events)
    assert answered[-3:] == ["fsync file", "rename", "fsync directory"]


def test_a_second_server_refuses_a_state_file_in_use_and_names_the_holder(tmp_path, medium):
    """Defect 13."""
    state = new_state_file(tmp_path, medium)
    with ServerProcess("--state-file", state) as first:
        assert first.process is not None
        first.client().create_model_package_group(ModelPackageGroupName="first")
        second = subprocess.run([sys.executable, "-m", "sagemock", "server", "--port", "0", "--state-file", str(state)],
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert "in use by another sagemock server" in second.stderr
        assert f"pid {first.process.pid}" in second.stderr
        assert names(first.client()) == ["first"]
        first.stop(signal.SIGKILL)  # a killed holder's lock goes with it
    with ServerProcess("--state-file", state) as third:
        assert names(third.client()) == ["first"]


def test_an_unknown_member_of_a_request_with_a_token_is_not_kept(tmp_path, medium):
    """Defect 9: idempotency records keep a digest of the request, not the request."""
    state = new_state_file(tmp_path, medium)
    big = "x" * 5_000_000
    with ServerProcess("--state-file", state) as server:
        server.client().create_model_package_group(ModelPackageGroupName="g")
        body = json.dumps({"ModelPackageGroupName": "g", "ClientToken": "t-1", "Unknown": big,
                           "InferenceSpecification": {"Containers": [{"Image": IMAGE}]}}).encode()
        connection = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=30)
        for _ in range(2):  # the same request again: replayed, not run twice
            connection.request("POST", "/", body=body, headers={"X-Amz-Target": "SageMaker.CreateModelPackage"})
            response = connection.getresponse()
            assert response.status == 200, response.read()
            arn = json.loads(response.read())["ModelPackageArn"]
        connection.close()
        assert arn.endswith("/g/1")
    assert sum(path.stat().st_size for path in tmp_path.iterdir()) < 200_000


def break_json_medium(monkeypatch: pytest.MonkeyPatch, broken: dict[str, bool]) -> None:
    """Saves fail where they publish the file (the rename); reading it back fails."""
    from sagemock.json_state import JsonStateFile

    replace, read = os.replace, JsonStateFile.read

    def failing_replace(source: Any, target: Any) -> None:
        if broken["save"] and str(target).endswith("state.json"):
            raise OSError(errno.EIO, "Input/output error")
        replace(source, target)

    def failing_read(self: JsonStateFile) -> Any:
        if broken["read"]:
            raise StateFileError("cannot read the state file: Input/output error")
        return read(self)

    monkeypatch.setattr(os, "replace", failing_replace)
    monkeypatch.setattr(JsonStateFile, "read", failing_read)


def break_sqlite_medium(monkeypatch: pytest.MonkeyPatch, broken: dict[str, bool]) -> None:
    """Commits fail; reading the rows back fails."""
    from sagemock import sqlite_state

    finish, read = sqlite_state._transaction.__exit__, sqlite_state._read

    def failing_commit(transaction: Any, kind: Any, error: Any, trace: Any) -> None:
        if broken["save"] and kind is None and transaction.begin == "BEGIN IMMEDIATE":
            transaction._roll_back()
            raise sqlite3.OperationalError("disk I/O error")
        finish(transaction, kind, error, trace)

    def failing_read(connection: sqlite3.Connection) -> Any:
        if broken["read"]:
            raise sqlite3.OperationalError("disk I/O error")
        return read(connection)

    monkeypatch.setattr(sqlite_state._transaction, "__exit__", failing_commit)
    monkeypatch.setattr(sqlite_state, "_read", failing_read)


def test_when_the_file_cannot_even_be_read_back_the_server_holds_then_recovers(tmp_path, monkeypatch, medium):
    """Nothing that is not durable is shown while the server cannot roll back: it answers 503."""
    broken = {"save": False, "read": False}
    (break_json_medium if medium == "json" else break_sqlite_medium)(monkeypatch, broken)
    path = new_state_file(tmp_path, medium)
    with ThreadedServer(state_file=path) as srv:
        c = boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing", config=botocore.config.Config(retries={"max_attempts": 0}))
        c.create_model_package_group(ModelPackageGroupName="kept")
        broken.update(save=True, read=True)
        with pytest.raises(ClientError) as undone:
            c.create_model_package_group(ModelPackageGroupName="lost")
        assert undone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        with pytest.raises(ClientError) as held:
            c.list_model_package_groups()
        assert held.value.response["Error"]["Code"] == "ServiceUnavailable"
        assert held.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        broken.update(save=False, read=False)  # the disk is back
        deadline = time.monotonic() + 10
        while True:
            try:
                assert names(c) == ["kept"]
                break
            except ClientError:
                assert time.monotonic() < deadline, "the server did not recover"
                time.sleep(0.1)
        c.create_model_package_group(ModelPackageGroupName="after")
        assert names(c) == ["after", "kept"]
    assert saved_groups(path) == ["after", "kept"]


def foreign_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.execute("INSERT INTO notes VALUES ('mine')")
    connection.commit()
    connection.close()


def newer_database(path: Path) -> None:
    with ThreadedServer(state_file=path) as srv:
        client(srv).create_model_package_group(ModelPackageGroupName="a")
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = '99' WHERE name = 'version'")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(("make", "message"), [(foreign_database, "without sagemock's tables"),
                                               (newer_database, "has format version 99")])
def test_an_sqlite_database_this_sagemock_cannot_restore_is_an_error_and_left_alone(tmp_path, make, message):
    path = tmp_path / "state.db"
    make(path)
    content = path.read_bytes()
    srv = ThreadedServer(state_file=path)
    with pytest.raises(StateFileError, match=message):
        srv.start()
    assert not srv.running
    assert path.read_bytes() == content
