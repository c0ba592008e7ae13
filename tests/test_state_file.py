"""The server's state file: loaded at start, saved atomically before each write is answered."""
from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from sagemock.server import ThreadedServer
from sagemock.state_file import StateFileError


def client(srv: ThreadedServer):
    return boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def saved_groups(path: Path) -> list[str]:
    document = json.loads(path.read_text(encoding="utf-8"))
    if not document["stores"]:
        return []
    [store] = document["stores"]
    return sorted(store["families"].get("Registry", {}).get("groups", {}))


def test_the_file_exists_from_the_start_and_holds_each_write_when_it_is_answered(tmp_path):
    path = tmp_path / "state.json"
    with ThreadedServer(state_file=path) as srv:
        assert saved_groups(path) == []
        c = client(srv)
        for name in ("a", "b", "c"):
            c.create_model_package_group(ModelPackageGroupName=name)
            assert name in saved_groups(path)  # on disk before the answer arrived
        c.delete_model_package_group(ModelPackageGroupName="b")
        assert saved_groups(path) == ["a", "c"]


def test_reads_and_refused_writes_do_not_save(tmp_path):
    with ThreadedServer(state_file=tmp_path / "state.json") as srv:
        c = client(srv)
        c.create_model_package_group(ModelPackageGroupName="a")
        saves = srv.state_file.saves
        c.describe_model_package_group(ModelPackageGroupName="a")
        c.list_model_package_groups()
        with pytest.raises(c.exceptions.ClientError):
            c.create_model_package_group(ModelPackageGroupName="a")
        assert srv.state_file.saves == saves


def test_reset_and_restore_are_saved(tmp_path):
    path = tmp_path / "state.json"
    with ThreadedServer(state_file=path) as srv:
        c = client(srv)
        c.create_model_package_group(ModelPackageGroupName="a")
        document = srv.snapshot()
        srv.reset()
        assert saved_groups(path) == []
        srv.restore(document)
        assert saved_groups(path) == ["a"]


def test_a_restart_continues_from_the_file(tmp_path):
    path = tmp_path / "state.json"
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
    path = tmp_path / "state.json"
    leftover = tmp_path / ".state.json.abc123.tmp"
    leftover.write_text('{"half', encoding="utf-8")
    unrelated = tmp_path / ".other.json.abc123.tmp"
    unrelated.write_text("x", encoding="utf-8")
    with ThreadedServer(state_file=path):
        pass
    assert not leftover.exists() and unrelated.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.json.abc123.tmp", "state.json"]
