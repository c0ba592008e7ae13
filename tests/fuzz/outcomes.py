"""How often each operation's valid drawn requests succeeded (tests/fuzz/test_operations.py).

The fuzz tests are only as good as the share of requests that get past AWS's prose rules to the
paths behind them. tests/conftest.py prints the tally after the run, gathered from every xdist
worker.
"""
from __future__ import annotations

import collections
from typing import Any

#: Operation -> how many valid drawn requests it answered with a success (True) or an error (False).
OUTCOMES: collections.defaultdict[str, collections.Counter[bool]] = collections.defaultdict(collections.Counter)


def as_json() -> dict[str, list[int]]:
    """The tally as a worker hands it to the controller: operation -> [successes, errors]."""
    return {operation: [counts[True], counts[False]] for operation, counts in OUTCOMES.items()}


def merge(tally: dict[str, list[int]]) -> None:
    for operation, (succeeded, refused) in tally.items():
        OUTCOMES[operation][True] += succeeded
        OUTCOMES[operation][False] += refused


def summary(terminalreporter: Any) -> None:
    if not OUTCOMES:
        return
    total = sum(counts[True] for counts in OUTCOMES.values())
    drawn = sum(sum(counts.values()) for counts in OUTCOMES.values())
    never = sorted(operation for operation, counts in OUTCOMES.items() if not counts[True])
    write = terminalreporter.write_line
    terminalreporter.section("fuzz: valid requests that succeeded")
    write(f"{total} of {drawn} ({100 * total / max(drawn, 1):.0f}%) over {len(OUTCOMES)} operations; "
          f"never succeeded: {', '.join(never) or 'none'}")
    rows = sorted(OUTCOMES.items(), key=lambda item: (item[1][True] / max(sum(item[1].values()), 1), item[0]))
    write("  ".join(f"{operation} {counts[True]}/{sum(counts.values())}" for operation, counts in rows))
