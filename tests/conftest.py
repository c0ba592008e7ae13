"""Shared fixtures for sagemock's own tests (strict shape checking is on: see pyproject.toml)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from sagemock.core import backend, snapshot
from sagemock.core.state import State
from sagemock.mock import MockSageMaker, defaults
from tests.fuzz import outcomes

# Families load on first use; load them all now, before any in-process pytester run: pytester
# forgets the modules a run imported, and a family imported twice would declare its lifecycles
# twice. (The lazy loading itself is tested in fresh interpreters: tests/test_cold_start.py.)
backend.load_all()


@pytest.fixture(autouse=True)
def _strict_everywhere() -> None:
    """Every mock in this suite checks its responses against the output shapes."""
    assert defaults["strict"], "sagemock's own tests must run with sagemock_strict = true"


@pytest.fixture(autouse=True)
def _every_state_survives_a_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a test built, its state goes through JSON and back unchanged.

    Checked as each mock stops, so every family's resources, in every shape the suite gives them,
    prove that `snapshot()` loses nothing and that `restore()` rebuilds the same state (shared
    documents shared again: the second dump would differ otherwise).
    """
    stop = MockSageMaker.stop

    def checked_stop(self: MockSageMaker) -> None:
        if self._pushed:
            state = self._pushed[-1]
            text = json.dumps(snapshot.dump(state), allow_nan=False)
            rebuilt = State(state.config)
            snapshot.load(rebuilt, json.loads(text))
            assert json.dumps(snapshot.dump(rebuilt), allow_nan=False) == text
        stop(self)

    monkeypatch.setattr(MockSageMaker, "stop", checked_stop)


# -- the fuzz tally, gathered from every xdist worker ----------------------------------------------

def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the tally to the controller
        workeroutput["fuzz_outcomes"] = outcomes.as_json()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    outcomes.merge(getattr(node, "workeroutput", {}).get("fuzz_outcomes", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    outcomes.summary(terminalreporter)
