"""The README's promises: its example is the quickstart, and CI runs its test command."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def shell_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", README, re.S)]


def test_readme_has_exactly_two_setup_commands():
    blocks = shell_blocks()
    assert len(blocks) == 2
    assert "examples/quickstart.py" in blocks[0] and "pytest" in blocks[1]


def test_ci_runs_both_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert shell_blocks()[0] in ci and shell_blocks()[1] in ci


def test_every_package_is_shipped():
    """A plain (not editable) install ships only what setuptools finds: every folder of code."""
    from setuptools import find_packages

    found = set(find_packages(str(ROOT), include=["sagemock", "sagemock.*"]))
    folders = {".".join(path.relative_to(ROOT).parts[:-1]) for path in (ROOT / "sagemock").rglob("*.py")}
    assert folders <= found, f"folders without __init__.py are left out of the wheel: {folders - found}"


def test_readme_example_is_the_quickstart_and_it_runs():
    example = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    quickstart = (ROOT / "examples" / "quickstart.py").read_text()
    assert example == quickstart
    assert len(example.strip().splitlines()) == 10
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1']"


def test_one_botocore_floor_everywhere():
    """The README, the package's requirements, tox's oldest environment and CI's oldest job name one floor."""
    floor = re.search(r"botocore (\d+\.\d+) \(", README).group(1)
    setup = (ROOT / "pyproject.toml").read_text()
    assert re.findall(r"\"botocore\s*>=\s*([\d.]+)", setup) == [floor]
    assert re.findall(r"\"boto3\s*>=\s*([\d.]+)", setup) == [floor]
    for path in (ROOT / "tox.ini", ROOT / ".ci" / "run", ROOT / "docs" / "getting-started.md"):
        pins = set(re.findall(r"(?:botocore|BOTOCORE)(?:==| |=)(\d+\.\d+)(?:\.0)?\b", path.read_text()))
        assert pins == {floor}, (path.name, pins)
