"""Shared fixtures for sagemock's own tests (strict shape checking is on: see setup.cfg)."""
from __future__ import annotations

import pytest

from sagemock.mock import defaults


@pytest.fixture(autouse=True)
def _strict_everywhere() -> None:
    """Every mock in this suite checks its responses against the output shapes."""
    assert defaults["strict"], "sagemock's own tests must run with sagemock_strict = true"
