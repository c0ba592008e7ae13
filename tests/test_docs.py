"""The documentation site (mkdocs.yml, docs/): it builds with no warning, and no page is left out.

`mkdocs build --strict` fails on any warning; mkdocs.yml turns pages missing from the nav, links
to missing pages or headings, and absolute links into warnings, so this test catches them all.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"


def _nav_pages(nav: Any) -> list[str]:
    """Every page file named in a nav tree (lists of `title: page` or `title: [sub-nav]`)."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    return []


def _pages() -> set[str]:
    return {path.name for path in DOCS.glob("*.md")}


def test_every_page_is_in_the_nav() -> None:
    pytest.importorskip("mkdocs")
    from mkdocs.config import load_config

    config = load_config(str(CONFIG))
    named = _nav_pages(config["nav"])
    assert len(named) == len(set(named)), "a page appears twice in the nav"
    assert _pages() - set(named) == set(), "pages missing from mkdocs.yml's nav"
    assert set(named) - _pages() == set(), "nav entries with no page in docs/"


def test_every_page_is_linked_from_the_index() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]*)?\)", index))
    assert _pages() - {"index.md"} - linked == set(), "pages docs/index.md does not link"


def test_site_builds_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(CONFIG),
         "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "WARNING" not in completed.stderr, completed.stderr
    for page in _pages():
        built = "index.html" if page == "index.md" else f"{page[:-3]}/index.html"
        assert (tmp_path / "site" / built).is_file(), built
