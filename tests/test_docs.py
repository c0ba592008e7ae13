"""The documentation site (mkdocs.yml, docs/): it builds strictly, with its diagrams and API reference.

`mkdocs build --strict` fails on any warning; mkdocs.yml's `validation` turns a page missing from
the nav, a link to a missing page or heading, and an absolute link into warnings, so the build
catches them all. The pages' code blocks run through docs/conftest.py (Sybil).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sagemock import diagrams

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"


def _pages() -> set[str]:
    return {path.name for path in DOCS.glob("*.md")}


def test_every_page_is_linked_from_the_index() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]*)?\)", index))
    assert _pages() - {"index.md"} - linked == set(), "pages docs/index.md does not link"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("mkdocs")
    built = tmp_path_factory.mktemp("site")
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(CONFIG), "--site-dir", str(built)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "WARNING" not in completed.stderr, completed.stderr
    return built


def _html(site: Path, page: str) -> str:
    built = "index.html" if page == "index.md" else f"{page[:-3]}/index.html"
    return (site / built).read_text(encoding="utf-8")


def test_site_builds_strict_with_every_page(site: Path) -> None:
    for page in _pages():
        assert _html(site, page)


def test_the_family_pages_show_their_status_machines(site: Path) -> None:
    for kind, page in diagrams.DOCS_PAGES.items():
        html = _html(site, page)
        assert f"<code>{kind}</code>" in html
        assert '<div class="mermaid">stateDiagram-v2' in html, page
    assert "mermaid.min.js" in _html(site, "registry.md")
    assert '<div class="mermaid">flowchart LR' in _html(site, "lineage.md")


def test_the_api_reference_is_read_from_the_docstrings(site: Path) -> None:
    html = _html(site, "api.md")
    for name in ("mock_sagemaker", "MockSageMaker", "fail_next", "set_status", "lineage_diagram", "sagemaker_mock",
                 "sagemaker_client", "ThreadedServer", "SnapshotError", "ShapeError", "ServiceError",
                 "SagemockWarning"):
        assert name in html, name
    # A docstring's words, not just the names: the reference is generated, not hand-written.
    assert "Make the next resource of" in html


def test_the_changelog_is_in_the_site(site: Path) -> None:
    assert "First release" in _html(site, "changelog.md")
