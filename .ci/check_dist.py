"""What the built package holds (.ci/run, after `python -m build`).

    python .ci/check_dist.py dist

The wheel holds exactly the package: every file of `sagemock/` that git tracks (its code and
`py.typed`), its metadata, and the licence; nothing else (no tests, docs, bench or caches). The
sdist carries the licence and the README the metadata points to.
"""
from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(folder: str) -> int:
    dist = Path(folder)
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {dist}, found {wheels + sdists}", file=sys.stderr)
        return 1
    problems: list[str] = []
    tracked = set(subprocess.run(["git", "ls-files", "sagemock"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.split())
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = set(wheel.namelist())
    package = {name for name in names if name.startswith("sagemock/")}
    metadata = {name for name in names if ".dist-info/" in name}
    if package != tracked:
        problems.append(f"the wheel's package differs from git's sagemock/: missing {sorted(tracked - package)}, "
                        f"extra {sorted(package - tracked)}")
    if names - package - metadata:
        problems.append(f"the wheel holds files outside the package: {sorted(names - package - metadata)}")
    if not any(name.endswith(".dist-info/licenses/LICENSE") for name in metadata):
        problems.append("the wheel's metadata carries no LICENSE")
    with tarfile.open(sdists[0]) as sdist:
        members = {name.split("/", 1)[-1] for name in sdist.getnames()}
    for needed in ("LICENSE", "README.md", "pyproject.toml", "sagemock/__init__.py", "sagemock/py.typed"):
        if needed not in members:
            problems.append(f"the sdist has no {needed}")
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_dist: {wheels[0].name} holds the {len(package)} files of the package; "
              f"{sdists[0].name} carries the licence")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "dist"))
