"""sagemock type-checks under mypy --strict, and so does code that uses its public API."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("mypy", reason="mypy is in the test extra")


def test_the_package_and_its_public_api_are_strictly_typed():
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "sagemock", "tests/typing/public_api.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success: no issues found" in checked.stdout


def test_the_package_says_it_is_typed():
    assert (ROOT / "sagemock" / "py.typed").is_file()
