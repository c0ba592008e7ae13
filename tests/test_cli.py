"""The `sagemock` command, and the generated docs/coverage.md that must not drift from the code."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import boto3
import botocore
import pytest

import sagemock
from sagemock import cli, coverage
from sagemock.core import backend, service

ROOT = Path(__file__).resolve().parent.parent
COVERAGE_DOC = ROOT / "docs" / "coverage.md"


def test_coverage_lists_every_implemented_operation_by_family(capsys):
    assert cli.main(["coverage"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for operation in backend.implemented():
        assert f"  {operation}" in lines
    assert f"{coverage.family_of('CreateModelPackageGroup')} (" in out
    assert coverage.family_of("CreateModelPackageGroup") == "registry"
    implemented, total = len(backend.implemented()), len(service.operation_names())
    assert lines[-2] == f"{implemented} of {total} SageMaker operations implemented (botocore {botocore.__version__})"
    assert lines[-1].startswith(f"(the installed botocore {botocore.__version__} has {total} SageMaker operations;")


def test_coverage_markdown_is_the_table(capsys):
    assert cli.main(["coverage", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out == coverage.markdown()
    for operation in backend.implemented():
        assert f"| `{operation}` | `{coverage.family_of(operation)}` |" in out
    assert f"**{len(backend.implemented())} of {len(service.operation_names())}**" in out


def test_the_table_lists_every_operation_of_the_model_once():
    groups = coverage.all_by_family()
    listed = [operation for operations in groups.values() for operation, _ in operations]
    assert sorted(listed) == sorted(service.operation_names())
    implemented = {operation for operations in groups.values() for operation, done in operations if done}
    assert implemented == set(backend.implemented())
    text = coverage.markdown()
    not_implemented = text.split(coverage.NOT_IMPLEMENTED_HEADING, 1)[1]
    for operation in set(service.operation_names()) - implemented:
        assert f"`{operation}`" in text
    missing = _on_an_uncovered_resource()
    assert f"`{missing}`" in not_implemented and "`CreateModelPackageGroup`" not in not_implemented


@pytest.mark.parametrize(("operation", "resource"), [
    ("ListTrainingJobs", "TrainingJob"), ("DescribeTrainingJob", "TrainingJob"), ("ListAliases", "Alias"),
    ("BatchDescribeModelPackage", "ModelPackage"), ("ListModelPackageGroups", "ModelPackageGroup"),
    ("ListFeatureGroups", "FeatureGroup"), ("ListProcessingJobs", "ProcessingJob"), ("Search", "Search"),
    ("QueryLineage", "Lineage"), ("ListEndpointConfigs", "EndpointConfig"), ("ListTags", "Tag"),
    ("ListStudioLifecycleConfigs", "StudioLifecycleConfig"), ("ListLineageGroups", "LineageGroup")])
def test_operations_are_grouped_by_the_resource_they_act_on(operation, resource):
    assert coverage.resource_of(operation) == resource


def _unimplemented() -> list[str]:
    """The operations of the installed model sagemock does not implement (computed, so some exist
    under any botocore: the model has hundreds more operations than sagemock implements)."""
    found = sorted(set(service.operation_names()) - set(backend.implemented()))
    assert found, "sagemock implements every operation of the model"
    return found


def _on_an_uncovered_resource() -> str:
    """An unimplemented operation on a resource no family answers for (one on a covered resource,
    as DescribeSubscribedWorkteam beside ListSubscribedWorkteams, is listed with that family)."""
    covered = {coverage.resource_of(operation) for operation in backend.implemented()}
    return next(operation for operation in _unimplemented() if coverage.resource_of(operation) not in covered)


def test_an_unimplemented_operation_is_listed_as_not_implemented():
    operation = _on_an_uncovered_resource()
    groups = coverage.all_by_family()
    [(group, _operations)] = [(name, found) for name, found in groups.items() if (operation, False) in found]
    assert group == coverage.resource_of(operation)
    not_implemented = coverage.markdown().split(coverage.NOT_IMPLEMENTED_HEADING, 1)[1]
    assert f"`{operation}`" in not_implemented


def test_an_unimplemented_operation_on_a_covered_resource_is_listed_under_its_family(monkeypatch):
    """Today every family implements every operation on its resources, so take one away: the
    grouping must put it, not implemented, beside the family's others."""
    implemented = backend.implemented()
    by_resource: dict[str, list[str]] = {}
    for operation in implemented:
        by_resource.setdefault(coverage.resource_of(operation), []).append(operation)
    removed = next(operations[-1] for _resource, operations in sorted(by_resource.items()) if len(operations) > 1)
    family = coverage.family_of(removed)
    monkeypatch.setattr(backend, "implemented", lambda: [op for op in implemented if op != removed])
    [(group, operations)] = [(name, found) for name, found in coverage.all_by_family().items()
                             if (removed, False) in found]
    assert group == family
    assert any(done for _name, done in operations)
    row = coverage.markdown().split(f"| `{family}` |", 1)[1].split("\n", 1)[0]
    assert f"not implemented: `{removed}`" in row or f"`{removed}`" in row.split("not implemented:", 1)[1]


def test_an_unimplemented_operation_fails_at_once_naming_itself():
    """The NotImplemented branch through boto3: an operation of the model, answered 501, not retried."""
    from botocore import xform_name
    from botocore.exceptions import ClientError

    from sagemock import mock_sagemaker

    def takes_nothing(operation: str) -> bool:
        shape = service.operation(operation).input_shape
        return shape is None or not shape.required_members

    operation = next(op for op in _unimplemented() if takes_nothing(op))
    with mock_sagemaker():
        client = boto3.client("sagemaker", region_name="us-east-1")
        with pytest.raises(ClientError) as raised:
            getattr(client, xform_name(operation))()
    error = raised.value.response
    assert error["Error"]["Code"] == "NotImplemented"
    assert operation in error["Error"]["Message"]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["ResponseMetadata"]["RetryAttempts"] == 0


def test_committed_coverage_doc_matches_the_code():
    regenerate = f"docs/coverage.md is out of date: regenerate it with `{coverage.REGENERATE}` (from the repository root)"
    assert COVERAGE_DOC.exists(), regenerate
    committed = COVERAGE_DOC.read_text(encoding="utf-8")
    generated = coverage.markdown()
    if f"botocore {botocore.__version__}." not in committed:
        # Generated under another botocore, whose model has other operations: the implemented
        # operations both models know must still agree. Compare the table of those alone.
        known = set(service.operation_names())

        def implemented_part(text: str) -> list[str]:
            part = text.split("## Operations\n", 1)[1].split(coverage.NOT_IMPLEMENTED_HEADING, 1)[0]
            return [line for line in part.splitlines()
                    if not line.startswith("| `") or line.split("`")[1] in known]
        committed, generated = implemented_part(committed), implemented_part(generated)  # type: ignore[assignment]
    assert committed == generated, regenerate


def test_version(capsys):
    assert cli.main(["version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"sagemock {sagemock.__version__} ")
    assert botocore.__version__ in out


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert sagemock.__version__ in capsys.readouterr().out


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "server" in capsys.readouterr().err


def test_server_rejects_a_bad_account(capsys):
    assert cli.main(["server", "--port", "0", "--account-id", "nope"]) == 2
    assert "twelve digits" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "sagemock", "version"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"sagemock {sagemock.__version__}")


# -- the server as a separate process ---------------------------------------------------------------

def _first_line(proc: subprocess.Popen, timeout: float) -> str:
    """The first stdout line, without hanging the suite if the server never prints it."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout).strip()
    except queue.Empty:
        raise AssertionError("sagemock server printed no URL") from None


@pytest.fixture
def server_process() -> Iterator[tuple[subprocess.Popen, str]]:
    env = dict(os.environ, SAGEMOCK_STRICT="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sagemock", "server", "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = _first_line(proc, timeout=60)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_server_subcommand_serves_until_stopped(server_process, stop_signal):
    proc, url = server_process
    assert url.startswith("http://127.0.0.1:")
    assert not url.endswith(":0")
    client = boto3.client("sagemaker", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    arn = client.create_model_package_group(ModelPackageGroupName="cli")["ModelPackageGroupArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/cli"
    assert client.describe_model_package_group(ModelPackageGroupName="cli")["ModelPackageGroupArn"] == arn

    proc.send_signal(stop_signal)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "strict" in err  # SAGEMOCK_STRICT reached the server's configuration
    assert "stopped" in err
    assert "Traceback" not in err


def test_lifecycles_prints_each_status_machine(capsys):
    assert cli.main(["lifecycles", "training-job"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("%% training-job (TrainingJobStatus)\nstateDiagram-v2\n")
    assert "    [*] --> InProgress : create\n" in out
    assert cli.main(["lifecycles"]) == 0
    assert "%% model-package (ModelPackageStatus)" in capsys.readouterr().out
    assert cli.main(["lifecycles", "training_job"]) == 2
    assert "no lifecycle for training_job" in capsys.readouterr().err


def test_lineage_draws_a_saved_snapshot(tmp_path, capsys):
    import json

    from sagemock import mock_sagemaker

    with mock_sagemaker() as mock:
        sm = boto3.client("sagemaker", region_name="us-east-1")
        data = sm.create_artifact(ArtifactName="data", ArtifactType="DataSet",
                                  Source={"SourceUri": "s3://b/d.csv"})["ArtifactArn"]
        train = sm.create_action(ActionName="train", ActionType="Training", Source={"SourceUri": "s3://b/c"})
        sm.add_association(SourceArn=data, DestinationArn=train["ActionArn"], AssociationType="ContributedTo")
        saved = tmp_path / "state.json"
        saved.write_text(json.dumps(mock.snapshot()))
    assert cli.main(["lineage", str(saved)]) == 0
    assert capsys.readouterr().out == ('flowchart LR\n    n0["data (Artifact / DataSet)"]\n'
                                       '    n1["train (Action / Training)"]\n    n0 -->|ContributedTo| n1\n')
    assert cli.main(["lineage", str(saved), "--format", "dot"]) == 0
    assert "n0 -> n1 [label=\"ContributedTo\"];" in capsys.readouterr().out
    assert cli.main(["lineage", str(tmp_path / "missing.json")]) == 1


def test_lineage_draws_a_servers_sqlite_state_file(tmp_path, capsys):
    from sagemock.server import ThreadedServer

    path = tmp_path / "state.db"
    with ThreadedServer(state_file=path) as srv:
        sm = boto3.client("sagemaker", endpoint_url=srv.url, region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
        data = sm.create_artifact(ArtifactName="data", ArtifactType="DataSet",
                                  Source={"SourceUri": "s3://b/d.csv"})["ArtifactArn"]
        train = sm.create_action(ActionName="train", ActionType="Training", Source={"SourceUri": "s3://b/c"})
        sm.add_association(SourceArn=data, DestinationArn=train["ActionArn"], AssociationType="ContributedTo")
        assert cli.main(["lineage", str(path)]) == 0  # (read while the server holds the file)
    assert capsys.readouterr().out == ('flowchart LR\n    n0["data (Artifact / DataSet)"]\n'
                                       '    n1["train (Action / Training)"]\n    n0 -->|ContributedTo| n1\n')
