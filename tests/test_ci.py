""".ci/run fails when any step fails: its own logic, run with stand-ins for python and pip.

The script is copied into an empty tree and run with a `python3` on PATH that makes virtual
environments of stand-in commands; each stand-in logs its command line and fails when the line
contains FAIL_ON. A step that fails must end the run with a non-zero status before any later step
runs; with nothing failing, the run goes through every step and exits 0 (so the stand-ins are
realistic enough for the failures to mean something).
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STAND_IN = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$CI_LOG"
if [ -n "${FAIL_ON:-}" ] && [[ "$(basename "$0") $*" == *"$FAIL_ON"* ]]; then exit 1; fi
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin"
  for tool in python pip ruff twine uv; do cp "$0" "$3/bin/$tool"; done
fi
exit 0
"""


def _executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def run_ci(tmp_path: Path, fail_on: str = "", oldest: str = "none") -> tuple[int, list[str], str]:
    tree = tmp_path / "repo"
    (tree / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", tree / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(bin_dir / "python3", STAND_IN)
    _executable(bin_dir / "python3.10", STAND_IN)
    log = tmp_path / "log"
    log.touch()
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "CI_LOG": str(log), "FAIL_ON": fail_on,
           "OLDEST_PYTHON": str(bin_dir / "python3.10") if oldest == "fake" else oldest, "HOME": str(tmp_path)}
    done = subprocess.run(["bash", str(tree / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60)
    return done.returncode, log.read_text().splitlines(), done.stderr


def test_with_every_step_passing_the_run_passes(tmp_path: Path) -> None:
    code, log, err = run_ci(tmp_path, oldest="fake")
    assert code == 0, err
    joined = "\n".join(log)
    for expected in ("pip install .", "python examples/quickstart.py", "pip install -e .[test,bench,clients]",
                     "python -m pytest", "ruff check .", "python -m build", "twine check", "check_dist.py",
                     "pip install -e .[aio,test]", "tests/test_aiobotocore.py", "botocore==", "python -m pytest -q"):
        assert expected in joined, expected
    assert "every step passed" in err


@pytest.mark.parametrize(("fail_on", "never_runs"), [
    ("pip install .", "examples/quickstart.py"),           # the first README command's first link
    ("python examples/quickstart.py", "pip install -e"),    # its last link
    ("pip install -e .[test", "-m pytest"),                 # the second README command
    ("python -m pytest", "ruff"),                           # the suite
    ("ruff check", "-m build"),
    ("twine check", "check_dist.py"),                       # a step's middle line
    ("pip install -r .ci/tools.txt", "pip install -e .[aio"),  # the CI's own tools
    ("pip install -e .[aio", "tests/test_aiobotocore.py"),
])
def test_a_failing_step_fails_the_run_at_once(tmp_path: Path, fail_on: str, never_runs: str) -> None:
    code, log, err = run_ci(tmp_path, fail_on=fail_on)
    assert code != 0
    assert "ci: FAILED" in err
    ran = "\n".join(log)
    assert fail_on in ran
    assert never_runs not in ran.split(fail_on, 1)[1]


def test_the_oldest_botocore_job_fails_the_run_too(tmp_path: Path) -> None:
    code, log, err = run_ci(tmp_path, fail_on="botocore==", oldest="fake")
    assert code != 0 and "ci: FAILED: oldest supported" in err
    assert "-m pytest" not in "\n".join(log).split("botocore==", 1)[1]
    assert "every step passed" not in err


def test_the_oldest_botocore_is_one_variable_near_the_top() -> None:
    script = (ROOT / ".ci" / "run").read_text().splitlines()
    [line] = [line for line in script if line.startswith("OLDEST_BOTOCORE=")]
    assert script.index(line) < 30
    assert sum("$OLDEST_BOTOCORE" in line for line in script) >= 2  # botocore and boto3 use it
