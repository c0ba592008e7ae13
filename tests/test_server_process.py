"""`sagemock server` as a process: signals, restarts, and its state file across them."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from sagemock.server import ThreadedServer

from .server_process import CLIENT_ENV, MEDIA, ServerProcess, new_state_file, saved_keys

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}


def group_names(client) -> set[str]:
    names: set[str] = set()
    for page in client.get_paginator("list_model_package_groups").paginate():
        names |= {g["ModelPackageGroupName"] for g in page["ModelPackageGroupSummaryList"]}
    return names


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_cleanly(sig):
    server = ServerProcess().start()
    server.client().create_model_package_group(ModelPackageGroupName="g")
    code, err = server.stop(sig)
    assert code == 0
    assert "sagemock server: stopped" in err and "Traceback" not in err


@pytest.mark.parametrize("medium", MEDIA)
def test_state_survives_a_restart(tmp_path, medium):
    state = new_state_file(tmp_path, medium)
    with ServerProcess("--state-file", state) as server:
        c = server.client()
        c.create_model_package_group(ModelPackageGroupName="churn", Tags=[{"Key": "team", "Value": "ml"}])
        first = c.create_model_package(ModelPackageGroupName="churn", InferenceSpecification=SPEC)
        c.create_experiment(ExperimentName="exp")
    assert saved_keys(state, "Registry", "groups") == ["churn"]

    with ServerProcess("--state-file", state) as server:
        c = server.client()
        group = c.describe_model_package_group(ModelPackageGroupName="churn")
        assert c.list_tags(ResourceArn=group["ModelPackageGroupArn"])["Tags"] == [{"Key": "team", "Value": "ml"}]
        assert c.describe_model_package(ModelPackageName=first["ModelPackageArn"])["ModelPackageVersion"] == 1
        assert c.create_model_package(ModelPackageGroupName="churn", InferenceSpecification=SPEC)[
            "ModelPackageArn"].endswith("/churn/2")
        assert c.describe_experiment(ExperimentName="exp")["ExperimentName"] == "exp"
        c.delete_experiment(ExperimentName="exp")

    with ServerProcess("--state-file", state) as server:
        with pytest.raises(ClientError) as gone:
            server.client().describe_experiment(ExperimentName="exp")
        assert gone.value.response["Error"]["Code"] == "ResourceNotFound"


@pytest.mark.parametrize("medium", MEDIA)
def test_a_server_killed_during_a_burst_of_writes_restarts_with_every_acknowledged_write(tmp_path, medium):
    state = new_state_file(tmp_path, medium)
    server = ServerProcess("--state-file", state).start()
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker: int) -> None:
        c = server.client(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=5)
        for index in range(10_000):
            if stop.is_set():
                return
            name = f"w{worker}-{index}"
            try:
                c.create_model_package_group(ModelPackageGroupName=name)
            except (EndpointConnectionError, ConnectionError, OSError, ClientError):
                return
            except Exception:  # botocore wraps a reset connection in several ways
                return
            with lock:
                acknowledged.append(name)

    workers = [threading.Thread(target=writer, args=(worker,)) for worker in range(6)]
    for thread in workers:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    code, _ = server.stop(signal.SIGKILL)  # in the middle of the burst
    stop.set()
    for thread in workers:
        thread.join(30)
    assert code == -signal.SIGKILL
    assert len(acknowledged) >= 150

    if medium == "json":
        document = json.loads(state.read_text())  # one whole snapshot, never a torn file
        assert document["format"] == "sagemock-state"
    with ServerProcess("--state-file", state) as restarted:
        assert set(acknowledged) <= group_names(restarted.client())
    if medium == "json":
        assert not [p for p in tmp_path.iterdir() if p.name not in ("state.json", "state.json.lock")], \
            "a killed save's temporary file was left"
    else:
        connection = sqlite3.connect(state)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        connection.close()


def test_an_unreadable_state_file_stops_the_start_and_is_left_alone(tmp_path):
    state = tmp_path / "state.json"
    state.write_text("{half a snaps")
    process = subprocess.run([sys.executable, "-m", "sagemock", "server", "--port", "0", "--state-file", str(state)],
                             capture_output=True, text=True, timeout=60)
    assert process.returncode == 1
    assert f"the state file {state} is not a sagemock snapshot" in process.stderr
    assert "Traceback" not in process.stderr
    assert state.read_text() == "{half a snaps"


def test_boto3_in_a_subprocess_talks_to_an_in_process_server():
    script = textwrap.dedent("""
        import os, sys, boto3
        sm = boto3.client("sagemaker", endpoint_url=sys.argv[1])
        sm.create_model_package_group(ModelPackageGroupName="from-a-subprocess")
        try:
            sm.describe_model_package_group(ModelPackageGroupName="missing")
        except sm.exceptions.ClientError as error:
            print(error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"])
    """)
    with ThreadedServer() as srv:
        done = subprocess.run([sys.executable, "-c", script, srv.url], capture_output=True, text=True, timeout=120,
                              env={**os.environ, **CLIENT_ENV})
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["ValidationException", "400"]
        [store] = srv.state.stores.values()
        assert "from-a-subprocess" in {d.get("ModelPackageGroupName") for d in store.resources.values()}
