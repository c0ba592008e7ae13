"""What a family's `prepare` hook need not do again: bring every resource of a kind up to date.

Some resources change between requests without a write to them: a training plan's status follows
the clock from its capacities' start and end times, and its counts follow the training jobs and
clusters that run on it; an inference experiment runs once its schedule's start passes. A hook that
brings every one up to date before each List would cost, at every page, what the table holds. Yet
nothing can have moved while the tables it reads are the ones it last read, unchanged (no write
reached their families, no status was set from outside, none is in transition), what it derived
from elsewhere is the same (`given`: a plan's usage, counted afresh at each request, since other
families' documents also change in place), and the clock is still in the window its last pass
computed (before the next start or end time, not before the last). `Quiet` keeps, per store, what
the last full pass saw and that window, and says whether it still holds. A pass that leaves anything
in transition keeps no mark: a read elsewhere (a List of the table, Search) can settle it without a
write, and nothing would tell the mark so.
"""
from __future__ import annotations

import datetime as _dt
import threading
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import Store
    from .table import Table


class Quiet:
    """One hook's record, per store, of its last full pass over the tables of `kinds`."""

    def __init__(self, *kinds: str):
        self.kinds = kinds
        self._marks: weakref.WeakKeyDictionary[Store, tuple[tuple[Any, ...], Any, _dt.datetime | None,
                                                            _dt.datetime | None]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def _tables(self, store: Store) -> list[Table]:
        return [store.table(kind) for kind in self.kinds]

    def _seen(self, store: Store, tables: list[Table]) -> tuple[Any, ...]:
        """The tables' identities (a restore replaces them) and the changes counted to their kinds
        and families (`Store.changed`: every write, every status set by the test)."""
        owners = [table.spec.owner.__name__ for table in tables if table.spec.owner is not None]
        return (*(id(table.documents) for table in tables), store.version(*self.kinds, *owners))

    def holds(self, store: Store, now: _dt.datetime, given: Any = None) -> bool:
        """Whether the last full pass is still true: nothing it read changed, it was given the same,
        and `now` is in its window."""
        mark = self._marks.get(store)
        if mark is None:
            return False
        seen, kept, since, until = mark
        if kept != given or (since is not None and now < since) or (until is not None and now >= until):
            return False
        tables = self._tables(store)
        return not any(table.moving for table in tables) and seen == self._seen(store, tables)

    def keep(self, store: Store, times: list[_dt.datetime], now: _dt.datetime, given: Any = None) -> None:
        """Record a full pass made at `now` from `given`, true until the clock reaches the next of
        `times` (or goes back before the last of them it has passed)."""
        since = max((time for time in times if time <= now), default=None)
        until = min((time for time in times if time > now), default=None)
        tables = self._tables(store)
        with self._lock:
            if any(table.moving for table in tables):
                # Something is in transition: another request's read can settle it without a write
                # (a List of the table, Search), so no mark can say when it moved. The next pass looks.
                self._marks.pop(store, None)
                return
            self._marks[store] = (self._seen(store, tables), given, since, until)
